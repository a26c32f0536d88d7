// Setting up without traps, as a local authority's IT team would: the server
// started in its own process on a port of its own (PORT, a free one here
// rather than 4620, so parallel runs never collide), and `npm run admin -- user
// add` run in another process whose environment has no PORT: the link it
// prints is on the server's port and opens the set-password screen; after
// "Your password is set", *Sign in* shows the sign-in form without a reload.
// Names are checked against the directory (the valid ones in the refusal), and
// `help` lists every command and option.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../../src/admin/main.ts';
import { PASSWORD, nextCode, rememberSecret } from '../helpers/inbox.ts';
import { type RunningBrowser, launch } from './browser.ts';

const run = promisify(execFile);
const dataDir = join(mkdtempSync(join(tmpdir(), 'cse-e2e-setup-')), 'data');
/** The admin's shell: the same data folder, and no PORT. */
const { PORT: _port, CSE_PUBLIC_URL: _public, ...shell } = process.env;
const adminEnv = { ...shell, CSE_DATA_DIR: dataDir };
let port: number;
let server: ChildProcess;
let b: RunningBrowser;
let page: Page;
const pageErrors: string[] = [];

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => ok(p));
    });
  });
}

/** Polls until `check` holds (a state, not a moment), up to a deadline. */
async function until(check: () => boolean | Promise<boolean>, what: string, ms = 60_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  port = await freePort();
  server = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    env: { ...shell, PORT: String(port), CSE_DATA_DIR: dataDir },
    stdio: 'ignore',
  });
  const addressFile = join(dataDir, 'server-address');
  await until(
    () => existsSync(addressFile) && readFileSync(addressFile, 'utf8').includes(`:${port}`),
    'the server to record its address',
  );
  await until(
    () =>
      fetch(`http://localhost:${port}/inbox/`).then(
        (r) => r.ok,
        () => false,
      ),
    'the server to answer',
  );
  b = await launch();
  page = await b.context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.setViewportSize({ width: 1024, height: 900 });
}, 90_000);
afterAll(async () => {
  expect(pageErrors).toEqual([]);
  await b?.close();
  server?.kill();
});

describe('set-up', () => {
  it("`user add` in a shell without PORT prints a link on the server's port; it opens the set-password screen; Sign in then shows the sign-in form", async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'src/admin/main.ts', 'user', 'add', 'new.reviewer@la.example', '--role', 'reviewer'],
      { env: adminEnv },
    );
    const link = /https?:\/\/\S+\/inbox\/#\/set-password\/\S+/.exec(stdout)?.[0];
    expect(link, stdout).toBeDefined();
    expect(link!.startsWith(`http://localhost:${port}/inbox/#/set-password/`)).toBe(true);

    await page.goto(link!);
    await page.waitForSelector('h1:text-is("Set your password")');
    const secret = (await page.waitForSelector('[data-testid=totp-secret]').then((e) => e.textContent()))!;
    rememberSecret('new.reviewer@la.example', secret);
    await page.fill('#new-password', PASSWORD);
    await page.fill('#confirm-password', PASSWORD);
    await page.fill('#totp-code', await nextCode('new.reviewer@la.example'));
    await page.click('form button[type=submit]');
    await page.waitForSelector('h1:text-is("Your password is set")');
    // A mark on this document: it survives unless the page reloads.
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    await page.click('a:text-is("Sign in")');
    await page.waitForSelector('h1:text-is("Sign in to the CSE inbox")');
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(page.url()).toBe(`http://localhost:${port}/inbox/#/`);
  });

  it('names are checked against the directory: the refusal lists the valid ones', async () => {
    const lines: string[] = [];
    const out = (s: string) => lines.push(s);
    expect(
      await runAdmin(['user', 'add', 'a@la.example', '--role', 'reviewer', '--team', 'Boltn'], out, adminEnv),
    ).toBe(1);
    expect(lines.join('\n')).toMatch(/"Boltn" is not an area of the directory\. Valid areas: Bolton, Bury, .*Wigan/);
    lines.length = 0;
    expect(
      await runAdmin(['user', 'add', 'a@la.example', '--role', 'reviewer', '--region', 'nowhere'], out, adminEnv),
    ).toBe(1);
    expect(lines.join('\n')).toMatch(/"nowhere" is not a region\. Valid regions: greater-manchester, /);
  });

  it('help lists every command and option', async () => {
    const lines: string[] = [];
    expect(await runAdmin(['help'], (s) => lines.push(s), adminEnv)).toBe(0);
    const help = lines.join('\n');
    for (const part of [
      'device add',
      '--area',
      'device list',
      'device revoke',
      'user add',
      '--role reviewer|admin',
      '--team',
      '--region',
      'user list',
      'user link',
      'user disable',
      'user enable',
      'alert set',
      'alert list',
      'alert remove',
    ])
      expect(help).toContain(part);
  });
});
