// What the device keeps, and what leaves it. A screening is filled with a
// canary name and canary free text; the browser profile's files are then
// searched for them, every network request is recorded, and the queued
// submission is checked to be JWE that only the endpoint can open.
import { readdirSync, readFileSync, statSync, mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/main.ts';
import { ticks } from '../helpers/answers.ts';
import { chooseSettingAndRegion, configure, enter, fillInstrument } from './app.ts';
import { type RunningBrowser, launch, newProfile } from './browser.ts';

const CANARY_NAME = 'Zephyrine Quabblewick';
const CANARY_TEXT = 'canary-note-7Q4X seen with a man called Orrin Vexley';
const CANARY_REF = 'CANREF-5521';

let server: Awaited<ReturnType<typeof startServer>>;
let origin: string;
let b: RunningBrowser;
const profile = newProfile();
const requests: string[] = [];

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    let st;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) out.push(...filesUnder(p));
    else if (st.isFile()) out.push(p);
  }
  return out;
}

/** Files of the profile containing `needle` as UTF-8 or UTF-16LE (how Chromium stores strings). */
function hits(files: string[], needle: string): string[] {
  const forms = [Buffer.from(needle, 'utf8'), Buffer.from(needle, 'utf16le')];
  return files.filter((f) => {
    const data = readFileSync(f);
    return forms.some((n) => data.includes(n));
  });
}

beforeAll(async () => {
  server = await startServer({ port: 0, dataDir: mkdtempSync(join(tmpdir(), 'cse-sec-')) });
  origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  b = await launch(profile);
  b.context.on('request', (r) => requests.push(r.url()));
});
afterAll(async () => {
  await b?.close();
  server?.close();
});

describe('child data on the device and on the wire', () => {
  it('fills a screening and a draft with canary data, and the queued submission is JWE', async () => {
    const page = await b.context.newPage();
    await page.goto(origin);
    await enter(page);
    await page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated', null, {
      timeout: 30_000,
    });
    await configure(page, origin, server);
    await page.goto(`${origin}/#/settings`);
    expect(await page.textContent('[data-testid=enrolment-state]')).toContain(
      'locked before it is queued, so only the receiving team can open it',
    );

    const id = 'nscb-ae-cse-indicator-checklist';
    await page.goto(`${origin}/#/`);
    await chooseSettingAndRegion(page, 'medical', 'northamptonshire');
    await fillInstrument(page, id, CANARY_REF, {
      ...ticks(id, ['med-cars']),
      'child-name': CANARY_NAME,
      'accompanying-person': CANARY_TEXT,
      age: 14,
    });
    await page.click('text=Finish and see the result');
    await page.waitForSelector('[data-testid=delivery-state][data-state=delivered]', { timeout: 20_000 });

    // And a draft left half-done with the same canaries.
    await page.goto(`${origin}/#/`);
    await page.click(`a[data-instrument="${id}"]`);
    await page.locator('#child-ref').pressSequentially(`${CANARY_REF}-draft`);
    await page.click('form button[type=submit]'); // past the case facts
    await page.fill('#child-name', CANARY_NAME);
    await page.fill('#accompanying-person', CANARY_TEXT);
    await page.waitForSelector('[data-testid=save-status]:text-is("All changes saved")');

    // The outbox row as IndexedDB holds it: a compact JWE, nothing readable.
    const row = await page.evaluate(
      () =>
        new Promise<{ contentType: string; payload: string; keys: string[] }>((ok) => {
          const open = indexedDB.open('cse-screen');
          open.onsuccess = () => {
            const all = open.result.transaction('outbox').objectStore('outbox').getAll();
            all.onsuccess = () => {
              const r = all.result[0];
              open.result.close();
              ok({ contentType: r.contentType, payload: r.payload, keys: Object.keys(r) });
            };
          };
        }),
    );
    expect(row.contentType).toBe('application/jose');
    expect(row.payload).toMatch(/^[\w-]+\.[\w-]*\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(row.payload).not.toContain('Zephyrine');
    // The endpoint decrypted it and stored it, once.
    const stored = await server.store.all();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.body).toMatchObject({
      childRef: CANARY_REF,
      answers: { 'child-name': CANARY_NAME, 'accompanying-person': CANARY_TEXT },
    });
    await page.close();
  });

  it('made no request to any origin but the app and its endpoint', () => {
    const origins = new Set(requests.map((u) => new URL(u).origin));
    console.log(`requests: ${requests.length} to ${[...origins].join(', ')}`);
    expect(requests.length).toBeGreaterThan(5);
    expect([...origins]).toEqual([origin]);
  });

  it('left no canary anywhere in the browser profile on disk', async () => {
    await b.close(); // flush everything to disk
    const files = filesUnder(profile);
    const idb = files.filter((f) => f.includes('IndexedDB'));
    expect(idb.length).toBeGreaterThan(0);
    // Control: what is stored in clear (the instrument id) is found, so the search can see the store.
    expect(hits(idb, 'nscb-ae-cse-indicator-checklist').length).toBeGreaterThan(0);
    const found = Object.fromEntries(
      [CANARY_NAME, 'Orrin Vexley', 'canary-note-7Q4X', CANARY_REF].map((c) => [c, hits(files, c)]),
    );
    console.log(
      `profile scan: ${files.length} files (${idb.length} IndexedDB); canary hits ${JSON.stringify(Object.fromEntries(Object.entries(found).map(([k, v]) => [k, v.length])))}`,
    );
    expect(found).toEqual({ [CANARY_NAME]: [], 'Orrin Vexley': [], 'canary-note-7Q4X': [], [CANARY_REF]: [] });
  });
});
