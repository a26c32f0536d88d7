// A lost or damaged device, attacked as a red team would in a real Chromium
// profile: the passcode throttle survives localStorage.clear(); ten wrong
// passcodes erase records and drafts while a sealed submission is still
// delivered; a PBKDF2 vault is upgraded to Argon2id; damaged rows are named
// and never blank a screen; a change made while storage is full survives every
// link; and a heap snapshot after Lock holds no child data. Passcodes and
// fields are typed key by key, as a practitioner would.
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealJson } from '../../src/crypto/cipher.ts';
import { createPbkdf2Vault } from '../../src/crypto/vault.ts';
import { startServer } from '../../src/server/main.ts';
import { ticks } from '../helpers/answers.ts';
import { countRaw, putRaw } from '../bench/harness.ts';
import { axeViolations, chooseSettingAndRegion, enrolByLink, fillInstrument } from './app.ts';
import { type RunningBrowser, launch, setOffline } from './browser.ts';

const PASS = 'amber kettle river';
const AE = 'nscb-ae-cse-indicator-checklist';

let server: Awaited<ReturnType<typeof startServer>>;
let origin: string;
let b: RunningBrowser;

beforeAll(async () => {
  server = await startServer({ port: 0, dataDir: mkdtempSync(join(tmpdir(), 'cse-device-')) });
  origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  b = await launch();
});
afterAll(async () => {
  await b?.close();
  server?.close();
});

