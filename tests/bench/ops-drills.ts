// `npm run drill` (drills 11–12): running the service as a council runs it, on
// SQLite and on PostgreSQL. Each prints counts: acknowledged, present after,
// readable after.
//   11  backup during load, restore into an empty store with the secrets kept apart
//   12  rotations (kek, endpoint key, inbox key) while devices send
import { cpSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAdmin } from '../../src/admin/main.ts';
import { startServer } from '../../src/server/main.ts';
import { backupText } from '../helpers/backup.ts';
import { account, enrolledDevice, gmReferral, signIn } from '../helpers/inbox.ts';
import { signedPost, type TestDevice } from '../helpers/device.ts';
import { makeProof } from '../../src/sync/device-proof.ts';
import { sealTo } from '../../src/sync/seal.ts';
import { type TestPostgres, freshDatabase, startPostgres } from '../helpers/postgres.ts';

export type Row = (string | number)[];
export const progress = (m: string) => console.log(`[drill ${new Date().toISOString().slice(11, 19)}] ${m}`);

export type Kind = 'sqlite' | 'postgres';
let pg: TestPostgres | undefined;

export function drillKinds(): Kind[] {
  return (process.env.DRILL_STORES ?? 'sqlite,postgres')
    .split(',')
    .filter((k): k is Kind => k === 'sqlite' || k === 'postgres');
}

/** A fresh store of the kind: folders for data and secrets (apart), and the database address. */
export async function freshPlace(kind: Kind, name: string) {
  const root = mkdtempSync(join(tmpdir(), `cse-ops-${kind}-`));
  const dataDir = join(root, 'data');
  const secretsDir = join(root, 'secrets');
  if (kind === 'postgres') pg ??= await startPostgres();
  if (kind === 'postgres' && !pg) return undefined;
  const database =
    kind === 'postgres' ? await freshDatabase(pg!, `ops_${name}_${Date.now()}`) : join(dataDir, 'receiver.sqlite');
  const env = { CSE_DATA_DIR: dataDir, CSE_SECRETS_DIR: secretsDir, CSE_DATABASE_URL: database };
  return { root, dataDir, secretsDir, database, env };
}

export function stopDrillPostgres(): void {
  pg?.stop();
  pg = undefined;
}

/** A sent referral: its id, the child reference it names, and whether the server acknowledged it. */
export interface Sent {
  id: string;
  childRef: string;
  ackedAt?: number;
}

/** Devices sending one after another each until `stop()`; every acknowledgement is recorded with its time. */
export function sendUntilStopped(base: () => string, devices: TestDevice[], tag: string) {
  const sent: Sent[] = [];
  let stopping = false;
  const loops = devices.map(async (d, n) => {
    for (let i = 0; !stopping; i++) {
      const childRef = `${tag}-${n}-${i}-${Math.random().toString(36).slice(2, 7)}`;
      const sub = gmReferral(30, 5, { childRef });
      const s: Sent = { id: sub.id, childRef };
      sent.push(s);
      try {
        const res = await signedPost(base(), d, sub);
        await res.arrayBuffer();
        if (res.status === 201) s.ackedAt = Date.now();
      } catch {
        /* not acknowledged: not counted */
      }
    }
  });
  return {
    sent,
    async stop() {
      stopping = true;
      await Promise.all(loops);
    },
  };
}

/** How many of these the inbox shows, signed in as `email`, with the child reference that was sent. */
export async function readableInInbox(base: string, email: string, subs: Sent[]): Promise<number> {
  const { cookie } = await signIn(base, email);
  return cookie ? readableWith(base, cookie, subs) : 0;
}

