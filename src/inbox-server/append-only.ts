// The review and area histories are append-only: triggers abort any change.
// Two operations may still change them, each audited and each inside one
// transaction that puts the trigger back before it commits (no other writer
// ever sees the table without it): a rotation of the inbox key (the same
// note, sealed with the new key) and retention (a referral's history removed
// with it when its period has passed).
import type { Sql } from '../receiver/store/sql.ts';

export interface AppendOnlyTable {
  table: 'inbox_review_events' | 'inbox_area_changes';
  /** SQLite's triggers to lift (one per statement kind); PostgreSQL's one row trigger. */
  sqlite: string[];
  postgres: string;
}

export const REVIEW_EVENTS: AppendOnlyTable = {
  table: 'inbox_review_events',
  sqlite: ['inbox_review_events_no_update', 'inbox_review_events_no_delete'],
  postgres: 'inbox_review_events_append_only',
};

export const AREA_CHANGES: AppendOnlyTable = {
  table: 'inbox_area_changes',
  sqlite: ['inbox_area_changes_no_update', 'inbox_area_changes_no_delete'],
  postgres: 'inbox_area_changes_append_only',
};

/** Runs `fn` in the transaction `tx` with the table's append-only trigger lifted, and puts it back. */
export async function withAppendOnlyLifted<T>(tx: Sql, t: AppendOnlyTable, fn: () => Promise<T>): Promise<T> {
  if (tx.dialect === 'postgres') {
    await tx.run(`alter table ${t.table} disable trigger ${t.postgres}`);
    const out = await fn();
    await tx.run(`alter table ${t.table} enable trigger ${t.postgres}`);
    return out;
  }
  const kept: string[] = [];
  for (const name of t.sqlite) {
    const row = await tx.get<{ sql: string }>("select sql from sqlite_master where type = 'trigger' and name = ?", [
      name,
    ]);
    if (!row) continue;
    kept.push(row.sql);
    await tx.run(`drop trigger ${name}`);
  }
  const out = await fn();
  for (const ddl of kept) await tx.run(ddl);
  return out;
}