/** A fresh origin state for each journey: a new page after clearing everything the app stores. */
async function freshPage(): Promise<Page> {
  // Nothing of an earlier journey may survive into this one. Clearing from inside a page raced the app
  // itself (the service worker answers any navigation with the app, which could write the vault back
  // after the page's own delete), so the next journey met "Unlock". The browser clears the origin
  // instead, with every page of the earlier journey closed: IndexedDB, localStorage, the service worker.
  for (const p of b.context.pages()) await p.close();
  const page = await b.context.newPage();
  page.on('pageerror', (e) => console.log(`page error: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && console.log(`console error: ${m.text()}`));
  const cdp = await b.context.newCDPSession(page);
  await cdp.send('Storage.clearDataForOrigin', { origin, storageTypes: 'all' });
  await cdp.detach();
  await page.goto(origin);
  return page;
}

async function type(page: Page, selector: string, text: string) {
  await page.locator(selector).click();
  await page.locator(selector).pressSequentially(text);
}

async function setUp(page: Page, passcode = PASS) {
  await page.waitForSelector('h1:text-is("Set a passcode")').catch(async (e) => {
    // What the page shows instead, to tell a stale database from a page that never drew.
    console.log(
      'set-up not shown:',
      page.url(),
      JSON.stringify(await page.textContent('body').catch(() => null)),
      await page.evaluate(() => document.visibilityState).catch(() => null),
    );
    throw e;
  });
  await type(page, '#passcode', passcode);
  await type(page, '#passcode-confirm', passcode);
  await page.click('form button[type=submit]');
}

/** Tries a passcode and waits for its answer: the app opened (or erased), or the field emptied for another try. */
async function tryPasscode(page: Page, passcode: string) {
  await page.waitForSelector('#unlock-passcode');
  await type(page, '#unlock-passcode', passcode);
  await page.click('form button[type=submit]');
  await page.waitForFunction(
    () =>
      document.querySelector('main h1')?.textContent !== 'Unlock' ||
      ((document.querySelector('#unlock-passcode') as HTMLInputElement | null)?.value === '' &&
        document.querySelector('form button[type=submit]')?.textContent === 'Unlock'),
    null,
    { timeout: 30_000 },
  );
}

async function lock(page: Page) {
  await page.click('button.nav-button:text-is("Lock")');
  await page.waitForSelector('h1:text-is("Unlock")');
}

/** The wait after a wrong passcode elapses (the vault's record of the last failure moved back in time). */
async function passTime(page: Page) {
  await page.evaluate(
    () =>
      new Promise((ok) => {
        const o = indexedDB.open('cse-screen-vault');
        o.onsuccess = () => {
          const tx = o.result.transaction('vault', 'readwrite');
          const st = tx.objectStore('vault');
          const g = st.get('attempts');
          g.onsuccess = () => st.put({ ...g.result, lastAt: 0 }, 'attempts');
          tx.oncomplete = () => {
            o.result.close();
            ok(null);
          };
        };
      }),
  );
}

/** Settings typed key by key: who is submitting, and the endpoint (whose key seals submissions). */
async function configureTyped(page: Page) {
  await page.goto(`${origin}/#/settings`);
  await page.waitForSelector('#author-name');
  await type(page, '#author-name', 'Sam Nurse');
  await type(page, '#author-role', 'School nurse');
  await type(page, '#author-org', 'Test NHS Trust');
  await type(page, '#author-contact', '01234 567890');
  await page.click('form button[type=submit]');
  await page.waitForSelector('[data-testid=settings-saved]');
  await enrolByLink(page, origin, server); // the endpoint is set by enrolment, not typed
}

async function startDraft(page: Page, childRef: string): Promise<string> {
  await page.goto(`${origin}/#/`);
  await chooseSettingAndRegion(page, 'medical', 'northamptonshire');
  await page.click(`a[data-instrument="${AE}"]`);
  await type(page, '#child-ref', childRef);
  await waitSaved(page);
  // The case facts come first; the tool's own first page is next.
  await page.click('form button[type=submit]');
  await page.waitForSelector('#accompanying-person');
  await waitSaved(page);
  return page.url().match(/record\/([^/]+)/)![1]!;
}

async function waitSaved(page: Page) {
  await page.waitForSelector('[data-testid=save-status]:text-is("All changes saved")', { timeout: 30_000 });
}

function vaultHeader(page: Page) {
  return page.evaluate(() => JSON.parse(localStorage.getItem('cse-screen.vault') ?? 'null') as { kdf: string } | null);
}

describe('the passcode throttle lives with the vault', () => {
  it('refuses 123456 at set-up and suggests a passphrase', async () => {
    const page = await freshPage();
    await page.waitForSelector('h1:text-is("Set a passcode")');
    expect(await page.textContent('#passcode-hint')).toMatch(/passphrase/);
    await setUp(page, '123456');
    await page.waitForSelector('.error-summary');
    expect(await page.textContent('.error-summary')).toMatch(/digits in order/);
    expect(await vaultHeader(page)).toBeNull();
    expect(await axeViolations(page)).toEqual([]);
    await page.locator('#passcode').fill('');
    await page.locator('#passcode-confirm').fill('');
    await setUp(page, PASS);
    await page.waitForSelector('h1:text-is("Screen a child")');
    expect((await vaultHeader(page))?.kdf).toBe('Argon2id');
    await page.close();
  });

  it('three wrong passcodes, localStorage.clear(), reload: still throttled', async () => {
    const page = await freshPage();
    await setUp(page);
    await page.waitForSelector('h1:text-is("Screen a child")');
    await lock(page);
    for (let i = 0; i < 3; i++) await tryPasscode(page, `wrong-${i}-passcode`);
    expect(await page.textContent('.error-summary')).toMatch(/3 wrong in a row\)\. Wait 30 seconds/);
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await page.waitForSelector('.error-summary');
    expect(await page.textContent('.error-summary')).toMatch(/3 wrong passcodes in a row\. Wait \d+ seconds/);
    // Even the right passcode waits its turn.
    await tryPasscode(page, PASS);
    expect(await page.textContent('h1')).toBe('Unlock');
    expect(await page.textContent('.error-summary')).toMatch(/Wait \d+ seconds/);
    await passTime(page);
    await page.locator('#unlock-passcode').fill('');
    await tryPasscode(page, PASS);
    await page.waitForSelector('h1:text-is("Screen a child")');
    await page.close();
  });
});

describe('erase after ten wrong passcodes', () => {
  it('warns before the last tries with the drafts at stake, erases records, drafts and vault, and the sealed submission still arrives', async () => {
    const page = await freshPage();
    await setUp(page);
    await page.waitForSelector('h1:text-is("Screen a child")');
    // Installed (service worker controlling), so the app still loads with the network cut.
    await page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated', null, {
      timeout: 20_000,
    });
    await configureTyped(page);
    await page.goto(`${origin}/#/settings`);
    expect(await page.textContent('[data-testid=enrolment-state][data-state=enrolled]')).toContain(
      'locked before it is queued, so only the receiving team can open it',
    );
    const before = await server.store.count();

    // A finished screening queued while the endpoint cannot be reached, and a draft.
    await setOffline(b.context, page, true);
    await page.goto(`${origin}/#/`);
    await chooseSettingAndRegion(page, 'medical', 'northamptonshire');
    await fillInstrument(page, AE, 'ERASE-SENT-1', { ...ticks(AE, ['med-cars']), age: 14 });
    await page.click('text=Finish and see the result');
    await page.waitForSelector('h1:text-is("Result")');
    await startDraft(page, 'ERASE-DRAFT-1');
    await type(page, '#accompanying-person', 'draft text that will go');
    await waitSaved(page);
    expect(await countRaw(page, 'outbox', 'queued')).toBe(1);
    await lock(page);

    for (let i = 1; i <= 9; i++) {
      await tryPasscode(page, `not-it-${i}`);
      await page.waitForSelector(`.error-summary:has-text("${i} wrong")`);
      // The warning is drawn with the error; what would be lost follows once counted.
      if (i < 5) expect(await page.locator('[data-testid=erase-warning]').count()).toBe(0);
      else {
        await page.waitForSelector('[data-testid=erase-warning]:has-text("1 unfinished draft would be lost")');
        const warning = await page.textContent('[data-testid=erase-warning]');
        expect(warning).toContain(`${10 - i} ${10 - i === 1 ? 'try' : 'tries'} left`);
        expect(warning).toContain('1 unfinished draft would be lost');
      }
      if (i === 9) expect(await axeViolations(page)).toEqual([]);
      await passTime(page);
    }
    await tryPasscode(page, 'not-it-10');
    await page.waitForSelector('h1:text-is("Set a passcode")');
    expect(await page.textContent('[data-testid=erased-notice]')).toMatch(/1 unfinished draft lost/);
    expect(await vaultHeader(page)).toBeNull();
    expect(await countRaw(page, 'records')).toBe(0);
    const outbox = await page.evaluate(
      () =>
        new Promise<{ contentType: string }[]>((ok) => {
          const o = indexedDB.open('cse-screen');
          o.onsuccess = () => {
            const r = o.result.transaction('outbox').objectStore('outbox').getAll();
            r.onsuccess = () => {
              o.result.close();
              ok(r.result);
            };
          };
        }),
    );
    expect(outbox.map((o) => o.contentType)).toEqual(['application/jose']);

    // Back online: the sealed submission reaches the endpoint (by the service worker, or the app once set up again).
    await setOffline(b.context, page, false);
    await setUp(page, 'new owner passphrase');
    await page.waitForSelector('.nav-button:text-is("Lock")');
    await expect.poll(() => server.store.count(), { timeout: 30_000 }).toBeGreaterThan(before);
    const stored = await server.store.list();
    expect(stored.map((s) => (s.body as { childRef: string }).childRef)).toContain('ERASE-SENT-1');
    await page.close();
  });
});

