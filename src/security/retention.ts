// Retention: a delivered record's content is removed from the device after
// the configured number of days (default 7), keeping the record's outline and
// its receipt; the data is safe at the endpoint. Runs at each unlock.
import type { CseDb } from '../store/db.ts';
import type { LockPolicy } from './passcode.ts';

const DAY = 86_400_000;

export async function purgeExpired(db: CseDb, policy: LockPolicy, now = Date.now()): Promise<number> {
  const cutoff = now - policy.deliveredRetentionDays * DAY;
  const old = await db.outbox
    .where('state')
    .equals('delivered')
    .filter((o) => (o.deliveredAt ?? now) <= cutoff && o.payload !== '')
    .toArray();
  let purged = 0;
  for (const o of old) {
    // One damaged row (it cannot be re-written) must not stop the others being purged.
    await db
      .transaction('rw', db.records, db.outbox, async () => {
        const r = await db.records.get(o.recordId);
        if (r && !r.purgedAt && !r._damage)
          await db.records.update(r.id, { purgedAt: now, answers: {}, result: undefined, childRef: '' } as never);
        await db.outbox.update(o.id, { payload: '' });
      })
      .then(
        () => purged++,
        () => {},
      );
  }
  return purged;
}

/** Drafts older than the prompt age, for the home screen to ask about. */
export async function staleDrafts(db: CseDb, policy: LockPolicy, now = Date.now()): Promise<number> {
  const cutoff = now - policy.draftPromptDays * DAY;
  return db.records
    .where('state')
    .equals('draft')
    .filter((r) => r.updatedAt <= cutoff)
    .count();
}
