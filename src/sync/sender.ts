// Sends queued submissions, one sender at a time (Web Locks across tabs and
// the service worker). Every request carries Idempotency-Key = submission id,
// so a repeat after a lost response is stored once at the other end.
//   queued → sending → delivered (receipt)
//   sending → queued   network error, timeout, 408, 429, 5xx; also 401/403
//                      (a token problem is the device's settings, not the
//                      submission's fault): capped exponential backoff + jitter
//   sending → rejected other 4xx, with the endpoint's message; kept on the device
import type { CseDb, OutboxRow } from '../store/db.ts';
import { type Endpoint, loadEndpoint } from './settings.ts';

export interface SenderDeps {
  db: CseDb;
  fetch: typeof fetch;
  now?: () => number;
  random?: () => number;
  /** Defaults to the endpoint stored on the device. */
  endpoint?: () => Promise<Endpoint | undefined>;
  timeoutMs?: number;
}

export interface SendReport {
  attempted: number;
  delivered: number;
  retrying: number;
  rejected: number;
  /** True when another sender held the lock and this one did nothing. */
  skipped: boolean;
}

export const BACKOFF_BASE_MS = 2_000;
export const BACKOFF_CAP_MS = 5 * 60_000;

/** Capped exponential backoff with "equal jitter": half fixed, half random. */
export function backoffDelay(attempts: number, random: () => number = Math.random, base = BACKOFF_BASE_MS, cap = BACKOFF_CAP_MS): number {
  const exp = Math.min(cap, base * 2 ** Math.max(0, attempts - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

export type Verdict = { kind: 'delivered'; receipt: string } | { kind: 'retry'; error: string; retryAfterMs?: number } | { kind: 'rejected'; error: string };

export async function classify(res: Response): Promise<Verdict> {
  let body: { receipt?: string; error?: { message?: string } } = {};
  try {
    body = await res.json();
  } catch {
    /* a proxy's HTML error page, say */
  }
  const message = body.error?.message ?? `HTTP ${res.status}`;
  if (res.ok && body.receipt) return { kind: 'delivered', receipt: body.receipt };
  if (res.ok) return { kind: 'retry', error: `The endpoint answered ${res.status} without a receipt` };
  if (res.status === 401 || res.status === 403) return { kind: 'retry', error: `The endpoint refused the token (${res.status}): check Settings. ${message}` };
  if (res.status === 408 || res.status === 429 || res.status >= 500) {
    const ra = Number(res.headers.get('retry-after'));
    return { kind: 'retry', error: `The endpoint is busy or failing (${res.status}): will retry. ${message}`, ...(ra > 0 ? { retryAfterMs: ra * 1000 } : {}) };
  }
  return { kind: 'rejected', error: `The endpoint refused this submission (${res.status}): ${message}` };
}

const LOCK = 'cse-screen-outbox-sender';
let localLock = false;

/**
 * Runs `fn` holding the sender lock. A background run gives up at once if
 * another sender holds it; a forced one ("Send now") waits its turn, so the
 * practitioner's tap is never silently dropped.
 */
async function withSenderLock<T>(fn: () => Promise<T>, wait = false): Promise<T | undefined> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (locks) return wait ? locks.request(LOCK, fn) : locks.request(LOCK, { ifAvailable: true }, async (lock) => (lock ? fn() : undefined));
  while (wait && localLock) await new Promise((r) => setTimeout(r, 10));
  if (localLock) return undefined;
  localLock = true;
  try {
    return await fn();
  } finally {
    localLock = false;
  }
}

async function attempt(deps: SenderDeps, row: OutboxRow, endpoint: Endpoint): Promise<Verdict> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), deps.timeoutMs ?? 20_000);
  try {
    const res = await deps.fetch(endpoint.url, {
      method: 'POST',
      headers: { 'Content-Type': row.contentType, Authorization: `Bearer ${endpoint.token}`, 'Idempotency-Key': row.id },
      body: row.payload,
      signal: ctrl.signal,
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
      cache: 'no-store',
    });
    return await classify(res);
  } catch (e) {
    const aborted = (e as Error).name === 'AbortError';
    return { kind: 'retry', error: aborted ? 'No answer from the endpoint in time: will retry' : 'No connection to the endpoint: will retry' };
  } finally {
    clearTimeout(timer);
  }
}

/** Sends every due submission (all queued ones with `force`, for "Send now"). */
export async function sendDue(deps: SenderDeps, opts: { force?: boolean } = {}): Promise<SendReport> {
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const report: SendReport = { attempted: 0, delivered: 0, retrying: 0, rejected: 0, skipped: false };
  const ran = await withSenderLock(async () => {
    const { db } = deps;
    // We hold the lock, so anything still marked "sending" was interrupted (tab closed, crash): queue it again.
    await db.outbox.where('state').equals('sending').modify({ state: 'queued' });
    const endpoint = await (deps.endpoint ?? (() => loadEndpoint(db)))();
    if (!endpoint?.url) return true;
    const due = await db.outbox
      .where('state')
      .equals('queued')
      // A payload not sealed to the endpoint is encrypted at rest: without the key
      // (app locked, or the service worker) it cannot be read, so it waits for the app.
      .filter((r) => (opts.force || r.nextAttemptAt <= now()) && typeof r.payload === 'string')
      .sortBy('createdAt');
    for (const row of due) {
      report.attempted++;
      await db.outbox.update(row.id, { state: 'sending', lastAttemptAt: now() });
      const verdict = await attempt(deps, row, endpoint);
      const attempts = row.attempts + 1;
      if (verdict.kind === 'delivered') {
        report.delivered++;
        await db.outbox.update(row.id, { state: 'delivered', attempts, receipt: verdict.receipt, deliveredAt: now(), lastError: undefined });
      } else if (verdict.kind === 'rejected') {
        report.rejected++;
        await db.outbox.update(row.id, { state: 'rejected', attempts, lastError: verdict.error });
      } else {
        report.retrying++;
        const wait = Math.max(backoffDelay(attempts, random), verdict.retryAfterMs ?? 0);
        await db.outbox.update(row.id, { state: 'queued', attempts, lastError: verdict.error, nextAttemptAt: now() + wait });
      }
    }
    return true;
  }, opts.force);
  if (ran === undefined) report.skipped = true;
  return report;
}

/** Submissions not yet delivered or rejected: the badge count. */
export async function waitingCount(db: CseDb): Promise<number> {
  return db.outbox.where('state').anyOf('queued', 'sending').count();
}

/** When the next queued submission falls due, or undefined if none wait. */
export async function nextDueAt(db: CseDb): Promise<number | undefined> {
  const next = await db.outbox.where('state').equals('queued').sortBy('nextAttemptAt');
  return next[0]?.nextAttemptAt;
}
