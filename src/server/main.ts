// `npm start`: one local server on http://localhost:4173 (PORT overrides)
// serving the built app, the reference referral endpoint and the reviewers'
// inbox, on embedded SQLite under ./data (CSE_DATABASE_URL=postgres://… for
// PostgreSQL), with its secrets under ./data-secrets. Every setting comes from
// the one configuration (src/config/config.ts). Devices enrol with
// `npm run admin -- device add "<name>"`; nothing secret is printed.
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { ConfigError, type ServiceConfig, readConfig, recordAddress } from '../config/config.ts';
import { jweKeyFile, loadAdminToken, loadEnvelope, privateDir } from '../receiver/secrets.ts';
import type { Limits } from '../receiver/http/context.ts';
import { buildServer } from '../receiver/http/server.ts';
import { loadOrCreateKeys } from '../receiver/keys.ts';
import { enrolmentLink } from '../receiver/admin.ts';
import { rereadStale } from '../receiver/domain/reread.ts';
import { type Device, ReceiverStore } from '../receiver/store/receiver-store.ts';
// The reviewers' inbox (/inbox/): its tables are registered before the store opens.
import { inboxOnStore, inboxPlugin } from '../inbox-server/plugin.ts';
import { metricsPlugin } from '../inbox-server/metrics.ts';
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
  /** The duty alerts' clock and pace (tests); SMTP itself comes from the configuration (CSE_SMTP_URL). */
  alerts?: { now?: () => number; tickMs?: number };
}

export interface RunningServer {
  app: FastifyInstance;
  store: ReceiverStore;
  /** The configuration the server runs with (paths, the public address). */
  paths: ServiceConfig;
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

export async function startServer(opts: ServerOptions, env: NodeJS.ProcessEnv = process.env): Promise<RunningServer> {
  const paths = readConfig(env, {
    port: opts.port,
    ...(opts.host ? { host: opts.host } : {}),
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
  const inbox = inboxOnStore(store, paths, opts.alerts);
  const publicOrigin = paths.publicUrlSet ? new URL(paths.publicUrl).origin : undefined;
  const app = await buildServer({
    store,
    keys,
    adminToken,
    distDir: opts.distDir ?? resolve('dist'),
    publicOrigin,
    trustProxy: paths.trustProxy,
    connectSrc: paths.connectSrc,
    log: opts.log === undefined ? false : opts.log && { level: paths.logLevel, ...opts.log },
    ...(opts.limits ? { limits: opts.limits } : {}),
    plugins: [
      inboxPlugin(inbox, { distDir: opts.distDir ?? resolve('dist'), publicOrigin }),
      // GET /metrics (admin token): the figures for the IT team.
      metricsPlugin(inbox),
      ...(opts.plugins ?? []),
    ],
    ...(opts.dropAfterStore ? { dropAfterStore: opts.dropAfterStore } : {}),
  });
  app.addHook('onClose', async () => {
    await inbox.retention.stop();
    await inbox.alerts.stop();
    await store.close();
  });
  await app.listen({ port: paths.port, host: paths.host });
  const address = () => app.server.address() as AddressInfo;
  const origin = `http://localhost:${address().port}`;
  // So `npm run admin` prints links to this server (unless CSE_PUBLIC_URL names the address).
  recordAddress(paths, origin);
  // Duty alerts (when CSE_SMTP_URL is set): urgent arrivals and referrals waiting past their timescale,
  // their links to the public address (else to this server's).
  if (!paths.publicUrlSet) inbox.alerts.linkTo(origin);
  inbox.startAlerts();
  // Retention (the periods the council set with npm run admin -- retention set): now, then daily.
  inbox.retention.start();
  // Links made in the inbox: the configured public address, else this server's own (never a request's headers).
  if (!paths.publicUrlSet) inbox.linkBase = origin;
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
  let config: ServiceConfig;
  try {
    config = readConfig();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(e.message);
    process.exit(2);
  }
  startServer({ port: config.port, host: config.host, log: {} }).then((s) => {
    const at = s.paths.publicUrlSet ? s.paths.publicUrl : s.origin;
    console.log(`CSE Screen app:      ${at}/`);
    console.log(`Referral endpoint:   ${at}/api/submissions`);
    console.log(
      `Database:            ${s.store.dialect === 'postgres' ? 'PostgreSQL (CSE_DATABASE_URL)' : s.paths.database}`,
    );
    console.log(`Secrets:             ${s.paths.secretsDir} (keep out of backups of the data)`);
    console.log('Enrol a device:      npm run admin -- device add "<name>"');
    console.log(
      `Reviewers' inbox:    ${at}/inbox/  (accounts: npm run admin -- user add <email> --role reviewer|admin)`,
    );
    console.log(
      s.inbox.alerts.enabled
        ? 'Duty alerts:         on, by e-mail (duty addresses: npm run admin -- alert list)'
        : 'Duty alerts:         off (set CSE_SMTP_URL and CSE_ALERT_FROM to e-mail the duty desk)',
    );
  });
}
