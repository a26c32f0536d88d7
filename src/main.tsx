// Entry: open storage, ask for persistent storage, render, register the
// service worker. An update waits for the user (never a silent reload that
// could drop a half-filled form).
import { render } from 'preact';
import { Workbox } from 'workbox-window';
import { CseDb } from './store/db.ts';
import { describeStorageError } from './store/errors.ts';
import { startSync, type SyncController } from './sync/triggers.ts';
import { App } from './ui/app.tsx';
import './ui/styles.css';

const root = document.getElementById('app')!;
const db = new CseDb();
let persisted: boolean | undefined;
let storageError: string | undefined;
let updateReady: (() => void) | undefined;
let sync: SyncController | undefined;

const draw = () => render(<App db={db} sync={sync} persisted={persisted} storageError={storageError} updateReady={updateReady} />, root);

async function boot() {
  try {
    await db.open();
    sync = startSync(db);
  } catch (e) {
    storageError = describeStorageError(e).message;
  }
  draw();
  if (navigator.storage?.persist) {
    persisted = (await navigator.storage.persisted()) || (await navigator.storage.persist());
    draw();
  }
}

function registerServiceWorker() {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
  const wb = new Workbox('/sw.js', { scope: '/' });
  wb.addEventListener('waiting', () => {
    updateReady = () => {
      wb.addEventListener('controlling', () => location.reload());
      wb.messageSkipWaiting();
    };
    draw();
  });
  void wb.register();
}

void boot();
registerServiceWorker();
