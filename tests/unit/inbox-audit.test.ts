// The audit as an auditor reads it, over real HTTP on SQLite: filters (who,
// what, a child reference or a referral, dates), child references shown only
// to admins whose scope covers the referral, an export as one row, and an
// audit.csv no spreadsheet runs as a formula, even for an account an admin
// named =HYPERLINK("//evil.example/x")@a.bc.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/main.ts';
import { account, enrolledDevice, gmReferral, send, signIn } from '../helpers/inbox.ts';

const EVIL = '=HYPERLINK("//evil.example/x")@a.bc';
/** As the accounts keep an address: in lower case. */
const STORED = EVIL.toLowerCase();

let server: Awaited<ReturnType<typeof startServer>>;
let base: string;
let adminCookie: string;
let wiganAdminCookie: string;
const bolton = gmReferral(30, 5, { childRef: 'AUD-BOLTON' });
const wigan = gmReferral(45, 8, { childRef: 'AUD-WIGAN' });

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cse-inbox-audit-'));
  server = await startServer({ port: 0, dataDir: join(dir, 'data'), distDir: join(dir, 'no-dist') });
  base = `http://localhost:${server.address().port}`;
  const boltonDevice = await enrolledDevice(server, base, 'Bolton school nurse', 'Bolton');
  const wiganDevice = await enrolledDevice(server, base, 'Wigan school nurse', 'Wigan');
  expect(await send(base, boltonDevice, bolton)).toBe(201);
  expect(await send(base, wiganDevice, wigan)).toBe(201);
  await account(server.inbox, 'lead@la.example', 'admin');
  await account(server.inbox, 'wigan-admin@la.example', 'admin', ['Wigan']);
  // An account an admin made with a formula for a name: it signs in, so it is an actor in the audit.
  await account(server.inbox, EVIL, 'reviewer');
  adminCookie = (await signIn(base, 'lead@la.example')).cookie!;
  wiganAdminCookie = (await signIn(base, 'wigan-admin@la.example')).cookie!;
  const evilCookie = (await signIn(base, EVIL)).cookie!;
  // The evil account opens the Bolton referral and exports its view once.
  expect((await get(`/referrals/${bolton.id}`, evilCookie)).status).toBe(200);
  const exported = await fetch(`${base}/inbox/api/export`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: base, Cookie: evilCookie },
    body: JSON.stringify({ format: 'csv', view: 'all' }),
  });
  expect(exported.status).toBe(200);
  await exported.arrayBuffer();
}, 60_000);
afterAll(() => server?.close());

function get(path: string, cookie: string) {
  return fetch(`${base}/inbox/api${path}`, { headers: { Cookie: cookie } });
}

type Line = {
  actor: string;
  action: string;
  submissionId: string | null;
  childRef: string | null;
  childRefWithheld: boolean;
  detail: string | null;
};
/** The audit searched as the inbox searches it: the terms in a POST's body (a query string's terms, parsed). */
async function audit(query: string, cookie = adminCookie): Promise<Line[]> {
  const res = await fetch(`${base}/inbox/api/audit/search`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: base, Cookie: cookie },
    body: JSON.stringify(Object.fromEntries(new URLSearchParams(query))),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { entries: Line[] }).entries;
}

describe('the audit screen’s filters', () => {
  it('who: only that account’s entries (case aside)', async () => {
    const rows = await audit(`?actor=${encodeURIComponent(EVIL.toUpperCase())}`);
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.actor))).toEqual(new Set([STORED]));
  });

  it('what: an export is one row, with the count and the filter', async () => {
    const rows = await audit('?action=export-csv');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor: STORED, submissionId: null, detail: 'csv: 2 referrals; view all' });
  });

  it('a child reference: the entries about that child’s referrals, the reference shown', async () => {
    const rows = await audit('?child=aud-bolton');
    expect(rows.map((r) => r.action)).toEqual(['view']);
    expect(rows[0]).toMatchObject({ submissionId: bolton.id, childRef: 'AUD-BOLTON', childRefWithheld: false });
    // Nothing for a child with no referral.
    expect(await audit('?child=NOBODY')).toEqual([]);
    // Nor, for an admin limited to Wigan, for a child whose referrals are all in Bolton: the filter must not
    // tell that the child has records elsewhere, nor who opened them.
    expect(await audit('?child=aud-bolton', wiganAdminCookie)).toEqual([]);
  });

  it('a child reference is refused in an address, for the screen and the CSV, and the refusal holds none', async () => {
    for (const path of ['/audit?child=aud-bolton', '/audit.csv?child=aud-bolton']) {
      const res = await get(path, adminCookie);
      expect(res.status).toBe(400);
      const text = await res.text();
      expect(text).toContain('never put in a web address');
      expect(text.toLowerCase()).not.toContain('aud-bolton');
    }
    // The CSV by POST, the reference in the body: the one child's rows.
    const csv = await fetch(`${base}/inbox/api/audit.csv`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: base, Cookie: adminCookie },
      body: JSON.stringify({ child: 'aud-bolton' }),
    });
    expect(csv.status).toBe(200);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines.slice(1).every((l) => l.includes('AUD-BOLTON'))).toBe(true);
    expect(lines.length).toBeGreaterThan(1);
  });

  it('a referral by its id; dates', async () => {
    expect((await audit(`?submission=${bolton.id}`)).map((r) => r.action)).toEqual(['view']);
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect((await audit(`?from=${today}&to=${today}&action=view`)).length).toBe(1);
    expect(await audit(`?from=${tomorrow}`)).toEqual([]);
  });

  it('child references only to those whose scope covers the referral', async () => {
    const rows = await audit(`?submission=${bolton.id}`, wiganAdminCookie);
    expect(rows[0]).toMatchObject({ childRef: null, childRefWithheld: true });
    expect(JSON.stringify(rows)).not.toContain('AUD-BOLTON');
  });
});

describe('audit.csv', () => {
  it('guards every cell a spreadsheet would run as a formula, the evil account’s e-mail included', async () => {
    const res = await get(`/audit.csv?actor=${encodeURIComponent(EVIL)}`, adminCookie);
    expect(res.status).toBe(200);
    const text = (await res.text()).replace(/^\ufeff/, '');
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toBe('id,at,actor,action,submissionId,childRef,detail,address');
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines.slice(1)) {
      // The actor cell: quoted (it holds quotes) and led by an apostrophe, never by "=".
      expect(line).toContain(`"'=hyperlink(""//evil.example/x"")@a.bc"`);
      for (const cell of line.split(',')) expect(cell.replace(/^"/, '')).not.toMatch(/^[=+\-@\t\r]/);
    }
    // The download is itself one audit row.
    const rows = await audit('?action=audit-export');
    expect(rows[0]!.detail).toMatch(/^\d+ entries; filters: actor$/);
  });
});
