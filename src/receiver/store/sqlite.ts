// The embedded default: SQLite through better-sqlite3. WAL with
// synchronous=FULL, so a row is on disk before the 201 goes out. The file is
// made 0600 before SQLite opens it (its -wal and -shm take the same mode) in
// a 0700 folder.
import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Sql, SqlValue } from './sql.ts';

export function privateFile(file: string): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  chmodSync(file, 0o600);
}

export class SqliteSql implements Sql {
  readonly dialect = 'sqlite' as const;
  private db: Database.Database;
  /** Tail of the queue of transactions: better-sqlite3 is synchronous, but a transaction body awaits. */
  private queue: Promise<unknown> = Promise.resolve();
  private inTx = false;

  constructor(file: string) {
    if (file !== ':memory:') privateFile(file);
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
  }

  private async idle(): Promise<void> {
    // Statements outside a transaction wait for a running one, so they never land inside it.
    while (this.inTx) await this.queue.catch(() => {});
  }

  /** Prepared once per SQL text: preparing on every call cost about 0.4 ms a submission. */
  private statements = new Map<string, Database.Statement>();

  private stmt(sql: string) {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      // The texts are the code's own (parameters are bound, never spliced), so the map stays small; bounded anyway.
      if (this.statements.size < 500) this.statements.set(sql, s);
    }
    return s;
  }

  private allNow<T>(sql: string, params: SqlValue[]): T[] {
    return this.stmt(sql).all(...params) as T[];
  }

  private runNow(sql: string, params: SqlValue[]): { changes: number } {
    const s = this.stmt(sql);
    if (!s.reader) return { changes: s.run(...params).changes };
    s.all(...params);
    return { changes: 0 };
  }

  async all<T>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    await this.idle();
    return this.allNow<T>(sql, params);
  }

  async get<T>(sql: string, params: SqlValue[] = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  /**
   * One statement committed without waiting for the disk (synchronous=NORMAL for it alone: in WAL mode the
   * database stays consistent, and the next ordinary commit flushes it too). For counts that may be lost in
   * a crash (rate windows), so they do not add a disk flush to every submission.
   */
  async getUnflushed<T>(sql: string, params: SqlValue[] = []): Promise<T | undefined> {
    await this.idle();
    this.db.pragma('synchronous = NORMAL');
    try {
      return this.allNow<T>(sql, params)[0];
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  async run(sql: string, params: SqlValue[] = []): Promise<{ changes: number }> {
    await this.idle();
    return this.runNow(sql, params);
  }

  /** Multi-statement DDL (migrations). */
  exec(sql: string): void {
    this.db.exec(sql);
  }

  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    const tx: Sql = {
      dialect: 'sqlite',
      all: async <R>(sql: string, params: SqlValue[] = []) => this.allNow<R>(sql, params),
      get: async <R>(sql: string, params: SqlValue[] = []) => this.allNow<R>(sql, params)[0],
      run: async (sql: string, params: SqlValue[] = []) => this.runNow(sql, params),
      transaction: (inner) => inner(tx),
      close: async () => {},
    };
    const run = this.queue
      .catch(() => {})
      .then(async () => {
        await this.idle();
        this.inTx = true;
        this.db.exec('begin immediate');
        try {
          const out = await fn(tx);
          this.db.exec('commit');
          return out;
        } catch (e) {
          if (this.db.inTransaction) this.db.exec('rollback');
          throw e;
        } finally {
          this.inTx = false;
        }
      });
    this.queue = run;
    return run;
  }

  async close(): Promise<void> {
    await this.queue.catch(() => {});
    if (this.db.open) this.db.close();
  }
}
