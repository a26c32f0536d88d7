// Sends queued submissions, one sender at a time (Web Locks across tabs and
// the service worker). They go in batches (sync/batch.ts: up to
// MAX_BATCH_ITEMS in one request, BATCH_CONCURRENCY requests in flight), each
// item keyed by its submission id, so a repeat after a lost response is
// stored once at the other end; every request carries a fresh device proof
// (DPoP) signed with the device's non-extractable key. Singly (the
// Idempotency-Key header) when a batch cannot carry a row, when the endpoint
// has no batch route, or when it refuses a batch as a whole: then each row
// gets its own answer. Each batch's outcomes are written in one IndexedDB call.
// Each row stays "queued" while its request is out, then (per row, from its
// own answer in the batch):
//   queued → delivered  2xx with a receipt
//   queued → queued     network error, timeout, 408, 429, 5xx, other 401/403:
//                       capped exponential backoff + jitter (Retry-After honoured)
//   queued → rejected   other 4xx, with the endpoint's message; kept on the device
//   queued → withdrawn  401 device-revoked: kept on the device; nothing more is
//                       sent until the device is enrolled again
// ("sending" is no longer written; a row left so by an earlier version is
// queued again at the start of a run.)
import type { CseDb, OutboxRow } from '../store/db.ts';
import {
  BATCH_ITEM_MAX_BYTES,
  type BatchResponse,
  MAX_BATCH_BYTES,
  MAX_BATCH_ITEMS,
  batchUrl,
} from '../contract/batch.ts';
import { type DeviceKey, learnServerClock, makeProof } from './device-proof.ts';
import { fetchEndpointKey } from './seal.ts';
import { type Endpoint, loadEndpoint, saveEndpoint } from './settings.ts';

