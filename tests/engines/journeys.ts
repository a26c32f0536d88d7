// The key journeys, written once and run in each engine (one test file per
// engine calls journeys()). Console errors fail a run: each test ends by
// taking the driver's errors, and only network failures while the network
// is deliberately cut are allowed.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/main.ts';
import { ticks } from '../helpers/answers.ts';
import { type Driver, type EngineName, launch } from './drivers.ts';
import { type NetworkSwitch, networkSwitch } from './network.ts';
import {
  chooseSettingAndRegion,
  clickText,
  enter,
  fillInstrument,
  fillSettings,
  heading,
  screenSettled,
  text,
  value,
  waitFor,
  waitSaved,
  waitUntil,
} from './steps.ts';

const AE = 'nscb-ae-cse-indicator-checklist';
const AE_ANSWERS = { ...ticks(AE, ['low-self-harm', 'low-unknown-adults']), age: 15 };
const AE_OUTCOME = 'Please complete full CSE Toolkit';

/** What a browser says when a request meets the cut network (allowed only while it is cut). */
const NETWORK_FAILURE =
  /Failed to load resource|NetworkError|network connection was lost|Could not connect|ERR_CONNECTION|ERR_EMPTY_RESPONSE|ERR_FAILED|Load failed|Failed to fetch|fetch/i;

export interface JourneyOptions {
  /** How many times the child reference is typed the moment its screen appears. */
  typingRuns: number;
}

