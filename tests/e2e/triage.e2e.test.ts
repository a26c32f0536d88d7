// The duty desk's triage (issue 20, items 3–5) in headless Chromium at 1366×768 against the built inbox and
// the reference endpoint, typing key by key: 200 referrals sent through the device API from devices enrolled
// for five GM areas (a mix of levels, children under 13, children missing now, and some already in review,
// needing information, actioned or closed by a colleague). The duty reviewer signs in: the default view holds
// only New and Needs more information, the most urgent first, then the longest waiting; at least 15 rows are on
// the screen; they open the most urgent, whose child, level, what must happen now and the referrer's contact
// sit above 768 px; they pick it up (In review: mine, with their name), add a note without a change of state,
// and close one with no further action, which needs a reason; Seen by lists them. axe on every screen;
// screenshots at 1366, 1920 and 390 wide in /tmp/triage-shots.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/main.ts';
import type { Submission } from '../../src/contract/submission.ts';
import { scores, spread } from '../helpers/answers.ts';
import { account, enrolledDevice, nextCode, PASSWORD, send } from '../helpers/inbox.ts';
import { makeSubmission } from '../helpers/submission.ts';
import { axeViolations } from './app.ts';
import { type RunningBrowser, launch } from './browser.ts';

let server: Awaited<ReturnType<typeof startServer>>;
let origin: string;
let b: RunningBrowser;
let page: Page;
const pageErrors: string[] = [];
const shots = process.env.TRIAGE_SHOTS ?? '/tmp/triage-shots';
const AREAS = ['Bolton', 'Wigan', 'Bury', 'Salford', 'Oldham'];
const REFERRERS = [
  {
    name: 'Ann Teacher',
    role: 'Designated safeguarding lead',
    organisation: 'Bolton High School',
    contact: '01204 555 0101',
  },
  { name: 'Sam Nurse', role: 'School nurse', organisation: 'Wigan 0-19 Service', contact: 'sam.nurse@nhs.example' },
  { name: 'Jo Worker', role: 'Youth worker', organisation: 'Salford Youth Service', contact: '0161 555 0199' },
];

/** The i-th referral: levels by total (000 L1661), every 9th a child under 13, every 7th missing now. */
function referral(i: number): Submission {
  const totals: [number, number][] = [
    [12, 2], // 14 Lower
    [30, 5], // 35 Medium
    [45, 8], // 53 High
    [20, 3], // 23 Medium
  ];
  const [cats, pj] = totals[i % totals.length]!;
  const facts: Record<string, string> = {};
  if (i % 9 === 4) facts['fact-dob'] = `${new Date().getFullYear() - 11}-03-01`;
  if (i % 7 === 2) facts['fact-missing-now'] = 'yes';
  return makeSubmission(
    { childRef: `GM-${String(i).padStart(3, '0')}`, author: REFERRERS[i % REFERRERS.length]! },
    scores('gm-cse-measurement-tool', spread(cats), pj, facts),
  );
}

async function axe(name: string) {
  expect(await axeViolations(page), name).toEqual([]);
}

async function shoot(name: string) {
  for (const [w, h] of [
    [1366, 768],
    [1920, 1080],
    [390, 844],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: join(shots, `${name}-${w}.png`) });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(wide, `${name} at ${w}px scrolls sideways`).toBeLessThanOrEqual(0);
  }
  await page.setViewportSize({ width: 1366, height: 768 });
}

async function type(selector: string, text: string) {
  await page.click(selector);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.locator(selector).pressSequentially(text);
}

/** A row's place in the queue as the table shows it: safety route, under 13, missing now, level; received. */
async function rowKeys() {
  return page.$$eval('[data-testid=referral]', (rows) =>
    rows.map((r) => {
      const flags = [...r.querySelectorAll('.flag')].map((f) => f.textContent ?? '');
      return {
        state: r.getAttribute('data-state'),
        key: [
          flags.some((f) => /safety route|Not scored|Trafficking/i.test(f)) ? 1 : 0,
          flags.includes('Under 13') ? 1 : 0,
          flags.includes('Missing now') ? 1 : 0,
          Number(r.getAttribute('data-severity')),
        ],
        received: r.getAttribute('data-received')!,
        bottom: r.getBoundingClientRect().bottom,
      };
    }),
  );
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  const dataDir = join(mkdtempSync(join(tmpdir(), 'cse-triage-e2e-')), 'data');
  server = await startServer({ port: 0, dataDir });
  origin = `http://localhost:${server.address().port}`;
  b = await launch();
  page = await b.context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.setViewportSize({ width: 1366, height: 768 });
}, 120_000);
afterAll(async () => {
  await b?.close();
  await server?.close();
});

