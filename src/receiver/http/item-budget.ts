// Submissions per device per minute, counted in submissions rather than
// requests: a batch of 50 spends 50, a single POST 1, from the same budget.
// (The rate-limit plugin still counts requests on every route, before any
// body is read; this counts what a request carries, once it is parsed and
// before anything is opened, which is where the server's work is.)
// A fixed one-minute window per device, in memory like the plugin's.

export interface Grant {
  /** How many of those asked for may go ahead now. */
  granted: number;
  /** Seconds until the window resets. */
  retryAfter: number;
}

export class ItemBudget {
  private windows = new Map<string, { start: number; used: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly windowMs = 60_000,
  ) {}

  take(deviceId: string, wanted: number, now = Date.now()): Grant {
    let w = this.windows.get(deviceId);
    if (!w || now - w.start >= this.windowMs) {
      // Forget finished windows now and then, so the map stays as small as the devices active this minute.
      if (this.windows.size > 10_000)
        for (const [id, old] of this.windows) if (now - old.start >= this.windowMs) this.windows.delete(id);
      w = { start: now, used: 0 };
      this.windows.set(deviceId, w);
    }
    const granted = Math.max(0, Math.min(wanted, this.perMinute - w.used));
    w.used += granted;
    return { granted, retryAfter: Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000)) };
  }
}
