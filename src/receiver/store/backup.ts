// Backup and restore of the whole database (the receiver's tables and the
// inbox's beside them), as one file, while the server runs. Bodies stay as
// they are stored: sealed under data keys wrapped by the KEK, the child
// reference and notes sealed with the inbox key. The secrets folder is never
// read here, so a backup file alone names no child; it is kept apart and
// restored apart.
//   SQLite      better-sqlite3's online backup API: a consistent copy of the
//               file while writers carry on (it restarts a step when a page
//               changes under it).
//   PostgreSQL  pg_dump's custom format (one snapshot in one transaction),
//               restored with pg_restore in one transaction.
// A restore goes only into an EMPTY store: it never merges into, nor
// overwrites, a database that holds anything.
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { privateFile } from './sqlite.ts';

export class BackupError extends Error {
  override name = 'BackupError';
}

export type BackupKind = 'sqlite' | 'postgres';

const isPostgres = (database: string) => /^postgres(ql)?:\/\//.test(database);

/** What a file holds, by its first bytes: a SQLite database, a pg_dump archive, or neither. */
export function backupKind(file: string): BackupKind | undefined {
  const head = Buffer.alloc(16);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString('latin1') === 'SQLite format 3\u0000') return 'sqlite';
  if (head.subarray(0, 5).toString('latin1') === 'PGDMP') return 'postgres';
  return undefined;
}

/**
 * The connection as libpq's environment (PGHOST…), so a password never appears
 * on a command line (where `ps` shows it to every user of the machine).
 */
function libpqEnv(url: string): NodeJS.ProcessEnv {
  const u = new URL(url);
  const env: NodeJS.ProcessEnv = { ...process.env, PGHOST: u.hostname || 'localhost', PGPORT: u.port || '5432' };
  if (u.username) env.PGUSER = decodeURIComponent(u.username);
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  env.PGDATABASE = decodeURIComponent(u.pathname.replace(/^\//, '')) || env.PGUSER;
  const ssl = u.searchParams.get('sslmode');
  if (ssl) env.PGSSLMODE = ssl;
  return env;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    child.on('error', (e) =>
      fail(
        new BackupError(
          `${cmd} could not be run (${(e as NodeJS.ErrnoException).code ?? e.message}): install PostgreSQL's client tools (Debian: postgresql-client) in the same major version as the server.`,
        ),
      ),
    );
    // pg_dump's messages name tables and options, never row contents.
    child.on('exit', (code) =>
      code === 0 ? ok() : fail(new BackupError(`${cmd} failed (exit ${code}): ${err.trim().split('\n').pop()}`)),
    );
  });
}

/** Writes a consistent copy of the database to `file` (which must not exist yet); returns what kind it is. */
export async function backupDatabase(database: string, file: string): Promise<BackupKind> {
  if (database === ':memory:') throw new BackupError('An in-memory store cannot be backed up.');
  if (existsSync(file)) throw new BackupError(`${file} already exists: give a new file name (nothing was written).`);
  if (!existsSync(dirname(file))) throw new BackupError(`The folder ${dirname(file)} does not exist.`);
  // Written beside the target and renamed at the end: a half-written backup never carries its name.
  const partial = join(dirname(file), `.${Date.now().toString(36)}.partial`);
  privateFile(partial);
  try {
    if (isPostgres(database)) {
      await run(
        'pg_dump',
        ['--format=custom', '--no-owner', '--no-privileges', `--file=${partial}`],
        libpqEnv(database),
      );
    } else {
      if (!existsSync(database)) throw new BackupError(`There is no database at ${database} to back up.`);
      const db = new Database(database, { readonly: true, fileMustExist: true });
      try {
        await db.backup(partial);
      } finally {
        db.close();
      }
    }
    renameSync(partial, file);
  } finally {
    rmSync(partial, { force: true });
  }
  return isPostgres(database) ? 'postgres' : 'sqlite';
}

/** The tables a store holds (none: it is empty, a restore may go there). */
async function tablesIn(database: string): Promise<number> {
  if (isPostgres(database)) {
    const c = new pg.Client({ connectionString: database });
    await c.connect();
    try {
      const r = await c.query<{ n: string }>(
        "select count(*) as n from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'",
      );
      return Number(r.rows[0]!.n);
    } finally {
      await c.end();
    }
  }
  if (!existsSync(database) || statSync(database).size === 0) return 0;
  const db = new Database(database, { readonly: true, fileMustExist: true });
  try {
    return Number(
      (db.prepare("select count(*) as n from sqlite_master where type = 'table'").get() as { n: number }).n,
    );
  } finally {
    db.close();
  }
}

/**
 * Restores a backup into the configured store, which must be empty (no
 * tables): a store that holds anything is refused, and nothing is changed.
 */
export async function restoreDatabase(database: string, file: string): Promise<BackupKind> {
  if (!existsSync(file)) throw new BackupError(`There is no backup file at ${file}.`);
  const kind = backupKind(file);
  if (!kind) throw new BackupError(`${file} is not a backup made by this service (neither SQLite nor pg_dump).`);
  const target: BackupKind = isPostgres(database) ? 'postgres' : 'sqlite';
  if (kind !== target)
    throw new BackupError(
      `${file} is a backup of a ${kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'} store, but the configured store is ${target === 'sqlite' ? 'SQLite (CSE_DATABASE_URL is not set)' : 'PostgreSQL (CSE_DATABASE_URL)'}. Nothing was restored.`,
    );
  const tables = await tablesIn(database);
  if (tables > 0)
    throw new BackupError(
      `The configured store is not empty (it holds ${tables} table${tables === 1 ? '' : 's'}): a backup is restored only into an empty store, so nothing held is overwritten. Point the configuration at a new database (or an empty data folder) and run restore again. Nothing was restored.`,
    );
  if (target === 'postgres') {
    // One transaction: a restore that fails half-way leaves the database empty, as it was.
    // The database by name; host, user and password from the environment (never on the command line).
    const env = libpqEnv(database);
    await run(
      'pg_restore',
      ['--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', `--dbname=${env.PGDATABASE}`, file],
      env,
    );
    return kind;
  }
  // Checked before it is copied: a damaged file is refused, not restored.
  const src = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const check = src.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new BackupError(`${file} is damaged (SQLite's check says: ${String(check)}).`);
    for (const extra of ['', '-wal', '-shm']) rmSync(`${database}${extra}`, { force: true });
    privateFile(database);
    await src.backup(database);
  } finally {
    src.close();
  }
  return kind;
}
