// The outbox state machine and backoff, with a fake clock and a scripted
// network in front of the real sender and a real (fake-indexeddb) database.
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newDeviceKey } from '../../src/sync/device-proof.ts';
import { CseDb } from '../../src/store/db.ts';
import { createDraft, getRecord } from '../../src/store/records.ts';
import { finaliseAndQueue, prepareHeld } from '../../src/sync/outbox.ts';
import { BACKOFF_CAP_MS, backoffDelay, requeueWithdrawn, sendDue, waitingCount } from '../../src/sync/sender.ts';
import { loadEndpoint } from '../../src/sync/settings.ts';
import type { Settings } from '../../src/sync/settings.ts';
import { scores } from '../helpers/answers.ts';

const settings: Settings = {
  author: { name: 'Sam Nurse', role: 'School nurse', organisation: 'Trust', contact: '0123' },
  endpoint: { url: 'http://localhost:9/api/submissions' },
};
beforeAll(async () => {
  settings.endpoint.device = {
    id: 'dev-1',
    name: 'Test device',
    key: await newDeviceKey(),
    enrolledAt: new Date().toISOString(),
  };
});

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
    const d = await createDraft(db, {
      instrumentId: 'gm-cse-measurement-tool',
      childRef: `C${i}`,
      answers: scores('gm-cse-measurement-tool', [2, 2, 2, 2, 2, 2, 2, 2, 2, 2], 3),
    });
    ids.push((await finaliseAndQueue(db, d.id, settings, undefined, clock)).outbox.id);
    clock += 1;
  }
  return ids;
}

