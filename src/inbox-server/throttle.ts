// Login throttle: after too many failed sign-ins for one account, or from one
// address, within the window, every attempt (even with the right password) is
// refused until the oldest failure leaves the window. Kept in the database so
// a restart does not reset it.
import type Database from 'better-sqlite3';

export const WINDOW_MS = 15 * 60_000;
export const MAX_PER_ACCOUNT = 5;
export const MAX_PER_ADDRESS = 20;

export class LoginThrottle {
  constructor(
    private db: Database.Database,
    private now: () => number = Date.now,
    private limits = { account: MAX_PER_ACCOUNT, address: MAX_PER_ADDRESS, windowMs: WINDOW_MS },
  ) {}

  private keys(email: string, address: string): [string, number][] {
    return [
      [`account:${email.trim().toLowerCase()}`, this.limits.account],
      [`address:${address}`, this.limits.address],
    ];
  }

  /** Seconds to wait before another attempt is allowed, or 0. */
  retryAfter(email: string, address: string): number {
    const since = this.now() - this.limits.windowMs;
    let wait = 0;
    for (const [key, max] of this.keys(email, address)) {
      const rows = this.db.prepare('select at from login_failures where key = ? and at > ? order by at desc limit ?').all(key, since, max) as { at: number }[];
      if (rows.length >= max) wait = Math.max(wait, Math.ceil((rows[rows.length - 1]!.at + this.limits.windowMs - this.now()) / 1000));
    }
    return wait;
  }

  failed(email: string, address: string): void {
    const t = this.now();
    const ins = this.db.prepare('insert into login_failures (key, at) values (?, ?)');
    for (const [key] of this.keys(email, address)) ins.run(key, t);
    this.db.prepare('delete from login_failures where at < ?').run(t - 2 * this.limits.windowMs);
  }

  succeeded(email: string): void {
    this.db.prepare('delete from login_failures where key = ?').run(`account:${email.trim().toLowerCase()}`);
  }
}
