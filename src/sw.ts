/// <reference lib="webworker" />
// The service worker: precaches the built app so every screen works offline
// after the first visit, and serves the app shell for navigations. It takes
// over only when the page says so (the user's "Update now"), never silently.
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { CseDb } from './store/db.ts';
import { sendDue } from './sync/sender.ts';
import { SYNC_CHANNEL, SYNC_TAG } from './sync/constants.ts';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | { url: string; revision: string | null })[] };

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
// API calls are never served from the cache; the reviewers' inbox (/inbox/) is
// not part of the offline app and always comes from the network.
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/api\//, /^\/inbox(\/|$)/] }),
);

self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') void self.skipWaiting();
});
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

// Background Sync: the browser wakes the worker when it has a connection,
// even after the tab is closed. A rejected promise asks the browser to try
// again later with its own backoff.
interface SyncEvent extends ExtendableEvent {
  tag: string;
}
self.addEventListener('sync', (event) => {
  const e = event as SyncEvent;
  if (e.tag !== SYNC_TAG) return;
  e.waitUntil(
    (async () => {
      const db = new CseDb();
      try {
        const report = await sendDue({ db, fetch: self.fetch.bind(self) });
        new BroadcastChannel(SYNC_CHANNEL).postMessage({ type: 'sent', report });
        const waiting = await db.outbox.where('state').anyOf('queued', 'sending').count();
        if (waiting > 0) throw new Error('submissions still waiting');
      } finally {
        db.close();
      }
    })(),
  );
});
