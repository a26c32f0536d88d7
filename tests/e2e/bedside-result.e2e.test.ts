// The result at the bedside, the printed record a MASH acts on, drafts, and
// narrow screens: the built app in headless Chromium, typed key by key.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAnswered, isTickItem, itemsOf } from '../../src/domain/engine/answers.ts';
import type { Answers, Item } from '../../src/domain/engine/types.ts';
import { getInstrument } from '../../src/domain/instruments/catalogue.ts';
import { startServer } from '../../src/server/main.ts';
import { scores, ticks } from '../helpers/answers.ts';
import { axeViolations, chooseSettingAndRegion, enrolByLink, enter, fillInstrument } from './app.ts';
import { type RunningBrowser, launch } from './browser.ts';

let server: Awaited<ReturnType<typeof startServer>>;
let origin: string;
let b: RunningBrowser;
let page: Page;
const out = mkdtempSync(join(tmpdir(), 'cse-e2e-print-'));
/** Set E2E_SHOTS=dir to keep screenshots and PDF pages to look at. */
const shots = process.env.E2E_SHOTS;
const pageErrors: string[] = [];

const ASSESSOR = {
  name: 'Sam Nurse',
  role: 'School nurse',
  org: 'Test NHS Trust',
  contact: 'samantha.longname-safeguarding.lead@northamptonshire-healthcare.nhs.uk',
};
/** Text a printed record must never carry: the screen's buttons and navigation. */
const BUTTON_TEXT = [
  'Print or save as PDF',
  'See every answer',
  'Re-assess this child',
  'History for this child',
  'Back to the result',
  'Call 999',
  'Skip to main content',
  'Outbox',
  'Lock',
  'Delete',
];
const records: Record<string, string> = {};

beforeAll(async () => {
  server = await startServer({ port: 0, dataDir: mkdtempSync(join(tmpdir(), 'cse-e2e-data-')) });
  origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  b = await launch();
  page = await b.context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(origin);
  await enter(page);
  if (shots) mkdirSync(shots, { recursive: true });
});
afterAll(async () => {
  expect(pageErrors).toEqual([]);
  await b?.close();
  server?.close();
});

async function type(selector: string, text: string) {
  const field = page.locator(selector);
  await field.click();
  await field.press('Control+A');
  await field.press('Backspace');
  await field.pressSequentially(text);
}

/** The PDF Chromium prints of the page now, as text (pdftotext), whitespace collapsed. */
async function pdfText(name: string): Promise<string> {
  const file = join(out, `${name}.pdf`);
  await page.pdf({ path: file, format: 'A4', printBackground: true });
  if (shots) execFileSync('pdftoppm', ['-png', '-r', '60', file, join(shots, name)]);
  // -raw: the text in the order it is drawn (the document's order), as the annex is set in two columns.
  return execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' }).normalize('NFKC').replace(/\s+/g, ' ');
}

/**
 * Where the 999 step's words and its Call 999 button end on a phone's first screen (the
 * region's other numbers may follow below), taken online and again with the network cut:
 * offline the header carries an "Offline" pill and the Outbox badge, its longest form (CI
 * machines with no network interface start that way).
 */
async function nineBottoms(): Promise<number[]> {
  const bottoms: number[] = [];
  for (const offline of [false, true]) {
    await b.context.setOffline(offline);
    await page.waitForFunction(
      (off) =>
        document.querySelector('[data-testid=network-status]')?.textContent?.startsWith(off ? 'Offline' : 'Online'),
      offline,
    );
    await page.evaluate(() => scrollTo(0, 0));
    const call = (await page.locator('.now-steps [data-step=emergency-999] a[href="tel:999"]').first().boundingBox())!;
    bottoms.push(call.y + call.height);
    if (shots && offline) await page.screenshot({ path: join(shots, 'result-offline-390-first-screen.png') });
  }
  await b.context.setOffline(false);
  return bottoms;
}

const collapse = (s: string) => s.normalize('NFKC').replace(/\s+/g, ' ').trim();
/** pdftotext joins a word hyphenated at a line end ("long-\nname" → "longname"): compare without spaces and hyphens. */
const loosely = (s: string) => s.replace(/[\s-]/g, '');

/**
 * What the record must say for each answered item: the question, then the answer in words. Printed, a tick
 * box looked at and absent is named in its section's one "Not ticked: …" line instead (`printed`).
 */
