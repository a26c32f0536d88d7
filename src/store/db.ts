// IndexedDB through Dexie. Schema history:
//   v1  records: id, status ('in-progress' | 'complete'), updatedAt, childRef
//   v2  status → state ('draft' | 'final'), finalisedAt, instrument index,
//       [childRef+instrumentId] for a child's history; meta table.
//   v3  outbox: finished submissions waiting for, or past, delivery.
// Every version stays declared so a device on any older version upgrades in
// place with its records (drafts and queued ones included).
import Dexie, { type Table } from 'dexie';
import type { Answers, Result } from '../engine/types.ts';

export type RecordState = 'draft' | 'final';

export interface RecordRow {
  id: string;
  instrumentId: string;
  instrumentVersion: string;
  state: RecordState;
  /** The practitioner's reference for the child (initials, case number): links re-assessments. */
  childRef: string;
  answers: Answers;
  /** Section the practitioner was on, to resume where they left off. */
  section: number;
  createdAt: number;
  updatedAt: number;
  finalisedAt?: number;
  /** Computed when finalised, with the engine version that computed it. */
  result?: Result;
  /** The record this one re-assesses (a new record, never an overwrite). */
  previousId?: string;
}

export type OutboxState = 'queued' | 'sending' | 'delivered' | 'rejected';

export interface OutboxRow {
  /** The submission id (a UUID made on the device), also the Idempotency-Key. */
  id: string;
  recordId: string;
  state: OutboxState;
  /** What is sent: the submission as JSON text (JWE when sealed for the endpoint). */
  payload: string;
  contentType: string;
  attempts: number;
  createdAt: number;
  /** Earliest time of the next attempt (backoff). */
  nextAttemptAt: number;
  lastAttemptAt?: number;
  lastError?: string;
  receipt?: string;
  deliveredAt?: number;
}

export interface MetaRow {
  key: string;
  value: unknown;
}

export const DB_NAME = 'cse-screen';

export class CseDb extends Dexie {
  records!: Table<RecordRow, string>;
  meta!: Table<MetaRow, string>;
  outbox!: Table<OutboxRow, string>;

  constructor(name = DB_NAME, options?: ConstructorParameters<typeof Dexie>[1]) {
    super(name, options);
    this.version(1).stores({ records: 'id, status, updatedAt, childRef' });
    this.version(2)
      .stores({ records: 'id, state, updatedAt, childRef, instrumentId, [childRef+instrumentId]', meta: 'key' })
      .upgrade((tx) =>
        tx
          .table('records')
          .toCollection()
          .modify((r: Record<string, unknown>) => {
            r.state = r.status === 'complete' ? 'final' : 'draft';
            if (r.state === 'final' && r.finalisedAt === undefined) r.finalisedAt = r.updatedAt;
            if (typeof r.section !== 'number') r.section = 0;
            delete r.status;
          }),
      );
    this.version(3).stores({ outbox: 'id, state, nextAttemptAt, recordId' });

    // A finished record is immutable (000 L1598 "NOT overwritten"): refuse any
    // change to it here, in one place, whoever the caller is.
    this.records.hook('updating', (_mods, _key, current) => {
      if (current.state === 'final') throw new FinalRecordError(current.id);
    });
  }
}

export class FinalRecordError extends Error {
  constructor(readonly recordId: string) {
    super('This record is finished and cannot be changed. Start a re-assessment to record a new one.');
    this.name = 'FinalRecordError';
  }
}
