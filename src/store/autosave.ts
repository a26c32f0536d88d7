// Debounced autosave: every change is written within `delayMs` (≤ 500 ms) of
// the last keystroke, and at once when the page is hidden or closed.
export type SaveStatus = 'saved' | 'saving' | 'error';

export interface Autosaver<T> {
  change(value: T): void;
  flush(): Promise<void>;
  readonly status: SaveStatus;
  readonly error: Error | undefined;
}

/** Every live autosaver, so locking can write what is pending before the key goes. */
const live = new Set<{ flush(): Promise<void> }>();

export async function flushAllAutosavers(): Promise<void> {
  await Promise.all([...live].map((a) => a.flush().catch(() => {})));
}

export function createAutosaver<T>(
  save: (value: T) => Promise<void>,
  onStatus: (s: SaveStatus, error?: Error) => void,
  delayMs = 300,
  retryMs = 2000,
  /** Continuous typing never pauses for the debounce: save at least this often anyway. */
  maxWaitMs = 500,
  now: () => number = Date.now,
): Autosaver<T> {
  let pending: { value: T } | undefined;
  let pendingSince: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let status: SaveStatus = 'saved';
  let error: Error | undefined;

  const set = (s: SaveStatus, e?: Error) => {
    status = s;
    error = e;
    onStatus(s, e);
  };

  async function run(): Promise<void> {
    if (running) await running;
    if (!pending) return;
    const { value } = pending;
    pending = undefined;
    pendingSince = undefined;
    running = (async () => {
      try {
        await save(value);
        if (!pending) set('saved');
      } catch (e) {
        // Keep the unsaved value and try again: nothing typed is dropped.
        if (!pending) pending = { value };
        set('error', e as Error);
        clearTimeout(timer);
        timer = setTimeout(() => void run(), retryMs);
      }
    })();
    await running;
    running = undefined;
  }

  const saver: Autosaver<T> & { dispose(): void } = {
    dispose() {
      live.delete(saver);
    },
    change(value: T) {
      pending = { value };
      pendingSince ??= now();
      set('saving');
      clearTimeout(timer);
      timer = setTimeout(() => void run(), Math.max(0, Math.min(delayMs, maxWaitMs - (now() - pendingSince))));
    },
    async flush() {
      clearTimeout(timer);
      await run();
    },
    get status() {
      return status;
    },
    get error() {
      return error;
    },
  };
  live.add(saver);
  return saver;
}
