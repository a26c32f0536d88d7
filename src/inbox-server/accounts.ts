// Reviewer and admin accounts. An account starts without a password: the
// admin CLI prints a one-time link (valid 72 hours) with which its owner sets
// one. Only the SHA-256 of a link's token is stored, so the table alone
// cannot be used to take an account over.
import type Database from 'better-sqlite3';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.ts';

export type Role = 'reviewer' | 'admin';
export const ROLES: Role[] = ['reviewer', 'admin'];

export interface User {
  id: string;
  email: string;
  role: Role;
  /** Area teams this account may read; with regions, empty both = every referral. */
  teams: string[];
  regions: string[];
  createdAt: string;
  disabled: boolean;
  hasPassword: boolean;
}

interface UserRow {
  id: string;
  email: string;
  role: Role;
  teams: string;
  regions: string;
  password_hash: string | null;
  created_at: string;
  disabled_at: string | null;
}

const SET_PASSWORD_TTL_MS = 72 * 3600_000;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{2,}$/;

export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

function toUser(r: UserRow): User {
  return {
    id: r.id,
    email: r.email,
    role: r.role,
    teams: JSON.parse(r.teams) as string[],
    regions: JSON.parse(r.regions) as string[],
    createdAt: r.created_at,
    disabled: r.disabled_at !== null,
    hasPassword: r.password_hash !== null,
  };
}

export class AccountError extends Error {
  constructor(
    readonly code: 'invalid' | 'exists' | 'not-found' | 'token',
    message: string,
  ) {
    super(message);
  }
}

function cleanList(xs: unknown): string[] {
  if (!Array.isArray(xs)) return [];
  return [...new Set(xs.filter((x): x is string => typeof x === 'string').map((x) => x.trim()).filter((x) => x && x.length <= 100))];
}

export class Accounts {
  constructor(
    private db: Database.Database,
    private now: () => number = Date.now,
  ) {}

  /** Creates an account and returns it with its one-time set-password token. */
  add(input: { email: string; role: Role; teams?: string[]; regions?: string[] }): { user: User; token: string } {
    const email = input.email.trim();
    if (!EMAIL.test(email)) throw new AccountError('invalid', `"${email}" is not an e-mail address.`);
    if (!ROLES.includes(input.role)) throw new AccountError('invalid', 'The role must be reviewer or admin.');
    if (this.byEmail(email)) throw new AccountError('exists', `An account for ${email} already exists.`);
    const id = randomUUID();
    this.db
      .prepare('insert into users (id, email, role, teams, regions, created_at) values (?, ?, ?, ?, ?, ?)')
      .run(id, email, input.role, JSON.stringify(cleanList(input.teams)), JSON.stringify(cleanList(input.regions)), new Date(this.now()).toISOString());
    return { user: this.byId(id)!, token: this.issueSetPasswordToken(id) };
  }

  /** A new one-time token (an earlier unused one stays valid until it expires). */
  issueSetPasswordToken(userId: string): string {
    if (!this.byId(userId)) throw new AccountError('not-found', 'No such account.');
    const token = randomBytes(32).toString('base64url');
    this.db.prepare('insert into set_password_tokens (token_hash, user_id, expires_at) values (?, ?, ?)').run(sha256(token), userId, this.now() + SET_PASSWORD_TTL_MS);
    return token;
  }

  /** The account a set-password token is for, if the token is still usable. */
  tokenUser(token: string): User | undefined {
    const row = this.db.prepare('select user_id, expires_at, used_at from set_password_tokens where token_hash = ?').get(sha256(token)) as
      | { user_id: string; expires_at: number; used_at: number | null }
      | undefined;
    if (!row || row.used_at !== null || row.expires_at < this.now()) return undefined;
    const user = this.byId(row.user_id);
    return user && !user.disabled ? user : undefined;
  }

  async setPassword(token: string, password: string): Promise<User> {
    const user = this.tokenUser(token);
    if (!user) throw new AccountError('token', 'This link has been used or has expired. Ask your administrator for a new one.');
    const problem = passwordProblem(password);
    if (problem) throw new AccountError('invalid', problem);
    const hash = await hashPassword(password);
    const used = this.db.transaction(() => {
      const r = this.db.prepare('update set_password_tokens set used_at = ? where token_hash = ? and used_at is null').run(this.now(), sha256(token));
      if (r.changes !== 1) return false; // used meanwhile by a concurrent request
      this.db.prepare('update users set password_hash = ? where id = ?').run(hash, user.id);
      return true;
    })();
    if (!used) throw new AccountError('token', 'This link has been used or has expired. Ask your administrator for a new one.');
    return this.byId(user.id)!;
  }

  /** The account if the e-mail and password match an enabled account. */
  async verify(email: string, password: string): Promise<User | undefined> {
    const row = this.db.prepare('select * from users where email = ?').get(email.trim()) as UserRow | undefined;
    const ok = await verifyPassword(password, row?.password_hash);
    return ok && row && row.disabled_at === null ? toUser(row) : undefined;
  }

  byId(id: string): User | undefined {
    const r = this.db.prepare('select * from users where id = ?').get(id) as UserRow | undefined;
    return r && toUser(r);
  }

  byEmail(email: string): User | undefined {
    const r = this.db.prepare('select * from users where email = ?').get(email.trim()) as UserRow | undefined;
    return r && toUser(r);
  }

  list(): User[] {
    return (this.db.prepare('select * from users order by email').all() as UserRow[]).map(toUser);
  }

  update(id: string, change: { role?: Role; teams?: string[]; regions?: string[]; disabled?: boolean }): User {
    const user = this.byId(id);
    if (!user) throw new AccountError('not-found', 'No such account.');
    if (change.role !== undefined && !ROLES.includes(change.role)) throw new AccountError('invalid', 'The role must be reviewer or admin.');
    this.db
      .prepare('update users set role = ?, teams = ?, regions = ?, disabled_at = ? where id = ?')
      .run(
        change.role ?? user.role,
        JSON.stringify(change.teams !== undefined ? cleanList(change.teams) : user.teams),
        JSON.stringify(change.regions !== undefined ? cleanList(change.regions) : user.regions),
        change.disabled === undefined ? (user.disabled ? new Date(this.now()).toISOString() : null) : change.disabled ? new Date(this.now()).toISOString() : null,
        id,
      );
    return this.byId(id)!;
  }
}
