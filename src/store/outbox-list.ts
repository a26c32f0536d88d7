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
  /** Delivered submissions not listed (older than the newest `limit`). */
  hiddenDelivered: number;
}

export async function outboxListing(db: CseDb, limit = 100): Promise<OutboxListing> {
  return withReopen(db, () =>
    db.transaction('r', db.outbox, db.records, async () => {
      // Two plain key ranges either side of 'delivered' (not noneOf, which walks the whole index).
      const open = [...(await db.outbox.where('state').below('delivered').toArray()), ...(await db.outbox.where('state').above('delivered').toArray())];
      // Keys first (no values read), then only those rows fetched: a reverse cursor over values would
      // open every row it passes.
      const newest = await db.outbox.where('[state+createdAt]').between(['delivered', Dexie.minKey], ['delivered', Dexie.maxKey]).reverse().limit(limit).primaryKeys();
      const delivered = (await db.outbox.bulkGet(newest)).filter((r): r is OutboxRow => r !== undefined);
      const deliveredCount = await db.outbox.where('state').equals('delivered').count();
      // A row whose state is missing or not a valid key is in no index: find it the slow way, so it is shown, never hidden.
      const total = await db.outbox.count();
      const stray = total > open.length + deliveredCount ? await db.outbox.filter((r) => typeof r.state !== 'string' && typeof r.state !== 'number').toArray() : [];
      const shown = [...open, ...stray, ...delivered].sort((x, y) => (Number(y.createdAt) || 0) - (Number(x.createdAt) || 0));
      const records = await db.records.bulkGet(shown.map((r) => String(r.recordId)));
      return { rows: shown.map((row, i) => ({ row, record: records[i] })), hiddenDelivered: deliveredCount - delivered.length };
    }),
  );
}
