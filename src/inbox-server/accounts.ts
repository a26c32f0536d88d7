// Reviewer and admin accounts. An account starts without a password: the
// admin CLI prints a one-time link (valid 72 hours) with which its owner sets
// one, and enrols a second factor (a TOTP app) at the same time. Only the
// SHA-256 of a link's token is stored, so the table alone cannot be used to
// take an account over. A new link voids the older unused ones; setting a
// password voids them all. Using a link replaces the password AND the second
// factor: an admin's new link is how a lost phone is recovered. Enrolling
// gives ten recovery codes (recovery-codes.ts), shown once; an admin can also
// reset the second factor, after which only a new link lets the owner in.
import type { Sql } from '../receiver/store/sql.ts';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DEFAULT_GATE, type HashGate, hashPassword, passwordProblem, verifyPassword } from './passwords.ts';
import type { InboxKeys } from './sealing.ts';
import { newRecoveryCodes, normalRecoveryCode, storeRecoveryCodes, useRecoveryCode } from './recovery-codes.ts';
import { newTotpSecret, totpStep } from './second-factor.ts';
import { type Checked, checkArea, checkRegion } from '../domain/index.ts';

import { type Account, type Role, ROLES } from '../contract/inbox-api.ts';
export { type Role, ROLES };

/** An account as the server holds it in memory (the shape the inbox page is sent). */
export type User = Account;

interface UserRow {
  id: string;
  email: string;
  role: Role;
  teams: string;
  regions: string;
  password_hash: string | null;
  created_at: string;
  disabled_at: string | null;
  totp_sealed: string | null;
  totp_last_step: number | string | null;
}

/**
 * A sign-in: the account and the second factor it passed ('none': the account has none and none is
 * required), or why it was refused: wrong password or code (the same to the caller), or no second
 * factor enrolled while one is required.
 */
export type SignInResult =
  | { user: User; secondFactor: 'totp' | 'recovery-code' | 'none' }
  | { refused: 'bad-credentials' | 'no-second-factor'; known?: User };

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
    hasSecondFactor: r.totp_sealed !== null,
  };
}

export class AccountError extends Error {
  constructor(
    readonly code: 'invalid' | 'exists' | 'not-found' | 'token' | 'second-factor-code',
    message: string,
  ) {
    super(message);
  }
}

function cleanList(xs: unknown): string[] {
  if (!Array.isArray(xs)) return [];
  return [
    ...new Set(
      xs
        .filter((x): x is string => typeof x === 'string')
        .map((x) => x.trim())
        .filter((x) => x && x.length <= 100),
    ),
  ];
}

/**
 * Area teams and regions as typed (the command line, the Users screen), checked against the directory
 * and kept in its spelling; the first name it does not have is refused with the list of valid ones.
 */
function checkedList(xs: unknown, check: (name: string) => Checked): string[] {
  return [
    ...new Set(
      cleanList(xs).map((x) => {
        const c = check(x);
        if (!c.ok) throw new AccountError('invalid', c.message);
        return c.value;
      }),
    ),
  ];
}
const teamsOf = (xs: unknown) => checkedList(xs, (x) => checkArea(x));
const regionsOf = (xs: unknown) => checkedList(xs, checkRegion);

export class Accounts {
  constructor(
    private sql: Sql,
    private now: () => number = Date.now,
    private keys?: InboxKeys,
    private gate: HashGate = DEFAULT_GATE,
  ) {}

  private sealed(): InboxKeys {
    if (!this.keys) throw new Error('Accounts need the inbox keys to keep second factors.');
    return this.keys;
  }

  /** Creates an account and returns it with its one-time set-password token. */
  async add(input: {
    email: string;
    role: Role;
    teams?: string[];
    regions?: string[];
  }): Promise<{ user: User; token: string }> {
    const email = input.email.trim().toLowerCase();
    if (!EMAIL.test(email)) throw new AccountError('invalid', `"${email.slice(0, 100)}" is not an e-mail address.`);
    if (!ROLES.includes(input.role)) throw new AccountError('invalid', 'The role must be reviewer or admin.');
    const id = randomUUID();
    const { changes } = await this.sql.run(
      'insert into inbox_users (id, email, role, teams, regions, created_at) values (?, ?, ?, ?, ?, ?) on conflict (email) do nothing',
      [
        id,
        email,
        input.role,
        JSON.stringify(teamsOf(input.teams)),
        JSON.stringify(regionsOf(input.regions)),
        new Date(this.now()).toISOString(),
      ],
    );
    if (changes !== 1) throw new AccountError('exists', `An account for ${email} already exists.`);
    return { user: (await this.byId(id))!, token: await this.issueSetPasswordToken(id) };
  }

