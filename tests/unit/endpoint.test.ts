// The reference endpoint over real HTTP on loopback.
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/main.ts';
import { makeSubmission } from '../helpers/submission.ts';

const TOKEN = 'test-token-123';
const dropOnce = new Set<string>();
let server: Awaited<ReturnType<typeof startServer>>;
let base: string;

beforeAll(async () => {
  server = await startServer({
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), 'cse-endpoint-')),
    token: TOKEN,
    dropAfterStore: (id) => dropOnce.delete(id),
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

function post(body: unknown, headers: Record<string, string> = {}) {
  const sub = body as { id?: string };
  return fetch(`${base}/api/submissions`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${TOKEN}`,
      'Content-Type': 'application/json',
      ...(sub?.id ? { 'Idempotency-Key': sub.id } : {}),
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('POST /api/submissions', () => {
  it('stores a valid submission and answers 201 with a receipt', async () => {
    const sub = makeSubmission();
    const res = await post(sub);
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toMatchObject({ id: sub.id, duplicate: false, disagreement: null });
    expect(body.receipt).toMatch(/^R-/);
  });

  it('answers a duplicate with the same receipt and stores one row', async () => {
    const sub = makeSubmission();
    const first = await (await post(sub)).json();
    const before = server.store.count();
    const again = await post(sub);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ receipt: first.receipt, duplicate: true });
    expect(server.store.count()).toBe(before);
  });

  it('refuses a different body under an id already stored (409)', async () => {
    const sub = makeSubmission();
    await post(sub);
    const res = await post({ ...sub, childRef: 'ZZ-99' });
    expect(res.status).toBe(409);
  });

  it('a crash between the write and the response: the retry gets the same receipt, one row stored', async () => {
    const sub = makeSubmission();
    dropOnce.add(sub.id);
    const before = server.store.count();
    await expect(post(sub)).rejects.toThrow(); // the connection dies with no answer
    expect(server.store.count()).toBe(before + 1); // but the row was committed first
    const retry = await post(sub);
    expect(retry.status).toBe(200);
    const stored = server.store.list().find((r) => r.id === sub.id)!;
    expect((await retry.json()).receipt).toBe(stored.receipt);
    expect(server.store.count()).toBe(before + 1);
  });

  it('re-scores with the engine and records a disagreement with the device', async () => {
    const sub = makeSubmission();
    const res = await post({ ...sub, result: { ...sub.result, level: 'Lower (10 – 20)', total: 12 } });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.disagreement).toContain('level: device "Lower (10 – 20)", endpoint "Medium (21 – 40)"');
    expect(body.disagreement).toContain('total: device 12, endpoint 35');
  });

  it.each([
    ['no token', { Authorization: '' }, 401, 'unauthorised'],
    ['wrong token', { Authorization: 'Bearer nope' }, 401, 'unauthorised'],
    ['wrong content type', { 'Content-Type': 'text/plain' }, 415, 'unsupported-media-type'],
    ['no idempotency key', { 'Idempotency-Key': '' }, 400, 'idempotency-key'],
    ['idempotency key not the id', { 'Idempotency-Key': crypto.randomUUID() }, 400, 'idempotency-key'],
  ])('%s → %i', async (_n, headers, status, code) => {
    const res = await post(makeSubmission(), headers);
    expect(res.status).toBe(status);
    expect((await res.json()).error.code).toBe(code);
  });

  it.each([
    ['not JSON', '{"schema":', 'invalid-json', /not valid JSON/],
    ['missing author', (() => { const s = makeSubmission() as Record<string, unknown>; delete s.author; return s; })(), 'invalid-submission', /author/],
    ['id not a UUID', makeSubmission({ id: 'abc' }), 'invalid-submission', /^id: /],
    ['unknown instrument', makeSubmission({ instrument: { id: 'no-such', version: '1.0.0' } }), 'unknown-instrument', /no-such/],
    ['an answer not among the options', makeSubmission({}, { 'c1-missing': '9' }), 'invalid-answers', /c1-missing/],
  ])('malformed: %s → 400 naming the problem', async (_n, body, code, message) => {
    const res = await post(body, typeof body === 'string' ? { 'Idempotency-Key': 'x' } : {});
    expect(res.status).toBe(400);
    const err = (await res.json()).error;
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
  });

  it('refuses an oversized body with 413', async () => {
    const sub = makeSubmission({}, { 'c1-missing': '1', 'c1-reflections': 'x'.repeat(300_000) });
    const res = await post(sub);
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('too-large');
  });

  it('answers a CORS preflight so the app can point at another origin', async () => {
    const res = await fetch(`${base}/api/submissions`, { method: 'OPTIONS', headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'POST' } });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-headers')).toContain('Idempotency-Key');
  });
});

describe('sealed submissions (JWE)', () => {
  it('publishes a public key only, and stores a submission sealed to it', async () => {
    const { fetchEndpointKey, sealTo } = await import('../../src/sync/seal.ts');
    const jwk = await fetchEndpointKey(`${base}/api/submissions`);
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256' });
    expect(jwk).not.toHaveProperty('d');
    const sub = makeSubmission({ childRef: 'SEALED-1' });
    const { payload, contentType } = await sealTo(jwk!)(sub);
    expect(payload.split('.')).toHaveLength(5); // compact JWE
    expect(payload).not.toContain('SEALED-1');
    const res = await fetch(`${base}/api/submissions`, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': contentType, 'Idempotency-Key': sub.id }, body: payload });
    expect(res.status).toBe(201);
    expect(server.store.list().find((r) => r.id === sub.id)?.body).toMatchObject({ childRef: 'SEALED-1' });
  });

  it('refuses a JWE it cannot decrypt', async () => {
    const sub = makeSubmission();
    const res = await fetch(`${base}/api/submissions`, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/jose', 'Idempotency-Key': sub.id }, body: 'a.b.c.d.e' });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('invalid-jwe');
  });
});

describe('GET /api/submissions', () => {
  it('lists what is stored for an authorised reader, and nothing without the token', async () => {
    expect((await fetch(`${base}/api/submissions`)).status).toBe(401);
    const res = await fetch(`${base}/api/submissions`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    const { submissions } = await res.json();
    expect(submissions.length).toBe(server.store.count());
    expect(submissions[0].body.author.name).toBe('Sam Nurse');
  });
});

