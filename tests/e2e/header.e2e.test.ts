// Issue 22, item 3: the header on a phone. Every control in it (the title, Outbox with its
// badge, Settings, Lock) is inside the viewport at 320 and 390 px, each a target at least
// 44 px high and wide, and the header is at most 120 px at 320; in its longest state: offline,
// with 1,234 submissions waiting. Screenshots at 320, 390, 820 and 1366 go to the temp folder.
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/main.ts';
import { axeViolations, chooseSettingAndRegion, configure, enter } from './app.ts';
import { type RunningBrowser, launch, newProfile, setOffline } from './browser.ts';

let server: Awaited<ReturnType<typeof startServer>>;
let origin: string;
let b: RunningBrowser;
let page: Page;
const pageErrors: string[] = [];
const shots = mkdtempSync(join(tmpdir(), 'cse-header-'));

beforeAll(async () => {
  server = await startServer({ port: 0, dataDir: mkdtempSync(join(tmpdir(), 'cse-header-data-')) });
  origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  b = await launch(newProfile());
  page = await b.context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(origin);
  await enter(page);
  await page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated', null, {
    timeout: 20_000,
  });
  await configure(page, origin, server);
  // A finished record waiting to send, with the network cut: the badge and "Offline" in the header.
  await setOffline(b.context, page, true);
  await page.goto(`${origin}/#/`);
  await chooseSettingAndRegion(page, 'medical', 'northamptonshire');
  await page.click('a[data-instrument="nscb-ae-cse-indicator-checklist"]');
  await page.locator('#child-ref').pressSequentially('HDR1');
  await page.click('[data-testid=nothing-to-report] button');
  await page.waitForSelector('h1:text-is("About the child")');
  await page.click('form button[type=submit]');
  await page.click('label[for="low-self-harm-tick"]');
  await page.click('label[for="low-unknown-adults-tick"]');
  await page.click('[data-testid=live-finish]');
  await page.waitForSelector('h1:text-is("Check your answers")');
  await page.click('text=Finish and see the result');
  await page.click('text=Yes, finish as incomplete');
  await page.waitForSelector('h1:text-is("Result")');
  await page.waitForSelector('[data-testid=outbox-badge]').catch(async (e) => {
    await page.screenshot({ path: join(shots, 'no-badge.png'), fullPage: true });
    console.log(shots, await page.textContent('header'));
    throw e;
  });
  // A device that has been offline for a long while: four digits in the badge (rows as the app stores them).
  await page.evaluate(
    () =>
      new Promise<void>((ok, fail) => {
        const open = indexedDB.open('cse-screen');
        open.onsuccess = () => {
          const tx = open.result.transaction('outbox', 'readwrite');
          for (let i = 0; i < 1233; i++)
            tx.objectStore('outbox').put({
              id: `waiting-${i}`,
              recordId: `r-${i}`,
              state: 'queued',
              payload: 'eyJ9.e30.x.y.z',
              contentType: 'application/jose',
              attempts: 0,
              createdAt: i,
              nextAttemptAt: 0,
            });
          tx.oncomplete = () => (open.result.close(), ok());
          tx.onerror = () => fail(tx.error);
        };
        open.onerror = () => fail(open.error);
      }),
  );
  await page.goto(`${origin}/#/`);
  await page.reload();
  await enter(page);
  await page.waitForSelector('[data-testid=outbox-badge]:has-text("1234")').catch(async (e) => {
    console.log('HEADER', await page.textContent('header'), await page.textContent('main h1'));
    throw e;
  });
  await page.waitForFunction(() =>
    document.querySelector('[data-testid=network-status]')?.textContent?.startsWith('Offline'),
  );
});
afterAll(async () => {
  expect(pageErrors).toEqual([]);
  await b?.close();
  server?.close();
});

/** Each control in the header that is out of the viewport or smaller than a 44 px target. */
function headerProblems(p: Page): Promise<string[]> {
  return p.evaluate(() => {
    const out: string[] = [];
    const vw = document.documentElement.clientWidth;
    for (const el of document.querySelectorAll<HTMLElement>('header.header a, header.header button')) {
      const r = el.getBoundingClientRect();
      const name = el.textContent?.trim() || el.tagName;
      if (r.left < 0 || r.right > vw + 0.5) out.push(`${name}: ${Math.round(r.left)}–${Math.round(r.right)} of ${vw}`);
      if (r.height < 44 || r.width < 44) out.push(`${name}: ${Math.round(r.width)}×${Math.round(r.height)} px`);
    }
    return out;
  });
}

/** The gap in px between the end of "CSE" and the "S" of "Screen" in the header's name, as drawn. */
function brandGap(p: Page): Promise<number> {
  return p.evaluate(() => {
    const brand = document.querySelector('header.header a.brand')!;
    const rest = brand.querySelector('.brand-rest')!.firstChild as Text;
    const cse = document.createRange();
    cse.selectNodeContents(brand.firstChild!);
    const s = document.createRange();
    const at = rest.data.indexOf('S');
    s.setStart(rest, at);
    s.setEnd(rest, at + 1);
    return s.getBoundingClientRect().left - cse.getBoundingClientRect().right;
  });
}

describe('the header fits a phone', () => {
  for (const screen of ['#/', '#/outbox'])
    for (const width of [320, 390, 820, 1366])
      it(`${screen} at ${width} px: every control inside, 44 px targets${width === 320 ? ', header ≤ 120 px' : ''}`, async () => {
        await page.setViewportSize({ width, height: width < 800 ? 640 : 900 });
        await page.goto(`${origin}/${screen}`);
        await page.waitForSelector('main h1');
        await page.waitForSelector('[data-testid=outbox-badge]');
        const name = `header-${screen.replace(/\W/g, '') || 'home'}-${width}.png`;
        await page.screenshot({ path: join(shots, name) });
        expect(await headerProblems(page)).toEqual([]);
        const header = (await page.locator('header.header').boundingBox())!;
        if (width === 320) expect(header.height).toBeLessThanOrEqual(120);
        // No sideways scrolling either.
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
        if (width === 320) expect(await axeViolations(page)).toEqual([]);
        // Where the whole name shows, a space is seen between "CSE" and "Screen" (it read "CSEScreen" at 820 and 1366).
        if (width >= 360) expect(await brandGap(page)).toBeGreaterThan(2);
      });
  it('says where the screenshots are', () => console.log(`header screenshots: ${shots}`));
});
