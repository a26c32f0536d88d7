// Issue 23, attacked as a red team would (loopback only, bounded): the
// sign-in limit under concurrency (SQLite, and two servers sharing one
// PostgreSQL), password hashing that cannot starve the server, an audit
// strangers cannot flood, set-password links that void older ones, a second
// factor (TOTP) at every sign-in, and addresses from the configuration, not
// from a request's headers.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PER_ACCOUNT, MAX_PER_ADDRESS, WINDOW_MS } from '../../src/inbox-server/throttle.ts';
import { runAdmin } from '../../src/admin/main.ts';
import { inboxRoutes } from '../../src/inbox-server/plugin.ts';
import { REQUESTS_PER_ACCOUNT } from '../../src/inbox-server/service.ts';
import { startServer } from '../../src/server/main.ts';
import { makeProof, newDeviceKey } from '../../src/sync/device-proof.ts';
import { PASSWORD, account, nextCode, rememberSecret, signIn, useLink } from '../helpers/inbox.ts';
import { STORE_KINDS, freshDatabaseUrl, stopPostgres } from '../helpers/stores.ts';

afterAll(() => stopPostgres());

type Server = Awaited<ReturnType<typeof startServer>>;

/** A request over node:http, from a chosen loopback address (127.0.0.x), with any Host header. */
/** A request whose path is sent exactly as written (no URL parsing on the way: no dot segments resolved). */
function rawCall(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((ok, fail) => {
    const req = request({ hostname, port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

function call(
  base: string,
  method: string,
  path: string,
  opts: { body?: unknown; headers?: Record<string, string>; from?: string; agent?: Agent } = {},
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((ok, fail) => {
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const req = request(
      `${base}${path}`,
      {
        method,
        ...(opts.from ? { localAddress: opts.from } : {}),
        ...(opts.agent ? { agent: opts.agent } : {}),
        headers: { ...(body ? { 'Content-Type': 'application/json' } : {}), ...opts.headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => ok({ status: res.statusCode!, body: text, headers: res.headers }));
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}

async function fresh(kind: 'sqlite' | 'postgres', env: NodeJS.ProcessEnv = {}, database?: string): Promise<Server> {
  const db = await freshDatabaseUrl(kind);
  const distDir = join(db.dataDir, 'dist');
  mkdirSync(join(distDir, 'inbox'), { recursive: true });
  writeFileSync(join(distDir, 'inbox', 'index.html'), '<!doctype html><title>CSE inbox</title>');
  return startServer(
    {
      port: 0,
      dataDir: join(db.dataDir, 'data'),
      database: database ?? (kind === 'postgres' ? db.database : join(db.dataDir, 'data', 'receiver.sqlite')),
      distDir,
    },
    { ...process.env, CSE_PUBLIC_URL: '', CSE_TRUST_PROXY: '', ...env },
  );
}

const auditRows = async (s: Server, action?: string) =>
  Number(
    (await s.inbox.sql.get<{ n: number | string }>(
      `select count(*) as n from inbox_audit${action ? ' where action = ?' : ''}`,
      action ? [action] : [],
    ))!.n,
  );

/**
 * `n` unauthenticated sign-ins at once from a worker thread (its own event loop), spread over the
 * servers `to` (by address), each naming its server's origin; their statuses and Retry-After headers.
 */
function floodFromWorker(
  n: number,
  to: string[],
  origins: string[],
): Promise<{ status: number; headers: Record<string, string | undefined> }[]> {
  const worker = new Worker(
    `const { request, Agent } = require('node:http');
     const { parentPort, workerData: { n, to, origins } } = require('node:worker_threads');
     const agents = to.map(() => new Agent({ keepAlive: true, maxSockets: n }));
     Promise.all(Array.from({ length: n }, (_, i) => new Promise((ok) => {
       const k = i % to.length;
       const body = JSON.stringify({ email: 'guess' + i + '@example.org', password: 'wrong guess here', code: '123456' });
       const req = request(to[k] + '/inbox/api/session', { method: 'POST', agent: agents[k],
         headers: { 'Content-Type': 'application/json', Origin: origins[k] } }, (res) => {
         res.resume();
         res.on('end', () => ok({ status: res.statusCode, headers: { 'retry-after': res.headers['retry-after'] } }));
       });
       req.on('error', (e) => ok({ status: 0, headers: {}, error: e.message }));
       req.end(body);
     }))).then((r) => { for (const a of agents) a.destroy(); parentPort.postMessage(r); });`,
    { eval: true, workerData: { n, to, origins } },
  );
  return new Promise((ok, fail) => {
    worker.once('message', (r) => {
      ok(r);
      void worker.terminate();
    });
    worker.once('error', fail);
  });
}

/** `n` requests, `width` at a time. */
async function burst<T>(n: number, width: number, one: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await one(i);
      }
    }),
  );
  return out;
}

describe.each(STORE_KINDS)('issue 23 on %s', (kind) => {
  let server: Server;
  let base: string;
  /** On PostgreSQL a second server on the same database, as two instances behind one address would be. */
  let servers: Server[] = [];
  let bases: string[] = [];
  beforeAll(async () => {
    server = await fresh(kind);
    base = `http://localhost:${server.address().port}`;
    servers = [server];
    if (kind === 'postgres') servers.push(await fresh('postgres', {}, server.paths.database));
    bases = servers.map((s) => `http://localhost:${s.address().port}`);
    await account(server.inbox, 'admin@example.org', 'admin');
  }, 60_000);
  afterAll(async () => {
    for (const s of servers.slice(1)) await s.close();
    await server?.close();
  });

  const signInFrom = (from: string, email: string, password: string, code = '123456') =>
    call(base, 'POST', '/inbox/api/session', {
      from,
      headers: { Origin: base },
      body: { email, password, code },
    });

  describe('1. the sign-in limit holds under concurrency', () => {
    it(`100 concurrent wrong passwords for one account${kind === 'postgres' ? ', half to each of two servers' : ''}: at most ${MAX_PER_ACCOUNT} checked (401), the rest 429; the right password is 429 until the window ends`, async () => {
      await account(server.inbox, 'target@example.org', 'reviewer');
      const statuses = await Promise.all(
        Array.from({ length: 100 }, (_, i) => {
          const to = bases[i % bases.length]!;
          return call(to, 'POST', '/inbox/api/session', {
            from: '127.0.0.2',
            headers: { Origin: to },
            body: { email: 'target@example.org', password: `wrong guess ${i}`, code: '123456' },
          });
        }),
      );
      const checked = statuses.filter((r) => r.status === 401).length;
      const limited = statuses.filter((r) => r.status === 429).length;
      console.log(`throttle on ${kind}: 100 concurrent guesses, ${checked} checked, ${limited} refused with 429`);
      expect(checked).toBeLessThanOrEqual(MAX_PER_ACCOUNT);
      expect(limited).toBe(100 - checked);
      // Even the right password (and code) is refused, on every server, until the window ends: the clock is moved.
      const code = await nextCode('target@example.org');
      const right = (to: string) =>
        call(to, 'POST', '/inbox/api/session', {
          from: '127.0.0.3',
          headers: { Origin: to },
          body: { email: 'target@example.org', password: PASSWORD, code },
        });
      const start = Date.now();
      try {
        for (const [offset, want] of [
          [0, 429],
          [WINDOW_MS - 5_000, 429],
          [WINDOW_MS + 1_000, 200],
        ] as const) {
          for (const s of servers) s.inbox.throttle.now = () => Date.now() + offset;
          for (const to of want === 429 ? bases : [base]) {
            const res = await right(to);
            expect(`${offset}: ${res.status}`).toBe(`${offset}: ${want}`);
            if (want === 429) {
              const retry = Number(res.headers['retry-after']);
              expect(retry).toBeGreaterThan(0);
              expect(retry).toBeLessThanOrEqual(Math.ceil((WINDOW_MS - offset + Date.now() - start) / 1000) + 1);
            }
          }
        }
      } finally {
        for (const s of servers) s.inbox.throttle.now = Date.now;
      }
    }, 60_000);

    it(`per address: 60 concurrent guesses at 60 accounts from one address, at most ${MAX_PER_ADDRESS} checked`, async () => {
      const statuses = await Promise.all(
        Array.from({ length: 60 }, (_, i) => signInFrom('127.0.0.4', `nobody${i}@example.org`, 'wrong guess here')),
      );
      expect(statuses.filter((r) => r.status === 401).length).toBeLessThanOrEqual(MAX_PER_ADDRESS);
      // A success gives its reservation back: good sign-ins from a busy office address do not use up its limit.
      await account(server.inbox, 'office@example.org', 'reviewer');
      for (let i = 0; i < 2; i++)
        expect(
          (await signInFrom('127.0.0.10', 'office@example.org', PASSWORD, await nextCode('office@example.org'))).status,
        ).toBe(200);
      for (let i = 0; i < MAX_PER_ADDRESS; i++)
        expect((await signInFrom('127.0.0.10', `typo${i}@example.org`, 'wrong guess here')).status).toBe(401);
      expect((await signInFrom('127.0.0.10', 'typo@example.org', 'wrong guess here')).status).toBe(429);
    }, 60_000);

    it('throttled sign-ins are summarised in the audit, not written one by one', async () => {
      await server.inbox.audit.flush();
      const before = await auditRows(server, 'login-throttled');
      await Promise.all(
        Array.from({ length: 100 }, () => signInFrom('127.0.0.2', 'target@example.org', 'another wrong guess')),
      );
      await server.inbox.audit.flush();
      expect((await auditRows(server, 'login-throttled')) - before).toBeLessThanOrEqual(2);
    }, 60_000);
  });

  describe('3. strangers cannot flood the append-only audit', () => {
    it(`2,000 cross-site POSTs${kind === 'postgres' ? ' to two servers' : ''}: the audit grows by at most 10 rows, which still count every one`, async () => {
      for (const s of servers) await s.inbox.audit.flush();
      const before = await auditRows(server);
      const lastId = Number(
        (await server.inbox.sql.get<{ id: number | string | null }>('select max(id) as id from inbox_audit'))!.id ?? 0,
      );
      const agents = bases.map(() => new Agent({ keepAlive: true, maxSockets: 20 }));
      const res = await burst(2000, 20, (i) =>
        call(bases[i % bases.length]!, 'POST', '/inbox/api/users', {
          agent: agents[i % bases.length]!,
          headers: { Origin: 'https://evil.example' },
          body: { email: 'mole@evil.example', role: 'admin' },
        }),
      );
      for (const a of agents) a.destroy();
      expect(res.every((r) => r.status === 403)).toBe(true);
      for (const s of servers) await s.inbox.audit.flush();
      const written = (await auditRows(server)) - before;
      console.log(`audit on ${kind}: 2,000 cross-site POSTs wrote ${written} row(s)`);
      expect(written).toBeLessThanOrEqual(10);
      // Nothing is lost: the first of a minute is a row of its own, the rest one row saying how many more.
      const rows = await server.inbox.sql.all<{ detail: string; action: string }>(
        'select detail, action from inbox_audit where id > ?',
        [lastId],
      );
      expect(rows.every((r) => r.action === 'forbidden' && /cross-site request refused/.test(r.detail))).toBe(true);
      const counted = rows.reduce((n, r) => n + Number(/^(\d+) more refused/.exec(r.detail)?.[1] ?? 1), 0);
      expect(counted).toBe(2000);
    }, 120_000);

    it('a signed-in caller still leaves one row per action', async () => {
      const cookie = (await signIn(base, 'admin@example.org')).cookie!;
      const before = await auditRows(server, 'audit-view');
      for (let i = 0; i < 3; i++)
        expect((await call(base, 'GET', '/inbox/api/audit', { headers: { Cookie: cookie } })).status).toBe(200);
      expect((await auditRows(server, 'audit-view')) - before).toBe(3);
    });

    it(`a signed-in reviewer's script: past ${REQUESTS_PER_ACCOUNT} requests a minute${kind === 'postgres' ? ' over two servers' : ''} refused (429) and summarised; the audit grows by the allowance, a colleague is unaffected`, async () => {
      await account(server.inbox, 'looper@example.org', 'reviewer', ['Bolton']);
      await account(server.inbox, 'colleague@example.org', 'reviewer', ['Bolton']);
      const cookie = (await signIn(base, 'looper@example.org')).cookie!;
      const colleague = (await signIn(base, 'colleague@example.org')).cookie!;
      for (const s of servers) await s.inbox.audit.flush();
      const before = await auditRows(server);
      const agents = bases.map(() => new Agent({ keepAlive: true, maxSockets: 10 }));
      const tries = REQUESTS_PER_ACCOUNT + 300;
      const res = await burst(tries, 10, (i) =>
        call(bases[i % bases.length]!, 'GET', '/inbox/api/referrals?view=queue', {
          agent: agents[i % bases.length]!,
          headers: { Cookie: cookie },
        }),
      );
      for (const a of agents) a.destroy();
      const ok = res.filter((r) => r.status === 200).length;
      const refused = res.filter((r) => r.status === 429);
      // Two sign-ins' own requests count too, so a little under the allowance may be left for the list.
      expect(ok).toBeLessThanOrEqual(REQUESTS_PER_ACCOUNT);
      expect(ok).toBeGreaterThan(REQUESTS_PER_ACCOUNT - 10);
      expect(refused.length).toBe(tries - ok);
      expect(Number(refused[0]!.headers['retry-after'])).toBeGreaterThan(0);
      expect(JSON.parse(refused[0]!.body).error.code).toBe('rate-limited');
      // The colleague's own allowance is untouched.
      expect(
        (await call(base, 'GET', '/inbox/api/referrals?view=queue', { headers: { Cookie: colleague } })).status,
      ).toBe(200);
      for (const s of servers) await s.inbox.audit.flush();
      const written = (await auditRows(server)) - before;
      console.log(`audit on ${kind}: ${tries} requests by one account wrote ${written} row(s)`);
      // One row per look allowed, the colleague's, and the refusals as a row and a count per server.
      expect(written).toBeLessThanOrEqual(ok + 1 + 2 * servers.length);
      const summary = await server.inbox.sql.all<{ detail: string }>(
        "select detail from inbox_audit where action = 'rate-limited' and actor = 'looper@example.org'",
      );
      const counted = summary.reduce((n, r) => n + Number(/^(\d+) more refused/.exec(r.detail)?.[1] ?? 1), 0);
      expect(counted).toBe(refused.length);
    }, 120_000);
  });

  describe('4. set-password links', () => {
    it('a new link voids older unused ones; setting a password voids them all', async () => {
      const { user, token: first } = await server.inbox.accounts.add({ email: 'links@example.org', role: 'reviewer' });
      const second = await server.inbox.accounts.issueSetPasswordToken(user.id);
      expect(await server.inbox.accounts.tokenUser(first)).toBeUndefined();
      const check = (token: string) =>
        call(base, 'POST', '/inbox/api/set-password/check', {
          headers: { Origin: base },
          body: { token },
        });
      expect((await check(first)).status).toBe(400);
      const offered = JSON.parse((await check(second)).body);
      const secret = offered.secondFactor.secret.replace(/\s+/g, '');
      const set = await call(base, 'POST', '/inbox/api/set-password', {
        headers: { Origin: base },
        body: { token: second, password: PASSWORD, code: await generate({ secret }) },
      });
      expect(set.status).toBe(200);
      // The older link cannot reset the password the owner has just set.
      const old = await call(base, 'POST', '/inbox/api/set-password', {
        headers: { Origin: base },
        body: { token: first, password: 'an attacker password', code: await generate({ secret }) },
      });
      expect(old.status).toBe(400);
      expect(JSON.parse(old.body).error.code).toBe('token');
      // Links issued before the password was set, then the password set with a newer one: all void.
      const a = await server.inbox.accounts.issueSetPasswordToken(user.id);
      const b = await server.inbox.accounts.issueSetPasswordToken(user.id);
      expect(await server.inbox.accounts.tokenUser(a)).toBeUndefined();
      expect(await server.inbox.accounts.tokenUser(b)).toBeDefined();
    });
  });

  describe('5. a second factor at every sign-in', () => {
    it('enrolment with the link: the secret as text and a QR code, confirmed by a code; sealed at rest', async () => {
      const { token } = await server.inbox.accounts.add({ email: 'enrol@example.org', role: 'reviewer' });
      const check = async () =>
        JSON.parse(
          (await call(base, 'POST', '/inbox/api/set-password/check', { headers: { Origin: base }, body: { token } }))
            .body,
        );
      const offered = await check();
      expect(offered.email).toBe('enrol@example.org');
      expect(offered.secondFactor.secret).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/);
      expect(offered.secondFactor.uri).toMatch(/^otpauth:\/\/totp\/CSE%20Screen%20inbox:enrol%40example.org\?secret=/);
      expect(offered.secondFactor.qrSvg).toMatch(/^<svg/);
      // The same secret on a second visit (the app already holds it).
      expect((await check()).secondFactor.secret).toBe(offered.secondFactor.secret);
      const secret = offered.secondFactor.secret.replace(/\s+/g, '');
      const setWith = (code: string) =>
        call(base, 'POST', '/inbox/api/set-password', {
          headers: { Origin: base },
          body: { token, password: PASSWORD, code },
        });
      const wrong = await setWith('000000');
      expect(wrong.status).toBe(400);
      expect(JSON.parse(wrong.body).error.code).toBe('second-factor-code');
      const step = Math.floor(Date.now() / 30_000);
      expect((await setWith(await generate({ secret, epoch: step * 30 - 29 }))).status).toBe(200);
      rememberSecret('enrol@example.org', secret, step - 1);
      // At rest the secret is sealed with the inbox key.
      const raw = JSON.stringify([
        await server.inbox.sql.all('select * from inbox_users'),
        await server.inbox.sql.all('select * from inbox_set_password_tokens'),
      ]);
      expect(raw).not.toContain(secret);
      expect((await server.inbox.audit.list({ action: 'password-set', limit: 1 }))[0]!.actor).toBe('enrol@example.org');
    });

    it('no session without the code; a wrong code is refused like a wrong password; a code is accepted once', async () => {
      await account(server.inbox, 'second@example.org', 'reviewer');
      const post = (body: unknown) =>
        call(base, 'POST', '/inbox/api/session', { from: '127.0.0.6', headers: { Origin: base }, body });
      const none = await post({ email: 'second@example.org', password: PASSWORD });
      expect(none.status).toBe(400);
      expect(none.headers['set-cookie']).toBeUndefined();
      const wrong = await post({ email: 'second@example.org', password: PASSWORD, code: '000000' });
      expect(wrong.status).toBe(401);
      expect(JSON.parse(wrong.body).error.code).toBe('bad-credentials');
      expect(wrong.headers['set-cookie']).toBeUndefined();
      const code = await nextCode('second@example.org');
      const ok = await post({ email: 'second@example.org', password: PASSWORD, code });
      expect(ok.status).toBe(200);
      expect(String(ok.headers['set-cookie'])).toMatch(/^cse-inbox=/);
      const replay = await post({ email: 'second@example.org', password: PASSWORD, code });
      expect(replay.status).toBe(401);
    });

    it(`wrong codes are throttled like passwords: after ${MAX_PER_ACCOUNT}, even the right code is refused`, async () => {
      await account(server.inbox, 'codes@example.org', 'reviewer');
      for (let i = 0; i < MAX_PER_ACCOUNT; i++)
        expect((await signInFrom('127.0.0.7', 'codes@example.org', PASSWORD, `00000${i}`)).status).toBe(401);
      const right = await signInFrom('127.0.0.8', 'codes@example.org', PASSWORD, await nextCode('codes@example.org'));
      expect(right.status).toBe(429);
    });

    it('an account with a password but no second factor gets no session', async () => {
      const user = await account(server.inbox, 'older@example.org', 'reviewer');
      await server.inbox.sql.run('update inbox_users set totp_sealed = null where id = ?', [user.id]);
      // Admins see it (the Users screen, `user list`): such an account needs a new link.
      expect(await server.inbox.accounts.byId(user.id)).toMatchObject({ hasPassword: true, hasSecondFactor: false });
      const res = await signInFrom('127.0.0.9', 'older@example.org', PASSWORD, '123456');
      expect(res.status).toBe(403);
      expect(JSON.parse(res.body).error.code).toBe('no-second-factor');
      expect(res.headers['set-cookie']).toBeUndefined();
    });

    it("recovery: an admin's new link sets a new password and a new second factor; the old app's codes stop working", async () => {
      const user = await account(server.inbox, 'lostphone@example.org', 'reviewer');
      const adminCookie = (await signIn(base, 'admin@example.org')).cookie!;
      const issued = await call(base, 'POST', `/inbox/api/users/${user.id}/link`, {
        headers: { Origin: base, Cookie: adminCookie },
        body: {},
      });
      expect(issued.status).toBe(200);
      const token = JSON.parse(issued.body).link.split('/set-password/')[1];
      const { secret } = (await server.inbox.accounts.linkSecondFactor(token))!;
      const step = Math.floor(Date.now() / 30_000);
      await server.inbox.accounts.setPassword(
        token,
        'a brand new passphrase',
        await generate({ secret, epoch: step * 30 - 29 }),
      );
      // The old app (the helper still holds the old secret) no longer signs in.
      expect((await signIn(base, 'lostphone@example.org', 'a brand new passphrase')).status).toBe(401);
      rememberSecret('lostphone@example.org', secret, step - 1);
      expect((await signIn(base, 'lostphone@example.org', 'a brand new passphrase')).status).toBe(200);
    });
  });

  describe('7. recovery codes, and an admin resetting a second factor', () => {
    it('ten codes shown once at enrolment, kept as hashes; each signs in once, is audited, and counts in the throttle', async () => {
      const { token } = await server.inbox.accounts.add({ email: 'recover@example.org', role: 'reviewer' });
      const offered = JSON.parse(
        (await call(base, 'POST', '/inbox/api/set-password/check', { headers: { Origin: base }, body: { token } }))
          .body,
      );
      const secret = offered.secondFactor.secret.replace(/\s+/g, '');
      const step = Math.floor(Date.now() / 30_000);
      const set = await call(base, 'POST', '/inbox/api/set-password', {
        headers: { Origin: base },
        body: { token, password: PASSWORD, code: await generate({ secret, epoch: step * 30 - 29 }) },
      });
      expect(set.status).toBe(200);
      rememberSecret('recover@example.org', secret, step - 1);
      const codes = JSON.parse(set.body).recoveryCodes as string[];
      expect(codes).toHaveLength(10);
      expect(new Set(codes).size).toBe(10);
      for (const c of codes) expect(c).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
      // Only hashes at rest.
      const raw = JSON.stringify(await server.inbox.sql.all('select * from inbox_recovery_codes'));
      for (const c of codes) expect(raw).not.toContain(c.replace('-', ''));
      // A code signs in (typed in capitals, with a space, as someone reading it from paper might).
      const typed = codes[3]!.toUpperCase().replace('-', ' ');
      const first = await signInFrom('127.0.0.11', 'recover@example.org', PASSWORD, typed);
      expect(first.status).toBe(200);
      const row = (await server.inbox.audit.list({ action: 'login', limit: 1 }))[0]!;
      expect(row.actor).toBe('recover@example.org');
      expect(row.detail).toBe('with a recovery code; 9 left');
      // Once only.
      expect((await signInFrom('127.0.0.11', 'recover@example.org', PASSWORD, typed)).status).toBe(401);
      // Guessed codes count like wrong passwords: 4 more failures (5 with the replay), then even a good code is 429.
      for (let i = 0; i < MAX_PER_ACCOUNT - 1; i++)
        expect((await signInFrom('127.0.0.11', 'recover@example.org', PASSWORD, `abcde-fghj${i + 2}`)).status).toBe(
          401,
        );
      expect((await signInFrom('127.0.0.12', 'recover@example.org', PASSWORD, codes[4]!)).status).toBe(429);
    });

    it("an admin's reset removes the app and the codes, ends the sessions, is audited, and gives a link to enrol again", async () => {
      const user = await account(server.inbox, 'resetme@example.org', 'reviewer');
      const theirs = (await signIn(base, 'resetme@example.org')).cookie!;
      expect((await call(base, 'GET', '/inbox/api/referrals', { headers: { Cookie: theirs } })).status).toBe(200);
      const adminCookie = (await signIn(base, 'admin@example.org')).cookie!;
      const reset = await call(base, 'POST', `/inbox/api/users/${user.id}/second-factor/reset`, {
        headers: { Origin: base, Cookie: adminCookie },
        body: {},
      });
      expect(reset.status).toBe(200);
      const answer = JSON.parse(reset.body);
      expect(answer.user.hasSecondFactor).toBe(false);
      expect(answer.link).toMatch(/\/inbox\/#\/set-password\//);
      // Their session has ended; the app's codes no longer sign in (no second factor, required).
      expect((await call(base, 'GET', '/inbox/api/referrals', { headers: { Cookie: theirs } })).status).toBe(401);
      const refused = await signInFrom(
        '127.0.0.13',
        'resetme@example.org',
        PASSWORD,
        await nextCode('resetme@example.org'),
      );
      expect(refused.status).toBe(403);
      expect(JSON.parse(refused.body).error.code).toBe('no-second-factor');
      expect(
        Number(
          (await server.inbox.sql.get<{ n: number | string }>(
            'select count(*) as n from inbox_recovery_codes where user_id = ?',
            [user.id],
          ))!.n,
        ),
      ).toBe(0);
      const audited = (await server.inbox.audit.list({ action: 'second-factor-reset', limit: 1 }))[0]!;
      expect(audited.actor).toBe('admin@example.org');
      expect(audited.detail).toMatch(
        /^resetme@example.org: second factor and recovery codes removed, 1 session\(s\) ended/,
      );
      // The new link enrols a new app.
      await useLink(server.inbox, answer.link.split('/set-password/')[1]);
      expect((await signIn(base, 'resetme@example.org')).status).toBe(200);
    }, 90_000);
  });

  describe('7b. the admin command line', () => {
    it('user second-factor required|optional and user reset-second-factor, audited as the command line', async () => {
      const out: string[] = [];
      const env = {
        ...process.env,
        CSE_DATA_DIR: server.paths.dataDir,
        CSE_SECRETS_DIR: server.paths.secretsDir,
        CSE_DATABASE_URL: server.paths.database,
        CSE_PUBLIC_URL: base,
      };
      const admin = (...args: string[]) => runAdmin(['user', ...args], (s) => out.push(s), env);
      try {
        expect(await admin('second-factor', 'optional')).toBe(0);
        expect(await server.inbox.settings.secondFactorRequired()).toBe(false);
        expect(await admin('second-factor', 'required')).toBe(0);
        expect(await server.inbox.settings.secondFactorRequired()).toBe(true);
        expect((await server.inbox.audit.list({ action: 'second-factor-setting', limit: 1 }))[0]).toMatchObject({
          actor: 'cli',
          detail: 'second factor required for every account',
        });
        const user = await account(server.inbox, 'clireset@example.org', 'reviewer');
        out.length = 0;
        expect(await admin('reset-second-factor', 'clireset@example.org')).toBe(0);
        expect(out[1]).toMatch(new RegExp(`^${base}/inbox/#/set-password/`));
        expect((await server.inbox.accounts.byId(user.id))!.hasSecondFactor).toBe(false);
        expect((await server.inbox.audit.list({ action: 'second-factor-reset', limit: 1 }))[0]!.actor).toBe('cli');
        expect(await admin('reset-second-factor', 'nobody@example.org')).toBe(1);
      } finally {
        await server.inbox.settings.requireSecondFactor(true, 'test');
      }
    });
  });

  describe('8. the second factor required of everyone (a setting), and sessions without one', () => {
    it('with the requirement off, an account without a second factor signs in with its password; turned on, that session gets no referral, export or audit on any route', async () => {
      const adminCookie = (await signIn(base, 'admin@example.org')).cookie!;
      const setting = (on: boolean) =>
        call(base, 'PATCH', '/inbox/api/settings', {
          headers: { Origin: base, Cookie: adminCookie },
          body: { secondFactorRequired: on },
        });
      const users = async () =>
        JSON.parse((await call(base, 'GET', '/inbox/api/users', { headers: { Cookie: adminCookie } })).body);
      expect((await users()).secondFactorRequired).toBe(true); // the default
      const plain = await account(server.inbox, 'plain@example.org', 'admin');
      await server.inbox.accounts.resetSecondFactor(plain.id);
      try {
        expect((await setting(false)).status).toBe(200);
        expect((await users()).secondFactorRequired).toBe(false);
        expect((await server.inbox.audit.list({ action: 'second-factor-setting', limit: 1 }))[0]!.detail).toBe(
          'second factor optional',
        );
        const login = await call(base, 'POST', '/inbox/api/session', {
          from: '127.0.0.14',
          headers: { Origin: base },
          body: { email: 'plain@example.org', password: PASSWORD },
        });
        expect(login.status).toBe(200);
        const cookie = String(login.headers['set-cookie']).split(';')[0]!;
        expect((await call(base, 'GET', '/inbox/api/referrals', { headers: { Cookie: cookie } })).status).toBe(200);
        // An account that has a second factor still needs it while the requirement is off.
        const without = await call(base, 'POST', '/inbox/api/session', {
          from: '127.0.0.14',
          headers: { Origin: base },
          body: { email: 'admin@example.org', password: PASSWORD },
        });
        expect(without.status).toBe(401);

        expect((await setting(true)).status).toBe(200);
        // Every route but the caller's own session routes now refuses that session.
        const guarded = inboxRoutes(server.inbox).filter(
          (r) => r.guard !== 'anonymous' && !r.url.startsWith('/session'),
        );
        expect(guarded.length).toBeGreaterThan(15);
        const refusedBefore = await auditRows(server, 'second-factor-missing');
        for (const r of guarded) {
          const path = r.url
            .replace(':id', '3f2b1c4e-0000-4000-8000-000000000000')
            .replace(':kind', 'area')
            .replace(':scope', 'Bolton');
          const res = await call(base, r.method, `/inbox/api${path}`, {
            headers: { Origin: base, Cookie: cookie },
            ...(r.method === 'POST' || r.method === 'PATCH' ? { body: {} } : {}),
          });
          expect(
            `${r.method} ${r.url}: ${res.status} ${res.body.includes('"code"') ? JSON.parse(res.body).error?.code : res.body.slice(0, 80)}`,
          ).toBe(`${r.method} ${r.url}: 403 second-factor-needed`);
        }
        // Summarised, as every refusal is, so a looping session cannot flood the audit: a row at the first, and
        // the rest counted in one row when the minute's count is written.
        expect((await auditRows(server, 'second-factor-missing')) - refusedBefore).toBe(1);
        await server.inbox.audit.flush();
        expect((await auditRows(server, 'second-factor-missing')) - refusedBefore).toBe(2);
        const counted = (await server.inbox.audit.list({ action: 'second-factor-missing', limit: 1 }))[0]!;
        expect(counted.detail).toMatch(new RegExp(`^${guarded.length - 1} more refused from `));
        // A path spelt so that URL parsing ends it in '/session' while the router matches the alerts route
        // (found by attack): the gate goes by the route matched, so it is refused like any other.
        const spelt = await rawCall(
          base,
          'DELETE',
          '/inbox/api/alerts/addresses/area/%2e%2e\\%2e%2e\\%2e%2e\\session',
          {
            Origin: base,
            Cookie: cookie,
          },
        );
        expect(`${spelt.status} ${JSON.parse(spelt.body).error?.code}`).toBe('403 second-factor-needed');
        // Its own session routes still answer (who it is; signing out).
        expect((await call(base, 'GET', '/inbox/api/session', { headers: { Cookie: cookie } })).status).toBe(200);
        // And it cannot sign in again without enrolling.
        const again = await call(base, 'POST', '/inbox/api/session', {
          from: '127.0.0.14',
          headers: { Origin: base },
          body: { email: 'plain@example.org', password: PASSWORD, code: '123456' },
        });
        expect(JSON.parse(again.body).error.code).toBe('no-second-factor');
      } finally {
        await server.inbox.settings.requireSecondFactor(true, 'test');
      }
    }, 90_000);

    it('a session that did not pass the second factor of an account that has one gets no referral, export or audit', async () => {
      const admin = (await server.inbox.accounts.byEmail('admin@example.org'))!;
      // Whatever made it (a session from before the account enrolled, the requirement off at the time).
      const sid = await server.inbox.sessions.create(admin.id, '127.0.0.1', false);
      const cookie = `cse-inbox=${sid}`;
      for (const path of ['/referrals', '/export.csv', '/export.fhir.json', '/audit', '/audit.csv']) {
        const res = await call(base, 'GET', `/inbox/api${path}`, { headers: { Cookie: cookie } });
        expect(`${path}: ${res.status}`).toBe(`${path}: 403`);
        expect(JSON.parse(res.body).error.code).toBe('second-factor-needed');
      }
    });
  });

  describe('9. a copied device profile is made visible', () => {
    /** Waits (for a state, within a deadline) until `check` holds. */
    async function until(check: () => Promise<boolean>, what: string) {
      const by = Date.now() + 15_000;
      while (!(await check())) {
        if (Date.now() > by) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    const flagged = async (id: string) => (await server.store.devices()).find((d) => d.id === id)?.cloneSeenAt ?? null;

    it(`the same device seen from two addresses within minutes${kind === 'postgres' ? ' (one per server)' : ''}: flagged on the Devices screen and written once to the audit`, async () => {
      const key = await newDeviceKey();
      const { code } = await server.addDevice('Sam Nurse, school nurse');
      const enrol = await call(base, 'POST', '/api/enrol', {
        headers: { DPoP: await makeProof(key, 'POST', `${base}/api/enrol`) },
        body: { code },
      });
      expect(enrol.status).toBe(201);
      const id = JSON.parse(enrol.body).deviceId as string;
      const ask = async (to: string, from: string) =>
        (
          await call(to, 'GET', '/api/device', {
            from,
            headers: { DPoP: await makeProof(key, 'GET', `${to}/api/device`) },
          })
        ).status;
      // One address, many requests: nothing to see.
      for (let i = 0; i < 3; i++) expect(await ask(base, '127.0.0.20')).toBe(200);
      await until(
        async () =>
          (await server.inbox.sql.get<{ a: string | null }>('select last_address as a from devices where id = ?', [
            id,
          ]))!.a === '127.0.0.20',
        'the first address to be recorded',
      );
      expect(await flagged(id)).toBeNull();
      const before = await auditRows(server, 'device-clone-suspected');
      // The copy, elsewhere (on PostgreSQL, through the other server): both keep answering, as a copy would.
      const other = bases[bases.length - 1]!;
      for (let i = 0; i < 5; i++) {
        expect(await ask(other, '127.0.0.21')).toBe(200);
        expect(await ask(base, '127.0.0.20')).toBe(200);
      }
      await until(async () => (await flagged(id)) !== null, 'the device to be flagged');
      await until(async () => (await auditRows(server, 'device-clone-suspected')) > before, 'the audit row');
      // The admin's Devices screen reads it.
      const cookie = (await signIn(base, 'admin@example.org')).cookie!;
      const listed = JSON.parse(
        (await call(base, 'GET', '/inbox/api/devices', { headers: { Cookie: cookie } })).body,
      ).devices.find((d: { id: string }) => d.id === id);
      expect(listed.cloneSeenAt).not.toBeNull();
      expect(listed.cloneAddresses).toMatch(/^127\.0\.0\.2[01] and 127\.0\.0\.2[01]$/);
      // More requests from both addresses: still one audit row.
      for (let i = 0; i < 5; i++) {
        expect(await ask(other, '127.0.0.21')).toBe(200);
        expect(await ask(base, '127.0.0.20')).toBe(200);
      }
      await until(
        async () =>
          (await server.inbox.sql.get<{ a: string | null }>('select last_address as a from devices where id = ?', [
            id,
          ]))!.a === '127.0.0.20',
        'the last request to be recorded',
      );
      for (const s of servers) await s.inbox.audit.flush();
      expect((await auditRows(server, 'device-clone-suspected')) - before).toBe(1);
      const row = (await server.inbox.audit.list({ action: 'device-clone-suspected', limit: 1 }))[0]!;
      expect(row.detail).toMatch(
        new RegExp(`^device ${id} seen from 127\\.0\\.0\\.2[01] and 127\\.0\\.0\\.2[01] within 5 minutes`),
      );
    }, 60_000);
  });

  describe('2. password hashing cannot starve the server', () => {
    const unlimited = () => {
      for (const s of servers) Object.assign(s.inbox.throttle.limits, { account: 100_000, address: 100_000 });
    };
    const limited = () => {
      for (const s of servers)
        Object.assign(s.inbox.throttle.limits, { account: MAX_PER_ACCOUNT, address: MAX_PER_ADDRESS });
    };

    it(`300 concurrent unauthenticated sign-ins${kind === 'postgres' ? ' to two servers' : ''} while /inbox/ is fetched every 100 ms: no fetch takes 1 s; at most 2 hashes at once`, async () => {
      unlimited();
      try {
        // One gate per process (the thread pool is the process's): two servers in this process share it.
        const gates = [...new Set(servers.map((s) => s.inbox.hashGate))];
        const before = gates.map((g) => ({ ...g.stats }));
        const busy = () => gates.some((g, i) => g.stats.ran > before[i]!.ran || g.stats.refused > before[i]!.refused);
        let done = false;
        // The flood comes from its own thread, as an attacker's machine would: its 300 requests are not this
        // thread's work, so a slow page measures the server, not the test's own client.
        const byAddress = bases.map((b) => b.replace('localhost', '127.0.0.1'));
        const flood = floodFromWorker(300, byAddress, byAddress).finally(() => (done = true));
        // The page is fetched every 100 ms (each server in turn) from when the gate is busy until the flood ends.
        const busyBy = Date.now() + 15_000;
        while (!busy() && Date.now() < busyBy) await new Promise((r) => setTimeout(r, 5));
        expect(busy()).toBe(true);
        const fetches: number[] = [];
        const duringFlood: number[] = [];
        for (let i = 0; !done || fetches.length < 3; i++) {
          const t0 = performance.now();
          const stillFlooding = !done;
          // By address, as a reviewer's browser elsewhere would: the test's own name lookups run on this process's
          // thread pool, which a real client's do not.
          const page = await call(bases[i % bases.length]!.replace('localhost', '127.0.0.1'), 'GET', '/inbox/');
          const ms = performance.now() - t0;
          expect(page.status).toBe(200);
          fetches.push(ms);
          if (stillFlooding) duringFlood.push(ms);
          await new Promise((r) => setTimeout(r, Math.max(0, 100 - ms)));
        }
        const results = await flood;
        const slowest = Math.max(...fetches);
        const refused = results.filter((r) => r.status === 503);
        const hashed = gates.reduce((n, g, i) => n + g.stats.ran - before[i]!.ran, 0);
        console.log(
          `hashing on ${kind}: ${duringFlood.length} fetches of /inbox/ during 300 sign-ins, slowest ${slowest.toFixed(0)} ms (the first after the flood began: ${fetches[0]!.toFixed(0)} ms); ${hashed} hashed, ${refused.length} refused at once`,
        );
        expect(duringFlood.length).toBeGreaterThan(0);
        expect(slowest).toBeLessThan(1000);
        for (const g of gates) expect(g.stats.mostAtOnce).toBeLessThanOrEqual(2);
        expect(refused.length).toBeGreaterThan(0);
        expect(refused[0]!.headers['retry-after']).toBe('1');
        expect(results.every((r) => r.status === 401 || r.status === 503)).toBe(true);
        expect(hashed).toBeLessThan(300);
      } finally {
        limited();
      }
    }, 90_000);

    it('a queued guess whose client has gone is dropped, not hashed', async () => {
      Object.assign(server.inbox.throttle.limits, { account: 100_000, address: 100_000 });
      try {
        const gate = server.inbox.hashGate;
        const { ran, dropped } = gate.stats;
        const leaving = new AbortController();
        const sent = Array.from({ length: 10 }, (_, i) =>
          fetch(`${base}/inbox/api/session`, {
            method: 'POST',
            signal: leaving.signal,
            headers: { 'Content-Type': 'application/json', Origin: base },
            body: JSON.stringify({ email: `left${i}@example.org`, password: 'wrong guess here', code: '123456' }),
          }).catch(() => undefined),
        );
        // Once some of them wait for a turn at the gate (a state), the clients leave.
        const queuedBy = Date.now() + 15_000;
        while (gate.queued === 0 && Date.now() < queuedBy) await new Promise((r) => setTimeout(r, 2));
        expect(gate.queued).toBeGreaterThan(0);
        leaving.abort();
        await Promise.all(sent);
        // Wait for the server to notice the clients have gone (a state), within a deadline.
        const until = Date.now() + 15_000;
        while (gate.stats.dropped === dropped && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
        expect(gate.stats.dropped - dropped).toBeGreaterThan(0);
        expect(gate.stats.ran - ran).toBeLessThan(10);
      } finally {
        Object.assign(server.inbox.throttle.limits, { account: MAX_PER_ACCOUNT, address: MAX_PER_ADDRESS });
      }
    }, 30_000);
  });
});

describe('6. addresses from the configuration, not from headers', () => {
  let server: Server;
  let base: string;
  afterAll(() => server?.close());

  it('without CSE_PUBLIC_URL: links are the server’s own, whatever Host and Origin say; the Origin’s scheme counts', async () => {
    server = await fresh('sqlite');
    base = `http://localhost:${server.address().port}`;
    const port = server.address().port;
    await account(server.inbox, 'admin6@example.org', 'admin');
    const cookie = (await signIn(base, 'admin6@example.org')).cookie!;
    // A request naming another host consistently (Host and Origin agree): served, but the link is not theirs.
    const forged = await call(base, 'POST', '/inbox/api/users', {
      headers: { Host: `evil.example:${port}`, Origin: `http://evil.example:${port}`, Cookie: cookie },
      body: { email: 'new6@example.org', role: 'reviewer' },
    });
    expect(forged.status).toBe(201);
    expect(JSON.parse(forged.body).link).toMatch(new RegExp(`^http://localhost:${port}/inbox/#/set-password/`));
    // https:// is not this http server.
    const https = await call(base, 'POST', '/inbox/api/session/everywhere', {
      headers: { Origin: `https://localhost:${port}`, Cookie: cookie },
      body: {},
    });
    expect(https.status).toBe(403);
    expect(JSON.parse(https.body).error.code).toBe('cross-site');
    // Another port is another origin.
    const otherPort = await call(base, 'POST', '/inbox/api/session/everywhere', {
      headers: { Origin: `http://localhost:${port + 1}`, Cookie: cookie },
      body: {},
    });
    expect(otherPort.status).toBe(403);
  });

  it("a device proof must name the scheme and host; a client's X-Forwarded-Host is ignored", async () => {
    const port = server.address().port;
    const key = await newDeviceKey();
    const enrol = async (htu: string, headers: Record<string, string> = {}) => {
      const r = await call(base, 'POST', '/api/enrol', {
        headers: { DPoP: await makeProof(key, 'POST', htu), ...headers },
        body: { code: 'not-a-real-code' },
      });
      return JSON.parse(r.body).error.code as string;
    };
    // The right address gets past the proof (and is refused for its code).
    expect(await enrol(`http://localhost:${port}/api/enrol`)).not.toMatch(/^proof-/);
    expect(await enrol(`https://localhost:${port}/api/enrol`)).toBe('proof-invalid');
    expect(await enrol('http://evil.example/api/enrol', { 'X-Forwarded-Host': 'evil.example' })).toBe('proof-invalid');
  });

  it('with CSE_PUBLIC_URL: requests must name it, links carry it; with CSE_TRUST_PROXY the proxy’s headers count', async () => {
    await server.close();
    server = await fresh('sqlite', { CSE_PUBLIC_URL: 'https://cse.example.gov.uk', CSE_TRUST_PROXY: '127.0.0.1' });
    base = `http://localhost:${server.address().port}`;
    await account(server.inbox, 'admin7@example.org', 'admin');
    const login = await call(base, 'POST', '/inbox/api/session', {
      headers: { Origin: 'https://cse.example.gov.uk' },
      body: { email: 'admin7@example.org', password: PASSWORD, code: await nextCode('admin7@example.org') },
    });
    expect(login.status).toBe(200);
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    // The server's own address is not the public one.
    const local = await call(base, 'POST', '/inbox/api/users', {
      headers: { Origin: base, Cookie: cookie },
      body: { email: 'x7@example.org', role: 'reviewer' },
    });
    expect(local.status).toBe(403);
    const added = await call(base, 'POST', '/inbox/api/users', {
      headers: { Origin: 'https://cse.example.gov.uk', Host: 'evil.example', Cookie: cookie },
      body: { email: 'y7@example.org', role: 'reviewer' },
    });
    expect(added.status).toBe(201);
    expect(JSON.parse(added.body).link).toMatch(/^https:\/\/cse\.example\.gov\.uk\/inbox\/#\/set-password\//);
    const key = await newDeviceKey();
    const proofFor = async (htu: string) =>
      JSON.parse(
        (
          await call(base, 'POST', '/api/enrol', {
            headers: {
              DPoP: await makeProof(key, 'POST', htu),
              'X-Forwarded-Proto': 'https',
              'X-Forwarded-Host': 'cse.example.gov.uk',
            },
            body: { code: 'not-a-real-code' },
          })
        ).body,
      ).error.code as string;
    expect(await proofFor('https://cse.example.gov.uk/api/enrol')).not.toMatch(/^proof-/);
    expect(await proofFor('http://cse.example.gov.uk/api/enrol')).toBe('proof-invalid');
  });

  it('behind a trusted proxy without CSE_PUBLIC_URL: its X-Forwarded-Proto/-Host name the origin', async () => {
    await server.close();
    server = await fresh('sqlite', { CSE_TRUST_PROXY: '127.0.0.1' });
    base = `http://localhost:${server.address().port}`;
    const key = await newDeviceKey();
    const r = await call(base, 'POST', '/api/enrol', {
      headers: {
        DPoP: await makeProof(key, 'POST', 'https://proxy.example/api/enrol'),
        'X-Forwarded-Proto': 'https',
        'X-Forwarded-Host': 'proxy.example',
      },
      body: { code: 'not-a-real-code' },
    });
    expect(JSON.parse(r.body).error.code).not.toMatch(/^proof-/);
  });
});
