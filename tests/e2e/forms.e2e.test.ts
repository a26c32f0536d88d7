// Issue 22 (facts first, what was seen, the small things), played in the built
// app in headless Chromium, typing key by key with the keyboard as people do.
//  - After a wrong passcode the next keystroke goes into the passcode field.
//  - Under an en-US locale the date of birth typed 15 / 03 / 2014 is stored
//    2014-03-15 and the age is said back.
//  - The A&E checklist asks the facts first; "Nothing to report on these" costs
//    the nurse one tap; left blank, the live outcome does not invite finishing.
//  - A paper-like A&E record finished from the first indicators page prints the
//    indicators nobody looked at as "Not reviewed", apart from "Not ticked".
import { mkdirSync, mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/main.ts';
import { PASSCODE, axeViolations, chooseSettingAndRegion, configure } from './app.ts';
import { type RunningBrowser, launch, newProfile } from './browser.ts';

const AE = 'nscb-ae-cse-indicator-checklist';
const MET = 'Please complete full CSE Toolkit';
const SHOTS = '/tmp/forms-shots';

let server: Awaited<ReturnType<typeof startServer>>;
let origin: string;
let b: RunningBrowser;
let us: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer({ port: 0, dataDir: mkdtempSync(join(tmpdir(), 'cse-forms-')) });
  origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  b = await launch(newProfile());
  // A US English browser: a native date field there reads the day and month the other way round.
  us = await b.browser.newContext({ locale: 'en-US', viewport: { width: 390, height: 844 } });
  page = await us.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
});
afterAll(async () => {
  expect(pageErrors).toEqual([]);
  await us?.close();
  await b?.close();
  server?.close();
});

const focusedId = () => page.evaluate(() => document.activeElement?.id ?? '');

/** Taps a field and types into it from the keyboard, key by key. */
async function typeInto(selector: string, text: string) {
  await page.click(selector);
  await page.keyboard.type(text);
}

describe('the lock screen', () => {
  it('after a wrong passcode, focus is back in the field: the next keystroke goes into it', async () => {
    await page.goto(origin);
    expect(await page.evaluate(() => navigator.language)).toBe('en-US');
    await page.waitForSelector('h1:text-is("Set a passcode")');
    await page.locator('#passcode').pressSequentially(PASSCODE);
    await page.locator('#passcode-confirm').pressSequentially(PASSCODE);
    await page.click('form button[type=submit]');
    await page.waitForSelector('h1:text-is("Screen a child")');

    await page.click('nav button:text-is("Lock")');
    await page.waitForSelector('h1:text-is("Unlock")');
    await typeInto('#unlock-passcode', 'wrong-passcode-9');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.error-summary');
    expect(await page.textContent('.error-summary')).toContain('That passcode is not right (1 wrong in a row)');
    // Wait for the state, not a moment: the emptied field has the focus again.
    await page.waitForFunction(
      () =>
        document.activeElement?.id === 'unlock-passcode' && (document.activeElement as HTMLInputElement).value === '',
    );
    // The next keystroke, with no click, goes into the field.
    await page.keyboard.type(PASSCODE);
    expect(await page.inputValue('#unlock-passcode')).toBe(PASSCODE);
    expect(await focusedId()).toBe('unlock-passcode');
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press('Enter');
    await page.waitForSelector('h1:text-is("Screen a child")');
  });
});

