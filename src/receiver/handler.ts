// The referral endpoint's HTTP contract:
//   POST /api/submissions   Bearer token, Idempotency-Key = submission id,
//                           application/json body → 201 {receipt} (200 with the
//                           same receipt for a repeat); 400/401/409/413/415
//                           with {"error": {"code", "message"}}.
//   GET  /api/submissions   the stored submissions, for an authorised reader.
// Every submission is validated with the app's own schema and re-scored with
// the app's own engine; a disagreement with the device's result is recorded.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { score } from '../engine/score.ts';
import { getInstrument } from '../instruments/catalogue.ts';
import { MAX_SUBMISSION_BYTES, type Submission, SubmissionSchema, submissionProblem } from '../sync/submission.ts';
import type { SubmissionStore } from './store.ts';
import * as v from 'valibot';
import { compactDecrypt } from 'jose';
import type { EndpointKeys } from './keys.ts';

export interface EndpointOptions {
  store: SubmissionStore;
  token: string;
  /** When set, the endpoint publishes its public key and accepts sealed (application/jose) submissions. */
  keys?: EndpointKeys;
  /** Test-only fault: after the row is committed, drop the connection without answering. */
  dropAfterStore?: (id: string) => boolean;
}

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type, Idempotency-Key',
  'Access-Control-Max-Age': '600',
};

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { ...CORS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

function fail(res: ServerResponse, status: number, code: string, message: string): void {
  send(res, status, { error: { code, message } });
}

function authorised(req: IncomingMessage, token: string): boolean {
  const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1]!);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

class TooLarge extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new TooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new TooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Compares the device's result with the endpoint's own scoring; null when they agree. */
function disagreement(sub: Submission): string | null {
  const inst = getInstrument(sub.instrument.id)!;
  const ours = score(inst, sub.answers);
  const theirs = sub.result;
  const diffs: string[] = [];
  if (sub.instrument.version !== inst.version) diffs.push(`device used version ${sub.instrument.version}, endpoint has ${inst.version}`);
  if (ours.complete !== theirs.complete) diffs.push(`complete: device ${theirs.complete}, endpoint ${ours.complete}`);
  if ((ours.level ?? null) !== (theirs.level ?? null)) diffs.push(`level: device "${theirs.level ?? '—'}", endpoint "${ours.level ?? '—'}"`);
  if ((ours.total ?? null) !== (theirs.total ?? null)) diffs.push(`total: device ${theirs.total ?? '—'}, endpoint ${ours.total ?? '—'}`);
  return diffs.length ? diffs.join('; ') : null;
}

export function endpointHandler(opts: EndpointOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith('/api/')) return false;
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS).end();
      return true;
    }
    if (url.pathname === '/api/health' && req.method === 'GET') {
      send(res, 200, { ok: true });
      return true;
    }
    if (url.pathname === '/api/key' && req.method === 'GET') {
      if (!opts.keys) fail(res, 404, 'no-key', 'This endpoint does not publish a key.');
      else send(res, 200, { jwk: opts.keys.publicJwk, alg: 'ECDH-ES', enc: 'A256GCM' });
      return true;
    }
    if (url.pathname !== '/api/submissions') {
      fail(res, 404, 'not-found', `No such endpoint: ${url.pathname}`);
      return true;
    }
    if (!authorised(req, opts.token)) {
      fail(res, 401, 'unauthorised', 'A valid bearer token is required (Authorization: Bearer <token>).');
      return true;
    }
    if (req.method === 'GET') {
      send(res, 200, { submissions: opts.store.list() });
      return true;
    }
    if (req.method !== 'POST') {
      fail(res, 405, 'method-not-allowed', `${req.method} is not allowed here; use POST or GET.`);
      return true;
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const sealed = type === 'application/jose' && !!opts.keys;
    if (type !== 'application/json' && !sealed) {
      fail(res, 415, 'unsupported-media-type', `Content-Type must be application/json${opts.keys ? ' or application/jose' : ''}; got "${type || 'none'}".`);
      return true;
    }
    let raw: string;
    try {
      raw = await readBody(req, MAX_SUBMISSION_BYTES);
    } catch (e) {
      if (e instanceof TooLarge) {
        fail(res, 413, 'too-large', `The submission is larger than ${MAX_SUBMISSION_BYTES} bytes.`);
        req.resume();
        return true;
      }
      throw e;
    }
    if (sealed) {
      try {
        raw = new TextDecoder().decode((await compactDecrypt(raw.trim(), opts.keys!.privateKey)).plaintext);
      } catch {
        fail(res, 400, 'invalid-jwe', 'The sealed submission could not be decrypted with this endpoint\'s key.');
        return true;
      }
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      fail(res, 400, 'invalid-json', 'The body is not valid JSON.');
      return true;
    }
    const problem = submissionProblem(body);
    if (problem) {
      fail(res, 400, 'invalid-submission', problem);
      return true;
    }
    const sub = v.parse(SubmissionSchema, body);
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || key !== sub.id) {
      fail(res, 400, 'idempotency-key', 'The Idempotency-Key header must be present and equal the submission id.');
      return true;
    }
    const inst = getInstrument(sub.instrument.id);
    if (!inst) {
      fail(res, 400, 'unknown-instrument', `Unknown instrument "${sub.instrument.id}".`);
      return true;
    }
    let differs: string | null;
    try {
      differs = disagreement(sub);
    } catch (e) {
      fail(res, 400, 'invalid-answers', (e as Error).message);
      return true;
    }
    const outcome = opts.store.insertOnce({ id: sub.id, instrumentId: sub.instrument.id, kind: sub.kind, level: sub.result.level ?? null, body: raw, disagreement: differs });
    if (outcome.status === 'conflict') {
      fail(res, 409, 'conflict', 'A different submission is already stored under this id.');
      return true;
    }
    if (opts.dropAfterStore?.(sub.id)) {
      res.socket?.destroy();
      return true;
    }
    send(res, outcome.status === 'created' ? 201 : 200, { ...outcome.stored, duplicate: outcome.status === 'duplicate' });
    return true;
  };
}
