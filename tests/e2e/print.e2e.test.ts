// The prints a MASH files, as Chromium makes them (its own print's layout, saved
// as PDF headless, with no header or footer templates: the marking, the
// reference and the page numbers come from the page's own CSS, so the user's
// browser print carries them too). Read back with pdftotext page by page:
// every page has OFFICIAL-SENSITIVE, the reference and "Page N of M"; page 1
// has the outcome, what to do now and who referred. A GM referral printed from
// the inbox fits 3 pages; a finished A&E record printed in the app, with no
// assessor in Settings, says "Assessor not recorded". PNGs of the pages are kept
// (E2E_SHOTS, or a temporary folder) to look at.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/main.ts';
import { ticks } from '../helpers/answers.ts';
import { PASSWORD, account, enrolledDevice, gmReferral, nextCode, send } from '../helpers/inbox.ts';
import { chooseSettingAndRegion, enter, fillInstrument } from './app.ts';
import { type RunningBrowser, launch } from './browser.ts';

let server: Awaited<ReturnType<typeof startServer>>;
let origin: string;
let b: RunningBrowser;
let page: Page;
const out = mkdtempSync(join(tmpdir(), 'cse-e2e-prints-'));
const shots = process.env.E2E_SHOTS ?? out;
const pageErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  server = await startServer({ port: 0, dataDir: join(mkdtempSync(join(tmpdir(), 'cse-e2e-prints-data-')), 'data') });
  origin = `http://localhost:${server.address().port}`;
  b = await launch();
  page = await b.context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
});
afterAll(async () => {
  expect(pageErrors).toEqual([]);
  await b?.close();
  await server?.close();
});

/** The page printed as an A4 PDF (the browser's print layout, no header/footer templates), one text per page. */
async function printedPages(name: string): Promise<string[]> {
  const file = join(out, `${name}.pdf`);
  await page.emulateMedia({ media: 'print' });
  await page.pdf({ path: file, format: 'A4', printBackground: true, preferCSSPageSize: true });
  await page.emulateMedia({ media: 'screen' });
  execFileSync('pdftoppm', ['-png', '-r', '50', file, join(shots, name)]);
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).normalize('NFKC');
  return text
    .split('\f')
    .filter((p) => p.trim())
    .map((p) => p.replace(/\s+/g, ' '));
}

function expectMarked(pages: string[], reference: string) {
  pages.forEach((p, i) => {
    expect(p, `page ${i + 1}`).toContain('OFFICIAL-SENSITIVE');
    expect(p, `page ${i + 1}`).toContain(reference);
    expect(p, `page ${i + 1}`).toContain(`Page ${i + 1} of ${pages.length}`);
  });
}

describe('printed from the inbox', () => {
  it('a GM referral: at most 3 pages, each marked, referenced and numbered; page 1 the summary', async () => {
    // A school nurse's device in Bolton: the referral is Bolton's, and its steps name Bolton's team.
    const device = await enrolledDevice(server, origin, 'Sam Nurse, school nurse', 'Bolton');
    // Worked by hand: ten categories adding to 45 and a judgement of 8 → 53, High (41 – 60) (seed 000 L1661).
    const referral = gmReferral(45, 8, {
      childRef: 'PRINT-GM-7',
      author: { name: 'Sam Nurse', role: 'School nurse', organisation: 'Test NHS Trust', contact: '01234 567890' },
    });
    expect(await send(origin, device, referral)).toBe(201);
    const reviewer = await account(server.inbox, 'duty@mash.example', 'reviewer');
    await server.inbox.referrals.catchUp();
    await server.inbox.referrals.setState(referral.id, 'in-review', reviewer, 'Picked up by the duty worker.');

    await page.setViewportSize({ width: 1024, height: 900 });
    await page.goto(`${origin}/inbox/`);
    await page.waitForSelector('h1:text-is("Sign in to the CSE inbox")');
    await page.fill('#email', 'duty@mash.example');
    await page.fill('#password', PASSWORD);
    await page.fill('#code', await nextCode('duty@mash.example'));
    await page.click('form button[type=submit]');
    await page.waitForSelector('h1:text-is("Referrals")');
    await page.goto(`${origin}/inbox/#/referral/${referral.id}`);
    await page.waitForSelector('[data-testid=record-document]', { state: 'attached' });

    const pages = await printedPages('inbox-gm-referral');
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pages.length).toBeLessThanOrEqual(3);
    expectMarked(pages, 'Child reference PRINT-GM-7');
    const first = pages[0]!;
    expect(first).toContain('Outcome');
    expect(first).toContain('High (41 – 60)');
    expect(first).toContain('What to do now');
    expect(first).toContain('Sam Nurse, School nurse, Test NHS Trust');
    expect(first).toContain('01234 567890');
    expect(first).toContain('Review: In review');
    // The answers are an annex, after the summary; the blank items named in one line per section.
    expect(first).not.toContain('Annex: every answer');
    expect(pages.slice(1).join(' ')).toContain('Annex: every answer');
    expect(pages.join(' ')).toContain('Not answered:');
    expect(pages.join(' ')).toContain('Picked up by the duty worker.');
    expect(pages.join(' ').match(/Not answered/g)!.length).toBeLessThan(15);
    // Bolton's CSE team, not every area's.
    expect(pages.join(' ')).toContain('Bolton CSE team');
    expect(pages.join(' ')).not.toContain('Wigan CSE team');
  });
});

describe('printed in the app', () => {
  it('a finished A&E record: each page marked, referenced and numbered; "Assessor not recorded"', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(origin);
    await enter(page);
    const id = 'nscb-ae-cse-indicator-checklist';
    await chooseSettingAndRegion(page, 'medical', 'northamptonshire');
    await fillInstrument(page, id, 'AE-PRINT-15', { ...ticks(id, ['low-self-harm', 'low-unknown-adults']), age: 15 });
    await page.click('text=Finish and see the result');
    await page.waitForSelector('h1:text-is("Result")');
    const pages = await printedPages('app-ae-record');
    expectMarked(pages, 'Child reference AE-PRINT-15');
    const first = pages[0]!;
    expect(first).toContain('Outcome');
    expect(first).toContain('Please complete full CSE Toolkit');
    expect(first).toContain('What to do now');
    expect(first).toContain('Assessor not recorded');
    expect(pages.join(' ')).not.toContain('add your details in Settings');
    expect(pages.join(' ')).toContain('Not ticked:');
  });
});