describe('a PBKDF2 vault from the current release', () => {
  it('unlocks after the upgrade with its records, and is Argon2id from then on', async () => {
    const page = await freshPage();
    await setUp(page, 'first passcode here');
    await page.waitForSelector('h1:text-is("Screen a child")');
    await lock(page);
    // What the current release leaves on a device: a PBKDF2-SHA-256 header (600,000 iterations) and records sealed with its data key.
    const { header, key } = await createPbkdf2Vault('old release passcode');
    const id = crypto.randomUUID();
    const now = Date.now();
    const clear = {
      id,
      instrumentId: AE,
      instrumentVersion: '1.0.0',
      state: 'draft',
      createdAt: now,
      updatedAt: now,
      section: 0,
    };
    await putRaw(page, 'records', [
      { ...clear, _enc: sealJson(key, `records:${id}`, { childRef: 'PBKDF2-CHILD', answers: { age: 15 } }) },
    ]);
    await page.evaluate((text) => {
      localStorage.setItem('cse-screen.vault', text);
      return new Promise((ok) => {
        const o = indexedDB.open('cse-screen-vault');
        o.onsuccess = () => {
          const tx = o.result.transaction('vault', 'readwrite');
          tx.objectStore('vault').put(text, 'header');
          tx.oncomplete = () => (o.result.close(), ok(null));
        };
      });
    }, JSON.stringify(header));
    await page.reload();
    expect((await vaultHeader(page))?.kdf).toBe('PBKDF2-SHA-256');
    await tryPasscode(page, 'old release passcode');
    await page.waitForSelector('[data-testid=recent]');
    expect(await page.textContent('[data-testid=recent]')).toContain('PBKDF2-CHILD');
    expect((await vaultHeader(page))?.kdf).toBe('Argon2id');
    await lock(page);
    await tryPasscode(page, 'old release passcode');
    await page.waitForSelector('[data-testid=recent]:has-text("PBKDF2-CHILD")');
    await page.close();
  });
});

