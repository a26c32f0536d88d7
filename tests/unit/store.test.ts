// Store tests against fake-indexeddb: drafts, immutability, history, and the
// v1 → v2 migration with records present.
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CseDb, FACTS_FIRST_BUILT_AT, FinalRecordError } from '../../src/store/db.ts';
import {
  changeStamp,
  childHistory,
  createDraft,
  finalise,
  getRecord,
  recentRecords,
  resumeSection,
  saveDraft,
  trend,
} from '../../src/store/records.ts';
import { getInstrument } from '../../src/domain/index.ts';
import { keyring } from '../../src/crypto/keyring.ts';
import { openJson, sealJson } from '../../src/crypto/cipher.ts';
import { encryptionMiddleware } from '../../src/store/encryption.ts';
import { countDelivered, outboxListing, strayOutboxRows } from '../../src/store/outbox-list.ts';
import { deleteDamaged, storedRow } from '../../src/store/damage.ts';
import { scores } from '../helpers/answers.ts';

let name: string;
let db: CseDb;
beforeEach(() => {
  name = `test-${crypto.randomUUID()}`;
  db = new CseDb(name);
});
afterEach(async () => {
  db.close();
  await Dexie.delete(name);
});

describe('drafts and finished records', () => {
  it('saves answers as they change and resumes them', async () => {
    const d = await createDraft(db, { instrumentId: 'gm-cse-measurement-tool', childRef: 'AB-1' });
    await saveDraft(db, d.id, { 'c1-missing': '3' }, 1);
    const back = await getRecord(db, d.id);
    expect(back).toMatchObject({ state: 'draft', answers: { 'c1-missing': '3' }, section: 1 });
  });

  it('finishing scores with the engine and makes the record immutable', async () => {
    const d = await createDraft(db, {
      instrumentId: 'gm-cse-measurement-tool',
      childRef: 'AB-1',
      answers: scores('gm-cse-measurement-tool', [2, 2, 2, 2, 2, 2, 2, 2, 2, 2], 5),
    });
    const f = await finalise(db, d.id);
    expect(f.result).toMatchObject({ level: 'Medium (21 – 40)', total: 25 });
    await expect(saveDraft(db, d.id, {}, 0)).rejects.toBeInstanceOf(FinalRecordError);
    await expect(db.records.update(d.id, { childRef: 'changed' })).rejects.toBeInstanceOf(FinalRecordError);
    await expect(finalise(db, d.id)).rejects.toBeInstanceOf(FinalRecordError);
    expect((await getRecord(db, d.id))?.childRef).toBe('AB-1');
  });

  it('a re-assessment is a new record; history and trend come from the chain', async () => {
    const first = await createDraft(db, {
      instrumentId: 'gm-cse-measurement-tool',
      childRef: 'AB-1',
      answers: scores('gm-cse-measurement-tool', [3, 3, 3, 3, 3, 3, 3, 3, 3, 3], 5),
    });
    const a = await finalise(db, first.id);
    const second = await createDraft(db, {
      instrumentId: 'gm-cse-measurement-tool',
      childRef: 'AB-1',
      previousId: a.id,
      answers: scores('gm-cse-measurement-tool', [2, 2, 2, 2, 2, 2, 2, 2, 2, 2], 4),
    });
    const b = await finalise(db, second.id);
    const h = await childHistory(db, 'AB-1', 'gm-cse-measurement-tool');
    expect(h.map((r) => r.result?.total)).toEqual([35, 24]);
    expect(trend(a, b)).toBe('Decreased');
    expect(trend(b, a)).toBe('Increased');
    expect(trend(a, a)).toBe('Stayed the same');
  });
});

/** The rows exactly as IndexedDB holds them (below Dexie and its middleware). */
function rawRows(dbName: string, store: string): Promise<Record<string, unknown>[]> {
  return new Promise((ok, fail) => {
    const open = indexedDB.open(dbName);
    open.onerror = () => fail(open.error);
    open.onsuccess = () => {
      const req = open.result.transaction(store).objectStore(store).getAll();
      req.onsuccess = () => {
        open.result.close();
        ok(req.result);
      };
    };
  });
}

