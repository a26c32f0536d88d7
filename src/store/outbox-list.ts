// What the Outbox screen lists: every submission not yet delivered (in any
// state, known to this version or not), and the newest delivered ones. The
// delivered rows come from a limited reverse scan of the [state+createdAt]
// index, so a device holding thousands delivered reads (and decrypts) only the
// few it shows; the rest are counted on the index without being read.
import Dexie from 'dexie';
import type { CseDb, OutboxRow, RecordRow } from './db.ts';
import { withReopen } from './records.ts';

export interface OutboxListing {
  rows: { row: OutboxRow; record: RecordRow | undefined }[];
  /** Delivered submissions among the rows (the newest, at most `limit`). */
  shownDelivered: number;
}

const newestFirst = (x: OutboxRow, y: OutboxRow) => (Number(y.createdAt) || 0) - (Number(x.createdAt) || 0);

/**
 * Rows whose state is missing or not a valid key are in no index, so the listing above cannot see
 * them: found the slow way (a count of the whole store, and a scan only if it disagrees), after the
 * list is on screen, so they are shown, never hidden, without holding up the first rows.
 */
export async function strayOutboxRows(db: CseDb): Promise<{ row: OutboxRow; record: RecordRow | undefined }[]> {
  return withReopen(db, () =>
    db.transaction('r', db.outbox, db.records, async () => {
      const indexed = await db.outbox.where('state').between(Dexie.minKey, Dexie.maxKey, true, true).count();
      if ((await db.outbox.count()) === indexed) return [];
      const stray = (
        await db.outbox.filter((r) => typeof r.state !== 'string' && typeof r.state !== 'number').toArray()
      ).sort(newestFirst);
      const records = await db.records.bulkGet(stray.map((r) => String(r.recordId)));
      return stray.map((row, i) => ({ row, record: records[i] }));
    }),
  );
}

export async function outboxListing(db: CseDb, limit = 100): Promise<OutboxListing> {
  return withReopen(db, () =>
    db.transaction('r', db.outbox, db.records, async () => {
      // Two plain key ranges either side of 'delivered' (not noneOf, which walks the whole index). The upper
      // one starts at 'delivered\0', not "above 'delivered'": an exclusive bound makes the browser seek to
      // 'delivered' and step over every delivered entry (32 ms for 1,000 in Chromium), this one seeks past them.
      // Keys first (no values read), then only those rows fetched: a reverse cursor over values would
      // open every row it passes. The independent reads are asked together, not one after another:
      // each is a round trip to the browser's storage, which on a busy phone is most of the wait.
      const [below, above, newest] = await Promise.all([
        db.outbox.where('state').below('delivered').toArray(),
        db.outbox.where('state').aboveOrEqual('delivered\u0000').toArray(),
        db.outbox
          .where('[state+createdAt]')
          .between(['delivered', Dexie.minKey], ['delivered', Dexie.maxKey])
          .reverse()
          .limit(limit)
          .primaryKeys(),
      ]);
      const open = [...below, ...above];
      const delivered = (await db.outbox.bulkGet(newest)).filter((r): r is OutboxRow => r !== undefined);
      const shown = [...open, ...delivered].sort(newestFirst);
      const records = await db.records.bulkGet(shown.map((r) => String(r.recordId)));
      return { rows: shown.map((row, i) => ({ row, record: records[i] })), shownDelivered: delivered.length };
    }),
  );
}

/**
 * How many submissions are delivered, counted on the index without reading them. Asked after the list is
 * on screen: the browser walks the index to count it (10 to 30 ms for 1,000 in Chromium), which was half
 * of the Outbox's wait before its first row.
 */
export async function countDelivered(db: CseDb): Promise<number> {
  return withReopen(db, () => db.outbox.where('state').equals('delivered').count());
}
