// The app proper, loaded after the first screen (the passcode) has rendered:
// engine, instruments, storage and sync. Kept out of the initial chunk, as
// Squoosh keeps its codecs out of its first paint.
export { App } from './ui/app.tsx';
export { CseDb } from './store/db.ts';
export { describeStorageError } from './store/errors.ts';
export { purgeExpired } from './security/retention.ts';
export { startSync } from './sync/triggers.ts';
export { flushAllAutosavers } from './store/autosave.ts';
