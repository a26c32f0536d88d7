// Enrolment: the app opens the administrator's link (#/enrol?code=…; the code
// lives in the fragment, so it never reaches a server log), makes its own
// key pair and sends the code here with a proof made by that key. The code
// is redeemed once, before it expires, for that key.
//   POST /api/enrol   DPoP proof; {"code": "…"} → 201 {deviceId, name, enrolledAt, area}
//   GET  /api/device  DPoP proof → 200 {deviceId, name, state, area}: the device's own enrolment
// `area` is the area the administrator enrolled it for (`device add --area`), or null: the app keeps it
// and fills in a screening's "Which area does the child live in?" with it.
import type { FastifyPluginAsync } from 'fastify';
import * as v from 'valibot';
import { authenticateDevice, proofOrigin } from '../context.ts';
import type { ProblemCode } from '../../../errors/catalogue.ts';
import { fail } from '../errors.ts';
import { ProofError, verifyProof } from '../proof.ts';

const EnrolBody = v.strictObject({ code: v.pipe(v.string(), v.minLength(8), v.maxLength(200)) });

/** How a redeemed code can fail, in the catalogue's codes. */
const REFUSED: Record<string, ProblemCode> = {
  unknown: 'code-unknown',
  used: 'code-used',
  expired: 'code-expired',
  revoked: 'code-revoked',
  'key-in-use': 'code-key-in-use',
};

export const enrolRoutes: FastifyPluginAsync = async (app) => {
  const ctx = app.receiver;
  app.post(
    '/api/enrol',
    { config: { rateLimit: { max: ctx.limits.enrolPerMinute, timeWindow: 60_000 } } },
    async (req, reply) => {
      let proof;
      try {
        proof = await verifyProof(req.headers.dpop, 'POST', '/api/enrol', proofOrigin(ctx, req));
      } catch (e) {
        if (e instanceof ProofError) return fail(reply, e.code, e.message);
        throw e;
      }
      let body: unknown;
      try {
        body = JSON.parse(String(req.body ?? ''));
      } catch {
        return fail(reply, 'invalid-json');
      }
      const parsed = v.safeParse(EnrolBody, body);
      if (!parsed.success) return fail(reply, 'invalid-enrolment');
      const out = await ctx.store.redeem(parsed.output.code, proof.jkt, JSON.stringify(proof.jwk));
      if (out.status !== 'enrolled') {
        return fail(reply, REFUSED[out.status]!);
      }
      await ctx.store.rememberProof(proof.jti, out.device.id);
      return reply
        .code(201)
        .header('Cache-Control', 'no-store')
        .send({
          deviceId: out.device.id,
          name: out.device.name,
          enrolledAt: out.device.enrolledAt,
          area: out.device.area ?? null,
        });
    },
  );

  app.get('/api/device', async (req, reply) => {
    const device = await authenticateDevice(ctx, req, reply);
    if (!device) return reply;
    return reply
      .header('Cache-Control', 'no-store')
      .send({ deviceId: device.id, name: device.name, state: device.state, area: device.area ?? null });
  });
};