/** How many of these the inbox shows to the session `cookie`, with the child reference that was sent. */
export async function readableWith(base: string, cookie: string, subs: Sent[]): Promise<number> {
  let readable = 0;
  for (const s of subs) {
    const res = await fetch(`${base}/inbox/api/referrals/${s.id}`, { headers: { Cookie: cookie } });
    if (res.status === 200) {
      const body = (await res.json()) as { submission?: { childRef?: string } };
      if (body.submission?.childRef === s.childRef) readable++;
    } else await res.arrayBuffer();
  }
  return readable;
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function backupDrill(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const kind of drillKinds()) {
    progress(`drill 11 (${kind}): backup during load, restore with the secrets kept apart`);
    const place = await freshPlace(kind, 'backup');
    if (!place) {
      rows.push([`backup and restore (${kind})`, 'skipped', 'PostgreSQL is not installed']);
      continue;
    }
    const limits = { perDevicePerMinute: 1_000_000, dailyQuota: 1_000_000 };
    const common = { port: 0, distDir: join(place.root, 'no-dist'), limits };
    const server = await startServer({ ...common, ...place });
    const devices = await Promise.all(
      ['Bolton', 'Bolton', 'Wigan', 'Wigan'].map((a, i) => enrolledDevice(server, server.origin, `nurse ${i}`, a)),
    );
    await account(server.inbox, 'lead@example.org', 'admin');
    const load = sendUntilStopped(() => server.origin, devices, 'BKP');
    await wait(2000);
    const file = join(mkdtempSync(join(tmpdir(), 'cse-backup-file-')), 'cse.backup');
    const began = Date.now();
    const out: string[] = [];
    const code = await runAdmin(['backup', file], (s) => out.push(s), place.env);
    const ended = Date.now();
    await wait(1000);
    await load.stop();
    await server.close();
    if (code !== 0) throw new Error(`backup failed: ${out.join(' ')}`);
    const before = load.sent.filter((s) => s.ackedAt !== undefined && s.ackedAt < began);
    const during = load.sent.filter((s) => s.ackedAt !== undefined && s.ackedAt >= began && s.ackedAt <= ended);

    // The file alone: child references and authors of everything sent, and the secrets, searched for in clear.
    const text = backupText(file);
    const refsInClear = load.sent.filter((s) => text.includes(s.childRef)).length;
    const secretsInClear = readdirSync(place.secretsDir).filter((f) =>
      text.includes(readFileSync(join(place.secretsDir, f), 'utf8').trim().slice(0, 40)),
    ).length;

    // Restored elsewhere: an empty store, and the secrets from their own copy (never from the backup).
    const target = (await freshPlace(kind, 'restored'))!;
    cpSync(place.secretsDir, target.secretsDir, { recursive: true });
    const restoreOut: string[] = [];
    if ((await runAdmin(['restore', file], (s) => restoreOut.push(s), target.env)) !== 0)
      throw new Error(`restore failed: ${restoreOut.join(' ')}`);
    const again = await startServer({ ...common, ...target });
    const present = async (subs: Sent[]) => {
      let n = 0;
      for (const s of subs) if (await again.store.get(s.id)) n++;
      return n;
    };
    const presentBefore = await present(before);
    const readableBefore = await readableInInbox(again.origin, 'lead@example.org', before);
    const presentDuring = await present(during);
    await again.close();
    rows.push([`backup during load, restored (${kind})`, 'acknowledged before the backup began', before.length]);
    rows.push(['', 'present after the restore', presentBefore]);
    rows.push(['', 'readable in the inbox after the restore (child reference as sent)', readableBefore]);
    rows.push(['', 'acknowledged while the backup ran / present after', `${during.length} / ${presentDuring}`]);
    rows.push(['', `backup time (ms), ${load.sent.length} sent in all`, ended - began]);
    rows.push(['', 'child references found in clear in the backup file', refsInClear]);
    rows.push(['', 'secret files whose value is in the backup file', secretsInClear]);
  }
  return rows;
}

