// The outbox drain measured apart from the browser: the app's own sender
// (src/sync/sender.ts) over a fake-indexeddb outbox, against the real local
// endpoint: one by one with one request in flight (how it first sent), one by
// one with six in flight (the stop before batches), and in batches (now).
// Same submissions, same signed proofs.
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { CseDb } from '../../src/store/db.ts';
import { newDeviceKey } from '../../src/sync/device-proof.ts';
import { fetchEndpointKey, sealTo } from '../../src/sync/seal.ts';
import { sendDue } from '../../src/sync/sender.ts';
import type { Endpoint } from '../../src/sync/settings.ts';
import type { RunningServer } from '../../src/server/main.ts';
import { enrolDevice } from '../helpers/device.ts';
import { makeSubmission } from '../helpers/submission.ts';

export interface DrainWay {
  label: string;
  /** Requests in flight. */
  concurrency: number;
  /** Submissions per request (1: the single POST). */
  batchSize: number;
}

export async function drainInNode(
  server: RunningServer,
  origin: string,
  way: DrainWay,
  n = 1000,
): Promise<{ ms: number; stored: number; requests: number }> {
  const { concurrency, batchSize } = way;
  const key = await newDeviceKey();
  const e = await enrolDevice(origin, (await server.addDevice(`bench drain ${way.label}`)).code, key);
  const url = `${origin}/api/submissions`;
  const jwk = (await fetchEndpointKey(url))!;
  const endpoint: Endpoint = {
    url,
    publicKey: jwk,
    device: { id: String(e.body.deviceId), name: 'bench', key, enrolledAt: new Date().toISOString() },
  };
  const name = `bench-drain-${concurrency}-${batchSize}-${Date.now()}`;
  const db = new CseDb(name, undefined, () => undefined);
  const seal = sealTo(jwk);
  const rows = [];
  for (let i = 0; i < n; i++) {
    const s = makeSubmission({ childRef: `N${concurrency}-${batchSize}-${i}` });
    rows.push({
      id: s.id,
      recordId: crypto.randomUUID(),
      state: 'queued' as const,
      ...(await seal(s)),
      attempts: 0,
      createdAt: i,
      nextAttemptAt: 0,
    });
  }
  await db.outbox.bulkAdd(rows);
  const before = await server.store.count();
  const t0 = performance.now();
  let requests = 0;
  const counting: typeof fetch = (input, init) => (requests++, fetch(input, init));
  let report;
  do
    report = await sendDue(
      { db, fetch: counting, endpoint: async () => endpoint, concurrency, batchSize },
      { force: true },
    );
  while (report.retrying > 0);
  const ms = Math.round(performance.now() - t0);
  const stored = (await server.store.count()) - before;
  db.close();
  await Dexie.delete(name);
  return { ms, stored, requests };
}