  /** A new one-time token; every earlier unused one of the account is voided. */
  async issueSetPasswordToken(userId: string): Promise<string> {
    if (!(await this.byId(userId))) throw new AccountError('not-found', 'No such account.');
    const token = randomBytes(32).toString('base64url');
    const t = this.now();
    await this.sql.transaction(async (tx) => {
      await tx.run('update inbox_set_password_tokens set used_at = ? where user_id = ? and used_at is null', [
        t,
        userId,
      ]);
      await tx.run('insert into inbox_set_password_tokens (token_hash, user_id, expires_at) values (?, ?, ?)', [
        sha256(token),
        userId,
        t + SET_PASSWORD_TTL_MS,
      ]);
    });
    return token;
  }

  /**
   * The second factor a usable link offers: made (and kept sealed with the link) the first
   * time it is asked for, the same secret after that, so reloading the page shows what was scanned.
   */
  async linkSecondFactor(token: string): Promise<{ user: User; secret: string } | undefined> {
    const user = await this.tokenUser(token);
    if (!user) return undefined;
    const keys = this.sealed();
    await this.sql.run(
      'update inbox_set_password_tokens set totp_pending = ? where token_hash = ? and totp_pending is null',
      [keys.seal(newTotpSecret(), `totp:${user.id}`), sha256(token)],
    );
    const row = await this.sql.get<{ totp_pending: string }>(
      'select totp_pending from inbox_set_password_tokens where token_hash = ?',
      [sha256(token)],
    );
    return { user, secret: keys.open(row!.totp_pending, `totp:${user.id}`) };
  }

  /** The account a set-password token is for, if the token is still usable. */
  async tokenUser(token: string): Promise<User | undefined> {
    if (!token || token.length > 100) return undefined;
    const row = await this.sql.get<{ user_id: string; expires_at: number; used_at: number | null }>(
      'select user_id, expires_at, used_at from inbox_set_password_tokens where token_hash = ?',
      [sha256(token)],
    );
    if (!row || row.used_at !== null || Number(row.expires_at) < this.now()) return undefined;
    const user = await this.byId(row.user_id);
    return user && !user.disabled ? user : undefined;
  }

  /**
   * Sets the password and the second factor with a link: `code` is a code from the app the
   * link's secret (linkSecondFactor) was put in; with the code left empty while no second factor is
   * required, the password alone (and any earlier second factor is removed). Voids every link of the
   * account. Returns the recovery codes, to be shown once (none without a second factor).
   */
  async setPassword(
    token: string,
    password: string,
    code: string,
    signal?: AbortSignal,
    secondFactorRequired = true,
  ): Promise<{ user: User; recoveryCodes: string[] }> {
    const spent = 'This link has been used or has expired. Ask your administrator for a new one.';
    const offered = await this.linkSecondFactor(token);
    if (!offered) throw new AccountError('token', spent);
    const { user, secret } = offered;
    const problem = passwordProblem(password);
    if (problem) throw new AccountError('invalid', problem);
    const enrol = secondFactorRequired || code.trim() !== '';
    const step = enrol ? await totpStep(secret, code, this.now(), null) : null;
    if (step === undefined)
      throw new AccountError(
        'second-factor-code',
        'The code from your authenticator app is not right. Enter the six digits it shows now.',
      );
    const hash = await hashPassword(password, this.gate, signal);
    const recoveryCodes = enrol ? newRecoveryCodes() : [];
    const used = await this.sql.transaction(async (tx) => {
      const t = this.now();
      const r = await tx.run(
        'update inbox_set_password_tokens set used_at = ? where token_hash = ? and used_at is null',
        [t, sha256(token)],
      );
      if (r.changes !== 1) return false; // used (or voided) meanwhile by a concurrent request
      await tx.run('update inbox_set_password_tokens set used_at = ? where user_id = ? and used_at is null', [
        t,
        user.id,
      ]);
      await tx.run('update inbox_users set password_hash = ?, totp_sealed = ?, totp_last_step = ? where id = ?', [
        hash,
        enrol ? this.sealed().seal(secret, `totp:${user.id}`) : null,
        step,
        user.id,
      ]);
      await storeRecoveryCodes(tx, user.id, recoveryCodes);
      return true;
    });
    if (!used) throw new AccountError('token', spent);
    return { user: (await this.byId(user.id))!, recoveryCodes };
  }

