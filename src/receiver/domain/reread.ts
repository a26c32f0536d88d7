// Re-reading stored submissions: after an instrument or the reading's rules
// change (READING_VERSION moves on), and once for submissions stored before
// readings were kept. The same function reads them as read new ones at
// acceptance (accept.ts: readingOf); there is no second way. Runs at start,
// before the server answers, in pages; the inbox's index follows the stored
// readings (inbox-server/referrals.ts).
import { READING_VERSION } from '../../domain/index.ts';
import type { Submission } from '../../contract/submission.ts';
import type { ReceiverStore } from '../store/receiver-store.ts';
import { readingOf, storedReading } from './accept.ts';

/** Re-reads every submission whose reading is not of this version; returns how many it re-read. */
export async function rereadStale(store: ReceiverStore, pageSize = 200): Promise<number> {
  const deviceAreas = new Map<string, string | null>();
  let after = 0;
  let n = 0;
  for (;;) {
    const page = await store.staleReadings(READING_VERSION, after, pageSize);
    if (!page.length) return n;
    const updates = [];
    for (const row of page) {
      // The area the device had when it sent it; for a row stored before that was kept, the device's area now.
      let deviceArea = row.deviceArea;
      if (deviceArea === null && row.readingVersion === null && row.deviceId) {
        if (!deviceAreas.has(row.deviceId))
          deviceAreas.set(row.deviceId, (await store.device(row.deviceId))?.area ?? null);
        deviceArea = deviceAreas.get(row.deviceId) ?? null;
      }
      updates.push({ id: row.id, ...storedReading(readingOf(row.body as Submission, deviceArea), deviceArea) });
    }
    await store.updateReadings(updates);
    n += page.length;
    after = page.at(-1)!.seq;
  }
}
