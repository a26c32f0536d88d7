// The reference endpoint's embedded database: SQLite (better-sqlite3) under
// ./data, WAL with synchronous=FULL so a row is on disk before the 201 goes
// out. The submission id is the primary key: storing twice is impossible.
import Database from 'better-sqlite3';
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export interface StoredReceipt {
  id: string;
  receipt: string;
  receivedAt: string;
  disagreement: string | null;
}

export interface StoredRow extends StoredReceipt {
  instrumentId: string;
  kind: string;
  level: string | null;
  body: unknown;
}

export type InsertOutcome =
  | { status: 'created'; stored: StoredReceipt }
  | { status: 'duplicate'; stored: StoredReceipt }
  | { status: 'conflict'; stored: StoredReceipt };

export class SubmissionStore {
  private db: Database.Database;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`
      create table if not exists submissions (
        id text primary key,
        receipt text not null unique,
        received_at text not null,
        instrument_id text not null,
        kind text not null,
        level text,
        body_sha256 text not null,
        body text not null,
        disagreement text
      )`);
  }

  /** Stores a submission once. A repeat with the same body gets the same receipt; a different body under the same id is a conflict. */
  insertOnce(input: { id: string; instrumentId: string; kind: string; level: string | null; body: string; disagreement: string | null }): InsertOutcome {
    const sha = createHash('sha256').update(input.body).digest('hex');
    return this.db.transaction((): InsertOutcome => {
      const existing = this.db.prepare('select id, receipt, received_at as receivedAt, disagreement, body_sha256 as sha from submissions where id = ?').get(input.id) as
        | (StoredReceipt & { sha: string })
        | undefined;
      if (existing) {
        const { sha: had, ...stored } = existing;
        return { status: had === sha ? 'duplicate' : 'conflict', stored };
      }
      const stored: StoredReceipt = { id: input.id, receipt: `R-${randomUUID()}`, receivedAt: new Date().toISOString(), disagreement: input.disagreement };
      this.db
        .prepare('insert into submissions (id, receipt, received_at, instrument_id, kind, level, body_sha256, body, disagreement) values (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(stored.id, stored.receipt, stored.receivedAt, input.instrumentId, input.kind, input.level, sha, input.body, input.disagreement);
      return { status: 'created', stored };
    })();
  }

  list(): StoredRow[] {
    const rows = this.db
      .prepare('select id, receipt, received_at as receivedAt, instrument_id as instrumentId, kind, level, disagreement, body from submissions order by received_at, rowid')
      .all() as (Omit<StoredRow, 'body'> & { body: string })[];
    return rows.map((r) => ({ ...r, body: JSON.parse(r.body) }));
  }

  count(): number {
    return (this.db.prepare('select count(*) as n from submissions').get() as { n: number }).n;
  }

  close(): void {
    this.db.close();
  }
}
