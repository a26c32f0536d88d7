// The data key, in memory only, while the app is unlocked. Locking wipes the
// bytes and drops the reference.
let current: Uint8Array | undefined;
const listeners = new Set<(unlocked: boolean) => void>();

export class LockedError extends Error {
  constructor() {
    super('The app is locked.');
    this.name = 'LockedError';
  }
}

export const keyring = {
  set(key: Uint8Array): void {
    current = key;
    for (const l of listeners) l(true);
  },
  clear(): void {
    current?.fill(0);
    current = undefined;
    for (const l of listeners) l(false);
  },
  get(): Uint8Array | undefined {
    return current;
  },
  require(): Uint8Array {
    if (!current) throw new LockedError();
    return current;
  },
  onChange(fn: (unlocked: boolean) => void): () => void {
    listeners.add(fn);
    return () => listeners.delete(fn);
  },
};
