// `npm run drill` (drills 5–8): the receiver attacked on loopback, on SQLite
// and on PostgreSQL. Each figure is printed; each drill stops by itself.
//   5  20,000 idle connections: does the health check still answer?
//   6  1,000 slow bodies: are they cut off, and do real submissions get through?
//   7  one device flooding: 429 for it, the others unaffected?
//   8  SIGKILL during 5,000 concurrent submits, one by one and in batches: is every acknowledged one there after restart?
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReceiverStore } from '../../src/receiver/store/receiver-store.ts';
import { readConfig } from '../../src/config/config.ts';
import { loadEnvelope } from '../../src/receiver/secrets.ts';
import { startServer } from '../../src/server/main.ts';
import { asItem, enrolDevice, signedBatch, signedPost } from '../helpers/device.ts';
import { type TestPostgres, freshDatabase, startPostgres } from '../helpers/postgres.ts';
import { makeSubmission } from '../helpers/submission.ts';

type Row = (string | number)[];
const progress = (m: string) => console.log(`[drill ${new Date().toISOString().slice(11, 19)}] ${m}`);

function runClient(
  port: number,
  mode: 'idle' | 'slow',
  count: number,
  seconds: number,
): Promise<{ opened: number; failed: number; closedByServer: number; bytesSent: number }> {
  return new Promise((ok, fail) => {
    const c = spawn(
      process.execPath,
      [join(import.meta.dirname, 'load-client.mjs'), String(port), mode, String(count), String(seconds)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.on('exit', () => {
      try {
        ok(JSON.parse(out.trim().split('\n').pop()!));
      } catch (e) {
        fail(e);
      }
    });
  });
}

async function health(origin: string): Promise<number | undefined> {
  const t = performance.now();
  try {
    const res = await fetch(`${origin}/api/health`, { signal: AbortSignal.timeout(5000) });
    await res.arrayBuffer();
    return res.ok ? performance.now() - t : undefined;
  } catch {
    return undefined;
  }
}

/** Runs `fn` every `ms` until `until` resolves; returns the figures. */
async function probeWhile<T>(until: Promise<T>, ms: number, probe: () => Promise<number | undefined>) {
  const lat: number[] = [];
  let failed = 0;
  let done = false;
  const result = until.finally(() => (done = true));
  while (!done) {
    const l = await probe();
    if (l === undefined) failed++;
    else lat.push(l);
    await new Promise((r) => setTimeout(r, ms));
  }
  return { result: await result, ok: lat.length, failed, worstMs: Math.round(Math.max(0, ...lat)) };
}

async function device(origin: string, server: Awaited<ReturnType<typeof startServer>>, name: string) {
  return (await enrolDevice(origin, (await server.addDevice(name)).code)).device;
}

export async function receiverDrills(only: string[]): Promise<Row[]> {
  const rows: Row[] = [];
  let pg: TestPostgres | undefined;
  const kinds = (process.env.DRILL_STORES ?? 'sqlite,postgres')
    .split(',')
    .filter((k) => k === 'sqlite' || k === 'postgres');
  for (const kind of kinds) {
    let database: string | undefined;
    if (kind === 'postgres') {
      pg ??= await startPostgres();
      if (!pg) {
        rows.push(['receiver drills on PostgreSQL', 'skipped', 'PostgreSQL is not installed']);
        continue;
      }
    }
    const fresh = async (n: string) =>
      kind === 'postgres' ? await freshDatabase(pg!, `drill_${n}_${Date.now()}`) : undefined;
    const dir = () => mkdtempSync(join(tmpdir(), `cse-drill-${kind}-`));

    if (only.includes('5')) {
      progress(`drill 5 (${kind}): 20,000 idle connections`);
      database = await fresh('idle');
      const server = await startServer({ port: 0, dataDir: dir(), ...(database ? { database } : {}) });
      const port = server.address().port;
      const clients = Promise.all([runClient(port, 'idle', 10_000, 25), runClient(port, 'idle', 10_000, 25)]);
      await new Promise((r) => setTimeout(r, 3000)); // let the flood build
      const p = await probeWhile(clients, 250, () => health(server.origin));
      const [a, b] = p.result;
      rows.push([`20,000 idle connections (${kind})`, 'connections opened by the attacker', a.opened + b.opened]);
      rows.push(['', 'attempts that never connected', a.failed + b.failed]);
      rows.push([
        '',
        'closed by the server (cap, idle timeout), as the attacker saw it',
        a.closedByServer + b.closedByServer,
      ]);
      rows.push([
        '',
        'server: accepted / idle ones evicted for newcomers / refused',
        `${server.app.connections.accepted} / ${server.app.connections.evicted} / ${server.app.connections.refused}`,
      ]);
      rows.push(['', 'health checks answered / failed during the flood', `${p.ok} / ${p.failed}`]);
      rows.push(['', 'slowest health check answered (ms)', p.worstMs]);
      rows.push(['', 'healthy afterwards', (await health(server.origin)) !== undefined ? 'yes' : 'NO']);
      await server.close();
    }

    if (only.includes('6')) {
      progress(`drill 6 (${kind}): 1,000 slow bodies`);
      database = await fresh('slow');
      const server = await startServer({ port: 0, dataDir: dir(), ...(database ? { database } : {}) });
      const d = await device(server.origin, server, 'honest');
      const slow = runClient(server.address().port, 'slow', 1000, 40);
      await new Promise((r) => setTimeout(r, 2000));
      let delivered = 0;
      const t0 = performance.now();
      for (let i = 0; i < 50; i++)
        if ((await signedPost(server.origin, d, makeSubmission())).status === 201) delivered++;
      const honestMs = Math.round(performance.now() - t0);
      const s = await slow;
      rows.push([`1,000 slow bodies (${kind})`, 'slow connections opened', s.opened]);
      rows.push(['', 'cut off by the server before 40 s (request timeout 30 s)', s.closedByServer]);
      rows.push(['', 'honest submissions delivered meanwhile', `${delivered} / 50 in ${honestMs} ms`]);
      rows.push(['', 'rows stored (only the honest ones)', await server.store.count()]);
      await server.close();
    }

    if (only.includes('7')) {
      progress(`drill 7 (${kind}): one device flooding`);
      database = await fresh('flood');
      const server = await startServer({ port: 0, dataDir: dir(), ...(database ? { database } : {}) });
      const flooder = await device(server.origin, server, 'flooder');
      const others = await Promise.all([1, 2, 3].map((i) => device(server.origin, server, `colleague ${i}`)));
      const flood = { sent: 0, limited: 0, stored: 0, other: 0 };
      let stop = false;
      const floodRun = Promise.all(
        Array.from({ length: 32 }, async () => {
          while (!stop && flood.sent < 3000) {
            flood.sent++;
            const res = await signedPost(server.origin, flooder, makeSubmission());
            await res.arrayBuffer();
            if (res.status === 429) flood.limited++;
            else if (res.status < 300) flood.stored++;
            else flood.other++;
          }
        }),
      );
      const honest = { sent: 0, ok: 0, limited: 0 };
      for (let i = 0; i < 30; i++)
        for (const o of others) {
          honest.sent++;
          const res = await signedPost(server.origin, o, makeSubmission());
          await res.arrayBuffer();
          if (res.status === 201) honest.ok++;
          if (res.status === 429) honest.limited++;
        }
      stop = true;
      await floodRun;
      rows.push([
        `one device flooding (${kind})`,
        'flooder: sent / stored / 429',
        `${flood.sent} / ${flood.stored} / ${flood.limited}`,
      ]);
      rows.push([
        '',
        'three colleagues meanwhile: sent / stored / 429',
        `${honest.sent} / ${honest.ok} / ${honest.limited}`,
      ]);
      await server.close();
    }

    if (only.includes('8'))
      for (const mode of ['one by one', 'in batches of 50'] as const) {
        progress(`drill 8 (${kind}): SIGKILL during 5,000 concurrent submits, ${mode}`);
        rows.push(
          ...(await killDuringSubmits(kind, await fresh(mode === 'one by one' ? 'kill' : 'killbatch'), dir(), mode)),
        );
      }
  }
  pg?.stop();
  return rows;
}

function expectKilled(k: boolean) {
  if (!k) throw new Error('the server was not killed');
}

/**
 * Drill 8: the server in its own process, 5,000 submissions sent with 64
 * requests in flight (one by one) or 8 (batches of 50), and SIGKILL once a
 * random 500–2,500 are acknowledged. Reopened as the server would, every
 * acknowledged id must be there.
 */
async function killDuringSubmits(
  kind: string,
  database: string | undefined,
  dataDir: string,
  mode: 'one by one' | 'in batches of 50',
): Promise<Row[]> {
  const secretsDir = `${dataDir}-secrets`;
  const db = database ?? join(dataDir, 'receiver.sqlite');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'server-child.ts'), dataDir, secretsDir, db],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const info = await new Promise<{ port: number; code: string }>((ok) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) ok(JSON.parse(out.split('\n')[0]!));
    });
  });
  const origin = `http://127.0.0.1:${info.port}`;
  const dev = (await enrolDevice(origin, info.code)).device;
  const subs = Array.from({ length: 5000 }, () => makeSubmission());
  const acked: string[] = [];
  let failed = 0;
  let next = 0;
  const batched = mode === 'in batches of 50';
  /** Sends the next request's worth; acknowledged ids are those answered 201 or 200. */
  const sendNext = async () => {
    const part = subs.slice(next, (next += batched ? 50 : 1));
    try {
      if (batched) {
        const res = await signedBatch(origin, dev, part.map(asItem));
        const body =
          res.status === 200
            ? ((await res.json()) as { results: { id: string; status: number }[] })
            : (await res.arrayBuffer(), { results: [] });
        for (const r of body.results) if (r.status === 201 || r.status === 200) acked.push(r.id);
        failed += part.length - body.results.filter((r) => r.status === 201 || r.status === 200).length;
      } else {
        const res = await signedPost(origin, dev, part[0]!);
        await res.arrayBuffer();
        if (res.status === 201 || res.status === 200) acked.push(part[0]!.id);
        else failed++;
      }
    } catch {
      failed += part.length;
    }
  };
  // Killed mid-stream: once a random 500–2,500 submissions are acknowledged (or after 60 s).
  const killAfterAcks = 500 + Math.floor(Math.random() * 2000);
  let killAt = 0;
  let killed = false;
  const t0 = Date.now();
  const sending = Promise.all(
    Array.from({ length: batched ? 8 : 64 }, async () => {
      while (next < subs.length) await sendNext();
    }),
  );
  const killer = (async () => {
    while (acked.length < killAfterAcks && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 5));
    killAt = Date.now() - t0;
    child.kill('SIGKILL');
    killed = true;
  })();
  await Promise.all([sending, killer]);
  await new Promise((r) => (child.exitCode !== null || child.signalCode ? r(null) : child.once('exit', r)));
  // Reopen the same database the way the server does, and look for every acknowledged id.
  const store = await ReceiverStore.open({
    database: db,
    envelope: loadEnvelope(readConfig({}, { dataDir, secretsDir, database: db })),
  });
  let missing = 0;
  for (const id of acked) if (!(await store.get(id))) missing++;
  const rows: Row[] = [
    [`SIGKILL during 5,000 submits, ${mode} (${kind})`, `acknowledged before the kill (at ${killAt} ms)`, acked.length],
    ['', 'failed or cut off (the device would retry)', failed],
    ['', 'acknowledged but missing after restart', missing],
    ['', 'rows stored', await store.count()],
  ];
  expectKilled(killed);
  await store.close();
  return rows;
}
