// Enrolment end to end, as a practitioner meets it: the app used before any
// setup (finishing works, sending waits and says why), enrolled by opening
// the administrator's link, records delivered; then the device revoked: the
// next send shows the withdrawn message and the record stays on the device.
// Finally the browser profile is searched for any credential bytes in clear.
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/main.ts';
import { ticks } from '../helpers/answers.ts';
import { axeViolations, chooseSettingAndRegion, enter, fillInstrument } from './app.ts';
import { type RunningBrowser, launch, newProfile } from './browser.ts';

const ID = 'nscb-ae-cse-indicator-checklist';
let server: Awaited<ReturnType<typeof startServer>>;
let origin: string;
let b: RunningBrowser;
let page: Page;
const profile = newProfile();
const codes: string[] = [];
const pageErrors: string[] = [];
const shots = process.env.CSE_SHOTS_DIR;

beforeAll(async () => {
  server = await startServer({ port: 0, dataDir: mkdtempSync(join(tmpdir(), 'cse-enrol-')) });
  origin = server.origin;
  b = await launch(profile);
  page = await b.context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(origin);
  await enter(page);
});
afterAll(async () => {
  await b?.close();
  await server?.close();
});

async function finish(ref: string) {
  await page.goto(`${origin}/#/`);
  await chooseSettingAndRegion(page, 'medical', 'northamptonshire');
  await fillInstrument(page, ID, ref, { ...ticks(ID, ['med-cars']), age: 14 });
  await page.click('text=Finish and see the result');
  await page.waitForSelector('[data-testid=delivery-state]');
}