export function journeys(engine: EngineName, opts: JourneyOptions) {
  let server: Awaited<ReturnType<typeof startServer>>;
  let net: NetworkSwitch;
  let origin: string;
  let d: Driver;
  const errors: string[] = [];
  /**
   * An outage has just ended: a request the cut broke can be reported a moment after the network is back
   * (Chromium logged ERR_SOCKET_NOT_CONNECTED after the restore on a busy machine), so the next collection
   * still counts network failures as the outage's. A failure after that is an error.
   */
  let outageJustEnded = false;

  /** The page's console errors so far, less network failures while the network was cut. */
  async function collect() {
    const cut = net.isCut || outageJustEnded;
    for (const e of await d.takeErrors()) if (!(cut && NETWORK_FAILURE.test(e))) errors.push(e);
    if (!net.isCut) outageJustEnded = false;
  }
  async function withNetworkCut<T>(fn: () => Promise<T>): Promise<T> {
    await collect();
    net.cut();
    try {
      return await fn();
    } finally {
      await collect(); // taken while still cut, so the outage's own failures are the allowed ones
      net.restore();
      outageJustEnded = true;
    }
  }
  async function submissionsOnServer(): Promise<{ childRef?: string; id: string }[]> {
    const res = await fetch(`${server.origin}/api/submissions?limit=500`, {
      headers: { Authorization: `Bearer ${server.adminToken}` },
    });
    return ((await res.json()) as { submissions: { id: string; childRef?: string }[] }).submissions;
  }

  beforeAll(async () => {
    server = await startServer({ port: 0, dataDir: mkdtempSync(join(tmpdir(), `cse-engines-data-${engine}-`)) });
    net = await networkSwitch((server.address() as AddressInfo).port);
    origin = net.origin;
    d = await launch(engine);
  });
  afterEach(async () => {
    await collect();
    expect(errors.splice(0), `${engine}: console errors`).toEqual([]);
  });
  afterAll(async () => {
    await d?.close();
    // A browser's helper processes may still be writing to the profile for a moment after it closed (Chromium's,
    // under full CPU load, left Default/ not yet empty): Node retries the removal on ENOTEMPTY and EBUSY.
    if (d) rmSync(d.profile, { recursive: true, force: true, maxRetries: 20, retryDelay: 250 });
    await net?.close();
    server?.close();
  });

  describe(`${engine}: the key journeys`, () => {
    it('first run: a passcode, the A&E checklist to its outcome, finished', async () => {
      await d.goto(origin);
      await heading(d, 'Set a passcode');
      await enter(d);
      // The Home Screen explanation is for Safari on an iPhone or iPad only (webkit.engines.test.ts).
      expect(await d.evaluate(() => document.querySelector('[data-testid=home-screen-note]') === null, null)).toBe(
        true,
      );
      await chooseSettingAndRegion(d, 'medical', 'northamptonshire');
      await fillInstrument(d, AE, 'JS-15', AE_ANSWERS);
      await clickText(d, 'Finish and see the result');
      await screenSettled(d, 'Result');
      await waitFor(d, '[data-testid=outcome-level]', { contains: AE_OUTCOME });
      await waitFor(d, '.now-steps [data-step=emergency-999] a[href="tel:999"]');
      expect(await d.url()).toMatch(/#\/record\/[^/]+\/result$/);
    });

    it('offline: the app opens from the device and unlocks, with the record there', async () => {
      // The service worker has precached the app and controls the page.
      await waitUntil(d, 'the service worker in control', () => navigator.serviceWorker?.controller != null, null);
      await d.goto(`${origin}/#/`); // a reload opens the screen it shows: Home
      await heading(d, 'Screen a child');
      await withNetworkCut(async () => {
        await d.reload();
        await heading(d, 'Unlock'); // a reload needs the passcode
        await enter(d);
        await waitFor(d, '[data-testid=recent]', { contains: 'JS-15' });
      });
    });

    it('a browser restart keeps the records', async () => {
      const profile = d.profile;
      await d.close();
      d = await launch(engine, { profile });
      await d.goto(origin);
      await heading(d, 'Unlock');
      await enter(d);
      await waitFor(d, '[data-testid=recent]', { contains: 'JS-15' });
    });

    it('enrolment, and records delivered by the page itself (the sender that needs no Background Sync)', async () => {
      const backgroundSync = await d.evaluate(() => 'SyncManager' in window, null);
      // Safari and Firefox have none: there the page's own sender carries everything.
      if (engine !== 'chromium') expect(backgroundSync).toBe(false);
      await fillSettings(d, origin);
      const { code } = await server.addDevice(`engines ${engine}`);
      await d.goto(`${origin}/#/enrol?code=${encodeURIComponent(code)}`);
      await screenSettled(d, 'Enrol this device');
      await clickText(d, 'Enrol this device');
      await waitFor(d, '[data-testid=enrolled]');
      // The record finished before enrolment goes now.
      await d.goto(`${origin}/#/outbox`);
      await waitFor(d, '[data-testid=delivery-state][data-state=delivered]');
      // One finished with no network waits, and goes by itself once the network is back (the sender's retry).
      await d.goto(`${origin}/#/`);
      await screenSettled(d, 'Screen a child');
      const id = await withNetworkCut(async () => {
        await fillInstrument(d, AE, 'JS-16', AE_ANSWERS);
        await clickText(d, 'Finish and see the result');
        await heading(d, 'Result');
        await waitFor(d, '[data-testid=delivery] [data-testid=delivery-state][data-state=queued]');
        return (await d.url()).match(/record\/([^/]+)/)![1]!;
      });
      await waitFor(d, '[data-testid=delivery] [data-testid=delivery-state][data-state=delivered]');
      const stored = await submissionsOnServer();
      expect(stored.length).toBe(2);
      expect(id).toBeTruthy();
    });

    it(`a child reference typed the moment its screen appears keeps every character (${opts.typingRuns} runs)`, async () => {
      const lost: string[] = [];
      // (Opening the address a page already shows reloads it in WebKit, which locks the app: the runs go
      // Home by the app's own link, as a person would.)
      await d.goto(`${origin}/#/`);
      await heading(d, 'Screen a child');
      // A busy iPad paints late: each animation frame comes 10 to 150 ms after it is asked for (a
      // different lateness each time), so the typing is under way when whatever waited for the frame
      // runs, as the practitioners saw.
      await d.evaluate(() => {
        const raf = window.requestAnimationFrame.bind(window);
        let n = 0;
        window.requestAnimationFrame = (cb) => raf(() => void setTimeout(() => raf(cb), 10 + (n++ % 8) * 20));
      }, null);
      for (let run = 1; run <= opts.typingRuns; run++) {
        const ref = `XENG-${run}`;
        // Home, settled: reached by the app's link, its heading has focus (the page scrolled to it), so
        // the tap lands on the card. (Frames come late here, out of order: the focus itself is waited for.)
        await heading(d, 'Screen a child');
        await waitUntil(
          d,
          'the heading focused',
          () => document.activeElement === document.querySelector('main h1'),
          null,
        );
        await d.click(`a[data-instrument="${AE}"]`);
        await d.typeWhenShown('#child-ref', ref);
        // What the field holds once the keys are typed: a key that went elsewhere is not in it.
        const typed = await value(d, '#child-ref');
        if (typed !== ref) {
          lost.push(`${ref}: the field holds "${typed}"`);
          await d.click('header a.brand');
          continue;
        }
        // Stored: the draft is made (its address names it) and every change written; then Home lists it.
        await waitUntil(d, 'the draft stored', () => location.hash.startsWith('#/record/'), null);
        await waitSaved(d);
        await d.click('header a.brand');
        await waitFor(d, '[data-testid=recent] li', { contains: ref });
        const listed = (await text(d, '[data-testid=recent]')).match(/XENG-\d+/g) ?? [];
        if (listed[0] !== ref) lost.push(`${ref}: Home lists ${listed.join(' ')}`);
      }
      expect(lost, `${engine}: references that lost characters`).toEqual([]);
    });
  });
}
