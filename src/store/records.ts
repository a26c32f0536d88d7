// Record operations. Drafts change as they are typed; finishing computes the
// result with the engine and makes the record immutable; a re-assessment is a
// new record linked to the previous one.
import { FACT_SECTION_ID, score } from '../domain/index.ts';
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

/**
 * The last few records this page read or wrote, as written: a screen that opens one of them
 * (the next page of the form after Continue) draws at once instead of waiting a frame and a
 * decrypting read. Writes go through the functions below, which keep it current; a lock
 * reloads the page, so nothing decrypted outlives it.
 */
const known = new Map<string, RecordRow>();
function remember(row: RecordRow): RecordRow {
  known.delete(row.id);
  known.set(row.id, row);
  if (known.size > 4) known.delete(known.keys().next().value!);
  return row;
}

/** What a form page is about to write (its answers, page and reference), so the next page draws it at once. */
export function noteDraft(
  id: string,
  changes: { answers: Answers; section: number; sectionId?: string; childRef?: string },
): void {
  const was = known.get(id);
  if (was && was.state === 'draft')
    remember({
      ...was,
      answers: changes.answers,
      section: changes.section,
      ...(changes.sectionId !== undefined ? { sectionId: changes.sectionId } : {}),
      ...(changes.childRef !== undefined ? { childRef: changes.childRef.trim() } : {}),
    });
}

let lastStamp = 0;
/**
 * The time of a change to a draft, later than any this page stamped before. A draft's writes are
 * ordered by it: a page's write still under way (or retried after storage refused it) never undoes
 * a newer one from the form's next page.
 */
export function changeStamp(): number {
  lastStamp = Math.max(Date.now(), lastStamp + 1);
  return lastStamp;
}

/**
 * The page a draft resumes on. Its section's id when stored (pages can move: the case facts moved
 * from last to first); a draft stored before that (`factsLast`, marked by the v6 upgrade) counted its
 * page with the facts last, and is mapped; one whose order is not known (`pageUnknown`) opens at the start;
 * else its page number.
 */
export function resumeSection(
  row: Pick<RecordRow, 'instrumentId' | 'section' | 'sectionId' | 'factsLast' | 'pageUnknown'>,
): number {
  const inst = getInstrument(row.instrumentId);
  if (!inst) return row.section;
  const at = (id: string | undefined) => (id === undefined ? -1 : inst.sections.findIndex((s) => s.id === id));
  if (row.sectionId !== undefined && at(row.sectionId) >= 0) return at(row.sectionId);
  if (row.factsLast && inst.sections[0]?.id === FACT_SECTION_ID) {
    const n = inst.sections.length;
    // Before: the tool's own pages 0 … n − 2, then the facts at n − 1. Now: the facts at 0, the tool's pages after.
    return row.section >= n - 1 ? 0 : row.section + 1;
  }
  if (row.pageUnknown) return 0; // the start (the case facts, where a tool has them): nothing is skipped unseen
  return Math.min(Math.max(row.section, 0), inst.sections.length - 1);
}

/** The record as this page last read or wrote it, if it did. */
export function knownRecord(id: string): RecordRow | undefined {
  return known.get(id);
}

export async function createDraft(
  db: CseDb,
  /** `id`: the one the form chose when it opened, so its next page can open before this write ends. */
  input: { id?: string; instrumentId: string; childRef: string; previousId?: string; answers?: Answers },
): Promise<RecordRow> {
  const inst = getInstrument(input.instrumentId);
  if (!inst) throw new Error(`Unknown instrument ${input.instrumentId}`);
  const now = Date.now();
  const row: RecordRow = {
    id: input.id ?? newId(),
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
  // Remembered as the write starts (as saveDraft does), so the form's next page draws it at once.
  remember(row);
  try {
    await withReopen(db, () => db.records.add(row));
  } catch (e) {
    known.delete(row.id);
    throw e;
  }
  return remember(row);
}

/**
 * `childRef` is given when the first page, where the reference is asked, is saved; `sectionId` names
 * the page (resumeSection); `at` is when the change was made (changeStamp): an older change than the
 * one stored is not written over it.
 */
export async function saveDraft(
  db: CseDb,
  id: string,
  answers: Answers,
  section: number,
  childRef?: string,
  { sectionId, at = changeStamp() }: { sectionId?: string | undefined; at?: number } = {},
): Promise<void> {
  const changes: Partial<RecordRow> = {
    answers,
    section,
    updatedAt: at,
    ...(sectionId !== undefined ? { sectionId } : {}),
    ...(childRef !== undefined ? { childRef: childRef.trim() } : {}),
  };
  // Remembered as the write starts, so the form's next page draws what is being written.
  const was = known.get(id);
  // A row as created (no page id yet) orders nothing: its time is when the write began, which can be later than
  // the stamp of the change that made it (the first Continue), and that change must not be refused.
  const newer = (row: Pick<RecordRow, 'updatedAt' | 'sectionId'>) => row.sectionId !== undefined && row.updatedAt > at;
  if (was && !newer(was)) remember({ ...was, ...changes });
  try {
    await withReopen(db, async () => {
      let found = false;
      await db.records
        .where(':id')
        .equals(id)
        .modify((row) => {
          found = true;
          if (row.state === 'draft' && newer(row)) return false; // a newer change is already written
          Object.assign(row, changes);
        });
      if (!found) throw new Error('This draft no longer exists on the device.');
    });
  } catch (e) {
    // Kept in memory while storage refuses it (the autosaver retries it): the next page still opens from
    // what was typed. A draft that is gone, or finished, is forgotten.
    if (!(describeStorageError(e).kind === 'full')) known.delete(id);
    throw e;
  }
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
      known.delete(id); // remembered once the transaction has committed (below)
      return { ...row, state: 'final' as const, result, finalisedAt: now, updatedAt: now };
    }),
  );
}

export async function getRecord(db: CseDb, id: string): Promise<RecordRow | undefined> {
  const row = await withReopen(db, () => db.records.get(id));
  if (row && !row._damage) remember(row);
  else known.delete(id);
  return row;
}

export async function deleteDraft(db: CseDb, id: string): Promise<void> {
  await withReopen(db, async () => {
    const row = await db.records.get(id);
    if (row?.state === 'final') throw new FinalRecordError(id);
    await db.records.delete(id);
    known.delete(id);
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
