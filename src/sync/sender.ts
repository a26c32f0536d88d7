// Sends queued submissions, one sender at a time (Web Locks across tabs and
// the service worker), up to SEND_CONCURRENCY requests in flight. Every
// request carries Idempotency-Key = submission id, so a repeat after a lost
// response is stored once at the other end, and a fresh device proof (DPoP)
// signed with the device's non-extractable key.
//   queued → sending → delivered (receipt)
//   sending → queued    network error, timeout, 408, 429, 5xx, other 401/403:
//                       capped exponential backoff + jitter (Retry-After honoured)
//   sending → rejected  other 4xx, with the endpoint's message; kept on the device
//   sending → withdrawn 401 device-revoked: kept on the device; nothing more is
//                       sent until the device is enrolled again
import type { CseDb, OutboxRow } from '../store/db.ts';
import { type DeviceKey, learnServerClock, makeProof } from './device-proof.ts';
import { type Endpoint, loadEndpoint, saveEndpoint } from './settings.ts';

export interface SenderDeps {
  db: CseDb;
  fetch: typeof fetch;
  now?: () => number;
  random?: () => number;
  /** Defaults to the endpoint stored on the device. */
  endpoint?: () => Promise<Endpoint | undefined>;
  timeoutMs?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Runs first, holding the lock (the app: complete and seal held submissions). */
  prepare?: () => Promise<void>;
}

export interface SendReport {
  attempted: number;
  delivered: number;
  retrying: number;
  rejected: number;
  withdrawn: number;
  /** Queued rows damaged on the device (marked `_damage` on read): they can never be sent as they are. */
  damaged: number;
  /** True when another sender held the lock and this one did nothing. */
  skipped: boolean;
}

export const BACKOFF_BASE_MS = 2_000;
export const BACKOFF_CAP_MS = 5 * 60_000;
export const SEND_CONCURRENCY = 6;

