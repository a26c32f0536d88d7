// What a practitioner does, over any engine's driver. Every wait is for a
// state of the page (a heading, a saved status, a delivered row), polled
// until it holds or a generous deadline passes: never for a moment.
import { isAnswered } from '../../src/domain/engine/answers.ts';
import type { Answers, Section } from '../../src/domain/engine/types.ts';
import { getInstrument } from '../../src/domain/instruments/catalogue.ts';
import { isTickItem, isTickList, tickItemsOf } from '../../src/ui/ticklist.tsx';
import type { Driver } from './drivers.ts';

/** Long enough for a busy 2-core machine running Argon2id; a state that never comes still fails. */
export const STATE_TIMEOUT = 45_000;

export async function waitUntil<A>(
  d: Driver,
  what: string,
  fn: (arg: A) => boolean | Promise<boolean>,
  arg: A,
  timeout = STATE_TIMEOUT,
): Promise<void> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      if (await d.evaluate(fn, arg)) return;
    } catch (e) {
      last = e; // mid-navigation: the page is not there to ask yet
    }
    if (Date.now() > deadline) {
      const main = await d
        .evaluate(() => document.querySelector('main')?.textContent?.slice(0, 400) ?? '(no main)', null)
        .catch(() => '(page not answering)');
      throw new Error(
        `${d.engine}: waited ${timeout} ms for ${what}; main: ${main}${last ? `; last error ${last}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Want {
  selector: string;
  /** The element's whole text, trimmed (exact), or a part of it. */
  text?: string;
  contains?: string;
}

/** Waits until an element matching `selector` (with that text, when given) is shown. */
export function waitFor(d: Driver, selector: string, text?: { exact?: string; contains?: string }) {
  const want: Want = {
    selector,
    ...(text?.exact ? { text: text.exact } : {}),
    ...(text?.contains ? { contains: text.contains } : {}),
  };
  const what = `${selector}${want.text ? ` = "${want.text}"` : ''}${want.contains ? ` ∋ "${want.contains}"` : ''}`;
  return waitUntil(
    d,
    what,
    (w: Want) =>
      Array.from(document.querySelectorAll(w.selector)).some((el) => {
        const t = (el.textContent ?? '').replace(/\s+/g, ' ').trim();
        const shown = (el as HTMLElement).getClientRects().length > 0;
        return shown && (w.text === undefined || t === w.text) && (w.contains === undefined || t.includes(w.contains));
      }),
    want,
  );
}

export function waitGone(d: Driver, selector: string) {
  return waitUntil(d, `${selector} gone`, (s: string) => !document.querySelector(s), selector);
}

export const heading = (d: Driver, title: string) => waitFor(d, 'main h1', { exact: title });

/**
 * A screen reached by a link or button (a hash change), settled: its heading shown, and the frame in
 * which the router moves focus to it (scrolling the page there) passed. A click before that may land
 * where an element was, not where it is: a lost tap, seen in WebKit on a busy machine. (The router asks
 * for its frame at the change, before the heading is drawn, so two frames after the heading is seen it
 * has had its turn.)
 */
export async function screenSettled(d: Driver, title: string) {
  await heading(d, title);
  await d.evaluate(
    () => new Promise<boolean>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true)))),
    null,
  );
}

export function text(d: Driver, selector: string): Promise<string> {
  return d.evaluate(
    (s: string) => (document.querySelector(s)?.textContent ?? '').replace(/\s+/g, ' ').trim(),
    selector,
  );
}

export function value(d: Driver, selector: string): Promise<string> {
  return d.evaluate((s: string) => (document.querySelector(s) as HTMLInputElement | null)?.value ?? '', selector);
}

