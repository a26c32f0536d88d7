// The inbox API over real HTTP on loopback, on SQLite and on PostgreSQL,
// with referrals sent by an enrolled device (signed, as the app sends).
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PER_ACCOUNT } from '../../src/inbox-server/throttle.ts';
import { startServer } from '../../src/server/main.ts';
import { makeProof } from '../../src/sync/device-proof.ts';
import type { TestDevice } from '../helpers/device.ts';
import { account, enrolledDevice, gmReferral, nextCode, PASSWORD, send, signIn } from '../helpers/inbox.ts';
import { scores, spread } from '../helpers/answers.ts';
import { makeSubmission } from '../helpers/submission.ts';
import { STORE_KINDS, freshDatabaseUrl, stopPostgres } from '../helpers/stores.ts';

afterAll(() => stopPostgres());

describe.each(STORE_KINDS)('the inbox API on %s', (kind) => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let base: string;
  let device: TestDevice;
  let adminCookie: string;
  let reviewerCookie: string;
  // Totals by 000 L1661: 12+2 = 14 Lower, 30+5 = 35 Medium, 45+8 = 53 High. Sent from devices enrolled
  // for Bolton (lower, medium) and Wigan (high): a screening goes to its device's area.
  const lower = gmReferral(12, 2, { childRef: 'CH-LOW' });
  const medium = gmReferral(30, 5, { childRef: 'CH-MED' });
  const high = gmReferral(45, 8, { childRef: 'CH-HIGH' });

  beforeAll(async () => {
    const db = await freshDatabaseUrl(kind);
    server = await startServer({
      port: 0,
      dataDir: join(db.dataDir, 'data'),
      database: kind === 'postgres' ? db.database : join(db.dataDir, 'data', 'receiver.sqlite'),
      distDir: join(db.dataDir, 'no-dist'),
    });
    base = `http://localhost:${server.address().port}`;
    device = await enrolledDevice(server, base, 'Bolton school nurse', 'Bolton');
    const wigan = await enrolledDevice(server, base, 'Wigan school nurse', 'Wigan');
    await account(server.inbox, 'admin@example.org', 'admin');
    await account(server.inbox, 'bolton@example.org', 'reviewer', ['Bolton']);
    expect(await send(base, device, lower)).toBe(201);
    expect(await send(base, wigan, high)).toBe(201);
    expect(await send(base, device, medium)).toBe(201);
    adminCookie = (await signIn(base, 'admin@example.org')).cookie!;
    reviewerCookie = (await signIn(base, 'bolton@example.org')).cookie!;
  }, 60_000);
  afterAll(() => server?.close());

  const get = (path: string, cookie?: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/inbox/api${path}`, { headers: { ...(cookie ? { Cookie: cookie } : {}), ...headers } });
  const send2 = (method: string, path: string, body: unknown, cookie?: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/inbox/api${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', Origin: base, ...(cookie ? { Cookie: cookie } : {}), ...headers },
      body: JSON.stringify(body),
    });

  const ROUTES: [string, string][] = [
    ['GET', '/session'],
    ['DELETE', '/session'],
    ['POST', '/session/everywhere'],
    ['GET', '/referrals'],
    ['GET', `/referrals/${lower.id}`],
    ['POST', `/referrals/${lower.id}/state`],
    ['POST', `/referrals/${lower.id}/print`],
    ['POST', '/export'],
    ['GET', '/audit'],
    ['GET', '/audit.csv'],
    ['GET', '/users'],
    ['POST', '/users'],
    ['PATCH', '/users/00000000-0000-4000-8000-000000000000'],
    ['POST', '/users/00000000-0000-4000-8000-000000000000/link'],
    ['GET', '/devices'],
    ['POST', '/devices'],
  ];

  describe('who may ask', () => {
    it.each(ROUTES)('no session: %s %s → 401', async (method, path) => {
      const res = method === 'GET' ? await get(path) : await send2(method, path, {});
      expect(res.status).toBe(401);
      expect((await res.json()).error.code).toBe('no-session');
    });

    it.each(ROUTES)('a device credential: %s %s → 403, even with a session', async (method, path) => {
      // A fresh, valid proof from the enrolled device, made for this very request.
      const headers = { DPoP: await makeProof(device.key, method, `${base}/inbox/api${path.split('?')[0]}`) };
      const res =
        method === 'GET' ? await get(path, adminCookie, headers) : await send2(method, path, {}, adminCookie, headers);
      expect(res.status).toBe(403);
      expect((await res.json()).error.code).toBe('device-credential');
    });

    it('refuses cross-site requests: another Origin, no Origin, Sec-Fetch-Site cross-site', async () => {
      const other = await send2('POST', `/referrals/${lower.id}/print`, {}, adminCookie, {
        Origin: 'https://evil.example',
      });
      expect(other.status).toBe(403);
      expect((await other.json()).error.code).toBe('cross-site');
      const none = await fetch(`${base}/inbox/api/referrals/${lower.id}/print`, {
        method: 'POST',
        headers: { Cookie: adminCookie },
      });
      expect(none.status).toBe(403);
      const site = await get('/referrals', adminCookie, { 'Sec-Fetch-Site': 'cross-site' });
      expect(site.status).toBe(403);
      const login = await fetch(`${base}/inbox/api/session`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: 'https://evil.example' },
        body: JSON.stringify({ email: 'admin@example.org', password: PASSWORD }),
      });
      expect(login.status).toBe(403);
      expect(login.headers.get('set-cookie')).toBeNull();
    });

    it('session cookie: HttpOnly, SameSite=Strict, Secure except on localhost', async () => {
      // (An account of its own: each sign-in uses a new code from the app, and a code is accepted once.)
      await account(server.inbox, 'cookie@example.org', 'reviewer');
      const local = await signIn(base, 'cookie@example.org');
      expect(local.setCookie).toMatch(/^cse-inbox=[\w-]{40,}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
      // The same server reached by another name (as behind a TLS proxy): Secure, __Host- prefix.
      // (fetch may not set Host, so node:http.)
      const code = await nextCode('cookie@example.org');
      const { status, setCookie } = await new Promise<{ status: number; setCookie: string }>((ok, fail) => {
        const body = JSON.stringify({ email: 'cookie@example.org', password: PASSWORD, code });
        const req = request(
          `${base}/inbox/api/session`,
          {
            method: 'POST',
            headers: {
              'Content-Type': 'application/json',
              Host: 'inbox.example.org',
              // This server serves http: an https:// Origin is another site (issue 23).
              Origin: 'http://inbox.example.org',
            },
          },
          (res) => {
            res.resume();
            ok({ status: res.statusCode!, setCookie: String(res.headers['set-cookie']) });
          },
        );
        req.on('error', fail);
        req.end(body);
      });
      expect(status).toBe(200);
      expect(setCookie).toMatch(/^__Host-cse-inbox=[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/);
    }, 30_000);

    it('session fixation: signing in issues a new id and kills the one the browser brought', async () => {
      // Accounts of their own: each sign-in uses a new code from the app, and a code is accepted once.
      await account(server.inbox, 'fixed@example.org', 'reviewer');
      await account(server.inbox, 'planted@example.org', 'reviewer');
      const first = await signIn(base, 'fixed@example.org');
      expect((await get('/session', first.cookie)).status).toBe(200);
      const second = await signIn(base, 'fixed@example.org', PASSWORD, first.cookie);
      expect(second.cookie).not.toBe(first.cookie);
      expect((await get('/session', first.cookie)).status).toBe(401);
      expect((await get('/session', second.cookie)).status).toBe(200);
      // A made-up id planted before sign-in is never adopted either.
      const planted = 'cse-inbox=attacker-chosen-value-000000000000000000000';
      const third = await signIn(base, 'planted@example.org', PASSWORD, planted);
      expect(third.cookie).not.toBe(planted);
      expect((await get('/session', planted)).status).toBe(401);
    }, 30_000);

    it('log out everywhere ends every session of the account', async () => {
      await account(server.inbox, 'twice@example.org', 'reviewer');
      const a = (await signIn(base, 'twice@example.org')).cookie;
      const b = (await signIn(base, 'twice@example.org')).cookie;
      expect((await send2('POST', '/session/everywhere', {}, a)).status).toBe(200);
      expect((await get('/session', a)).status).toBe(401);
      expect((await get('/session', b)).status).toBe(401);
    }, 30_000);

    it('the login throttle holds: after 5 failures even the right password is refused, and it is audited', async () => {
      await account(server.inbox, 'guessed@example.org', 'reviewer');
      for (let i = 0; i < MAX_PER_ACCOUNT; i++)
        expect((await signIn(base, 'guessed@example.org', `wrong password ${i}`)).status).toBe(401);
      const res = await fetch(`${base}/inbox/api/session`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: base },
        body: JSON.stringify({
          email: 'guessed@example.org',
          password: PASSWORD,
          code: await nextCode('guessed@example.org'),
        }),
      });
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      const actions = (await server.inbox.audit.list({ limit: 20 })).map((e) => e.action);
      expect(actions.filter((a) => a === 'login-failed').length).toBeGreaterThanOrEqual(MAX_PER_ACCOUNT);
      expect(actions).toContain('login-throttled');
    }, 30_000);

    it('a reviewer cannot reach the admin screens', async () => {
      expect((await get('/users', reviewerCookie)).status).toBe(403);
      expect((await get('/audit', reviewerCookie)).status).toBe(403);
    });
  });

  describe('the list and one referral', () => {
    it("lists the most serious first, with the server's level, and counts the new ones", async () => {
      const res = await get('/referrals', adminCookie);
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.items.map((i: { childRef: string }) => i.childRef)).toEqual(['CH-HIGH', 'CH-MED', 'CH-LOW']);
      expect(body.items.map((i: { level: string }) => i.level)).toEqual([
        'High (41 – 60)',
        'Medium (21 – 40)',
        'Lower (10 – 20)',
      ]);
      expect(body.newCount).toBe(3);
      expect(body.items[0].waitedMs).toBeGreaterThanOrEqual(0);
    });

    it('filters and searches by child reference', async () => {
      const byChild = await (await send2('POST', '/referrals/search', { child: 'ch-med' }, adminCookie)).json();
      expect(byChild.items.map((i: { id: string }) => i.id)).toEqual([medium.id]);
      // Never in an address: refused, and the refusal does not repeat it.
      const inAddress = await get('/referrals?child=ch-med', adminCookie);
      expect(inAddress.status).toBe(400);
      expect((await inAddress.text()).toLowerCase()).not.toContain('ch-med');
      // A term that is not text is refused with a clear message, not a crash.
      const odd = await send2('POST', '/referrals/search', { child: { $ne: 1 } }, adminCookie);
      expect(odd.status).toBe(400);
      expect((await odd.json()).error.message).toMatch(/short piece of text/);
      const byTeam = await (await get('/referrals?team=Wigan', adminCookie)).json();
      expect(byTeam.items.map((i: { id: string }) => i.id)).toEqual([high.id]);
    });

    it("a reviewer limited to Bolton sees only Bolton, gets 403 on Wigan's referral, and the attempt is audited", async () => {
      const list = await (await get('/referrals', reviewerCookie)).json();
      expect(list.items.map((i: { id: string }) => i.id).sort()).toEqual([lower.id, medium.id].sort());
      const res = await get(`/referrals/${high.id}`, reviewerCookie);
      expect(res.status).toBe(403);
      const entry = (await server.inbox.audit.list({ submissionId: high.id, action: 'forbidden' }))[0];
      expect(entry).toMatchObject({ actor: 'bolton@example.org', submissionId: high.id });
      const exported = await send2('POST', '/export', { format: 'csv', referral: high.id }, reviewerCookie);
      expect(exported.status).toBe(403);
      // Exporting the list instead leaves Wigan's referral out: the count is Bolton's two.
      const all = await send2('POST', '/export', { format: 'fhir', view: 'all' }, reviewerCookie);
      expect(all.headers.get('x-export-count')).toBe('2');
      expect(JSON.stringify(await all.json())).not.toContain(high.id);
    });

    it("opening a referral writes an audit row and shows the answers, the server's result and the device's", async () => {
      const res = await get(`/referrals/${medium.id}`, reviewerCookie);
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.submission.childRef).toBe('CH-MED');
      expect(body.server.level).toBe('Medium (21 – 40)');
      expect(body.server.nextSteps[0].id).toBe('emergency-999');
      expect((await server.inbox.audit.list({ submissionId: medium.id, action: 'view' }))[0]).toMatchObject({
        actor: 'bolton@example.org',
      });
    });

    it('review states: new → in review → actioned, a note on each, no skipping, no empty note', async () => {
      const noNote = await send2(
        'POST',
        `/referrals/${medium.id}/state`,
        { to: 'in-review', note: ' ' },
        reviewerCookie,
      );
      expect(noNote.status).toBe(400);
      const skip = await send2(
        'POST',
        `/referrals/${medium.id}/state`,
        { to: 'actioned', note: 'done' },
        reviewerCookie,
      );
      expect(skip.status).toBe(400);
      expect(
        (await send2('POST', `/referrals/${medium.id}/state`, { to: 'in-review', note: 'Picked up' }, reviewerCookie))
          .status,
      ).toBe(200);
      const done = await send2(
        'POST',
        `/referrals/${medium.id}/state`,
        { to: 'actioned', note: 'Strategy meeting booked' },
        reviewerCookie,
      );
      const body = await done.json();
      expect(body.referral).toMatchObject({ reviewState: 'actioned', reviewBy: 'bolton@example.org' });
      expect(body.events.map((e: { to: string; note: string }) => `${e.to}: ${e.note}`)).toEqual([
        'in-review: Picked up',
        'actioned: Strategy meeting booked',
      ]);
      expect((await server.inbox.audit.list({ submissionId: medium.id, action: 'review-state' })).length).toBe(2);
      const list = await (await get('/referrals?state=actioned', adminCookie)).json();
      expect(list.items.map((i: { id: string }) => i.id)).toEqual([medium.id]);
      // At rest, neither the child reference nor the note is in clear in the inbox's tables.
      const raw = JSON.stringify([
        await server.inbox.sql.all('select * from inbox_referrals'),
        await server.inbox.sql.all('select * from inbox_review_events'),
      ]);
      expect(raw).toContain(medium.id);
      expect(raw).not.toContain('CH-MED');
      expect(raw).not.toContain('Strategy meeting');
    });
  });

  describe('the triage queue and the desk review', () => {
    // Sent from Bolton: a Lower score for a child of 10 (under 13), a Medium score for a child missing now.
    const gm = (cats: number, pj: number, extra: Record<string, string>, childRef: string) =>
      makeSubmission(
        {
          childRef,
          author: { name: 'Ann Teacher', role: 'Teacher', organisation: 'Bolton High', contact: '01204 111222' },
        },
        scores('gm-cse-measurement-tool', spread(cats), pj, extra),
      );
    // Ten years and a month before today (the GM tool has no date of assessment: the age is on the day of screening).
    const tenYearsAgo = `${new Date().getFullYear() - 10}-01-01`;
    const under13 = gm(12, 2, { 'fact-dob': tenYearsAgo }, 'CH-U13');
    const missing = gm(30, 5, { 'fact-missing-now': 'yes' }, 'CH-MISSING');
    type Item = { id: string; reviewState: string; assignee: string | null; age: number | null; referrer: string };

    it('the default view holds what needs a decision, most urgent first, then the longest waiting; a count for each view', async () => {
      expect(await send(base, device, under13)).toBe(201);
      expect(await send(base, device, missing)).toBe(201);
      const body = await (await get('/referrals?view=queue', adminCookie)).json();
      const ids = body.items.map((i: Item) => i.id);
      // medium was actioned above: only new and needs-information show.
      expect(ids).toEqual([under13.id, missing.id, high.id, lower.id]);
      expect(body.items[0]).toMatchObject({ age: 10, referrer: 'Ann Teacher', referrerOrg: 'Bolton High' });
      expect(body.items[1].safety).toContain('Missing now');
      expect(body.counts).toMatchObject({ queue: 4, mine: 0, review: 0, actioned: 1, closed: 0, all: 5 });
      expect(body.matches).toBe(4);
      const filtered = await (await get('/referrals?view=queue&team=Wigan', adminCookie)).json();
      expect(filtered.items.map((i: Item) => i.id)).toEqual([high.id]);
      expect(filtered.matches).toBe(1);
      const actioned = await (await get('/referrals?view=actioned', adminCookie)).json();
      expect(actioned.items.map((i: Item) => i.id)).toEqual([medium.id]);
      // The second page by cursor carries on in the same order.
      const first = await (await get('/referrals?view=queue&limit=2', adminCookie)).json();
      const second = await (await get(`/referrals?view=queue&limit=2&cursor=${first.next}`, adminCookie)).json();
      expect([...first.items, ...second.items].map((i: Item) => i.id)).toEqual(ids);
      expect(second.next).toBeNull();
      // The child's age is a number in the index; the reference stays sealed.
      const raw = JSON.stringify(await server.inbox.sql.all('select * from inbox_referrals'));
      expect(raw).not.toContain('CH-U13');
    });

    it('pick up sets the assignee and moves it into review (mine); a second pick-up is refused', async () => {
      const res = await send2('POST', `/referrals/${under13.id}/assign`, {}, reviewerCookie);
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.referral).toMatchObject({ reviewState: 'in-review', assignee: 'bolton@example.org' });
      expect(body.events.at(-1)).toMatchObject({ kind: 'assign', assignee: 'bolton@example.org', note: 'Picked up.' });
      expect((await send2('POST', `/referrals/${under13.id}/assign`, {}, reviewerCookie)).status).toBe(400);
      const mine = await (await get('/referrals?view=mine', reviewerCookie)).json();
      expect(mine.items.map((i: Item) => i.id)).toEqual([under13.id]);
      expect(mine.counts).toMatchObject({ mine: 1, review: 1 });
      expect((await (await get('/referrals?view=mine', adminCookie)).json()).items).toEqual([]);
      expect((await server.inbox.audit.list({ submissionId: under13.id, action: 'review-assign' }))[0]).toMatchObject({
        actor: 'bolton@example.org',
      });
    });

    it('reassigns only to an account that may see the referral', async () => {
      const admin = (await server.inbox.accounts.byEmail('admin@example.org'))!;
      const bolton = (await server.inbox.accounts.byEmail('bolton@example.org'))!;
      // The Bolton reviewer cannot be given Wigan's referral.
      expect((await send2('POST', `/referrals/${high.id}/assign`, { to: bolton.id }, adminCookie)).status).toBe(400);
      const res = await send2(
        'POST',
        `/referrals/${under13.id}/assign`,
        { to: admin.id, note: 'Cover' },
        reviewerCookie,
      );
      expect(res.status).toBe(200);
      expect((await res.json()).referral).toMatchObject({ assignee: 'admin@example.org', reviewState: 'in-review' });
      const detail = await (await get(`/referrals/${under13.id}`, adminCookie)).json();
      const emails = detail.reviewers.map((r: { email: string }) => r.email);
      expect(emails).toEqual(expect.arrayContaining(['admin@example.org', 'bolton@example.org']));
      // Wigan's referral is not offered to the Bolton reviewer.
      const wigans = await (await get(`/referrals/${high.id}`, adminCookie)).json();
      expect(wigans.reviewers.map((r: { email: string }) => r.email)).not.toContain('bolton@example.org');
    });

    it('a note at any time without a state change; sealed at rest', async () => {
      const res = await send2(
        'POST',
        `/referrals/${lower.id}/note`,
        { note: 'Rang the school: no answer yet' },
        reviewerCookie,
      );
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.events.at(-1)).toMatchObject({
        kind: 'note',
        from: 'new',
        to: 'new',
        note: 'Rang the school: no answer yet',
      });
      expect((await send2('POST', `/referrals/${lower.id}/note`, { note: '  ' }, reviewerCookie)).status).toBe(400);
      expect((await server.inbox.referrals.get(lower.id))!.reviewState).toBe('new');
      expect(JSON.stringify(await server.inbox.sql.all('select * from inbox_review_events'))).not.toContain(
        'Rang the school',
      );
      expect((await server.inbox.audit.list({ submissionId: lower.id, action: 'review-note' })).length).toBe(1);
    });

    it('Closed – no further action needs a reason, shows in Closed, and can be reopened', async () => {
      expect(
        (await send2('POST', `/referrals/${lower.id}/state`, { to: 'closed', note: '' }, reviewerCookie)).status,
      ).toBe(400);
      const res = await send2(
        'POST',
        `/referrals/${lower.id}/state`,
        { to: 'closed', note: 'Already known to the CSE team; no new concern' },
        reviewerCookie,
      );
      expect(res.status).toBe(200);
      const closed = await (await get('/referrals?view=closed', adminCookie)).json();
      expect(closed.items.map((i: Item) => i.id)).toEqual([lower.id]);
      expect(closed.counts.queue).toBe(2);
      expect(
        (
          await send2(
            'POST',
            `/referrals/${lower.id}/state`,
            { to: 'in-review', note: 'Reopened: new information' },
            reviewerCookie,
          )
        ).status,
      ).toBe(200);
    });

    it('Seen by: who opened it and when, from the audit', async () => {
      await get(`/referrals/${missing.id}`, reviewerCookie);
      await get(`/referrals/${missing.id}`, reviewerCookie);
      const detail = await (await get(`/referrals/${missing.id}`, adminCookie)).json();
      // This look is among them: the admin's, most recent first, then the reviewer's two.
      expect(detail.seenBy).toEqual([
        expect.objectContaining({ actor: 'admin@example.org', times: 1 }),
        expect.objectContaining({ actor: 'bolton@example.org', times: 2 }),
      ]);
      expect(detail.seenBy[1].first <= detail.seenBy[1].last).toBe(true);
    });
  });

  it('the counts the triggers keep equal the rows, by state, region and area', async () => {
    const kept = await server.inbox.sql.all<{ s: string; r: string; a: string; n: number }>(
      'select review_state as s, region as r, area_team as a, n from inbox_state_counts where n <> 0 order by 1, 2, 3',
    );
    const real = await server.inbox.sql.all<{ s: string; r: string; a: string; n: number }>(
      "select review_state as s, region as r, coalesce(area_team, '') as a, count(*) as n from inbox_referrals group by review_state, region, coalesce(area_team, '') order by 1, 2, 3",
    );
    expect(kept.map((k) => ({ ...k, n: Number(k.n) }))).toEqual(real.map((k) => ({ ...k, n: Number(k.n) })));
    expect(real.length).toBeGreaterThan(2);
  });

  describe('the audit', () => {
    it('refuses updates and deletes: in the database, and there is no route for them', async () => {
      const sql = server.inbox.sql;
      const before = (await server.inbox.audit.list({ limit: 1000 })).length;
      await expect(sql.run("update inbox_audit set actor = 'someone else'")).rejects.toThrow(/append-only/);
      await expect(sql.run('delete from inbox_audit')).rejects.toThrow(/append-only/);
      await expect(sql.run('update inbox_review_events set note_sealed = ?', ['rewritten'])).rejects.toThrow(
        /append-only/,
      );
      await expect(sql.run('delete from inbox_review_events')).rejects.toThrow(/append-only/);
      if (sql.dialect === 'postgres') await expect(sql.run('truncate inbox_audit')).rejects.toThrow(/append-only/);
      expect((await server.inbox.audit.list({ limit: 1000 })).length).toBe(before);
      for (const method of ['PATCH', 'PUT', 'DELETE', 'POST'])
        expect((await send2(method, '/audit', {}, adminCookie)).status).toBe(404);
    });

    it('admins read it newest first, and reading it is itself audited', async () => {
      const body = await (await get('/audit', adminCookie)).json();
      expect(body.entries.length).toBeGreaterThan(5);
      expect(body.entries[0].id).toBeGreaterThan(body.entries[1].id);
      expect((await server.inbox.audit.list({ limit: 1 }))[0]!.action).toBe('audit-view');
    });
  });
});
