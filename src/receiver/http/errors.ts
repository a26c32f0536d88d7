// Every refusal has one shape, {"error": {"code", "message"}}, with its status
// from the one catalogue (src/errors/catalogue.ts). Messages name the problem,
// never a value from the request (they would carry child data into a client's
// log), and internal errors say nothing but "internal".
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEMS, Problem, type ProblemCode, problemBody } from '../../errors/catalogue.ts';

declare module 'fastify' {
  interface FastifyReply {
    /** The catalogue's code of the refusal this reply carries (the figures count refusals by it). */
    problemCode?: ProblemCode;
  }
}

export function fail(reply: FastifyReply, code: ProblemCode, message: string = PROBLEMS[code].message) {
  reply.problemCode = code;
  return reply.code(PROBLEMS[code].status).header('Cache-Control', 'no-store').send(problemBody(code, message));
}

/** Fastify's own refusals (before a route runs), in the catalogue's words. */
const FASTIFY_CODES: Record<string, ProblemCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_EMPTY_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid-json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad-request',
};
const FASTIFY_MESSAGES: Partial<Record<string, string>> = {
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The body is empty.',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'The Content-Length does not match the body.',
};

export function errorHandler(
  err: FastifyError | Problem | { statusCode?: number; error?: { code: string; message: string } },
  req: FastifyRequest,
  reply: FastifyReply,
) {
  if (err instanceof Problem) return fail(reply, err.code, err.message);
  const e = err as FastifyError & { error?: { code: string; message: string } };
  // The rate limiter's answer (its Retry-After header is already set).
  if (e.statusCode === 429 && e.error) return fail(reply, 'rate-limited', e.error.message);
  const known = e.code ? FASTIFY_CODES[e.code] : undefined;
  if (known) return fail(reply, known, FASTIFY_MESSAGES[e.code]);
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return fail(reply, 'bad-request');
  // Log what kind of failure, never its message (it can quote the request).
  req.log.error({ err: { type: e.name, code: e.code } }, 'internal error');
  if (reply.sent || reply.raw.headersSent) {
    reply.raw.destroy();
    return;
  }
  return fail(reply, 'internal');
}
