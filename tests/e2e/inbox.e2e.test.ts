// The MASH inbox end to end, in headless Chromium against the built inbox and
// the reference endpoint, typing key by key: an admin (made with the CLI) sets
// a password and enrols a second factor (the key shown on the page, put in an
// "authenticator app": otplib here, whose codes are typed at every sign-in)
// and adds a reviewer in the inbox; the reviewer does the same, signs in, sees three referrals sent through the device API with the most
// serious first, opens one (audited), marks it in review then actioned with
// notes (it leaves the queue for the Actioned view), exports CSV and FHIR; a reviewer limited to another area team gets
// 403 on it, and the attempt is audited. axe on every inbox screen.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/main.ts';
import { enrolledDevice, gmReferral, nextCode, rememberSecret, send } from '../helpers/inbox.ts';
import { axeViolations } from './app.ts';
import { type RunningBrowser, launch } from './browser.ts';

let server: Awaited<ReturnType<typeof startServer>>;
let origin: string;
let dataDir: string;
let b: RunningBrowser;
let page: Page;
const pageErrors: string[] = [];
const shots = process.env.CSE_SHOTS ?? join(tmpdir(), 'cse-inbox-shots');
// Totals by 000 L1661: 53 High (41 – 60), 35 Medium (21 – 40), 14 Lower (10 – 20). Sent by a device enrolled
// for Bolton: a screening goes to its device's area.
const high = gmReferral(45, 8, { childRef: 'BOL-HIGH' });
const mediumHonest = gmReferral(30, 5, { childRef: 'BOL-MED' });
// This device claims Lower (10 – 20) for answers that total 35: the server's Medium stands, the disagreement in red.
const medium = {
  ...mediumHonest,
  result: { ...mediumHonest.result, level: 'Lower (10 – 20)', severity: 1, total: 14, bands: ['Lower (10 – 20)'] },
};
const lower = gmReferral(12, 2, { childRef: 'BOL-LOW' });
const PASSWORDS = {
  admin: 'admin pass phrase one',
  reviewer: 'reviewer pass phrase two',
  wigan: 'wigan pass phrase three',
};

function cli(...args: string[]): string {
  return execFileSync('npx', ['tsx', 'src/admin/main.ts', 'user', ...args], {
    env: { ...process.env, CSE_DATA_DIR: dataDir, CSE_PUBLIC_URL: origin },
    encoding: 'utf8',
  });
}
const linkIn = (text: string) => /https?:\/\/\S+\/inbox\/#\/set-password\/[\w-]+/.exec(text)![0];

async function type(selector: string, text: string) {
  await page.click(selector);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.locator(selector).pressSequentially(text);
}

async function axe(name: string) {
  expect(await axeViolations(page), name).toEqual([]);
}

async function shoot(name: string) {
  for (const w of [320, 390, 820]) {
    await page.setViewportSize({ width: w, height: 900 });
    await page.screenshot({ path: join(shots, `${name}-${w}.png`), fullPage: true });
    // Nothing wider than the screen: no sideways scrolling at 320px.
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    const culprits =
      wide > 0
        ? await page.evaluate(() =>
            [...document.querySelectorAll('body *')]
              .filter(
                (e) =>
                  !e.parentElement?.closest('.table-scroll') &&
                  e.getBoundingClientRect().right > document.documentElement.clientWidth + 1,
              )
              .slice(0, 5)
              .map(
                (e) =>
                  `${e.tagName}.${e.className}:${Math.round(e.getBoundingClientRect().right)}:${getComputedStyle(e).overflowX}`,
              ),
          )
        : [];
    expect(wide, `${name} at ${w}px scrolls sideways: ${culprits.join(', ')}`).toBeLessThanOrEqual(0);
  }
  await page.setViewportSize({ width: 1024, height: 900 });
}