let marks = 0;
/** Clicks the shown button or link whose text is `label`, once it is there. */
export async function clickText(d: Driver, label: string, within = 'button, a') {
  const mark = `m${++marks}`;
  await waitUntil(
    d,
    `"${label}" to click`,
    ({ label, within, mark }) => {
      const el = Array.from(document.querySelectorAll<HTMLElement>(within)).find(
        (e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim() === label && e.getClientRects().length > 0,
      );
      el?.setAttribute('data-engines-click', mark);
      return !!el;
    },
    { label, within, mark },
  );
  await d.click(`[data-engines-click="${mark}"]`);
}

/** Chooses an option of a <select> (no driver's pointer reaches a native menu the same way). */
export async function select(d: Driver, selector: string, option: string) {
  await waitFor(d, selector);
  await d.evaluate(
    ({ selector, option }) => {
      const el = document.querySelector(selector) as HTMLSelectElement;
      el.value = option;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    },
    { selector, option },
  );
}

export const PASSCODE = 'engines-passcode-1';

/** First run sets the passcode, later runs unlock; ends on Home. */
export async function enter(d: Driver, passcode = PASSCODE) {
  await waitFor(d, 'main h1');
  const title = await text(d, 'main h1');
  if (title === 'Set a passcode') {
    await d.type('#passcode', passcode);
    await d.type('#passcode-confirm', passcode);
    await d.click('form button[type=submit]');
  } else if (title === 'Unlock') {
    await d.type('#unlock-passcode', passcode);
    await d.click('form button[type=submit]');
  }
  await heading(d, 'Screen a child');
}

export async function chooseSettingAndRegion(d: Driver, setting: string, region: string) {
  await d.click(`label[for="setting-${setting}"]`);
  await select(d, '#region', region);
}

/** Opens the tool from its card and fills every section as a practitioner would; ends on "Check your answers". */
export async function fillInstrument(d: Driver, instrumentId: string, childRef: string, answers: Answers) {
  const inst = getInstrument(instrumentId)!;
  await waitFor(d, `a[data-instrument="${instrumentId}"]`);
  await d.click(`a[data-instrument="${instrumentId}"]`);
  for (const [si, section] of inst.sections.entries()) {
    await screenSettled(d, section.title);
    if (si === 0 && inst.kind !== 'information-report') await d.type('#child-ref', childRef);
    for (const item of section.items) {
      if (isTickItem(item)) continue;
      const v = answers[item.id];
      if (!isAnswered(v)) continue;
      if (item.kind === 'choice')
        await d.click(`label[for="${item.id}-${item.options.findIndex((o) => o.value === v)}"]`);
      else if (item.kind === 'multi')
        for (const x of v as string[])
          await d.click(`label[for="${item.id}-${item.options.findIndex((o) => o.value === x)}"]`);
      else await d.type(`#${item.id}`, String(v));
    }
    if (isTickList(section)) await tickWhatApplies(d, section, answers);
    await d.click('form button[type=submit]');
  }
  await screenSettled(d, 'Check your answers');
}

async function tickWhatApplies(d: Driver, section: Section, answers: Answers) {
  const ticked = tickItemsOf(section).filter((i) => isAnswered(answers[i.id]) && answers[i.id] !== 'no');
  for (const item of ticked) {
    await d.click(`label[for="${item.id}-tick"]`);
    const columns = item.options.filter((o) => o.value !== 'no');
    if (columns.length > 1)
      await d.click(`label[for="${item.id}-when-${columns.findIndex((o) => o.value === answers[item.id])}"]`);
  }
  if (ticked.length === 0) await d.click(`label[for="section-${section.id}-none"]`);
}

export const waitSaved = (d: Driver) => waitFor(d, '[data-testid=save-status]', { exact: 'All changes saved' });

/** The practitioner's details in Settings (what sending needs besides enrolment). */
export async function fillSettings(d: Driver, origin: string) {
  await d.goto(`${origin}/#/settings`);
  await waitFor(d, '#author-name');
  for (const [id, t] of [
    ['author-name', 'Sam Nurse'],
    ['author-role', 'School nurse'],
    ['author-org', 'Test NHS Trust'],
    ['author-contact', '01234 567890'],
  ] as const)
    await d.type(`#${id}`, t);
  await d.click('form button[type=submit]');
  await waitFor(d, '[data-testid=settings-saved]');
}
