// How many exports this server makes at once. An export streams every referral
// of a view, scored and sealed again (FHIR, zipped CSV): seconds of a core for a
// large view. Without a bound one account could start dozens and stall the
// inbox for everybody; with it, a second export waits for the first only when
// the same account already has its share running, or the server has its share.
// Per server process: each instance behind a balancer protects its own cores.

/** Exports one account may have running at once on this server. */
export const EXPORTS_PER_ACCOUNT = 2;
/** Exports this server makes at once, for everyone. */
export const EXPORTS_AT_ONCE = 4;

export class ExportSlots {
  private readonly running = new Map<string, number>();
  private total = 0;

  constructor(
    readonly perAccount = EXPORTS_PER_ACCOUNT,
    readonly atOnce = EXPORTS_AT_ONCE,
  ) {}

  /** A slot for the account, with its release (safe to call more than once), or undefined when none is free. */
  take(account: string): (() => void) | undefined {
    const mine = this.running.get(account) ?? 0;
    if (mine >= this.perAccount || this.total >= this.atOnce) return undefined;
    this.running.set(account, mine + 1);
    this.total++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      const left = (this.running.get(account) ?? 1) - 1;
      if (left > 0) this.running.set(account, left);
      else this.running.delete(account);
    };
  }

  /** Exports running now (for the metrics and the tests). */
  get inFlight(): number {
    return this.total;
  }
}

/**
 * The stream with the slot released when it ends, fails or is abandoned: a generator's `finally` runs
 * once it has started; a client that leaves before the first chunk is read is caught by its signal.
 */
export function holdingSlot<T>(
  stream: AsyncIterable<T>,
  release: () => void,
  signal: AbortSignal | undefined,
): AsyncIterable<T> {
  signal?.addEventListener('abort', release, { once: true });
  if (signal?.aborted) release();
  return (async function* () {
    try {
      yield* stream;
    } finally {
      release();
    }
  })();
}
