// The inbox on the receiver's Fastify server: the API's routes under /inbox/api
// (one module per resource in routes/, each route with its declared guard) and
// the inbox page at /inbox/ (its
// scripts and styles are the shared /assets/ of the same Vite build, which
// the receiver's static plugin serves). Security headers and the CSP come
// from the receiver's onRequest hook, as for the app.
import type { ServiceConfig } from '../config/config.ts';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { enrolmentLink } from '../receiver/admin.ts';
import { requestOrigin } from '../receiver/http/context.ts';
import { CLONE_WINDOW_MS, type ReceiverStore } from '../receiver/store/receiver-store.ts';
import type { AlertSettings } from './alerts.ts';
import { cookieValue, crossSite } from './request-checks.ts';
import { alertRoutes } from './routes/alerts.ts';
import { auditRoutes } from './routes/audit.ts';
import { deviceRoutes } from './routes/devices.ts';
import { entryRoutes } from './routes/entries.ts';
import { exportRoutes } from './routes/exports.ts';
import { referralRoutes } from './routes/referrals.ts';
import {
  type ApiRequest,
  type ApiResponse,
  type Caller,
  type Guard,
  type InboxRoute,
  fail,
  routeContext,
} from './routes/route.ts';
import { sessionRoutes } from './routes/session.ts';
import { subjectAccessRoutes } from './routes/subject-access.ts';
import { userRoutes } from './routes/users.ts';
import type { User } from './accounts.ts';
import {
  type DeviceDirectory,
  InboxService,
  REQUESTS_PER_ACCOUNT,
  inboxKeySource,
  loadChildSecret,
} from './service.ts';
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
        cloneSeenAt: d.cloneSeenAt,
        cloneAddresses: d.cloneAddresses,
      })),
    add: async (name, origin, area = null) => {
      const { device, code } = await store.addDevice(name, undefined, undefined, area);
      return { id: device.id, link: enrolmentLink(origin, code) };
    },
    revoke: (id) => store.revoke(id),
  };
}

/** The inbox over the receiver's store: its database, its submissions, its devices; alerts as configured. */
export function inboxOnStore(
  store: ReceiverStore,
  config: Pick<ServiceConfig, 'inboxKey' | 'publicUrl' | 'publicUrlSet'> & Partial<Pick<ServiceConfig, 'smtp'>>,
  alerts: Partial<Pick<AlertSettings, 'now' | 'tickMs' | 'log'>> = {},
): InboxService {
  const inbox = new InboxService({
    alerts: { smtp: config.smtp ?? null, publicUrl: config.publicUrl, ...alerts },
    publicUrl: config.publicUrlSet ? config.publicUrl : undefined,
    linkBase: config.publicUrl,
    sql: store.sql,
    source: new ReceiverStoreSource(store),
    childSecret: loadChildSecret(config),
    childSecretSource: inboxKeySource(config),
    devices: storeDevices(store),
    isDeviceCredential: carriesDeviceCredential,
    requests: {
      take: async (key, limit, windowMs) => store.takeAllowance(`inbox:${key}`, 1, limit + 1, windowMs),
    },
  });
  // A device seen from two addresses within minutes (a copied profile?) is written to the audit once.
  store.onDeviceFlagged = async (device, addresses) => {
    await inbox.audit.write({
      actor: 'server',
      action: 'device-clone-suspected',
      detail: `device ${device.id} seen from ${addresses} within ${CLONE_WINDOW_MS / 60_000} minutes: a copy of its browser profile may be in use`,
      address: addresses.split(' and ').pop() ?? '',
    });
  };
  return inbox;
}

function send(reply: FastifyReply, r: ApiResponse) {
  reply.code(r.status).header('Cache-Control', 'no-store');
  for (const [k, v] of Object.entries(r.headers ?? {})) reply.header(k, v);
  if (r.stream) return reply.type(r.type ?? 'application/octet-stream').send(Readable.from(r.stream));
  if (r.text !== undefined) return reply.type(r.type ?? 'text/plain; charset=utf-8').send(r.text);
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(r.json ?? {}));
}

