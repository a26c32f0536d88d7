// Sign-in sessions. The id is 32 random bytes, sent only in the cookie; the
// table keeps its SHA-256, so a copy of the database cannot be replayed as a
// cookie. A session ends after IDLE_MS without a request, or MAX_MS after it
// began, whichever is first; "log out everywhere" deletes all of a user's.
import type Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { sha256 } from './accounts.ts';

export const IDLE_MS = 30 * 60_000;
export const MAX_MS = 12 * 3600_000;

export interface Session {
  userId: string;
  createdAt: number;
  lastSeen: number;
}

export class Sessions {
  constructor(
    private db: Database.Database,
    private now: () => number = Date.now,
    private idleMs = IDLE_MS,
  ) {}

  create(userId: string, address: string): string {
    const id = randomBytes(32).toString('base64url');
    const t = this.now();
    this.db.prepare('insert into sessions (id_hash, user_id, created_at, last_seen, address) values (?, ?, ?, ?, ?)').run(sha256(id), userId, t, t, address);
    return id;
  }

  /** The live session for this cookie value (and marks it used), or undefined. */
  touch(id: string | undefined): Session | undefined {
    if (!id || id.length > 100) return undefined;
    const key = sha256(id);
    const row = this.db.prepare('select user_id, created_at, last_seen from sessions where id_hash = ?').get(key) as
      | { user_id: string; created_at: number; last_seen: number }
      | undefined;
    if (!row) return undefined;
    const t = this.now();
    if (t - row.last_seen > this.idleMs || t - row.created_at > MAX_MS) {
      this.db.prepare('delete from sessions where id_hash = ?').run(key);
      return undefined;
    }
    this.db.prepare('update sessions set last_seen = ? where id_hash = ?').run(t, key);
    return { userId: row.user_id, createdAt: row.created_at, lastSeen: t };
  }

  destroy(id: string | undefined): void {
    if (id) this.db.prepare('delete from sessions where id_hash = ?').run(sha256(id));
  }

  destroyAllFor(userId: string): number {
    return this.db.prepare('delete from sessions where user_id = ?').run(userId).changes;
  }

  countFor(userId: string): number {
    return (this.db.prepare('select count(*) as n from sessions where user_id = ?').get(userId) as { n: number }).n;
  }
}