/** Submissions sealed to the key a device holds now and queued, sent later (as a device offline during a rotation). */
async function sealedQueue(base: string, n: number, tag: string) {
  const { jwk } = (await (await fetch(`${base}/api/key`)).json()) as { jwk: JsonWebKey };
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const childRef = `${tag}-${i}-${Math.random().toString(36).slice(2, 7)}`;
      const sub = gmReferral(30, 5, { childRef });
      return { sent: { id: sub.id, childRef } as Sent, payload: (await sealTo(jwk)(sub)).payload as string };
    }),
  );
}

async function postSealed(base: string, d: TestDevice, id: string, payload: string): Promise<boolean> {
  const url = `${base}/api/submissions`;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/jose', 'Idempotency-Key': id, DPoP: await makeProof(d.key, 'POST', url) },
    body: payload,
  });
  await res.arrayBuffer();
  return res.status === 201;
}

export async function rotationDrill(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const kind of drillKinds()) {
    const place = await freshPlace(kind, 'rotate');
    if (!place) {
      rows.push([`key rotation (${kind})`, 'skipped', 'PostgreSQL is not installed']);
      continue;
    }
    const limits = { perDevicePerMinute: 1_000_000, dailyQuota: 1_000_000 };
    const common = { port: 0, distDir: join(place.root, 'no-dist'), limits, ...place };
    let server = await startServer(common);
    const devices = await Promise.all(
      ['Bolton', 'Bolton', 'Wigan', 'Wigan'].map((a, i) => enrolledDevice(server, server.origin, `nurse ${i}`, a)),
    );
    await account(server.inbox, 'lead@example.org', 'admin');
    let cookie = (await signIn(server.origin, 'lead@example.org')).cookie!;
    const acked: Sent[] = [];
    for (const what of ['kek', 'endpoint-key', 'inbox-key']) {
      progress(`drill 12 (${kind}): rotate ${what} while 4 devices send`);
      // Sealed to the key held now, queued on a device that is offline during the rotation.
      const queued = await sealedQueue(server.origin, 50, `ROT-Q-${what}`);
      const load = sendUntilStopped(() => server.origin, devices, `ROT-${what}`);
      await wait(1000);
      const out: string[] = [];
      const t0 = Date.now();
      const code = await runAdmin(['rotate', what], (s) => out.push(s), place.env);
      const ms = Date.now() - t0;
      await wait(500);
      await load.stop();
      if (code !== 0) throw new Error(`rotate ${what} failed: ${out.join(' ')}`);
      // The device comes back online after the rotation: what it sealed before is sent now.
      let queuedAcked = 0;
      for (const q of queued)
        if (await postSealed(server.origin, devices[0]!, q.sent.id, q.payload)) {
          queuedAcked++;
          acked.push(q.sent);
        }
      const during = load.sent.filter((s) => s.ackedAt !== undefined);
      acked.push(...during);
      let present = 0;
      for (const s of [...during, ...queued.map((q) => q.sent)]) if (await server.store.get(s.id)) present++;
      const readable = await readableWith(server.origin, cookie, [...during, ...queued.map((q) => q.sent)]);
      rows.push([`rotate ${what} (${kind})`, 'acknowledged while rotating', during.length]);
      rows.push(['', 'sealed before it, sent after it: acknowledged', `${queuedAcked} / ${queued.length}`]);
      rows.push(['', 'present after', present]);
      rows.push(['', 'readable in the inbox after (child reference as sent)', readable]);
      rows.push(['', 'rotation took (ms)', ms]);
    }
    // Restarted on the new keys alone (the previous ones are gone): everything acknowledged still reads.
    await server.close();
    server = await startServer(common);
    cookie = (await signIn(server.origin, 'lead@example.org')).cookie!;
    let present = 0;
    for (const s of acked) if (await server.store.get(s.id)) present++;
    rows.push([`after all three, restarted (${kind})`, 'acknowledged in all', acked.length]);
    rows.push(['', 'present after', present]);
    rows.push(['', 'readable in the inbox after', await readableWith(server.origin, cookie, acked)]);
    await server.close();
  }
  return rows;
}
