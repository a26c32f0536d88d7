// Migrations for both databases, in one ordered list per owner. The receiver
// registers its own; another module (the reviewers' inbox) registers its
// tables the same way before the store opens:
//
//   registerMigrations('inbox', [{ id: '001-users', sqlite: '…', postgres: '…' }]);
//
// Each migration runs once, recorded in schema_migrations
// as "<owner>/<id>". Never edit a migration that has shipped: add a new one.
import type { Sql } from './sql.ts';

export interface Migration {
  id: string;
  sqlite: string;
  postgres: string;
}

const registry = new Map<string, Migration[]>();

export function registerMigrations(owner: string, migrations: Migration[]): void {
  registry.set(owner, migrations);
}

export function registeredMigrations(): [string, Migration[]][] {
  return [...registry.entries()];
}

// Any key for PostgreSQL's transaction-scoped advisory lock that serialises migrating instances.
const MIGRATIONS_LOCK = 74_201_156;

/**
 * Applies every registered migration not yet applied; returns the names it applied.
 *
 * All in one transaction that first takes the database for itself (PostgreSQL: an advisory lock, held until
 * commit; SQLite: `begin immediate`), so instances starting together on an empty database take turns: the
 * first migrates, the others then find nothing left to do (issue 24: without it, one of two failed with a
 * duplicate key on `create table`). PostgreSQL's DDL is transactional, so a failed migration leaves nothing.
 */
// The second parameter (a DDL runner) is no longer needed: every statement runs in the transaction.
export async function migrate(sql: Sql, _exec?: (ddl: string) => unknown): Promise<string[]> {
  return sql.transaction(async (tx) => {
    if (tx.dialect === 'postgres') await tx.get('select pg_advisory_xact_lock(?)', [MIGRATIONS_LOCK]);
    await tx.run('create table if not exists schema_migrations (name text primary key, applied_at text not null)');
    const done = new Set((await tx.all<{ name: string }>('select name from schema_migrations')).map((r) => r.name));
    const applied: string[] = [];
    for (const [owner, list] of registeredMigrations()) {
      for (const m of list) {
        const name = `${owner}/${m.id}`;
        if (done.has(name)) continue;
        for (const stmt of (sql.dialect === 'sqlite' ? m.sqlite : m.postgres)
          .split(/;\s*\n/)
          .map((s) => s.trim())
          .filter(Boolean))
          await tx.run(stmt);
        await tx.run('insert into schema_migrations (name, applied_at) values (?, ?)', [
          name,
          new Date().toISOString(),
        ]);
        applied.push(name);
      }
    }
    return applied;
  });
}