/** Flips the first character of a row's ciphertext, below the app (a disk fault, or a tamperer). */
function corrupt(page: Page, store: string, id: string) {
  return page.evaluate(
    ({ store, id }) =>
      new Promise((ok) => {
        const o = indexedDB.open('cse-screen');
        o.onsuccess = () => {
          const tx = o.result.transaction(store, 'readwrite');
          const st = tx.objectStore(store);
          const g = st.get(id);
          g.onsuccess = () => {
            const row = g.result;
            row._enc.ct = (row._enc.ct[0] === 'A' ? 'B' : 'A') + row._enc.ct.slice(1);
            st.put(row);
          };
          tx.oncomplete = () => (o.result.close(), ok(null));
        };
      }),
    { store, id },
  );
}

describe('damaged records are survived and named', () => {
  it('draft, finished record, outbox payload, unknown outbox state, vault header: the app stays usable and the others open', async () => {
    const page = await freshPage();
    await setUp(page);
    await page.waitForSelector('h1:text-is("Screen a child")');
    await configureTyped(page);
    const goodDraft = await startDraft(page, 'GOOD-DRAFT');
    await type(page, '#accompanying-person', 'kept');
    await waitSaved(page);
    const badDraft = await startDraft(page, 'BAD-DRAFT');
    await waitSaved(page);
    await page.goto(`${origin}/#/`);
    await fillInstrument(page, AE, 'GOOD-FINAL', { ...ticks(AE, []), age: 14 });
    await page.click('text=Finish and see the result');
    await page.waitForSelector('h1:text-is("Result")');
    await page.goto(`${origin}/#/`);
    await fillInstrument(page, AE, 'BAD-FINAL', { ...ticks(AE, []), age: 15 });
    await page.click('text=Finish and see the result');
    await page.waitForSelector('h1:text-is("Result")');
    const badFinal = page.url().match(/record\/([^/]+)/)![1]!;
    await lock(page);

    await corrupt(page, 'records', badDraft);
    await corrupt(page, 'records', badFinal);
    const base = {
      contentType: 'application/jose',
      attempts: 0,
      nextAttemptAt: Date.now() + 3_600_000,
      recordId: goodDraft,
    };
    await putRaw(page, 'outbox', [
      { ...base, id: 'payload-not-text', state: 'queued', payload: 12345, createdAt: Date.now() + 1 },
      { ...base, id: 'unknown-state', state: 'frozen', payload: 'a.b.c.d.e', createdAt: Date.now() + 2 },
    ]);
    await page.goto(`${origin}/#/`);
    await page.reload();
    await tryPasscode(page, PASS);

    // Home: damaged ones named for what they were, the others as usual.
    await page.waitForSelector('[data-testid=recent]').catch(async (e) => {
      console.log('main:', await page.textContent('main'), page.url());
      throw e;
    });
    const recent = await page.textContent('[data-testid=recent]');
    expect(recent).toContain('GOOD-DRAFT');
    expect(recent).toContain('GOOD-FINAL');
    expect(await page.locator('[data-testid=recent] a[data-damaged=true]').count()).toBe(2);
    expect(recent).toMatch(/Damaged: .*\(draft\)/);
    expect(recent).toMatch(/Damaged: .*\(finished\)/);
    expect(await axeViolations(page)).toEqual([]);

    // The damaged draft's own page names the damage; export gives the stored form, nothing decrypted.
    await page.evaluate(() => {
      const w = window as unknown as { __exports: Blob[] };
      w.__exports = [];
      const orig = URL.createObjectURL.bind(URL);
      URL.createObjectURL = (o: Blob | MediaSource) => (w.__exports.push(o as Blob), orig(o));
    });
    await page.goto(`${origin}/#/record/${badDraft}`);
    await page.waitForSelector('[data-testid=damaged-record]');
    expect(await page.textContent('[data-testid=damaged-record]')).toMatch(/integrity check/);
    expect(await axeViolations(page)).toEqual([]);
    await page.click('[data-testid=export-damaged]');
    await page.waitForFunction(() => (window as unknown as { __exports: Blob[] }).__exports.length > 0);
    const exported = await page.evaluate(() => (window as unknown as { __exports: Blob[] }).__exports[0]!.text());
    expect(JSON.parse(exported)).toMatchObject({
      table: 'records',
      id: badDraft,
      stored: { id: badDraft, state: 'draft' },
    });
    expect(exported).not.toContain('BAD-DRAFT');
    // The damaged finished record: named, not "continue it".
    await page.goto(`${origin}/#/record/${badFinal}`);
    await page.waitForSelector('[data-testid=damaged-record]');
    expect(await page.textContent('main')).not.toContain('Continue it');
    // The good ones still open.
    await page.goto(`${origin}/#/record/${goodDraft}`);
    await page.waitForSelector('#accompanying-person');
    expect(await page.inputValue('#accompanying-person')).toBe('kept');

    // Outbox: the unsendable row as failed with its reason, the unknown state named.
    await page.goto(`${origin}/#/outbox`);
    await page.waitForSelector('[data-testid=outbox-table]');
    const damagedRow = page.locator('tr[data-outbox-id=payload-not-text]');
    expect(await damagedRow.textContent()).toMatch(/Failed: cannot be sent.*payload is not text/);
    expect(await page.locator('tr[data-outbox-id=unknown-state]').textContent()).toContain('Unknown state “frozen”');
    expect(await page.locator('[data-testid=delivery-state][data-state=delivered]').count()).toBe(2);
    expect(await axeViolations(page)).toEqual([]);
    // Send now names it, never "0 still waiting" over a row that cannot go.
    await page.click('button:text-is("Send now")');
    await page.waitForSelector('p[role=status]:has-text("delivered")');
    expect(await page.textContent('p[role=status]')).toMatch(/1 damaged on this device and cannot be sent/);
    await damagedRow.locator('[data-testid=delete-damaged]').click();
    await damagedRow.locator('[data-testid=confirm-delete-damaged]').click();
    await page.waitForSelector('tr[data-outbox-id=payload-not-text]', { state: 'detached' });

    // Delete the damaged draft after its confirm; the rest stay.
    await page.goto(`${origin}/#/record/${badDraft}`);
    await page.click('[data-testid=delete-damaged]');
    await page.click('[data-testid=confirm-delete-damaged]');
    await page.waitForSelector('h1:text-is("Screen a child")');
    // The list is drawn at once from one read: once it shows a record, its count is final.
    await page.waitForSelector('[data-testid=recent] li:has-text("GOOD-DRAFT")');
    expect(await page.locator('[data-testid=recent] li').count()).toBe(3);

    // A garbage vault header: a clear message and the way out.
    await lock(page);
    await page.evaluate(() => localStorage.setItem('cse-screen.vault', '{"v":2,"kdf":"Argon2id","salt":'));
    await page.reload();
    await page.waitForSelector('h1:text-is("The passcode record on this device is damaged")');
    expect(await axeViolations(page)).toEqual([]);
    await page.click('[data-testid=restore-header]');
    await tryPasscode(page, PASS);
    await page.waitForSelector('[data-testid=recent]:has-text("GOOD-DRAFT")');
    await page.close();
  });
});