const GUARDS = new Set<Guard>(['anonymous', 'reviewer', 'admin']);
const API = '/inbox/api';

/** Every route of the inbox API, one module per resource; each declares its guard and what it audits. */
export function inboxRoutes(svc: InboxService): InboxRoute[] {
  const ctx = routeContext(svc);
  return [
    ...sessionRoutes(ctx),
    ...referralRoutes(ctx),
    ...exportRoutes(ctx),
    ...auditRoutes(ctx),
    ...userRoutes(ctx),
    ...deviceRoutes(ctx),
    ...alertRoutes(ctx),
    ...entryRoutes(ctx),
    ...subjectAccessRoutes(ctx),
  ];
}

/**
 * `publicOrigin`: the configured public origin (CSE_PUBLIC_URL), which every request must then
 * name; by default the service's configured public URL, else each request's own origin.
 */
export function inboxPlugin(
  inbox: InboxService,
  opts: { distDir: string; publicOrigin?: string | undefined },
): FastifyPluginAsync {
  const page = join(resolve(opts.distDir), 'inbox', 'index.html');
  const configured = opts.publicOrigin ?? (inbox.opts.publicUrl ? new URL(inbox.opts.publicUrl).origin : undefined);

  /** The request as the routes see it; undefined when the body is not JSON. */
  function apiRequest(req: FastifyRequest, reply: FastifyReply): ApiRequest | undefined {
    let body: unknown;
    if (typeof req.body === 'string' && req.body.trim()) {
      try {
        body = JSON.parse(req.body);
      } catch {
        return undefined;
      }
    }
    const url = new URL(req.url, 'http://inbox.invalid');
    // Aborted when the connection closes before the answer is sent: a queued password hash is then dropped.
    const gone = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) gone.abort();
    });
    return {
      method: req.method,
      path: url.pathname.slice(API.length),
      params: (req.params ?? {}) as Record<string, string>,
      query: url.searchParams,
      headers: req.headers,
      body,
      address: req.ip,
      origin: configured ?? requestOrigin(req),
      signal: gone.signal,
    };
  }

  /** Milliseconds until the account may ask again when it is over its allowance, else 0. */
  async function overAllowance(user: User): Promise<number> {
    const r = inbox.opts.requests;
    if (!r) return 0;
    const limit = r.perAccount ?? REQUESTS_PER_ACCOUNT;
    const { used, resetsInMs } = await r.take(user.id, limit, r.windowMs ?? 60_000);
    return used > limit ? Math.max(1, resetsInMs) : 0;
  }

  /** The checks every request passes, then the route's guard: who the caller is, or the refusal. */
  /** `route`: the route's URL as declared (the router's match), never the request's own spelling of the path. */
  async function admit(
    req: ApiRequest,
    guard: Guard,
    route: string,
  ): Promise<{ caller?: Caller; refusal?: ApiResponse }> {
    // Refused before anyone is known: summarised in the audit (one row a minute per address), not a row each.
    const why = crossSite(req);
    if (why) {
      await inbox.audit.refused({
        action: 'forbidden',
        address: req.address,
        detail: `cross-site request refused: ${why}`,
      });
      return { refusal: fail('cross-site') };
    }
    if (await inbox.opts.isDeviceCredential?.(req.headers)) {
      const where = `${req.method} ${req.path.split('/').slice(0, 2).join('/')}`;
      await inbox.audit.refused({ action: 'device-credential-refused', address: req.address, detail: where });
      return { refusal: fail('device-credential') };
    }
    if (guard === 'anonymous') return {};
    const sid = cookieValue(req);
    const session = await inbox.sessions.touch(sid);
    const user = session && (await inbox.accounts.byId(session.userId));
    if (!session || !user || user.disabled) return { refusal: fail('no-session') };
    // Every signed-in request counts against the account's allowance; past it, refused and summarised in the
    // audit (a row a minute), so no account can flood the audit with looks or refusals.
    const over = await overAllowance(user);
    if (over) {
      await inbox.audit.refused({
        action: 'rate-limited',
        actor: user.email,
        address: req.address,
        detail: `${req.method} ${req.path.split('/')[1]} refused: over ${REQUESTS_PER_ACCOUNT} requests a minute`,
      });
      return { refusal: fail('rate-limited', undefined, { 'Retry-After': String(Math.ceil(over / 1000)) }) };
    }
    // A session whose sign-in passed no second factor reads nothing once the account has one or one is
    // required (a setting an admin may have turned on after it began): only its own session routes.
    if (
      !session.secondFactor &&
      // The matched route, not the path as sent: '%2e%2e' and backslashes are read one way by the router and
      // another by URL parsing, and a path spelt to end in '/session' once reached another route (found by attack).
      !/^\/session(\/|$)/.test(route) &&
      (user.hasSecondFactor || (await inbox.settings.secondFactorRequired()))
    ) {
      await inbox.audit.refused({
        action: 'second-factor-missing',
        actor: user.email,
        address: req.address,
        detail: `${req.method} ${req.path.split('/')[1]} refused`,
      });
      return { refusal: fail('second-factor-needed') };
    }
    if (guard === 'admin' && user.role !== 'admin') {
      await inbox.audit.refused({
        action: 'forbidden',
        actor: user.email,
        address: req.address,
        detail: `${req.method} ${req.path.split('/')[1]} needs an admin`,
      });
      return { refusal: fail('admin-only') };
    }
    return { caller: { user, sid } };
  }

  const serve =
    (guard: Guard, route: string, handler: InboxRoute['handler']) =>
    async (req: FastifyRequest, reply: FastifyReply) => {
      const request = apiRequest(req, reply);
      if (!request) return send(reply, fail('invalid-json'));
      const { caller, refusal } = await admit(request, guard, route);
      return send(reply, refusal ?? (await handler(request, caller)));
    };

  return async (app) => {
    // What the audit counted but has not written yet is written when the server stops.
    // (preClose: before the store's own onClose shuts the database.)
    app.addHook('preClose', async () => inbox.audit.close());
    // A route's safety is declared with it: an inbox API route without a guard is never registered.
    app.addHook('onRoute', (route) => {
      if (!route.url.startsWith(API)) return;
      const guard = (route.config as { guard?: Guard } | undefined)?.guard;
      if (!guard || !GUARDS.has(guard)) throw new Error(`Inbox route ${route.method} ${route.url} declares no guard`);
    });
    app.get('/inbox', async (_req, reply) => reply.code(308).header('Location', '/inbox/').send());
    // The page is read when the server starts and kept (a few kilobytes; a deploy restarts the server):
    // reading it per request would queue behind password hashes on libuv's thread pool during a flood.
    let pageHtml = await readFile(page, 'utf8').catch(() => undefined);
    app.get('/inbox/', async (_req, reply) => {
      const html = (pageHtml ??= await readFile(page, 'utf8').catch(() => undefined));
      if (html === undefined) return reply.code(404).type('text/plain').send('The inbox is not built (npm run build).');
      return reply.header('Cache-Control', 'no-cache').type('text/html; charset=utf-8').send(html);
    });
    for (const r of inboxRoutes(inbox))
      app.route({
        method: r.method,
        url: `${API}${r.url}`,
        config: { guard: r.guard, audits: r.audits },
        handler: serve(r.guard, r.url, r.handler),
      });
    // Anything else under the API: the same checks, then "no such API" to a signed-in caller.
    app.route({
      method: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
      url: `${API}/*`,
      config: { guard: 'reviewer', audits: 'none' },
      handler: serve('reviewer', '/*', async () => fail('not-found', 'No such inbox API.')),
    });
  };
}
