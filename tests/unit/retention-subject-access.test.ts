// Retention and subject access over a running server, on SQLite and
// PostgreSQL. Retention: the periods the council sets with the admin command;
// the job, run with its clock moved on, removes what has passed its period once
// its review is finished, keeps one row per removal (no child data) and an
// audit row. Subject access: an admin exports everything held for one child
// reference, within the account's areas, as JSON and as a printable page; one
// audit row per export, without the reference.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../../src/admin/main.ts';
import { Retention } from '../../src/inbox-server/retention.ts';
import { startServer } from '../../src/server/main.ts';
import type { TestDevice } from '../helpers/device.ts';
import { account, enrolledDevice, gmReferral, send, signIn } from '../helpers/inbox.ts';
import { STORE_KINDS, freshDatabaseUrl, stopPostgres } from '../helpers/stores.ts';

afterAll(() => stopPostgres());

const DAY = 86_400_000;

describe.each(STORE_KINDS)('retention and subject access on %s', (kind) => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let base: string;
  let env: Record<string, string>;
  let bolton: TestDevice;
  let wigan: TestDevice;
  beforeAll(async () => {
    const db = await freshDatabaseUrl(kind);
    const dataDir = join(db.dataDir, 'data');
    const secretsDir = join(db.dataDir, 'secrets');
    const database = kind === 'postgres' ? db.database : join(dataDir, 'receiver.sqlite');
    server = await startServer({ port: 0, dataDir, secretsDir, database, distDir: join(db.dataDir, 'no-dist') });
    base = `http://localhost:${server.address().port}`;
    env = { CSE_DATA_DIR: dataDir, CSE_SECRETS_DIR: secretsDir, CSE_DATABASE_URL: database };
    bolton = await enrolledDevice(server, base, 'Bolton nurse', 'Bolton');
    wigan = await enrolledDevice(server, base, 'Wigan nurse', 'Wigan');
    await account(server.inbox, 'lead@example.org', 'admin');
    await account(server.inbox, 'boltonlead@example.org', 'admin', ['Bolton']);
    await account(server.inbox, 'duty@example.org', 'reviewer', ['Bolton']);
  }, 60_000);
  afterAll(() => server?.close());

  const admin = async (args: string[]) => {
    const out: string[] = [];
    return { code: await runAdmin(args, (s) => out.push(s), env), out: out.join('\n') };
  };

  it('retention: set by the admin command; the job removes finished referrals past their period, keeps open ones, and says what it removed', async () => {
    const done = gmReferral(30, 5, { childRef: 'RET-DONE' });
    const open = gmReferral(30, 5, { childRef: 'RET-OPEN' });
    expect(await send(base, bolton, done)).toBe(201);
    expect(await send(base, bolton, open)).toBe(201);
    await server.inbox.referrals.catchUp();
    const lead = (await server.inbox.accounts.byEmail('lead@example.org'))!;
    await server.inbox.referrals.addNote(done.id, lead, 'Called the school nurse back');
    await server.inbox.referrals.setState(done.id, 'in-review', lead, 'Looking at it');
    await server.inbox.referrals.setState(done.id, 'actioned', lead, 'Strategy meeting held');

    expect((await admin(['retention', 'set', 'screening', 'many'])).code).toBe(2);
    expect((await admin(['retention', 'set', 'screening', '365'])).code).toBe(0);
    expect((await admin(['retention', 'list'])).out).toMatch(/screening\t365 days\tset by cli/);
    expect((await admin(['retention', 'list'])).out).toMatch(/information-report\tkept for ever/);

    // The clock moved on: 100 days (inside the period), then 400 (past it).
    const at = (days: number) => new Retention(server.store.sql, server.inbox.audit, () => Date.now() + days * DAY);
    expect(await at(100).run()).toEqual({ removed: { screening: 0, 'information-report': 0 }, keptOpen: 0 });
    expect(await at(400).run()).toEqual({ removed: { screening: 1, 'information-report': 0 }, keptOpen: 1 });

    // The finished one is gone everywhere: its body, its index row, its history; the open one is untouched.
    expect(await server.store.get(done.id)).toBeUndefined();
    expect(await server.inbox.referrals.get(done.id)).toBeUndefined();
    expect(
      await server.store.sql.get('select id from inbox_review_events where submission_id = ?', [done.id]),
    ).toBeUndefined();
    // Nor is anything left of it among the joined entries (their keyed hashes and its scan).
    for (const table of ['inbox_entry_keys', 'inbox_entry_scans'])
      expect(await server.store.sql.get(`select 1 from ${table} where submission_id = ?`, [done.id])).toBeUndefined();
    expect(
      await server.store.sql.get('select 1 from inbox_entry_scans where submission_id = ?', [open.id]),
    ).toBeTruthy();
    expect(((await server.store.get(open.id))!.body as { childRef: string }).childRef).toBe('RET-OPEN');
    const { cookie } = await signIn(base, 'lead@example.org');
    expect((await fetch(`${base}/inbox/api/referrals/${done.id}`, { headers: { Cookie: cookie! } })).status).toBe(404);
    expect((await fetch(`${base}/inbox/api/referrals/${open.id}`, { headers: { Cookie: cookie! } })).status).toBe(200);

    // What stays: what was removed and when, with no child data; one audit row with the counts.
    const removed = await server.inbox.retention.removedList();
    expect(removed).toEqual([
      expect.objectContaining({ id: done.id, kind: 'screening', receivedAt: expect.any(String) }),
    ]);
    expect(JSON.stringify(removed)).not.toContain('RET-DONE');
    const rows = await server.inbox.audit.list({ action: 'retention-delete' });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.detail).toBe(
      'retention: 1 screenings and 0 information reports removed past their period; 1 past it kept because their review is not finished',
    );
    // Run again: nothing more to remove (the open one is still kept, and said so).
    expect((await at(400).run()).removed.screening).toBe(0);
    expect((await admin(['retention', 'clear', 'screening'])).out).toMatch(/kept for ever/);
  }, 60_000);

  it('subject access: an admin exports everything held for one child reference, within the account’s areas; audited without the reference', async () => {
    const first = gmReferral(30, 5, { childRef: 'SAR-7' });
    const second = gmReferral(45, 8, { childRef: 'sar-7 ' });
    const other = gmReferral(12, 2, { childRef: 'SAR-8' });
    expect(await send(base, bolton, first)).toBe(201);
    expect(await send(base, wigan, second)).toBe(201);
    expect(await send(base, bolton, other)).toBe(201);
    await server.inbox.referrals.catchUp();
    const lead = (await server.inbox.accounts.byEmail('lead@example.org'))!;
    await server.inbox.referrals.addNote(first.id, lead, 'Mother <b>called</b> the duty line');

    // One sign-in per account (each takes a fresh code from its authenticator).
    const cookies = new Map<string, string>();
    const ask = async (email: string, body: unknown) => {
      if (!cookies.has(email)) cookies.set(email, (await signIn(base, email)).cookie!);
      const cookie = cookies.get(email);
      return fetch(`${base}/inbox/api/subject-access`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: base, Cookie: cookie! },
        body: JSON.stringify(body),
      });
    };
    const before = (await server.inbox.audit.list({ action: 'subject-access' })).length;

    const all = await ask('lead@example.org', { childRef: 'SAR-7', format: 'json' });
    expect(all.status).toBe(200);
    const x = (await all.json()) as {
      records: { id: string; submission: { childRef: string; answers: object }; review: { note: string }[] }[];
      outsideScope: number;
    };
    expect(x.records.map((r) => r.id)).toEqual([first.id, second.id]);
    expect(x.records[0]!.submission.answers).toEqual(first.answers);
    expect(x.records[0]!.review.map((e) => e.note)).toEqual(['Mother <b>called</b> the duty line']);
    expect(x.outsideScope).toBe(0);

    // An admin for Bolton only: Bolton's record, told one more is held elsewhere.
    const scoped = (await (await ask('boltonlead@example.org', { childRef: 'SAR-7' })).json()) as typeof x;
    expect(scoped.records.map((r) => r.id)).toEqual([first.id]);
    expect(scoped.outsideScope).toBe(1);

    // The printable page: everything escaped, nothing that runs.
    const page = await ask('lead@example.org', { childRef: 'SAR-7', format: 'html' });
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('Everything held for child reference SAR-7');
    expect(html).toContain('Mother &lt;b&gt;called&lt;/b&gt; the duty line');
    expect(html).not.toMatch(/<script|<b>/);

    // A reviewer may not; a bad body is told what to send.
    expect((await ask('duty@example.org', { childRef: 'SAR-7' })).status).toBe(403);
    expect((await ask('lead@example.org', { childRef: '' })).status).toBe(400);

    const rows = (await server.inbox.audit.list({ action: 'subject-access' })).slice(0, -before || undefined);
    expect(rows.map((r) => r.detail)).toEqual([
      'subject access export (html): 2 records',
      "subject access export (json): 1 records, 1 outside the account's areas not included",
      'subject access export (json): 2 records',
    ]);
    expect(JSON.stringify(rows)).not.toMatch(/SAR-7/i);
  }, 120_000);
});
