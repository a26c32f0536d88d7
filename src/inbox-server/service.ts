// The inbox's domain, assembled: accounts, sessions, throttle, audit and the
// referral index, on the receiver's database (SQLite or PostgreSQL, through
// its Sql surface), reading submissions through a SubmissionSource. Nothing
// here knows about HTTP.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { ServiceConfig } from '../config/config.ts';
import { secretFile } from '../receiver/secrets.ts';
import type { Sql } from '../receiver/store/sql.ts';
import { Accounts } from './accounts.ts';
import { type AlertSettings, Alerts } from './alerts.ts';
import { Audit } from './audit.ts';
import { EntryIndex } from './entries.ts';
import { Referrals } from './referrals.ts';
import { Retention } from './retention.ts';
import { InboxKeys } from './sealing.ts';
import './schema.ts';
import './schema-security.ts';
import { DEFAULT_GATE, HashGate } from './passwords.ts';
import { Sessions } from './sessions.ts';
import { InboxSettings } from './settings.ts';
import type { SubmissionSource } from './source.ts';
import { LoginThrottle } from './throttle.ts';

/** Enrolled devices, as the receiver manages them. */
export interface DeviceDirectory {
  list(): Promise<
    {
      id: string;
      name: string;
      state: string;
      createdAt: string;
      enrolledAt: string | null;
      revokedAt: string | null;
      lastSeenAt: string | null;
      area: string | null;
      /** First seen from two addresses within minutes (a copy of its browser profile may be in use), and which. */
      cloneSeenAt: string | null;
      cloneAddresses: string | null;
    }[]
  >;
  /** `area`: the area it is enrolled for, as the directory spells it (checked by the caller). */
  add(name: string, origin: string, area?: string | null): Promise<{ id: string; link: string }>;
  revoke(id: string): Promise<boolean>;
}

export interface InboxOptions {
  sql: Sql;
  source: SubmissionSource;
  childSecret: Buffer;
  /** The inbox key files, re-read while the server runs (a rotation); absent when the key is in CSE_INBOX_KEY. */
  childSecretSource?: (() => Buffer[]) | undefined;
  now?: () => number;
  idleMs?: number;
  devices?: DeviceDirectory;
  /** True when a request carries a device's credential (which may only submit). */
  isDeviceCredential?: (headers: Record<string, string | string[] | undefined>) => boolean | Promise<boolean>;
  throttle?: { account: number; address: number; windowMs: number };
  /**
   * Requests one signed-in account may make in a window, counted in the database every instance shares
   * (the receiver's rate windows): each look is audited, so without a bound one account's script could
   * write the audit as fast as the server answers. Absent: not counted (a service without the store).
   */
  requests?: {
    take: (key: string, limit: number, windowMs: number) => Promise<{ used: number; resetsInMs: number }>;
    perAccount?: number;
    windowMs?: number;
  };
  /** Duty alerts by e-mail (off without SMTP settings). */
  alerts?: AlertSettings;
  /**
   * The address people open when it is configured (CSE_PUBLIC_URL): requests must then name
   * its origin, and links are made with it. Undefined: each request's own origin is checked.
   */
  publicUrl?: string | undefined;
  /** The address links are made with when none is configured (the server's own, once listening). */
  linkBase?: string;
  /**
   * Password hashes at once, and waiting; more are refused at once. By default the process's one gate
   * (2 and 8): libuv's thread pool (4 threads, also reading static files) is the process's, so two
   * services in one process must share the bound, not have 2 each.
   */
  hashing?: { concurrency: number; queue: number };
}

/** Requests one signed-in account may make a minute: a reviewer clearing a queue makes a few a minute. */
export const REQUESTS_PER_ACCOUNT = 600;