async function shoot(name: string) {
  if (!shots) return;
  for (const w of [320, 390, 820]) {
    await page.setViewportSize({ width: w, height: 900 });
    await page.screenshot({ path: join(shots, `${name}-${w}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

describe('enrolment in the browser', () => {
  it('first run: a record is finished with no settings; sending waits and says why, with one tap to Settings', async () => {
    await finish('E0');
    const notice = await page.waitForSelector('[data-testid=send-blocker]');
    expect(await notice.getAttribute('data-blocker')).toBe('not-enrolled');
    expect(await notice.textContent()).toContain('This device is not set up to send yet');
    expect(await axeViolations(page)).toEqual([]);
    await page.click('[data-testid=send-blocker] a:text-is("Go to Settings")');
    await page.waitForSelector('[data-testid=enrolment-state][data-state=not-enrolled]');
    expect(await page.$('#endpoint-token')).toBeNull(); // no token field any more
    expect(await server.store.count()).toBe(0);
  });

  it('enrolled by opening the link: the code leaves the address bar, the held record and a new one are delivered', async () => {
    const { code } = await server.addDevice('Sam Nurse, ED');
    codes.push(code);
    await page.goto(`${origin}/#/enrol?code=${encodeURIComponent(code)}`);
    await page.waitForSelector('button:text-is("Enrol this device")');
    expect(page.url()).not.toContain(code);
    expect(await axeViolations(page)).toEqual([]);
    await shoot('enrol');
    await page.click('button:text-is("Enrol this device")');
    await page.waitForSelector('[data-testid=enrolled]');
    expect(await page.textContent('[data-testid=enrolled]')).toContain('Sam Nurse, ED');
    await shoot('enrolled');
    // No name yet: the record finished before enrolment still waits, and says why.
    await page.goto(`${origin}/#/outbox`);
    await page.waitForSelector('[data-testid=send-blocker][data-blocker=no-name]');
    await page.goto(`${origin}/#/settings`);
    await page.waitForSelector('[data-testid=enrolment-state][data-state=enrolled]');
    await page.locator('#author-name').pressSequentially('Sam Nurse');
    await page.click('form button[type=submit]');
    await page.waitForSelector('text=Settings saved.');
    expect(await axeViolations(page)).toEqual([]);
    await shoot('settings-enrolled');
    await expect.poll(() => server.store.count(), { timeout: 20_000 }).toBe(1);
    await finish('E1');
    await page.waitForSelector('[data-testid=delivery-state][data-state=delivered]', { timeout: 20_000 });
    const stored = await server.store.all();
    expect(stored.map((s) => (s.body as { childRef: string }).childRef).sort()).toEqual(['E0', 'E1']);
    expect(
      stored.every(
        (s) =>
          s.deviceId === stored[0]!.deviceId && (s.body as { author: { name: string } }).author.name === 'Sam Nurse',
      ),
    ).toBe(true);
    // Sealed on the device before sending (the record finished before enrolment too).
    const types = await page.evaluate(
      () =>
        new Promise<string[]>((ok) => {
          const open = indexedDB.open('cse-screen');
          open.onsuccess = () => {
            const all = open.result.transaction('outbox').objectStore('outbox').getAll();
            all.onsuccess = () => ok((all.result as { contentType: string }[]).map((r) => r.contentType));
          };
        }),
    );
    expect(types).toEqual(['application/jose', 'application/jose']);
  });

  it('revoked: the next send shows the withdrawn message and the record stays on the device', async () => {
    const [device] = await server.store.devices();
    expect(await server.store.revoke(device!.id)).toBe(true);
    await finish('E2');
    await page.waitForSelector('[data-testid=delivery-state][data-state=withdrawn]', { timeout: 20_000 });
    const notice = await page.waitForSelector('[data-testid=send-blocker][data-blocker=withdrawn]');
    expect(await notice.textContent()).toContain("This device's access was withdrawn; ask your administrator.");
    expect(await axeViolations(page)).toEqual([]);
    await shoot('withdrawn-result');
    await page.goto(`${origin}/#/outbox`);
    await page.waitForSelector('[data-testid=outbox-table]');
    expect(
      await page.$$eval('[data-testid=delivery-state]', (els) => els.map((e) => e.getAttribute('data-state'))),
    ).toEqual(['withdrawn', 'delivered', 'delivered']);
    expect(await page.textContent('[data-testid=send-blocker]')).toContain(
      "This device's access was withdrawn; ask your administrator.",
    );
    expect(await page.textContent('[data-testid=outbox-badge]')).toContain('1');
    await shoot('withdrawn-outbox');
    expect(await server.store.count()).toBe(2);
    // "Send now" sends nothing while withdrawn.
    await page.click('text=Send now');
    await page.waitForSelector('.button:not([disabled]):text-is("Send now")');
    expect(await server.store.count()).toBe(2);
    // A new link from the administrator: enrolled again, the kept record goes.
    const { code } = await server.addDevice('Sam Nurse, ED (new link)');
    codes.push(code);
    await page.goto(`${origin}/#/enrol?code=${encodeURIComponent(code)}`);
    await page.click('button:text-is("Enrol this device")');
    await page.waitForSelector('[data-testid=enrolled]');
    await expect.poll(() => server.store.count(), { timeout: 20_000 }).toBe(3);
    expect(pageErrors).toEqual([]);
  });

  it('the browser profile holds no credential in clear: no enrolment code, no admin token, no private JWK', async () => {
    await b.close();
    const files: string[] = [];
    const walk = (d: string) => {
      for (const f of readdirSync(d)) {
        const p = join(d, f);
        let st;
        try {
          st = statSync(p);
        } catch {
          continue;
        }
        if (st.isDirectory()) walk(p);
        else if (st.isFile()) files.push(p);
      }
    };
    walk(profile);
    const hits = (needle: string) =>
      files
        .filter((f) => {
          // Chromium removes its temporary files as it goes: one listed by the walk may be gone already.
          let data: Buffer;
          try {
            data = readFileSync(f);
          } catch {
            return false;
          }
          return data.includes(Buffer.from(needle, 'utf8')) || data.includes(Buffer.from(needle, 'utf16le'));
        })
        .map((f) => f.slice(profile.length));
    const idb = files.filter((f) => f.includes('IndexedDB'));
    expect(idb.length).toBeGreaterThan(0);
    // Control: the device's name, stored in clear on purpose, is found, so the search sees the store.
    expect(hits('Sam Nurse, ED (new link)').length).toBeGreaterThan(0);
    const found = {
      adminToken: hits(server.adminToken),
      privateJwk: hits('"d":"'),
      bearer: hits('Bearer '),
      appStoreCodes: codes.flatMap(hits).filter((f) => /IndexedDB|Local Storage|Session Storage/.test(f)),
    };
    // The browser's own history keeps the link it opened (camera → browser → URL with the fragment):
    // the app cannot erase that, so every code must be spent, refused if anyone tries it again.
    const inHistory = codes.filter((c) => hits(c).length > 0);
    console.log(
      `profile scan: ${files.length} files; ${JSON.stringify(found)}; spent codes in the browser's history: ${inHistory.length}`,
    );
    expect(found).toEqual({ adminToken: [], privateJwk: [], bearer: [], appStoreCodes: [] });
    for (const code of inHistory) {
      const res = await fetch(`${origin}/api/enrol`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ code }),
      });
      expect(res.status).toBe(401); // no proof: refused before the code is even looked at
      const { enrolDevice } = await import('../helpers/device.ts');
      expect((await enrolDevice(origin, code)).body).toMatchObject({
        error: { code: expect.stringMatching(/code-used|code-revoked|code-unknown/) },
      });
    }
  });
});
