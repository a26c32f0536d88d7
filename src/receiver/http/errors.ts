// Every refusal has one shape: {"error": {"code", "message"}}. Messages name
// the problem, never a value from the request (they would carry child data
// into a client's log), and internal errors say nothing but "internal".
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Refusal } from '../domain/accept.ts';
import { ProofError } from './proof.ts';

export function fail(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).header('Cache-Control', 'no-store').send({ error: { code, message } });
}

const FASTIFY_CODES: Record<string, [number, string, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'too-large', 'The request body is larger than this endpoint accepts.'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    415,
    'unsupported-media-type',
    'Content-Type must be application/json or application/jose.',
  ],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'invalid-json', 'The body is empty.'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'bad-request', 'The Content-Length does not match the body.'],
  FST_ERR_CTP_EMPTY_TYPE: [415, 'unsupported-media-type', 'Content-Type must be application/json or application/jose.'],
  FST_ERR_CTP_INVALID_TYPE: [
    415,
    'unsupported-media-type',
    'Content-Type must be application/json or application/jose.',
  ],
};

export function errorHandler(
  err: FastifyError | Refusal | ProofError | { statusCode?: number; error?: { code: string; message: string } },
  req: FastifyRequest,
  reply: FastifyReply,
) {
  if (err instanceof Refusal) return fail(reply, err.status, err.code, err.message);
  if (err instanceof ProofError) return fail(reply, 401, err.code, err.message);
  const e = err as FastifyError & { error?: { code: string; message: string } };
  // The rate limiter's answer (its Retry-After header is already set).
  if (e.statusCode === 429 && e.error) return fail(reply, 429, e.error.code, e.error.message);
  const known = e.code ? FASTIFY_CODES[e.code] : undefined;
  if (known) return fail(reply, known[0], known[1], known[2]);
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500)
    return fail(reply, e.statusCode, 'bad-request', 'The request could not be understood.');
  // Log what kind of failure, never its message (it can quote the request).
  req.log.error({ err: { type: e.name, code: e.code } }, 'internal error');
  if (reply.sent || reply.raw.headersSent) {
    reply.raw.destroy();
    return;
  }
  return fail(reply, 500, 'internal', 'Internal error');
}
