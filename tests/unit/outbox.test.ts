// The outbox state machine and backoff, with a fake clock and a scripted
// network in front of the real sender and a real (fake-indexeddb) database.
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CseDb } from '../../src/store/db.ts';
import { createDraft, getRecord } from '../../src/store/records.ts';
import { finaliseAndQueue } from '../../src/sync/outbox.ts';
import { BACKOFF_CAP_MS, backoffDelay, sendDue } from '../../src/sync/sender.ts';
import type { Settings } from '../../src/sync/settings.ts';
import { scores } from '../helpers/answers.ts';

const settings: Settings = {
  author: { name: 'Sam Nurse', role: 'School nurse', organisation: 'Trust', contact: '0123' },
  endpoint: { url: 'http://localhost:9/api/submissions', token: 't' },
};

let db: CseDb;
let name: string;
let clock: number;
beforeEach(() => {
  name = `o-${crypto.randomUUID()}`;
  db = new CseDb(name);
  clock = 1_000_000;
});
afterEach(async () => {
  db.close();
  await Dexie.delete(name);
});

async function queued(n = 1) {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const d = await createDraft(db, { instrumentId: 'gm-cse-measurement-tool', childRef: `C${i}`, answers: scores('gm-cse-measurement-tool', [2, 2, 2, 2, 2, 2, 2, 2, 2, 2], 3) });
    ids.push((await finaliseAndQueue(db, d.id, settings, undefined, clock)).outbox.id);
    clock += 1;
  }
  return ids;
}

