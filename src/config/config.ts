// The service's one configuration: every setting the server and the admin
// command read, taken from the environment once, checked, and handed on. Nothing
// else in the service reads process.env, so `npm start` and `npm run admin`
// cannot disagree about where the data is or which address links carry.
//
//   PORT, HOST            where the server listens (default 4173 on 127.0.0.1)
//   CSE_PUBLIC_URL        the address people open (links in the admin command and the inbox);
//                         default: the address the running server recorded, else http://localhost:PORT
//   CSE_DATA_DIR          the database folder, what a backup copies (default data/)
//   CSE_SECRETS_DIR       keys and tokens, never with the data (default data-secrets/ beside it)
//   CSE_DATABASE_URL      postgres://… (default SQLite in the data folder)
//   CSE_KEK / CSE_KEK_FILE            the key-encryption key (base64 of 32 bytes), or its file
//   CSE_JWE_KEY_FILE      the key pair submissions are sealed to
//   CSE_ADMIN_TOKEN       the admin token for reading submissions
//   CSE_INBOX_KEY         the inbox key (base64, at least 32 bytes)
//   CSE_CONNECT_SRC       other endpoint origins the app may send to (space-separated)
//   CSE_LOG_LEVEL         fatal, error, warn, info, debug, trace or silent (default info)
//   CSE_SMTP_URL          smtp://[user:pass@]host[:port] or smtps://… : where duty alerts are sent
//                         from (unset: alerts are off and the inbox says so); a secret, never printed
//   CSE_ALERT_FROM        the alerts' From address (needed with CSE_SMTP_URL)
//   CSE_TRUST_PROXY       addresses (IPs or CIDRs, space- or comma-separated) of the proxy in front:
//                         only from these are X-Forwarded-For/-Host/-Proto believed (default none)
import { isIP } from 'node:net';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import * as v from 'valibot';

export interface ServiceConfig {
  port: number;
  host: string;
  /** The address people open, without a trailing slash. */
  publicUrl: string;
  /** True when CSE_PUBLIC_URL names it (then the server also checks requests against it). */
  publicUrlSet: boolean;
  dataDir: string;
  secretsDir: string;
  /** postgres://… or the SQLite file. */
  database: string;
  kek: { base64: string } | { file: string };
  jweKeyFile: string;
  /** Where an older version kept the JWE key (moved to the secrets folder at start). */
  legacyJweKeyFile: string;
  adminToken: { value: string } | { file: string };
  inboxKey: { base64: string } | { file: string };
  connectSrc: string[];
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Duty alerts by e-mail; null when no SMTP server is set (alerts are off). The URL may hold a password: never print it. */
  smtp: { url: string; from: string } | null;
  /** Proxies whose X-Forwarded-* headers are believed (IPs or CIDRs); empty: none, the headers are ignored. */
  trustProxy: string[];
}

