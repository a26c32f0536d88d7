// "Which area does the child live in?" (issue 20, item 2), in the built app: a device enrolled with
// `device add --area Bolton` learns its area from the enrolment answer and keeps it; a Greater Manchester
// measurement starts with Bolton chosen; the practitioner changes it to Wigan and the server routes the
// referral to Wigan by its own reading of the answers. One left as filled in goes to Bolton.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getInstrument } from '../../src/domain/index.ts';
import { startServer } from '../../src/server/main.ts';
import { scores, spread } from '../helpers/answers.ts';
import { axeViolations, chooseSettingAndRegion, configure, enter, fillInstrument } from './app.ts';
import { type RunningBrowser, launch, newProfile } from './browser.ts';

const ID = 'gm-cse-measurement-tool';
const AREA = getInstrument(ID)!.sections[0]!.items.find((i) => i.id === 'fact-home-area')!;
const radio = (area: string) =>
  `#fact-home-area-${AREA.kind === 'choice' ? AREA.options.findIndex((o) => o.value === area) : -1}`;

let server: Awaited<ReturnType<typeof startServer>>;
let origin: string;
let b: RunningBrowser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  server = await startServer({ port: 0, dataDir: mkdtempSync(join(tmpdir(), 'cse-home-area-')) });
  origin = server.origin;
  b = await launch(newProfile());
  page = await b.context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(origin);
  await enter(page);
  // As `npm run admin -- device add "Bolton school nurse" --area Bolton` would make it.
  await configure(page, origin, { addDevice: (name) => server.addDevice(name, undefined, 'Bolton') });
});
afterAll(async () => {
  await b?.close();
  await server?.close();
});

async function finish(ref: string, answers: Record<string, unknown>) {
  await page.goto(`${origin}/#/`);
  await chooseSettingAndRegion(page, 'social-care', 'greater-manchester');
  await fillInstrument(page, ID, ref, { ...scores(ID, spread(30), 5), ...(answers as Record<string, string>) });
  await page.click('text=Finish and see the result');
  await page.waitForSelector('[data-testid=delivery-state][data-state=delivered]', { timeout: 30_000 });
}

async function storedArea(ref: string) {
  const row = (await server.store.all()).find((s) => (s.body as { childRef: string }).childRef === ref);
  return row && { area: row.area, areaFrom: row.areaFrom };
}

describe("the child's home area, filled in from the device's enrolled area", () => {
  it('a new Greater Manchester measurement starts with the area this device was enrolled for', async () => {
    await page.goto(`${origin}/#/`);
    await chooseSettingAndRegion(page, 'social-care', 'greater-manchester');
    await page.click(`a[data-instrument="${ID}"]`);
    await page.waitForSelector('h1:text-is("About the child and what has happened")');
    const legend = await page.textContent('fieldset:has(#fact-home-area-0) legend');
    expect(legend).toContain('Which area does the child live in?');
    expect(await page.isChecked(radio('Bolton'))).toBe(true);
    expect(await page.isChecked(radio('Wigan'))).toBe(false);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('changed to Wigan, it goes to Wigan; left as filled in, to Bolton (the server reads the answers)', async () => {
    await finish('HA-WIGAN', { 'fact-home-area': 'Wigan' });
    await expect
      .poll(() => storedArea('HA-WIGAN'), { timeout: 20_000 })
      .toEqual({ area: 'Wigan', areaFrom: 'answers' });
    await finish('HA-BOLTON', {});
    await expect
      .poll(() => storedArea('HA-BOLTON'), { timeout: 20_000 })
      .toEqual({ area: 'Bolton', areaFrom: 'answers' });
    expect(pageErrors).toEqual([]);
  });
});
