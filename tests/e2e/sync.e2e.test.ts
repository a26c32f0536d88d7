// Outbox and sync end to end: the built app in headless Chromium, the
// reference endpoint, and a fault-injecting proxy between them on loopback.
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/main.ts';
import { ticks } from '../helpers/answers.ts';
import { makeSubmission } from '../helpers/submission.ts';
import { axeViolations, chooseSettingAndRegion, configure, enter, fillInstrument } from './app.ts';
import { type RunningBrowser, launch, setOffline } from './browser.ts';
import { type FaultProxy, startFaultProxy } from './fault-proxy.ts';

let server: Awaited<ReturnType<typeof startServer>>;
let proxy: FaultProxy;
let b: RunningBrowser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  // The proxy in front is trusted (CSE_TRUST_PROXY): the device's proofs name the proxy's address.
  server = await startServer(
    { port: 0, dataDir: mkdtempSync(join(tmpdir(), 'cse-sync-')) },
    { ...process.env, CSE_TRUST_PROXY: '127.0.0.1' },
  );
  proxy = await startFaultProxy(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 20261122);
  b = await launch();
  page = await b.context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(proxy.origin);
  await enter(page);
  await page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated', null, {
    timeout: 30_000,
  });
  await configure(page, proxy.origin, server);
});
afterAll(async () => {
  expect(pageErrors).toEqual([]);
  await b?.close();
  await proxy?.close();
  server?.close();
});

async function offline(on: boolean) {
  await setOffline(b.context, page, on);
}

/** Outbox states straight from the app's IndexedDB. */
function outboxStates(): Promise<Record<string, number>> {
  return page.evaluate(
    () =>
      new Promise<Record<string, number>>((ok, fail) => {
        const open = indexedDB.open('cse-screen');
        open.onerror = () => fail(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('outbox').objectStore('outbox').getAll();
          all.onsuccess = () => {
            const counts: Record<string, number> = {};
            for (const r of all.result as { state: string }[]) counts[r.state] = (counts[r.state] ?? 0) + 1;
            open.result.close();
            ok(counts);
          };
        };
      }),
  );
}