describe('schema upgrade v1 → current with records present', () => {
  it('keeps every record, maps status to state, stamps finalisedAt, and encrypts them', async () => {
    db.close();
    await Dexie.delete(name);
    const v1 = new Dexie(name);
    v1.version(1).stores({ records: 'id, status, updatedAt, childRef' });
    await v1.table('records').bulkAdd([
      {
        id: 'a',
        instrumentId: 'nscb-ae-cse-indicator-checklist',
        instrumentVersion: '1.0.0',
        status: 'in-progress',
        childRef: 'X',
        answers: { 'low-self-harm': 'yes' },
        createdAt: 1,
        updatedAt: 2,
      },
      {
        id: 'b',
        instrumentId: 'nscb-ae-cse-indicator-checklist',
        instrumentVersion: '1.0.0',
        status: 'complete',
        childRef: 'X',
        answers: {},
        createdAt: 3,
        updatedAt: 4,
      },
    ]);
    v1.close();

    db = new CseDb(name);
    const rows = await db.records.orderBy('id').toArray();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ id: 'a', state: 'draft', section: 0, answers: { 'low-self-harm': 'yes' } });
    expect(rows[0]).not.toHaveProperty('status');
    expect(rows[1]).toMatchObject({ id: 'b', state: 'final', finalisedAt: 4 });
    expect(await childHistory(db, 'X', 'nscb-ae-cse-indicator-checklist')).toHaveLength(1); // the final one
    db.close();
    const raw = await rawRows(name, 'records');
    expect(raw.map((r) => Object.keys(r).sort())).toEqual([
      ['_enc', 'createdAt', 'factsLast', 'id', 'instrumentId', 'instrumentVersion', 'section', 'state', 'updatedAt'],
      ['_enc', 'createdAt', 'finalisedAt', 'id', 'instrumentId', 'instrumentVersion', 'section', 'state', 'updatedAt'],
    ]);
    expect(JSON.stringify(raw)).not.toContain('low-self-harm');
  });

  it('keeps submissions still queued through the upgrade from v3, and they are still sendable', async () => {
    db.close();
    await Dexie.delete(name);
    const v3 = new Dexie(name);
    v3.version(1).stores({ records: 'id, status, updatedAt, childRef' });
    v3.version(2).stores({
      records: 'id, state, updatedAt, childRef, instrumentId, [childRef+instrumentId]',
      meta: 'key',
    });
    v3.version(3).stores({ outbox: 'id, state, nextAttemptAt, recordId' });
    const queued = Array.from({ length: 5 }, (_, i) => ({
      id: crypto.randomUUID(),
      recordId: `r${i}`,
      state: 'queued',
      payload: `{"n":${i}}`,
      contentType: 'application/json',
      attempts: 0,
      createdAt: i,
      nextAttemptAt: 0,
    }));
    await v3.table('outbox').bulkAdd(queued);
    v3.close();
    db = new CseDb(name);
    const back = await db.outbox.orderBy('id').toArray();
    expect(back).toHaveLength(5);
    expect(back.map((r) => r.payload).sort()).toEqual(queued.map((q) => q.payload).sort());
    expect(back.every((r) => r.state === 'queued')).toBe(true);
    db.close();
    expect(JSON.stringify(await rawRows(name, 'outbox'))).not.toContain('"n":');
  });
});

describe('a connection closed by the browser', () => {
  it('is reopened and the save goes through', async () => {
    const d = await createDraft(db, { instrumentId: 'nscb-ae-cse-indicator-checklist', childRef: 'Z' });
    db.close();
    await saveDraft(db, d.id, { 'med-cars': 'yes' }, 2);
    expect((await getRecord(db, d.id))?.answers).toEqual({ 'med-cars': 'yes' });
  });
});

