// Safety routes in the built app (issue 11), played in headless Chromium: a
// 12-year-old by date of birth on the A&E checklist with one low indicator and
// a recent sexual assault disclosed on the case-facts page. The result shows
// 999 first and the routes the facts set off (immediate MASH for an
// under-13, 003 L2189; Serenity, 003 L1268; the police, 003 L2225), and the
// warning "do not consult the parents" straight after 999 (001 L489–L493).
// The facts page and the Sandwell decision page pass axe and fit 320 px.
// SAFETY_SHOTS=dir saves screenshots at 320, 390 and 820 px.
import { mkdirSync, mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/main.ts';
import { axeViolations, chooseSettingAndRegion, configure, enter } from './app.ts';
import { type RunningBrowser, launch, newProfile } from './browser.ts';

let server: Awaited<ReturnType<typeof startServer>>;
let origin: string;
let b: RunningBrowser;
let page: Page;
const pageErrors: string[] = [];
const shots = process.env.SAFETY_SHOTS;

beforeAll(async () => {
  server = await startServer({ port: 0, dataDir: mkdtempSync(join(tmpdir(), 'cse-safety-')) });
  origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  b = await launch(newProfile());
  page = await b.context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  if (shots) mkdirSync(shots, { recursive: true });
});
afterAll(async () => {
  expect(pageErrors).toEqual([]);
  await b?.close();
  server?.close();
});

async function fitsAndShoot(name: string) {
  for (const width of [320, 390, 820]) {
    await page.setViewportSize({ width, height: width === 820 ? 1180 : 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), `${name} at ${width}px`).toBe(
      true,
    );
    if (shots) await page.screenshot({ path: join(shots, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 390, height: 844 });
}

describe('the facts of the case drive the routes', () => {
  it('a 12-year-old by date of birth, one low indicator, a recent assault disclosed, abuse in the family suspected', async () => {
    await page.goto(origin);
    await enter(page);
    await configure(page, origin, server);
    await page.goto(`${origin}/#/`);
    await chooseSettingAndRegion(page, 'medical', 'northamptonshire');
    await page.click('a[data-instrument="nscb-ae-cse-indicator-checklist"]');
    // The facts come first, with the child reference.
    await page.waitForSelector('h1:text-is("About the child and what has happened")');
    await page.locator('#child-ref').pressSequentially('SAFE-1');
    expect(await axeViolations(page)).toEqual([]);
    await fitsAndShoot('facts-page');
    // The date of birth typed key by key in its three fields (day, month, year: no locale can swap them).
    await page.locator('#fact-dob').pressSequentially('01');
    await page.locator('#fact-dob-month').pressSequentially('06');
    await page.locator('#fact-dob-year').pressSequentially('2014');
    await page.waitForSelector('[data-testid=fact-dob-echo]');
    expect(await page.textContent('[data-testid=fact-dob-echo]')).toMatch(/^1[0-9] years old on /);
    expect(await page.inputValue('#fact-assessment-date-year')).toMatch(/^\d{4}$/); // today, filled in
    await page.click('label[for="fact-sexual-assault-0"]'); // recent
    await page.click('label[for="fact-suspected-abuse-0"]'); // intra-familial
    await page.click('form button[type=submit]');
    await page.waitForSelector('h1:text-is("About the child")');
    await page.click('form button[type=submit]');
    await page.waitForSelector('h1:text-is("Low level indicators")');
    await page.click('label[for="low-self-esteem-tick"]');
    await page.click('form button[type=submit]');
    await page.waitForSelector('h1:text-is("Medium level indicators")');
    await page.click('label[for="section-medium-none"]');
    await page.click('form button[type=submit]');
    await page.waitForSelector('h1:text-is("Higher level indicators")');
    await page.click('label[for="section-higher-none"]');
    await page.click('form button[type=submit]');
    await page.waitForSelector('h1:text-is("Check your answers")');
    await page.click('text=Finish and see the result');
    await page.waitForSelector('h1:text-is("Result")');

    const ids = await page.$$eval('[data-step]', (els) => els.map((e) => e.getAttribute('data-step')));
    expect(ids[0]).toBe('emergency-999');
    expect(ids[1]).toBe('do-not-consult-parents');
    expect(ids).toEqual(
      expect.arrayContaining([
        'nn-under-13-immediate-mash',
        'nn-serenity',
        'nn-disclosure-police',
        'nn-under-16-assault-mash',
      ]),
    );
    expect(await axeViolations(page)).toEqual([]);
    await fitsAndShoot('facts-result');
  });

  it("Sandwell: the category page sets out the three categories in the seed's words, and passes axe", async () => {
    await page.goto(`${origin}/#/`);
    await chooseSettingAndRegion(page, 'medical', 'sandwell');
    await page.click('a[data-instrument="sandwell-cse-screening-tool"]');
    await page.waitForSelector('h1:text-is("About the child and what has happened")');
    await page.locator('#child-ref').pressSequentially('SAFE-2');
    await page.click('form button[type=submit]'); // the facts left blank
    await page.waitForSelector('h1:text-is("About the child and the referrer")');
    await page.click('form button[type=submit]');
    for (const [title, section] of [
      ['Significant Risk Indicators', 'significant'],
      ['Risk Indicators', 'risk'],
    ] as const) {
      await page.waitForSelector(`h1:text-is("${title}")`);
      await page.click(`label[for="section-${section}-none"]`);
      await page.click('form button[type=submit]');
    }
    await page.waitForSelector('h1:text-is("Vulnerability Factors")');
    await page.click('label[for="v-bereavement-tick"]');
    await page.click('form button[type=submit]');
    await page.waitForSelector('h1:text-is("Your decision on the category of risk")');
    const text = await page.textContent('main');
    expect(text).toContain('a child who is at risk of being groomed for sexual exploitation.');
    expect(text).toContain('a child who is entrenched in sexual exploitation');
    expect(await axeViolations(page)).toEqual([]);
    await fitsAndShoot('sandwell-decision');
    await page.click('label[for="category-decision-0"]'); // Category 1
    await page.locator('#category-reason').pressSequentially('Bereavement, well supported at home.');
    await page.click('form button[type=submit]');
    await page.waitForSelector('h1:text-is("Check your answers")');
    await page.click('text=Finish and see the result');
    await page.waitForSelector('h1:text-is("Result")');
    expect(await page.textContent('[data-testid=outcome-level]')).toBe(
      "Category 1 – Low. At risk of harm (the practitioner's decision)",
    );
  });
});
