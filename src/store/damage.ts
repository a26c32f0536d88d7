// Damaged rows (marked `_damage` on read, see schemas.ts): their stored form
// for a support export, and deleting them once the practitioner confirms.
import type { CseDb } from './db.ts';
import { withReopen } from './records.ts';

export type DamageTable = 'records' | 'outbox';

/**
 * The row exactly as IndexedDB stores it (clear fields and ciphertext), read
 * below the encryption middleware: what support needs to look at the damage,
 * and nothing decrypted.
 */
export async function storedRow(db: CseDb, table: DamageTable, id: string): Promise<unknown> {
  const idb = db.backendDB();
  return new Promise((ok, fail) => {
    const req = idb.transaction(table).objectStore(table).get(id);
    req.onsuccess = () => ok(req.result);
    req.onerror = () => fail(req.error);
  });
}

/** Deletes a row, only if it is damaged: a healthy finished record is never deleted this way. */
export async function deleteDamaged(db: CseDb, table: DamageTable, id: string): Promise<void> {
  await withReopen(db, () =>
    db.transaction('rw', db.table(table), async () => {
      const row = (await db.table(table).get(id)) as { _damage?: string } | undefined;
      if (!row) return;
      if (!row._damage) throw new Error('This row is not damaged, so it is not deleted here.');
      await db.table(table).delete(id);
    }),
  );
}
