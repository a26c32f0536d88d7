// Rotating the inbox key while the server runs (`npm run admin -- rotate
// inbox-key`). The old key is copied to `<inbox-key file>.previous`, the new one
// renamed into place, and everything the inbox key seals is sealed again with
// the new one: the child references beside the index (and their searchable
// hashes), reviewers' notes and area notes, and second-factor secrets. The
// running server holds both keys until the previous file is gone (its ring
// re-reads the files, see sealing.ts), so everything opens throughout; the
// passes repeat until one finds nothing left under the old key, starting at
// least SETTLE_MS after the switch, and the previous file is then removed.
//
// Review and area history are append-only (triggers): re-sealing changes how a
// note is stored, never what it says, so each page lifts the trigger inside its
// own transaction and puts it back before the commit (no other writer can see
// the table without it). Each note is checked to read the same afterwards.
import { randomBytes } from 'node:crypto';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { ServiceConfig } from '../config/config.ts';
import { secretFile } from '../receiver/secrets.ts';
import type { Sql } from '../receiver/store/sql.ts';
import { AREA_CHANGES, type AppendOnlyTable, REVIEW_EVENTS, withAppendOnlyLifted } from './append-only.ts';
import { InboxKeys } from './sealing.ts';
import { inboxKeySource, previousInboxKeyFile } from './service.ts';

export class InboxKeyRotationError extends Error {
  override name = 'InboxKeyRotationError';
}

export const INBOX_SETTLE_MS = 3_000;

/** What the inbox key seals, table by table: the row's key, the sealed column, and what it is bound to. */
interface Sealed {
  table: string;
  key: string;
  column: string;
  bound: string;
  /** The append-only table's triggers, lifted for the update inside its transaction. */
  appendOnly?: AppendOnlyTable;
  /** The key is a number (a serial), so the first page starts after -1, not after ''. */
  numericKey?: boolean;
  /** Also recomputed from the opened value (the searchable hash of a child reference). */
  hashColumn?: string;
}

const SEALED: Sealed[] = [
  {
    table: 'inbox_referrals',
    key: 'submission_id',
    column: 'child_ref_sealed',
    bound: 'submission_id',
    hashColumn: 'child_key',
  },
  { table: 'inbox_users', key: 'id', column: 'totp_sealed', bound: "'totp:' || id" },
  { table: 'inbox_set_password_tokens', key: 'token_hash', column: 'totp_pending', bound: "'totp:' || user_id" },
  {
    table: 'inbox_review_events',
    key: 'id',
    column: 'note_sealed',
    bound: "'note:' || submission_id",
    numericKey: true,
    appendOnly: REVIEW_EVENTS,
  },
  {
    table: 'inbox_area_changes',
    key: 'id',
    column: 'note_sealed',
    bound: "'area:' || submission_id",
    numericKey: true,
    appendOnly: AREA_CHANGES,
  },
];

/** Seals again, with the current key, every value of one table not already sealed with it; returns how many. */
async function resealTable(sql: Sql, keys: InboxKeys, t: Sealed, pageSize = 200): Promise<number> {
  let done = 0;
  type Row = { k: string | number; v: string; b: string };
  for (let after: string | number = t.numericKey ? -1 : ''; ;) {
    const rows: Row[] = await sql.all<Row>(
      `select ${t.key} as k, ${t.column} as v, ${t.bound} as b from ${t.table} where ${t.column} is not null and ${t.key} > ? order by ${t.key} limit ?`,
      [after, pageSize],
    );
    if (!rows.length) return done;
    after = rows.at(-1)!.k;
    const stale = rows.filter((r) => !keys.isCurrent(r.v, r.b));
    if (!stale.length) continue;
    const next = stale.map((r) => {
      const plain = keys.open(r.v, r.b);
      const sealed = keys.seal(plain, r.b);
      if (keys.open(sealed, r.b) !== plain) throw new Error('A re-sealed value does not read the same');
      return { r, sealed, hash: t.hashColumn ? keys.childKey(plain) : undefined };
    });
    await sql.transaction(async (tx) => {
      const update = async () => {
        for (const { r, sealed, hash } of next)
          done += (
            await tx.run(
              `update ${t.table} set ${t.column} = ?${t.hashColumn ? `, ${t.hashColumn} = ?` : ''} where ${t.key} = ? and ${t.column} = ?`,
              [sealed, ...(hash ? [hash] : []), r.k, r.v],
            )
          ).changes;
      };
      await (t.appendOnly ? withAppendOnlyLifted(tx, t.appendOnly, update) : update());
    });
  }
}

export interface InboxKeyRotation {
  /** Values sealed again with the new key, by table. */
  resealed: Record<string, number>;
  total: number;
  resumed: boolean;
}

export async function rotateInboxKey(
  config: Pick<ServiceConfig, 'inboxKey'>,
  sql: Sql,
  settleMs = INBOX_SETTLE_MS,
): Promise<InboxKeyRotation> {
  const source = inboxKeySource(config);
  if (!source || 'base64' in config.inboxKey)
    throw new InboxKeyRotationError(
      'The inbox key is given in CSE_INBOX_KEY, which this command cannot change: put it in a file (inbox-key in the secrets folder), restart the server without CSE_INBOX_KEY, and run this again. Nothing was changed.',
    );
  const file = config.inboxKey.file;
  const previous = previousInboxKeyFile(file);
  const resumed = existsSync(previous);
  if (!resumed) {
    const old = secretFile(file, () => `${randomBytes(32).toString('base64')}\n`);
    writeFileSync(previous, old, { mode: 0o600, flag: 'wx' });
    const tmp = `${file}.${process.pid}.new`;
    writeFileSync(tmp, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, file);
  }
  const ring = source();
  const keys = new InboxKeys(ring[0]!, ring.slice(1));
  const switchedAt = Date.now();
  const resealed: Record<string, number> = Object.fromEntries(SEALED.map((t) => [t.table, 0]));
  for (;;) {
    const lastPass = Date.now() - switchedAt >= settleMs;
    let n = 0;
    for (const t of SEALED) {
      const k = await resealTable(sql, keys, t);
      resealed[t.table] = (resealed[t.table] ?? 0) + k;
      n += k;
    }
    if (lastPass && n === 0) break;
    if (!lastPass) await new Promise((r) => setTimeout(r, Math.min(500, settleMs)));
  }
  rmSync(previous, { force: true });
  return { resealed, total: Object.values(resealed).reduce((a, b) => a + b, 0), resumed };
}
