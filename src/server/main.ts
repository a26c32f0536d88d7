// `npm start`: one local server on http://localhost:4173 (PORT overrides)
// serving the built app and the reference referral endpoint, on embedded
// SQLite under ./data (CSE_DATABASE_URL=postgres://… for PostgreSQL), with
// its secrets under ./data-secrets (see src/receiver/config.ts). Devices
// enrol with `npm run admin -- device add "<name>"`; nothing secret is printed.
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import {
  jweKeyFile,
  loadAdminToken,
  loadEnvelope,
  privateDir,
  type ReceiverPaths,
  receiverPaths,
} from '../receiver/config.ts';
import type { Limits } from '../receiver/http/context.ts';
import { buildServer } from '../receiver/http/server.ts';
import { loadOrCreateKeys } from '../receiver/keys.ts';
import { enrolmentLink } from '../receiver/admin.ts';
import { rereadStale } from '../receiver/domain/reread.ts';
import { type Device, ReceiverStore } from '../receiver/store/receiver-store.ts';
// The reviewers' inbox (/inbox/): its tables are registered before the store opens.
import { inboxOnStore, inboxPlugin } from '../inbox-server/plugin.ts';
import type { InboxService } from '../inbox-server/service.ts';

export interface ServerOptions {
  port: number;
  host?: string;
  distDir?: string;
  dataDir?: string;
  secretsDir?: string;
  /** postgres://… or a SQLite file; default data/receiver.sqlite. */
  database?: string;
  limits?: Partial<Limits>;
  log?: Parameters<typeof buildServer>[0]['log'];
  plugins?: FastifyPluginAsync[];
  dropAfterStore?: (id: string) => boolean;
}

export interface RunningServer {
  app: FastifyInstance;
  store: ReceiverStore;
  paths: ReceiverPaths;
  origin: string;
  adminToken: string;
  /** The reviewers' inbox: accounts, sessions, audit, the referral index. */
  inbox: InboxService;
  address(): AddressInfo;
  /** A device enrolment, as `npm run admin -- device add` makes it. */
  addDevice(
    name: string,
    validForMs?: number,
    area?: string | null,
  ): Promise<{ device: Device; code: string; link: string }>;
  close(): Promise<void>;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const paths = receiverPaths({
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    ...(opts.secretsDir ? { secretsDir: opts.secretsDir } : {}),
    ...(opts.database ? { database: opts.database } : {}),
  });
  privateDir(paths.dataDir);
  privateDir(paths.secretsDir);
  const store = await ReceiverStore.open({ database: paths.database, envelope: loadEnvelope(paths) });
  // Submissions read under an older instrument or reading (or before readings were kept) are re-read first.
  await rereadStale(store);
  const keys = await loadOrCreateKeys(jweKeyFile(paths));
  const adminToken = loadAdminToken(paths);
  const extra = (process.env.CSE_CONNECT_SRC ?? '').split(/\s+/).filter(Boolean);
  const inbox = inboxOnStore(store, paths.secretsDir);
  const app = await buildServer({
    store,
    keys,
    adminToken,
    distDir: opts.distDir ?? resolve('dist'),
    publicOrigin: process.env.CSE_PUBLIC_URL ? new URL(process.env.CSE_PUBLIC_URL).origin : undefined,
    connectSrc: extra,
    log: opts.log ?? false,
    ...(opts.limits ? { limits: opts.limits } : {}),
    plugins: [inboxPlugin(inbox, { distDir: opts.distDir ?? resolve('dist') }), ...(opts.plugins ?? [])],
    ...(opts.dropAfterStore ? { dropAfterStore: opts.dropAfterStore } : {}),
  });
  app.addHook('onClose', async () => store.close());
  await app.listen({ port: opts.port, host: opts.host ?? '127.0.0.1' });
  const address = () => app.server.address() as AddressInfo;
  const origin = `http://localhost:${address().port}`;
  return {
    app,
    store,
    paths,
    origin,
    adminToken,
    inbox,
    address,
    async addDevice(name, validForMs, area = null) {
      const { device, code } = await store.addDevice(name, validForMs, undefined, area);
      return { device, code, link: enrolmentLink(origin, code) };
    },
    close: () => app.close(),
  };
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.umask(0o077); // every file this process writes is its owner's alone
  const port = Number(process.env.PORT ?? 4173);
  startServer({ port, host: process.env.HOST ?? '127.0.0.1', log: {} }).then((s) => {
    console.log(`CSE Screen app:      http://localhost:${port}`);
    console.log(`Referral endpoint:   http://localhost:${port}/api/submissions`);
    console.log(
      `Database:            ${s.store.dialect === 'postgres' ? 'PostgreSQL (CSE_DATABASE_URL)' : s.paths.database}`,
    );
    console.log(`Secrets:             ${s.paths.secretsDir} (keep out of backups of the data)`);
    console.log('Enrol a device:      npm run admin -- device add "<name>"');
    console.log(
      `Reviewers' inbox:    http://localhost:${port}/inbox/  (accounts: npm run admin -- user add <email> --role reviewer|admin)`,
    );
  });
}
