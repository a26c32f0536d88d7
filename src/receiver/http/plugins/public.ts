// Unauthenticated: the health check and the endpoint's public key.
import type { FastifyPluginAsync } from 'fastify';

export const publicRoutes: FastifyPluginAsync = async (app) => {
  app.get('/api/health', async (_req, reply) => reply.header('Cache-Control', 'no-store').send({ ok: true }));
  app.get('/api/key', async (_req, reply) => {
    // A rotation (npm run admin -- rotate endpoint-key) is published at once.
    await app.receiver.keys.refresh();
    return reply
      .header('Cache-Control', 'no-store')
      .send({ jwk: app.receiver.keys.publicJwk, alg: 'ECDH-ES', enc: 'A256GCM' });
  });
};