  /**
   * Signs in with the e-mail, password and a code from the account's app, or one of its recovery
   * codes. Wrong password and wrong code are one answer; a code is accepted once. An account without
   * a second factor signs in with the password alone only while none is required. The hash passes
   * the gate (HashBusy).
   */
  async verify(
    email: string,
    password: string,
    code: string,
    signal?: AbortSignal,
    secondFactorRequired = true,
  ): Promise<SignInResult> {
    const row = await this.sql.get<UserRow>('select * from inbox_users where email = ?', [email.trim().toLowerCase()]);
    const ok = await verifyPassword(password, row?.password_hash, this.gate, signal);
    if (!ok || !row || row.disabled_at !== null)
      return { refused: 'bad-credentials', ...(row ? { known: toUser(row) } : {}) };
    if (!row.totp_sealed)
      return secondFactorRequired
        ? { refused: 'no-second-factor', known: toUser(row) }
        : { user: toUser(row), secondFactor: 'none' };
    if (normalRecoveryCode(code))
      return (await useRecoveryCode(this.sql, row.id, code, this.now()))
        ? { user: toUser(row), secondFactor: 'recovery-code' }
        : { refused: 'bad-credentials', known: toUser(row) };
    const secret = this.sealed().open(row.totp_sealed, `totp:${row.id}`);
    const last = row.totp_last_step === null ? null : Number(row.totp_last_step);
    const step = await totpStep(secret, code, this.now(), last);
    if (step === undefined) return { refused: 'bad-credentials', known: toUser(row) };
    // Once: a concurrent sign-in with the same code loses here.
    const { changes } = await this.sql.run(
      'update inbox_users set totp_last_step = ? where id = ? and (totp_last_step is null or totp_last_step < ?)',
      [step, row.id, step],
    );
    return changes === 1
      ? { user: toUser(row), secondFactor: 'totp' }
      : { refused: 'bad-credentials', known: toUser(row) };
  }

  /**
   * Removes the account's second factor and recovery codes (a lost phone, a code shown to someone):
   * its owner enrols again with a new link. The caller ends its sessions and audits it.
   */
  async resetSecondFactor(id: string): Promise<User> {
    if (!(await this.byId(id))) throw new AccountError('not-found', 'No such account.');
    await this.sql.transaction(async (tx) => {
      await tx.run('update inbox_users set totp_sealed = null, totp_last_step = null where id = ?', [id]);
      await tx.run('delete from inbox_recovery_codes where user_id = ?', [id]);
    });
    return (await this.byId(id))!;
  }

  async byId(id: string): Promise<User | undefined> {
    const r = await this.sql.get<UserRow>('select * from inbox_users where id = ?', [id]);
    return r && toUser(r);
  }

  async byEmail(email: string): Promise<User | undefined> {
    const r = await this.sql.get<UserRow>('select * from inbox_users where email = ?', [email.trim().toLowerCase()]);
    return r && toUser(r);
  }

  async list(): Promise<User[]> {
    return (await this.sql.all<UserRow>('select * from inbox_users order by email')).map(toUser);
  }

  async update(
    id: string,
    change: { role?: Role; teams?: string[]; regions?: string[]; disabled?: boolean },
  ): Promise<User> {
    const user = await this.byId(id);
    if (!user) throw new AccountError('not-found', 'No such account.');
    if (change.role !== undefined && !ROLES.includes(change.role))
      throw new AccountError('invalid', 'The role must be reviewer or admin.');
    // undefined: leave as it is; null: enabled; a time: disabled since then.
    const disabledAt =
      change.disabled === undefined || change.disabled === user.disabled
        ? undefined
        : change.disabled
          ? new Date(this.now()).toISOString()
          : null;
    await this.sql.run(
      `update inbox_users set role = ?, teams = ?, regions = ?${disabledAt === undefined ? '' : ', disabled_at = ?'} where id = ?`,
      [
        change.role ?? user.role,
        JSON.stringify(change.teams !== undefined ? teamsOf(change.teams) : user.teams),
        JSON.stringify(change.regions !== undefined ? regionsOf(change.regions) : user.regions),
        ...(disabledAt === undefined ? [] : [disabledAt]),
        id,
      ],
    );
    return (await this.byId(id))!;
  }
}
