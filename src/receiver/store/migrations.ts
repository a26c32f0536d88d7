// Migrations for both databases, in one ordered list per owner. The receiver
// registers its own; another module (the reviewers' inbox) registers its
// tables the same way before the store opens:
//
//   registerMigrations('inbox', [{ id: '001-users', sqlite: '…', postgres: '…' }]);
//
// Each migration runs once, in a transaction, recorded in schema_migrations
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

/** Applies every registered migration not yet applied; returns the names it applied. */
export async function migrate(sql: Sql, exec: (ddl: string) => Promise<void> | void): Promise<string[]> {
  await exec('create table if not exists schema_migrations (name text primary key, applied_at text not null)');
  const done = new Set((await sql.all<{ name: string }>('select name from schema_migrations')).map((r) => r.name));
  const applied: string[] = [];
  for (const [owner, list] of registeredMigrations()) {
    for (const m of list) {
      const name = `${owner}/${m.id}`;
      if (done.has(name)) continue;
      await sql.transaction(async (tx) => {
        // A second process migrating at the same time: the primary key stops the double apply.
        if (await tx.get('select name from schema_migrations where name = ?', [name])) return;
        for (const stmt of (sql.dialect === 'sqlite' ? m.sqlite : m.postgres)
          .split(/;\s*\n/)
          .map((s) => s.trim())
          .filter(Boolean))
          await tx.run(stmt);
        await tx.run('insert into schema_migrations (name, applied_at) values (?, ?)', [
          name,
          new Date().toISOString(),
        ]);
      });
      applied.push(name);
    }
  }
  return applied;
}
