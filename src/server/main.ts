// `npm start`: one local server on http://localhost:4173 (PORT overrides)
// serving the built app and the reference referral endpoint. The bearer token
// is CSE_ENDPOINT_TOKEN, or generated once and kept in ./data/token.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import { endpointHandler } from '../receiver/handler.ts';
import { loadOrCreateKeys } from '../receiver/keys.ts';
import { SubmissionStore } from '../receiver/store.ts';
import { securityHeaders, staticHandler } from './static.ts';
import { inboxNodeHandler } from '../inbox-server/http-node.ts';
import { InboxService, loadChildSecret } from '../inbox-server/service.ts';
import { SqliteFileSource } from '../inbox-server/source.ts';

export interface ServerOptions {
  port: number;
  host?: string;
  distDir?: string;
  dataDir?: string;
  token?: string;
  dropAfterStore?: (id: string) => boolean;
}

export function endpointToken(dataDir: string): { token: string; generated: boolean } {
  if (process.env.CSE_ENDPOINT_TOKEN) return { token: process.env.CSE_ENDPOINT_TOKEN, generated: false };
  const file = join(dataDir, 'token');
  if (existsSync(file)) return { token: readFileSync(file, 'utf8').trim(), generated: false };
  mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(24).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, generated: true };
}

export async function startServer(opts: ServerOptions): Promise<Server & { store: SubmissionStore; token: string; inbox: InboxService }> {
  const dataDir = resolve(opts.dataDir ?? 'data');
  const token = opts.token ?? endpointToken(dataDir).token;
  const store = new SubmissionStore(join(dataDir, 'submissions.sqlite'));
  const keys = await loadOrCreateKeys(dataDir);
  const api = endpointHandler({ store, token, keys, ...(opts.dropAfterStore ? { dropAfterStore: opts.dropAfterStore } : {}) });
  // connect-src: this origin, plus any other endpoint origins the deployment names.
  const extra = (process.env.CSE_CONNECT_SRC ?? '').split(/\s+/).filter(Boolean);
  const serveStatic = staticHandler(opts.distDir ?? resolve('dist'), securityHeaders(extra));
  // The MASH inbox: reviewers' accounts and its own index, in data/inbox.sqlite.
  // The shared bearer token is a device's credential: the inbox refuses it (403).
  const source = new SqliteFileSource(join(dataDir, 'submissions.sqlite'));
  const inbox = new InboxService({
    file: join(dataDir, 'inbox.sqlite'),
    source,
    childSecret: loadChildSecret(dataDir),
    isDeviceCredential: (h) => h.authorization === `Bearer ${token}`,
  });
  const inboxHandler = inboxNodeHandler(inbox, opts.distDir ?? resolve('dist'), securityHeaders(extra));
  const server = createServer((req, res) => {
    inboxHandler(req, res)
      .then((done) => done || api(req, res))
      .then((handled) => {
        if (!handled) serveStatic(req, res);
      })
      .catch(() => {
        // Never echo internals (or a child's data) into a log or a response.
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"error":{"code":"internal","message":"Internal error"}}');
        else res.destroy();
      });
  });
  server.on('close', () => {
    inbox.close();
    source.close();
    store.close();
  });
  await new Promise<void>((ok) => server.listen(opts.port, opts.host ?? '127.0.0.1', ok));
  return Object.assign(server, { store, token, inbox });
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const port = Number(process.env.PORT ?? 4173);
  const dataDir = resolve('data');
  const { token, generated } = endpointToken(dataDir);
  startServer({ port, dataDir, token }).then(() => {
    console.log(`CSE Screen app:      http://localhost:${port}`);
    console.log(`Referral endpoint:   http://localhost:${port}/api/submissions`);
    console.log(`Endpoint token:      ${token}${generated ? ' (generated; kept in data/token)' : ''}`);
  });
}
