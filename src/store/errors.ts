// Storage failures turned into messages a practitioner can act on. The
// record stays in memory (and on screen) whatever happens here.
import Dexie from 'dexie';

export class StorageError extends Error {
  constructor(
    readonly kind: 'unavailable' | 'full' | 'closed' | 'unknown',
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

export function describeStorageError(e: unknown): StorageError {
  if (e instanceof StorageError) return e;
  const name = (e as { name?: string })?.name ?? '';
  const inner = (e as { inner?: { name?: string } })?.inner?.name ?? '';
  if (name === 'QuotaExceededError' || inner === 'QuotaExceededError')
    return new StorageError(
      'full',
      'The device storage is full, so this change is not saved yet. It is kept on screen: free some space (delete old photos or apps) and it will save.',
      e,
    );
  if (name === Dexie.errnames.MissingAPI || name === Dexie.errnames.InvalidState || name === 'SecurityError')
    return new StorageError(
      'unavailable',
      'This browser will not let the app store records (private browsing?). Nothing can be saved on this device: open the app normally from the home screen.',
      e,
    );
  if (name === Dexie.errnames.DatabaseClosed)
    return new StorageError('closed', "The browser closed the app's storage. Reconnecting…", e);
  return new StorageError(
    'unknown',
    `The change could not be saved (${name || 'unknown error'}). It is kept on screen; try again.`,
    e,
  );
}
