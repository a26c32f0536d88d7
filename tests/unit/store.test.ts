// Store tests against fake-indexeddb: drafts, immutability, history, and the
// v1 → v2 migration with records present.
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CseDb, FinalRecordError } from '../../src/store/db.ts';
import { childHistory, createDraft, finalise, getRecord, saveDraft, trend } from '../../src/store/records.ts';
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
    const d = await createDraft(db, { instrumentId: 'gm-cse-measurement-tool', childRef: 'AB-1', answers: scores('gm-cse-measurement-tool', [2, 2, 2, 2, 2, 2, 2, 2, 2, 2], 5) });
    const f = await finalise(db, d.id);
    expect(f.result).toMatchObject({ level: 'Medium (21 – 40)', total: 25 });
    await expect(saveDraft(db, d.id, {}, 0)).rejects.toBeInstanceOf(FinalRecordError);
    await expect(db.records.update(d.id, { childRef: 'changed' })).rejects.toBeInstanceOf(FinalRecordError);
    await expect(finalise(db, d.id)).rejects.toBeInstanceOf(FinalRecordError);
    expect((await getRecord(db, d.id))?.childRef).toBe('AB-1');
  });

  it('a re-assessment is a new record; history and trend come from the chain', async () => {
    const first = await createDraft(db, { instrumentId: 'gm-cse-measurement-tool', childRef: 'AB-1', answers: scores('gm-cse-measurement-tool', [3, 3, 3, 3, 3, 3, 3, 3, 3, 3], 5) });
    const a = await finalise(db, first.id);
    const second = await createDraft(db, { instrumentId: 'gm-cse-measurement-tool', childRef: 'AB-1', previousId: a.id, answers: scores('gm-cse-measurement-tool', [2, 2, 2, 2, 2, 2, 2, 2, 2, 2], 4) });
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
      { id: 'a', instrumentId: 'nscb-ae-cse-indicator-checklist', instrumentVersion: '1.0.0', status: 'in-progress', childRef: 'X', answers: { 'low-self-harm': 'yes' }, createdAt: 1, updatedAt: 2 },
      { id: 'b', instrumentId: 'nscb-ae-cse-indicator-checklist', instrumentVersion: '1.0.0', status: 'complete', childRef: 'X', answers: {}, createdAt: 3, updatedAt: 4 },
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
      ['_enc', 'createdAt', 'id', 'instrumentId', 'instrumentVersion', 'section', 'state', 'updatedAt'],
      ['_enc', 'createdAt', 'finalisedAt', 'id', 'instrumentId', 'instrumentVersion', 'section', 'state', 'updatedAt'],
    ]);
    expect(JSON.stringify(raw)).not.toContain('low-self-harm');
  });

  it('keeps submissions still queued through the upgrade from v3, and they are still sendable', async () => {
    db.close();
    await Dexie.delete(name);
    const v3 = new Dexie(name);
    v3.version(1).stores({ records: 'id, status, updatedAt, childRef' });
    v3.version(2).stores({ records: 'id, state, updatedAt, childRef, instrumentId, [childRef+instrumentId]', meta: 'key' });
    v3.version(3).stores({ outbox: 'id, state, nextAttemptAt, recordId' });
    const queued = Array.from({ length: 5 }, (_, i) => ({ id: crypto.randomUUID(), recordId: `r${i}`, state: 'queued', payload: `{"n":${i}}`, contentType: 'application/json', attempts: 0, createdAt: i, nextAttemptAt: 0 }));
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
