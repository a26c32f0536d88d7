// The receiver over real HTTP on loopback, on SQLite and on PostgreSQL:
// enrolment, signed submits, replay and revocation, devices that cannot read,
// the server's own level, unknown fields refused, nothing readable at rest.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../../src/admin/main.ts';
import { startServer } from '../../src/server/main.ts';
import { makeProof, newDeviceKey } from '../../src/sync/device-proof.ts';
import { asItem, enrolDevice, signedBatch, signedPost, type TestDevice } from '../helpers/device.ts';
import { STORE_KINDS, ensurePostgres, freshDatabaseUrl, stopPostgres, testPostgres } from '../helpers/stores.ts';
import { makeSubmission } from '../helpers/submission.ts';
import { scores } from '../helpers/answers.ts';

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
      // Enrolments: this file enrols a device per test that needs its own quota.
      limits: { perDevicePerMinute: 400, dailyQuota: 60, enrolPerMinute: 200 },
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
      const res = await fetch(`${base}/api/enrol`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ code: fresh.code }),
      });
      expect(res.status).toBe(401);
    });

    it('the admin command adds, lists and revokes devices', async () => {
      const out: string[] = [];
      const env = {
        ...process.env,
        CSE_DATA_DIR: server.paths.dataDir,
        CSE_SECRETS_DIR: server.paths.secretsDir,
        CSE_DATABASE_URL: server.paths.database,
        CSE_PUBLIC_URL: base,
      };
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
      const stale = await signedPost(
        base,
        device,
        makeSubmission(),
        {},
        await makeProof(device.key, 'POST', `${base}/api/submissions`, Date.now() - 10 * 60_000),
      );
      expect(stale.status).toBe(401);
      expect((await stale.json()).error.code).toBe('proof-stale');
      expect(stale.headers.get('date')).toBeTruthy();
    });

    it('a proof made for another address or method, or by an unenrolled key, is refused', async () => {
      const other = await signedPost(
        base,
        device,
        makeSubmission(),
        {},
        await makeProof(device.key, 'POST', `${base}/api/enrol`),
      );
      expect((await other.json()).error.code).toBe('proof-invalid');
      const get = await signedPost(
        base,
        device,
        makeSubmission(),
        {},
        await makeProof(device.key, 'GET', `${base}/api/submissions`),
      );
      expect(get.status).toBe(401);
      const stranger = await signedPost(base, { key: await newDeviceKey() }, makeSubmission());
      expect(stranger.status).toBe(401);
      expect((await stranger.json()).error.code).toBe('not-enrolled');
      const none = await fetch(`${base}/api/submissions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(none.status).toBe(401);
    });

    it('a revoked device is refused at once (401 device-revoked)', async () => {
      const { code, device: d } = await server.addDevice('To be revoked');
      const e = await enrolDevice(base, code);
      expect((await signedPost(base, e.device, makeSubmission())).status).toBe(201);
      await server.store.revoke(d.id);
      const res = await signedPost(base, e.device, makeSubmission());
      expect(res.status).toBe(401);
      expect((await res.json()).error).toEqual({
        code: 'device-revoked',
        message: "This device's access was withdrawn; ask your administrator.",
      });
    });

    it("the server's own level is stored and listed over a lying device's, the claim kept beside it", async () => {
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
      [
        'a top-level field',
        (s: Record<string, unknown>) => ({ ...s, script: '<script>alert(1)</script>' }),
        /^a field this version does not have$/,
      ],
      [
        'a field in the author',
        (s: Record<string, unknown>) => ({ ...s, author: { ...(s.author as object), padding: 'x'.repeat(1000) } }),
        /^author: a field this version does not have$/,
      ],
      [
        'a field in the instrument',
        (s: Record<string, unknown>) => ({ ...s, instrument: { ...(s.instrument as object), extra: 1 } }),
        /^instrument: a field this version does not have$/,
      ],
      // The unknown key itself is never named: it could be a child's name.
      [
        'a field named as a child is',
        (s: Record<string, unknown>) => ({ ...s, author: { ...(s.author as object), [CANARY]: 'x' } }),
        /^author: a field this version does not have$/,
      ],
    ])(
      'unknown fields are refused (400), named by where they are, never by their key: %s',
      async (_n, mutate, path) => {
        const sub = makeSubmission() as unknown as Record<string, unknown>;
        const res = await signedPost(base, device, mutate(sub));
        expect(res.status).toBe(400);
        const err = (await res.json()).error;
        expect(err.code).toBe('invalid-submission');
        expect(err.message).toMatch(path);
        expect(await server.store.get(String(sub.id))).toBeUndefined();
      },
    );

    it("unknown keys inside the device's result are dropped, never stored", async () => {
      const sub = makeSubmission();
      const res = await signedPost(base, device, { ...sub, result: { ...sub.result, injected: '<img onerror=x>' } });
      expect(res.status).toBe(201);
      expect(JSON.stringify((await server.store.get(sub.id))!.body)).not.toContain('injected');
    });

    it.each([
      ['objects nested 20,000 deep', () => `{"a":${'['.repeat(20_000)}${']'.repeat(20_000)}}`, 400, 'too-deep'],
      ['a 300 KB field', () => JSON.stringify(makeSubmission({ childRef: 'x'.repeat(300_000) })), 413, 'too-large'],
      ['not JSON', () => '{"schema":', 400, 'invalid-json'],
      [
        'a long list of reasons',
        () => {
          const s = makeSubmission();
          return JSON.stringify({ ...s, result: { ...s.result, reasons: Array(1000).fill('r') } });
        },
        400,
        'invalid-submission',
      ],
    ])('bounded: %s is refused with its status and code', async (_n, body, status, code) => {
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
      const res = await signedPost(base, device, payload, {
        'Content-Type': 'application/jose',
        'Idempotency-Key': sub.id,
      });
      expect(res.status).toBe(201);
      expect((await server.store.get(sub.id))!.body).toMatchObject({ childRef: 'SEALED-1' });
    });

    it('answers a CORS preflight naming the DPoP header', async () => {
      const res = await fetch(`${base}/api/submissions`, {
        method: 'OPTIONS',
        headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'POST' },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-headers')).toContain('DPoP');
    });
  });

  describe('submitting in batches', () => {
    type ItemResult = {
      id: string;
      status: number;
      receipt?: string;
      level?: string;
      deviceLevel?: string;
      duplicate?: boolean;
      error?: { code: string; message: string };
      retryAfter?: number;
    };
    const results = async (res: Response) => ((await res.json()) as { results: ItemResult[] }).results;
    const newDevice = async (name: string) => (await enrolDevice(base, (await server.addDevice(name)).code)).device;

    it('a sealed batch is stored, each with its own receipt under one proof; the same batch again gets the same receipts, one row each', async () => {
      const { fetchEndpointKey, sealTo } = await import('../../src/sync/seal.ts');
      const seal = sealTo((await fetchEndpointKey(`${base}/api/submissions`))!);
      const subs = Array.from({ length: 30 }, (_, i) => makeSubmission({ childRef: `${CANARY} ${i}` }));
      const items = await Promise.all(
        subs.map(async (s) => ({ id: s.id, type: 'application/jose', body: (await seal(s)).payload })),
      );
      const before = await server.store.count();
      // A device of its own in each test: the shared one may have spent this server's daily quota (60).
      const d = await newDevice('Sealed batch');
      const first = await signedBatch(base, d, items);
      expect(first.status).toBe(200);
      const r1 = await results(first);
      expect(r1.map((r) => [r.id, r.status, r.duplicate])).toEqual(subs.map((s) => [s.id, 201, false]));
      expect(new Set(r1.map((r) => r.receipt)).size).toBe(30);
      expect(await server.store.count()).toBe(before + 30);
      expect((await server.store.get(subs[7]!.id))!.body).toMatchObject({ childRef: `${CANARY} 7` });
      const again = await results(await signedBatch(base, d, items));
      expect(again.map((r) => [r.status, r.duplicate, r.receipt])).toEqual(r1.map((r) => [200, true, r.receipt]));
      expect(await server.store.count()).toBe(before + 30);
    });

    it("one bad item does not sink the rest: refused by name (never quoting it), a conflict, and the server's level over a lying device's", async () => {
      const good = makeSubmission();
      const lying = makeSubmission();
      const unknownField = { ...makeSubmission(), kind: CANARY };
      const stored = makeSubmission();
      // A NUL in any text (PostgreSQL cannot keep one); a child's name where a value, an item, a tool or a level should be.
      const nul = makeSubmission({ childRef: 'A\u0000B' });
      const namedChoice = makeSubmission(
        {},
        { ...scores('gm-cse-measurement-tool', [3, 3, 3, 3, 3, 3, 3, 3, 3, 3], 5), 'c1-missing': CANARY },
      );
      const namedItem = makeSubmission(
        {},
        { ...scores('gm-cse-measurement-tool', [3, 3, 3, 3, 3, 3, 3, 3, 3, 3], 5), [CANARY]: 'yes' },
      );
      const namedTool = { ...makeSubmission(), instrument: { id: CANARY, version: '1.0.0' } };
      const named = makeSubmission();
      const namedLevel = { ...named, result: { ...named.result, level: CANARY } };
      const d = await newDevice('Mixed batch');
      expect((await signedPost(base, d, stored)).status).toBe(201);
      const res = await signedBatch(base, d, [
        asItem(good),
        asItem({ ...lying, result: { ...lying.result, level: 'No concerns', total: 2 } }),
        asItem(unknownField),
        asItem({ ...stored, childRef: 'someone else' }),
        { id: 'not-the-same-id', type: 'application/json', body: JSON.stringify(makeSubmission()) },
        { id: crypto.randomUUID(), type: 'application/jose', body: 'not.a.jwe.at.all' },
        asItem(nul),
        asItem(namedChoice),
        asItem(namedItem),
        asItem(namedTool),
        asItem(namedLevel),
      ]);
      expect(res.status).toBe(200);
      const r = await results(res);
      expect(r.map((x) => [x.status, x.error?.code])).toEqual([
        [201, undefined],
        [201, undefined],
        [400, 'invalid-submission'],
        [409, 'conflict'],
        [400, 'idempotency-key'],
        [400, 'invalid-jwe'],
        [400, 'invalid-submission'],
        [400, 'invalid-answers'],
        [400, 'invalid-answers'],
        [400, 'unknown-instrument'],
        [201, undefined],
      ]);
      expect(r[7]!.error!.message).toBe(
        "answers.c1-missing: not an answer this item takes (see the tool's definition).",
      );
      // A level that is not the tool's words is not kept in the clear columns; it stays in the sealed body.
      expect(r[10]).toMatchObject({ deviceLevel: '(not a level of this tool: see the submission)' });
      expect(await server.store.get(namedLevel.id)).toMatchObject({
        deviceLevel: '(not a level of this tool: see the submission)',
        body: { result: { level: CANARY } },
      });
      expect((await server.store.listIndex(0, 500)).some((row) => JSON.stringify(row).includes(CANARY))).toBe(false);
      expect(r[1]).toMatchObject({ level: 'Medium (21 – 40)', deviceLevel: 'No concerns' });
      expect(await server.store.get(lying.id)).toMatchObject({ level: 'Medium (21 – 40)', deviceLevel: 'No concerns' });
      expect(r[2]!.error!.message).toMatch(/^kind: Invalid type: Expected \("assessment" \| "information-report"\)$/);
      expect(JSON.stringify(r)).not.toContain(CANARY);
      expect(await server.store.get(unknownField.id)).toBeUndefined();
      expect((await server.store.get(stored.id))!.body).toMatchObject({ childRef: 'AB-12' });
    });

    it('a replayed proof, a proof for the single address, a revoked or unenrolled device: refused whole (401), nothing stored', async () => {
      const device = await newDevice('Replaying');
      const url = `${base}/api/submissions/batch`;
      const proof = await makeProof(device.key, 'POST', url);
      expect((await signedBatch(base, device, [asItem(makeSubmission())], proof)).status).toBe(200);
      const replayedSub = makeSubmission();
      const replay = await signedBatch(base, device, [asItem(replayedSub)], proof);
      expect([replay.status, (await replay.json()).error.code]).toEqual([401, 'proof-replayed']);
      const wrongAddress = await signedBatch(
        base,
        device,
        [asItem(replayedSub)],
        await makeProof(device.key, 'POST', `${base}/api/submissions`),
      );
      expect([wrongAddress.status, (await wrongAddress.json()).error.code]).toEqual([401, 'proof-invalid']);
      const stranger = await signedBatch(base, { key: await newDeviceKey() }, [asItem(replayedSub)]);
      expect([stranger.status, (await stranger.json()).error.code]).toEqual([401, 'not-enrolled']);
      const { code, device: d } = await server.addDevice('Batch, to be revoked');
      const e = await enrolDevice(base, code);
      await server.store.revoke(d.id);
      const revoked = await signedBatch(base, e.device, [asItem(replayedSub)]);
      expect([revoked.status, (await revoked.json()).error.code]).toEqual([401, 'device-revoked']);
      expect(await server.store.get(replayedSub.id)).toBeUndefined();
    });

    it.each([
      [
        'a field beside the list',
        () => JSON.stringify({ submissions: [asItem(makeSubmission())], extra: 1 }),
        400,
        'invalid-batch',
      ],
      [
        'a field in an item',
        () => JSON.stringify({ submissions: [{ ...asItem(makeSubmission()), note: 'x' }] }),
        400,
        'invalid-batch',
      ],
      ['an empty list', () => '{"submissions":[]}', 400, 'invalid-batch'],
      [
        '51 items',
        () => JSON.stringify({ submissions: Array.from({ length: 51 }, () => asItem(makeSubmission())) }),
        413,
        'batch-too-large',
      ],
      [
        'objects nested 20,000 deep',
        () => `{"submissions":${'['.repeat(20_000)}${']'.repeat(20_000)}}`,
        400,
        'too-deep',
      ],
      ['not JSON', () => '{"submissions":[', 400, 'invalid-json'],
      [
        'a body over 2 MB',
        () => JSON.stringify({ submissions: [{ id: 'x', type: 'application/json', body: 'x'.repeat(2_200_000) }] }),
        413,
        'too-large',
      ],
    ])('bounded: %s is refused whole with its status and code', async (_n, body, status, code) => {
      const d = await newDevice(`Bounded ${_n}`);
      const res = await signedBatch(base, d, body());
      expect(res.status).toBe(status);
      expect((await res.json()).error.code).toBe(code);
    });

    it('a batch is application/json (415 otherwise)', async () => {
      const url = `${base}/api/submissions/batch`;
      const d = await newDevice('Wrong type');
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/jose', DPoP: await makeProof(d.key, 'POST', url) },
        body: 'x',
      });
      expect(res.status).toBe(415);
    });

    it('past the daily quota the rest of a batch waits on the device (429 each, with Retry-After); repeats of stored ones are never counted', async () => {
      const d = await newDevice('Batch quota');
      const firstSubs = Array.from({ length: 50 }, () => makeSubmission());
      const first = await results(await signedBatch(base, d, firstSubs.map(asItem)));
      expect(first.every((r) => r.status === 201)).toBe(true);
      const second = await results(
        await signedBatch(
          base,
          d,
          Array.from({ length: 20 }, () => asItem(makeSubmission())),
        ),
      );
      // dailyQuota 60 in this server: 10 more fit.
      expect(second.map((r) => r.status)).toEqual([...Array(10).fill(201), ...Array(10).fill(429)]);
      expect(second[15]).toMatchObject({ error: { code: 'daily-quota' } });
      expect(second[15]!.retryAfter).toBeGreaterThan(0);
      // Spent: a new one waits; the ones already stored, sent again (their answer lost), are answered as stored.
      const again = await results(
        await signedBatch(base, d, [
          asItem(makeSubmission()),
          ...first.slice(0, 2).map((r) => ({
            id: r.id,
            type: 'application/json',
            body: JSON.stringify(firstSubs.find((s) => s.id === r.id)),
          })),
        ]),
      );
      expect(again.map((r) => [r.status, r.error?.code, r.duplicate])).toEqual([
        [429, 'daily-quota', undefined],
        [200, undefined, true],
        [200, undefined, true],
      ]);
      expect(again[1]!.receipt).toBe(first[0]!.receipt);
      // The single POST alike: a new one 429 before its body is read, a repeat of a stored one 200.
      const single = await signedPost(base, d, makeSubmission());
      expect([single.status, Number(single.headers.get('retry-after')) > 0]).toEqual([429, true]);
      expect((await signedPost(base, d, firstSubs[3]!)).status).toBe(200);
    });

    it('concurrent batches cannot overshoot the daily quota, and batches sharing ids in any order store each once', async () => {
      const d = await newDevice('Concurrent quota');
      const subs = Array.from({ length: 50 }, () => makeSubmission());
      const forwards = subs.map(asItem);
      const backwards = [...forwards].reverse();
      const answers = await Promise.all(
        [forwards, backwards, forwards, backwards].map(async (items) => (await signedBatch(base, d, items)).status),
      );
      expect(answers).toEqual([200, 200, 200, 200]);
      const fresh = await Promise.all(
        Array.from({ length: 4 }, () =>
          signedBatch(
            base,
            d,
            Array.from({ length: 50 }, () => asItem(makeSubmission())),
          ),
        ),
      );
      const statuses = (await Promise.all(fresh.map(results))).flat().map((r) => r.status);
      // dailyQuota 60: 50 stored above, so 10 of these 200 new ones, whatever the interleaving.
      expect(statuses.filter((s) => s === 201).length).toBe(10);
      expect(statuses.filter((s) => s === 429).length).toBe(190);
      const since = new Date(new Date().setUTCHours(0, 0, 0, 0)).toISOString();
      expect(await server.store.countForDevice(d.deviceId!, since)).toBe(60);
      const receipts = new Set((await Promise.all(subs.map((s) => server.store.get(s.id)))).map((r) => r!.receipt));
      expect(receipts.size).toBe(50);
    });

    it('the per-minute limit counts submissions, not requests: a device sending batches is held to the same 400 a minute as one sending singly', async () => {
      const d = await newDevice('Batch burst');
      // Refused items (not stored, so the daily quota is untouched) still spend the budget: the work is in opening them.
      const junk = () =>
        Array.from({ length: 50 }, () => ({ id: crypto.randomUUID(), type: 'application/json', body: '{}' }));
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++)
        statuses.push(...(await results(await signedBatch(base, d, junk()))).map((r) => r.status));
      expect(statuses.filter((s) => s === 400).length).toBe(400);
      const over = await signedBatch(base, d, junk());
      expect(over.status).toBe(429);
      expect((await over.json()).error.code).toBe('rate-limited');
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      // The single POST draws on the same budget.
      const single = await signedPost(base, d, makeSubmission());
      expect(single.status).toBe(429);
      // Another device is unaffected.
      expect((await signedBatch(base, await newDevice('Batch neighbour'), [asItem(makeSubmission())])).status).toBe(
        200,
      );
    }, 60_000);

    it("the app's sender drains 40 sealed submissions in batches of 10 over HTTP, exactly once though a response is lost after the commit", async () => {
      // @ts-expect-error: the package's types are not reachable through its exports map
      await import('fake-indexeddb/auto');
      const { CseDb } = await import('../../src/store/db.ts');
      const { sendDue } = await import('../../src/sync/sender.ts');
      const { fetchEndpointKey, sealTo } = await import('../../src/sync/seal.ts');
      const key = await newDeviceKey();
      const e = await enrolDevice(base, (await server.addDevice('Sender over HTTP')).code, key);
      const url = `${base}/api/submissions`;
      const jwk = (await fetchEndpointKey(url))!;
      const db = new CseDb(`drain-${kind}-${crypto.randomUUID()}`, undefined, () => undefined);
      const seal = sealTo(jwk);
      const subs = Array.from({ length: 40 }, (_, i) => makeSubmission({ childRef: `S${i}` }));
      await db.outbox.bulkAdd(
        await Promise.all(
          subs.map(async (s, i) => ({
            id: s.id,
            recordId: crypto.randomUUID(),
            state: 'queued' as const,
            ...(await seal(s)),
            attempts: 0,
            createdAt: i,
            nextAttemptAt: 0,
          })),
        ),
      );
      // The second batch is stored, then the connection drops before its answer.
      dropOnce.add(subs[10]!.id);
      const endpoint = {
        url,
        publicKey: jwk,
        device: { id: String(e.body.deviceId), name: 'Sender', key, enrolledAt: new Date().toISOString() },
      };
      const before = await server.store.count();
      let requests = 0;
      // Submission requests (POSTs): after delivering, the sender also asks for the endpoint's key (a rotation).
      const counting: typeof fetch = (input, init) => (init?.method === 'POST' && requests++, fetch(input, init));
      const run = () =>
        sendDue({ db, fetch: counting, endpoint: async () => endpoint, batchSize: 10 }, { force: true });
      const r1 = await run();
      expect(r1).toMatchObject({ attempted: 40, delivered: 30, retrying: 10 });
      expect(requests).toBe(4);
      expect(await server.store.count()).toBe(before + 40);
      const r2 = await run();
      expect(r2).toMatchObject({ attempted: 10, delivered: 10 });
      expect(await server.store.count()).toBe(before + 40);
      const rows = await db.outbox.bulkGet(subs.map((s) => s.id));
      expect(rows.every((row) => row!.state === 'delivered')).toBe(true);
      // The retried rows carry the receipts the server gave when it first stored them.
      for (const s of subs.slice(10, 20))
        expect(rows.find((row) => row!.id === s.id)!.receipt).toBe((await server.store.get(s.id))!.receipt);
      db.close();
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
        const page = (await res.json()) as {
          submissions: { id: string; body: { author: { name: string } } }[];
          next: string | null;
        };
        expect(page.submissions.length).toBeLessThanOrEqual(5);
        seen.push(...page.submissions.map((s) => s.id));
        next = page.next;
      }
      expect(seen.length).toBe(await server.store.count());
      expect(new Set(seen).size).toBe(seen.length);
      expect((await fetch(`${base}/api/submissions?limit=9999`, { headers: auth })).status).toBe(400);
    });
    it('a reader following the cursor while batches and single POSTs interleave sees every stored submission (writers are serialised, so seq follows commit order)', async () => {
      const auth = { Authorization: `Bearer ${server.adminToken}` };
      const seen = new Set<string>();
      const newDevice = async (name: string) => (await enrolDevice(base, (await server.addDevice(name)).code)).device;
      let cursor = 0;
      const readPage = async () => {
        const page = (await (
          await fetch(`${base}/api/submissions?after=${cursor}&limit=500`, { headers: auth })
        ).json()) as { submissions: { seq: number; id: string }[] };
        for (const row of page.submissions) seen.add(row.id);
        if (page.submissions.length) cursor = page.submissions.at(-1)!.seq;
      };
      let writing = true;
      const reading = (async () => {
        while (writing) await readPage();
      })();
      const batchers = await Promise.all([1, 2, 3, 4].map((i) => newDevice(`Interleaved batch ${i}`)));
      const singles = await Promise.all([1, 2].map((i) => newDevice(`Interleaved single ${i}`)));
      const ids: string[] = [];
      await Promise.all([
        ...batchers.map(async (dev) => {
          for (let k = 0; k < 2; k++) {
            const subs = Array.from({ length: 25 }, () => makeSubmission());
            ids.push(...subs.map((x) => x.id));
            expect((await signedBatch(base, dev, subs.map(asItem))).status).toBe(200);
          }
        }),
        ...singles.map(async (dev) => {
          for (let k = 0; k < 30; k++) {
            const sub = makeSubmission();
            ids.push(sub.id);
            expect((await signedPost(base, dev, sub)).status).toBe(201);
          }
        }),
      ]);
      writing = false;
      await reading;
      await readPage(); // what committed after the last read
      expect(ids.filter((id) => !seen.has(id))).toEqual([]);
    }, 60_000);

    it('a cursor beyond any seq the database can hold is a 400, not a store error', async () => {
      const res = await fetch(`${base}/api/submissions?after=1e20&limit=5`, {
        headers: { Authorization: `Bearer ${server.adminToken}` },
      });
      expect([res.status, (await res.json()).error.code]).toEqual([400, 'bad-cursor']);
    });

    it("a page is streamed as it is read: chunked, no Content-Length, whole and in order across the store's read chunks", async () => {
      const { accept } = await import('../../src/receiver/domain/accept.ts');
      const { STREAM_CHUNK } = await import('../../src/receiver/http/plugins/submissions.ts');
      for (let i = 0; i < 2 * STREAM_CHUNK + 20; i++) {
        const sub = makeSubmission({ childRef: `P${i}` });
        await server.store.insertOnce({ ...accept(JSON.stringify(sub), sub.id).row, deviceId: null });
      }
      const limit = 2 * STREAM_CHUNK + 10; // more than two of the store's reads, ending mid-chunk
      const res = await fetch(`${base}/api/submissions?after=0&limit=${limit}`, {
        headers: { Authorization: `Bearer ${server.adminToken}` },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('transfer-encoding')).toBe('chunked');
      expect(res.headers.get('content-length')).toBeNull();
      const page = (await res.json()) as { submissions: { seq: number; id: string }[]; next: string | null };
      const expected = await server.store.listIndex(0, limit);
      expect(page.submissions.map((s) => s.id)).toEqual(expected.map((s) => s.id));
      expect(page.next).toBe(String(expected.at(-1)!.seq));
      // The last page ends with no cursor.
      const total = await server.store.count();
      const tail = (await (
        await fetch(`${base}/api/submissions?after=${expected.at(-1)!.seq}&limit=500`, {
          headers: { Authorization: `Bearer ${server.adminToken}` },
        })
      ).json()) as { submissions: unknown[]; next: string | null };
      expect([tail.submissions.length, tail.next]).toEqual([total - limit, null]);
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
    it("no file under the data folder (nor a pg_dump) holds a child's name; files 0600 in 0700 folders", async () => {
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
      else {
        // The server's own database (the default is the empty `postgres` one), shown to hold what it stored.
        const dump = testPostgres()!.dump(new URL(server.paths.database!).pathname.slice(1));
        expect(dump).toContain(sub.id);
        expect(dump).not.toContain(CANARY);
      }
      // The secrets are not in the data folder.
      expect(
        files.filter((f) => f.startsWith(`${server.paths.dataDir}/`)).map((f) => f.split('/').pop()),
      ).not.toContain('endpoint-key.json');
      expect(dataDir).toBeTruthy();
    });

    it('log lines carry no token, proof, body or child data', async () => {
      await signedPost(base, device, makeSubmission({ childRef: CANARY }));
      await fetch(`${base}/api/submissions?after=0&limit=1`, {
        headers: { Authorization: `Bearer ${server.adminToken}` },
      });
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
          http
            .get(`${base}/assets/big-1.js`, { headers: { 'Accept-Encoding': enc } }, (res) => {
              const parts: Buffer[] = [];
              res.on('data', (c: Buffer) => parts.push(c));
              res.on('end', () => ok({ headers: res.headers, body: Buffer.concat(parts) }));
            })
            .on('error', no),
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
