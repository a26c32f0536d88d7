// Entry, kept small: the first screen is the passcode (set it, or unlock),
// which needs only Preact, the vault and Argon2id. The app proper (engine,
// storage, sync) is fetched once the passcode screen is first touched and
// opened with the key. The app locks after the idle time, or when it has been in the
// background longer than a short grace period; locking writes what is
// pending and reloads the page, so no decrypted child data stays reachable in
// memory. An update waits for the user (never a silent reload of a half-filled form).
import { render } from 'preact';
import { Workbox } from 'workbox-window';
import { keyring } from './crypto/keyring.ts';
import { loadArgon2 } from './crypto/vault.ts';
import { LockTimer } from './security/lock-timer.ts';
import { loadPolicy, vaultState } from './security/passcode.ts';
import { SetUpPasscode, Unlock, VaultDamaged } from './ui/lock.tsx';
import { keepInstallOffer } from './ui/install-prompt.ts';
import { askToKeepStorage } from './ui/persist.ts';
import './shared-ui/styles.css';

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
  render(
    <App
      db={app.db}
      sync={app.sync}
      persisted={persisted}
      storageError={storageError}
      updateReady={updateReady}
      onLock={() => void lock()}
    />,
    root,
  );
}

async function drawLocked() {
  const state = await vaultState().catch(() => ({ kind: 'none' }) as const);
  // index.html paints a static shell (header and a placeholder) before any
  // script runs; the first real screen replaces it.
  root.querySelector('[data-shell]')?.remove();
  render(
    state.kind === 'ok' ? (
      <Unlock onUnlocked={() => void start()} onErased={() => void drawLocked()} />
    ) : state.kind === 'damaged' ? (
      <VaultDamaged backup={state.backup} onRestored={() => void drawLocked()} />
    ) : (
      <SetUpPasscode onDone={() => void start()} />
    ),
    root,
  );
}

let locking = false;
async function lock() {
  if (locking) return;
  locking = true;
  timer?.stop();
  // Write whatever is still pending while the key is here, then drop the key
  // and the whole page: a reload leaves nothing decrypted reachable in memory.
  if (app) await app.m.flushAllAutosavers();
  keyring.clear();
  render(null, root);
  location.reload();
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
  const policy = loadPolicy();
  timer = new LockTimer({
    now: Date.now,
    setTimer: (f, ms) => setTimeout(f, ms),
    clearTimer: (t) => clearTimeout(t as number),
    idleMs: policy.idleMinutes * 60_000,
    hiddenGraceMs: policy.hiddenGraceSeconds * 1000,
    onLock: () => void lock(),
  });
  drawApp();
  if (persisted === undefined) {
    persisted = await askToKeepStorage();
    drawApp();
  }
}

for (const ev of ['pointerdown', 'keydown', 'input', 'scroll', 'touchstart'])
  addEventListener(ev, () => timer?.activity(), { passive: true, capture: true });
document.addEventListener('visibilitychange', () =>
  document.visibilityState === 'hidden' ? timer?.hidden() : timer?.visible(),
);

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

// The static shell has been painted once already: boot.ts imports this module only after that
// paint (waiting for another frame here only delayed the passcode field).
void drawLocked();
for (const ev of ['focusin', 'pointerdown', 'keydown', 'touchstart'])
  addEventListener(ev, () => (void loadMain(), void loadArgon2()), { once: true, passive: true, capture: true });
keepInstallOffer();
registerServiceWorker();
