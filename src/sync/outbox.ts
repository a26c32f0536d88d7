// Finishing a record queues its submission atomically: in one Dexie
// transaction the record becomes final and the outbox entry exists, or
// neither happens. Finishing never waits for settings: without a name or an
// enrolment the submission is queued unsealed (encrypted at rest like any
// record) and sealed for the endpoint once both exist (prepareHeld).
import { score } from '../domain/index.ts';
import { localDate } from '../domain/index.ts';
import { getInstrument } from '../domain/index.ts';
import { type CseDb, FinalRecordError, type OutboxRow, type RecordRow } from '../store/db.ts';
import { withReopen } from '../store/records.ts';
import { type Settings, authorProblem } from './settings.ts';
import { type Author, SUBMISSION_SCHEMA, type Submission } from '../contract/submission.ts';

import { APP_VERSION } from '../version.ts';

const NO_AUTHOR: Author = { name: '', role: '', organisation: '', contact: '' };

export function buildSubmission(record: RecordRow, settings: Settings | undefined, now: Date): Submission {
  const inst = getInstrument(record.instrumentId)!;
  return {
    schema: SUBMISSION_SCHEMA,
    id: crypto.randomUUID(),
    kind: inst.kind === 'information-report' ? 'information-report' : 'assessment',
    instrument: { id: inst.id, version: inst.version },
    childRef: record.childRef,
    ...(record.previousId ? { previousId: record.previousId } : {}),
    answers: record.answers,
    result: record.result ?? score(inst, record.answers, { on: localDate(now) }),
    ...(record.result?.routing ? { routing: record.result.routing } : {}),
    author: settings?.author ?? NO_AUTHOR,
    device: { time: now.toISOString(), timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC' },
    app: { version: APP_VERSION },
  };
}

/** Optional sealing step (JWE to the endpoint's key) applied before the payload is stored. */
export type Seal = (submission: Submission) => Promise<{ payload: string; contentType: string }>;

export const plainJson: Seal = async (s) => ({ payload: JSON.stringify(s), contentType: 'application/json' });

export async function finaliseAndQueue(
  db: CseDb,
  recordId: string,
  settings: Settings | undefined,
  seal: Seal = plainJson,
  now = Date.now(),
): Promise<{ record: RecordRow; outbox: OutboxRow }> {
  // Seal outside the transaction (WebCrypto is async and would commit it early), then write both rows together.
  const draft = await withReopen(db, () => db.records.get(recordId));
  if (!draft) throw new Error('This draft no longer exists on the device.');
  if (draft.state === 'final') throw new FinalRecordError(recordId);
  const inst = getInstrument(draft.instrumentId)!;
  const finalRow: RecordRow = {
    ...draft,
    state: 'final',
    result: score(inst, draft.answers, { on: localDate(new Date(now)) }),
    finalisedAt: now,
    updatedAt: now,
  };
  const submission = buildSubmission(finalRow, settings, new Date(now));
  // Without a name it is not ready to go: kept unsealed (encrypted at rest), completed and sealed later.
  const sealed = authorProblem(settings?.author) ? await plainJson(submission) : await seal(submission);
  const entry: OutboxRow = {
    id: submission.id,
    recordId,
    state: 'queued',
    ...sealed,
    attempts: 0,
    createdAt: now,
    nextAttemptAt: now,
  };
  await withReopen(db, () =>
    db.transaction('rw', db.records, db.outbox, async () => {
      const current = await db.records.get(recordId);
      if (!current) throw new Error('This draft no longer exists on the device.');
      if (current.state === 'final') throw new FinalRecordError(recordId);
      if (current.updatedAt !== draft.updatedAt)
        throw new Error('The draft changed while it was being finished; please try again.');
      await db.records.put(finalRow);
      await db.outbox.add(entry);
    }),
  );
  return { record: finalRow, outbox: entry };
}

/**
 * Completes submissions queued before the practitioner's name or the
 * endpoint's key were known: fills in the author and seals them. Runs only
 * where the payload is readable (the app, unlocked); returns how many are
 * still held for want of a name.
 */
export async function prepareHeld(
  db: CseDb,
  author: Author | undefined,
  seal: Seal | undefined,
): Promise<{ prepared: number; held: number }> {
  const rows = await db.outbox
    .where('state')
    .anyOf('queued', 'withdrawn')
    .filter((r) => r.contentType === 'application/json' && typeof r.payload === 'string')
    .toArray();
  let held = 0;
  const ready: { id: string; sub: Submission }[] = [];
  for (const row of rows) {
    let sub: Submission;
    try {
      sub = JSON.parse(row.payload) as Submission;
    } catch {
      continue;
    }
    if (authorProblem(sub.author)) {
      if (authorProblem(author)) {
        held++;
        continue;
      }
      sub = { ...sub, author: author! };
    } else if (!seal) continue;
    ready.push({ id: row.id, sub });
  }
  // Sealed together and written in one call: a thousand held rows written one by one took seconds.
  const changes = await Promise.all(
    ready.map(async ({ id, sub }) => ({ key: id, changes: seal ? await seal(sub) : await plainJson(sub) })),
  );
  if (changes.length) await db.outbox.bulkUpdate(changes);
  return { prepared: changes.length, held };
}

export async function outboxForRecord(db: CseDb, recordId: string): Promise<OutboxRow | undefined> {
  return withReopen(db, () => db.outbox.where('recordId').equals(recordId).first());
}
