// Submissions.
//   POST /api/submissions       enrolled device only (DPoP proof); Idempotency-Key = submission id;
//                               application/jose (sealed to /api/key) or application/json →
//                               201 {id, receipt, receivedAt, level, deviceLevel, disagreement, duplicate}
//                               (200, same receipt, for a repeat); 400/401/409/413/415/429.
//   POST /api/submissions/batch enrolled device only, one proof for the lot: application/json
//                               {submissions: [{id, type, body}…]} (at most MAX_BATCH_ITEMS) →
//                               200 {results: [{id, status, …}]}, each item answered as the single
//                               POST would answer it (201/200 with its receipt, 400/409, 429 over
//                               the daily quota); one transaction for the batch. 400/401/413/415/429.
//   GET  /api/submissions       reader only: one page, oldest first: ?after=<cursor>&limit=<1–500>
//                               → {submissions: [...], next: <cursor> | null}, streamed as it is read
//   GET  /api/submissions/:id   reader only.
// A device credential can never read: any read carrying a device proof is 403.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import type { BatchItemResult } from '../../../contract/batch.ts';
import { type Accepted, Refusal, accept, acceptItem, openSealed, parseBatch } from '../../domain/accept.ts';
import type { InsertOutcome, OverQuota, Quota, StoredSubmission } from '../../store/receiver-store.ts';
import { type ReceiverContext, authenticateDevice, isAdmin } from '../context.ts';
import { PROBLEMS, problemBody } from '../../../errors/catalogue.ts';
import { fail } from '../errors.ts';
import { ItemBudget } from '../item-budget.ts';
import { claimedKey } from '../proof.ts';