/** A scripted network: each call takes the next response (or throws for a drop). */
function network(script: (Response | 'drop' | 'hang')[]) {
  const calls: { key: string | null; body: string; proof: string | null }[] = [];
  const fetch = (async (_url: string, init: RequestInit) => {
    const headers = init.headers as Record<string, string>;
    calls.push({ key: headers['Idempotency-Key'] ?? null, body: String(init.body), proof: headers.DPoP ?? null });
    const next = script.shift() ?? 'drop';
    if (next === 'drop') throw new TypeError('Failed to fetch');
    if (next === 'hang')
      return new Promise<Response>((_r, reject) =>
        init.signal?.addEventListener('abort', () =>
          reject(Object.assign(new Error('aborted'), { name: 'AbortError' })),
        ),
      );
    return next;
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
// One by one (the single POST): these tests script one response per submission. Batches are tested below.
const deps = (fetch: typeof globalThis.fetch) => ({
  db,
  fetch,
  now: () => clock,
  random: () => 0.5,
  endpoint: async () => settings.endpoint,
  timeoutMs: 50,
  batchSize: 1,
});

describe('finishing queues atomically', () => {
  it('the record becomes final and the outbox entry exists, together', async () => {
    const [id] = await queued();
    const row = await db.outbox.get(id!);
    expect(row).toMatchObject({ state: 'queued', attempts: 0, contentType: 'application/json' });
    expect((await getRecord(db, row!.recordId))?.state).toBe('final');
    const sub = JSON.parse(row!.payload);
    expect(sub).toMatchObject({
      id,
      schema: 'cse-screen.submission/1',
      author: { name: 'Sam Nurse' },
      result: { level: 'Medium (21 – 40)', total: 23 },
    }); // 2×10 + 3 = 23 → Medium (21 – 40)
  });

  it('finishing needs no settings: without a name the record is final and queued, held until a name is set', async () => {
    const d = await createDraft(db, { instrumentId: 'nscb-ae-cse-indicator-checklist', childRef: 'X' });
    const { outbox } = await finaliseAndQueue(db, d.id, undefined);
    expect((await getRecord(db, d.id))?.state).toBe('final');
    expect(outbox).toMatchObject({ state: 'queued', contentType: 'application/json' });
    // Held: the sender does not send a submission with no author.
    const net = network([json(201, { receipt: 'R-x' })]);
    expect((await sendDue(deps(net.fetch), { force: true })).attempted).toBe(0);
    expect(await prepareHeld(db, undefined, undefined)).toEqual({ prepared: 0, held: 1 });
    // Once the name is known, it is completed (and would be sealed with a seal) and sent.
    expect(await prepareHeld(db, settings.author, undefined)).toEqual({ prepared: 1, held: 0 });
    expect(JSON.parse((await db.outbox.get(outbox.id))!.payload).author.name).toBe('Sam Nurse');
    expect((await sendDue(deps(net.fetch), { force: true })).delivered).toBe(1);
  });

  it('finishing reads the age from a date of birth on the day it is finished, when no date of assessment was typed (003 L555, L2170)', async () => {
    // 11 + 2 = 13 → Green on the scores alone (L555); born 1 March 2015, finished 23 November 2026: 11, so Amber (L2170).
    const answers = { ...scores('nscb-cse-assessment', [1, 1, 1, 1, 1, 1, 1, 1, 1, 2], 2), 'yp-dob': '2015-03-01' };
    const d = await createDraft(db, { instrumentId: 'nscb-cse-assessment', childRef: 'DOB-ONLY', answers });
    const { record } = await finaliseAndQueue(db, d.id, settings, undefined, Date.UTC(2026, 10, 23, 12));
    expect(record.result).toMatchObject({ total: 13, level: 'Amber (18-42)' });
    expect(record.result!.nextSteps.map((s) => s.id)).toContain('nn-under-13-immediate-mash');
  });

  it('if writing the outbox entry fails, the record is not finalised either', async () => {
    const d = await createDraft(db, { instrumentId: 'nscb-ae-cse-indicator-checklist', childRef: 'Y' });
    const fixedId = crypto.randomUUID();
    await db.outbox.add({
      id: fixedId,
      recordId: 'other',
      state: 'queued',
      payload: '{}',
      contentType: 'application/json',
      attempts: 0,
      createdAt: 0,
      nextAttemptAt: 0,
    });
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
    expect(net.calls[0]?.proof).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/); // a signed proof, not a token
    expect(await db.outbox.get(id!)).toMatchObject({ state: 'delivered', receipt: 'R-1', attempts: 1 });
  });

  it.each([
    ['a dropped connection', 'drop' as const],
    ['a timeout', 'hang' as const],
    ['500', json(500, { error: { message: 'db down' } })],
    ['503', json(503, {})],
    ['408', json(408, {})],
    ['429', json(429, {})],
    [
      "401 not enrolled (the device's problem, not the submission's)",
      json(401, { error: { code: 'not-enrolled', message: 'not enrolled' } }),
    ],
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

  it("another 4xx → rejected, kept with the endpoint's message, never retried", async () => {
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

  it('"Send now" counts a damaged queued row (payload not text) instead of reporting nothing waiting, and sends the rest', async () => {
    const [good] = await queued();
    await db.outbox.put({
      id: 'damaged-1',
      recordId: 'gone',
      state: 'queued',
      payload: 12345 as unknown as string,
      contentType: 'application/jose',
      attempts: 0,
      nextAttemptAt: 0,
      createdAt: clock,
    });
    const net = network([json(201, { receipt: 'R-9' })]);
    const r = await sendDue(deps(net.fetch), { force: true });
    expect(r).toMatchObject({ delivered: 1, retrying: 0, damaged: 1 });
    expect(net.calls.map((c) => c.key)).toEqual([good]);
    expect((await db.outbox.get('damaged-1'))!.state).toBe('queued');
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

  it('one by one, one in flight, sends in the order the records were finished (several in flight start in that order but may overtake; batches keep it, below)', async () => {
    const ids = await queued(3);
    const net = network([json(201, { receipt: 'a' }), json(201, { receipt: 'b' }), json(201, { receipt: 'c' })]);
    await sendDue({ ...deps(net.fetch), concurrency: 1 });
    expect(net.calls.map((c) => c.key)).toEqual(ids);
  });

  it('401 device-revoked → withdrawn: kept on the device, the rest held too, nothing more sent until re-enrolment', async () => {
    const ids = await queued(3);
    await db.meta.put({ key: 'endpoint', value: settings.endpoint });
    const net = network([
      json(401, {
        error: { code: 'device-revoked', message: "This device's access was withdrawn; ask your administrator." },
      }),
    ]);
    const r = await sendDue({ ...deps(net.fetch), concurrency: 1 });
    expect(r.withdrawn).toBe(1);
    const rows = await db.outbox.bulkGet(ids);
    expect(rows.map((x) => x!.state)).toEqual(['withdrawn', 'withdrawn', 'withdrawn']);
    expect(rows[0]!.lastError).toBe("This device's access was withdrawn; ask your administrator.");
    expect((await loadEndpoint(db))?.withdrawn).toBe(true);
    expect(await waitingCount(db)).toBe(3); // still waiting, still counted
    // The stored endpoint now says withdrawn: nothing is attempted.
    expect((await sendDue({ db, fetch: network([]).fetch, now: () => clock }, { force: true })).attempted).toBe(0);
    expect(await requeueWithdrawn(db, clock)).toBe(3);
    expect(
      (
        await sendDue(
          deps(network([json(201, { receipt: '1' }), json(201, { receipt: '2' }), json(201, { receipt: '3' })]).fetch),
        )
      ).delivered,
    ).toBe(3);
  });

  it('sends several at once, never more than the bound', async () => {
    await queued(20);
    let inFlight = 0;
    let most = 0;
    const fetch = (async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      // Hold each answer until six are waiting (or a while has passed), so overlap is visible.
      for (let t = 0; t < 100 && inFlight < 6; t++) await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return json(201, { receipt: crypto.randomUUID() });
    }) as unknown as typeof globalThis.fetch;
    const r = await sendDue({ ...deps(fetch), concurrency: 6 });
    expect(r.delivered).toBe(20);
    expect(most).toBe(6);
  });
});

describe('sending in batches', () => {
  /** A scripted network that records each request's address and, for a batch, the ids it carried. */
  function batchNetwork(answer: (url: string, ids: string[]) => Response | 'drop') {
    const calls: { url: string; ids: string[]; key: string | null; proof: string | null }[] = [];
    const fetch = (async (url: string, init: RequestInit) => {
      const headers = init.headers as Record<string, string>;
      const ids = url.endsWith('/batch')
        ? (JSON.parse(String(init.body)) as { submissions: { id: string }[] }).submissions.map((s) => s.id)
        : [headers['Idempotency-Key']!];
      calls.push({ url, ids, key: headers['Idempotency-Key'] ?? null, proof: headers.DPoP ?? null });
      const res = answer(url, ids);
      if (res === 'drop') throw new TypeError('Failed to fetch');
      return res;
    }) as typeof globalThis.fetch;
    return { fetch, calls };
  }
  const batchDeps = (fetch: typeof globalThis.fetch) => ({ ...deps(fetch), batchSize: 50 });
  const allDelivered = (ids: string[]) =>
    json(200, { results: ids.map((id) => ({ id, status: 201, receipt: `R-${id}` })) });

  it('120 queued go in three requests to …/batch (50, 50, 20) in the order finished, one fresh proof each; every receipt kept', async () => {
    const ids = await queued(120);
    const net = batchNetwork((_u, batch) => allDelivered(batch));
    const r = await sendDue({ ...batchDeps(net.fetch), concurrency: 1 });
    expect(r).toMatchObject({ attempted: 120, delivered: 120, retrying: 0 });
    expect(net.calls.map((c) => [c.url, c.ids.length])).toEqual([
      ['http://localhost:9/api/submissions/batch', 50],
      ['http://localhost:9/api/submissions/batch', 50],
      ['http://localhost:9/api/submissions/batch', 20],
    ]);
    expect(net.calls.flatMap((c) => c.ids)).toEqual(ids);
    expect(new Set(net.calls.map((c) => c.proof)).size).toBe(3);
    const rows = await db.outbox.bulkGet(ids);
    expect(
      rows.every((row, i) => row!.state === 'delivered' && row!.receipt === `R-${ids[i]}` && row!.attempts === 1),
    ).toBe(true);
  });

  it('each item is settled by its own answer: delivered, a repeat, refused, over the quota (Retry-After), left out', async () => {
    const [ok, repeat, refused, quota, missing] = await queued(5);
    const net = batchNetwork(() =>
      json(200, {
        results: [
          { id: ok, status: 201, receipt: 'R-ok' },
          { id: repeat, status: 200, receipt: 'R-before', duplicate: true },
          { id: refused, status: 400, error: { code: 'invalid-submission', message: 'answers: not valid' } },
          { id: quota, status: 429, error: { code: 'daily-quota', message: 'spent' }, retryAfter: 3600 },
        ],
      }),
    );
    const r = await sendDue(batchDeps(net.fetch));
    expect(r).toMatchObject({ attempted: 5, delivered: 2, rejected: 1, retrying: 2 });
    expect(await db.outbox.get(ok!)).toMatchObject({ state: 'delivered', receipt: 'R-ok' });
    expect(await db.outbox.get(repeat!)).toMatchObject({ state: 'delivered', receipt: 'R-before' });
    expect(await db.outbox.get(refused!)).toMatchObject({
      state: 'rejected',
      lastError: 'The MASH inbox refused this submission (400): answers: not valid',
    });
    expect(await db.outbox.get(quota!)).toMatchObject({
      state: 'queued',
      attempts: 1,
      nextAttemptAt: clock + 3_600_000,
    });
    // Left out of the answer: tried again after the backoff (attempt 1, random 0.5 → 1,500 ms), never taken as delivered.
    expect(await db.outbox.get(missing!)).toMatchObject({ state: 'queued', attempts: 1, nextAttemptAt: clock + 1500 });
  });

  it('a dropped connection puts the whole batch back in the queue with backoff; the next run delivers each once', async () => {
    const ids = await queued(3);
    await sendDue(batchDeps(batchNetwork(() => 'drop').fetch));
    expect((await db.outbox.bulkGet(ids)).map((row) => [row!.state, row!.nextAttemptAt])).toEqual(
      ids.map(() => ['queued', clock + 1500]),
    );
    clock += 1500;
    const net = batchNetwork((_u, batch) => allDelivered(batch));
    expect((await sendDue(batchDeps(net.fetch))).delivered).toBe(3);
    expect(net.calls.flatMap((c) => c.ids)).toEqual(ids);
  });

  it('an endpoint with no batch route (404): sent one by one, with the Idempotency-Key, for the rest of the run', async () => {
    const ids = await queued(60);
    const net = batchNetwork((url, [id]) =>
      url.endsWith('/batch')
        ? json(404, { error: { code: 'not-found', message: 'Not found' } })
        : json(201, { receipt: `R-${id}` }),
    );
    const r = await sendDue({ ...batchDeps(net.fetch), concurrency: 1 });
    expect(r.delivered).toBe(60);
    // One batch tried; every row then alone, in order.
    expect(net.calls.filter((c) => c.url.endsWith('/batch')).length).toBe(1);
    expect(net.calls.filter((c) => !c.url.endsWith('/batch')).map((c) => c.key)).toEqual(ids);
  });

  it('a batch refused as a whole (413) is sent one by one, so each row gets its own answer', async () => {
    const [good, bad] = await queued(2);
    const net = batchNetwork((url, [id]) =>
      url.endsWith('/batch')
        ? json(413, { error: { code: 'too-large', message: 'too large' } })
        : id === bad
          ? json(400, { error: { message: 'answers: not valid' } })
          : json(201, { receipt: 'R-good' }),
    );
    const r = await sendDue(batchDeps(net.fetch));
    expect(r).toMatchObject({ delivered: 1, rejected: 1 });
    expect(await db.outbox.get(good!)).toMatchObject({ state: 'delivered', receipt: 'R-good' });
    expect(await db.outbox.get(bad!)).toMatchObject({ state: 'rejected' });
  });

  it('401 device-revoked on a batch: every row withdrawn and kept, nothing more sent', async () => {
    const ids = await queued(70);
    await db.meta.put({ key: 'endpoint', value: settings.endpoint });
    const net = batchNetwork(() => json(401, { error: { code: 'device-revoked', message: 'withdrawn' } }));
    const r = await sendDue({ ...batchDeps(net.fetch), concurrency: 1 });
    expect(net.calls.length).toBe(1);
    expect(r.withdrawn).toBe(50);
    expect(new Set((await db.outbox.bulkGet(ids)).map((row) => row!.state))).toEqual(new Set(['withdrawn']));
    expect((await loadEndpoint(db))?.withdrawn).toBe(true);
  });

  it("a success that is not a batch's answer (201 with one receipt) never marks the rows delivered with it: they go one by one", async () => {
    const ids = await queued(3);
    const net = batchNetwork((url, [id]) =>
      url.endsWith('/batch') ? json(201, { receipt: 'R-one' }) : json(201, { receipt: `R-${id}` }),
    );
    expect((await sendDue(batchDeps(net.fetch))).delivered).toBe(3);
    expect((await db.outbox.bulkGet(ids)).map((row) => row!.receipt)).toEqual(ids.map((id) => `R-${id}`));
  });

  it.each([
    ['null', 'null'],
    ['an HTML page', '<html>Sign in to the Wi-Fi</html>'],
    ['results that are not a list', '{"results":{"a":1}}'],
    ['a receipt that is not text', null],
  ])(
    'a 200 with %s: every row back in the queue with backoff, none delivered, the run ends normally',
    async (_n, text) => {
      const ids = await queued(2);
      const net = batchNetwork((_u, batch) =>
        text === null
          ? json(200, { results: batch.map((id) => ({ id, status: 201, receipt: true })) })
          : new Response(text, { status: 200, headers: { 'Content-Type': 'application/json' } }),
      );
      const r = await sendDue(batchDeps(net.fetch));
      expect(r).toMatchObject({ delivered: 0, retrying: 2 });
      expect((await db.outbox.bulkGet(ids)).map((row) => [row!.state, row!.nextAttemptAt])).toEqual(
        ids.map(() => ['queued', clock + 1500]),
      );
    },
  );

  it('the first answer for an id counts when the endpoint repeats one', async () => {
    const [id] = await queued(1);
    const net = batchNetwork(() =>
      json(200, {
        results: [
          { id, status: 400, error: { message: 'refused' } },
          { id, status: 201, receipt: 'R-late' },
        ],
      }),
    );
    await sendDue(batchDeps(net.fetch));
    expect(await db.outbox.get(id!)).toMatchObject({ state: 'rejected' });
  });

  it('a 429 for the whole batch honours its Retry-After on every row', async () => {
    const ids = await queued(2);
    await sendDue(
      batchDeps(
        batchNetwork(() =>
          json(429, { error: { code: 'rate-limited', message: 'slow down' } }, { 'Retry-After': '45' }),
        ).fetch,
      ),
    );
    expect((await db.outbox.bulkGet(ids)).map((row) => row!.nextAttemptAt)).toEqual([clock + 45_000, clock + 45_000]);
  });
});
