// Shared by `npm run bench` and `npm run drill`: the built app and endpoint on
// loopback, headless Debian Chromium, and figures printed as tables.
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startServer } from '../../src/server/main.ts';
import { type Enroller, configure, enter } from '../e2e/app.ts';
import { type RunningBrowser, launch, newProfile } from '../e2e/browser.ts';

export async function startApp(opts: Partial<Parameters<typeof startServer>[0]> = {}, env = process.env) {
  const server = await startServer({ port: 0, dataDir: mkdtempSync(join(tmpdir(), 'cse-bench-')), ...opts }, env);
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  return { server, origin };
}

/** A browser profile with the app installed (service worker), passcode set and settings saved. */
export async function installedProfile(
  origin: string,
  server: Enroller,
): Promise<{ b: RunningBrowser; page: Page; profile: string }> {
  const profile = newProfile();
  const b = await launch(profile);
  const page = await b.context.newPage();
  await page.goto(origin);
  await enter(page);
  await page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated', null, {
    timeout: 20_000,
  });
  await configure(page, origin, server);
  await page.goto(`${origin}/#/`);
  return { b, page, profile };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)]!;
}

export function table(title: string, rows: (string | number)[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  console.log(`\n${title}`);
  rows.forEach((r, n) => {
    console.log(
      r
        .map((c, i) => (typeof c === 'number' ? String(c).padStart(widths[i]!) : String(c).padEnd(widths[i]!)))
        .join('  '),
    );
    if (n === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  });
}

/** Puts rows straight into the app's IndexedDB store, as the app's own writes would leave them. */
export function putRaw(page: Page, store: string, rows: unknown[]): Promise<void> {
  return page.evaluate(
    ({ store, rows }) =>
      new Promise<void>((ok, fail) => {
        const open = indexedDB.open('cse-screen');
        open.onerror = () => fail(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction(store, 'readwrite');
          for (const r of rows) tx.objectStore(store).put(r);
          tx.oncomplete = () => {
            open.result.close();
            ok();
          };
          tx.onerror = () => fail(tx.error);
        };
      }),
    { store, rows },
  );
}

export function countRaw(page: Page, store: string, state?: string): Promise<number> {
  return page.evaluate(
    ({ store, state }) =>
      new Promise<number>((ok, fail) => {
        const open = indexedDB.open('cse-screen');
        open.onerror = () => fail(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction(store).objectStore(store).getAll();
          all.onsuccess = () => {
            open.result.close();
            ok(state ? all.result.filter((r: { state?: string }) => r.state === state).length : all.result.length);
          };
        };
      }),
    { store, state },
  );
}