export interface SenderDeps {
  db: CseDb;
  fetch: typeof fetch;
  now?: () => number;
  random?: () => number;
  /** Defaults to the endpoint stored on the device. */
  endpoint?: () => Promise<Endpoint | undefined>;
  timeoutMs?: number;
  /** Requests in flight at once (default BATCH_CONCURRENCY, or SEND_CONCURRENCY one by one). */
  concurrency?: number;
  /** Submissions per request: 1 sends one by one (the single POST). Default MAX_BATCH_ITEMS. */
  batchSize?: number;
  /** Runs holding the lock when a queued row is still plain JSON (the app: complete and seal held submissions). */
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
/** Batches in flight at once: one being answered while the next is sent. */
export const BATCH_CONCURRENCY = 2;

/** Capped exponential backoff with "equal jitter": half fixed, half random. */
export function backoffDelay(
  attempts: number,
  random: () => number = Math.random,
  base = BACKOFF_BASE_MS,
  cap = BACKOFF_CAP_MS,
): number {
  const exp = Math.min(cap, base * 2 ** Math.max(0, attempts - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

export type Verdict =
  | { kind: 'delivered'; receipt: string }
  | { kind: 'retry'; error: string; retryAfterMs?: number; staleClock?: boolean }
  | { kind: 'rejected'; error: string }
  | { kind: 'withdrawn'; error: string };

export const WITHDRAWN_MESSAGE = "This device's access was withdrawn; ask your administrator.";

/** What an answer means for one submission: the single POST's response, or one item of a batch's. */
interface Answer {
  receipt?: string;
  error?: { code?: string; message?: string };
}

export function verdictOf(
  status: number,
  body: Answer,
  retryAfter: string | null,
  date: string | null = null,
): Verdict {
  const message = body.error?.message ?? `HTTP ${status}`;
  const ok = status >= 200 && status < 300;
  // A receipt is a non-empty text: anything else (true, an object) is no proof the row was stored.
  if (ok && typeof body.receipt === 'string' && body.receipt) return { kind: 'delivered', receipt: body.receipt };
  if (ok) return { kind: 'retry', error: `The MASH inbox answered ${status} without a receipt` };
  if (status === 401 && body.error?.code === 'device-revoked') return { kind: 'withdrawn', error: WITHDRAWN_MESSAGE };
  if (status === 401 && body.error?.code === 'proof-stale')
    return {
      kind: 'retry',
      error: `This device's clock differs from the MASH inbox's: correcting it. ${message}`,
      staleClock: learnServerClock(date),
    };
  if (status === 401 || status === 403)
    return { kind: 'retry', error: `The MASH inbox did not accept this device (${status}): ${message}` };
  if (status === 408 || status === 429 || status >= 500) {
    const ra = Number(retryAfter);
    return {
      kind: 'retry',
      error: `The MASH inbox is busy or failing (${status}): will retry. ${message}`,
      ...(ra > 0 ? { retryAfterMs: ra * 1000 } : {}),
    };
  }
  return { kind: 'rejected', error: `The MASH inbox refused this submission (${status}): ${message}` };
}

/** The answer's JSON object, or {} for anything else (a proxy's HTML error page, `null`, a number). */
async function bodyOf<T>(res: Response): Promise<Partial<T>> {
  try {
    const body: unknown = await res.json();
    return body && typeof body === 'object' && !Array.isArray(body) ? (body as Partial<T>) : {};
  } catch {
    return {};
  }
}

export async function classify(res: Response): Promise<Verdict> {
  return verdictOf(res.status, await bodyOf<Answer>(res), res.headers.get('retry-after'), res.headers.get('date'));
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
  if (locks)
    return wait
      ? locks.request(LOCK, fn)
      : locks.request(LOCK, { ifAvailable: true }, async (lock) => (lock ? fn() : undefined));
  while (wait && localLock) await new Promise((r) => setTimeout(r, 10));
  if (localLock) return undefined;
  localLock = true;
  try {
    return await fn();
  } finally {
    localLock = false;
  }
}

/** A POST to the endpoint with a fresh proof; a dropped connection or a timeout is a Response-less retry. */
async function post(
  deps: SenderDeps,
  url: string,
  key: DeviceKey,
  headers: Record<string, string>,
  body: string,
): Promise<Response | Verdict> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), deps.timeoutMs ?? 20_000);
  try {
    return await deps.fetch(url, {
      method: 'POST',
      headers: { ...headers, DPoP: await makeProof(key, 'POST', url) },
      body,
      signal: ctrl.signal,
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
      cache: 'no-store',
    });
  } catch (e) {
    const aborted = (e as Error).name === 'AbortError';
    return {
      kind: 'retry',
      error: aborted
        ? 'No answer from the MASH inbox in time: will retry'
        : 'No connection to the MASH inbox: will retry',
    };
  } finally {
    clearTimeout(timer);
  }
}

async function attempt(deps: SenderDeps, row: OutboxRow, endpoint: Endpoint, key: DeviceKey): Promise<Verdict> {
  const res = await post(
    deps,
    endpoint.url,
    key,
    { 'Content-Type': row.contentType, 'Idempotency-Key': row.id },
    row.payload,
  );
  return res instanceof Response ? classify(res) : res;
}

/** One row sent on its own, once more at once if the device's clock was corrected from the endpoint's. */
async function sendSingly(deps: SenderDeps, row: OutboxRow, endpoint: Endpoint, key: DeviceKey): Promise<Verdict> {
  const verdict = await attempt(deps, row, endpoint, key);
  return verdict.kind === 'retry' && verdict.staleClock ? attempt(deps, row, endpoint, key) : verdict;
}

/** A batch's verdicts, row by row; or what to do instead when the endpoint would not take it as a batch. */
type BatchAnswer = Verdict[] | 'no-batch-route' | 'one-by-one';

async function attemptBatch(
  deps: SenderDeps,
  rows: OutboxRow[],
  items: string[],
  endpoint: Endpoint,
  key: DeviceKey,
): Promise<BatchAnswer> {
  const res = await post(
    deps,
    batchUrl(endpoint.url),
    key,
    { 'Content-Type': 'application/json' },
    `{"submissions":[${items.join(',')}]}`,
  );
  if (!(res instanceof Response)) return rows.map(() => res);
  // An endpoint from before batches.
  if (res.status === 404 || res.status === 405) return 'no-batch-route';
  // Refused as a whole (too big, malformed): one by one, so each row gets its own answer.
  if (res.status === 400 || res.status === 413 || res.status === 415) return 'one-by-one';
  // Any other success is not a batch's answer (a proxy, or an endpoint that took it for one submission):
  // its receipt, if any, cannot be one per row. One by one, each row gets its own.
  if (res.ok && res.status !== 200) return 'one-by-one';
  if (res.status !== 200) {
    const verdict = await classify(res); // revoked, stale clock, busy: the same for every row
    return rows.map(() => verdict);
  }
  const { results } = await bodyOf<BatchResponse>(res);
  // A 200 that is not a batch's answer (a captive portal's page, say): nothing is known of any row.
  if (!Array.isArray(results))
    return rows.map(() => ({
      kind: 'retry',
      error: 'The MASH inbox answered without a result for each submission: will retry',
    }));
  // The first answer for an id counts (a well-formed answer has one per item).
  const byId = new Map<unknown, BatchResponse['results'][number]>();
  for (const r of results) if (r && typeof r === 'object' && !byId.has(r.id)) byId.set(r.id, r);
  return rows.map((row): Verdict => {
    const r = byId.get(row.id);
    if (!r || typeof r.status !== 'number')
      return { kind: 'retry', error: 'The MASH inbox answered the batch without this submission: will retry' };
    return verdictOf(r.status, r, r.retryAfter ? String(r.retryAfter) : null);
  });
}

const batchItem = (row: OutboxRow) => JSON.stringify({ id: row.id, type: row.contentType, body: row.payload });

/**
 * Rows in order, in requests: batches of up to `size` under the byte limit;
 * a row too large for a batch (or every row, with size 1) on its own.
 */
function pack(rows: OutboxRow[], size: number): { rows: OutboxRow[]; items?: string[] }[] {
  if (size <= 1) return rows.map((row) => ({ rows: [row] }));
  const encoder = new TextEncoder();
  const units: { rows: OutboxRow[]; items?: string[] }[] = [];
  let current: { rows: OutboxRow[]; items: string[] } | undefined;
  let bytes = 0;
  const envelope = '{"submissions":[]}'.length;
  for (const row of rows) {
    const item = batchItem(row);
    const itemBytes = encoder.encode(item).length + 1;
    if (row.payload.length > BATCH_ITEM_MAX_BYTES || envelope + itemBytes > MAX_BATCH_BYTES) {
      units.push({ rows: [row] });
      continue;
    }
    if (!current || current.rows.length >= size || bytes + itemBytes > MAX_BATCH_BYTES) {
      current = { rows: [], items: [] };
      units.push(current);
      bytes = envelope;
    }
    current.rows.push(row);
    current.items.push(item);
    bytes += itemBytes;
  }
  return units;
}

/** Sends every due submission (all queued ones with `force`, for "Send now"). */
export async function sendDue(deps: SenderDeps, opts: { force?: boolean } = {}): Promise<SendReport> {
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const batchSize = Math.max(1, Math.min(deps.batchSize ?? MAX_BATCH_ITEMS, MAX_BATCH_ITEMS));
  const report: SendReport = {
    attempted: 0,
    delivered: 0,
    retrying: 0,
    rejected: 0,
    withdrawn: 0,
    damaged: 0,
    skipped: false,
  };

  /** What a verdict writes on its row, counted in the report. */
  const outcome = (row: OutboxRow, verdict: Verdict): Partial<OutboxRow> => {
    const attempts = row.attempts + 1;
    switch (verdict.kind) {
      case 'delivered':
        report.delivered++;
        return { state: 'delivered', attempts, receipt: verdict.receipt, deliveredAt: now(), lastError: undefined };
      case 'rejected':
        report.rejected++;
        return { state: 'rejected', attempts, lastError: verdict.error };
      case 'withdrawn':
        report.withdrawn++;
        return { state: 'withdrawn', attempts, lastError: verdict.error };
      default: {
        report.retrying++;
        const wait = Math.max(backoffDelay(attempts, random), verdict.retryAfterMs ?? 0);
        return { state: 'queued', attempts, lastError: verdict.error, nextAttemptAt: now() + wait };
      }
    }
  };

  const ran = await withSenderLock(async () => {
    const { db } = deps;
    // We hold the lock, so anything still marked "sending" was interrupted (tab closed, crash): queue it again.
    // (Counted first: a write would wait for any read in progress, such as the Outbox screen listing a thousand rows.)
    if (await db.outbox.where('state').equals('sending').count())
      await db.outbox.where('state').equals('sending').modify({ state: 'queued' });
    const readQueued = () => db.outbox.where('state').equals('queued').sortBy('createdAt');
    let queued = await readQueued();
    // Rows finished before a name or an enrolment existed are completed and sealed first; when none
    // is waiting as plain JSON there is nothing to prepare, and the queue is not read twice.
    if (deps.prepare && queued.some((r) => r.contentType === 'application/json')) {
      await deps.prepare();
      queued = await readQueued();
    }
    const endpoint = await (deps.endpoint ?? (() => loadEndpoint(db)))();
    // Not enrolled, or access withdrawn: everything waits on the device.
    if (!endpoint?.url || !endpoint.device || endpoint.withdrawn) return true;
    const key = endpoint.device.key;
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
    const units = pack(due, batchSize);
    let batchRoute = batchSize > 1;
    let next = 0;
    let stop = false;
    const worker = async () => {
      while (!stop && next < units.length) {
        const unit = units[next++]!;
        report.attempted += unit.rows.length;
        // No "sending" mark is written first: only one sender runs (the lock), a row interrupted
        // mid-send is still "queued" and simply sent again (stored once at the other end), and the
        // write would wait behind any long read (the Outbox screen listing a thousand rows).
        const at = now();
        let answer: BatchAnswer = 'one-by-one';
        if (unit.items && batchRoute) {
          answer = await attemptBatch(deps, unit.rows, unit.items, endpoint, key);
          if (Array.isArray(answer) && answer.some((v) => v.kind === 'retry' && v.staleClock))
            answer = await attemptBatch(deps, unit.rows, unit.items, endpoint, key);
          if (answer === 'no-batch-route') batchRoute = false;
        }
        const verdicts: Verdict[] = [];
        if (Array.isArray(answer)) verdicts.push(...answer);
        else
          for (const row of unit.rows) {
            // Once access is withdrawn, the rest of the unit is not sent.
            const verdict: Verdict = stop
              ? { kind: 'withdrawn', error: WITHDRAWN_MESSAGE }
              : await sendSingly(deps, row, endpoint, key);
            if (verdict.kind === 'withdrawn') stop = true;
            verdicts.push(verdict);
          }
        if (verdicts.some((v) => v.kind === 'withdrawn')) stop = true;
        await db.outbox.bulkUpdate(
          unit.rows.map((row, i) => ({ key: row.id, changes: { ...outcome(row, verdicts[i]!), lastAttemptAt: at } })),
        );
      }
    };
    const concurrency = deps.concurrency ?? (batchSize > 1 ? BATCH_CONCURRENCY : SEND_CONCURRENCY);
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
    // The endpoint may have rotated its key: after a delivery (so it is reachable) the device asks for it again,
    // and what it finishes from now on is sealed to the new one. What is already queued stays sealed to the old
    // key, which the endpoint keeps opening for a grace period.
    if (report.delivered > 0 && endpoint.publicKey && !stop) await refreshEndpointKey(deps, endpoint);
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

/** Fetches the endpoint's published key and keeps it when it is another one (a rotation); never throws. */
async function refreshEndpointKey(deps: SenderDeps, endpoint: Endpoint): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const published = await Promise.race([
    fetchEndpointKey(endpoint.url, deps.fetch),
    new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), deps.timeoutMs ?? 15_000))),
  ]).finally(() => clearTimeout(timer));
  const held = endpoint.publicKey as { kid?: string; x?: string } | undefined;
  const fresh = published as { kid?: string; x?: string } | undefined;
  if (!fresh || (fresh.kid === held?.kid && fresh.x === held?.x)) return;
  const current = await loadEndpoint(deps.db);
  if (current?.url === endpoint.url) await saveEndpoint(deps.db, { ...current, publicKey: published! });
}

/** After a new enrolment: withdrawn submissions go back in the queue. */
export async function requeueWithdrawn(db: CseDb, now = Date.now()): Promise<number> {
  return db.outbox
    .where('state')
    .equals('withdrawn')
    .modify({ state: 'queued', nextAttemptAt: now, lastError: undefined });
}

/** Submissions not yet delivered or rejected: the badge count (withdrawn ones are still waiting). */
export async function waitingCount(db: CseDb): Promise<number> {
  // Three key-range counts, not anyOf(): Dexie counts anyOf with a cursor, which stepped through
  // every delivered entry of the index (40–80 ms with 1,000 delivered, on every Outbox visit).
  const counts = await Promise.all(
    ['queued', 'sending', 'withdrawn'].map((s) => db.outbox.where('state').equals(s).count()),
  );
  return counts.reduce((a, b) => a + b, 0);
}

/** When the next queued submission falls due, or undefined if none wait. */
export async function nextDueAt(db: CseDb): Promise<number | undefined> {
  const next = await db.outbox.where('state').equals('queued').sortBy('nextAttemptAt');
  return next[0]?.nextAttemptAt;
}
