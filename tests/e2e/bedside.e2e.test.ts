// At the bedside (issue 10): the A&E nurse, played whole in the built app in
// headless Chromium, typing key by key as people do. A passcode is set and
// the device locked; a wrong passcode and then the right one are typed key by
// key after the error is shown (focus stays in the field).
// The A&E checklist is opened from its card, the facts first ("Nothing to
// report on these"), two low boxes are ticked, and the outcome is on screen
// before Finish, in at most 4 clicks from the tool's first page (3 before the
// facts came first: they cost one tap). Then paper-like completions (tick what applies, Continue,
// Finish) of the A&E checklist, the Sandwell and the Bury screening tools.
import { mkdirSync, mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { score } from '../../src/domain/index.ts';
import type { Answers } from '../../src/domain/engine/types.ts';
import { getInstrument } from '../../src/domain/instruments/catalogue.ts';
import { startServer } from '../../src/server/main.ts';
import { ticks } from '../helpers/answers.ts';
import { PASSCODE, axeViolations, chooseSettingAndRegion, enrolByLink, fillInstrument } from './app.ts';
import { type RunningBrowser, launch, newProfile } from './browser.ts';

const AE = 'nscb-ae-cse-indicator-checklist';
const MET = 'Please complete full CSE Toolkit';

let server: Awaited<ReturnType<typeof startServer>>;
let origin: string;
let b: RunningBrowser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  server = await startServer({ port: 0, dataDir: mkdtempSync(join(tmpdir(), 'cse-bedside-')) });
  origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  b = await launch(newProfile());
  page = await b.context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
});
afterAll(async () => {
  expect(pageErrors).toEqual([]);
  await b?.close();
  server?.close();
});

/** Empties a field from the keyboard (select all, delete), as a person would. */
async function clearByKeyboard(selector: string) {
  await page.click(selector);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Backspace');
}

const focusedId = () => page.evaluate(() => document.activeElement?.id ?? '');

/** An error summary is shown and has taken focus once, as it does after a submit: then the person types. */
async function errorShown(selector = '.error-summary') {
  const el = await page.waitForSelector(selector);
  await page.waitForFunction(() => document.activeElement?.classList.contains('error-summary') === true);
  return el;
}

