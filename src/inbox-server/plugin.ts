// The inbox on the receiver's Fastify server: a route plugin for /inbox/api/*
// (the framework-neutral API in api.ts) and the inbox page at /inbox/ (its
// scripts and styles are the shared /assets/ of the same Vite build, which
// the receiver's static plugin serves). Security headers and the CSP come
// from the receiver's onRequest hook, as for the app.
import type { ServiceConfig } from '../config/config.ts';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { enrolmentLink } from '../receiver/admin.ts';
import type { ReceiverStore } from '../receiver/store/receiver-store.ts';
import { type ApiRequest, type ApiResponse, inboxApi } from './api.ts';
import { type DeviceDirectory, InboxService, loadChildSecret } from './service.ts';
import { ReceiverStoreSource } from './source.ts';

/** A device's credential is a DPoP proof (RFC 9449): devices send, they never read. */
export function carriesDeviceCredential(headers: Record<string, string | string[] | undefined>): boolean {
  const auth = headers.authorization;
  return headers.dpop !== undefined || (typeof auth === 'string' && /^dpop\s/i.test(auth));
}

export function storeDevices(store: ReceiverStore): DeviceDirectory {
  return {
    list: async () =>
      (await store.devices()).map((d) => ({
        id: d.id,
        name: d.name,
        state: d.state,
        createdAt: d.createdAt,
        enrolledAt: d.enrolledAt,
        revokedAt: d.revokedAt,
        lastSeenAt: d.lastSeenAt,
        area: d.area,
      })),
    add: async (name, origin, area = null) => {
      const { device, code } = await store.addDevice(name, undefined, undefined, area);
      return { id: device.id, link: enrolmentLink(origin, code) };
    },
    revoke: (id) => store.revoke(id),
  };
}

/** The inbox over the receiver's store: its database, its submissions, its devices. */
export function inboxOnStore(store: ReceiverStore, config: Pick<ServiceConfig, 'inboxKey'>): InboxService {
  return new InboxService({
    sql: store.sql,
    source: new ReceiverStoreSource(store),
    childSecret: loadChildSecret(config),
    devices: storeDevices(store),
    isDeviceCredential: carriesDeviceCredential,
  });
}

function send(reply: FastifyReply, r: ApiResponse) {
  reply.code(r.status).header('Cache-Control', 'no-store');
  for (const [k, v] of Object.entries(r.headers ?? {})) reply.header(k, v);
  if (r.text !== undefined) return reply.type(r.type ?? 'text/plain; charset=utf-8').send(r.text);
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(r.json ?? {}));
}

export function inboxPlugin(inbox: InboxService, opts: { distDir: string }): FastifyPluginAsync {
  const api = inboxApi(inbox);
  const page = join(resolve(opts.distDir), 'inbox', 'index.html');
  return async (app) => {
    app.get('/inbox', async (_req, reply) => reply.code(308).header('Location', '/inbox/').send());
    app.get('/inbox/', async (_req, reply) => {
      const html = await readFile(page, 'utf8').catch(() => undefined);
      if (html === undefined) return reply.code(404).type('text/plain').send('The inbox is not built (npm run build).');
      return reply.header('Cache-Control', 'no-cache').type('text/html; charset=utf-8').send(html);
    });
    app.route({
      method: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
      url: '/inbox/api/*',
      handler: async (req, reply) => {
        let body: unknown;
        if (typeof req.body === 'string' && req.body.trim()) {
          try {
            body = JSON.parse(req.body);
          } catch {
            return send(reply, {
              status: 400,
              json: { error: { code: 'invalid-json', message: 'The body is not valid JSON.' } },
            });
          }
        }
        const url = new URL(req.url, 'http://inbox.invalid');
        const request: ApiRequest = {
          method: req.method,
          path: url.pathname.slice('/inbox/api'.length),
          query: url.searchParams,
          headers: req.headers,
          body,
          address: req.ip,
        };
        return send(reply, await api(request));
      },
    });
  };
}
