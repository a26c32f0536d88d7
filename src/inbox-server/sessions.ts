// Sign-in sessions. The id is 32 random bytes, sent only in the cookie; the
// table keeps its SHA-256, so a copy of the database cannot be replayed as a
// cookie. A session ends after IDLE_MS without a request, or MAX_MS after it
// began, whichever is first; "log out everywhere" deletes all of a user's.
// Each session records whether its sign-in passed a second factor: one that
// did not gets no referral, export or audit once the account has a second
// factor or one is required (plugin.ts).
import { randomBytes } from 'node:crypto';
import type { Sql } from '../receiver/store/sql.ts';
import { sha256 } from './accounts.ts';

export const IDLE_MS = 30 * 60_000;
export const MAX_MS = 12 * 3600_000;
export const TOUCH_MS = 15_000;

export interface Session {
  userId: string;
  createdAt: number;
  lastSeen: number;
  /** The sign-in passed a second factor (an app's code or a recovery code). */
  secondFactor: boolean;
}

export class Sessions {
  constructor(
    private sql: Sql,
    private now: () => number = Date.now,
    private idleMs = IDLE_MS,
  ) {}

  async create(userId: string, address: string, secondFactor: boolean): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    const t = this.now();
    await this.sql.run(
      'insert into inbox_sessions (id_hash, user_id, created_at, last_seen, address, second_factor) values (?, ?, ?, ?, ?, ?)',
      [sha256(id), userId, t, t, address.slice(0, 100), secondFactor ? 1 : 0],
    );
    return id;
  }

  /** The live session for this cookie value (and marks it used), or undefined. */
  async touch(id: string | undefined): Promise<Session | undefined> {
    if (!id || id.length > 100) return undefined;
    const key = sha256(id);
    const row = await this.sql.get<{ user_id: string; created_at: number; last_seen: number; second_factor: number }>(
      'select user_id, created_at, last_seen, second_factor from inbox_sessions where id_hash = ?',
      [key],
    );
    if (!row) return undefined;
    const t = this.now();
    if (t - Number(row.last_seen) > this.idleMs || t - Number(row.created_at) > MAX_MS) {
      await this.sql.run('delete from inbox_sessions where id_hash = ?', [key]);
      return undefined;
    }
    // Written at most every TOUCH_MS: the idle timeout is minutes, and a write per request would cost a disk flush each.
    if (t - Number(row.last_seen) >= TOUCH_MS)
      await this.sql.run('update inbox_sessions set last_seen = ? where id_hash = ?', [t, key]);
    return {
      userId: row.user_id,
      createdAt: Number(row.created_at),
      lastSeen: t,
      secondFactor: Number(row.second_factor) === 1,
    };
  }

  async destroy(id: string | undefined): Promise<void> {
    if (id && id.length <= 100) await this.sql.run('delete from inbox_sessions where id_hash = ?', [sha256(id)]);
  }

  async destroyAllFor(userId: string): Promise<number> {
    return (await this.sql.run('delete from inbox_sessions where user_id = ?', [userId])).changes;
  }
}