describe('the A&E nurse', () => {
  it('sets a passcode key by key after an error, locks, types a wrong passcode and then the right one key by key: unlocked', async () => {
    await page.goto(origin);
    await page.waitForSelector('h1:text-is("Set a passcode")');
    // A mismatch first, so the error summary is on screen while typing.
    await page.locator('#passcode').pressSequentially(PASSCODE);
    await page.locator('#passcode-confirm').pressSequentially('not-the-same');
    await page.click('form button[type=submit]');
    await errorShown();
    await clearByKeyboard('#passcode-confirm');
    await page.locator('#passcode-confirm').pressSequentially(PASSCODE);
    expect(await page.inputValue('#passcode-confirm')).toBe(PASSCODE);
    expect(await focusedId()).toBe('passcode-confirm');
    await page.click('form button[type=submit]');
    await page.waitForSelector('h1:text-is("Screen a child")');
    await page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated', null, {
      timeout: 20_000,
    });

    await page.click('nav button:text-is("Lock")');
    await page.waitForSelector('h1:text-is("Unlock")');
    await page.locator('#unlock-passcode').pressSequentially('wrong-passcode-9');
    await page.click('form button[type=submit]');
    const error = await (await page.waitForSelector('.error-summary')).textContent();
    expect(error).toContain('That passcode is not right (1 wrong in a row)');
    // The emptied field has the focus back: the next keystrokes go into it.
    await page.waitForFunction(() => document.activeElement?.id === 'unlock-passcode');
    await page.keyboard.type(PASSCODE);
    // Every key went into the field, and focus stayed there.
    expect(await page.inputValue('#unlock-passcode')).toBe(PASSCODE);
    expect(await focusedId()).toBe('unlock-passcode');
    // One wrong passcode: no wait before the next try (waits start after the third).
    expect(error).not.toMatch(/Wait \d+ seconds/);
    await page.click('form button[type=submit]');
    await page.waitForSelector('h1:text-is("Screen a child")');
  });

  it('Settings fields take every key typed after an error is shown', async () => {
    await page.goto(`${origin}/#/settings`);
    await page.waitForSelector('#author-name');
    await page.click('form button[type=submit]'); // empty: errors
    await errorShown();
    await page.locator('#author-name').pressSequentially('Sam Nurse');
    expect(await focusedId()).toBe('author-name');
    await page.locator('#author-role').pressSequentially('A&E staff nurse');
    await page.locator('#author-org').pressSequentially('Test NHS Trust');
    await page.locator('#author-contact').pressSequentially('01234 567890');
    expect(await page.inputValue('#author-name')).toBe('Sam Nurse');
    await page.click('form button[type=submit]');
    await page.waitForSelector('text=Settings saved.');
    // Where records go is set by enrolment (the administrator's link), not typed.
    await enrolByLink(page, origin, server);
  });

  let aeRecordId = '';
  it('opens the A&E checklist straight into its first page, the facts; two low boxes show the outcome before Finish, in ≤ 4 clicks', async () => {
    await page.goto(`${origin}/#/`);
    await chooseSettingAndRegion(page, 'medical', 'northamptonshire');
    await page.click(`a[data-instrument="${AE}"]`);
    // The tool's first page: the case facts, with the child reference asked there.
    await page.waitForSelector('h1:text-is("About the child and what has happened")');
    // Continue with no reference: an error, then every key typed still lands in the field.
    await page.click('form button[type=submit]');
    await errorShown();
    expect(await page.textContent('.error-summary a')).toBe('Enter a reference for the child');
    expect(await axeViolations(page)).toEqual([]); // first page with its error
    await page.click('.error-summary a'); // the link jumps to the field
    expect(await focusedId()).toBe('child-ref');
    await page.keyboard.type('AE-NURSE-1');
    expect(await page.inputValue('#child-ref')).toBe('AE-NURSE-1');

    // From here, count the clicks to the outcome on screen.
    let clicks = 0;
    const click = async (selector: string) => {
      clicks++;
      await page.click(selector);
    };
    const t0 = Date.now();
    await click('[data-testid=nothing-to-report] button'); // the facts: nothing to report, and on
    await page.waitForSelector('h1:text-is("About the child")');
    await page.locator('#accompanying-person').pressSequentially('Older male, says he is a cousin');
    expect(await page.inputValue('#accompanying-person')).toBe('Older male, says he is a cousin');
    expect(await focusedId()).toBe('accompanying-person');
    await click('form button[type=submit]'); // Continue
    await page.waitForSelector('h1:text-is("Low level indicators")');
    expect(await page.textContent('[data-testid=live-outcome]')).toBe('');
    await click('label[for="low-self-harm-tick"]');
    await click('label[for="low-unknown-adults-tick"]');
    await page.waitForSelector(`[data-testid=live-level]:text-is("${MET}")`);
    const ms = Date.now() - t0;
    console.log(`A&E form → outcome on screen: ${clicks} clicks, ${ms} ms`);
    expect(clicks).toBeLessThanOrEqual(4);
    // 999 comes first in the live outcome, and it is announced politely.
    const live = await page.textContent('[data-testid=live-outcome]');
    expect(live!.indexOf('999')).toBeLessThan(live!.indexOf(MET));
    expect(await page.getAttribute('[data-testid=live-outcome]', 'aria-live')).toBe('polite');
    // Not finished yet: this is still the runner.
    expect(await page.textContent('main h1')).toBe('Low level indicators');
    expect(await axeViolations(page)).toEqual([]); // checkbox pattern with the live outcome

    // Finish now: Check answers lists the missing answers as links; the decided level is kept and sent.
    await page.click('[data-testid=live-finish]');
    await page.waitForSelector('h1:text-is("Check your answers")');
    expect(await page.getAttribute('.error-summary li:first-child a', 'href')).toMatch(/#\/record\/[^/]+\/2\/change$/);
    expect(await axeViolations(page)).toEqual([]);
    await page.click('text=Finish and see the result');
    await page.click('text=Yes, finish as incomplete');
    await page.waitForSelector('h1:text-is("Result")');
    expect(await page.textContent('[data-testid=outcome-level]')).toBe(MET);
    aeRecordId = /#\/record\/([^/]+)\/result/.exec(page.url())![1]!;
    await page.waitForSelector('[data-testid=delivery-state]', { timeout: 20_000 });
    await expect.poll(() => server.store.count(), { timeout: 20_000 }).toBe(1);
    const sent = (await server.store.all())[0]!.body as {
      result: { level?: string; complete: boolean; decided: boolean };
      childRef: string;
    };
    expect(sent.childRef).toBe('AE-NURSE-1');
    expect(sent.result).toMatchObject({ level: MET, complete: false, decided: true });
  });

  it('"Please complete full CSE Toolkit" offers to start the full assessment for the same child, linked in the chain', async () => {
    await page.click('[data-testid=follow-on]');
    await page.waitForSelector('[data-testid=carried-ref]');
    expect(await page.textContent('[data-testid=carried-ref]')).toContain('AE-NURSE-1');
    expect(await page.textContent('.caption')).toContain(getInstrument('nscb-cse-assessment')!.title);
    await page.click('form button[type=submit]'); // Continue stores it
    await page.waitForURL(/#\/record\/[^/]+\/1$/);
    const newId = /#\/record\/([^/]+)\/1$/.exec(page.url())![1]!;
    const row = await page.evaluate(
      (id) =>
        new Promise<{ previousId?: string; instrumentId: string }>((ok) => {
          const open = indexedDB.open('cse-screen');
          open.onsuccess = () => {
            const get = open.result.transaction('records').objectStore('records').get(id);
            get.onsuccess = () => {
              open.result.close();
              ok(get.result);
            };
          };
        }),
      newId,
    );
    expect(row).toMatchObject({ instrumentId: 'nscb-cse-assessment', previousId: aeRecordId });
  });
});

