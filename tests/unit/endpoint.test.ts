// The receiver over real HTTP on loopback, on SQLite and on PostgreSQL:
// enrolment, signed submits, replay and revocation, devices that cannot read,
// the server's own level, unknown fields refused, nothing readable at rest.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../../src/receiver/admin.ts';
import { startServer } from '../../src/server/main.ts';
import { makeProof, newDeviceKey } from '../../src/sync/device-proof.ts';
import { enrolDevice, signedPost, type TestDevice } from '../helpers/device.ts';
import { STORE_KINDS, ensurePostgres, freshDatabaseUrl, stopPostgres, testPostgres } from '../helpers/stores.ts';
import { makeSubmission } from '../helpers/submission.ts';

beforeAll(() => ensurePostgres(), 60_000);
afterAll(() => stopPostgres());

const CANARY = 'Canarychild Zebedee-Quill';

describe.each(STORE_KINDS)('receiver over HTTP on %s', (kind) => {
  const dropOnce = new Set<string>();
  const logLines: string[] = [];
  let server: Awaited<ReturnType<typeof startServer>>;
  let base: string;
  let device: TestDevice;
  let dataDir: string;

  beforeAll(async () => {
    const db = await freshDatabaseUrl(kind);
    dataDir = db.dataDir;
    server = await startServer({
      port: 0,
      dataDir: join(db.dataDir, 'data'),
      database: kind === 'postgres' ? db.database : join(db.dataDir, 'data', 'receiver.sqlite'),
      distDir: join(db.dataDir, 'no-dist'),
      log: { level: 'info', stream: new Writable({ write: (c, _e, cb) => (logLines.push(String(c)), cb()) }) },
      limits: { perDevicePerMinute: 400, dailyQuota: 60 },
      dropAfterStore: (id) => dropOnce.delete(id),
    });
    base = `http://127.0.0.1:${server.address().port}`;
    const { code } = await server.addDevice('Sam Nurse, Ward 3');
    const e = await enrolDevice(base, code);
    expect(e.res.status).toBe(201);
    device = e.device;
  }, 60_000);
  afterAll(() => server?.close());

  describe('enrolment', () => {
    it('a valid code enrols the key once; the same code again is refused (409)', async () => {
      const { code, device: d } = await server.addDevice('Ward 4 tablet');
      const first = await enrolDevice(base, code);
      expect(first.res.status).toBe(201);
      expect(first.body).toMatchObject({ deviceId: d.id, name: 'Ward 4 tablet' });
      const again = await enrolDevice(base, code);
      expect(again.res.status).toBe(409);
      expect(again.body).toMatchObject({ error: { code: 'code-used' } });
      // The enrolled key can now submit.
      expect((await signedPost(base, first.device, makeSubmission())).status).toBe(201);
    });

    it('an expired code is refused (410); an unknown one (400); no proof (401)', async () => {
      const { code } = await server.addDevice('Too late', -1000);
      expect((await enrolDevice(base, code)).body).toMatchObject({ error: { code: 'code-expired' } });
      const unknown = await enrolDevice(base, 'abcdefghijklmnopqrstuvwxyz');
      expect(unknown.res.status).toBe(400);
      const fresh = await server.addDevice('No proof');
      const res = await fetch(`${base}/api/enrol`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code: fresh.code }) });
      expect(res.status).toBe(401);
    });

    it('the admin command adds, lists and revokes devices', async () => {
      const out: string[] = [];
      const env = { ...process.env, CSE_DATA_DIR: server.paths.dataDir, CSE_SECRETS_DIR: server.paths.secretsDir, CSE_DATABASE_URL: server.paths.database, CSE_PUBLIC_URL: base };
      expect(await runAdmin(['device', 'add', 'Admin-made device'], (s) => out.push(s), env)).toBe(0);
      const link = out[1]!;
      expect(link).toMatch(new RegExp(`^${base}/#/enrol\\?code=`));
      expect(out[2]).toMatch(/[▄▀█]/); // the terminal QR code
      const code = decodeURIComponent(link.split('code=')[1]!);
      const e = await enrolDevice(base, code);
      expect(e.res.status).toBe(201);
      out.length = 0;
      await runAdmin(['device', 'list'], (s) => out.push(s), env);
      expect(out.find((l) => l.includes('Admin-made device'))).toMatch(/active/);
      expect(await runAdmin(['device', 'revoke', String(e.body.deviceId)], (s) => out.push(s), env)).toBe(0);
      expect((await signedPost(base, e.device, makeSubmission())).status).toBe(401);
    });
  });

  describe('submitting', () => {
    it('a signed submit is stored with a receipt; the repeat gets the same receipt', async () => {
      const sub = makeSubmission();
      const res = await signedPost(base, device, sub);
      expect(res.status).toBe(201);
      const body = await res.json();
      expect(body).toMatchObject({ id: sub.id, duplicate: false, disagreement: null, level: 'Medium (21 – 40)' });
      const again = await signedPost(base, device, sub);
      expect(again.status).toBe(200);
      expect(await again.json()).toMatchObject({ receipt: body.receipt, duplicate: true });
    });

    it('a replayed proof is refused (401 proof-replayed); a stale one (401 proof-stale) with the server clock', async () => {
      const sub = makeSubmission();
      const proof = await makeProof(device.key, 'POST', `${base}/api/submissions`);
      expect((await signedPost(base, device, sub, {}, proof)).status).toBe(201);
      const replay = await signedPost(base, device, makeSubmission(), {}, proof);
      expect(replay.status).toBe(401);
      expect((await replay.json()).error.code).toBe('proof-replayed');
      const stale = await signedPost(base, device, makeSubmission(), {}, await makeProof(device.key, 'POST', `${base}/api/submissions`, Date.now() - 10 * 60_000));
      expect(stale.status).toBe(401);
      expect((await stale.json()).error.code).toBe('proof-stale');
      expect(stale.headers.get('date')).toBeTruthy();
    });

    it('a proof made for another address or method, or by an unenrolled key, is refused', async () => {
      const other = await signedPost(base, device, makeSubmission(), {}, await makeProof(device.key, 'POST', `${base}/api/enrol`));
      expect((await other.json()).error.code).toBe('proof-invalid');
      const get = await signedPost(base, device, makeSubmission(), {}, await makeProof(device.key, 'GET', `${base}/api/submissions`));
      expect(get.status).toBe(401);
      const stranger = await signedPost(base, { key: await newDeviceKey() }, makeSubmission());
      expect(stranger.status).toBe(401);
      expect((await stranger.json()).error.code).toBe('not-enrolled');
      const none = await fetch(`${base}/api/submissions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      expect(none.status).toBe(401);
    });

    it('a revoked device is refused at once (401 device-revoked)', async () => {
      const { code, device: d } = await server.addDevice('To be revoked');
      const e = await enrolDevice(base, code);
      expect((await signedPost(base, e.device, makeSubmission())).status).toBe(201);
      await server.store.revoke(d.id);
      const res = await signedPost(base, e.device, makeSubmission());
      expect(res.status).toBe(401);
      expect((await res.json()).error).toEqual({ code: 'device-revoked', message: "This device's access was withdrawn; ask your administrator." });
    });

    it('the server\'s own level is stored and listed over a lying device\'s, the claim kept beside it', async () => {
      const sub = makeSubmission();
      const res = await signedPost(base, device, { ...sub, result: { ...sub.result, level: 'No concerns', total: 2 } });
      expect(res.status).toBe(201);
      const body = await res.json();
      expect(body).toMatchObject({ level: 'Medium (21 – 40)', deviceLevel: 'No concerns' });
      expect(body.disagreement).toContain('level: device "No concerns", endpoint "Medium (21 – 40)"');
      const stored = await server.store.get(sub.id);
      expect(stored).toMatchObject({ level: 'Medium (21 – 40)', deviceLevel: 'No concerns' });
    });

    it.each([
      ['a top-level field', (s: Record<string, unknown>) => ({ ...s, script: '<script>alert(1)</script>' }), /script/],
      ['a field in the author', (s: Record<string, unknown>) => ({ ...s, author: { ...(s.author as object), padding: 'x'.repeat(1000) } }), /author\.padding/],
      ['a field in the instrument', (s: Record<string, unknown>) => ({ ...s, instrument: { ...(s.instrument as object), extra: 1 } }), /instrument\.extra/],
    ])('unknown fields are refused (400): %s', async (_n, mutate, path) => {
      const sub = makeSubmission() as unknown as Record<string, unknown>;
      const res = await signedPost(base, device, mutate(sub));
      expect(res.status).toBe(400);
      const err = (await res.json()).error;
      expect(err.code).toBe('invalid-submission');
      expect(err.message).toMatch(path);
      expect(await server.store.get(String(sub.id))).toBeUndefined();
    });

    it('unknown keys inside the device\'s result are dropped, never stored', async () => {
      const sub = makeSubmission();
      const res = await signedPost(base, device, { ...sub, result: { ...sub.result, injected: '<img onerror=x>' } });
      expect(res.status).toBe(201);
      expect(JSON.stringify((await server.store.get(sub.id))!.body)).not.toContain('injected');
    });

    it.each([
      ['objects nested 20,000 deep', () => `{"a":${'['.repeat(20_000)}${']'.repeat(20_000)}}`, 400, 'too-deep'],
      ['a 300 KB field', () => JSON.stringify(makeSubmission({ childRef: 'x'.repeat(300_000) })), 413, 'too-large'],
      ['not JSON', () => '{"schema":', 400, 'invalid-json'],
      ['a long list of reasons', () => { const s = makeSubmission(); return JSON.stringify({ ...s, result: { ...s.result, reasons: Array(1000).fill('r') } }); }, 400, 'invalid-submission'],
    ])('bounded: %s → %i', async (_n, body, status, code) => {
      const res = await signedPost(base, device, body(), { 'Idempotency-Key': crypto.randomUUID() });
      expect(res.status).toBe(status);
      expect((await res.json()).error.code).toBe(code);
    });

    it('a crash between the write and the response: the retry gets the same receipt, one row stored', async () => {
      const sub = makeSubmission();
      dropOnce.add(sub.id);
      const before = await server.store.count();
      await expect(signedPost(base, device, sub)).rejects.toThrow();
      expect(await server.store.count()).toBe(before + 1);
      const retry = await signedPost(base, device, sub);
      expect(retry.status).toBe(200);
      expect((await retry.json()).receipt).toBe((await server.store.get(sub.id))!.receipt);
    });

    it('a sealed (JWE) submission is opened with the endpoint key and stored', async () => {
      const { fetchEndpointKey, sealTo } = await import('../../src/sync/seal.ts');
      const jwk = await fetchEndpointKey(`${base}/api/submissions`);
      expect(jwk).not.toHaveProperty('d');
      const sub = makeSubmission({ childRef: 'SEALED-1' });
      const { payload } = await sealTo(jwk!)(sub);
      const res = await signedPost(base, device, payload, { 'Content-Type': 'application/jose', 'Idempotency-Key': sub.id });
      expect(res.status).toBe(201);
      expect((await server.store.get(sub.id))!.body).toMatchObject({ childRef: 'SEALED-1' });
    });

    it('answers a CORS preflight naming the DPoP header', async () => {
      const res = await fetch(`${base}/api/submissions`, { method: 'OPTIONS', headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'POST' } });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-headers')).toContain('DPoP');
    });
  });

  describe('reading', () => {
    it('a device credential is refused on every read (403)', async () => {
      const sub = makeSubmission();
      await signedPost(base, device, sub);
      for (const path of ['/api/submissions', `/api/submissions/${sub.id}`, '/api/submissions?after=0&limit=500']) {
        const url = `${base}${path}`;
        const res = await fetch(url, { headers: { DPoP: await makeProof(device.key, 'GET', url) } });
        expect(res.status, path).toBe(403);
        expect((await res.json()).error.code).toBe('devices-cannot-read');
      }
      expect((await fetch(`${base}/api/submissions`)).status).toBe(401);
      expect((await fetch(`${base}/api/submissions`, { headers: { Authorization: 'Bearer nope' } })).status).toBe(401);
    });

    it('the admin token reads, a page at a time with a cursor', async () => {
      const auth = { Authorization: `Bearer ${server.adminToken}` };
      const seen: string[] = [];
      let next: string | null = '0';
      while (next !== null) {
        const res: Response = await fetch(`${base}/api/submissions?after=${next}&limit=5`, { headers: auth });
        expect(res.status).toBe(200);
        const page = (await res.json()) as { submissions: { id: string; body: { author: { name: string } } }[]; next: string | null };
        expect(page.submissions.length).toBeLessThanOrEqual(5);
        seen.push(...page.submissions.map((s) => s.id));
        next = page.next;
      }
      expect(seen.length).toBe(await server.store.count());
      expect(new Set(seen).size).toBe(seen.length);
      expect((await fetch(`${base}/api/submissions?limit=9999`, { headers: auth })).status).toBe(400);
    });
  });

  describe('limits', () => {
    it('a device over its rate limit gets 429 with Retry-After', async () => {
      const { code } = await server.addDevice('Burst');
      const burst = (await enrolDevice(base, code)).device;
      // 401 answers count too: 400 proofs that fail fast still trip the per-key limit.
      const results = await Promise.all(
        Array.from({ length: 420 }, async () => {
          const res = await signedPost(base, burst, '{}', { 'Idempotency-Key': 'x' });
          await res.arrayBuffer();
          return [res.status, res.headers.get('retry-after')] as const;
        }),
      );
      const limited = results.filter(([s]) => s === 429);
      expect(limited.length).toBeGreaterThanOrEqual(20);
      expect(Number(limited[0]![1])).toBeGreaterThan(0);
    }, 60_000);


    it('a device over its daily quota gets 429 with Retry-After; another device is unaffected', async () => {
      const { code } = await server.addDevice('Flooder');
      const flood = (await enrolDevice(base, code)).device;
      const { code: c2 } = await server.addDevice('Neighbour');
      const neighbour = (await enrolDevice(base, c2)).device;
      let limited: Response | undefined;
      for (let i = 0; i < 70 && !limited; i++) {
        const res = await signedPost(base, flood, makeSubmission());
        if (res.status === 429) limited = res;
        else await res.arrayBuffer();
      }
      expect(limited, 'the flooder was limited').toBeDefined();
      expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await limited!.json()).error.code).toBe('daily-quota');
      expect((await signedPost(base, neighbour, makeSubmission())).status).toBe(201);
    }, 60_000);
  });

  describe('at rest and in logs', () => {
    it('no file under the data folder (nor a pg_dump) holds a child\'s name; files 0600 in 0700 folders', async () => {
      const sub = makeSubmission({ childRef: CANARY });
      const sealed = await signedPost(base, device, sub);
      expect(sealed.status).toBe(201);
      const files: string[] = [];
      const walk = (d: string) => {
        expect(statSync(d).mode & 0o777, d).toBe(0o700);
        for (const f of readdirSync(d)) {
          const p = join(d, f);
          if (statSync(p).isDirectory()) walk(p);
          else files.push(p);
        }
      };
      walk(server.paths.dataDir);
      walk(server.paths.secretsDir);
      for (const f of files) {
        expect(statSync(f).mode & 0o777, f).toBe(0o600);
        if (f.startsWith(`${server.paths.dataDir}/`)) expect(readFileSync(f).includes(CANARY), f).toBe(false);
      }
      if (kind === 'sqlite') expect(files.some((f) => f.endsWith('receiver.sqlite'))).toBe(true);
      else expect(testPostgres()!.dump()).not.toContain(CANARY);
      // The secrets are not in the data folder.
      expect(files.filter((f) => f.startsWith(`${server.paths.dataDir}/`)).map((f) => f.split('/').pop())).not.toContain('endpoint-key.json');
      expect(dataDir).toBeTruthy();
    });

    it('log lines carry no token, proof, body or child data', async () => {
      await signedPost(base, device, makeSubmission({ childRef: CANARY }));
      await fetch(`${base}/api/submissions?after=0&limit=1`, { headers: { Authorization: `Bearer ${server.adminToken}` } });
      await signedPost(base, device, `{"childRef":"${CANARY}"`, { 'Idempotency-Key': 'x' });
      const all = logLines.join('');
      expect(logLines.length).toBeGreaterThan(3);
      expect(all).not.toContain(CANARY);
      expect(all).not.toContain(server.adminToken);
      expect(all).not.toMatch(/eyJ[\w-]+\.[\w-]+\./); // no JWT (proof)
    });
  });
});

describe('the built app, served beside the API', () => {
  it('files with their cache rules and the CSP; the shell for page paths; 404 for a missing asset', async () => {
    const { mkdirSync, mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dist = mkdtempSync(join(tmpdir(), 'cse-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>shell</title>');
    writeFileSync(join(dist, 'assets', 'app-1234.js'), 'console.log(1)');
    const s = await startServer({ port: 0, dataDir: mkdtempSync(join(tmpdir(), 'cse-static-')), distDir: dist });
    try {
      const base = `http://127.0.0.1:${s.address().port}`;
      const index = await fetch(`${base}/`);
      expect(index.headers.get('cache-control')).toBe('no-cache');
      expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
      const asset = await fetch(`${base}/assets/app-1234.js`);
      expect(asset.headers.get('cache-control')).toContain('immutable');
      const page = await fetch(`${base}/record/abc/result`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('shell');
      expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
      expect((await fetch(`${base}/../../etc/passwd`)).status).not.toBe(500);
      // A precompressed copy beside the file is sent to a browser that accepts it, never to one that does not.
      const { brotliCompressSync, brotliDecompressSync } = await import('node:zlib');
      const big = `console.log(${JSON.stringify('x'.repeat(5000))});`;
      writeFileSync(join(dist, 'assets', 'big-1.js'), big);
      writeFileSync(join(dist, 'assets', 'big-1.js.br'), brotliCompressSync(big));
      const http = await import('node:http');
      const raw = (enc: string) =>
        new Promise<{ headers: import('node:http').IncomingHttpHeaders; body: Buffer }>((ok, no) =>
          http.get(`${base}/assets/big-1.js`, { headers: { 'Accept-Encoding': enc } }, (res) => {
            const parts: Buffer[] = [];
            res.on('data', (c: Buffer) => parts.push(c));
            res.on('end', () => ok({ headers: res.headers, body: Buffer.concat(parts) }));
          }).on('error', no),
        );
      const br = await raw('br, gzip');
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.headers.vary).toContain('Accept-Encoding');
      expect(br.headers['content-type']).toContain('javascript');
      expect(brotliDecompressSync(br.body).toString()).toBe(big);
      const plain = await raw('identity');
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body.toString()).toBe(big);
    } finally {
      await s.close();
    }
  });
});
