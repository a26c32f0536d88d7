// When the page sends: on open, when the browser comes online, when the app
// becomes visible, when the next backoff falls due, after a record is queued,
// and on "Send now". Background Sync lets the service worker carry on after
// the tab is closed (Chromium). The Web Lock in sendDue keeps it to one sender.
import type { CseDb } from '../store/db.ts';
import { SYNC_CHANNEL, SYNC_TAG } from './constants.ts';
import { prepareHeld } from './outbox.ts';
import { sealTo } from './seal.ts';
import { nextDueAt, type SendReport, sendDue, waitingCount } from './sender.ts';
import { loadAuthor, loadEndpoint } from './settings.ts';

export interface SyncController {
  sendNow(): Promise<SendReport>;
  afterQueue(): void;
  subscribe(fn: (waiting: number) => void): () => void;
  refresh(): Promise<void>;
}

export function startSync(db: CseDb): SyncController {
  const listeners = new Set<(n: number) => void>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** The last count, given at once to a new subscriber instead of counting again for each screen that opens. */
  let last: number | undefined;

  const refresh = async () => {
    const n = await waitingCount(db).catch((e) => {
      console.warn('outbox count failed', e);
      return 0;
    });
    last = n;
    for (const l of listeners) l(n);
  };
  // Screens that open together share one count (a send's own refresh above is never shared: it must see the send).
  let counting: Promise<void> | undefined;
  const refreshForSubscriber = () => (counting ??= refresh().finally(() => (counting = undefined)));
  const schedule = async () => {
    clearTimeout(timer);
    const at = await nextDueAt(db).catch(() => undefined);
    if (at !== undefined) timer = setTimeout(() => void run(), Math.max(250, at - Date.now()));
  };
  // Submissions finished before a name or an enrolment existed: completed and sealed here, in the unlocked app.
  const prepare = async () => {
    try {
      const [author, endpoint] = await Promise.all([loadAuthor(db), loadEndpoint(db)]);
      if (endpoint?.device) await prepareHeld(db, author, endpoint.publicKey ? sealTo(endpoint.publicKey) : undefined);
    } catch {
      /* locked: they wait for the next run */
    }
  };
  const run = async (force = false): Promise<SendReport> => {
    const report = await sendDue({ db, fetch: globalThis.fetch.bind(globalThis), prepare }, { force }).catch(
      () =>
        ({
          attempted: 0,
          delivered: 0,
          retrying: 0,
          rejected: 0,
          withdrawn: 0,
          damaged: 0,
          skipped: true,
        }) as SendReport,
    );
    await refresh();
    await schedule();
    return report;
  };
  const registerBackgroundSync = async () => {
    const reg = await navigator.serviceWorker?.getRegistration?.();
    const sync = (reg as (ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } }) | undefined)
      ?.sync;
    await sync?.register(SYNC_TAG).catch(() => {});
  };

  addEventListener('online', () => void run());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void run();
  });
  // The service worker says when it has sent something, so the counts stay true.
  if (typeof BroadcastChannel !== 'undefined') new BroadcastChannel(SYNC_CHANNEL).onmessage = () => void refresh();
  void run();

  return {
    sendNow: () => run(true),
    afterQueue() {
      void registerBackgroundSync();
      void run();
    },
    subscribe(fn) {
      listeners.add(fn);
      if (last !== undefined) fn(last);
      void refreshForSubscriber(); // and a fresh count, in case the outbox changed without a send (a delete, an erase)
      return () => listeners.delete(fn);
    },
    refresh,
  };
}
