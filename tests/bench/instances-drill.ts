// `npm run drill` (drill 10): three instances of the server behind a real load balancer (Debian's HAProxy,
// started here in a temporary folder on loopback) on one PostgreSQL (a temporary cluster), started together
// on its empty database. It shows: 5,000 submissions from 20 devices stored exactly once; one device's
// per-minute limit exact across the instances; a proof used on one instance refused on another; an inbox
// session valid on every instance; one instance SIGKILLed mid-load and no acknowledged submission lost.
// Every loop is bounded; every wait has a deadline.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../../src/config/config.ts';
import { inboxOnStore } from '../../src/inbox-server/plugin.ts';
import { loadOrCreateKeys } from '../../src/receiver/keys.ts';
import { jweKeyFile, loadAdminToken, loadEnvelope } from '../../src/receiver/secrets.ts';
import { ReceiverStore } from '../../src/receiver/store/receiver-store.ts';
import { loadChildSecret } from '../../src/inbox-server/service.ts';
import { DEFAULT_LIMITS } from '../../src/receiver/http/context.ts';
import { makeProof, newDeviceKey } from '../../src/sync/device-proof.ts';
import { type TestDevice, asItem, signedBatch, signedPost } from '../helpers/device.ts';
import { PASSWORD, account, nextCode } from '../helpers/inbox.ts';
import { freshDatabase, startPostgres } from '../helpers/postgres.ts';
import { makeSubmission } from '../helpers/submission.ts';

type Row = (string | number)[];
type Submission = ReturnType<typeof makeSubmission>;
const progress = (m: string) => console.log(`[drill ${new Date().toISOString().slice(11, 19)}] ${m}`);
const INSTANCES = 3;
const DEVICES = 20;
const PER_DEVICE = 250; // 20 × 250 = 5,000