describe('the A&E checklist, facts first', () => {
  let recordId = '';
  it('asks the facts first; the date of birth typed 15 / 03 / 2014 under en-US is stored 2014-03-15 and the age is shown', async () => {
    // Settings and enrolment, so the finished record reaches the endpoint and its stored answers can be read there.
    await configure(page, origin, server);
    await page.goto(`${origin}/#/`);
    await chooseSettingAndRegion(page, 'medical', 'northamptonshire');
    await page.click(`a[data-instrument="${AE}"]`);
    await page.waitForSelector('h1:text-is("About the child and what has happened")');
    expect(await page.textContent('.caption')).toContain('Section 1 of 5');
    // The facts come before the tool's pages: immediate danger is the first question after the reference.
    const legends = await page.$$eval('form fieldset > legend', (els) => els.map((e) => e.textContent ?? ''));
    expect(legends[0]).toContain('Is the child in immediate danger');
    expect(legends[1]).toContain('Date of birth');
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
    await typeInto('#child-ref', 'AE-DOB-1');
    // GOV.UK date input: Day, Month, Year, numbers only, typed key by key.
    expect(await page.getAttribute('#fact-dob', 'inputmode')).toBe('numeric');
    await typeInto('#fact-dob', '15');
    await typeInto('#fact-dob-month', '03');
    await typeInto('#fact-dob-year', '2014');
    expect(await page.inputValue('#fact-dob-month')).toBe('03');
    const today = await page.evaluate(() => new Date().toLocaleDateString('en-CA'));
    const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
    const age = ty - 2014 - (tm < 3 || (tm === 3 && td < 15) ? 1 : 0);
    const long = new Date(ty, tm - 1, td).toLocaleDateString('en-GB', {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
    });
    await page.waitForSelector(`[data-testid=fact-dob-echo]:text-is("${age} years old on ${long}")`);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/facts-390.png`, fullPage: true });
    await page.setViewportSize({ width: 320, height: 700 });
    await page.screenshot({ path: `${SHOTS}/facts-320.png`, fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    await page.setViewportSize({ width: 390, height: 844 });

    // From here, count the taps to the outcome on screen: one more than before the facts came first (3).
    let taps = 0;
    const tap = async (selector: string) => {
      taps++;
      await page.click(selector);
    };
    await tap('[data-testid=nothing-to-report] button'); // No to each fact that changes what to do, and on
    await page.waitForSelector('h1:text-is("About the child")');
    recordId = /#\/record\/([^/]+)\//.exec(page.url())![1]!;
    await tap('form button[type=submit]'); // Continue
    await page.waitForSelector('h1:text-is("Low level indicators")');
    await tap('label[for="low-self-harm-tick"]');
    await tap('label[for="low-unknown-adults-tick"]');
    await page.waitForSelector(`[data-testid=live-level]:text-is("${MET}")`);
    expect(taps).toBeLessThanOrEqual(4);
    // The facts are answered, so finishing is offered.
    await page.waitForSelector('[data-testid=live-finish]');
    expect(await page.$('[data-testid=live-facts]')).toBeNull();

    // Paper-like: this page confirmed (Continue), then finished from the next one.
    await page.click('form button[type=submit]');
    await page.waitForSelector('h1:text-is("Medium level indicators")');
    await page.click('[data-testid=live-finish]');
    await page.waitForSelector('h1:text-is("Check your answers")');
    const dobRow = page.locator('.summary-row', { hasText: 'Date of birth' });
    expect(await dobRow.locator('dd').first().textContent()).toBe('15 Mar 2014');
    await page.click('text=Finish and see the result');
    await page.click('text=Yes, finish as incomplete');
    await page.waitForSelector('h1:text-is("Result")');
    expect(await page.textContent('[data-testid=outcome-level]')).toBe(MET);

    // Stored (and sent) as YYYY-MM-DD; the indicators nobody looked at are not answered, not "no".
    await expect.poll(() => server.store.count(), { timeout: 20_000 }).toBe(1);
    const sent = (await server.store.all())[0]!.body as { answers: Record<string, unknown>; childRef: string };
    expect(sent.childRef).toBe('AE-DOB-1');
    expect(sent.answers['fact-dob']).toBe('2014-03-15');
    expect(sent.answers).toMatchObject({
      'fact-immediate-danger': 'no',
      'fact-sexual-assault': 'no',
      'fact-missing-now': 'no',
      'fact-trafficking': 'no',
      'low-self-harm': 'yes',
      'low-unknown-adults': 'yes',
      'low-self-esteem': 'no',
      'low-drugs-alcohol': 'no',
    });
    expect(sent.answers['med-cars']).toBeUndefined();
    expect(sent.answers['high-under-13']).toBeUndefined();
  });

  it('the paper-like A&E record prints the indicators nobody looked at as "Not reviewed", apart from "Not ticked"', async () => {
    await page.goto(`${origin}/#/record/${recordId}/view`);
    const doc = await page.waitForSelector('[data-testid=record-document]');
    const answer = (id: string) => page.textContent(`[data-testid=record-document] [data-item="${id}"] dd`);
    expect(await answer('low-self-harm')).toBe('Ticked');
    expect(await answer('low-self-esteem')).toBe('Not ticked'); // looked at (Continue) and absent
    for (const id of ['med-cars', 'med-peers-at-risk', 'high-under-13', 'high-terminations'])
      expect(await answer(id)).toBe('Not reviewed');
    const unreviewed = await page.$$eval('[data-testid=section-unreviewed]', (els) => els.map((e) => e.textContent));
    expect(unreviewed).toEqual([
      'Not reviewed: the record was finished before this section was looked at.',
      'Not reviewed: the record was finished before this section was looked at.',
    ]);
    expect(await page.textContent('[data-item="fact-dob"] dd')).toBe('15 Mar 2014');
    expect(await axeViolations(page)).toEqual([]);
    // As printed: the indicators nobody looked at in one line per section, not one line each.
    await page.emulateMedia({ media: 'print' });
    expect(await (await doc.$('[data-item="med-cars"] dd'))!.isVisible()).toBe(false);
    const folded = await page.$$eval('[data-testid=answers-folded]', (els) =>
      els.filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => e.textContent),
    );
    expect(folded.some((t) => t?.startsWith('Not reviewed: Getting into cars with unknown adults'))).toBe(true);
    await doc.screenshot({ path: `${SHOTS}/record-print-390.png` });
    await page.setViewportSize({ width: 320, height: 700 });
    await doc.screenshot({ path: `${SHOTS}/record-print-320.png` });
    await page.emulateMedia({ media: 'screen' });
    await page.setViewportSize({ width: 390, height: 844 });
  });

  it('with the facts left blank, a decided outcome does not invite finishing: it says these questions change what to do', async () => {
    await page.goto(`${origin}/#/`);
    await page.click(`a[data-instrument="${AE}"]`);
    await page.waitForSelector('h1:text-is("About the child and what has happened")');
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
    await typeInto('#child-ref', 'AE-BLANK-1');
    await page.click('form button[type=submit]'); // Continue, nothing answered
    await page.waitForSelector('h1:text-is("About the child")');
    await page.click('form button[type=submit]');
    await page.waitForSelector('h1:text-is("Low level indicators")');
    await page.click('label[for="low-self-harm-tick"]');
    await page.click('label[for="low-unknown-adults-tick"]');
    await page.waitForSelector(`[data-testid=live-level]:text-is("${MET}")`);
    const facts = await page.waitForSelector('[data-testid=live-facts]');
    expect(await facts.textContent()).toContain('The outcome is decided');
    expect(await facts.textContent()).toContain('immediate danger, a sexual assault, missing now, trafficking');
    expect(await page.$('[data-testid=live-finish]')).toBeNull();
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/live-facts-390.png`, fullPage: true });
    await page.click('[data-testid=live-facts-open]');
    await page.waitForSelector('h1:text-is("About the child and what has happened")');
    await page.click('label[for="fact-immediate-danger-1"]'); // No
    await page.click('label[for="fact-sexual-assault-3"]'); // No
    await page.click('label[for="fact-missing-now-1"]');
    await page.click('label[for="fact-trafficking-1"]');
    await page.click('form button[type=submit]');
    await page.waitForSelector('h1:text-is("About the child")');
    await page.click('form button[type=submit]');
    await page.waitForSelector('h1:text-is("Low level indicators")');
    await page.waitForSelector('[data-testid=live-finish]');
  });
});
