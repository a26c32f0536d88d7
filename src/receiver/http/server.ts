// The receiver's HTTP layer: a Fastify app built by buildServer(). Routes are
// plugins (public, enrol, submissions, the built app); pass `plugins` to add
// more beside them (the reviewers' inbox), each reaching the store and keys
// through `app.receiver`. Domain (domain/) and database (store/) know nothing
// of HTTP.
//
// Against a client taking it down: body limit on every route, strings parsed
// by us (no parser message echoed), a cap on concurrent connections that idle
// sockets cannot fill, idle / header / request timeouts, a per-device rate
// limit and daily quota (429 with Retry-After; counted in the database, so
// instances sharing it share them), pino logs that carry no
// header, body or child data.
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyServerOptions } from 'fastify';
import { type Server, createServer } from 'node:http';
import type { DestinationStream } from 'pino';
import type { EndpointKeys } from '../keys.ts';
import type { ReceiverStore } from '../store/receiver-store.ts';
import { type ConnectionStats, capConnections } from './connections.ts';
import { DEFAULT_LIMITS, type Limits, type ReceiverContext, startProofSweeper } from './context.ts';
import { errorHandler, fail } from './errors.ts';
import { enrolRoutes } from './plugins/enrol.ts';
import { publicRoutes } from './plugins/public.ts';
import { staticApp } from './plugins/static-app.ts';
import { submissionRoutes } from './plugins/submissions.ts';
import { databaseRateStore } from './rate-store.ts';
import { SubmissionCounts } from './submission-counts.ts';
import { securityHeaders } from './security-headers.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Counts from the connection cap (drills read them). */
    connections: ConnectionStats;
  }
}

export interface BuildOptions {
  store: ReceiverStore;
  keys: EndpointKeys;
  adminToken: string;
  /** The built app to serve; omitted: API only. */
  distDir?: string;
  publicOrigin?: string | undefined;
  /** Proxies whose X-Forwarded-* headers are believed (CSE_TRUST_PROXY); none by default. */
  trustProxy?: string[];
  limits?: Partial<Limits>;
  /** Extra connect-src origins for the app's CSP. */
  connectSrc?: string[];
  /** false: no logs; a stream: JSON log lines there (tests read them); default stdout at info. */
  log?: false | { level?: string; stream?: DestinationStream };
  /** More route plugins, registered after the receiver's own. */
  plugins?: FastifyPluginAsync[];
  dropAfterStore?: (id: string) => boolean;
}

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type, Idempotency-Key, DPoP',
  'Access-Control-Expose-Headers': 'Retry-After, Date',
  'Access-Control-Max-Age': '600',
};

function loggerOptions(log: BuildOptions['log']): FastifyServerOptions['logger'] {
  if (log === false) return false;
  return {
    level: log?.level ?? 'info',
    ...(log?.stream ? { stream: log.stream } : {}),
    // Belt and braces: the serializers below already leave these out.
    redact: {
      paths: ['req.headers', 'req.body', 'res.headers', 'body', 'headers', '*.authorization', '*.dpop'],
      censor: '[redacted]',
    },
    serializers: {
      // Method and path only: no query, headers, address or body.
      req: (r: { method?: string; url?: string; id?: string }) => ({
        id: r.id,
        method: r.method,
        path: (r.url ?? '').split('?')[0]!.slice(0, 200),
      }),
      res: (r: { statusCode?: number }) => ({ statusCode: r.statusCode }),
      err: (e: { name?: string; code?: string; statusCode?: number }) => ({
        type: e.name,
        code: e.code,
        statusCode: e.statusCode,
      }),
    },
  } as unknown as FastifyServerOptions['logger'];
}

export async function buildServer(opts: BuildOptions): Promise<FastifyInstance> {
  const limits: Limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const app = Fastify<Server>({
    logger: loggerOptions(opts.log),
    bodyLimit: limits.bodyLimit,
    // Our own server, for the timeouts Fastify does not expose.
    serverFactory: (handler) => {
      const server = createServer(
        {
          headersTimeout: limits.headersTimeoutMs,
          requestTimeout: limits.requestTimeoutMs,
          keepAliveTimeout: 5_000,
          connectionsCheckingInterval: 1_000,
          maxHeaderSize: 16 * 1024,
        },
        handler,
      );
      server.setTimeout(limits.idleTimeoutMs); // no traffic for this long: the socket is closed
      server.on('clientError', (_err, socket) => {
        if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
        else socket.destroy();
      });
      return server;
    },
    return503OnClosing: true,
    // X-Forwarded-* only from a configured proxy: a client's own headers never change req.ip, host or protocol.
    trustProxy: opts.trustProxy?.length ? opts.trustProxy : false,
    forceCloseConnections: true,
    // Ids in logs are counters, not anything from the request.
    requestIdHeader: false,
  });
  const connections = capConnections(
    app.server,
    limits.maxConnections,
    Math.min(5_000, limits.idleTimeoutMs),
    limits.idleTimeoutMs,
  );
  app.decorate('connections', connections);

  const ctx: ReceiverContext = {
    store: opts.store,
    keys: opts.keys,
    adminToken: opts.adminToken,
    publicOrigin: opts.publicOrigin,
    limits,
    counts: new SubmissionCounts(),
    dropAfterStore: opts.dropAfterStore,
  };
  app.decorate('receiver', ctx);
  const stopSweeper = startProofSweeper(ctx);
  app.addHook('onClose', async () => stopSweeper());

  // Bodies arrive as strings (bounded by bodyLimit); handlers parse them, so no parser error text is ever echoed.
  app.removeAllContentTypeParsers();
  for (const type of ['application/json', 'application/jose'])
    app.addContentTypeParser(type, { parseAs: 'string', bodyLimit: limits.bodyLimit }, (_req, body, done) =>
      done(null, body),
    );

  app.setErrorHandler(errorHandler);

  const headers = securityHeaders(opts.connectSrc ?? []);
  app.addHook('onRequest', async (req, reply) => {
    reply.headers(headers);
    if (req.url.startsWith('/api/')) {
      reply.headers(CORS);
      if (req.method === 'OPTIONS') return reply.code(204).send();
    }
  });

  await app.register(rateLimit, {
    global: false,
    // Counted in the database, so instances sharing it share every limit.
    store: databaseRateStore(opts.store),
    errorResponseBuilder: (_req, c) => ({
      statusCode: 429,
      error: {
        code: 'rate-limited',
        message: `Too many requests from this device: try again in ${Math.ceil(c.ttl / 1000)} s.`,
      },
    }),
  });
  await app.register(publicRoutes);
  await app.register(enrolRoutes);
  await app.register(submissionRoutes);
  for (const p of opts.plugins ?? []) await app.register(p);
  if (opts.distDir) await app.register(staticApp, { distDir: opts.distDir });
  else app.setNotFoundHandler((_req, reply) => fail(reply, 'not-found', 'Not found'));
  return app;
}