describe('storage full never loses a change', () => {
  it('a change made while full survives a tap on every link and is written once space is freed', async () => {
    // Its own origin, with its quota lowered through the DevTools protocol before the origin first
    // stores anything (Chromium reads an origin's quota when its storage opens).
    const own = await startServer({ port: 0, dataDir: mkdtempSync(join(tmpdir(), 'cse-full-')) });
    const fullOrigin = `http://localhost:${(own.address() as AddressInfo).port}`;
    const page = await b.context.newPage();
    const cdp = await b.context.newCDPSession(page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: fullOrigin, quotaSize: 4 * 1024 * 1024 });
    await page.goto(fullOrigin);
    await setUp(page);
    await page.waitForSelector('h1:text-is("Screen a child")');
    await page.goto(`${fullOrigin}/#/`);
    await chooseSettingAndRegion(page, 'medical', 'northamptonshire');
    await page.click(`a[data-instrument="${AE}"]`);
    await type(page, '#child-ref', 'FULL-1');
    await waitSaved(page);
    await page.click('form button[type=submit]'); // past the case facts
    await page.waitForSelector('#accompanying-person');
    await waitSaved(page);
    const id = page.url().match(/record\/([^/]+)/)![1]!;
    await type(page, '#accompanying-person', 'before full');
    await waitSaved(page);
    // Fill the rest of the origin's quota, as photos and other apps fill a phone.
    const filled = await page.evaluate(
      () =>
        new Promise<number>((ok) => {
          const o = indexedDB.open('filler', 1);
          o.onupgradeneeded = () => o.result.createObjectStore('f');
          o.onsuccess = () => {
            // Large pieces first, then smaller ones, until not even 64 bytes fit: a draft's few
            // hundred bytes would otherwise still squeeze into the last large piece's gap.
            const sizes = [64 * 1024, 4096, 512, 64];
            let n = 0;
            const more = () => {
              const size = sizes[0]!;
              const tx = o.result.transaction('f', 'readwrite');
              tx.objectStore('f').put(
                new Uint8Array(size).map(() => Math.random() * 256),
                n,
              );
              tx.oncomplete = () => (n++, more());
              tx.onabort = () => {
                sizes.shift();
                if (sizes.length) more();
                else {
                  o.result.close();
                  ok(n);
                }
              };
            };
            more();
          };
        }),
    );
    expect(filled).toBeGreaterThan(0);
    await type(page, '#accompanying-person', ', typed while full');
    await page
      .waitForSelector('[data-testid=save-status]:text-is("Not saved yet")', { timeout: 30_000 })
      .catch(async (e) => {
        console.log(
          'the full origin took the change: filler pieces',
          filled,
          await page.textContent('[data-testid=save-status]'),
          await page.textContent('header'),
          await page.evaluate(() => navigator.storage.estimate()),
        );
        throw e;
      });
    expect(await page.textContent('.status-message')).toMatch(/storage is full/);
    const url = page.url();
    const links = await page.$$eval('header a[href^="#"], main a[href^="#/"]', (as) =>
      as.map((a) => a.getAttribute('href')!),
    );
    expect(links).toEqual(expect.arrayContaining(['#/', '#/outbox', '#/settings']));
    for (const href of links) {
      await page.click(`a[href="${href}"] >> nth=0`);
      await page.waitForSelector('[data-testid=leave-guard]', { timeout: 30_000 }).catch(async (e) => {
        console.log(
          'link',
          href,
          page.url(),
          await page.textContent('main'),
          await page.textContent('[data-testid=save-status]'),
        );
        throw e;
      });
      expect(page.url()).toBe(url);
      expect(await page.inputValue('#accompanying-person')).toBe('before full, typed while full');
      await page.click('[data-testid=leave-guard-stay]');
    }
    // The browser's Back is held too (past the entries the held taps left behind). Each Back is waited
    // for by its popstate; one that lands on another address must bring the prompt (the app then puts
    // the address back), one that lands on the same address changes nothing.
    await page.evaluate(() => {
      const w = window as unknown as { __pops: string[] };
      w.__pops = [];
      addEventListener('popstate', () => w.__pops.push(location.hash));
    });
    let heldBack = false;
    for (let i = 0; i <= links.length + 1 && !heldBack; i++) {
      const before = await page.evaluate(() => ({
        pops: (window as unknown as { __pops: string[] }).__pops.length,
        hash: location.hash,
      }));
      await page.goBack({ waitUntil: 'commit' }).catch(() => {});
      const landed = await page.waitForFunction(
        (n) => {
          const pops = (window as unknown as { __pops: string[] }).__pops;
          return pops.length > n && pops[pops.length - 1];
        },
        before.pops,
        { timeout: 30_000 },
      );
      if ((await landed.jsonValue()) !== before.hash) {
        await page.waitForSelector('[data-testid=leave-guard]', { timeout: 30_000 });
        heldBack = true;
      }
      expect(await page.inputValue('#accompanying-person')).toBe('before full, typed while full');
    }
    expect(heldBack).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    for (const w of [320, 390, 820]) {
      await page.setViewportSize({ width: w, height: 844 });
      await page.screenshot({ path: join(tmpdir(), `device-leave-guard-${w}.png`), fullPage: true });
    }
    // Space freed: the app's retry writes the change, and nothing is held any more.
    await page.evaluate(() => new Promise((ok) => (indexedDB.deleteDatabase('filler').onsuccess = () => ok(null))));
    await waitSaved(page);
    await page.waitForSelector('[data-testid=leave-guard]', { state: 'detached' });
    await lock(page);
    await tryPasscode(page, PASS);
    // Unlocked and drawn (the app's own Lock button is back) before the address changes: under full CPU
    // load the record's address once arrived while the app was still opening, and its page never came.
    await page.waitForSelector('button.nav-button:text-is("Lock")');
    await page.goto(`${fullOrigin}/#/record/${id}`);
    await page.waitForSelector('#accompanying-person');
    expect(await page.inputValue('#accompanying-person')).toBe('before full, typed while full');
    await page.close();
    own.close();
  });
});

