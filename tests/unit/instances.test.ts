// Issue 24, item 1: two instances of the server on one PostgreSQL are one service. Both come up when started
// together on an empty database (5 times); the per-device per-minute limit holds across them (within 2 %: it
// is exact); a proof used on one is refused on the other; a session made on one is valid on the other.
// Both instances run in this process over real HTTP, as a load balancer would reach them, with the secrets
// a council gives every instance alike and one public address (CSE_PUBLIC_URL) that proofs and Origins name.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/receiver/http/context.ts';
import { type RunningServer, startServer } from '../../src/server/main.ts';
import { makeProof, newDeviceKey } from '../../src/sync/device-proof.ts';
import { type TestDevice, asItem, signedBatch, signedPost } from '../helpers/device.ts';
import { account, nextCode, PASSWORD } from '../helpers/inbox.ts';
import { ensurePostgres, freshDatabaseUrl, STORE_KINDS, stopPostgres } from '../helpers/stores.ts';
import { makeSubmission } from '../helpers/submission.ts';

const PUBLIC = 'https://cse.example.test';

beforeAll(() => ensurePostgres(), 60_000);
afterAll(() => stopPostgres());

/** One secrets folder for every instance, made once (as a council provisions them), and a data folder each. */
async function provisionSecrets(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'cse-instances-'));
  const once = await startServer({
    port: 0,
    dataDir: join(dir, 'provision'),
    secretsDir: join(dir, 'secrets'),
    distDir: join(dir, 'no-dist'),
  });
  await once.close();
  return dir;
}

async function startTwo(dir: string, database: string): Promise<RunningServer[]> {
  // The balancer's address is trusted for X-Forwarded-For, as a council would set it.
  const env = { CSE_PUBLIC_URL: PUBLIC, CSE_TRUST_PROXY: '127.0.0.1' };
  return Promise.all(
    ['a', 'b'].map((n) =>
      startServer(
        {
          port: 0,
          host: '127.0.0.1',
          dataDir: join(dir, `data-${n}`),
          secretsDir: join(dir, 'secrets'),
          database,
          distDir: join(dir, 'no-dist'),
        },
        env,
      ),
    ),
  );
}

const at = (s: RunningServer) => `http://127.0.0.1:${s.address().port}`;
const submitProof = (device: TestDevice, path = '/api/submissions') =>
  makeProof(device.key, 'POST', `${PUBLIC}${path}`);

