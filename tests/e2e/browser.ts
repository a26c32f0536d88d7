// Headless Debian Chromium for the end-to-end tests. We start the browser
// process ourselves (so a test can kill it outright, as a dead battery or a
// swiped-away app would) and drive it over CDP with playwright-core.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface RunningBrowser {
  browser: Browser;
  context: BrowserContext;
  process: ChildProcess;
  profile: string;
  /** The DevTools port (for tools such as Lighthouse to attach). */
  port: number;
  /** SIGKILL the browser process: nothing gets a chance to flush. */
  kill(): Promise<void>;
  close(): Promise<void>;
}

/** True while any process of the group is alive. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits (a state, not a moment) for the browser's helper processes to end after the main one; kills any left. */
async function groupGone(pgid: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (groupAlive(pgid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  if (!groupAlive(pgid)) return;
  process.kill(-pgid, 'SIGKILL');
  // Bounded too: a helper left as a zombie that nobody reaps would count as alive for ever.
  const last = Date.now() + 5_000;
  while (groupAlive(pgid) && Date.now() < last) await new Promise((r) => setTimeout(r, 25));
}

export function newProfile(): string {
  return mkdtempSync(join(tmpdir(), 'cse-e2e-profile-'));
}

export async function launch(profile = newProfile()): Promise<RunningBrowser> {
  const portFile = join(profile, 'DevToolsActivePort');
  rmSync(portFile, { force: true });
  const proc = spawn(
    CHROMIUM,
    [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-background-networking',
      // As Playwright's own launcher does: pages not in front keep their timers and frames, so a
      // journey's second page is not paused (the app waits for a frame before its first screen).
      '--disable-background-timer-throttling',
      '--disable-backgrounding-occluded-windows',
      '--disable-renderer-backgrounding',
      '--disable-component-update',
      '--disable-sync',
      '--disable-features=Translate,OptimizationHints,MediaRouter',
      '--remote-debugging-port=0',
      `--user-data-dir=${profile}`,
      'about:blank',
    ],
    // Its own process group, so closing waits for every helper process (renderer, GPU, zygote), not only the
    // main one: a helper still writing to the profile after the main process exited made its removal fail
    // (ENOTEMPTY under full CPU load, even with retries).
    { stdio: 'ignore', detached: true },
  );
  const deadline = Date.now() + 20_000;
  while (!existsSync(portFile) || readFileSync(portFile, 'utf8').split('\n').length < 2) {
    if (Date.now() > deadline) throw new Error('Chromium did not start (no DevToolsActivePort)');
    if (proc.exitCode !== null) throw new Error(`Chromium exited with ${proc.exitCode}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const port = readFileSync(portFile, 'utf8').split('\n')[0];
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
  const context = browser.contexts()[0]!;
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return {
    browser,
    context,
    process: proc,
    profile,
    port: Number(port),
    async kill() {
      proc.kill('SIGKILL');
      await exited;
      await groupGone(proc.pid!);
    },
    async close() {
      await browser.close().catch(() => {});
      if (proc.exitCode === null) proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
      await groupGone(proc.pid!);
    },
  };
}

const sessions = new WeakMap<import('playwright-core').Page, import('playwright-core').CDPSession>();

/**
 * Cuts or restores a page's network: Playwright's switch, plus the same
 * emulation on one CDP session per page (it holds across reloads). One
 * session, reused: a second session would keep its own "offline" in force.
 */
export async function setOffline(
  context: BrowserContext,
  page: import('playwright-core').Page,
  on: boolean,
): Promise<void> {
  await context.setOffline(on);
  let cdp = sessions.get(page);
  if (!cdp) {
    cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    sessions.set(page, cdp);
  }
  await cdp.send('Network.emulateNetworkConditions', {
    offline: on,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });
}
