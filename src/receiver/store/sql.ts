// One small SQL surface over both databases, so the receiver's tables (and
// the inbox's, later) are written once. Placeholders are `?` in every query;
// the PostgreSQL side numbers them ($1, $2…). Values are text, integers and
// nulls only (no booleans, no blobs), which both databases store alike.
export type SqlValue = string | number | null;

export interface Sql {
  readonly dialect: 'sqlite' | 'postgres';
  all<T>(sql: string, params?: SqlValue[]): Promise<T[]>;
  get<T>(sql: string, params?: SqlValue[]): Promise<T | undefined>;
  /** Runs a statement; `changes` is the number of rows it wrote. */
  run(sql: string, params?: SqlValue[]): Promise<{ changes: number }>;
  /** Runs `fn` in one transaction (serialised on SQLite; READ COMMITTED with row locks on PostgreSQL). */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** `?` → `$1, $2…` for PostgreSQL. Our SQL never has a `?` inside a string literal. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}
