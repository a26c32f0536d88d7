// Page helpers: fill an instrument through the UI exactly as a practitioner
// would (tapping the option labels, typing in the inputs), and run axe.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { isAnswered } from '../../src/domain/engine/answers.ts';
import type { Answers, Section } from '../../src/domain/engine/types.ts';
import { getInstrument } from '../../src/domain/instruments/catalogue.ts';
import { isTickItem, isTickList, tickItemsOf } from '../../src/ui/ticklist.tsx';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe violations on the page now (WCAG 2.0/2.1/2.2 A and AA), as "rule: target" strings. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated over CDP, so the page's CSP (no inline script) does not block it.
  await page.evaluate(`${axeSource};0`);
  const result = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (c: Document, o: object) => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  return result;
}

export async function chooseSettingAndRegion(page: Page, setting: string, region: string) {
  await page.click(`label[for="setting-${setting}"]`);
  await page.selectOption('#region', region);
}

/**
 * Opens the instrument from its card on the home screen (straight into its
 * first page, where the child reference is asked) and fills every section
 * through the UI as a practitioner would: typing key by key, ticking the
 * boxes that apply in each tick-list (or "None of these"), Continue on each
 * page. Ends on "Check your answers".
 */
export async function fillInstrument(page: Page, instrumentId: string, childRef: string, answers: Answers) {
  const inst = getInstrument(instrumentId)!;
  await page.click(`a[data-instrument="${instrumentId}"]`);
  for (const [si, section] of inst.sections.entries()) {
    await page.waitForSelector(`h1:text-is("${section.title.replace(/"/g, '\\"')}")`);
    if (si === 0 && inst.kind !== 'information-report') await page.locator('#child-ref').pressSequentially(childRef);
    for (const item of section.items) {
      if (isTickItem(item)) continue; // asked together, below
      const v = answers[item.id];
      if (!isAnswered(v)) continue;
      if (item.kind === 'choice')
        await page.click(`label[for="${item.id}-${item.options.findIndex((o) => o.value === v)}"]`);
      else if (item.kind === 'multi')
        for (const x of v as string[])
          await page.click(`label[for="${item.id}-${item.options.findIndex((o) => o.value === x)}"]`);
      else if (item.kind === 'date' && item.precision === 'date') {
        // GOV.UK date input: day, month and year, typed key by key.
        const [y, m, d] = String(v).split('-') as [string, string, string];
        await page.locator(`#${item.id}`).pressSequentially(d);
        await page.locator(`#${item.id}-month`).pressSequentially(m);
        await page.locator(`#${item.id}-year`).pressSequentially(y);
      } else if (item.kind === 'date')
        await page.fill(`#${item.id}`, String(v)); // a date-time input takes its value whole
      else await page.locator(`#${item.id}`).pressSequentially(String(v));
    }
    if (isTickList(section)) await tickWhatApplies(page, section, answers);
    await page.click('form button[type=submit]');
  }
  await page.waitForSelector('h1:text-is("Check your answers")');
}

/** In a tick-list: tick each box whose answer is a ticked value (choosing its column when it has several), else "None of these". */
export async function tickWhatApplies(page: Page, section: Section, answers: Answers): Promise<number> {
  let clicks = 0;
  const ticked = tickItemsOf(section).filter((i) => isAnswered(answers[i.id]) && answers[i.id] !== 'no');
  for (const item of ticked) {
    await page.click(`label[for="${item.id}-tick"]`);
    clicks++;
    const columns = item.options.filter((o) => o.value !== 'no');
    if (columns.length > 1) {
      await page.click(`label[for="${item.id}-when-${columns.findIndex((o) => o.value === answers[item.id])}"]`);
      clicks++;
    }
  }
  if (ticked.length === 0) {
    await page.click(`label[for="section-${section.id}-none"]`);
    clicks++;
  }
  return clicks;
}

export async function waitSaved(page: Page) {
  await page.waitForSelector('[data-testid=save-status]:text-is("All changes saved")');
}

/** What can make an enrolment: the running server (tests) or anything with the same method. */
export interface Enroller {
  addDevice(name: string): Promise<{ code: string }>;
}

/**
 * Sets the practitioner up as they would be: types their details in
 * Settings, then enrols the device by opening the administrator's link
 * (made for `origin`, which may be a proxy in front of the server).
 */
export async function configure(page: Page, origin: string, server: Enroller, deviceName = 'E2E device') {
  await page.goto(`${origin}/#/settings`);
  await page.waitForSelector('#author-name');
  for (const [id, text] of [
    ['author-name', 'Sam Nurse'],
    ['author-role', 'School nurse'],
    ['author-org', 'Test NHS Trust'],
    ['author-contact', '01234 567890'],
  ] as const) {
    await page.fill(`#${id}`, '');
    await page.locator(`#${id}`).pressSequentially(text);
  }
  await page.click('form button[type=submit]');
  await page.waitForSelector('text=Settings saved.');
  await enrolByLink(page, origin, server, deviceName);
}

/** Opens a fresh enrolment link in the app and confirms it; ends on the enrolled message. */
export async function enrolByLink(page: Page, origin: string, server: Enroller, deviceName = 'E2E device') {
  const { code } = await server.addDevice(deviceName);
  await page.goto(`${origin}/#/enrol?code=${encodeURIComponent(code)}`);
  await page.click('button:text-is("Enrol this device")');
  await page.waitForSelector('[data-testid=enrolled]');
}

export const PASSCODE = 'e2e-passcode-1';

/** First run sets the passcode; later runs unlock. Ends on the home screen. */
export async function enter(page: Page, passcode = PASSCODE) {
  const h1 = await page.waitForSelector('main h1');
  const title = await h1.textContent();
  if (title === 'Set a passcode') {
    await page.fill('#passcode', passcode);
    await page.fill('#passcode-confirm', passcode);
    await page.click('form button[type=submit]');
  } else if (title === 'Unlock') {
    await page.fill('#unlock-passcode', passcode);
    await page.click('form button[type=submit]');
  }
  await page.waitForSelector('h1:text-is("Screen a child")');
}
