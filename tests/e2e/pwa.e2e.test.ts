// The built app, served on localhost, in headless Debian Chromium.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { score } from '../../src/domain/index.ts';
import { getInstrument } from '../../src/domain/instruments/catalogue.ts';
import { startServer } from '../../src/server/main.ts';
import { scores, ticks } from '../helpers/answers.ts';
import { axeViolations, chooseSettingAndRegion, configure, enter, fillInstrument, waitSaved } from './app.ts';
import { type RunningBrowser, launch, newProfile, setOffline } from './browser.ts';

let server: Awaited<ReturnType<typeof startServer>>;
let origin: string;
let b: RunningBrowser;
let page: Page;
const profile = newProfile();
const pageErrors: string[] = [];
const watch = (p: Page) => p.on('pageerror', (e) => pageErrors.push(e.message));

beforeAll(async () => {
  server = await startServer({ port: 0, dataDir: mkdtempSync(join(tmpdir(), 'cse-e2e-data-')) });
  origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  b = await launch(profile);
  page = await b.context.newPage();
  watch(page);
});
afterAll(async () => {
  expect(pageErrors).toEqual([]);
  await b?.close();
  server?.close();
});

async function offline(on: boolean) {
  await setOffline(b.context, page, on);
}

describe('offline-first PWA', () => {
  it('first visit installs the service worker, which takes control', async () => {
    await page.goto(origin);
    expect(await (await page.waitForSelector('main h1')).textContent()).toBe('Set a passcode');
    expect(await axeViolations(page)).toEqual([]); // passcode set-up screen
    await enter(page);
    const controlled = await page.waitForFunction(
      () => navigator.serviceWorker.controller?.state === 'activated',
      null,
      { timeout: 30_000 },
    );
    expect(await controlled.jsonValue()).toBe(true);
  });

  it("passes Chromium's own installability check", async () => {
    const cdp = await b.context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);
  });

  it('home has no axe violations', async () => {
    expect(await axeViolations(page)).toEqual([]);
  });

  it('settings (who is submitting, and where) are saved, and the screen has no axe violations', async () => {
    await configure(page, origin, server);
    expect(await axeViolations(page)).toEqual([]);
    await page.goto(`${origin}/#/`);
    await page.waitForSelector('h1:text-is("Screen a child")');
  });

  it('with the network cut, a reload still opens the app', async () => {
    await offline(true);
    expect(await page.evaluate(() => navigator.onLine)).toBe(false);
    await page.reload();
    expect(await (await page.waitForSelector('main h1')).textContent()).toBe('Unlock'); // a reload needs the passcode
    expect(await axeViolations(page)).toEqual([]); // unlock screen
    await enter(page);
    await page.waitForSelector('[data-testid=network-status]:has-text("Offline")');
  });

  it('an A&E checklist is completed offline and the outcome matches the engine (Jessica, 003 L1362)', async () => {
    const id = 'nscb-ae-cse-indicator-checklist';
    const answers = { ...ticks(id, ['low-self-harm', 'low-unknown-adults']), age: 15 };
    await chooseSettingAndRegion(page, 'medical', 'northamptonshire');
    await fillInstrument(page, id, 'JS-15', answers);
    expect(await axeViolations(page)).toEqual([]); // check-your-answers screen
    await page.click('text=Finish and see the result');
    await page.waitForSelector('h1:text-is("Result")');
    const expected = score(getInstrument(id)!, answers);
    expect(await page.textContent('[data-testid=outcome-level]')).toBe(expected.level);
    // 999 is the first next step, with a tappable number.
    expect(await page.getAttribute('.steps li:first-child', 'data-step')).toBe('emergency-999');
    expect(await page.getAttribute('.steps li:first-child a[href^="tel:"]', 'href')).toBe('tel:999');
    expect(await axeViolations(page)).toEqual([]); // result screen
  });

  it('a full GM measurement tool is completed offline, runner screens pass axe, and the outcome matches the engine', async () => {
    const id = 'gm-cse-measurement-tool';
    const answers = {
      ...scores(id, [5, 4, 4, 5, 3, 4, 5, 5, 5, 5], 9),
      'wishes-feelings': 'Wants to stay with her friends.',
    };
    await page.goto(`${origin}/#/`);
    await chooseSettingAndRegion(page, 'social-care', 'greater-manchester');
    await page.click(`a[data-instrument="${id}"]`);
    await page.waitForSelector('h1:text-is("About the child and what has happened")'); // the case facts come first
    await page.locator('#child-ref').pressSequentially('GM-7');
    await page.waitForURL(/#\/record\/[^/]+\/0$/); // the draft is stored once something is entered
    await waitSaved(page);
    expect(await axeViolations(page)).toEqual([]); // runner screen
    // An invalid number is caught with an error summary that links to the field.
    await page.goto(`${origin}/#/`);
    await page.click('text=In progress');
    await page.waitForSelector('h1');
    const recordUrl = page.url();
    const judgementPage = getInstrument(id)!.sections.findIndex((s) => s.id === 'judgement');
    await page.goto(`${recordUrl.replace(/\/\d+$/, '')}/${judgementPage}`);
    await page.fill('#professional-judgement', '14');
    await page.click('form button[type=submit]');
    await page.waitForSelector('.error-summary');
    expect(await page.textContent('.error-summary')).toContain('Enter a whole number from 1 to 10');
    expect(await axeViolations(page)).toEqual([]); // runner with errors
    await page.fill('#professional-judgement', '');
    // Fill it properly from the start.
    await page.goto(`${origin}/#/`);
    await fillInstrument(page, id, 'GM-8', answers);
    await page.click('text=Finish and see the result');
    await page.waitForSelector('h1:text-is("Result")');
    const expected = score(getInstrument(id)!, answers);
    expect(await page.textContent('[data-testid=outcome-level]')).toBe('High (41 – 60)');
    expect(expected.level).toBe('High (41 – 60)');
    expect(await page.textContent('[data-testid=outcome-total]')).toContain('54');
    // Re-assess: a new record, and the history shows the change.
    await page.click('text=Re-assess this child');
    await page.waitForSelector('h1:text-is("About the child and what has happened")'); // the case facts come first
    expect(await page.textContent('[data-testid=carried-ref]')).toContain('GM-8'); // the chain keeps the child reference
    await page.click('form button[type=submit]'); // Continue stores the re-assessment
    await page.waitForURL(/#\/record\/[^/]+\/1$/);
    const lower = scores(id, [3, 3, 3, 3, 3, 3, 3, 3, 3, 3], 6);
    for (const [k, v] of Object.entries(lower)) {
      const item = getInstrument(id)!
        .sections.flatMap((s) => s.items)
        .find((i) => i.id === k)!;
      const si = getInstrument(id)!.sections.findIndex((s) => s.items.includes(item));
      if (!page.url().endsWith(`/${si}`)) await page.goto(`${page.url().replace(/(\/record\/[^/]+).*$/, '$1')}/${si}`);
      if (item.kind === 'choice') await page.click(`label[for="${k}-${item.options.findIndex((o) => o.value === v)}"]`);
      else await page.fill(`#${k}`, String(v));
    }
    await waitSaved(page);
    await page.goto(`${page.url().replace(/(\/record\/[^/]+).*$/, '$1')}/check`);
    await page.click('text=Finish and see the result');
    await page.waitForSelector('h1:text-is("Result")');
    await page.click('text=History for this child');
    await page.waitForSelector('[data-testid=history-table]');
    expect(await page.$$eval('[data-testid=trend]', (tds) => tds.map((t) => t.textContent))).toEqual([
      'First',
      'Decreased',
    ]);
    expect(await axeViolations(page)).toEqual([]); // history screen
  });
});

describe('the browser killed mid-entry', () => {
  it('keeps the draft up to the last change saved, and reopens it offline with the same profile', async () => {
    await offline(false);
    await page.goto(`${origin}/#/`);
    await chooseSettingAndRegion(page, 'medical', 'northamptonshire');
    await page.click('a[data-instrument="nscb-ae-cse-indicator-checklist"]');
    await page.waitForSelector('#child-ref'); // the card opens straight into the first page, the case facts
    await page.locator('#child-ref').pressSequentially('KILL-1');
    await page.click('form button[type=submit]');
    await page.waitForSelector('#accompanying-person');
    await page.fill('#accompanying-person', 'Older male, says he is a cousin');
    await waitSaved(page);
    const saved = 'Older male, says he is a cousin';
    // One more change, and the process dies before it can be flushed.
    await page.type('#accompanying-person', ' — left at 14:10');
    await b.kill();

    b = await launch(profile);
    page = await b.context.newPage();
    watch(page);
    await offline(true);
    await page.goto(origin);
    await enter(page);
    await page.waitForSelector('[data-testid=recent]');
    await page.click('[data-testid=recent] a:has-text("KILL-1")');
    const restored = await page.inputValue('#accompanying-person');
    expect(restored.startsWith(saved)).toBe(true);
    expect(saved + ' — left at 14:10').toContain(restored);
  });
});