describe('the duty desk triages 200 referrals', () => {
  it('the queue, the first screen, pick up, a note, Closed – no further action, Seen by', async () => {
    const devices = [];
    for (const area of AREAS) devices.push(await enrolledDevice(server, origin, `${area} school nurse`, area));
    const sent: Submission[] = [];
    for (let i = 0; i < 200; i++) {
      const s = referral(i);
      expect(await send(origin, devices[i % devices.length]!, s)).toBe(201);
      sent.push(s);
    }
    await server.inbox.referrals.catchUp();
    // A colleague has already dealt with some: 10 in review, 10 needing information, 10 actioned, 10 closed.
    const colleague = await account(server.inbox, 'colleague@mash.example', 'reviewer');
    const duty = await account(server.inbox, 'duty@mash.example', 'reviewer');
    for (let k = 0; k < 40; k++) {
      const id = sent[100 + k]!.id;
      await server.inbox.referrals.assign(id, colleague, colleague);
      if (k >= 10 && k < 20)
        await server.inbox.referrals.setState(id, 'needs-information', colleague, 'Asked the school');
      if (k >= 20 && k < 30) await server.inbox.referrals.setState(id, 'actioned', colleague, 'Strategy meeting');
      if (k >= 30) await server.inbox.referrals.setState(id, 'closed', colleague, 'Known to the team');
    }

    // The duty reviewer signs in, key by key.
    await page.goto(`${origin}/inbox/`);
    await page.waitForSelector('h1:text-is("Sign in to the CSE inbox")');
    await type('#email', duty.email);
    await type('#password', PASSWORD);
    await type('#code', await nextCode(duty.email));
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=referral]');
    await page.waitForSelector('.views a[data-view=queue][aria-current=page]');

    // The default view: only New and Needs more information; a count for each view.
    const counts = await page.$$eval('.views a', (as) =>
      Object.fromEntries(as.map((a) => [a.getAttribute('data-view'), a.querySelector('.view-count')!.textContent])),
    );
    expect(counts).toEqual({ queue: '170', mine: '0', review: '10', actioned: '10', closed: '10', all: '200' });
    const rows = await rowKeys();
    expect(rows).toHaveLength(50);
    expect(new Set(rows.map((r) => r.state))).toEqual(new Set(['new', 'needs-information']));
    // Most urgent first (safety routes, under 13, missing now, then the level), then the longest waiting.
    for (let i = 1; i < rows.length; i++) {
      const [a, c] = [rows[i - 1]!, rows[i]!];
      const cmp = a.key.map((x, k) => x - c.key[k]!).find((x) => x !== 0) ?? 0;
      expect(cmp, `row ${i} is not after row ${i - 1}`).toBeGreaterThanOrEqual(0);
      if (cmp === 0) expect(a.received <= c.received, `row ${i}: the longest waiting first`).toBe(true);
    }
    expect(rows[0]!.key[1]).toBe(1); // a child under 13 comes first
    await shoot('queue');
    // At least 15 rows on a 1366×768 screen.
    expect(rows.filter((r) => r.bottom <= 768).length).toBeGreaterThanOrEqual(15);
    await axe('queue');

    // A search: the number of matches.
    await page.click('summary:text-is("Filter and search")');
    await type('#f-child', 'gm-004');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=matches]:has-text("1 referral matches these filters")');
    await axe('queue with a search');
    await page.click('form[role=search] button:text-is("Clear")');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=referral]').length === 50);

    // The most urgent referral's first screen.
    const first = await page.getAttribute('[data-testid=referral]:first-child', 'data-id');
    await page.click('[data-testid=referral]:first-child a.referral-link');
    await page.waitForSelector('[data-testid=outcome-level]');
    await page.screenshot({ path: join(shots, 'referral-first-screen-1366.png') });
    const top = async (sel: string) => (await page.locator(sel).first().boundingBox())!;
    for (const sel of [
      '[data-testid=child]',
      '[data-testid=child-facts]',
      '[data-testid=outcome-level]',
      '[data-testid=now]',
      '[data-testid=referrer]',
    ]) {
      const box = await top(sel);
      expect(box.y + box.height, `${sel} ends above 768 px`).toBeLessThanOrEqual(768);
    }
    expect(await page.textContent('[data-testid=child-facts]')).toMatch(/Age:\s*11/);
    expect(await page.getAttribute('[data-testid=now] .steps li:first-child', 'data-step')).toBe('emergency-999');
    // A GM child under 13: the safety route is there too, after 999, above 768 px: the presumption of referral,
    // borrowed from the Bury procedure (001 L484–L487) and marked as the app's, its reason folded.
    const steps = await page.$$eval('[data-testid=now] .steps > li', (lis) =>
      lis.map((l) => l.getAttribute('data-step')),
    );
    expect(steps.slice(0, 2)).toEqual(['emergency-999', 'gm-under-13-presumption']);
    const presumption = '[data-testid=now] [data-step=gm-under-13-presumption]';
    expect(await page.textContent(presumption)).toContain('automatic presumption of referral');
    expect(await page.isVisible(`${presumption} [data-testid=app-suggests] summary`)).toBe(true);
    expect(await page.isVisible(`${presumption} [data-testid=app-suggests] .hint`)).toBe(false); // folded
    const u13 = await top(presumption);
    expect(u13.y + u13.height, 'the under-13 route ends above 768 px').toBeLessThanOrEqual(768);
    expect(await page.textContent('[data-testid=referrer]')).toMatch(/Ann Teacher|Sam Nurse|Jo Worker/);
    // This area's contacts only; no seed file names, line numbers, or the app's and the engine's words above the fold.
    const area = (await page.textContent('[data-testid=child-facts]'))!.match(/Area:\s*(\w+)/)![1]!;
    const firstScreen = (await page.textContent('[data-testid=first-screen]'))!;
    for (const other of AREAS.filter((a) => a !== area)) expect(firstScreen).not.toContain(`${other} CSE team`);
    expect(firstScreen).not.toMatch(/\.md\b|\.txt\b|\bL\d{2,}|line \d|scored again|The app suggests|engine/i);
    await axe('referral');
    await shoot('referral');

    // Pick up: In review, with the reviewer's name; the queue's "mine" view has it.
    await page.click('[data-testid=pick-up]');
    await page.waitForSelector('[data-testid=review-state]:has-text("In review"):has-text("duty@mash.example")');
    // A note, without a change of state.
    await page.click('a:text-is("Note, state or reassign")');
    await type('#add-note', 'Rang the school: the child is in class today.');
    await page.click('[data-testid=note-form] button[type=submit]');
    await page.waitForSelector('[data-testid=history] li[data-kind=note]:has-text("Rang the school")');
    expect(await page.textContent('[data-testid=review-state]')).toContain('In review');
    await axe('referral in review with a note');
    // Seen by lists the reviewer (from the audit).
    expect(await page.textContent('[data-testid=seen-by]')).toContain('duty@mash.example');

    await page.click('a:text-is("Back to the referrals")');
    await page.click('.views a[data-view=mine]');
    await page.waitForSelector(`[data-testid=referral][data-id="${first}"]`);
    expect(await page.textContent(`[data-id="${first}"] [data-testid=assignee]`)).toContain('duty@mash.example');
    expect(await page.textContent('.views a[data-view=mine] .view-count')).toBe('1');
    await axe('in review: mine');
    await shoot('mine');

    // Closed – no further action needs a reason.
    await page.click(`[data-id="${first}"] a.referral-link`);
    await page.waitForSelector('[data-testid=outcome-level]');
    await page.click('label[for="to-closed"]');
    await page.waitForSelector('label[for=review-note]:text-is("Reason for closing")');
    await page.click('[data-testid=state-form] button[type=submit]');
    await page.waitForSelector('.error-summary:has-text("Write the reason for closing")');
    await axe('closing without a reason');
    await type('#review-note', 'Known to the Phoenix team; no new concern.');
    await page.click('[data-testid=state-form] button[type=submit]');
    await page.waitForSelector('[data-testid=review-state]:has-text("Closed – no further action")');
    expect(await page.textContent('[data-testid=history]')).toContain('Known to the Phoenix team; no new concern.');
    expect(await page.textContent('[data-testid=seen-by]')).toContain('duty@mash.example');
    await page.click('a:text-is("Back to the referrals")');
    await page.click('.views a[data-view=closed]');
    await page.waitForSelector(`[data-testid=referral][data-id="${first}"]`);
    expect(await page.textContent('.views a[data-view=closed] .view-count')).toBe('11');
    await axe('closed');
    expect((await server.inbox.audit.list({ submissionId: first!, action: 'view' })).map((e) => e.actor)).toContain(
      'duty@mash.example',
    );
    expect(pageErrors).toEqual([]);
  }, 480_000);
});