function startOfUtcDay(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

/** The device's allowance for today (checked exactly inside the insert), and the seconds until it resets. */
function todaysQuota(ctx: ReceiverContext, deviceId: string, now = Date.now()): { quota: Quota; retryAfter: number } {
  const dayStart = startOfUtcDay(now);
  return {
    quota: { deviceId, since: new Date(dayStart).toISOString(), limit: ctx.limits.dailyQuota },
    retryAfter: Math.ceil((dayStart + 86_400_000 - now) / 1000),
  };
}

/** How many more the device may store today: an early estimate, to refuse a spent device before any work. */
async function quotaLeft(ctx: ReceiverContext, deviceId: string): Promise<{ left: number; retryAfter: number }> {
  const { quota, retryAfter } = todaysQuota(ctx, deviceId);
  return { left: Math.max(0, quota.limit - (await ctx.store.countForDevice(deviceId, quota.since))), retryAfter };
}

const quotaMessage = (ctx: ReceiverContext) =>
  `This device has sent its ${ctx.limits.dailyQuota} submissions for today; the rest wait on the device until tomorrow (UTC).`;

/** Rows read and opened this many at a time while a page is streamed. */
export const STREAM_CHUNK = 50;

/**
 * One page of the list as JSON text, written as it is read: STREAM_CHUNK rows
 * are opened at a time and sent on when the reader takes them (the stream's
 * back-pressure), so a page of large submissions never sits whole in memory.
 * {"submissions": [...], "next": <cursor> | null}, as before. The first chunk
 * is read by the caller before anything is sent, so a store that cannot be
 * read is a 500 with its message, not a 200 cut short.
 */
async function* pageAsJson(
  ctx: ReceiverContext,
  first: StoredSubmission[],
  after: number,
  limit: number,
): AsyncGenerator<string> {
  yield '{"submissions":[';
  let chunk = first;
  let want = Math.min(STREAM_CHUNK, limit);
  let cursor = after;
  let sent = 0;
  for (;;) {
    for (const row of chunk) yield (sent++ ? ',' : '') + JSON.stringify(row);
    if (chunk.length) cursor = chunk.at(-1)!.seq;
    if (chunk.length < want || sent === limit) break;
    want = Math.min(STREAM_CHUNK, limit - sent);
    chunk = await ctx.store.list(cursor, want);
  }
  yield `],"next":${sent === limit ? JSON.stringify(String(cursor)) : 'null'}}`;
}

/** The status and body the single POST answers with, for a store outcome. */
function answerFor(
  ctx: ReceiverContext,
  outcome: InsertOutcome | OverQuota,
): { status: number; body: Record<string, unknown> } {
  if (outcome.status === 'over-quota')
    return { status: PROBLEMS['daily-quota'].status, body: problemBody('daily-quota', quotaMessage(ctx)) };
  if (outcome.status === 'conflict') return { status: PROBLEMS.conflict.status, body: problemBody('conflict') };
  return {
    status: outcome.status === 'created' ? 201 : 200,
    body: { ...outcome.stored, duplicate: outcome.status === 'duplicate' },
  };
}

const mediaType = (req: FastifyRequest) => (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();

export const submissionRoutes: FastifyPluginAsync = async (app) => {
  const ctx = app.receiver;
  // Every answer on these routes is counted for the figures (this plugin's hooks reach only its routes).
  app.addHook('onResponse', async (req, reply) => ctx.counts.answered(req, reply));

  const rateLimitBy = (req: FastifyRequest) => claimedKey(req.headers.dpop as string | undefined) ?? `ip:${req.ip}`;
  const perMinute = new ItemBudget(ctx.store, ctx.limits.perDevicePerMinute);
  const tooMany = (retryAfter: number) => `Too many submissions from this device: try again in ${retryAfter} s.`;
  const rateLimited = (reply: FastifyReply, retryAfter: number) =>
    fail(reply.header('Retry-After', String(retryAfter)), 'rate-limited', tooMany(retryAfter));

  // Before the body is read: an unknown, revoked, replaying or spent sender costs no more than its headers.
  // A spent device may still repeat one already stored (its answer was lost): that is not counted.
  const singleWithinLimits = async (req: FastifyRequest, reply: FastifyReply) => {
    const device = await authenticateDevice(ctx, req, reply, true);
    if (!device) return reply;
    const { left, retryAfter } = await quotaLeft(ctx, device.id);
    const key = req.headers['idempotency-key'];
    if (left === 0 && !(typeof key === 'string' && key.length <= 100 && (await ctx.store.storedIds([key])).size)) {
      reply.header('Retry-After', String(retryAfter));
      return fail(reply, 'daily-quota', quotaMessage(ctx));
    }
    const budget = await perMinute.take(device.id, 1);
    if (!budget.granted) return rateLimited(reply, budget.retryAfter);
  };

  const deviceOnly = async (req: FastifyRequest, reply: FastifyReply) => {
    if (!(await authenticateDevice(ctx, req, reply, true))) return reply;
  };

  const hangUpIfAsked = (req: FastifyRequest, reply: FastifyReply, ids: string[]) => {
    if (!ctx.dropAfterStore || !ids.some((id) => ctx.dropAfterStore!(id))) return false;
    reply.hijack();
    req.raw.socket.destroy();
    return true;
  };

  app.post(
    '/api/submissions',
    {
      // No request counter here: the per-minute budget in singleWithinLimits counts each single POST (one
      // submission) under the same limit, and a request it refuses never reached the counter anyway (the
      // plugin's hook runs after the route's own). One write to the database per submission fewer.
      onRequest: singleWithinLimits,
    },
    async (req, reply) => {
      let json = String(req.body ?? '');
      await ctx.keys.refresh(); // a rotated key opens at once (a stat at most once a second)
      if (mediaType(req) === 'application/jose') json = await openSealed(json, (kid) => ctx.keys.keyFor(kid));
      const { row } = accept(json, req.headers['idempotency-key'], req.device!.area ?? null);
      const deviceId = req.device!.id;
      const { quota, retryAfter } = todaysQuota(ctx, deviceId);
      const outcome = await ctx.store.insertOnce({ ...row, deviceId }, { jti: req.proofJti!, deviceId }, quota);
      if (outcome.status === 'replay') return fail(reply, 'proof-replayed');
      if (hangUpIfAsked(req, reply, [row.id])) return;
      const { status, body } = answerFor(ctx, outcome);
      if (status === 429) reply.header('Retry-After', String(retryAfter));
      return reply.code(status).header('Cache-Control', 'no-store').send(body);
    },
  );

  app.post(
    '/api/submissions/batch',
    {
      bodyLimit: ctx.limits.batchBodyLimit,
      // Requests, before the body; the submissions they carry are counted below, from the same budget as single POSTs.
      config: { rateLimit: { max: ctx.limits.perDevicePerMinute, timeWindow: 60_000, keyGenerator: rateLimitBy } },
      onRequest: deviceOnly,
    },
    async (req, reply) => {
      if (mediaType(req) !== 'application/json')
        return fail(reply, 'unsupported-media-type', 'A batch is application/json.');
      const items = parseBatch(String(req.body ?? ''));
      await ctx.keys.refresh();
      const deviceId = req.device!.id;
      const results: BatchItemResult[] = items.map((item) => ({ id: item.id, status: 0 }));
      const waits = (index: number, code: string, message: string, retryAfter: number) =>
        (results[index] = { id: items[index]!.id, status: 429, error: { code, message }, retryAfter });
      // Before anything is opened (where the work is): the daily quota, not counting repeats of stored
      // ones, then the per-minute budget. Those past either wait on the device, told when to try again.
      const { left, retryAfter: tomorrow } = await quotaLeft(ctx, deviceId);
      const already = await ctx.store.storedIds(items.map((i) => i.id));
      let fresh = 0;
      const toOpen = items.flatMap((item, index) =>
        already.has(item.id) || fresh++ < left
          ? [index]
          : (waits(index, 'daily-quota', quotaMessage(ctx), tomorrow), []),
      );
      const { granted, retryAfter: nextMinute } = await perMinute.take(deviceId, toOpen.length);
      if (!granted && toOpen.length) return rateLimited(reply, nextMinute);
      for (const index of toOpen.slice(granted)) waits(index, 'rate-limited', tooMany(nextMinute), nextMinute);
      // Opened all at once: Node's WebCrypto decrypts on its thread pool, so the batch takes about half as long as one by one.
      const opened = await Promise.all(
        toOpen.slice(0, granted).map((index) =>
          acceptItem(items[index]!, (kid) => ctx.keys.keyFor(kid), req.device!.area ?? null).then(
            (a) => ({ index, row: a.row }),
            (e: unknown) => {
              if (!(e instanceof Refusal)) throw e;
              results[index] = { id: items[index]!.id, status: e.status, error: { code: e.code, message: e.message } };
              return undefined;
            },
          ),
        ),
      );
      const storing = opened.filter((o): o is { index: number; row: Accepted['row'] } => o !== undefined);
      const { quota } = todaysQuota(ctx, deviceId);
      const outcomes = await ctx.store.insertMany(
        storing.map(({ row }) => ({ ...row, deviceId })),
        { jti: req.proofJti!, deviceId },
        quota,
      );
      if ('status' in outcomes) return fail(reply, 'proof-replayed');
      outcomes.forEach((outcome, k) => {
        const { status, body } = answerFor(ctx, outcome);
        // In a batch the Retry-After of an item past the quota travels with the item.
        results[storing[k]!.index] = {
          ...body,
          id: storing[k]!.row.id,
          status,
          ...(status === 429 ? { retryAfter: tomorrow } : {}),
        } as BatchItemResult;
      });
      if (
        hangUpIfAsked(
          req,
          reply,
          storing.map(({ row }) => row.id),
        )
      )
        return;
      req.batchResults = results;
      return reply.code(200).header('Cache-Control', 'no-store').send({ results });
    },
  );

  /** Readers only; a device proof on a read is refused outright. */
  const reader = async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.headers.dpop || /^DPoP /i.test(req.headers.authorization ?? ''))
      return fail(reply, 'devices-cannot-read', 'A device credential can only submit; it cannot read submissions.');
    if (!isAdmin(ctx, req)) return fail(reply, 'unauthorised');
  };

  app.get('/api/submissions', { onRequest: reader }, async (req, reply) => {
    const q = req.query as { after?: string; limit?: string };
    const after = Number(q.after ?? 0);
    const limit = Number(q.limit ?? 100);
    if (!Number.isSafeInteger(after) || after < 0 || !Number.isInteger(limit) || limit < 1 || limit > 500)
      return fail(reply, 'bad-cursor');
    const first = await ctx.store.list(after, Math.min(STREAM_CHUNK, limit));
    return reply
      .header('Content-Type', 'application/json; charset=utf-8')
      .header('Cache-Control', 'no-store')
      .send(Readable.from(pageAsJson(ctx, first, after, limit)));
  });

  app.get('/api/submissions/:id', { onRequest: reader }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const row = id.length <= 100 ? await ctx.store.get(id) : undefined;
    if (!row) return fail(reply, 'not-found', 'No submission with that id.');
    return reply.header('Cache-Control', 'no-store').send(row);
  });
};
