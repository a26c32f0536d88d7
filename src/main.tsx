// Entry, kept small: the first screen is the passcode (set it, or unlock),
// which needs only Preact and the vault. The app proper (engine, storage,
// sync) is fetched in the background meanwhile and opened with the key. The
// app locks again after the idle time or when it has been hidden that long.
// An update waits for the user (never a silent reload of a half-filled form).
import { render } from 'preact';
import { Workbox } from 'workbox-window';
import { keyring } from './crypto/keyring.ts';
import { LockTimer } from './security/lock-timer.ts';
import { hasVault, loadPolicy, restoreVault } from './security/passcode.ts';
import { SetUpPasscode, Unlock } from './ui/lock.tsx';
import './ui/styles.css';

const root = document.getElementById('app')!;
// The app proper is fetched when the user first touches the passcode screen
// (focus, tap or key), so it downloads while the passcode is typed; fetching
// and running it earlier only delays the first screen and blocks its input.
let mainChunk: Promise<typeof import('./app-main.ts')> | undefined;
const loadMain = () => (mainChunk ??= import('./app-main.ts'));
type Main = Awaited<ReturnType<typeof loadMain>>;

let app: { m: Main; db: InstanceType<Main['CseDb']>; sync?: ReturnType<Main['startSync']> } | undefined;
let persisted: boolean | undefined;
let storageError: string | undefined;
let updateReady: (() => void) | undefined;
let timer: LockTimer | undefined;

function drawApp() {
  if (!app || !keyring.get()) return;
  const { App } = app.m;
  render(<App db={app.db} sync={app.sync} persisted={persisted} storageError={storageError} updateReady={updateReady} onLock={() => void lock()} />, root);
}

function drawLocked() {
  // index.html paints a static shell (header and a placeholder) before any
  // script runs; the first real screen replaces it.
  root.querySelector('[data-shell]')?.remove();
  render(hasVault() ? <Unlock onUnlocked={() => void start()} /> : <SetUpPasscode onDone={() => void start()} />, root);
}

async function lock() {
  timer?.stop();
  // Write whatever is still pending while the key is here, then drop the key.
  if (app) await app.m.flushAllAutosavers();
  keyring.clear();
  drawLocked();
  requestAnimationFrame(() => document.querySelector<HTMLElement>('main h1')?.focus());
}

async function start() {
  const m = await loadMain();
  if (!app) app = { m, db: new m.CseDb() };
  try {
    await app.db.open();
    await m.purgeExpired(app.db, loadPolicy()).catch(() => {});
    app.sync ??= m.startSync(app.db);
  } catch (e) {
    storageError = m.describeStorageError(e).message;
  }
  const idleMs = loadPolicy().idleMinutes * 60_000;
  timer = new LockTimer({ now: Date.now, setTimer: (f, ms) => setTimeout(f, ms), clearTimer: (t) => clearTimeout(t as number), idleMs, onLock: () => void lock() });
  drawApp();
  if (navigator.storage?.persist && persisted === undefined) {
    persisted = (await navigator.storage.persisted()) || (await navigator.storage.persist());
    drawApp();
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
    drawApp();
  });
  void wb.register();
}

void restoreVault()
  .catch(() => {})
  .then(drawLocked);
for (const ev of ['focusin', 'pointerdown', 'keydown', 'touchstart']) addEventListener(ev, () => void loadMain(), { once: true, passive: true, capture: true });
registerServiceWorker();
