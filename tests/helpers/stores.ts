// The receiver's stores under test: SQLite always, PostgreSQL when Debian's
// binaries are installed (`.ci/run` installs them). Each test file gets a
// fresh database of its own.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Envelope } from '../../src/receiver/store/envelope.ts';
import { type TestPostgres, freshDatabase, postgresAvailable, startPostgres } from './postgres.ts';

export type StoreKind = 'sqlite' | 'postgres';

export const STORE_KINDS: StoreKind[] = postgresAvailable() ? ['sqlite', 'postgres'] : ['sqlite'];
if (!postgresAvailable())
  console.warn('PostgreSQL is not installed: the PostgreSQL half of the store suite is skipped');

let pg: TestPostgres | undefined;
let n = 0;

/** A database address for a fresh store of the kind: a SQLite file in a new temp folder, or a new PostgreSQL database. */
export async function freshDatabaseUrl(kind: StoreKind): Promise<{ database: string; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), `cse-${kind}-`));
  if (kind === 'sqlite') return { database: join(dataDir, 'receiver.sqlite'), dataDir };
  pg ??= await startPostgres();
  return { database: await freshDatabase(pg!, `t${process.pid}_${++n}_${randomBytes(3).toString('hex')}`), dataDir };
}

/** Starts the shared test PostgreSQL if this run uses one (call from beforeAll with a long timeout). */
export async function ensurePostgres(): Promise<void> {
  if (STORE_KINDS.includes('postgres')) pg ??= await startPostgres();
}

export function testPostgres(): TestPostgres | undefined {
  return pg;
}

export function stopPostgres(): void {
  pg?.stop();
  pg = undefined;
}

export function testEnvelope(): Envelope {
  return new Envelope(randomBytes(32), 'test-kek');
}
