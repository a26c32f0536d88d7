// The list's view exported from the page (one audit row), then the audit
// screen at 1366 px, as an auditor reads it: no word (an e-mail
// address, a filter, a referral's child) broken across lines, its filters
// (who, here) narrowing the table, child references in place of short ids,
// and no accessibility violations (axe).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/main.ts';
import { PASSWORD, account, enrolledDevice, gmReferral, nextCode, send, signIn } from '../helpers/inbox.ts';
import { axeViolations } from './app.ts';
import { type RunningBrowser, launch } from './browser.ts';

let server: Awaited<ReturnType<typeof startServer>>;
let origin: string;
let b: RunningBrowser;
let page: Page;
const pageErrors: string[] = [];
const referral = gmReferral(30, 5, { childRef: 'AUDIT-CHILD-1' });

beforeAll(async () => {
  server = await startServer({ port: 0, dataDir: join(mkdtempSync(join(tmpdir(), 'cse-e2e-audit-')), 'data') });
  origin = `http://localhost:${server.address().port}`;
  const device = await enrolledDevice(server, origin, 'Bolton school nurse', 'Bolton');
  expect(await send(origin, device, referral)).toBe(201);
  await account(server.inbox, 'lead@la.example', 'admin');
  await account(server.inbox, 'safeguarding.duty.reviewer@bolton-mash.example.gov.uk', 'reviewer');
  // The reviewer opens the referral and exports the list: the audit has e-mails, a child and a filter to show.
  const { cookie } = await signIn(origin, 'safeguarding.duty.reviewer@bolton-mash.example.gov.uk');
  await (await fetch(`${origin}/inbox/api/referrals/${referral.id}`, { headers: { Cookie: cookie! } })).arrayBuffer();
  const res = await fetch(`${origin}/inbox/api/export`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: origin, Cookie: cookie! },
    body: JSON.stringify({ format: 'fhir', view: 'all', filters: { region: 'greater-manchester' } }),
  });
  await res.arrayBuffer();
  b = await launch();
  page = await b.context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.setViewportSize({ width: 1366, height: 768 });
}, 60_000);
afterAll(async () => {
  expect(pageErrors).toEqual([]);
  await b?.close();
  await server?.close();
});

/** Words in the audit table that the browser broke across lines other than at a hyphen ("lead@la.examp|le"). */
function brokenWords(p: Page): Promise<string[]> {
  return p.evaluate(() => {
    const out: string[] = [];
    for (const td of document.querySelectorAll('[data-testid=audit-table] td')) {
      const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if ((n.parentElement as HTMLElement).closest('.visually-hidden')) continue;
        const text = n.textContent ?? '';
        for (const m of text.matchAll(/\S+/g)) {
          const r = document.createRange();
          r.setStart(n, m.index);
          r.setEnd(n, m.index + m[0].length);
          const lines = new Set([...r.getClientRects()].map((x) => Math.round(x.top)));
          if (lines.size < 2) continue;
          // Over two lines: broken mid-word unless every break follows a hyphen (a compound's own break point).
          let top: number | undefined;
          for (let i = 0; i < m[0].length; i++) {
            const c = document.createRange();
            c.setStart(n, m.index + i);
            c.setEnd(n, m.index + i + 1);
            const t = Math.round(c.getBoundingClientRect().top);
            if (top !== undefined && t !== top && m[0][i - 1] !== '-') {
              out.push(m[0]);
              break;
            }
            top = t;
          }
        }
      }
    }
    return out;
  });
}

describe('the audit screen', () => {
  it('at 1366 px: no word broken, filtered by who, child references shown, no axe violations', async () => {
    await page.goto(`${origin}/inbox/`);
    await page.waitForSelector('h1:text-is("Sign in to the CSE inbox")');
    await page.fill('#email', 'lead@la.example');
    await page.fill('#password', PASSWORD);
    await page.fill('#code', await nextCode('lead@la.example'));
    await page.click('form button[type=submit]');
    await page.waitForSelector('h1:text-is("Referrals")');
    // The list's view exported from the page: one POST, a zip with the tool's own file, one audit row.
    await page.click('.views a[data-view=all]');
    await page.waitForSelector(`[data-id="${referral.id}"]`);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('button:has-text("Export these 1 as CSV")'),
    ]);
    expect(download.suggestedFilename()).toMatch(/^referrals-.*\.zip$/);
    const zip = unzipSync(readFileSync((await download.path())!));
    expect(Object.keys(zip).sort()).toEqual(['gm-cse-measurement-tool.csv', 'review-events.csv']);
    await page.waitForSelector('p[role=status]:has-text("Downloaded referrals-")');
    expect((await server.inbox.audit.list({ action: 'export-csv' })).map((e) => [e.actor, e.detail])).toEqual([
      ['lead@la.example', 'csv: 1 referral; view all'],
    ]);
    await page.click('a:text-is("Audit")');
    await page.waitForSelector('[data-testid=audit-table] tbody tr[data-action="export-fhir"]');
    expect(await brokenWords(page)).toEqual([]);
    expect(
      await page.textContent('[data-testid=audit-table] tr[data-action="view"] [data-testid=audit-referral]'),
    ).toContain('Child AUDIT-CHILD-1');
    expect(await page.textContent('[data-testid=audit-table] tr[data-action="export-fhir"]')).toContain(
      'fhir: 1 referral; view all; region=greater-manchester',
    );
    await page.click('summary:text-is("Filter the audit")');
    expect(await axeViolations(page)).toEqual([]);
    await page.fill('#a-actor', 'safeguarding.duty.reviewer@bolton-mash.example.gov.uk');
    await page.click('form[role=search] button[type=submit]');
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid=audit-table] tbody tr td:nth-child(2)')].every(
        (td) => td.textContent === 'safeguarding.duty.reviewer@bolton-mash.example.gov.uk',
      ),
    );
    expect(await page.locator('[data-testid=audit-table] tbody tr').count()).toBeGreaterThanOrEqual(3);
    expect(await brokenWords(page)).toEqual([]);
    const shots = process.env.E2E_SHOTS;
    if (shots) await page.screenshot({ path: join(shots, 'audit-1366.png'), fullPage: true });
  });
});
