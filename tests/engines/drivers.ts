// One thin driver over three engines, so each journey is written once:
//   chromium  Debian's Chromium, over CDP with playwright-core (tests/e2e/browser.ts starts it)
//   firefox   Debian's Firefox ESR, over WebDriver BiDi with puppeteer-core
//   webkit    WebKitGTK (Safari's engine), over WebDriver (WebKitWebDriver, selenium-webdriver),
//             in a window under xvfb-run, in webkit-browser.py: a small browser whose profile
//             lasts across a restart (MiniBrowser under automation keeps none)
// Nothing is downloaded: each engine is the Debian package's binary. Every driver collects the
// page's console errors and uncaught exceptions, which fail a run.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page as PlaywrightPage } from 'playwright-core';
import puppeteer, { type Browser as PuppeteerBrowser, type Page as PuppeteerPage } from 'puppeteer-core';
import { By, Capabilities, WebDriver } from 'selenium-webdriver';
import { Executor, HttpClient } from 'selenium-webdriver/http/index.js';
import { groupAlive, launch as launchChromium } from '../e2e/browser.ts';
import { type EngineName, FIREFOX, GI_PYTHON, WEBKIT_DRIVER } from './prerequisites.ts';

export type { EngineName };

const WEBKIT_BROWSER = join(dirname(fileURLToPath(import.meta.url)), 'webkit-browser.py');

/** A function evaluated in the page: its source is sent, so it may use only its argument. */
type PageFn<A, T> = (arg: A) => T | Promise<T>;

export interface Driver {
  readonly engine: EngineName;
  readonly profile: string;
  goto(url: string): Promise<void>;
  reload(): Promise<void>;
  url(): Promise<string>;
  /** A real click (the driver's pointer input) on the first element matching. */
  click(selector: string): Promise<void>;
  /** Focuses the field and types key by key, as the driver's keyboard does. */
  type(selector: string, text: string): Promise<void>;
  /** Types into the field as soon as it exists: the driver's tightest wait, then its keyboard. */
  typeWhenShown(selector: string, text: string, timeoutMs?: number): Promise<void>;
  evaluate<A, T>(fn: PageFn<A, T>, arg: A): Promise<T>;
  /** Console errors and uncaught exceptions since the last call. */
  takeErrors(): Promise<string[]>;
  /** Closes the browser as a person closing it would (it may flush); the profile stays for a restart. */
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** A profile folder to reuse (a restart); a new one otherwise. */
  profile?: string;
  /** WebKit only: another user agent (an iPad's, for what Safari alone is shown). */
  userAgent?: string;
}

