// The inbox's domain, assembled: accounts, sessions, throttle, audit and the
// referral index over one SQLite file, reading submissions through a
// SubmissionSource. Nothing here knows about HTTP.
import type Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Accounts } from './accounts.ts';
import { Audit } from './audit.ts';
import { Referrals } from './referrals.ts';
import { Sessions } from './sessions.ts';
import type { SubmissionSource } from './source.ts';
import { openInboxDb } from './sqlite.ts';
import { LoginThrottle } from './throttle.ts';

/** Enrolled devices, as the receiver manages them (absent until it does). */
export interface DeviceDirectory {
  list(): Promise<{ id: string; name: string; createdAt: string; revokedAt: string | null; lastSeenAt?: string | null }[]>;
  add(name: string): Promise<{ id: string; link: string }>;
  revoke(id: string): Promise<boolean>;
}

export interface InboxOptions {
  /** The inbox's own database file (or ':memory:'). */
  file: string;
  source: SubmissionSource;
  childSecret: Buffer;
  now?: () => number;
  idleMs?: number;
  devices?: DeviceDirectory;
  /** True when a request carries a device's credential (which may only submit). */
  isDeviceCredential?: (headers: Record<string, string | string[] | undefined>) => boolean | Promise<boolean>;
  throttle?: { account: number; address: number; windowMs: number };
}

export class InboxService {
  readonly db: Database.Database;
  readonly accounts: Accounts;
  readonly sessions: Sessions;
  readonly throttle: LoginThrottle;
  readonly audit: Audit;
  readonly referrals: Referrals;
  readonly now: () => number;

  constructor(readonly opts: InboxOptions) {
    this.now = opts.now ?? Date.now;
    this.db = openInboxDb(opts.file);
    this.accounts = new Accounts(this.db, this.now);
    this.sessions = new Sessions(this.db, this.now, opts.idleMs);
    this.throttle = new LoginThrottle(this.db, this.now, opts.throttle);
    this.audit = new Audit(this.db, this.now);
    this.referrals = new Referrals(this.db, opts.source, opts.childSecret, this.now);
  }

  close(): void {
    this.db.close();
  }
}

/**
 * The key for the child-reference hashes: CSE_INBOX_SECRET (base64), or a
 * file made once (0600). Deployments should keep it outside the data folder.
 */
export function loadChildSecret(dataDir: string): Buffer {
  if (process.env.CSE_INBOX_SECRET) return Buffer.from(process.env.CSE_INBOX_SECRET, 'base64');
  const file = process.env.CSE_INBOX_SECRET_FILE ?? join(dataDir, 'inbox-secret');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32);
  writeFileSync(file, `${secret.toString('base64')}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}
