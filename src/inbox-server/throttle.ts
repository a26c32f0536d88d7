// Login throttle: after too many failed sign-ins for one account, or from one
// address, within the window, every attempt (even with the right password) is
// refused until the oldest failure leaves the window. Kept in the database so
// a restart does not reset it.
import type { Sql } from '../receiver/store/sql.ts';

export const WINDOW_MS = 15 * 60_000;
export const MAX_PER_ACCOUNT = 5;
export const MAX_PER_ADDRESS = 20;

export class LoginThrottle {
  constructor(
    private sql: Sql,
    private now: () => number = Date.now,
    private limits = { account: MAX_PER_ACCOUNT, address: MAX_PER_ADDRESS, windowMs: WINDOW_MS },
  ) {}

  private keys(email: string, address: string): [string, number][] {
    return [
      [`account:${email.trim().toLowerCase().slice(0, 320)}`, this.limits.account],
      [`address:${address.slice(0, 100)}`, this.limits.address],
    ];
  }

  /** Seconds to wait before another attempt is allowed, or 0. */
  async retryAfter(email: string, address: string): Promise<number> {
    const since = this.now() - this.limits.windowMs;
    let wait = 0;
    for (const [key, max] of this.keys(email, address)) {
      const rows = await this.sql.all<{ at: number }>(
        'select at from inbox_login_failures where key = ? and at > ? order by at desc limit ?',
        [key, since, max],
      );
      if (rows.length >= max)
        wait = Math.max(
          wait,
          Math.ceil((Number(rows[rows.length - 1]!.at) + this.limits.windowMs - this.now()) / 1000),
        );
    }
    return wait;
  }

  async failed(email: string, address: string): Promise<void> {
    const t = this.now();
    for (const [key] of this.keys(email, address))
      await this.sql.run('insert into inbox_login_failures (key, at) values (?, ?)', [key, t]);
    await this.sql.run('delete from inbox_login_failures where at < ?', [t - 2 * this.limits.windowMs]);
  }

  async succeeded(email: string): Promise<void> {
    await this.sql.run('delete from inbox_login_failures where key = ?', [this.keys(email, '')[0]![0]]);
  }
}
