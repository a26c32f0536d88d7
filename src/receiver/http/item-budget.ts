// Submissions per device per minute, counted in submissions rather than
// requests: a batch of 50 spends 50, a single POST 1, from the same budget.
// (The rate-limit plugin still counts requests, before any body is read;
// this counts what a request carries, once it is parsed and before anything
// is opened, which is where the server's work is.)
// A one-minute window per device, opened by its first submission, kept in the
// database (rate_windows) and counted by one statement, so instances sharing
// the database share the budget exactly (issue 24: in each process's memory,
// one device got 2,398 accepted in 11 s through two instances).
import type { ReceiverStore } from '../store/receiver-store.ts';

export interface Grant {
  /** How many of those asked for may go ahead now. */
  granted: number;
  /** Seconds until the window resets. */
  retryAfter: number;
}

export class ItemBudget {
  constructor(
    private readonly store: ReceiverStore,
    private readonly perMinute: number,
    private readonly windowMs = 60_000,
  ) {}

  async take(deviceId: string, wanted: number, now = Date.now()): Promise<Grant> {
    const { granted, resetsInMs } = await this.store.takeAllowance(
      `submissions:${deviceId}`,
      wanted,
      this.perMinute,
      this.windowMs,
      now,
    );
    return { granted, retryAfter: Math.max(1, Math.ceil(resetsInMs / 1000)) };
  }
}
