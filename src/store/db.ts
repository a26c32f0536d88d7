// IndexedDB through Dexie. Schema history:
//   v1  records: id, status ('in-progress' | 'complete'), updatedAt, childRef
//   v2  status → state ('draft' | 'final'), finalisedAt, instrument index,
//       [childRef+instrumentId] for a child's history; meta table.
//   v3  outbox: finished submissions waiting for, or past, delivery.
//   v4  encryption at rest: the child's reference is no longer indexed in
//       clear (history filters after decrypting); every row is re-written
//       through the encryption middleware.
//   v5  outbox: createdAt and [state+createdAt] indexes, so the Outbox screen
//       reads the newest delivered rows with a limited reverse scan instead of
//       reading (and decrypting) every delivered row. Indexes only: IndexedDB
//       builds them from the stored rows, nothing is re-written.
//   v6  drafts: the page is kept by its section's id too; drafts stored before
//       are marked `factsLast` (their page number counts the case facts last)
//       when made before the facts-first build, else `pageUnknown` (open at the start).
// Every version stays declared so a device on any older version upgrades in
// place with its records (drafts and queued ones included).
import Dexie, { type Table } from 'dexie';
import type { Answers, Result } from '../domain/index.ts';
import { keyring } from '../crypto/keyring.ts';
import { encryptionMiddleware } from './encryption.ts';
import { rowProblem } from './schemas.ts';

export type RecordState = 'draft' | 'final';

/** When the build that put the case facts first was made (commit d434f5c): no draft made before it counted so. */
export const FACTS_FIRST_BUILT_AT = Date.parse('2026-12-07T04:22:09Z');

export interface RecordRow {
  id: string;
  instrumentId: string;
  instrumentVersion: string;
  state: RecordState;
  /** The practitioner's reference for the child (initials, case number): links re-assessments. */
  childRef: string;
  answers: Answers;
  /** Section the practitioner was on, to resume where they left off (resumeSection in records.ts). */
  section: number;
  /** That section's id: pages can move between versions (the case facts moved from last to first). */
  sectionId?: string;
  /** A draft stored before the case facts came first: `section` counts them last (set by the v6 upgrade). */
  factsLast?: boolean;
  /** A draft stored without its page's id after the facts moved: which order it counted is not known. */
  pageUnknown?: boolean;
  createdAt: number;
  updatedAt: number;
  finalisedAt?: number;
  /** Computed when finalised, with the engine version that computed it. */
  result?: Result;
  /** The record this one re-assesses (a new record, never an overwrite). */
  previousId?: string;
  /** Set when a delivered record's content was removed under the retention policy. */
  purgedAt?: number;
  /** Set on read when the stored row cannot be opened or does not fit its schema: why, in words (schemas.ts). */
  _damage?: string;
}

// 'withdrawn': the endpoint withdrew this device's access; kept until it is enrolled again (no schema change: a value of the indexed state).
export type OutboxState = 'queued' | 'sending' | 'delivered' | 'rejected' | 'withdrawn';

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
  /** Set on read when the stored row cannot be opened or does not fit its schema. */
  _damage?: string;
}

export interface MetaRow {
  key: string;
  value: unknown;
}

export { DB_NAME } from './name.ts';
import { DB_NAME } from './name.ts';

export class CseDb extends Dexie {
  records!: Table<RecordRow, string>;
  meta!: Table<MetaRow, string>;
  outbox!: Table<OutboxRow, string>;
  /** True while a schema upgrade re-writes rows (the immutability hook lets those through). */
  private migrating = false;

  constructor(
    name = DB_NAME,
    options?: ConstructorParameters<typeof Dexie>[1],
    getKey: () => Uint8Array | undefined = keyring.get,
  ) {
    super(name, options);
    this.use(encryptionMiddleware(getKey, undefined, rowProblem));
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
    this.version(4)
      .stores({ records: 'id, state, updatedAt, instrumentId' })
      .upgrade(async (tx) => {
        this.migrating = true;
        try {
          for (const name of ['records', 'outbox', 'meta']) {
            const rows = await tx.table(name).toArray();
            await tx.table(name).bulkPut(rows);
          }
        } finally {
          this.migrating = false;
        }
      });
    this.version(5).stores({ outbox: 'id, state, nextAttemptAt, recordId, createdAt, [state+createdAt]' });
    // v6: drafts say which page they are on by its id. A draft stored before (no sectionId) counted its page
    // with the case facts last, as they were then: marked, and mapped when it is opened (resumeSection).
    // Clear fields only, so it runs the same with or without the key.
    this.version(6)
      .stores({})
      .upgrade((tx) =>
        tx
          .table('records')
          .where('state')
          .equals('draft')
          .modify((r: Record<string, unknown>) => {
            if (r.sectionId !== undefined) return;
            // Made before the facts-first build existed: certainly counted with the facts last. Made since,
            // it may come from either build (a device takes a new build at its next start): its page is not
            // known, and it opens at the start, on the case facts, with every answer kept.
            if (typeof r.createdAt === 'number' && r.createdAt < FACTS_FIRST_BUILT_AT) r.factsLast = true;
            else r.pageUnknown = true;
          }),
      );

    // A finished record is immutable (000 L1598 "NOT overwritten"): refuse any
    // change to it here, in one place, whoever the caller is.
    // Exceptions: a schema migration re-writing rows as they are, and the
    // retention purge, which removes a delivered record's content and stamps purgedAt.
    // (The hook sees rows as stored, so sealed content shows as `_enc` changes.)
    this.records.hook('updating', (mods, _key, current) => {
      if (current.state !== 'final' || this.migrating) return;
      if (
        'purgedAt' in mods &&
        Object.keys(mods).every(
          (k) => k.startsWith('_enc') || ['purgedAt', 'answers', 'result', 'childRef'].includes(k),
        )
      )
        return;
      throw new FinalRecordError(current.id);
    });
  }
}

export class FinalRecordError extends Error {
  constructor(readonly recordId: string) {
    super('This record is finished and cannot be changed. Start a re-assessment to record a new one.');
    this.name = 'FinalRecordError';
  }
}
