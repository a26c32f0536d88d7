// The key journeys in WebKitGTK, Safari's engine (journeys.ts; drivers.ts says how it is driven). The
// child reference is typed the moment its screen appears 20 times here: where the bug was seen. And
// what only Safari on an iPad is told: that records may be cleared unless the app is on the Home Screen.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/main.ts';
import { type Driver, launch } from './drivers.ts';
import { journeys } from './journeys.ts';
import { clickText, enter, heading, waitFor, waitGone } from './steps.ts';

journeys('webkit', { typingRuns: 20 });

const IPAD =
  'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

describe('webkit: as Safari on an iPad, not added to the Home Screen', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let d: Driver;
  beforeAll(async () => {
    server = await startServer({ port: 0, dataDir: mkdtempSync(join(tmpdir(), 'cse-engines-ipad-')) });
    d = await launch('webkit', { userAgent: IPAD });
  });
  afterAll(async () => {
    await d?.close();
    if (d) rmSync(d.profile, { recursive: true, force: true, maxRetries: 20, retryDelay: 250 }); // see journeys.ts
    server?.close();
  });

  it('Home explains once that records may be cleared and how to add the app to the Home Screen', async () => {
    const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
    await d.goto(origin);
    await enter(d);
    expect(await d.evaluate(() => 'SyncManager' in window, null)).toBe(false);
    await waitFor(d, '[data-testid=home-screen-note]', { contains: 'Safari may delete the records' });
    await waitFor(d, '[data-testid=home-screen-note]', { contains: 'Add to Home Screen' });
    await clickText(d, 'I understand');
    await waitGone(d, '[data-testid=home-screen-note]');
    // Not again: after a reload (which locks) and unlocking, Home has no note.
    await d.reload();
    await heading(d, 'Unlock');
    await enter(d);
    await waitFor(d, '[data-testid=recent], main .choosers');
    expect(await d.evaluate(() => document.querySelector('[data-testid=home-screen-note]') === null, null)).toBe(true);
    expect(await d.takeErrors()).toEqual([]);
  });
});
