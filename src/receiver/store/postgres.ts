// PostgreSQL through `pg`, for a service that outgrows one machine:
// CSE_DATABASE_URL=postgres://user:pass@host/db. Counts come back as numbers
// (int8 parsed), everything else as the text and integers we wrote.
import pg from 'pg';
import { type Sql, type SqlValue, numberPlaceholders } from './sql.ts';

pg.types.setTypeParser(20, (v) => Number(v)); // int8 (count(*), bigint ids) as a number

type Queryable = Pick<pg.Pool, 'query'>;

function wrap(
  q: Queryable,
  close: () => Promise<void>,
  tx: (fn: (tx: Sql) => Promise<unknown>) => Promise<unknown>,
): Sql {
  const sql: Sql = {
    dialect: 'postgres',
    all: async <T>(text: string, params: SqlValue[] = []) =>
      (await q.query(numberPlaceholders(text), params)).rows as T[],
    get: async <T>(text: string, params: SqlValue[] = []) =>
      (await q.query(numberPlaceholders(text), params)).rows[0] as T | undefined,
    run: async (text: string, params: SqlValue[] = []) => ({
      changes: (await q.query(numberPlaceholders(text), params)).rowCount ?? 0,
    }),
    transaction: tx as Sql['transaction'],
    close,
  };
  return sql;
}

export function postgresSql(url: string, max = 10): Sql & { exec(sql: string): Promise<void> } {
  const pool = new pg.Pool({ connectionString: url, max, idleTimeoutMillis: 10_000, connectionTimeoutMillis: 10_000 });
  // A dropped connection in the pool must not take the process down.
  pool.on('error', () => {});
  const transaction = async <T>(fn: (tx: Sql) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query('begin');
      const inner: Sql = wrap(
        client,
        async () => {},
        (f) => f(inner),
      );
      const out = await fn(inner);
      await client.query('commit');
      return out;
    } catch (e) {
      await client.query('rollback').catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  };
  const sql = wrap(pool, () => pool.end(), transaction as (fn: (tx: Sql) => Promise<unknown>) => Promise<unknown>);
  return Object.assign(sql, { exec: async (text: string) => void (await pool.query(text)) });
}
