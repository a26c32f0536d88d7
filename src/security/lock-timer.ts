// When to lock: after `idleMs` without activity, or on return to the app
// after it was hidden for longer than that. Pure (clock and timers injected)
// so it can be tested with a fake clock.
export interface LockTimerDeps {
  now: () => number;
  setTimer: (fn: () => void, ms: number) => unknown;
  clearTimer: (t: unknown) => void;
  idleMs: number;
  onLock: () => void;
}

export class LockTimer {
  private timer: unknown;
  private hiddenAt: number | undefined;
  private stopped = false;

  constructor(private deps: LockTimerDeps) {
    this.activity();
  }

  /** A tap, a key press, a scroll: the practitioner is still here. */
  activity(): void {
    if (this.stopped) return;
    this.deps.clearTimer(this.timer);
    this.timer = this.deps.setTimer(() => this.fire(), this.deps.idleMs);
  }

  hidden(): void {
    this.hiddenAt = this.deps.now();
  }

  visible(): void {
    const since = this.hiddenAt;
    this.hiddenAt = undefined;
    if (since !== undefined && this.deps.now() - since >= this.deps.idleMs) this.fire();
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
