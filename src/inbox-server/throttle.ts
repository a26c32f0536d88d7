// Login throttle: at most `account` failed sign-ins per account and `address`
// per address within the window; beyond, every attempt (even with the right
// password) is refused (429) until the window ends. Kept in the database so a
// restart does not reset it and servers sharing one PostgreSQL share it.
//
// An attempt is RESERVED before the password is hashed: one atomic
// INSERT … ON CONFLICT … RETURNING per key bumps the count, and the attempt
// goes on only if the count it got is within the limit. Concurrent guesses
// therefore cannot all pass a count read before the slow hash (issue 23).
// A refused or abandoned attempt gives its reservation back; a failed one
// keeps it; a successful one clears the account's count and gives the
// address's back (only failures count against an office's shared address).
import type { Sql } from '../receiver/store/sql.ts';

export const WINDOW_MS = 15 * 60_000;
export const MAX_PER_ACCOUNT = 5;
export const MAX_PER_ADDRESS = 20;

export interface ThrottleLimits {
  account: number;
  address: number;
  windowMs: number;
}

export class LoginThrottle {
  readonly limits: ThrottleLimits;
  constructor(
    private sql: Sql,
    /** The throttle's clock (a test moves it to the end of a window rather than wait 15 minutes). */
    public now: () => number = Date.now,
    limits: ThrottleLimits = { account: MAX_PER_ACCOUNT, address: MAX_PER_ADDRESS, windowMs: WINDOW_MS },
  ) {
    this.limits = { ...limits };
  }

  private accountKey = (email: string) => `account:${email.trim().toLowerCase().slice(0, 320)}`;
  private addressKey = (address: string) => `address:${address.slice(0, 100)}`;

  /** Bumps one counter atomically (a new window when the last one ended); the count and window it got. */
  private async bump(key: string): Promise<{ count: number; windowStart: number }> {
    const t = this.now();
    const ended = t - this.limits.windowMs;
    const row = await this.sql.get<{ count: number | string; window_start: number | string }>(
      `insert into inbox_login_attempts (key, count, window_start) values (?, 1, ?) on conflict (key) do update set count = case when inbox_login_attempts.window_start <= ? then 1 else inbox_login_attempts.count + 1 end, window_start = case when inbox_login_attempts.window_start <= ? then excluded.window_start else inbox_login_attempts.window_start end returning count, window_start`,
      [key, t, ended, ended],
    );
    return { count: Number(row!.count), windowStart: Number(row!.window_start) };
  }

  private async giveBack(key: string): Promise<void> {
    await this.sql.run(
      'update inbox_login_attempts set count = case when count > 0 then count - 1 else 0 end where key = ?',
      [key],
    );
  }

  /**
   * Reserves one attempt for the account and the address. 0: go on (then call
   * failed, succeeded or release); otherwise the seconds to wait (nothing is reserved).
   */
  async reserve(email: string, address: string): Promise<number> {
    let wait = 0;
    const t = this.now();
    for (const [key, max] of [
      [this.accountKey(email), this.limits.account],
      [this.addressKey(address), this.limits.address],
    ] as const) {
      const { count, windowStart } = await this.bump(key);
      if (count > max) wait = Math.max(wait, Math.ceil((windowStart + this.limits.windowMs - t) / 1000), 1);
    }
    if (wait > 0) await this.release(email, address);
    return wait;
  }

  /** The attempt was not made after all (the server was busy, the client left): its reservation is given back. */
  async release(email: string, address: string): Promise<void> {
    await this.giveBack(this.accountKey(email));
    await this.giveBack(this.addressKey(address));
  }

  /** The attempt failed: it keeps counting until its window ends. */
  async failed(): Promise<void> {
    await this.sql.run('delete from inbox_login_attempts where window_start < ?', [
      this.now() - 2 * this.limits.windowMs,
    ]);
  }

  /** Signed in: the account starts afresh; the address's reservation is given back. */
  async succeeded(email: string, address: string): Promise<void> {
    await this.sql.run('delete from inbox_login_attempts where key = ?', [this.accountKey(email)]);
    await this.giveBack(this.addressKey(address));
  }
}
