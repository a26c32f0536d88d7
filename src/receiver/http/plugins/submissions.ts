// Submissions.
//   POST /api/submissions       enrolled device only (DPoP proof); Idempotency-Key = submission id;
//                               application/jose (sealed to /api/key) or application/json →
//                               201 {id, receipt, receivedAt, level, deviceLevel, disagreement, duplicate}
//                               (200, same receipt, for a repeat); 400/401/409/413/415/429.
//   GET  /api/submissions       reader only: one page, oldest first: ?after=<cursor>&limit=<1–500>
//                               → {submissions: [...], next: <cursor> | null}
//   GET  /api/submissions/:id   reader only.
// A device credential can never read: any read carrying a device proof is 403.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { accept, openSealed } from '../../domain/accept.ts';
import { authenticateDevice, isAdmin } from '../context.ts';
import { fail } from '../errors.ts';
import { claimedKey } from '../proof.ts';

function startOfUtcDay(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

export const submissionRoutes: FastifyPluginAsync = async (app) => {
  const ctx = app.receiver;

  app.post(
    '/api/submissions',
    {
      config: {
        rateLimit: {
          max: ctx.limits.perDevicePerMinute,
          timeWindow: 60_000,
          // Per device key (the proof's header; verified just after), else per address.
          keyGenerator: (req: FastifyRequest) => claimedKey(req.headers.dpop as string | undefined) ?? `ip:${req.ip}`,
        },
      },
      // Before the body is read: an unknown, revoked or replaying sender costs no more than its headers.
      onRequest: async (req, reply) => {
        const device = await authenticateDevice(ctx, req, reply, true);
        if (!device) return reply;
        const now = Date.now();
        const dayStart = startOfUtcDay(now);
        if ((await ctx.store.countForDevice(device.id, new Date(dayStart).toISOString())) >= ctx.limits.dailyQuota) {
          reply.header('Retry-After', String(Math.ceil((dayStart + 86_400_000 - now) / 1000)));
          return fail(reply, 429, 'daily-quota', `This device has sent its ${ctx.limits.dailyQuota} submissions for today; the rest wait on the device until tomorrow (UTC).`);
        }
      },
    },
    async (req, reply) => {
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      let json = String(req.body ?? '');
      if (type === 'application/jose') json = await openSealed(json, ctx.keys.privateKey);
      const { row } = accept(json, req.headers['idempotency-key']);
      const outcome = await ctx.store.insertOnce({ ...row, deviceId: req.device!.id }, { jti: req.proofJti!, deviceId: req.device!.id });
      if (outcome.status === 'replay') return fail(reply, 401, 'proof-replayed', 'This device proof was already used.');
      if (outcome.status === 'conflict') return fail(reply, 409, 'conflict', 'A different submission is already stored under this id.');
      if (ctx.dropAfterStore?.(row.id)) {
        reply.hijack();
        req.raw.socket.destroy();
        return;
      }
      return reply
        .code(outcome.status === 'created' ? 201 : 200)
        .header('Cache-Control', 'no-store')
        .send({ ...outcome.stored, duplicate: outcome.status === 'duplicate' });
    },
  );

  /** Readers only; a device proof on a read is refused outright. */
  const reader = async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.headers.dpop || /^DPoP /i.test(req.headers.authorization ?? '')) return fail(reply, 403, 'devices-cannot-read', 'A device credential can only submit; it cannot read submissions.');
    if (!isAdmin(ctx, req)) return fail(reply, 401, 'unauthorised', 'Reading submissions needs a reader credential.');
  };

  app.get('/api/submissions', { onRequest: reader }, async (req, reply) => {
    const q = req.query as { after?: string; limit?: string };
    const after = Number(q.after ?? 0);
    const limit = Number(q.limit ?? 100);
    if (!Number.isInteger(after) || after < 0 || !Number.isInteger(limit) || limit < 1 || limit > 500)
      return fail(reply, 400, 'bad-cursor', 'after must be a cursor from a previous page; limit a whole number from 1 to 500.');
    const page = await ctx.store.list(after, limit);
    return reply.header('Cache-Control', 'no-store').send({ submissions: page, next: page.length === limit ? String(page.at(-1)!.seq) : null });
  });

  app.get('/api/submissions/:id', { onRequest: reader }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const row = id.length <= 100 ? await ctx.store.get(id) : undefined;
    if (!row) return fail(reply, 404, 'not-found', 'No submission with that id.');
    return reply.header('Cache-Control', 'no-store').send(row);
  });
};