async function setPassword(link: string, password: string) {
  await page.goto(link);
  await page.waitForSelector('h1:text-is("Set your password")');
  // The second factor: a QR code and the key as text, which the "app" takes.
  const secret = (await page.waitForSelector('[data-testid=totp-secret]').then((e) => e.textContent()))!;
  expect(await page.locator('.second-factor img[alt^="QR code"]').count()).toBe(1);
  const email = /For the account (\S+)\. /.exec((await page.textContent('body')) ?? '')![1]!;
  rememberSecret(email, secret);
  await axe('set password');
  await type('#new-password', password);
  await type('#confirm-password', password);
  await type('#totp-code', await nextCode(email));
  await page.click('form button[type=submit]');
  await page.waitForSelector('h1:text-is("Your password is set")');
  // The ten recovery codes, shown this once.
  expect(await page.locator('[data-testid=recovery-codes] li code').count()).toBe(10);
  await axe('password set, recovery codes');
}

async function signIn(email: string, password: string) {
  await page.goto(`${origin}/inbox/`);
  await page.waitForSelector('h1:text-is("Sign in to the CSE inbox")');
  await type('#email', email);
  await type('#password', password);
  await type('#code', await nextCode(email));
  await page.click('form button[type=submit]');
  await page.waitForSelector('h1:text-is("Referrals")');
}

async function signOut() {
  await page.click('button:text-is("Sign out")');
  await page.waitForSelector('h1:text-is("Sign in to the CSE inbox")');
}

beforeAll(async () => {
  dataDir = join(mkdtempSync(join(tmpdir(), 'cse-inbox-e2e-')), 'data');
  mkdirSync(shots, { recursive: true });
  server = await startServer({ port: 0, dataDir });
  origin = `http://localhost:${server.address().port}`;
  b = await launch();
  page = await b.context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.setViewportSize({ width: 1024, height: 900 });
});
afterAll(async () => {
  await b?.close();
  await server?.close();
});