describe.runIf(STORE_KINDS.includes('postgres'))('two instances on one PostgreSQL', () => {
  it('started together on an empty database, both come up (5 times)', async () => {
    const dir = await provisionSecrets();
    for (let round = 1; round <= 5; round++) {
      const { database } = await freshDatabaseUrl('postgres');
      const servers = await startTwo(dir, database);
      for (const s of servers) {
        const res = await fetch(`${at(s)}/api/health`);
        expect(res.status).toBe(200);
        await res.arrayBuffer();
      }
      await Promise.all(servers.map((s) => s.close()));
    }
  }, 120_000);

  describe('sharing one database', () => {
    let dir: string;
    let a: RunningServer;
    let b: RunningServer;

    beforeAll(async () => {
      dir = await provisionSecrets();
      const both = await startTwo(dir, (await freshDatabaseUrl('postgres')).database);
      a = both[0]!;
      b = both[1]!;
    }, 60_000);
    afterAll(async () => {
      await a?.close();
      await b?.close();
    });

    /** A device enrolled (through `via`) with a code made on the other instance: codes are the database's. */
    async function enrolled(via: RunningServer, name: string): Promise<TestDevice> {
      const { code } = await (via === a ? b : a).addDevice(name);
      const key = await newDeviceKey();
      const res = await fetch(`${at(via)}/api/enrol`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', DPoP: await makeProof(key, 'POST', `${PUBLIC}/api/enrol`) },
        body: JSON.stringify({ code }),
      });
      expect(res.status).toBe(201);
      await res.arrayBuffer();
      return { key };
    }

    it('a device cannot exceed its per-minute limit by spreading submissions over both (within 2 %)', async () => {
      const device = await enrolled(b, 'Flooding device');
      const limit = DEFAULT_LIMITS.perDevicePerMinute;
      // 1.5 × the limit: 30 batches of 50 and 300 single POSTs, alternating instances, 8 requests in flight.
      const jobs: { to: RunningServer; subs: ReturnType<typeof makeSubmission>[] }[] = [];
      for (let i = 0; i < 30; i++)
        jobs.push({ to: i % 2 ? a : b, subs: Array.from({ length: 50 }, () => makeSubmission()) });
      for (let i = 0; i < 300; i++) jobs.push({ to: i % 2 ? b : a, subs: [makeSubmission()] });
      jobs.sort(() => Math.random() - 0.5);
      let accepted = 0;
      let refused = 0;
      const t0 = Date.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < jobs.length) {
            const job = jobs[next++]!;
            if (job.subs.length === 1) {
              const res = await signedPost(at(job.to), device, job.subs[0], {}, await submitProof(device));
              await res.arrayBuffer();
              if (res.status === 201) accepted++;
              else if (res.status === 429) refused++;
              else throw new Error(`unexpected ${res.status}`);
            } else {
              const res = await signedBatch(
                at(job.to),
                device,
                job.subs.map(asItem),
                await submitProof(device, '/api/submissions/batch'),
              );
              if (res.status === 429) {
                await res.arrayBuffer();
                refused += job.subs.length;
                continue;
              }
              const { results } = (await res.json()) as { results: { status: number }[] };
              accepted += results.filter((r) => r.status === 201).length;
              refused += results.filter((r) => r.status === 429).length;
            }
          }
        }),
      );
      const seconds = (Date.now() - t0) / 1000;
      console.log(`per-minute limit across two instances: ${accepted} accepted, ${refused} refused in ${seconds} s`);
      // All sent within the one window the first submission opened, else the count would span two.
      expect(seconds).toBeLessThan(60);
      expect(accepted + refused).toBe(1800);
      expect(accepted).toBeLessThanOrEqual(limit);
      expect(accepted).toBeGreaterThanOrEqual(Math.floor(limit * 0.98));
      expect(await a.store.count()).toBe(accepted);
    }, 90_000);

    it("the database's figures are the same whichever instance is scraped", async () => {
      const figures = async (s: RunningServer) => {
        const res = await fetch(`${at(s)}/metrics`, { headers: { Authorization: `Bearer ${s.adminToken}` } });
        expect(res.status).toBe(200);
        return (await res.text())
          .split('\n')
          .filter((l) => /^cse_(submissions_stored|referrals|sign_in_failures_total|alert_emails)\b/.test(l));
      };
      const [fa, fb] = [await figures(a), await figures(b)];
      expect(fa.length).toBeGreaterThanOrEqual(8);
      expect(fb).toEqual(fa);
      expect(fa).toContain(`cse_submissions_stored ${await a.store.count()}`);
    });

    it('a proof used on one instance is refused on the other', async () => {
      const device = await enrolled(a, 'Replayed device');
      const proof = await submitProof(device);
      const first = await signedPost(at(a), device, makeSubmission(), {}, proof);
      expect(first.status).toBe(201);
      await first.arrayBuffer();
      const again = await signedPost(at(b), device, makeSubmission(), {}, proof);
      expect(again.status).toBe(401);
      expect(((await again.json()) as { error: { code: string } }).error.code).toBe('proof-replayed');
    });

    it('enrolment guesses from one address are limited across both (30 a minute in all)', async () => {
      const limit = DEFAULT_LIMITS.enrolPerMinute;
      const statuses: number[] = [];
      for (let i = 0; i < limit + 10; i++) {
        const key = await newDeviceKey();
        const res = await fetch(`${at(i % 2 ? a : b)}/api/enrol`, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'X-Forwarded-For': '192.0.2.7',
            DPoP: await makeProof(key, 'POST', `${PUBLIC}/api/enrol`),
          },
          body: JSON.stringify({ code: `a-wrong-guess-${i}` }),
        });
        await res.arrayBuffer();
        statuses.push(res.status);
      }
      expect(statuses.filter((s) => s === 400)).toHaveLength(limit); // code-unknown
      expect(statuses.filter((s) => s === 429)).toHaveLength(10);
    });

    it('a session made on one instance is valid on the other, and signing out on it ends it on both', async () => {
      await account(a.inbox, 'duty@example.org', 'reviewer', ['Bolton']);
      const signIn = await fetch(`${at(a)}/inbox/api/session`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: PUBLIC },
        body: JSON.stringify({
          email: 'duty@example.org',
          password: PASSWORD,
          code: await nextCode('duty@example.org'),
        }),
      });
      expect(signIn.status).toBe(200);
      await signIn.arrayBuffer();
      const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
      for (const s of [a, b]) {
        const res = await fetch(`${at(s)}/inbox/api/session`, { headers: { Cookie: cookie } });
        expect(res.status).toBe(200);
        await res.arrayBuffer();
      }
      const out = await fetch(`${at(b)}/inbox/api/session`, {
        method: 'DELETE',
        headers: { Cookie: cookie, Origin: PUBLIC },
      });
      expect(out.status).toBeLessThan(300);
      await out.arrayBuffer();
      const after = await fetch(`${at(a)}/inbox/api/session`, { headers: { Cookie: cookie } });
      expect(after.status).toBe(401);
      await after.arrayBuffer();
    });
  });
});