/** HAProxy from Debian, or undefined (the drill then says in one line what to install). */
function haproxyPath(): string | undefined {
  const r = spawnSync('sh', ['-c', 'command -v haproxy || ls /usr/sbin/haproxy'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().split('\n')[0] : undefined;
}

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

/** Waits for `test` to hold, checking every 50 ms, for at most `ms`. */
async function until(test: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`drill 10: gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function startInstance(dir: string, n: number, secretsDir: string, database: string, publicUrl: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'instance-child.ts'), join(dir, `data-${n}`), secretsDir, database],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, CSE_PUBLIC_URL: publicUrl } },
  );
  const port = new Promise<number>((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) ok((JSON.parse(out.split('\n')[0]!) as { port: number }).port);
    });
    child.once('exit', (code) => fail(new Error(`instance ${n} exited (${code}) before listening`)));
  });
  return { child, port };
}

function haproxyConfig(frontPort: number, ports: number[]): string {
  return [
    'global',
    '  maxconn 4096',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 30s',
    '  timeout server 30s',
    // A connection refused by a dead instance is tried on another (nothing was sent to it yet).
    '  retries 3',
    '  option redispatch',
    'frontend cse',
    `  bind 127.0.0.1:${frontPort}`,
    '  default_backend instances',
    'backend instances',
    '  balance roundrobin',
    '  option httpchk GET /api/health',
    ...ports.map((p, i) => `  server i${i + 1} 127.0.0.1:${p} check inter 500 fall 2 rise 2`),
    '',
  ].join('\n');
}

export async function instancesDrill(): Promise<Row[]> {
  const haproxy = haproxyPath();
  if (!haproxy)
    return [['three instances behind HAProxy', 'skipped', 'needs HAProxy: apt-get install haproxy (as root)']];
  const pg = await startPostgres();
  if (!pg) return [['three instances behind HAProxy', 'skipped', 'needs PostgreSQL: apt-get install postgresql']];
  const dir = mkdtempSync(join(tmpdir(), 'cse-drill-instances-'));
  const children: ChildProcess[] = [];
  let lb: ChildProcess | undefined;
  try {
    const database = await freshDatabase(pg, `drill_instances_${Date.now()}`);
    const frontPort = await freePort();
    const publicUrl = `http://127.0.0.1:${frontPort}`;
    // The secrets every instance is given alike, made once (as a council provisions them).
    const secretsDir = join(dir, 'secrets');
    const config = readConfig({ CSE_PUBLIC_URL: publicUrl }, { dataDir: join(dir, 'admin'), secretsDir, database });
    const envelope = loadEnvelope(config);
    loadAdminToken(config);
    loadChildSecret(config);
    await loadOrCreateKeys(jweKeyFile(config));

    progress('drill 10: three instances started together on an empty PostgreSQL');
    const started = Array.from({ length: INSTANCES }, (_, i) =>
      startInstance(dir, i + 1, secretsDir, database, publicUrl),
    );
    children.push(...started.map((s) => s.child));
    const ports = await Promise.all(started.map((s) => s.port));
    const direct = ports.map((p) => `http://127.0.0.1:${p}`);

    const cfg = join(dir, 'haproxy.cfg');
    writeFileSync(cfg, haproxyConfig(frontPort, ports));
    lb = spawn(haproxy, ['-f', cfg, '-db'], { stdio: ['ignore', 'ignore', 'inherit'] });
    await until(
      async () =>
        (await fetch(`${publicUrl}/api/health`).then(
          (r) => r.status,
          () => 0,
        )) === 200,
      15_000,
      'HAProxy',
    );

    // The administrator's side (as `npm run admin` does): the same database, the same secrets.
    const admin = await ReceiverStore.open({ database, envelope });
    const inbox = inboxOnStore(admin, config);
    const enrol = async (name: string): Promise<TestDevice> => {
      const { code } = await admin.addDevice(name);
      const key = await newDeviceKey();
      const res = await fetch(`${publicUrl}/api/enrol`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', DPoP: await makeProof(key, 'POST', `${publicUrl}/api/enrol`) },
        body: JSON.stringify({ code }),
      });
      await res.arrayBuffer();
      if (res.status !== 201) throw new Error(`drill 10: enrolment answered ${res.status}`);
      return { key };
    };
    const proofFor = (d: TestDevice, path: string) => makeProof(d.key, 'POST', `${publicUrl}${path}`);

    // 1. One device's per-minute limit, spread by the load balancer over the three instances.
    progress('drill 10: one device sends 1.5 × its per-minute limit through the load balancer');
    const limit = DEFAULT_LIMITS.perDevicePerMinute;
    const flooder = await enrol('Flooding device');
    let floodAccepted = 0;
    let floodRefused = 0;
    // In batches of 20 (single POSTs and batches share the budget): quick enough to fall in one minute's window.
    const floodBatches = Array.from({ length: Math.round((limit * 1.5) / 20) }, () =>
      Array.from({ length: 20 }, () => makeSubmission()),
    );
    const floodStart = Date.now();
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        for (let part = floodBatches.pop(); part; part = floodBatches.pop()) {
          const res = await signedBatch(
            publicUrl,
            flooder,
            part.map(asItem),
            await proofFor(flooder, '/api/submissions/batch'),
          );
          if (res.status !== 200) {
            await res.arrayBuffer();
            if (res.status === 429) floodRefused += part.length;
            continue;
          }
          const { results } = (await res.json()) as { results: { status: number }[] };
          floodAccepted += results.filter((r) => r.status === 201).length;
          floodRefused += results.filter((r) => r.status === 429).length;
        }
      }),
    );
    const floodSeconds = (Date.now() - floodStart) / 1000;

    // 2. A proof used on one instance, then offered to another.
    const replayer = await enrol('Replaying device');
    const proof = await proofFor(replayer, '/api/submissions');
    const firstUse = await signedPost(direct[0]!, replayer, makeSubmission(), {}, proof);
    await firstUse.arrayBuffer();
    const replayed = await signedPost(direct[1]!, replayer, makeSubmission(), {}, proof);
    const replayCode =
      replayed.status === 401 ? ((await replayed.json()) as { error: { code: string } }).error.code : '';

    // 3. An inbox session made through the load balancer, used on each instance directly.
    await account(inbox, 'duty@example.org', 'reviewer', []);
    const signIn = await fetch(`${publicUrl}/inbox/api/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: publicUrl },
      body: JSON.stringify({ email: 'duty@example.org', password: PASSWORD, code: await nextCode('duty@example.org') }),
    });
    await signIn.arrayBuffer();
    const cookie = signIn.headers.get('set-cookie')?.split(';')[0] ?? '';
    let sessionValid = 0;
    for (const base of direct) {
      const res = await fetch(`${base}/inbox/api/session`, { headers: { Cookie: cookie } });
      await res.arrayBuffer();
      if (res.status === 200) sessionValid++;
    }

    // 4. 5,000 submissions from 20 devices through the load balancer; one instance SIGKILLed mid-load.
    progress('drill 10: 5,000 submissions from 20 devices; one instance killed mid-load');
    const devices = await Promise.all(Array.from({ length: DEVICES }, (_, i) => enrol(`Device ${i + 1}`)));
    const queues = devices.map(() => Array.from({ length: PER_DEVICE }, () => makeSubmission()));
    const acked = new Set<string>();
    let failedTries = 0;
    const killAfter = 1000 + Math.floor(Math.random() * 1500);
    let killedAt = -1;
    const killer = until(() => acked.size >= killAfter, 120_000, 'acknowledgements before the kill').then(() => {
      killedAt = acked.size;
      children[1]!.kill('SIGKILL');
    });
    /** Each device sends as the app does: batches of up to 50 and some single POSTs, retrying what was not acknowledged. */
    const sendAll = async (d: TestDevice, queue: Submission[]) => {
      for (let round = 0; round < 30 && queue.length; round++) {
        const part = queue.splice(0, round % 3 === 2 ? 1 : 50);
        try {
          if (part.length === 1) {
            const res = await signedPost(publicUrl, d, part[0], {}, await proofFor(d, '/api/submissions'));
            await res.arrayBuffer();
            if (res.status === 201 || res.status === 200) acked.add(part[0]!.id);
            else {
              failedTries++;
              queue.push(...part);
            }
          } else {
            const res = await signedBatch(publicUrl, d, part.map(asItem), await proofFor(d, '/api/submissions/batch'));
            const results =
              res.status === 200
                ? ((await res.json()) as { results: { id: string; status: number }[] }).results
                : (await res.arrayBuffer(), []);
            const ok = new Set(results.filter((r) => r.status === 201 || r.status === 200).map((r) => r.id));
            for (const id of ok) acked.add(id);
            const again = part.filter((s) => !ok.has(s.id));
            failedTries += again.length;
            queue.push(...again);
          }
        } catch {
          failedTries += part.length;
          queue.push(...part);
        }
      }
    };
    const t0 = Date.now();
    await Promise.all([Promise.all(devices.map((d, i) => sendAll(d, queues[i]!))), killer]);
    const loadSeconds = (Date.now() - t0) / 1000;
    const unsent = queues.reduce((n, q) => n + q.length, 0);
    await admin.close();

    // 5. Reopened as a fresh process would: every acknowledged one present, readable, stored once.
    const after = await ReceiverStore.open({ database, envelope });
    let present = 0;
    let readable = 0;
    for (const id of acked) {
      const row = await after.get(id).catch(() => undefined);
      if (row) present++;
      if ((row?.body as { id?: string } | undefined)?.id === id) readable++;
    }
    const rows = await after.sql.all<{ id: string; n: number }>(
      'select id, count(*) as n from submissions group by id having count(*) > 1',
    );
    const stored = await after.count();
    await after.close();
    return [
      [
        `three instances behind HAProxy on one PostgreSQL`,
        'instances that came up, started together on an empty database',
        `${ports.length} of ${INSTANCES}`,
      ],
      [
        '',
        `one device's per-minute limit (${limit}) across three: accepted / refused`,
        `${floodAccepted} / ${floodRefused} (${floodSeconds} s)`,
      ],
      [
        '',
        'a proof used on one instance, offered to another',
        replayed.status === 401 ? `refused (${replayCode})` : `ACCEPTED (${replayed.status})`,
      ],
      ['', 'an inbox session made through the balancer, valid on instances', `${sessionValid} of ${INSTANCES}`],
      ['', `5,000 submissions from ${DEVICES} devices: acknowledged`, acked.size],
      ['', 'instance 2 SIGKILLed after acknowledgements', killedAt],
      ['', 'tries not acknowledged (the devices sent them again)', failedTries],
      ['', 'never acknowledged (still queued on the devices)', unsent],
      ['', 'present after', present],
      ['', 'readable after', readable],
      ['', 'acknowledged but lost', acked.size - present],
      ['', 'ids stored more than once', rows.length],
      ['', 'rows stored (5,000 + the flood + the replay test)', stored],
      ['', 'seconds for the 5,000', loadSeconds],
    ];
  } finally {
    lb?.kill('SIGTERM');
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    await Promise.all(
      children.map((c) =>
        c.exitCode !== null || c.signalCode !== null ? undefined : new Promise((r) => c.once('exit', r)),
      ),
    );
    pg.stop();
  }
}