export function launch(engine: EngineName, opts: LaunchOptions = {}): Promise<Driver> {
  const profile = opts.profile ?? mkdtempSync(join(tmpdir(), `cse-engines-${engine}-`));
  if (engine === 'chromium') return chromiumDriver(profile);
  if (engine === 'firefox') return firefoxDriver(profile);
  return webkitDriver(profile, opts.userAgent);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Chromium: playwright-core over CDP.

async function chromiumDriver(profile: string): Promise<Driver> {
  const b = await launchChromium(profile);
  const page: PlaywrightPage = b.context.pages()[0] ?? (await b.context.newPage());
  await page.setViewportSize({ width: 390, height: 844 });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  return {
    engine: 'chromium',
    profile,
    goto: async (url) => void (await page.goto(url)),
    reload: async () => void (await page.reload()),
    url: async () => page.url(),
    click: (selector) => page.locator(selector).first().click(),
    type: (selector, text) => page.locator(selector).first().pressSequentially(text),
    typeWhenShown: (selector, text, timeout = 20_000) =>
      page.locator(selector).first().pressSequentially(text, { timeout }),
    evaluate: (fn, arg) => page.evaluate(fn as never, arg) as never,
    takeErrors: async () => errors.splice(0),
    close: () => b.close(),
  };
}

// ---------------------------------------------------------------------------------------------
// Firefox ESR: puppeteer-core over WebDriver BiDi.

async function firefoxDriver(profile: string): Promise<Driver> {
  const browser: PuppeteerBrowser = await puppeteer.launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath: FIREFOX,
    headless: true,
    userDataDir: profile,
    defaultViewport: { width: 390, height: 844 },
    extraPrefsFirefox: {
      // No prompt to wait on: the app asks for persistent storage as it opens.
      'permissions.default.persistent-storage': 1,
    },
  });
  const page: PuppeteerPage = (await browser.pages())[0] ?? (await browser.newPage());
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${(e as Error).message ?? String(e)}`));
  return {
    engine: 'firefox',
    profile,
    goto: async (url) => void (await page.goto(url)),
    reload: async () => void (await page.reload()),
    url: async () => page.url(),
    click: async (selector) => {
      const el = await page.waitForSelector(selector, { visible: true });
      // To the middle first: scrolled only to an edge, the sticky header may take the click.
      await el!.evaluate((e) => e.scrollIntoView({ block: 'center' }));
      await el!.click();
    },
    type: (selector, text) => page.type(selector, text),
    typeWhenShown: async (selector, text, timeout = 20_000) => {
      await page.waitForSelector(selector, { timeout });
      await page.type(selector, text);
    },
    evaluate: (fn, arg) => page.evaluate(fn as never, arg) as never,
    takeErrors: async () => errors.splice(0),
    close: () => browser.close(),
  };
}

// ---------------------------------------------------------------------------------------------
// WebKitGTK: WebKitWebDriver under xvfb-run, selenium-webdriver, webkit-browser.py.

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const port = (s.address() as { port: number }).port;
  await new Promise((ok) => s.close(ok));
  return port;
}

async function webkitDriver(profile: string, userAgent?: string): Promise<Driver> {
  const port = await freePort();
  // Its own process group: the display server, the driver, the browser and its web processes end together.
  const proc: ChildProcess = spawn(
    'xvfb-run',
    ['-a', '-s', '-screen 0 1280x1024x24', WEBKIT_DRIVER, `--port=${port}`, '--host=127.0.0.1'],
    { detached: true, stdio: 'ignore', env: { ...process.env, NO_AT_BRIDGE: '1' } },
  );
  const pgid = proc.pid!;
  const stop = async () => {
    if (!groupAlive(pgid)) return;
    process.kill(-pgid, 'SIGTERM');
    const deadline = Date.now() + 10_000;
    while (groupAlive(pgid) && Date.now() < deadline) await sleep(50);
    if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
  };
  // The driver is ready when it answers its status.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await fetch(`http://127.0.0.1:${port}/status`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ready) break;
    if (proc.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`WebKitWebDriver did not start (exit ${proc.exitCode})`);
    }
    await sleep(100);
  }
  const args = [WEBKIT_BROWSER, '--profile', profile, ...(userAgent ? ['--user-agent', userAgent] : [])];
  let driver: WebDriver;
  try {
    driver = await WebDriver.createSession(
      new Executor(new HttpClient(`http://127.0.0.1:${port}`)),
      new Capabilities({ 'webkitgtk:browserOptions': { binary: GI_PYTHON, args } }),
    );
    await driver.getSession();
  } catch (e) {
    await stop();
    throw e;
  }

  // Console messages: webkit-browser.py sends WebKit's to console.log in the profile.
  const log = join(profile, 'console.log');
  let offset = existsSync(log) ? statSync(log).size : 0;
  let partial = '';
  const readLog = (): string[] => {
    if (!existsSync(log)) return [];
    const size = statSync(log).size;
    if (size <= offset) return [];
    const fd = openSync(log, 'r');
    const buf = Buffer.alloc(size - offset);
    readSync(fd, buf, 0, buf.length, offset);
    closeSync(fd);
    offset = size;
    const lines = (partial + buf.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    return lines;
  };

  const find = (selector: string) => driver.findElement(By.css(selector));
  return {
    engine: 'webkit',
    profile,
    goto: (url) => driver.get(url),
    reload: () => driver.navigate().refresh(),
    url: () => driver.getCurrentUrl(),
    click: async (selector) => {
      const el = await find(selector);
      // WebDriver scrolls an element only to the viewport's edge, where the sticky header or the
      // element's own box may cover its centre: bring it to the middle first, as a person would.
      await driver.executeScript('arguments[0].scrollIntoView({ block: "center" })', el);
      await el.click();
    },
    type: async (selector, text) => (await find(selector)).sendKeys(text),
    typeWhenShown: async (selector, text, timeout = 45_000) => {
      const until = Date.now() + timeout;
      for (;;) {
        const [el] = await driver.findElements(By.css(selector));
        if (el) return el.sendKeys(text);
        if (Date.now() > until) {
          const where = await driver
            .executeScript(
              'return location.hash + " | " + (document.querySelector("main") || document.body).textContent.slice(0, 300)',
            )
            .catch((e: unknown) => String(e));
          throw new Error(`${selector} did not appear in ${timeout} ms; the page: ${where}`);
        }
      }
    },
    evaluate: async <A, T>(fn: PageFn<A, T>, arg: A) => {
      const r = (await driver.executeAsyncScript(
        `const done = arguments[arguments.length - 1];
         Promise.resolve().then(() => (${fn.toString()})(arguments[0]))
           .then((value) => done({ value }), (e) => done({ error: String(e && e.stack || e) }));`,
        arg,
      )) as { value?: T; error?: string };
      if (r.error !== undefined) throw new Error(`in the page: ${r.error}`);
      return r.value as T;
    },
    takeErrors: async () =>
      readLog().filter((l) => /(^|\s)CONSOLE (\w+ )?ERROR\b/.test(l) || /Content-Security-Policy/.test(l)),
    close: async () => {
      await driver.quit().catch(() => {});
      await stop();
    },
  };
}