describe('schema upgrade v4 → v5 (outbox indexes) with submissions queued', () => {
  it('loses nothing, and the new [state+createdAt] index finds every row', async () => {
    db.close();
    await Dexie.delete(name);
    const v4 = new Dexie(name);
    v4.use(encryptionMiddleware(keyring.get));
    v4.version(1).stores({ records: 'id, status, updatedAt, childRef' });
    v4.version(2).stores({
      records: 'id, state, updatedAt, childRef, instrumentId, [childRef+instrumentId]',
      meta: 'key',
    });
    v4.version(3).stores({ outbox: 'id, state, nextAttemptAt, recordId' });
    v4.version(4).stores({ records: 'id, state, updatedAt, instrumentId' });
    const rows = Array.from({ length: 50 }, (_, i) => ({
      id: `s${i}`,
      recordId: `r${i}`,
      state: i < 30 ? 'queued' : 'delivered',
      payload: `{"n":${i}}`,
      contentType: 'application/json',
      attempts: 0,
      createdAt: 1000 + i,
      nextAttemptAt: 0,
    }));
    await v4.table('outbox').bulkAdd(rows);
    await v4.table('records').add({
      id: 'r0',
      instrumentId: 'gm-cse-measurement-tool',
      instrumentVersion: '1.0.0',
      state: 'draft',
      childRef: 'KEEP',
      answers: {},
      section: 0,
      createdAt: 1,
      updatedAt: 1,
    });
    v4.close();

    db = new CseDb(name);
    expect(db.verno).toBe(6);
    expect(await db.outbox.count()).toBe(50);
    expect(
      (
        await db.outbox.where('[state+createdAt]').between(['queued', Dexie.minKey], ['queued', Dexie.maxKey]).toArray()
      ).map((r) => r.payload),
    ).toEqual(rows.slice(0, 30).map((r) => r.payload));
    expect(await db.outbox.where('createdAt').above(1039).count()).toBe(10);
    expect((await getRecord(db, 'r0'))?.childRef).toBe('KEEP');
    const listing = await outboxListing(db, 5);
    expect(listing.rows.map((r) => r.row.id)).toEqual([
      ...['s49', 's48', 's47', 's46', 's45'],
      ...rows
        .slice(0, 30)
        .map((r) => r.id)
        .reverse(),
    ]);
    expect(listing.shownDelivered).toBe(5);
    expect((await countDelivered(db)) - listing.shownDelivered).toBe(15);
  });
});

describe('schema upgrade v5 → v6: a draft stored before the case facts came first', () => {
  // The A&E checklist (003 L491–L514) with the case facts: before, its pages were About the child, Low,
  // Medium, Higher, then the facts (5 pages); now the facts are first. A draft left on "Low" (page 1 then)
  // must reopen on "Low" (page 2 now), and one left on the facts (page 4 then) on the facts (page 0 now).
  const AE = 'nscb-ae-cse-indicator-checklist';
  it('reopens on the page it was left on, by the page id from then on', async () => {
    const inst = getInstrument(AE)!;
    expect(inst.sections.map((s) => s.id)).toEqual(['case-facts', 'about', 'low', 'medium', 'higher']);
    db.close();
    await Dexie.delete(name);
    const v5 = new Dexie(name);
    v5.use(encryptionMiddleware(keyring.get));
    v5.version(1).stores({ records: 'id, status, updatedAt, childRef' });
    v5.version(2).stores({
      records: 'id, state, updatedAt, childRef, instrumentId, [childRef+instrumentId]',
      meta: 'key',
    });
    v5.version(3).stores({ outbox: 'id, state, nextAttemptAt, recordId' });
    v5.version(4).stores({ records: 'id, state, updatedAt, instrumentId' });
    v5.version(5).stores({ outbox: 'id, state, nextAttemptAt, recordId, createdAt, [state+createdAt]' });
    const draft = (id: string, section: number, createdAt = Date.parse('2026-12-01T09:00:00Z')) => ({
      id,
      instrumentId: AE,
      instrumentVersion: inst.version,
      state: 'draft',
      childRef: id.toUpperCase(),
      answers: { 'low-self-harm': 'yes' },
      section,
      createdAt,
      updatedAt: createdAt,
    });
    // Made after the facts-first build existed, saved without its page's id: either build may have saved it.
    const since = draft('since', 2, FACTS_FIRST_BUILT_AT + 60_000);
    await v5.table('records').bulkAdd([draft('on-low', 1), draft('on-facts', 4), draft('on-about', 0), since]);
    v5.close();

    db = new CseDb(name);
    const page = async (id: string) => inst.sections[resumeSection((await getRecord(db, id))!)]!.id;
    expect(await page('on-low')).toBe('low');
    expect(await page('on-facts')).toBe('case-facts');
    expect(await page('on-about')).toBe('about');
    // Its order unknown, it opens at the start (the case facts), every answer kept, nothing skipped unseen.
    expect(await page('since')).toBe('case-facts');
    expect((await getRecord(db, 'since'))?.answers).toEqual({ 'low-self-harm': 'yes' });
    expect((await getRecord(db, 'on-low'))?.childRef).toBe('ON-LOW'); // the content is kept

    // Saved again on its page: kept by the page's id, which wins over the old count from then on.
    await saveDraft(db, 'on-low', { 'low-self-harm': 'yes' }, 3, undefined, { sectionId: 'medium' });
    expect(await page('on-low')).toBe('medium');
  });

  it('a draft saved today keeps its page by id, and an older change never undoes a newer one', async () => {
    const d = await createDraft(db, { instrumentId: AE, childRef: 'NEW' });
    const older = changeStamp();
    const newer = changeStamp();
    await saveDraft(db, d.id, { 'low-self-harm': 'yes', 'med-cars': 'yes' }, 3, undefined, {
      sectionId: 'medium',
      at: newer,
    });
    // The previous page's write, retried late (storage was full): not written over the newer one.
    await saveDraft(db, d.id, { 'low-self-harm': 'yes' }, 2, undefined, { sectionId: 'low', at: older });
    const row = (await db.records.get(d.id))!;
    expect(row.answers).toEqual({ 'low-self-harm': 'yes', 'med-cars': 'yes' });
    expect(row.sectionId).toBe('medium');
    expect(resumeSection(row)).toBe(3);
    expect(row.factsLast).toBeUndefined();
  });
});

