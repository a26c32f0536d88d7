// Joining the dots (issue 26) in headless Chromium against the built inbox and
// the reference endpoint: three information reports from three devices name the
// same car as "MA6 7XY", "ma67xy" and the partial "MA6 7". A reviewer covering
// Bolton and Wigan opens the first, sees "Also in 2 other referrals" on the
// vehicle, follows a link to the next report; a reviewer limited to Bolton sees
// the Wigan one only as held by Wigan; the entries seen most list the car.
// axe on every screen. (Reports: the GM information report, 000 L620–L627.)
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getInstrument, score } from '../../src/domain/index.ts';
import type { Answers } from '../../src/domain/engine/types.ts';
import { startServer } from '../../src/server/main.ts';
import { account, enrolledDevice, nextCode, PASSWORD, send } from '../helpers/inbox.ts';
import { makeSubmission } from '../helpers/submission.ts';
import { axeViolations } from './app.ts';
import { type RunningBrowser, launch } from './browser.ts';

let server: Awaited<ReturnType<typeof startServer>>;
let origin: string;
let b: RunningBrowser;
let page: Page;
const pageErrors: string[] = [];
const shots = process.env.ENTRIES_SHOTS ?? join(tmpdir(), 'cse-entries-shots');

/** Screenshots at a desk and on a phone; nothing wider than the screen. */
async function shoot(name: string) {
  for (const [w, h] of [
    [1366, 768],
    [320, 800],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: join(shots, `${name}-${w}.png`), fullPage: true });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(wide, `${name} at ${w}px scrolls sideways`).toBeLessThanOrEqual(0);
  }
  await page.setViewportSize({ width: 1366, height: 768 });
}

const GM_REPORT = getInstrument('gm-information-report')!;
function report(area: string, childRef: string, registration: string) {
  const answers: Answers = {
    'immediate-danger': 'no',
    area,
    'report-datetime': '2026-12-01T19:30',
    'reporter-name': 'Youth worker',
    details: 'Car collecting girls outside the park',
    vehicles: [{ registration, colour: 'Silver' }],
  };
  return makeSubmission(
    {
      kind: 'information-report',
      instrument: { id: GM_REPORT.id, version: GM_REPORT.version },
      childRef,
      result: score(GM_REPORT, answers),
    },
    answers,
  );
}
const first = report('bolton', 'JD-YW-1', 'MA6 7XY');
const second = report('bolton', 'JD-SN-2', 'ma67xy');
const third = report('wigan', 'JD-AE-3', 'MA6 7');

async function type(selector: string, text: string) {
  await page.click(selector);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.locator(selector).pressSequentially(text);
}

async function signIn(email: string) {
  await page.goto(`${origin}/inbox/`);
  await page.waitForSelector('h1:text-is("Sign in to the CSE inbox")');
  await type('#email', email);
  await type('#password', PASSWORD);
  await type('#code', await nextCode(email));
  await page.click('form button[type=submit]');
  await page.waitForSelector('h1:text-is("Referrals")');
}

async function signOut() {
  await page.click('button:text-is("Sign out")');
  await page.waitForSelector('h1:text-is("Sign in to the CSE inbox")');
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  const dataDir = join(mkdtempSync(join(tmpdir(), 'cse-entries-e2e-')), 'data');
  server = await startServer({ port: 0, dataDir });
  origin = `http://localhost:${server.address().port}`;
  const devices = [
    await enrolledDevice(server, origin, 'Bolton youth worker', 'Bolton'),
    await enrolledDevice(server, origin, 'Bolton school nurse', 'Bolton'),
    await enrolledDevice(server, origin, 'Wigan A&E nurse', 'Wigan'),
  ];
  expect(await send(origin, devices[0]!, first)).toBe(201);
  expect(await send(origin, devices[1]!, second)).toBe(201);
  expect(await send(origin, devices[2]!, third)).toBe(201);
  await account(server.inbox, 'duty@mash.example', 'reviewer', ['Bolton', 'Wigan']);
  await account(server.inbox, 'bolton@mash.example', 'reviewer', ['Bolton']);
  b = await launch();
  page = await b.context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.setViewportSize({ width: 1366, height: 768 });
}, 120_000);
afterAll(async () => {
  await b?.close();
  await server?.close();
});

describe('the same car in three reports', () => {
  it('the reviewer sees "Also in 2 other referrals" on the vehicle and follows the link', async () => {
    await signIn('duty@mash.example');
    await page.goto(`${origin}/inbox/#/referral/${first.id}`);
    const vehicle = page.locator('[data-testid=entry-link][data-kind=registration]');
    await vehicle.waitFor();
    expect(await vehicle.textContent()).toContain('Vehicle registration: MA6 7XY');
    expect(await vehicle.locator('[data-testid=entry-link-count]').textContent()).toBe('Also in 2 other referrals');
    expect(await vehicle.textContent()).toContain('matched by the first characters of the registration');
    expect(await axeViolations(page), 'referral with links').toEqual([]);
    await vehicle.scrollIntoViewIfNeeded();
    await shoot('referral-links');
    // The school nurse's report: the link, then its own page, which links back.
    const links = vehicle.locator('a');
    expect(await links.count()).toBe(2);
    const target = vehicle.locator(`a[href="#/referral/${second.id}"]`);
    const box = await target.boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(44);
    await target.click();
    await page.waitForSelector('h1:text-is("Child JD-SN-2")');
    const back = page.locator(`[data-testid=entry-link][data-kind=registration] a[href="#/referral/${first.id}"]`);
    await back.waitFor();
    expect(await page.locator('[data-testid=entry-link-count]').first().textContent()).toBe(
      'Also in 2 other referrals',
    );

    // The entries seen most: the car, in three referrals.
    await page.click('nav a:text-is("Seen in several referrals")');
    await page.waitForSelector('h1:text-is("Seen in several referrals")');
    const row = page.locator('[data-testid=seen-most] tbody tr', { hasText: 'MA6 7XY' });
    await row.waitFor();
    expect(await row.locator('td').nth(2).textContent()).toBe('3');
    expect(await axeViolations(page), 'seen most').toEqual([]);
    await shoot('seen-most');
    await signOut();
  });

  it('a reviewer limited to Bolton sees the Wigan report only as held by Wigan', async () => {
    await signIn('bolton@mash.example');
    await page.goto(`${origin}/inbox/#/referral/${first.id}`);
    const vehicle = page.locator('[data-testid=entry-link][data-kind=registration]');
    await vehicle.waitFor();
    expect(await vehicle.locator('[data-testid=entry-link-count]').textContent()).toBe('Also in 2 other referrals');
    expect(await vehicle.locator('a').count()).toBe(1);
    expect(await vehicle.locator('[data-testid=held-elsewhere]').textContent()).toContain('1 referral held by Wigan');
    expect(await page.content()).not.toContain(third.id);
    expect(await axeViolations(page), 'referral with a link held elsewhere').toEqual([]);
    await shoot('held-elsewhere');
    expect(pageErrors).toEqual([]);
  });
});
