// The one configuration: read once, checked, and shared by the server and the admin command.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../../src/admin/main.ts';
import { ConfigError, readConfig } from '../../src/config/config.ts';
import { startServer } from '../../src/server/main.ts';

const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
  try {
    readConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
};

describe('readConfig', () => {
  it('defaults: port 4173 on loopback, data/ and data-secrets/ side by side, SQLite in the data folder', () => {
    const c = readConfig({}, { dataDir: '/srv/cse/data' });
    expect(c.port).toBe(4173);
    expect(c.host).toBe('127.0.0.1');
    expect(c.secretsDir).toBe('/srv/cse/data-secrets');
    expect(c.database).toBe('/srv/cse/data/receiver.sqlite');
    expect(c.kek).toEqual({ file: '/srv/cse/data-secrets/kek' });
    expect(c.publicUrl).toBe('http://localhost:4173');
    expect(c.logLevel).toBe('info');
  });

  it('takes each setting from the environment', () => {
    const kek = Buffer.alloc(32, 7).toString('base64');
    const c = readConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      CSE_PUBLIC_URL: 'https://cse.example.gov.uk/',
      CSE_DATA_DIR: '/d',
      CSE_SECRETS_DIR: '/s',
      CSE_DATABASE_URL: 'postgres://cse@/cse',
      CSE_KEK: kek,
      CSE_CONNECT_SRC: 'https://a.example https://b.example',
      CSE_LOG_LEVEL: 'warn',
    });
    expect(c).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      publicUrl: 'https://cse.example.gov.uk',
      publicUrlSet: true,
      dataDir: '/d',
      secretsDir: '/s',
      database: 'postgres://cse@/cse',
      kek: { base64: kek },
      connectSrc: ['https://a.example', 'https://b.example'],
      logLevel: 'warn',
    });
  });

  it('names every bad setting, never its value', () => {
    const secret = 'c2VjcmV0LXRvby1zaG9ydA==';
    const problems = problemsOf({
      PORT: 'eighty',
      CSE_KEK: secret,
      CSE_PUBLIC_URL: 'cse.example',
      CSE_LOG_LEVEL: 'loud',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['CSE_KEK', 'CSE_LOG_LEVEL', 'CSE_PUBLIC_URL', 'PORT']);
    expect(problems.join(' ')).not.toContain(secret);
    expect(problems.join(' ')).not.toContain('eighty');
    expect(problemsOf({ PORT: '70000' })).toEqual(['PORT: must be 65535 or less']);
    expect(problemsOf({ CSE_CONNECT_SRC: 'ftp://x' })).toEqual([
      'CSE_CONNECT_SRC: each entry must be an http:// or https:// origin',
    ]);
    expect(problemsOf({ CSE_KEK: Buffer.alloc(32).toString('base64'), CSE_KEK_FILE: '/k' })).toEqual([
      'CSE_KEK and CSE_KEK_FILE: give one, not both',
    ]);
  });

  it('an empty variable counts as unset', () => {
    expect(readConfig({ PORT: '', CSE_PUBLIC_URL: '' }).port).toBe(4173);
  });

  it('CSE_TRUST_PROXY: addresses or CIDR blocks of the proxy in front; none by default', () => {
    expect(readConfig({}).trustProxy).toEqual([]);
    expect(readConfig({ CSE_TRUST_PROXY: '10.0.0.5, 192.168.0.0/16 ::1' }).trustProxy).toEqual([
      '10.0.0.5',
      '192.168.0.0/16',
      '::1',
    ]);
    expect(problemsOf({ CSE_TRUST_PROXY: 'true' })).toEqual([
      'CSE_TRUST_PROXY: each entry must be an IP address or a CIDR block such as 10.0.0.0/8',
    ]);
    expect(problemsOf({ CSE_TRUST_PROXY: '10.0.0.0/33' })).toHaveLength(1);
  });
});

describe('the server and the admin command read the same configuration', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  const dataDir = join(mkdtempSync(join(tmpdir(), 'cse-config-')), 'data');

  beforeAll(async () => {
    // Port 0: the system picks one, as a second server on a busy machine would get another.
    server = await startServer({ port: 0, dataDir }, {});
  });
  afterAll(() => server?.close());

  it("the admin command's enrolment link opens the running server, on the port it listens on", async () => {
    const out: string[] = [];
    expect(await runAdmin(['device', 'add', 'Ward 3 tablet'], (s) => out.push(s), { CSE_DATA_DIR: dataDir })).toBe(0);
    expect(out[1]).toMatch(new RegExp(`^http://localhost:${server.address().port}/#/enrol\\?code=`));
    expect(server.paths.port).toBe(0);
  });

  it('CSE_PUBLIC_URL wins for both: the address people open, behind a proxy', async () => {
    const out: string[] = [];
    const env = { CSE_DATA_DIR: dataDir, CSE_PUBLIC_URL: 'https://cse.example.gov.uk' };
    expect(await runAdmin(['user', 'add', 'duty@mash.example', '--role', 'reviewer'], (s) => out.push(s), env)).toBe(0);
    expect(out.at(-1)).toMatch(/^https:\/\/cse\.example\.gov\.uk\/inbox\/#\/set-password\//);
  });

  it('a bad setting stops the admin command with the problem named, before it touches the database', async () => {
    const out: string[] = [];
    expect(await runAdmin(['device', 'list'], (s) => out.push(s), { CSE_DATA_DIR: dataDir, PORT: 'x' })).toBe(2);
    expect(out.join('\n')).toMatch(/PORT: must be a port number/);
  });
});