describe('the Outbox listing', () => {
  it('shows every row not delivered (unknown states included) and reads only the newest delivered ones', async () => {
    db.close();
    let opened = 0;
    // Counts the key look-ups, one per row decrypted by the middleware.
    db = new CseDb(name, undefined, () => (opened++, keyring.get()));
    const base = { payload: '{}', contentType: 'application/json', attempts: 0, nextAttemptAt: 0 };
    await db.outbox.bulkAdd(
      Array.from({ length: 1000 }, (_, i) => ({
        ...base,
        id: `d${i}`,
        recordId: `r${i}`,
        state: 'delivered' as const,
        createdAt: i,
      })),
    );
    await db.outbox.bulkAdd([
      { ...base, id: 'q', recordId: 'x', state: 'queued', createdAt: 5 },
      { ...base, id: 'rej', recordId: 'x', state: 'rejected', createdAt: 6 },
      { ...base, id: 'odd', recordId: 'x', state: 'frozen' as never, createdAt: 7 },
    ]);
    opened = 0;
    const listing = await outboxListing(db, 100);
    expect(listing.rows).toHaveLength(103);
    expect(listing.rows.slice(0, 3).map((r) => r.row.id)).toEqual(['d999', 'd998', 'd997']);
    expect(
      listing.rows
        .filter((r) => r.row.state !== 'delivered')
        .map((r) => r.row.id)
        .sort(),
    ).toEqual(['odd', 'q', 'rej']);
    expect(opened).toBeLessThan(250); // 103 outbox rows and their records, not 1,003
    expect((await countDelivered(db)) - listing.shownDelivered).toBe(900);
    expect(opened).toBeLessThan(250); // counted on the index: no row read
  });
});

/** Overwrites a row below the middleware, as a disk fault or a tamperer would. */
function rawPut(dbName: string, store: string, row: Record<string, unknown>): Promise<void> {
  return new Promise((ok, fail) => {
    const open = indexedDB.open(dbName);
    open.onsuccess = () => {
      const tx = open.result.transaction(store, 'readwrite');
      tx.objectStore(store).put(row);
      tx.oncomplete = () => {
        open.result.close();
        ok();
      };
      tx.onerror = () => fail(tx.error);
    };
  });
}