describe('paper-like completions: tick what applies, Continue, Finish', () => {
  async function paperLike(setting: string, region: string, id: string, ref: string, answers: Answers) {
    await page.goto(`${origin}/#/`);
    await chooseSettingAndRegion(page, setting, region);
    await fillInstrument(page, id, ref, answers);
    await page.click('text=Finish and see the result');
    await page.waitForSelector('h1:text-is("Result")');
    return page.textContent('[data-testid=outcome-level]');
  }

  it('A&E checklist, two low boxes (Jessica, 003 L1362): the rule is met (L514)', async () => {
    const answers = { ...ticks(AE, ['low-self-harm', 'low-unknown-adults']), age: 15 };
    expect(await paperLike('medical', 'northamptonshire', AE, 'AE-2', answers)).toBe(MET);
  });

  it('Sandwell screening, one significant indicator in the past 6 months: Category 3 (002 L1663, L1946; cautious reading)', async () => {
    const id = 'sandwell-cse-screening-tool';
    const answers = ticks(id, { 's-vehicles': 'current', 'r-drugs': 'yes' });
    const level = await paperLike('medical', 'sandwell', id, 'SW-1', answers);
    // The category is the practitioner's decision (002 L353–L359); left blank, the ticks give the app's suggestion.
    expect(level).toBe(
      "The app's suggestion from the ticks: Category 3 – Significant. Serious risk of harm (not confirmed by the practitioner)",
    );
    expect(level).toBe(score(getInstrument(id)!, answers).level);
  });

  it('Sandwell screening, the live outcome shows as soon as a significant indicator and its column are chosen', async () => {
    await page.goto(`${origin}/#/`);
    await chooseSettingAndRegion(page, 'medical', 'sandwell');
    await page.click('a[data-instrument="sandwell-cse-screening-tool"]');
    // The new screen has settled (its heading takes focus, as a page load would) before typing.
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
    await page.locator('#child-ref').pressSequentially('SW-2');
    await page.click('[data-testid=nothing-to-report] button');
    await page.waitForSelector('h1:text-is("About the child and the referrer")');
    await page.click('form button[type=submit]');
    await page.waitForSelector('h1:text-is("Significant Risk Indicators")');
    await page.click('label[for="s-money-tick"]');
    await page.waitForSelector('#s-money-when');
    expect(await axeViolations(page)).toEqual([]); // conditional reveal
    await page.click('label[for="s-money-when-1"]'); // Prior to 6 months ago
    await page.waitForSelector(
      `[data-testid=live-level]:text-is("The app's suggestion from the ticks: Category 3 – Significant. Serious risk of harm (not confirmed by the practitioner)")`,
    );
  });

  it('Bury initial screening (no published rule): ticking what applies gives the recorded outcome', async () => {
    const id = 'bury-cse-initial-screening-tool';
    const answers = { 'v-isolated': 'yes', 's-vehicles': 'yes' };
    const level = await paperLike('social-care', 'bury', id, 'BU-1', answers);
    // Continue made every unticked box "not ticked", so the record is complete and scored as such.
    const confirmed = ticks(id, []);
    for (const item of getInstrument(id)!.sections.flatMap((s) => s.items))
      if (item.kind === 'choice' && item.options.some((o) => o.value === 'no')) confirmed[item.id] = 'no';
    const expected = score(getInstrument(id)!, { ...confirmed, ...answers });
    expect(level).toBe(expected.level);
    expect(expected.complete).toBe(true);
    expect(await page.textContent('.reasons')).toContain('Entering/leaving vehicles driven by unknown adults');
  });

  it('screenshots of the runner with the checkbox pattern (BEDSIDE_SHOTS=dir)', async () => {
    const dir = process.env.BEDSIDE_SHOTS;
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    await page.goto(`${origin}/#/`);
    await chooseSettingAndRegion(page, 'medical', 'northamptonshire');
    await page.click(`a[data-instrument="${AE}"]`);
    await page.locator('#child-ref').pressSequentially('SHOT-1');
    await page.click('[data-testid=nothing-to-report] button');
    await page.waitForSelector('h1:text-is("About the child")');
    await page.click('form button[type=submit]');
    await page.waitForSelector('h1:text-is("Low level indicators")');
    for (const width of [320, 390, 820]) {
      await page.setViewportSize({ width, height: width === 820 ? 1180 : 844 });
      await page.screenshot({ path: join(dir, `runner-empty-${width}.png`), fullPage: true });
    }
    await page.click('form button[type=submit]'); // nothing selected: error
    await page.waitForSelector('.error-summary');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(dir, 'runner-error-390.png'), fullPage: true });
    await page.click('label[for="low-self-harm-tick"]');
    await page.click('label[for="low-unknown-adults-tick"]');
    await page.waitForSelector('[data-testid=live-level]');
    for (const width of [320, 390, 820]) {
      await page.setViewportSize({ width, height: width === 820 ? 1180 : 844 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);
      await page.screenshot({ path: join(dir, `runner-decided-${width}.png`), fullPage: true });
      await page.evaluate(() => scrollTo(0, 0));
      await page.screenshot({ path: join(dir, `runner-decided-viewport-${width}.png`) }); // what the nurse sees without scrolling
    }
  });
});
