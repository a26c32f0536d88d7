// Debounced autosave: every change is written within `delayMs` (≤ 500 ms) of
// the last keystroke, and at once when the page is hidden or closed.
export type SaveStatus = 'saved' | 'saving' | 'error';

export interface Autosaver<T> {
  change(value: T): void;
  flush(): Promise<void>;
  readonly status: SaveStatus;
  readonly error: Error | undefined;
}

/** Every live autosaver, so locking can write what is pending before the key goes, and leaving a screen can be held. */
const live = new Set<{
  flush(): Promise<void>;
  discard(): void;
  readonly status: SaveStatus;
  /** A change not yet handed to storage (waiting for its debounce), or one storage refused. */
  readonly waiting: boolean;
}>();

export async function flushAllAutosavers(): Promise<void> {
  await Promise.all([...live].map((a) => a.flush().catch(() => {})));
}

/** How many autosavers hold a change not yet written (waiting for the debounce, or refused by storage). */
export function unsavedAutosavers(): number {
  return [...live].filter((a) => a.status !== 'saved').length;
}

/**
 * How many autosavers hold a change a move must wait for: one still waiting for its debounce, or one
 * storage refused. A write already under way is not waited for: the form's next page opens from the
 * record as it is being written (records.ts), and a refusal shows in the header and holds the next move.
 */
export function waitingAutosavers(): number {
  return [...live].filter((a) => a.waiting).length;
}

/** The practitioner chose to leave without the change that could not be written. */
export function discardAllAutosavers(): void {
  for (const a of live) a.discard();
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
  let disposed = false;

  const set = (s: SaveStatus, e?: Error) => {
    status = s;
    error = e;
    onStatus(s, e);
  };

  async function run(): Promise<void> {
    // Wait out any write in flight (several callers may be waiting on it).
    while (running) await running;
    if (!pending) return;
    const { value } = pending;
    pending = undefined;
    pendingSince = undefined;
    running = (async () => {
      try {
        await save(value);
        if (!pending) {
          set('saved');
          if (disposed) live.delete(saver);
        }
      } catch (e) {
        // Keep the unsaved value and try again: nothing typed is dropped.
        if (!pending) pending = { value };
        set('error', e as Error);
        clearTimeout(timer);
        timer = setTimeout(() => void run(), retryMs);
      }
    })();
    const mine = running;
    await mine;
    if (running === mine) running = undefined;
  }

  const saver: Autosaver<T> & { dispose(): void; discard(): void; readonly waiting: boolean } = {
    dispose() {
      disposed = true;
      // A change storage refused stays live (and retried) until it is written or discarded.
      if (pending && status === 'error') return;
      live.delete(saver);
    },
    discard() {
      pending = undefined;
      pendingSince = undefined;
      clearTimeout(timer);
      live.delete(saver);
      set('saved');
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
      // Resolve only once the latest value is written: another run (the
      // debounce timer's) may have taken the pending value and still be writing
      // it. Returning early let a screen navigate away and reload a stale row,
      // so a child reference typed as "S2" was stored as "S".
      for (;;) {
        if (running) {
          await running;
          continue;
        }
        if (!pending) return;
        await run();
        if (status === 'error') return; // kept and retried by its timer: never spin here
      }
    },
    get status() {
      return status;
    },
    get waiting() {
      return pending !== undefined || status === 'error';
    },
    get error() {
      return error;
    },
  };
  live.add(saver);
  return saver;
}
