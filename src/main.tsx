// Entry: passcode first (set it, or unlock), then open storage with the key,
// ask for persistent storage, start sending, and lock again after the idle
// time or when the app has been hidden that long. An update waits for the
// user (never a silent reload that could drop a half-filled form).
import { render } from 'preact';
import { Workbox } from 'workbox-window';
import { keyring } from './crypto/keyring.ts';
import { LockTimer } from './security/lock-timer.ts';
import { hasVault, loadPolicy } from './security/passcode.ts';
import { purgeExpired } from './security/retention.ts';
import { flushAllAutosavers } from './store/autosave.ts';
import { CseDb } from './store/db.ts';
import { describeStorageError } from './store/errors.ts';
import { type SyncController, startSync } from './sync/triggers.ts';
import { App } from './ui/app.tsx';
import { SetUpPasscode, Unlock } from './ui/lock.tsx';
import './ui/styles.css';

const root = document.getElementById('app')!;
const db = new CseDb();
let persisted: boolean | undefined;
let storageError: string | undefined;
let updateReady: (() => void) | undefined;
let sync: SyncController | undefined;
let timer: LockTimer | undefined;

function drawApp() {
  render(<App db={db} sync={sync} persisted={persisted} storageError={storageError} updateReady={updateReady} onLock={lock} />, root);
}

function drawLocked() {
  render(hasVault() ? <Unlock onUnlocked={() => void start()} /> : <SetUpPasscode onDone={() => void start()} />, root);
}

async function lock() {
  timer?.stop();
  // Write whatever is still pending while the key is here, then drop the key.
  await flushAllAutosavers();
  keyring.clear();
  drawLocked();
  requestAnimationFrame(() => document.querySelector<HTMLElement>('main h1')?.focus());
}

async function start() {
  try {
    await db.open();
    await purgeExpired(db, loadPolicy()).catch(() => {});
    sync ??= startSync(db);
  } catch (e) {
    storageError = describeStorageError(e).message;
  }
  const idleMs = loadPolicy().idleMinutes * 60_000;
  timer = new LockTimer({ now: Date.now, setTimer: (f, ms) => setTimeout(f, ms), clearTimer: (t) => clearTimeout(t as number), idleMs, onLock: () => void lock() });
  drawApp();
  if (navigator.storage?.persist && persisted === undefined) {
    persisted = (await navigator.storage.persisted()) || (await navigator.storage.persist());
    if (keyring.get()) drawApp();
  }
}

for (const ev of ['pointerdown', 'keydown', 'input', 'scroll', 'touchstart']) addEventListener(ev, () => timer?.activity(), { passive: true, capture: true });
document.addEventListener('visibilitychange', () => (document.visibilityState === 'hidden' ? timer?.hidden() : timer?.visible()));

function registerServiceWorker() {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
  const wb = new Workbox('/sw.js', { scope: '/' });
  wb.addEventListener('waiting', () => {
    updateReady = () => {
      wb.addEventListener('controlling', () => location.reload());
      wb.messageSkipWaiting();
    };
    if (keyring.get()) drawApp();
  });
  void wb.register();
}

drawLocked();
registerServiceWorker();