/** Settings given in code (tests, the bench): they win over the environment. */
export type ConfigOverrides = Partial<Pick<ServiceConfig, 'port' | 'host' | 'dataDir' | 'secretsDir' | 'database'>>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`The configuration is not usable:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

const nonEmpty = v.pipe(v.string(), v.trim(), v.minLength(1));
const base64Of = (min: number, exact: boolean) =>
  v.pipe(
    nonEmpty,
    v.regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64'),
    v.check(
      (s) => (exact ? Buffer.from(s, 'base64').length === min : Buffer.from(s, 'base64').length >= min),
      `must be ${exact ? '' : 'at least '}${min} bytes, base64-encoded`,
    ),
  );
const httpUrl = v.pipe(
  nonEmpty,
  v.url('must be a full address such as https://cse.example.gov.uk'),
  v.check((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), 'must start with http:// or https://'),
);

// smtp://[user:pass@]host[:port] (STARTTLS when offered) or smtps://… (TLS from the start).
const smtpUrl = v.pipe(
  nonEmpty,
  v.check(
    (s) => URL.canParse(s) && /^smtps?:$/.test(new URL(s).protocol) && new URL(s).hostname !== '' && !/\s/.test(s),
    'must be smtp://host:port or smtps://host:port (user and password before the host, URL-encoded)',
  ),
);

const Env = v.object({
  PORT: v.optional(
    v.pipe(
      nonEmpty,
      v.regex(/^\d{1,5}$/, 'must be a port number'),
      v.transform(Number),
      v.maxValue(65535, 'must be 65535 or less'),
    ),
  ),
  HOST: v.optional(nonEmpty),
  CSE_PUBLIC_URL: v.optional(httpUrl),
  CSE_DATA_DIR: v.optional(nonEmpty),
  CSE_SECRETS_DIR: v.optional(nonEmpty),
  CSE_DATABASE_URL: v.optional(nonEmpty),
  CSE_KEK: v.optional(base64Of(32, true)),
  CSE_KEK_FILE: v.optional(nonEmpty),
  CSE_JWE_KEY_FILE: v.optional(nonEmpty),
  CSE_ADMIN_TOKEN: v.optional(v.pipe(nonEmpty, v.minLength(16, 'must be at least 16 characters'))),
  CSE_INBOX_KEY: v.optional(base64Of(32, false)),
  CSE_CONNECT_SRC: v.optional(v.string()),
  CSE_LOG_LEVEL: v.optional(v.picklist(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])),
  CSE_SMTP_URL: v.optional(smtpUrl),
  CSE_ALERT_FROM: v.optional(
    v.pipe(
      nonEmpty,
      v.maxLength(320, 'must be an e-mail address'),
      v.check((s) => /^(?:[^<>\r\n]*<)?[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>?$/.test(s), 'must be an e-mail address'),
    ),
  ),
  CSE_TRUST_PROXY: v.optional(v.string()),
});

/** An IP address or a CIDR block of one. */
const isAddressOrBlock = (s: string): boolean => {
  const [ip, bits, extra] = s.split('/');
  if (extra !== undefined || !ip || !isIP(ip)) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (isIP(ip) === 4 ? 32 : 128);
};

const DEFAULT_PORT = 4173;
/** The running server's own address, recorded in the data folder when CSE_PUBLIC_URL does not name one. */
const ADDRESS_FILE = 'server-address';

/**
 * Reads and checks the configuration. Every problem is listed, by variable
 * name, never by value (a secret could be the value).
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env, over: ConfigOverrides = {}): ServiceConfig {
  // Empty variables count as unset, as a shell's `VAR=` means.
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = v.safeParse(Env, given);
  if (!parsed.success) {
    // One problem per variable: the first thing wrong with it.
    const byName = new Map<string, string>();
    for (const i of parsed.issues) {
      const name = i.path?.map((p) => String(p.key)).join('.') ?? 'setting';
      if (!byName.has(name)) byName.set(name, `${name}: ${i.message.replace(/ but received [\s\S]*$/, '')}`);
    }
    throw new ConfigError([...byName.values()]);
  }
  const e = parsed.output;
  const problems: string[] = [];
  const connectSrc = (e.CSE_CONNECT_SRC ?? '').split(/\s+/).filter(Boolean);
  for (const origin of connectSrc)
    if (!v.is(httpUrl, origin)) problems.push('CSE_CONNECT_SRC: each entry must be an http:// or https:// origin');
  const trustProxy = (e.CSE_TRUST_PROXY ?? '').split(/[\s,]+/).filter(Boolean);
  if (trustProxy.some((a) => !isAddressOrBlock(a)))
    problems.push('CSE_TRUST_PROXY: each entry must be an IP address or a CIDR block such as 10.0.0.0/8');
  if (e.CSE_KEK && e.CSE_KEK_FILE) problems.push('CSE_KEK and CSE_KEK_FILE: give one, not both');
  if (e.CSE_SMTP_URL && !e.CSE_ALERT_FROM)
    problems.push('CSE_ALERT_FROM: needed with CSE_SMTP_URL (the address alerts come from)');
  if (problems.length) throw new ConfigError([...new Set(problems)]);

  const port = over.port ?? e.PORT ?? DEFAULT_PORT;
  const dataDir = resolve(over.dataDir ?? e.CSE_DATA_DIR ?? 'data');
  const secretsDir = resolve(
    over.secretsDir ?? e.CSE_SECRETS_DIR ?? join(dirname(dataDir), `${basename(dataDir)}-secrets`),
  );
  return {
    port,
    host: over.host ?? e.HOST ?? '127.0.0.1',
    publicUrl: (e.CSE_PUBLIC_URL ?? recordedAddress(dataDir) ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    publicUrlSet: e.CSE_PUBLIC_URL !== undefined,
    dataDir,
    secretsDir,
    database: over.database ?? e.CSE_DATABASE_URL ?? join(dataDir, 'receiver.sqlite'),
    kek: e.CSE_KEK ? { base64: e.CSE_KEK } : { file: resolve(e.CSE_KEK_FILE ?? join(secretsDir, 'kek')) },
    jweKeyFile: resolve(e.CSE_JWE_KEY_FILE ?? join(secretsDir, 'endpoint-key.json')),
    legacyJweKeyFile: join(dataDir, 'endpoint-key.json'),
    adminToken: e.CSE_ADMIN_TOKEN ? { value: e.CSE_ADMIN_TOKEN } : { file: join(secretsDir, 'admin-token') },
    inboxKey: e.CSE_INBOX_KEY ? { base64: e.CSE_INBOX_KEY } : { file: join(secretsDir, 'inbox-key') },
    connectSrc,
    logLevel: e.CSE_LOG_LEVEL ?? 'info',
    smtp: e.CSE_SMTP_URL && e.CSE_ALERT_FROM ? { url: e.CSE_SMTP_URL, from: e.CSE_ALERT_FROM } : null,
    trustProxy,
  };
}

function recordedAddress(dataDir: string): string | undefined {
  const file = join(dataDir, ADDRESS_FILE);
  if (!existsSync(file)) return undefined;
  const url = readFileSync(file, 'utf8').trim();
  return v.is(httpUrl, url) ? url : undefined;
}

/**
 * The server records the address it is listening on, so the admin command's
 * links open the server that is running (a server started with PORT=8080 and an
 * admin command run without it agree). Not secret: an address on this machine.
 */
export function recordAddress(config: ServiceConfig, url: string): void {
  if (!config.publicUrlSet) writeFileSync(join(config.dataDir, ADDRESS_FILE), `${url}\n`, { mode: 0o600 });
}
