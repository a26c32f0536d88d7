// Enrolment: the app opens the administrator's link (#/enrol?code=…; the code
// lives in the fragment, so it never reaches a server log), makes its own
// key pair and sends the code here with a proof made by that key. The code
// is redeemed once, before it expires, for that key.
//   POST /api/enrol   DPoP proof; {"code": "…"} → 201 {deviceId, name}
//   GET  /api/device  DPoP proof → 200 {deviceId, name, state}: the device's own enrolment
import type { FastifyPluginAsync } from 'fastify';
import * as v from 'valibot';
import { authenticateDevice, requestHosts } from '../context.ts';
import { fail } from '../errors.ts';
import { ProofError, verifyProof } from '../proof.ts';

const EnrolBody = v.strictObject({ code: v.pipe(v.string(), v.minLength(8), v.maxLength(200)) });

const REFUSED: Record<string, [number, string]> = {
  unknown: [400, 'This enrolment link is not valid. Ask your administrator for a new one.'],
  used: [409, 'This enrolment link has already been used. Ask your administrator for a new one.'],
  expired: [410, 'This enrolment link has expired. Ask your administrator for a new one.'],
  revoked: [410, 'This enrolment was withdrawn. Ask your administrator for a new one.'],
  'key-in-use': [409, 'This device key is already enrolled.'],
};

export const enrolRoutes: FastifyPluginAsync = async (app) => {
  const ctx = app.receiver;
  app.post(
    '/api/enrol',
    { config: { rateLimit: { max: ctx.limits.enrolPerMinute, timeWindow: 60_000 } } },
    async (req, reply) => {
      let proof;
      try {
        proof = await verifyProof(req.headers.dpop, 'POST', '/api/enrol', requestHosts(req), ctx.publicOrigin);
      } catch (e) {
        if (e instanceof ProofError) return fail(reply, 401, e.code, e.message);
        throw e;
      }
      let body: unknown;
      try {
        body = JSON.parse(String(req.body ?? ''));
      } catch {
        return fail(reply, 400, 'invalid-json', 'The body is not valid JSON.');
      }
      const parsed = v.safeParse(EnrolBody, body);
      if (!parsed.success)
        return fail(
          reply,
          400,
          'invalid-enrolment',
          'The body must be {"code": "<the code from the enrolment link>"}.',
        );
      const out = await ctx.store.redeem(parsed.output.code, proof.jkt, JSON.stringify(proof.jwk));
      if (out.status !== 'enrolled') {
        const [status, message] = REFUSED[out.status]!;
        return fail(reply, status, `code-${out.status}`, message);
      }
      await ctx.store.rememberProof(proof.jti, out.device.id);
      return reply
        .code(201)
        .header('Cache-Control', 'no-store')
        .send({ deviceId: out.device.id, name: out.device.name, enrolledAt: out.device.enrolledAt });
    },
  );

  app.get('/api/device', async (req, reply) => {
    const device = await authenticateDevice(ctx, req, reply);
    if (!device) return reply;
    return reply
      .header('Cache-Control', 'no-store')
      .send({ deviceId: device.id, name: device.name, state: device.state });
  });
};