function expectedAnswers(
  instrumentId: string,
  answers: Answers,
  printed = false,
): { question: string; answer: string }[] {
  const out: { question: string; answer: string }[] = [];
  for (const item of itemsOf(getInstrument(instrumentId)!)) {
    const v = answers[item.id];
    if (!isAnswered(v) || item.kind === 'repeat') continue;
    if (printed && isTickItem(item) && v === 'no') continue;
    out.push({ question: collapse(item.text), answer: collapse(words(item, v as string | number | string[])) });
  }
  return out;
}
function words(item: Item, v: string | number | string[]): string {
  if (item.kind === 'choice' || item.kind === 'multi')
    return (Array.isArray(v) ? v : [String(v)]).map((x) => item.options.find((o) => o.value === x)!.label).join('; ');
  return String(v);
}

async function shoot(name: string) {
  if (!shots) return;
  for (const width of [320, 390, 820]) {
    await page.setViewportSize({ width, height: width === 820 ? 1180 : 844 });
    await page.evaluate(() => scrollTo(0, 0));
    await page.screenshot({ path: join(shots, `${name}-${width}.png`), fullPage: width !== 390 });
    if (width === 390) await page.screenshot({ path: join(shots, `${name}-390-first-screen.png`) });
  }
  await page.setViewportSize({ width: 390, height: 844 });
}