/** Capped exponential backoff with "equal jitter": half fixed, half random. */
export function backoffDelay(attempts: number, random: () => number = Math.random, base = BACKOFF_BASE_MS, cap = BACKOFF_CAP_MS): number {
  const exp = Math.min(cap, base * 2 ** Math.max(0, attempts - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

export type Verdict =
  | { kind: 'delivered'; receipt: string }
  | { kind: 'retry'; error: string; retryAfterMs?: number; staleClock?: boolean }
  | { kind: 'rejected'; error: string }
  | { kind: 'withdrawn'; error: string };

export const WITHDRAWN_MESSAGE = "This device's access was withdrawn; ask your administrator.";

export async function classify(res: Response): Promise<Verdict> {
  let body: { receipt?: string; error?: { code?: string; message?: string } } = {};
  try {
    body = await res.json();
  } catch {
    /* a proxy's HTML error page, say */
  }
  const message = body.error?.message ?? `HTTP ${res.status}`;
  if (res.ok && body.receipt) return { kind: 'delivered', receipt: body.receipt };
  if (res.ok) return { kind: 'retry', error: `The endpoint answered ${res.status} without a receipt` };
  if (res.status === 401 && body.error?.code === 'device-revoked') return { kind: 'withdrawn', error: WITHDRAWN_MESSAGE };
  if (res.status === 401 && body.error?.code === 'proof-stale') return { kind: 'retry', error: `This device's clock differs from the endpoint's: correcting it. ${message}`, staleClock: learnServerClock(res.headers.get('date')) };
  if (res.status === 401 || res.status === 403) return { kind: 'retry', error: `The endpoint did not accept this device (${res.status}): ${message}` };
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

async function attempt(deps: SenderDeps, row: OutboxRow, endpoint: Endpoint, key: DeviceKey): Promise<Verdict> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), deps.timeoutMs ?? 20_000);
  try {
    const res = await deps.fetch(endpoint.url, {
      method: 'POST',
      headers: { 'Content-Type': row.contentType, 'Idempotency-Key': row.id, DPoP: await makeProof(key, 'POST', endpoint.url) },
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
  const report: SendReport = { attempted: 0, delivered: 0, retrying: 0, rejected: 0, withdrawn: 0, damaged: 0, skipped: false };
  const ran = await withSenderLock(async () => {
    const { db } = deps;
    // We hold the lock, so anything still marked "sending" was interrupted (tab closed, crash): queue it again.
    await db.outbox.where('state').equals('sending').modify({ state: 'queued' });
    await deps.prepare?.();
    const endpoint = await (deps.endpoint ?? (() => loadEndpoint(db)))();
    // Not enrolled, or access withdrawn: everything waits on the device.
    if (!endpoint?.url || !endpoint.device || endpoint.withdrawn) return true;
    const key = endpoint.device.key;
    const queued = await db.outbox.where('state').equals('queued').sortBy('createdAt');
    // A damaged row is counted, so "Send now" never reports "0 still waiting" over one that cannot go.
    report.damaged = queued.filter((r) => r._damage).length;
    const due = queued.filter(
      (r) =>
        !r._damage &&
        (opts.force || r.nextAttemptAt <= now()) &&
        // A payload not sealed to the endpoint is encrypted at rest: without the key
        // (app locked, or the service worker) it cannot be read, so it waits for the app.
        typeof r.payload === 'string' &&
        // One with no author yet (finished before a name was set) waits for prepare().
        !(r.contentType === 'application/json' && /"author":\{"name":""/.test(r.payload)),
    );
    let next = 0;
    let stop = false;
    const worker = async () => {
      while (!stop && next < due.length) {
        const row = due[next++]!;
        report.attempted++;
        await db.outbox.update(row.id, { state: 'sending', lastAttemptAt: now() });
        let verdict = await attempt(deps, row, endpoint, key);
        // A wrong clock is corrected from the endpoint's Date header: try once more at once.
        if (verdict.kind === 'retry' && verdict.staleClock) verdict = await attempt(deps, row, endpoint, key);
        const attempts = row.attempts + 1;
        if (verdict.kind === 'delivered') {
          report.delivered++;
          await db.outbox.update(row.id, { state: 'delivered', attempts, receipt: verdict.receipt, deliveredAt: now(), lastError: undefined });
        } else if (verdict.kind === 'rejected') {
          report.rejected++;
          await db.outbox.update(row.id, { state: 'rejected', attempts, lastError: verdict.error });
        } else if (verdict.kind === 'withdrawn') {
          report.withdrawn++;
          stop = true;
          await db.outbox.update(row.id, { state: 'withdrawn', attempts, lastError: verdict.error });
        } else {
          report.retrying++;
          const wait = Math.max(backoffDelay(attempts, random), verdict.retryAfterMs ?? 0);
          await db.outbox.update(row.id, { state: 'queued', attempts, lastError: verdict.error, nextAttemptAt: now() + wait });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, deps.concurrency ?? SEND_CONCURRENCY) }, worker));
    if (stop) {
      // Withdrawn: say so on every waiting submission, and stop sending until re-enrolment.
      await db.outbox.where('state').equals('queued').modify({ state: 'withdrawn', lastError: WITHDRAWN_MESSAGE });
      const current = await loadEndpoint(db);
      if (current) await saveEndpoint(db, { ...current, withdrawn: true });
    }
    return true;
  }, opts.force);
  if (ran === undefined) report.skipped = true;
  return report;
}

/** After a new enrolment: withdrawn submissions go back in the queue. */
export async function requeueWithdrawn(db: CseDb, now = Date.now()): Promise<number> {
  return db.outbox.where('state').equals('withdrawn').modify({ state: 'queued', nextAttemptAt: now, lastError: undefined });
}

/** Submissions not yet delivered or rejected: the badge count (withdrawn ones are still waiting). */
export async function waitingCount(db: CseDb): Promise<number> {
  // Three key-range counts, not anyOf(): Dexie counts anyOf with a cursor, which stepped through
  // every delivered entry of the index (40–80 ms with 1,000 delivered, on every Outbox visit).
  const counts = await Promise.all(['queued', 'sending', 'withdrawn'].map((s) => db.outbox.where('state').equals(s).count()));
  return counts.reduce((a, b) => a + b, 0);
}

/** When the next queued submission falls due, or undefined if none wait. */
export async function nextDueAt(db: CseDb): Promise<number | undefined> {
  const next = await db.outbox.where('state').equals('queued').sortBy('nextAttemptAt');
  return next[0]?.nextAttemptAt;
}