describe('Lock clears memory', () => {
  const CANARY = 'Quillon Marchbanks-7731';
  const CANARY_NOTE = 'canary-heap-note-Z9';

  async function heapHas(page: Page, needles: string[]): Promise<Record<string, boolean>> {
    const cdp = await b.context.newCDPSession(page);
    await cdp.send('HeapProfiler.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    const chunks: string[] = [];
    cdp.on('HeapProfiler.addHeapSnapshotChunk', (e) => chunks.push(e.chunk));
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    await cdp.detach();
    const snap = chunks.join('');
    return Object.fromEntries(needles.map((n) => [n, snap.includes(n)]));
  }

  it('a heap snapshot after Lock holds no canary child data (and one before Lock does)', async () => {
    const page = await freshPage();
    await setUp(page);
    await page.waitForSelector('h1:text-is("Screen a child")');
    await startDraft(page, CANARY);
    await type(page, '#accompanying-person', CANARY_NOTE);
    await waitSaved(page);
    await page.goto(`${origin}/#/`);
    await page.waitForSelector(`[data-testid=recent]:has-text("${CANARY}")`);
    // Control: while unlocked, the snapshot search finds the child's reference.
    expect(await heapHas(page, [CANARY])).toEqual({ [CANARY]: true });
    await lock(page);
    expect(await heapHas(page, [CANARY, CANARY_NOTE])).toEqual({ [CANARY]: false, [CANARY_NOTE]: false });
    await page.close();
  });
});
