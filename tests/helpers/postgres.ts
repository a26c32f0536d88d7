// A real, throwaway PostgreSQL for the tests: Debian's binaries, a temporary
// data folder, a free port on loopback, trust auth for one user. As root the
// server runs as the `postgres` user (PostgreSQL refuses to run as root).
// Undefined when PostgreSQL is not installed (the suite then says so).
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

// Debian's layout: /usr/lib/postgresql/<major>/bin; the newest installed, or CSE_PG_BIN.
function findBin(): string {
  if (process.env.CSE_PG_BIN) return process.env.CSE_PG_BIN;
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((d) => /^\d+$/.test(d))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  return majors.length ? join(root, majors[0]!, 'bin') : join(root, '15', 'bin');
}
const BIN = findBin();

export interface TestPostgres {
  url: string;
  port: number;
  dir: string;
  /** pg_dump of the whole database (by default `postgres`; a test file's own with its name), as text. */
  dump(database?: string): string;
  stop(): void;
}

export function postgresAvailable(): boolean {
  return existsSync(join(BIN, 'initdb')) && existsSync(join(BIN, 'pg_ctl'));
}

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

function asServerUser(cmd: string, args: string[]): void {
  const root = userInfo().uid === 0;
  const r = root
    ? spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8' })
    : spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout}`);
}

export async function startPostgres(): Promise<TestPostgres | undefined> {
  if (!postgresAvailable()) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'cse-pg-'));
  const root = userInfo().uid === 0;
  if (root) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  asServerUser(join(BIN, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'cse', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  asServerUser(join(BIN, 'pg_ctl'), [
    '-D',
    data,
    '-l',
    join(dir, 'log'),
    '-w',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
    'start',
  ]);
  const url = `postgres://cse@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    dir,
    dump: (database = 'postgres') =>
      execFileSync(join(BIN, 'pg_dump'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'cse', database], {
        encoding: 'utf8',
        maxBuffer: 1 << 30,
      }),
    stop() {
      try {
        asServerUser(join(BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true, maxRetries: 20, retryDelay: 250 });
      }
    },
  };
}

/** A fresh database on the running server, for one test file's isolation. */
export async function freshDatabase(pg: TestPostgres, name: string): Promise<string> {
  const { default: pgm } = await import('pg');
  const c = new pgm.Client({ connectionString: pg.url });
  await c.connect();
  await c.query(`create database ${name}`);
  await c.end();
  return pg.url.replace(/\/postgres$/, `/${name}`);
}
