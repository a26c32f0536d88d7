// When to lock: after `idleMs` without activity, or when the app has been
// hidden (in the background, screen off) for longer than `hiddenGraceMs`:
// a timer runs while hidden, and on return the time is checked again in case
// the browser held the timer back. Pure (clock and timers injected) so it can
// be tested with a fake clock.
export interface LockTimerDeps {
  now: () => number;
  setTimer: (fn: () => void, ms: number) => unknown;
  clearTimer: (t: unknown) => void;
  idleMs: number;
  /** Lock after this long in the background (default: the idle time). */
  hiddenGraceMs?: number;
  onLock: () => void;
}

export class LockTimer {
  private timer: unknown;
  private hiddenAt: number | undefined;
  private stopped = false;

  constructor(private deps: LockTimerDeps) {
    this.activity();
  }

  private get graceMs(): number {
    return Math.min(this.deps.idleMs, this.deps.hiddenGraceMs ?? this.deps.idleMs);
  }

  /** A tap, a key press, a scroll: the practitioner is still here. */
  activity(): void {
    if (this.stopped || this.hiddenAt !== undefined) return;
    this.deps.clearTimer(this.timer);
    this.timer = this.deps.setTimer(() => this.fire(), this.deps.idleMs);
  }

  hidden(): void {
    if (this.stopped) return;
    this.hiddenAt = this.deps.now();
    this.deps.clearTimer(this.timer);
    this.timer = this.deps.setTimer(() => this.fire(), this.graceMs);
  }

  visible(): void {
    const since = this.hiddenAt;
    this.hiddenAt = undefined;
    if (since !== undefined && this.deps.now() - since >= this.graceMs) this.fire();
    else this.activity();
  }

  stop(): void {
    this.stopped = true;
    this.deps.clearTimer(this.timer);
  }

  private fire(): void {
    if (this.stopped) return;
    this.stop();
    this.deps.onLock();
  }
}
