// An admin limited to some areas manages only accounts within them (found by attack, 7 Dec): before, a
// Bolton-only admin could set its own teams to [] (every area) and then read Wigan's children, or take a
// new set-password link for an admin of every area and become it. Over real HTTP, on SQLite and PostgreSQL.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/main.ts';
import { account, signIn } from '../helpers/inbox.ts';
import { STORE_KINDS, freshDatabaseUrl, stopPostgres } from '../helpers/stores.ts';

afterAll(() => stopPostgres());

describe.each(STORE_KINDS)('which accounts an admin may manage, on %s', (kind) => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let base: string;
  const cookies: Record<string, string> = {};
  const ids = {} as { lead: string; badmin: string; bolton: string; wigan: string };

  beforeAll(async () => {
    const db = await freshDatabaseUrl(kind);
    server = await startServer({
      port: 0,
      dataDir: join(db.dataDir, 'data'),
      database: kind === 'postgres' ? db.database : join(db.dataDir, 'data', 'receiver.sqlite'),
      distDir: join(db.dataDir, 'no-dist'),
    });
    base = `http://localhost:${server.address().port}`;
    ids.lead = (await account(server.inbox, 'lead@example.org', 'admin')).id;
    ids.badmin = (await account(server.inbox, 'badmin@example.org', 'admin', ['Bolton'])).id;
    ids.bolton = (await account(server.inbox, 'bolton@example.org', 'reviewer', ['Bolton'])).id;
    ids.wigan = (await account(server.inbox, 'wigan@example.org', 'reviewer', ['Wigan'])).id;
    for (const who of ['lead', 'badmin']) cookies[who] = (await signIn(base, `${who}@example.org`)).cookie!;
  }, 60_000);
  afterAll(() => server?.close());

  const send = (method: string, path: string, who: string, body?: unknown) =>
    fetch(`${base}/inbox/api${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', Origin: base, Cookie: cookies[who]! },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const teamsOf = async (id: string) => (await server.inbox.accounts.byId(id))!.teams;

  it('a Bolton admin cannot widen its own areas, to every area or to another one', async () => {
    for (const body of [{ teams: [] }, { teams: ['Bolton', 'Wigan'] }, { regions: ['greater-manchester'] }]) {
      const res = await send('PATCH', `/users/${ids.badmin}`, 'badmin', body);
      expect(res.status).toBe(403);
      expect((await res.json()).error.code).toBe('account-scope');
    }
    expect(await teamsOf(ids.badmin)).toEqual(['Bolton']);
  });

  it('nor take a link for, reset the second factor of, or change an account covering more than Bolton', async () => {
    for (const target of [ids.lead, ids.wigan]) {
      expect((await send('POST', `/users/${target}/link`, 'badmin')).status).toBe(403);
      expect((await send('POST', `/users/${target}/second-factor/reset`, 'badmin')).status).toBe(403);
      expect((await send('PATCH', `/users/${target}`, 'badmin', { disabled: true })).status).toBe(403);
    }
    expect((await server.inbox.accounts.byId(ids.lead))!.disabled).toBe(false);
  });

  it('nor add an account for every area or for Wigan; a Bolton account it may add, link and change', async () => {
    expect((await send('POST', '/users', 'badmin', { email: 'all@example.org', role: 'admin' })).status).toBe(403);
    const wigan = { email: 'w2@example.org', role: 'reviewer', teams: ['Wigan'] };
    expect((await send('POST', '/users', 'badmin', wigan)).status).toBe(403);
    const added = await send('POST', '/users', 'badmin', {
      email: 'b2@example.org',
      role: 'reviewer',
      teams: ['bolton'],
    });
    expect(added.status).toBe(201);
    expect((await send('POST', `/users/${ids.bolton}/link`, 'badmin')).status).toBe(200);
    expect((await send('PATCH', `/users/${ids.bolton}`, 'badmin', { disabled: true })).status).toBe(200);
  });

  it('an admin of every area manages any account, and the limited admin can still narrow itself', async () => {
    expect((await send('PATCH', `/users/${ids.wigan}`, 'lead', { teams: ['Wigan', 'Bolton'] })).status).toBe(200);
    expect((await send('POST', `/users/${ids.badmin}/link`, 'lead')).status).toBe(200);
    expect((await send('PATCH', `/users/${ids.badmin}`, 'badmin', { teams: ['Bolton'] })).status).toBe(200);
  });
});
