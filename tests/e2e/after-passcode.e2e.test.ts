// Issue 22 re-check (found with fresh eyes): on a 320×640 phone the passcode screen scrolls
// down as the second field is typed in, and Home then opened at that scroll position, with
// its heading and Call 999 above the top of the screen. After setting the passcode, and after
// unlocking, the first screen starts at the top with Call 999 in view, as a page load would.
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/main.ts';
import { PASSCODE } from './app.ts';
import { type RunningBrowser, launch, newProfile } from './browser.ts';

let server: Awaited<ReturnType<typeof startServer>>;
let origin: string;
let b: RunningBrowser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  server = await startServer({ port: 0, dataDir: mkdtempSync(join(tmpdir(), 'cse-after-passcode-')) });
  origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  b = await launch(newProfile());
  page = await b.context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.setViewportSize({ width: 320, height: 640 });
});
afterAll(async () => {
  expect(pageErrors).toEqual([]);
  await b?.close();
  server?.close();
});

/** Where Home's first screen stands: the page's scroll and the bottom of its Call 999. */
async function homeFirstScreen() {
  await page.waitForSelector('h1:text-is("Screen a child")');
  const call = (await page.locator('main a[href="tel:999"]').first().boundingBox())!;
  return { scrollY: await page.evaluate(() => scrollY), callTop: Math.round(call.y), callBottom: call.y + call.height };
}

describe('the first screen after the passcode, on a 320×640 phone', () => {
  it('after setting the passcode, Home starts at the top with Call 999 in view', async () => {
    await page.goto(origin);
    await page.waitForSelector('h1:text-is("Set a passcode")');
    // Typed key by key: the page scrolls to each field as a phone does.
    await page.locator('#passcode').pressSequentially(PASSCODE);
    await page.locator('#passcode-confirm').pressSequentially(PASSCODE);
    expect(await page.evaluate(() => scrollY)).toBeGreaterThan(0); // the case that went wrong
    await page.keyboard.press('Enter');
    const home = await homeFirstScreen();
    expect(home.scrollY).toBe(0);
    expect(home.callTop).toBeGreaterThanOrEqual(0);
    expect(home.callBottom).toBeLessThanOrEqual(640);
  });

  it('after unlocking a page left scrolled, the same', async () => {
    await page.click('button:text-is("Lock")');
    await page.waitForSelector('#unlock-passcode');
    await page.locator('#unlock-passcode').pressSequentially(PASSCODE);
    // The unlock screen is short; a long message or a zoomed phone scrolls it too.
    await page.evaluate(() => {
      document.body.style.minHeight = '3000px';
      scrollTo(0, 500);
    });
    await page.keyboard.press('Enter');
    await page.waitForSelector('h1:text-is("Screen a child")');
    await page.evaluate(() => (document.body.style.minHeight = ''));
    const home = await homeFirstScreen();
    expect(home.scrollY).toBe(0);
    expect(home.callBottom).toBeLessThanOrEqual(640);
  });
});
