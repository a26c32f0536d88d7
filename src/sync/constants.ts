// Names shared by the page and the service worker (kept apart from the engine
// so the worker's bundle stays small).
export const SYNC_TAG = 'cse-outbox';
export const SYNC_CHANNEL = 'cse-outbox';
