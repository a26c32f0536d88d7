// Retention: a delivered record's content leaves the device after the set
// number of days, keeping the receipt; drafts past their age are counted.
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/security/passcode.ts';
import { purgeExpired, staleDrafts } from '../../src/security/retention.ts';
import { CseDb } from '../../src/store/db.ts';
import { createDraft, getRecord } from '../../src/store/records.ts';
import { finaliseAndQueue } from '../../src/sync/outbox.ts';
import { scores } from '../helpers/answers.ts';

const DAY = 86_400_000;
const settings = {
  author: { name: 'A', role: '', organisation: '', contact: '' },
  endpoint: { url: 'http://localhost/api/submissions', token: 't' },
};
let db: CseDb;
let name: string;
beforeEach(() => {
  name = `r-${crypto.randomUUID()}`;
  db = new CseDb(name);
});
afterEach(async () => {
  db.close();
  await Dexie.delete(name);
});

describe('retention', () => {
  it('purges a delivered record older than 7 days, keeps its receipt, and leaves newer and undelivered ones', async () => {
    const now = Date.now();
    const ids: string[] = [];
    for (const ref of ['old', 'new', 'queued']) {
      const d = await createDraft(db, {
        instrumentId: 'gm-cse-measurement-tool',
        childRef: ref,
        answers: scores('gm-cse-measurement-tool', [2, 2, 2, 2, 2, 2, 2, 2, 2, 2], 3),
      });
      ids.push((await finaliseAndQueue(db, d.id, settings)).outbox.id);
    }
    await db.outbox.update(ids[0]!, { state: 'delivered', receipt: 'R-old', deliveredAt: now - 8 * DAY });
    await db.outbox.update(ids[1]!, { state: 'delivered', receipt: 'R-new', deliveredAt: now - 2 * DAY });
    expect(await purgeExpired(db, DEFAULT_POLICY, now)).toBe(1);
    const old = await db.outbox.get(ids[0]!);
    expect(old).toMatchObject({ state: 'delivered', receipt: 'R-old', payload: '' });
    const oldRecord = await getRecord(db, old!.recordId);
    expect(oldRecord).toMatchObject({ state: 'final', answers: {}, childRef: '' });
    expect(oldRecord?.purgedAt).toBe(now);
    expect(oldRecord?.result).toBeUndefined();
    const kept = await getRecord(db, (await db.outbox.get(ids[1]!))!.recordId);
    expect(kept?.childRef).toBe('new');
    expect((await db.outbox.get(ids[2]!))?.payload).toContain('"childRef":"queued"');
    expect(await purgeExpired(db, DEFAULT_POLICY, now)).toBe(0); // idempotent
  });

  it('counts drafts older than the prompt age', async () => {
    const d = await createDraft(db, { instrumentId: 'nscb-ae-cse-indicator-checklist', childRef: 'x' });
    await createDraft(db, { instrumentId: 'nscb-ae-cse-indicator-checklist', childRef: 'y' });
    await db.records.update(d.id, { updatedAt: Date.now() - 20 * DAY });
    expect(await staleDrafts(db, DEFAULT_POLICY)).toBe(1);
  });
});