describe('damaged rows are survived and named', () => {
  it('a tampered draft, a finished record without its result, a payload that is not text, an unknown state: marked, the others open', async () => {
    const good = await createDraft(db, { instrumentId: 'nscb-ae-cse-indicator-checklist', childRef: 'GOOD-1' });
    const tampered = await createDraft(db, { instrumentId: 'nscb-ae-cse-indicator-checklist', childRef: 'BAD-1' });
    const broken = await createDraft(db, { instrumentId: 'gm-cse-measurement-tool', childRef: 'BAD-2' });
    await finalise(db, broken.id);
    await db.outbox.bulkAdd([
      {
        id: 'ok',
        recordId: good.id,
        state: 'queued',
        payload: 'a.b.c.d.e',
        contentType: 'application/jose',
        attempts: 0,
        createdAt: 1,
        nextAttemptAt: 0,
      },
      {
        id: 'odd',
        recordId: good.id,
        state: 'frozen' as never,
        payload: 'a.b.c.d.e',
        contentType: 'application/jose',
        attempts: 0,
        createdAt: 2,
        nextAttemptAt: 0,
      },
    ]);
    db.close();
    const [rawTampered] = (await rawRows(name, 'records')).filter((r) => r.id === tampered.id);
    const enc = rawTampered!._enc as { ct: string };
    await rawPut(name, 'records', {
      ...rawTampered,
      _enc: { ...enc, ct: `A${enc.ct.slice(1)}` === enc.ct ? `B${enc.ct.slice(1)}` : `A${enc.ct.slice(1)}` },
    });
    // A finished record whose result is gone, re-sealed with the right key: it decrypts but does not fit its schema.
    const [rawBroken] = (await rawRows(name, 'records')).filter((r) => r.id === broken.id);
    const inner = openJson<Record<string, unknown>>(
      keyring.require(),
      `records:${broken.id}`,
      rawBroken!._enc as never,
    );
    delete inner.result;
    await rawPut(name, 'records', { ...rawBroken, _enc: sealJson(keyring.require(), `records:${broken.id}`, inner) });
    await rawPut(name, 'outbox', {
      id: 'notext',
      recordId: good.id,
      state: 'queued',
      payload: 12345,
      contentType: 'application/jose',
      attempts: 0,
      createdAt: 3,
      nextAttemptAt: 0,
    });
    db = new CseDb(name);

    const recent = await recentRecords(db);
    expect(recent).toHaveLength(3);
    const byId = Object.fromEntries(recent.map((r) => [r.id, r]));
    expect(byId[good.id]).toMatchObject({ childRef: 'GOOD-1' });
    expect(byId[good.id]!._damage).toBeUndefined();
    expect(byId[tampered.id]!._damage).toMatch(/integrity check/);
    expect(byId[tampered.id]).toMatchObject({ instrumentId: 'nscb-ae-cse-indicator-checklist', state: 'draft' });
    expect(byId[broken.id]!._damage).toMatch(/finished record without its result/);

    const listing = await outboxListing(db);
    const rows = Object.fromEntries(listing.rows.map((r) => [r.row.id, r.row]));
    expect(rows.notext!._damage).toMatch(/payload is not text/);
    expect(rows.odd).toMatchObject({ state: 'frozen' });
    expect(rows.odd!._damage).toBeUndefined();
    expect(rows.ok!._damage).toBeUndefined();
    // A row with no state at all is in no index: not in the fast listing, found by the stray scan that follows it.
    await rawPut(name, 'outbox', {
      id: 'nostate',
      recordId: good.id,
      payload: 'a.b.c.d.e',
      contentType: 'application/jose',
      attempts: 0,
      createdAt: 4,
      nextAttemptAt: 0,
    });
    expect((await outboxListing(db)).rows.map((r) => r.row.id)).not.toContain('nostate');
    const stray = await strayOutboxRows(db);
    expect(stray.map((r) => r.row.id)).toEqual(['nostate']);
    expect(stray[0]!.record?.childRef).toBe('GOOD-1');
    await db.outbox.delete('nostate');
    expect(await strayOutboxRows(db)).toEqual([]);

    // A damaged row cannot be written over; it can be exported as stored, and deleted.
    await expect(saveDraft(db, tampered.id, { x: 'y' }, 0)).rejects.toThrow(/integrity check/);
    expect(JSON.stringify(await storedRow(db, 'records', tampered.id))).not.toContain('BAD-1');
    expect(await storedRow(db, 'records', tampered.id)).toHaveProperty('_enc');
    await expect(deleteDamaged(db, 'records', good.id)).rejects.toThrow(/not damaged/);
    await deleteDamaged(db, 'records', tampered.id);
    await deleteDamaged(db, 'outbox', 'notext');
    expect(await db.records.count()).toBe(2);
    expect(await db.outbox.count()).toBe(2);
  });
});