export class InboxService {
  readonly sql: Sql;
  readonly accounts: Accounts;
  readonly sessions: Sessions;
  readonly throttle: LoginThrottle;
  readonly audit: Audit;
  readonly settings: InboxSettings;
  readonly referrals: Referrals;
  readonly alerts: Alerts;
  /** Registrations, numbers, places and persons joined across referrals as keyed hashes (issue 26). */
  readonly entries: EntryIndex;
  /** Retention periods and the daily job that removes what has passed them. */
  readonly retention: Retention;
  readonly now: () => number;
  readonly hashGate: HashGate;
  /** Links (set-password, enrolment) start with this: the configured public address, never a request's headers. */
  linkBase: string;

  constructor(readonly opts: InboxOptions) {
    this.now = opts.now ?? Date.now;
    this.sql = opts.sql;
    this.linkBase = (opts.publicUrl ?? opts.linkBase ?? 'http://localhost').replace(/\/+$/, '');
    this.hashGate = opts.hashing ? new HashGate(opts.hashing.concurrency, opts.hashing.queue) : DEFAULT_GATE;
    const ring = opts.childSecretSource?.() ?? [opts.childSecret];
    const keys = new InboxKeys(ring[0]!, ring.slice(1), opts.childSecretSource);
    this.accounts = new Accounts(this.sql, this.now, keys, this.hashGate);
    this.sessions = new Sessions(this.sql, this.now, opts.idleMs);
    this.throttle = new LoginThrottle(this.sql, this.now, opts.throttle);
    this.audit = new Audit(this.sql, this.now);
    this.settings = new InboxSettings(this.sql, this.now);
    this.referrals = new Referrals(this.sql, opts.source, keys, this.now);
    this.alerts = new Alerts(this.sql, this.audit, opts.alerts ?? { smtp: null, publicUrl: '' });
    this.entries = new EntryIndex(this.sql, opts.source, keys);
    this.retention = new Retention(this.sql, this.audit, this.now);
    // Each batch indexed: its entries joined, then (when on) the duty alerts, in the same transaction.
    const alerts = this.alerts.enabled ? this.alerts : undefined;
    this.referrals.onIndexed = async (tx, batch) => {
      await this.entries.index(tx, batch);
      await alerts?.arrived(tx, batch);
    };
  }

  /** Starts the alert worker (when alerts are on): it follows the store, so an urgent referral is told at once. */
  startAlerts(): void {
    this.alerts.start(() => this.referrals.catchUp());
  }
}

/**
 * The inbox key (child-reference hashes, sealed references and notes):
 * CSE_INBOX_KEY (base64 of 32 bytes), or a file made once in the secrets
 * folder, beside the receiver's KEK and never in the data folder: with the
 * database alone, nothing in the inbox's tables names a child.
 */
export function loadChildSecret(config: Pick<ServiceConfig, 'inboxKey'>): Buffer {
  const b64 =
    'base64' in config.inboxKey
      ? config.inboxKey.base64
      : secretFile(config.inboxKey.file, () => `${randomBytes(32).toString('base64')}\n`);
  return inboxKeyFrom(b64);
}

function inboxKeyFrom(b64: string): Buffer {
  const key = Buffer.from(b64.trim(), 'base64');
  if (key.length < 32) throw new Error('The inbox key must be at least 32 bytes, base64-encoded (CSE_INBOX_KEY).');
  return key;
}

/** Where the previous inbox key is kept while a rotation re-seals (removed when it has finished). */
export const previousInboxKeyFile = (file: string) => `${file}.previous`;

/**
 * The inbox key file's keys, current first, then the previous one while a rotation is under way; undefined
 * when the key is given in CSE_INBOX_KEY (which no command can rotate).
 */
export function inboxKeySource(config: Pick<ServiceConfig, 'inboxKey'>): (() => Buffer[]) | undefined {
  if ('base64' in config.inboxKey) return undefined;
  const file = config.inboxKey.file;
  return () => {
    const keys = [inboxKeyFrom(readFileSync(file, 'utf8'))];
    if (existsSync(previousInboxKeyFile(file)))
      keys.push(inboxKeyFrom(readFileSync(previousInboxKeyFile(file), 'utf8')));
    return keys;
  };
}