describe('Settings', () => {
  it('says "Not saved yet" over unsaved edits, and confirms a save where the user is looking', async () => {
    await page.goto(`${origin}/#/settings`);
    await page.waitForSelector('#author-name');
    await type('#author-name', ASSESSOR.name);
    expect(await page.textContent('[data-testid=save-status]')).toBe('Not saved yet');
    await type('#author-role', ASSESSOR.role);
    await type('#author-org', ASSESSOR.org);
    await type('#author-contact', ASSESSOR.contact);
    await page.click('form button[type=submit]');
    await page.waitForSelector('[data-testid=settings-saved]');
    // The confirmation has focus and is on screen, though the button was far down the page.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('settings-saved');
    const box = (await page.locator('[data-testid=settings-saved]').boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(844);
    expect(await page.textContent('[data-testid=save-status]')).toBe('All changes saved');
    await shoot('settings');
    // Where records go is set by enrolment (the administrator's link), not typed.
    await enrolByLink(page, origin, server);
  });
});

describe('an A&E result and its printed record', () => {
  const id = 'nscb-ae-cse-indicator-checklist';
  const answers = { ...ticks(id, ['low-self-harm', 'low-unknown-adults']), age: 15 };

  it('the outcome and what to do now (999 and its Call button first) fill the first screen of a phone; the workings are folded', async () => {
    await page.goto(`${origin}/#/`);
    await chooseSettingAndRegion(page, 'medical', 'northamptonshire');
    await fillInstrument(page, id, 'JS-15', answers);
    await page.click('text=Finish and see the result');
    await page.waitForSelector('h1:text-is("Result")');
    records.ae = page.url().match(/record\/([^/]+)/)![1]!;
    await page.evaluate(() => scrollTo(0, 0));
    const outcome = (await page.locator('[data-testid=outcome]').boundingBox())!;
    const nine = (await page.locator('.now-steps [data-step=emergency-999]').boundingBox())!;
    expect(outcome.y).toBeLessThan(nine.y);
    for (const bottom of await nineBottoms()) expect(bottom).toBeLessThanOrEqual(844);
    expect(await page.getAttribute('.now-steps [data-step=emergency-999] a[href^="tel:"]', 'href')).toBe('tel:999');
    // No line citations or seed file names in the instructions; they are in the folded sources, in words.
    const visible = await page.locator('main').innerText();
    expect(visible).not.toMatch(/\(L\d+|\.txt|version \d/);
    expect(await page.locator('[data-testid=how-reached]').getAttribute('open')).toBeNull();
    await page.click('[data-testid=how-reached] summary');
    expect(await page.textContent('[data-testid=sources]')).toContain('Northamptonshire toolkit, line');
    expect(await axeViolations(page)).toEqual([]);
    if (shots)
      await page.locator('[data-testid=how-reached]').screenshot({ path: join(shots, 'result-ae-how-390.png') });
    await page.click('[data-testid=how-reached] summary');
    await shoot('result-ae');
  });

  it('prints the assessor, the child reference, every question with its answer, and no buttons', async () => {
    const text = await pdfText('ae-result');
    for (const part of [
      ASSESSOR.name,
      ASSESSOR.role,
      ASSESSOR.org,
      'JS-15',
      'Please complete full CSE Toolkit',
      'CSE Indicator Checklist',
    ])
      expect(text).toContain(part);
    expect(loosely(text)).toContain(loosely(ASSESSOR.contact));
    // Loosely: a long answer in the annex's narrower column may break at a hyphen ("non-\nconsensual").
    for (const { question, answer } of expectedAnswers(id, answers, true))
      expect(loosely(text)).toContain(loosely(`${question} ${answer}`));
    // The indicators looked at and absent, in one line per section.
    expect(text).toContain('Not ticked: Low self-esteem/confidence');
    for (const t of BUTTON_TEXT) expect(text).not.toContain(t);
    expect(text).not.toMatch(/\(L\d+/);
  });

  it('the record view shows every answer read-only, and the check page of a finished record opens it too', async () => {
    await page.goto(`${origin}/#/record/${records.ae}/check`);
    await page.waitForSelector('[data-testid=record-document]');
    expect(await page.locator('main form, main input').count()).toBe(0);
    const shown = collapse(await page.locator('[data-testid=answers]').innerText());
    for (const { question, answer } of expectedAnswers(id, answers)) {
      expect(shown).toContain(question);
      expect(shown).toContain(answer);
    }
    expect(await axeViolations(page)).toEqual([]);
    await shoot('record-view');
  });
});

describe('a GM measurement tool result printed', () => {
  const id = 'gm-cse-measurement-tool';
  const answers = {
    ...scores(id, [5, 4, 4, 5, 3, 4, 5, 5, 5, 5], 9),
    'wishes-feelings': 'Wants to stay with her friends.',
  };

  it('carries every answer, the assessor and the child reference', async () => {
    await page.goto(`${origin}/#/`);
    await chooseSettingAndRegion(page, 'social-care', 'greater-manchester');
    await fillInstrument(page, id, 'GM-8', answers);
    await page.click('text=Finish and see the result');
    await page.waitForSelector('h1:text-is("Result")');
    records.gm = page.url().match(/record\/([^/]+)/)![1]!;
    // The longest 999 wording (Greater Manchester) still fits the first screen with its call button.
    const bottoms = await nineBottoms();
    console.log(
      `GM result, bottom of the Call 999 button at 390×844 (online, offline): ${bottoms.map(Math.round).join(', ')} px`,
    );
    for (const bottom of bottoms) expect(bottom).toBeLessThanOrEqual(844);
    await shoot('result-gm');
    const text = await pdfText('gm-result');
    for (const part of [ASSESSOR.name, 'GM-8', 'High (41 – 60)', 'Total: 54']) expect(text).toContain(part);
    expect(loosely(text)).toContain(loosely(ASSESSOR.contact));
    // Loosely: a long answer in the annex's narrower column may break at a hyphen ("non-\nconsensual").
    for (const { question, answer } of expectedAnswers(id, answers, true))
      expect(loosely(text)).toContain(loosely(`${question} ${answer}`));
    for (const t of BUTTON_TEXT) expect(text).not.toContain(t);
  });
});

describe('an information report with two persons and a vehicle', () => {
  it('one tap reuses the empty draft, pre-fills the reporter and "now", and the result says once where it goes', async () => {
    await page.goto(`${origin}/#/`);
    await chooseSettingAndRegion(page, 'youth-work', 'greater-manchester');
    await page.click('[data-testid=quick-report]');
    await page.waitForSelector('#immediate-danger-1');
    const first = page.url();
    await page.goto(`${origin}/#/`);
    await page.click('[data-testid=quick-report]');
    await page.waitForSelector('#immediate-danger-1');
    expect(page.url()).toBe(first); // the same draft, not another
    await page.click('label[for="immediate-danger-1"]');
    await page.click(
      `label[for="area-${getInstrument('gm-information-report')!.routing!.teams.findIndex((t) => t.area === 'Rochdale')}"]`,
    );
    await page.click('form button[type=submit]');
    await page.waitForSelector('text=Add a person');
    await page.click('text=Add a person');
    await type('#persons-0-name', 'Daniel Example');
    await type('#persons-0-nicknames', 'Danno');
    await page.click('text=Add another person');
    await type('#persons-1-description', 'Tall man in a grey hoodie');
    await page.click('text=Add a vehicle');
    await type('#vehicles-0-registration', 'KX65 ABC');
    await type('#vehicles-0-make', 'Vauxhall');
    await type('#vehicles-0-colour', 'Silver');
    await page.click('form button[type=submit]');
    await page.waitForSelector('#reporter-name');
    // Pre-filled from Settings, and the report's date and time is now.
    expect(await page.inputValue('#reporter-name')).toBe(ASSESSOR.name);
    expect(await page.inputValue('#reporter-contact')).toBe(ASSESSOR.contact);
    const at = await page.inputValue('#report-datetime');
    expect(Math.abs(new Date(at).getTime() - Date.now())).toBeLessThan(5 * 60_000);
    await type('#details', 'Seen outside the takeaway on the high street most evenings.');
    await page.click('form button[type=submit]');
    await page.waitForSelector('h1:text-is("Check your answers")');
    await page.click('text=Finish and see the result');
    await page.waitForSelector('[data-testid=report-destination]');
    records.report = page.url().match(/record\/([^/]+)/)![1]!;
    await page.waitForSelector('[data-testid=report-destination] [data-state=delivered]', { timeout: 30_000 });
    const dest = collapse((await page.textContent('[data-testid=report-destination]')) ?? '');
    expect(dest).toContain('Sent to the Rochdale CSE team');
    expect(dest).not.toMatch(/e-mail/i);
    // Said once: no other step tells the user to e-mail the report to a team.
    expect(
      await page
        .locator('.screen-only [data-step=gm-information-report], .screen-only [data-step=route-to-team]')
        .count(),
    ).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await shoot('result-report');
  });

  it('prints every person and vehicle, the reporter, and never "Nothing ticked"', async () => {
    const text = await pdfText('report-result');
    for (const part of [
      'Person 1',
      'Daniel Example',
      'Danno',
      'Person 2',
      'Tall man in a grey hoodie',
      'Vehicle 1',
      'KX65 ABC',
      'Vauxhall',
      'Silver',
      ASSESSOR.name,
      'Rochdale',
      'Seen outside the takeaway',
    ])
      expect(text).toContain(part);
    expect(loosely(text)).toContain(loosely(ASSESSOR.contact));
    expect(text).not.toContain('Nothing ticked');
    for (const t of BUTTON_TEXT) expect(text).not.toContain(t);
  });
});

describe('narrow screens', () => {
  it('no screen scrolls sideways at 320 or 390 px, and axe finds nothing', async () => {
    // A draft for the runner and check pages.
    await page.goto(`${origin}/#/`);
    await chooseSettingAndRegion(page, 'medical', 'northamptonshire');
    await page.click('a[data-instrument="nscb-ae-cse-indicator-checklist"]');
    await page.locator('#child-ref').pressSequentially('NARROW-1');
    await page.click('button[type=submit]');
    // The draft's second page (the Start form would match a bare 'form' before the move).
    await page.waitForFunction(() => /^#\/record\/[^/]+\/1$/.test(location.hash));
    await page.waitForSelector('form');
    const draft = page.url().match(/record\/([^/]+)/)![1]!;
    const screens: [string, string][] = [
      ['home', '#/'],
      ['settings', '#/settings'],
      ['outbox', '#/outbox'],
      ['history', `#/record/${records.gm}/history`],
      ['runner', `#/record/${draft}/1`],
      ['check', `#/record/${draft}/check`],
      ['result', `#/record/${records.ae}/result`],
      ['result-report', `#/record/${records.report}/result`],
      ['record', `#/record/${records.report}/view`],
    ];
    for (const width of [320, 390]) {
      await page.setViewportSize({ width, height: 844 });
      for (const [name, hash] of screens) {
        await page.goto(`${origin}/${hash}`);
        await page.waitForSelector('main h1');
        await page.waitForLoadState('networkidle');
        // innerWidth includes a classic scrollbar (headless Chromium draws one); clientWidth is the width
        // left for content, so checking against it too catches an overflow the scrollbar would hide.
        const { scroll, inner, client, wide } = await page.evaluate(() => ({
          scroll: document.documentElement.scrollWidth,
          inner: innerWidth,
          client: document.documentElement.clientWidth,
          // Any element reaching past the content width (named, to say what overflows).
          wide: [...document.querySelectorAll('body *')]
            .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
            .map((e) => `${e.tagName.toLowerCase()}.${e.className}`)
            .slice(0, 5),
        }));
        expect(`${name} at ${width}: ${scroll}`).toBe(`${name} at ${width}: ${Math.min(scroll, inner, client)}`);
        expect({ name, width, wide }).toEqual({ name, width, wide: [] });
        expect({ name, width, violations: await axeViolations(page) }).toEqual({ name, width, violations: [] });
      }
    }
    if (shots)
      for (const [name, hash] of screens.filter(([n]) =>
        ['home', 'outbox', 'history', 'settings', 'runner', 'check'].includes(n),
      )) {
        await page.goto(`${origin}/${hash}`);
        await page.waitForSelector('main h1');
        await shoot(`narrow-${name}`);
      }
    writeFileSync(join(out, 'done'), '');
  });
});