describe('outbox and sync', () => {
  it('three records finished offline with the endpoint down arrive exactly once when the network returns', async () => {
    const id = 'nscb-ae-cse-indicator-checklist';
    proxy.mode = 'down';
    await offline(true);
    await page.goto(`${proxy.origin}/#/`);
    await chooseSettingAndRegion(page, 'medical', 'northamptonshire');
    for (const [ref, t] of [
      ['S1', ['med-cars']],
      ['S2', ['low-self-harm']],
      ['S3', []],
    ] as const) {
      await page.goto(`${proxy.origin}/#/`);
      await fillInstrument(page, id, ref, { ...ticks(id, [...t]), age: 14 });
      await page.click('text=Finish and see the result');
      await page.waitForSelector('[data-testid=delivery-state]');
    }
    await page.waitForSelector('[data-testid=outbox-badge]:has-text("3")');
    expect(await outboxStates()).toEqual({ queued: 3 });

    // Online, but the endpoint is still down: attempts fail and back off.
    await offline(false);
    await page.waitForFunction(() => navigator.onLine);
    await expect.poll(() => proxy.counts.down, { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
    expect(await server.store.count()).toBe(0);

    // The endpoint comes back: the backoff timer sends them, once each.
    proxy.mode = 'pass';
    await expect.poll(() => server.store.count(), { timeout: 30_000, interval: 250 }).toBe(3);
    await expect.poll(outboxStates, { timeout: 30_000 }).toEqual({ delivered: 3 });
    const stored = await server.store.all();
    expect(new Set(stored.map((s) => s.id)).size).toBe(3);
    expect(stored.map((s) => (s.body as { childRef: string }).childRef).sort()).toEqual(['S1', 'S2', 'S3']);
    expect(stored.every((s) => s.disagreement === null)).toBe(true);

    await page.goto(`${proxy.origin}/#/outbox`);
    await page.waitForSelector('[data-testid=outbox-table]');
    expect(
      await page.$$eval('[data-testid=delivery-state]', (els) => els.map((e) => e.getAttribute('data-state'))),
    ).toEqual(['delivered', 'delivered', 'delivered']);
    expect(await page.$('[data-testid=outbox-badge]')).toBeNull();
    expect(await axeViolations(page)).toEqual([]); // outbox screen
  });

  it('an information report filed offline (quick path, two persons, a vehicle) arrives once, routed to the chosen area', async () => {
    proxy.mode = 'pass';
    await offline(true);
    await page.goto(`${proxy.origin}/#/`);
    await chooseSettingAndRegion(page, 'youth-work', 'greater-manchester');
    const before = await server.store.count();
    await page.click('[data-testid=quick-report]'); // one tap: a saved draft
    await page.waitForSelector('h1:text-is("Is a child in immediate danger?")');
    await page.click('label[for="immediate-danger-1"]'); // No
    await page.click('label[for="area-7"]'); // Tameside
    await page.click('form button[type=submit]');
    await page.waitForSelector('h1:text-is("Who and what was seen")');
    await page.click('text=Add a person');
    await page.fill('#persons-0-name', 'Dan');
    await page.fill('#persons-0-description', 'White male, 30s, grey tracksuit');
    await page.click('text=Add another person');
    await page.fill('#persons-1-nicknames', 'Smiler');
    await page.click('text=Add a vehicle');
    await page.fill('#vehicles-0-registration', 'KX66 ABC');
    await page.fill('#vehicles-0-colour', 'Silver');
    expect(await axeViolations(page)).toEqual([]); // repeatable entries screen
    await page.click('form button[type=submit]');
    await page.waitForSelector('#details');
    await page.fill('#report-datetime', '2026-11-22T19:30');
    await page.fill('#reporter-name', 'Sam Youthworker');
    await page.fill('#details', 'Silver car collects two girls from the children’s home most evenings.');
    await page.click('form button[type=submit]');
    await page.waitForSelector('h1:text-is("Check your answers")');
    await page.click('text=Finish and see the result');
    // One message about where it goes: the endpoint, for the area's team (000 L635–L645).
    await page.waitForSelector('[data-testid=report-destination]');
    expect(await page.textContent('[data-testid=report-destination]')).toContain('Tameside');
    expect(await server.store.count()).toBe(before);
    await offline(false);
    await expect.poll(() => server.store.count(), { timeout: 30_000, interval: 250 }).toBe(before + 1);
    const stored = (await server.store.all()).at(-1)!;
    expect(stored.kind).toBe('information-report');
    expect(stored.body).toMatchObject({
      instrument: { id: 'gm-information-report' },
      routing: { area: 'Tameside', email: 'cse.tameside@gmp.police.uk' },
      answers: {
        persons: [{ name: 'Dan', description: 'White male, 30s, grey tracksuit' }, { nicknames: 'Smiler' }],
        vehicles: [{ registration: 'KX66 ABC', colour: 'Silver' }],
      },
    });
    expect(stored.disagreement).toBeNull();
  });

  it('200 submissions through drops, 500s, resets after store, duplicates and hangs are stored exactly once', async () => {
    const before = await server.store.count();
    const subs = Array.from({ length: 200 }, (_, i) => makeSubmission({ childRef: `F${i}` }));
    // Queue them in the app's own outbox, as finishing 200 records would.
    await page.evaluate(
      (rows) =>
        new Promise<void>((ok, fail) => {
          const open = indexedDB.open('cse-screen');
          open.onerror = () => fail(open.error);
          open.onsuccess = () => {
            const tx = open.result.transaction('outbox', 'readwrite');
            rows.forEach((r, i) =>
              tx.objectStore('outbox').put({
                id: r.id,
                recordId: crypto.randomUUID(),
                state: 'queued',
                payload: r.payload,
                contentType: 'application/json',
                attempts: 0,
                createdAt: Date.now() + i,
                nextAttemptAt: 0,
              }),
            );
            tx.oncomplete = () => {
              open.result.close();
              ok();
            };
            tx.onerror = () => fail(tx.error);
          };
        }),
      subs.map((s) => ({ id: s.id, payload: JSON.stringify(s) })),
    );
    proxy.mode = 'faults';
    proxy.weights = { pass: 45, 'drop-before': 15, 'error-500': 12, 'reset-after-store': 15, duplicate: 12, hang: 1 };
    for (const k of Object.keys(proxy.counts) as (keyof FaultProxy['counts'])[]) proxy.counts[k] = 0;

    await page.goto(`${proxy.origin}/#/outbox`);
    await page.waitForSelector('text=Send now');
    const started = Date.now();
    let passes = 0;
    while (Date.now() - started < 240_000 && passes < 40) {
      const states = await outboxStates();
      if ((states.queued ?? 0) + (states.sending ?? 0) === 0) break;
      passes++;
      await page.click('text=Send now');
      await page.waitForSelector('.button:not([disabled]):text-is("Send now")', { timeout: 120_000 });
    }
    const states = await outboxStates();
    const stored = (await server.store.all()).slice(before);
    const ids = new Set(stored.map((s) => s.id));
    const counts = {
      ...proxy.counts,
      passes,
      stored: stored.length,
      distinct: ids.size,
      outbox: states,
      seconds: Math.round((Date.now() - started) / 1000),
    };
    console.log(`fault drill (200 submissions): ${JSON.stringify(counts)}`);
    expect(states).toEqual({ delivered: 204 });
    expect(stored.length).toBe(200);
    expect(ids).toEqual(new Set(subs.map((s) => s.id)));
    // Each fault kind actually happened.
    for (const f of ['drop-before', 'error-500', 'reset-after-store', 'duplicate'] as const)
      expect(proxy.counts[f]).toBeGreaterThan(0);
  });
});
