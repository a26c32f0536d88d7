// Where the inbox reads submissions from: the receiver's store. The inbox
// keeps only its own index (referrals table) and reads bodies through this
// interface, so it does not depend on how the receiver stores or encrypts
// them. `seq` is the store's insertion order, so the index can catch up with
// whatever arrived since it last looked, and nothing is ever missed.
import Database from 'better-sqlite3';
import type { Submission } from '../sync/submission.ts';

export interface StoredSubmission {
  id: string;
  seq: number;
  receivedAt: string;
  receipt: string;
  body: Submission;
  /** The enrolled device (or the token) that sent it, when the store knows. */
  device?: string | null;
}

export interface SubmissionSource {
  /** Submissions stored after `seq`, in insertion order. */
  after(seq: number, limit: number): Promise<StoredSubmission[]>;
  get(id: string): Promise<StoredSubmission | undefined>;
  getMany(ids: string[]): Promise<Map<string, StoredSubmission>>;
}

/**
 * Reads the reference endpoint's SQLite file (src/receiver/store.ts) through
 * its own read-only connection. An adapter: when the receiver's store grows a
 * cursor read of its own, this becomes a thin wrapper over it.
 */
export class SqliteFileSource implements SubmissionSource {
  private db: Database.Database;
  constructor(file: string) {
    this.db = new Database(file, { readonly: true, fileMustExist: true });
  }
  private row(r: { seq: number; id: string; receipt: string; receivedAt: string; body: string }): StoredSubmission {
    return { id: r.id, seq: r.seq, receipt: r.receipt, receivedAt: r.receivedAt, body: JSON.parse(r.body) as Submission, device: null };
  }
  async after(seq: number, limit: number): Promise<StoredSubmission[]> {
    return (this.db.prepare('select rowid as seq, id, receipt, received_at as receivedAt, body from submissions where rowid > ? order by rowid limit ?').all(seq, limit) as never[]).map((r) =>
      this.row(r),
    );
  }
  async get(id: string): Promise<StoredSubmission | undefined> {
    const r = this.db.prepare('select rowid as seq, id, receipt, received_at as receivedAt, body from submissions where id = ?').get(id) as never;
    return r && this.row(r);
  }
  async getMany(ids: string[]): Promise<Map<string, StoredSubmission>> {
    const out = new Map<string, StoredSubmission>();
    if (!ids.length) return out;
    const rows = this.db.prepare(`select rowid as seq, id, receipt, received_at as receivedAt, body from submissions where id in (${ids.map(() => '?').join(',')})`).all(...ids) as never[];
    for (const r of rows) {
      const s = this.row(r);
      out.set(s.id, s);
    }
    return out;
  }
  close(): void {
    this.db.close();
  }
}