describe('the MASH inbox', () => {
  it('an admin adds a reviewer; the reviewer reviews the most serious referral and exports it; another team is refused', async () => {
    // The first admin comes from the command line.
    const adminLink = linkIn(cli('add', 'admin@la.example', '--role', 'admin'));
    await setPassword(adminLink, PASSWORDS.admin);
    await page.goto(`${origin}/inbox/`);
    await page.waitForSelector('h1:text-is("Sign in to the CSE inbox")');
    await axe('sign in');
    await shoot('sign-in');
    // A wrong password is refused with a message, and the screen stays accessible.
    await type('#email', 'admin@la.example');
    await type('#password', 'not the password');
    await type('#code', '000000');
    await page.click('form button[type=submit]');
    await page.waitForSelector('.error-summary');
    expect(await page.textContent('.error-summary')).toContain('The e-mail address, password or code is not right.');
    // The right password without the right code is refused alike: no session from the password alone.
    await type('#password', PASSWORDS.admin);
    await type('#code', '000000');
    await page.click('form button[type=submit]');
    await page.waitForFunction(() =>
      document.querySelector('.error-summary')?.textContent?.includes('password or code is not right'),
    );
    expect(await page.locator('h1:text-is("Referrals")').count()).toBe(0);
    // Both refusals were counted against the account (the throttle's row, in the database).
    const failures = await server.inbox.sql.get<{ count: number | string }>(
      'select count from inbox_login_attempts where key = ?',
      ['account:admin@la.example'],
    );
    expect(Number(failures!.count)).toBe(2);
    await axe('sign in with an error');
    await signIn('admin@la.example', PASSWORDS.admin);

    // The admin adds a reviewer in the inbox.
    await page.click('a:text-is("Users and devices")');
    await page.waitForSelector('h1:text-is("Users and devices")');
    await axe('users and devices');
    await type('#new-email', 'reviewer@mash.example');
    await page.click('label[for="new-role-reviewer"]');
    await page.click('form[aria-labelledby="add-user-title"] button[type=submit]');
    const reviewerLink = (await page
      .waitForSelector('[data-testid=set-password-link]')
      .then((e) => e.textContent()))!.trim();
    expect(reviewerLink).toMatch(/\/inbox\/#\/set-password\//);
    await axe('users with a new link');
    await shoot('users');
    expect((await server.inbox.audit.list({ action: 'user-add' })).map((e) => e.actor)).toEqual([
      'admin@la.example',
      'cli',
    ]);
    await signOut();

    // Three referrals arrive from an enrolled device (signed, as the app sends), least serious first.
    const device = await enrolledDevice(server, origin, 'Sam Nurse, Bolton', 'Bolton');
    for (const s of [lower, high, medium]) expect(await send(origin, device, s)).toBe(201);

    // The reviewer sets a password and signs in: the most serious is first.
    await setPassword(reviewerLink, PASSWORDS.reviewer);
    await signIn('reviewer@mash.example', PASSWORDS.reviewer);
    await page.waitForSelector('[data-testid=referral]');
    const ids = await page.$$eval('[data-testid=referral]', (els) => els.map((e) => e.getAttribute('data-id')));
    expect(ids).toEqual([high.id, medium.id, lower.id]);
    expect(await page.textContent('[data-testid=referral]:first-child .referral-level')).toBe('High (41 – 60)');
    expect(await page.title()).toBe('(3) New referrals – CSE Inbox');
    expect(await page.textContent(`[data-id="${medium.id}"] .referral-level`)).toBe('Medium (21 – 40)');
    expect(await page.textContent(`[data-id="${medium.id}"] .col-flags`)).toContain('Device differs');
    expect(await page.getAttribute(`[data-id="${medium.id}"] .col-flags`, 'title')).toContain(
      'The device and the server disagree',
    );
    await axe('list');
    await page.click('summary:text-is("Filter and search")');
    await axe('list with filters open');
    await shoot('list');
    // Search by child reference: sent in the request's body, never in an address (a proxy's log keeps those).
    const addresses: string[] = [];
    const seeAddress = (r: { url(): string }) => addresses.push(r.url());
    page.on('request', seeAddress);
    await type('#f-child', 'bol-med');
    await page.click('form[role=search] button[type=submit]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=referral]').length === 1);
    expect(await page.getAttribute('[data-testid=referral]', 'data-id')).toBe(medium.id);
    page.off('request', seeAddress);
    expect(addresses.some((a) => a.endsWith('/inbox/api/referrals/search'))).toBe(true);
    expect(addresses.filter((a) => /bol-med/i.test(decodeURIComponent(a)))).toEqual([]);
    await page.click('form[role=search] button:text-is("Clear")');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=referral]').length === 3);

    // Opening one writes an audit row.
    const viewsBefore = (await server.inbox.audit.list({ submissionId: high.id, action: 'view' })).length;
    await page.click(`[data-id="${high.id}"] a`);
    await page.waitForSelector('h1:text-is("Child BOL-HIGH")');
    expect(await page.textContent('[data-testid=outcome-level]')).toBe('High (41 – 60)');
    expect(await page.getAttribute('.steps li:first-child', 'data-step')).toBe('emergency-999');
    expect(await page.textContent('main')).toContain('Sam Nurse');
    expect((await server.inbox.audit.list({ submissionId: high.id, action: 'view' })).length).toBe(viewsBefore + 1);
    expect((await server.inbox.audit.list({ submissionId: high.id, action: 'view' }))[0]!.actor).toBe(
      'reviewer@mash.example',
    );
    await axe('referral');
    await shoot('referral');

    // Printing: the app's printed record, with the review; the print is audited.
    await page.evaluate(() => {
      window.print = () => {}; // the print dialog itself is the browser's; the document is checked below
    });
    await page.click('button:text-is("Print or save as PDF")');
    await page.waitForFunction(() => true);
    await expect
      .poll(async () => (await server.inbox.audit.list({ submissionId: high.id, action: 'print' })).length)
      .toBe(1);
    if (existsSync('/usr/bin/pdftotext')) {
      const file = join(shots, 'referral.pdf');
      await page.pdf({ path: file, format: 'A4', printBackground: true });
      const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
      expect(text).toContain('BOL-HIGH');
      expect(text).toContain('High (41 – 60)');
      expect(text).toContain('outcome computed again by the receiving server');
      expect(text).toContain('Sam Nurse');
      expect(text).not.toContain('Save review'); // the screen's controls are not printed
      if (existsSync('/usr/bin/pdftoppm'))
        execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '2', file, join(shots, 'referral-print')]);
    }

    // In review, then actioned, each with a note.
    await page.click('label[for="to-in-review"]');
    await page.click('[data-testid=state-form] button[type=submit]');
    await page.waitForSelector('.error-summary');
    await axe('review without a note');
    await type('#review-note', 'Picked up by the MASH duty worker.');
    await page.click('[data-testid=state-form] button[type=submit]');
    // Taken into review by the reviewer: they have it.
    await page.waitForSelector(
      '[data-testid=review-state]:has-text("In review"):has-text("with you (reviewer@mash.example)")',
    );
    await page.click('label[for="to-actioned"]');
    await type('#review-note', 'Strategy meeting held; police and health informed.');
    await page.click('[data-testid=state-form] button[type=submit]');
    await page.waitForSelector(
      '[data-testid=review-state]:has-text("Actioned"):has-text("last change by reviewer@mash.example")',
    );
    expect(await page.textContent('.review-history')).toContain('Strategy meeting held; police and health informed.');
    expect(
      (await server.inbox.audit.list({ submissionId: high.id, action: 'review-state' })).map((e) => e.detail),
    ).toEqual(['in-review → actioned', 'new → in-review']);

    // Exports: the files arrive, and each is audited.
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('button:text-is("Export CSV")')]);
    // A zip: the tool's own file and the review events as their own rows.
    const files = unzipSync(readFileSync((await csv.path())!));
    expect(Object.keys(files).sort()).toEqual(['gm-cse-measurement-tool.csv', 'review-events.csv']);
    const lines = strFromU8(files['gm-cse-measurement-tool.csv']!)
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^submission_id,receipt,received_at,/);
    expect(lines[1]).toContain(high.id);
    const [fhir] = await Promise.all([page.waitForEvent('download'), page.click('button:text-is("Export FHIR")')]);
    const bundle = JSON.parse(readFileSync((await fhir.path())!, 'utf8'));
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.entry.map((e: { resource: { resourceType: string } }) => e.resource.resourceType).sort()).toEqual([
      'Questionnaire',
      'QuestionnaireResponse',
      'RiskAssessment',
    ]);
    expect((await server.inbox.audit.list({ submissionId: high.id })).map((e) => e.action)).toEqual(
      expect.arrayContaining(['export-csv', 'export-fhir']),
    );
    // The queue no longer holds it; the Actioned view does, and there is one fewer new.
    await page.click('a:text-is("Back to the referrals")');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=referral]').length === 2);
    expect(await page.$(`[data-id="${high.id}"]`)).toBeNull();
    await page.click('.views a[data-view=actioned]');
    await page.waitForSelector(`[data-id="${high.id}"] .state-actioned`);
    await page.waitForFunction(() => document.title === '(2) New referrals – CSE Inbox');
    // The lying device's referral (back in the queue): the server's level, the disagreement in red.
    await page.click('.views a[data-view=queue]');
    await page.click(`[data-id="${medium.id}"] a`);
    await page.waitForSelector('[data-testid=disagreement]');
    expect(await page.textContent('[data-testid=disagreement]')).toContain(
      'The device said "Lower (10 – 20)" (total 14); the server\'s own scoring of the same answers says "Medium (21 – 40)" (total 35)',
    );
    expect(await page.$eval('[data-testid=disagreement]', (e) => getComputedStyle(e).color)).toBe('rgb(177, 14, 30)');
    expect(await page.textContent('[data-testid=outcome-level]')).toBe('Medium (21 – 40)');
    await axe('referral with a disagreement');
    await signOut();

    // A reviewer limited to Wigan cannot open a Bolton referral: 403, audited.
    await setPassword(
      linkIn(cli('add', 'wigan@mash.example', '--role', 'reviewer', '--team', 'Wigan')),
      PASSWORDS.wigan,
    );
    await signIn('wigan@mash.example', PASSWORDS.wigan);
    expect(await page.$$('[data-testid=referral]')).toHaveLength(0);
    await page.goto(`${origin}/inbox/#/referral/${medium.id}`);
    await page.waitForSelector('h1:text-is("You cannot open this referral")');
    await axe('referral refused');
    const refused = await server.inbox.audit.list({ submissionId: medium.id, action: 'forbidden' });
    expect(refused[0]).toMatchObject({ actor: 'wigan@mash.example' });
    expect(
      (await server.inbox.audit.list({ submissionId: medium.id, action: 'view' })).map((e) => e.actor),
    ).not.toContain('wigan@mash.example');
    await signOut();

    // The admin sees all of it in the audit.
    await signIn('admin@la.example', PASSWORDS.admin);
    await page.click('a:text-is("Audit")');
    await page.waitForSelector('[data-testid=audit-table] tbody tr');
    for (const action of [
      'view',
      'review-state',
      'export-csv',
      'export-fhir',
      'forbidden',
      'login',
      'login-failed',
      'user-add',
    ])
      expect(await page.$(`[data-testid=audit-table] tr[data-action="${action}"]`), action).not.toBeNull();
    await axe('audit');
    await shoot('audit');
    // Devices: enrol one from the inbox, then revoke it; both audited.
    await page.click('a:text-is("Users and devices")');
    await page.waitForSelector('.device:has-text("Sam Nurse")'); // the device that sent the referrals
    await type('#device-name', 'Ward 5 tablet');
    await page.click('button:text-is("Create enrolment link")');
    expect(
      await (await page.waitForSelector('.inset code.link-text:has-text("/#/enrol?code=")')).textContent(),
    ).toMatch(/^http:\/\/localhost:\d+\/#\/enrol\?code=/);
    await page.waitForSelector('.device:has-text("Ward 5 tablet")');
    await axe('devices');
    await page.click('.device:has-text("Ward 5 tablet") button:has-text("Revoke")');
    await page.waitForSelector('.device:has-text("Ward 5 tablet"):has-text("revoked")');
    expect((await server.inbox.audit.list({ action: 'device-add' }))[0]!.detail).toContain('Ward 5 tablet');
    expect(await server.inbox.audit.list({ action: 'device-revoke' })).toHaveLength(1);

    // The Wigan reviewer moves to cover Bolton too: the admin changes the account's teams in the inbox.
    const wigan = page.locator('li.user:has-text("wigan@mash.example")');
    await wigan.locator('summary:has-text("Change role and areas")').click();
    const teamsBox = wigan.locator('input[id$="-teams"]');
    expect(await teamsBox.inputValue()).toBe('Wigan');
    await teamsBox.click();
    await teamsBox.press('End');
    await teamsBox.pressSequentially(', Bolton');
    await axe("change a user's areas");
    await shoot('users-change-access');
    await wigan.locator('button[type=submit]:has-text("Save changes")').click();
    await page.waitForSelector('li.user:has-text("wigan@mash.example"):has-text("limited to Wigan, Bolton")');
    expect((await server.inbox.audit.list({ action: 'user-change' }))[0]!.detail).toContain(
      'wigan@mash.example: reviewer; teams Wigan, Bolton',
    );
    await signOut();
    await signIn('wigan@mash.example', PASSWORDS.wigan);
    await page.goto(`${origin}/inbox/#/referral/${medium.id}`);
    await page.waitForSelector('[data-testid=outcome-level]');
    expect(await page.textContent('[data-testid=outcome-level]')).toBe('Medium (21 – 40)');
    expect(pageErrors).toEqual([]);
  }, 480_000); // one long journey on a shared 2-core machine
});
