// Record operations. Drafts change as they are typed; finishing computes the
// result with the engine and makes the record immutable; a re-assessment is a
// new record linked to the previous one.
import { score } from '../domain/index.ts';
import { localDate } from '../domain/index.ts';
import type { Answers } from '../domain/index.ts';
import { getInstrument } from '../domain/index.ts';
import { type CseDb, FinalRecordError, type RecordRow } from './db.ts';
import { describeStorageError } from './errors.ts';

export function newId(): string {
  return crypto.randomUUID();
}

/** Runs a store operation; if the browser closed the connection, reopens once and retries. */
export async function withReopen<T>(db: CseDb, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (e) {
    // Only a closed connection is retried; anything else goes to the caller
    // as it is (the UI turns it into words with describeStorageError).
    if (describeStorageError(e).kind !== 'closed') throw e;
    await db.open();
    return op();
  }
}

export async function createDraft(
  db: CseDb,
  input: { instrumentId: string; childRef: string; previousId?: string; answers?: Answers },
): Promise<RecordRow> {
  const inst = getInstrument(input.instrumentId);
  if (!inst) throw new Error(`Unknown instrument ${input.instrumentId}`);
  const now = Date.now();
  const row: RecordRow = {
    id: newId(),
    instrumentId: inst.id,
    instrumentVersion: inst.version,
    state: 'draft',
    childRef: input.childRef.trim(),
    answers: input.answers ?? {},
    section: 0,
    createdAt: now,
    updatedAt: now,
    ...(input.previousId ? { previousId: input.previousId } : {}),
  };
  await withReopen(db, () => db.records.add(row));
  return row;
}

/** `childRef` is given when the first page, where the reference is asked, is saved. */
export async function saveDraft(
  db: CseDb,
  id: string,
  answers: Answers,
  section: number,
  childRef?: string,
): Promise<void> {
  await withReopen(db, async () => {
    const n = await db.records.update(id, {
      answers,
      section,
      updatedAt: Date.now(),
      ...(childRef !== undefined ? { childRef: childRef.trim() } : {}),
    });
    if (n === 0) throw new Error('This draft no longer exists on the device.');
  });
}

export async function finalise(db: CseDb, id: string): Promise<RecordRow> {
  return withReopen(db, () =>
    db.transaction('rw', db.records, async () => {
      const row = await db.records.get(id);
      if (!row) throw new Error('This draft no longer exists on the device.');
      if (row.state === 'final') throw new FinalRecordError(id);
      const inst = getInstrument(row.instrumentId);
      if (!inst) throw new Error(`Unknown instrument ${row.instrumentId}`);
      const now = Date.now();
      const result = score(inst, row.answers, { on: localDate(new Date(now)) });
      await db.records.update(id, { state: 'final', result, finalisedAt: now, updatedAt: now });
      return { ...row, state: 'final' as const, result, finalisedAt: now, updatedAt: now };
    }),
  );
}

export async function getRecord(db: CseDb, id: string): Promise<RecordRow | undefined> {
  return withReopen(db, () => db.records.get(id));
}

export async function deleteDraft(db: CseDb, id: string): Promise<void> {
  await withReopen(db, async () => {
    const row = await db.records.get(id);
    if (row?.state === 'final') throw new FinalRecordError(id);
    await db.records.delete(id);
  });
}

export async function recentRecords(db: CseDb, limit = 20): Promise<RecordRow[]> {
  return withReopen(db, () => db.records.orderBy('updatedAt').reverse().limit(limit).toArray());
}

/** A child's finished assessments with one instrument, oldest first. */
export async function childHistory(db: CseDb, childRef: string, instrumentId: string): Promise<RecordRow[]> {
  // The child's reference is encrypted, so it cannot be an index: filter after decrypting.
  const rows = await withReopen(db, () => db.records.where('instrumentId').equals(instrumentId).toArray());
  return rows
    .filter((r) => r.state === 'final' && r.childRef === childRef)
    .sort((a, b) => (a.finalisedAt ?? 0) - (b.finalisedAt ?? 0));
}

export type Trend = 'Increased' | 'Decreased' | 'Stayed the same';

/** The measurement tools ask "since the last review … Increased / Decreased / Stayed the same" (000 L1665). */
export function trend(previous: RecordRow | undefined, current: RecordRow): Trend | undefined {
  const a = previous?.result?.total;
  const b = current.result?.total;
  if (a === undefined || b === undefined) return undefined;
  return b > a ? 'Increased' : b < a ? 'Decreased' : 'Stayed the same';
}