/** A scripted network: each call takes the next response (or throws for a drop). */
function network(script: (Response | 'drop' | 'hang')[]) {
  const calls: { key: string | null; body: string }[] = [];
  const fetch = (async (_url: string, init: RequestInit) => {
    const headers = init.headers as Record<string, string>;
    calls.push({ key: headers['Idempotency-Key'] ?? null, body: String(init.body) });
    const next = script.shift() ?? 'drop';
    if (next === 'drop') throw new TypeError('Failed to fetch');
    if (next === 'hang') return new Promise<Response>((_r, reject) => init.signal?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))));
    return next;
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}
const json = (status: number, body: unknown, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
const deps = (fetch: typeof globalThis.fetch) => ({ db, fetch, now: () => clock, random: () => 0.5, endpoint: async () => settings.endpoint, timeoutMs: 50 });

describe('finishing queues atomically', () => {
  it('the record becomes final and the outbox entry exists, together', async () => {
    const [id] = await queued();
    const row = await db.outbox.get(id!);
    expect(row).toMatchObject({ state: 'queued', attempts: 0, contentType: 'application/json' });
    expect((await getRecord(db, row!.recordId))?.state).toBe('final');
    const sub = JSON.parse(row!.payload);
    expect(sub).toMatchObject({ id, schema: 'cse-screen.submission/1', author: { name: 'Sam Nurse' }, result: { level: 'Medium (21 – 40)', total: 23 } }); // 2×10 + 3 = 23 → Medium (21 – 40)
  });

  it('without an author nothing changes: the record stays a draft and nothing is queued', async () => {
    const d = await createDraft(db, { instrumentId: 'nscb-ae-cse-indicator-checklist', childRef: 'X' });
    await expect(finaliseAndQueue(db, d.id, undefined)).rejects.toThrow(/Enter your name/);
    expect((await getRecord(db, d.id))?.state).toBe('draft');
    expect(await db.outbox.count()).toBe(0);
  });

  it('if writing the outbox entry fails, the record is not finalised either', async () => {
    const d = await createDraft(db, { instrumentId: 'nscb-ae-cse-indicator-checklist', childRef: 'Y' });
    const fixedId = crypto.randomUUID();
    await db.outbox.add({ id: fixedId, recordId: 'other', state: 'queued', payload: '{}', contentType: 'application/json', attempts: 0, createdAt: 0, nextAttemptAt: 0 });
    const realUUID = crypto.randomUUID.bind(crypto);
    crypto.randomUUID = () => fixedId as ReturnType<typeof crypto.randomUUID>; // force a key collision inside the transaction
    try {
      await expect(finaliseAndQueue(db, d.id, settings)).rejects.toThrow();
    } finally {
      crypto.randomUUID = realUUID;
    }
    expect((await getRecord(db, d.id))?.state).toBe('draft');
  });
});

describe('backoff', () => {
  it('doubles from 2 s with equal jitter and is capped at 5 minutes', () => {
    expect(backoffDelay(1, () => 0)).toBe(1000);
    expect(backoffDelay(1, () => 1)).toBe(2000);
    expect(backoffDelay(2, () => 0.5)).toBe(3000);
    expect(backoffDelay(3, () => 1)).toBe(8000);
    expect(backoffDelay(30, () => 1)).toBe(BACKOFF_CAP_MS);
    expect(backoffDelay(30, () => 0)).toBe(BACKOFF_CAP_MS / 2);
  });
});

describe('sending', () => {
  it('delivers with the Idempotency-Key and keeps the receipt', async () => {
    const [id] = await queued();
    const net = network([json(201, { receipt: 'R-1' })]);
    const r = await sendDue(deps(net.fetch));
    expect(r).toMatchObject({ attempted: 1, delivered: 1 });
    expect(net.calls[0]?.key).toBe(id);
    expect(await db.outbox.get(id!)).toMatchObject({ state: 'delivered', receipt: 'R-1', attempts: 1 });
  });

  it.each([
    ['a dropped connection', 'drop' as const],
    ['a timeout', 'hang' as const],
    ['500', json(500, { error: { message: 'db down' } })],
    ['503', json(503, {})],
    ['408', json(408, {})],
    ['429', json(429, {})],
    ['401 (a settings problem, not the submission\'s)', json(401, { error: { message: 'bad token' } })],
  ])('%s → back to queued with backoff, not sent again before it falls due', async (_n, response) => {
    const [id] = await queued();
    const net = network([response]);
    await sendDue(deps(net.fetch));
    const row = await db.outbox.get(id!);
    expect(row).toMatchObject({ state: 'queued', attempts: 1 });
    expect(row!.nextAttemptAt).toBe(clock + 1500); // attempt 1, random 0.5 → 1000 + 500
    expect(row!.lastError).toBeTruthy();
    // Not due yet: nothing is sent.
    expect((await sendDue(deps(network([]).fetch))).attempted).toBe(0);
    // Due: sent, and delivered this time.
    clock += 1500;
    const net2 = network([json(201, { receipt: 'R-2' })]);
    expect((await sendDue(deps(net2.fetch))).delivered).toBe(1);
    expect(net2.calls[0]?.key).toBe(id);
  });

  it('honours Retry-After on 429 when it is longer than the backoff', async () => {
    const [id] = await queued();
    await sendDue(deps(network([json(429, {}, { 'Retry-After': '60' })]).fetch));
    expect((await db.outbox.get(id!))!.nextAttemptAt).toBe(clock + 60_000);
  });

  it('another 4xx → rejected, kept with the endpoint\'s message, never retried', async () => {
    const [id] = await queued();
    await sendDue(deps(network([json(400, { error: { message: 'answers.c1-missing: not an option' } })]).fetch));
    const row = await db.outbox.get(id!);
    expect(row).toMatchObject({ state: 'rejected' });
    expect(row!.lastError).toContain('answers.c1-missing: not an option');
    clock += 10 * 60_000;
    expect((await sendDue(deps(network([]).fetch), { force: true })).attempted).toBe(0);
  });

  it('"Send now" sends at once, ignoring the backoff', async () => {
    const [id] = await queued();
    await sendDue(deps(network(['drop']).fetch));
    const r = await sendDue(deps(network([json(201, { receipt: 'R-3' })]).fetch), { force: true });
    expect(r.delivered).toBe(1);
    expect((await db.outbox.get(id!))!.state).toBe('delivered');
  });

  it('an entry left "sending" by a crash is sent again on the next run', async () => {
    const [id] = await queued();
    await db.outbox.update(id!, { state: 'sending' });
    const net = network([json(200, { receipt: 'R-4', duplicate: true })]);
    expect((await sendDue(deps(net.fetch))).delivered).toBe(1);
    expect(net.calls.map((c) => c.key)).toEqual([id]);
  });

  it('one sender at a time: a second concurrent run does nothing', async () => {
    await queued(3);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = (async () => {
      await gate;
      return json(201, { receipt: 'R' });
    }) as unknown as typeof globalThis.fetch;
    const first = sendDue(deps(slow));
    await new Promise((r) => setTimeout(r, 10));
    const second = await sendDue(deps(network([]).fetch));
    expect(second.skipped).toBe(true);
    release();
    expect((await first).delivered).toBe(3);
  });

  it('"Send now" waits for a background run holding the lock, then sends what is left', async () => {
    const [first, second] = await queued(2);
    await sendDue(deps(network(['drop', 'drop']).fetch)); // both now backing off
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    clock += 1500; // only the first is due for the background run
    await db.outbox.update(second!, { nextAttemptAt: clock + 60_000 });
    const slow = (async () => {
      await gate;
      return json(201, { receipt: 'bg' });
    }) as unknown as typeof globalThis.fetch;
    const background = sendDue(deps(slow));
    await new Promise((r) => setTimeout(r, 10));
    const forced = sendDue(deps(network([json(201, { receipt: 'now' })]).fetch), { force: true });
    release();
    expect((await background).delivered).toBe(1);
    const r = await forced;
    expect(r).toMatchObject({ skipped: false, delivered: 1 });
    expect((await db.outbox.get(first!))!.receipt).toBe('bg');
    expect((await db.outbox.get(second!))!.receipt).toBe('now');
  });

  it('sends in the order the records were finished', async () => {
    const ids = await queued(3);
    const net = network([json(201, { receipt: 'a' }), json(201, { receipt: 'b' }), json(201, { receipt: 'c' })]);
    await sendDue(deps(net.fetch));
    expect(net.calls.map((c) => c.key)).toEqual(ids);
  });
});
