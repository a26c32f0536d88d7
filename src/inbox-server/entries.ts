// Joining the dots (issue 26): the same registration, phone number, place or
// person in different referrals, found without keeping any of them readable.
//
// When a referral is indexed, each entry of its record (src/domain/entries: in
// its one form) is stored as a keyed hash with the inbox key (sealing.ts
// entryKey), one row per entry ("whole"). A registration also stores the keyed
// hashes of its starts from four characters up ("MA67XY" → MA67, MA67X; not
// whole). A partial plate "MA6 7" is stored as the whole entry MA67, so:
//   - two entries match when their whole hashes are equal ("MA6 7XY", "ma67xy");
//   - a partial matches a whole plate when the partial's whole hash equals one
//     of the plate's start hashes (its known characters are the plate's start).
// Two different plates sharing a start (AB12CDE, AB12CDF) are not linked: only
// whole-to-whole and whole-to-start are compared, never start-to-start.
// Partials known by their end or middle ("?B12 CDE") are not matched: only the
// known start of a plate is kept.
//
// The database holds the hashes, the entry's kind and its place in the record
// (an ordinal), never the text: the text is read back, for a reviewer allowed to
// see it, from the referral's sealed body.
import type { User } from './accounts.ts';
import type { EntryLink, HeldElsewhere, LinkedReferral, SeenMost } from '../contract/entries-api.ts';
import {
  ENTRY_KIND_LABELS,
  type EntryKind,
  FREE_TEXT_ENTRIES,
  type FoundEntry,
  INSTRUMENTS,
  REGIONS,
  entriesOf,
  getInstrument,
  registrationPrefixes,
} from '../domain/index.ts';
import { type Migration, registerMigrations } from '../receiver/store/migrations.ts';
import type { Sql } from '../receiver/store/sql.ts';
import { inScope } from './referrals.ts';
import type { InboxKeys } from './sealing.ts';
import type { StoredSubmission, SubmissionSource } from './source.ts';

/** Raised when the way entries are found or normalised changes: every referral is scanned again. */
export const ENTRY_INDEX_VERSION = '1';

const tables = `create table inbox_entry_keys (submission_id text not null, slot text not null, kind text not null, entry_key text not null, whole integer not null);
create index inbox_entry_keys_key on inbox_entry_keys (entry_key, whole, submission_id);
create index inbox_entry_keys_submission on inbox_entry_keys (submission_id, slot);
create table inbox_entry_scans (submission_id text primary key, version text not null)`;

export const ENTRY_MIGRATIONS: Migration[] = [{ id: '001-entry-keys', sqlite: tables, postgres: tables }];

registerMigrations('inbox-entries', ENTRY_MIGRATIONS);

type KeyRow = { slot: string; kind: EntryKind; k: string; whole: number };

/** A referral as the links show it (from the index, never the body). */
export type Brief = {
  id: string;
  receivedAt: string;
  instrumentId: string;
  region: string;
  areaTeam: string | null;
  level: string | null;
  reviewState: string;
};

const regionLabel = (r: string) => (REGIONS as Record<string, { label: string } | undefined>)[r]?.label ?? r;

/** In chunks, so an IN list never grows past what either database takes comfortably. */
function chunks<T>(xs: T[], n = 400): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

export class EntryIndex {
  private backfilled: Promise<void> | undefined;
  private backfilledFor = '';

  constructor(
    private sql: Sql,
    private source: SubmissionSource,
    private keys: InboxKeys,
  ) {}

  /** The entries of a stored submission, in the record's order (the position is the row's slot). */
  found(s: Pick<StoredSubmission, 'body'>): FoundEntry[] {
    const inst = getInstrument(s.body.instrument?.id);
    if (!inst) return [];
    try {
      return entriesOf(inst, s.body.answers ?? {});
    } catch {
      return []; // an unreadable body: nothing to join
    }
  }

  /** The rows one submission stores: each entry whole, and a registration's starts. */
  rows(s: Pick<StoredSubmission, 'body'>): KeyRow[] {
    const out: KeyRow[] = [];
    this.found(s).forEach((e, i) => {
      const slot = String(i);
      out.push({ slot, kind: e.kind, k: this.keys.entryKey(e.kind, e.value), whole: 1 });
      if (e.kind === 'registration')
        for (const p of registrationPrefixes(e.value))
          out.push({ slot, kind: e.kind, k: this.keys.entryKey(e.kind, p), whole: 0 });
    });
    return out;
  }

  /**
   * What a referral's scan is recorded under: how entries are found, and which inbox key hashed them. After the
   * inbox key is rotated (./rotate-inbox-key.ts) every scan is stale, so the index is rebuilt under the new key.
   */
  private version(): string {
    return `${ENTRY_INDEX_VERSION}:${this.keys.entryKeyId()}`;
  }

  /** Stores the entries of newly indexed submissions (in the transaction that indexes them). */
  async index(tx: Sql, batch: StoredSubmission[]): Promise<void> {
    const version = this.version();
    for (const s of batch) {
      await tx.run('delete from inbox_entry_keys where submission_id = ?', [s.id]);
      for (const r of this.rows(s))
        await tx.run(
          'insert into inbox_entry_keys (submission_id, slot, kind, entry_key, whole) values (?, ?, ?, ?, ?)',
          [s.id, r.slot, r.kind, r.k, r.whole],
        );
      await tx.run(
        'insert into inbox_entry_scans (submission_id, version) values (?, ?) on conflict (submission_id) do update set version = excluded.version',
        [s.id, version],
      );
    }
  }

  /**
   * Once per process and inbox key: referrals indexed before entries were joined (or under an older version of
   * how they are found) are scanned now, 500 at a time.
   */
  backfill(): Promise<void> {
    const version = this.version();
    if (this.backfilledFor !== version) this.backfilled = undefined;
    this.backfilledFor = version;
    this.backfilled ??= (async () => {
      // Only the tools that ask for entries are opened; every other referral is marked scanned at once.
      const tools = INSTRUMENTS.filter(
        (i) => FREE_TEXT_ENTRIES[i.id] || i.sections.some((s) => s.items.some((x) => x.kind === 'repeat')),
      ).map((i) => i.id);
      const these = tools.map(() => '?').join(',');
      await this.sql.run(
        `insert into inbox_entry_scans (submission_id, version) select submission_id, ? from inbox_referrals where instrument_id not in (${these})
         on conflict (submission_id) do update set version = excluded.version`,
        [version, ...tools],
      );
      for (;;) {
        const stale = await this.sql.all<{ id: string }>(
          `select r.submission_id as id from inbox_referrals r left join inbox_entry_scans s on s.submission_id = r.submission_id
           where (s.version is null or s.version <> ?) and r.instrument_id in (${these}) order by r.submission_id limit 500`,
          [version, ...tools],
        );
        if (!stale.length) return;
        const stored = await this.source.getMany(stale.map((r) => r.id));
        await this.sql.transaction(async (tx) => {
          await this.index(tx, [...stored.values()]);
          // A referral whose body is gone is marked scanned, so the loop ends.
          for (const r of stale)
            if (!stored.has(r.id))
              await tx.run(
                'insert into inbox_entry_scans (submission_id, version) values (?, ?) on conflict (submission_id) do update set version = excluded.version',
                [r.id, version],
              );
        });
      }
    })();
    this.backfilled.catch(() => (this.backfilled = undefined));
    return this.backfilled;
  }

  async briefs(ids: string[]): Promise<Map<string, Brief>> {
    const out = new Map<string, Brief>();
    for (const part of chunks(ids))
      for (const b of await this.sql.all<Brief>(
        `select submission_id as id, received_at as "receivedAt", instrument_id as "instrumentId", region, area_team as "areaTeam", level, review_state as "reviewState"
         from inbox_referrals where submission_id in (${part.map(() => '?').join(',')})`,
        part,
      ))
        out.set(b.id, b);
    return out;
  }

  /** How an entry is shown: what the record holds in that place (the one form for a postcode, a nickname or free text). */
  private text(s: StoredSubmission, e: FoundEntry): string {
    if (e.entry !== undefined && e.field && e.kind !== 'postcode' && e.field !== 'nicknames') {
      const list = s.body.answers?.[e.item];
      const typed = Array.isArray(list) ? (list[e.entry] as Record<string, string> | undefined)?.[e.field] : undefined;
      if (typeof typed === 'string' && typed.trim()) return typed.trim().slice(0, 200);
    }
    return e.value;
  }

  /**
   * The entries of one referral found in others: for each, the referrals the user may open (linked)
   * and, for the rest, only the team holding them (`hidden`: their ids, for the caller to audit the look).
   */
  async links(
    stored: StoredSubmission,
    user: Pick<User, 'teams' | 'regions' | 'role'>,
  ): Promise<{ entries: EntryLink[]; hidden: Map<string, string> }> {
    const mine = await this.sql.all<KeyRow>(
      'select slot, kind, entry_key as k, whole from inbox_entry_keys where submission_id = ?',
      [stored.id],
    );
    const hidden = new Map<string, string>();
    if (!mine.length) return { entries: [], hidden };
    const wholeKeys = [...new Set(mine.filter((r) => Number(r.whole) === 1).map((r) => r.k))];
    const startKeys = [...new Set(mine.filter((r) => Number(r.whole) === 0).map((r) => r.k))];
    // Others holding one of these entries whole, or one of these as a start of theirs (a partial of ours
    // is their start: our whole key among their starts), or a partial that is one of our starts.
    const others: { s: string; k: string; whole: number }[] = [];
    for (const part of chunks(wholeKeys))
      others.push(
        ...(await this.sql.all<{ s: string; k: string; whole: number }>(
          `select submission_id as s, entry_key as k, whole from inbox_entry_keys where submission_id <> ? and entry_key in (${part.map(() => '?').join(',')}) limit 5000`,
          [stored.id, ...part],
        )),
      );
    for (const part of chunks(startKeys))
      others.push(
        ...(await this.sql.all<{ s: string; k: string; whole: number }>(
          `select submission_id as s, entry_key as k, whole from inbox_entry_keys where submission_id <> ? and whole = 1 and entry_key in (${part.map(() => '?').join(',')}) limit 5000`,
          [stored.id, ...part],
        )),
      );
    if (!others.length) return { entries: [], hidden };
    const briefs = await this.briefs([...new Set(others.map((o) => o.s))]);
    const found = this.found(stored);
    const entries: EntryLink[] = [];
    for (const w of mine.filter((r) => Number(r.whole) === 1)) {
      const starts = new Set(mine.filter((r) => r.slot === w.slot && Number(r.whole) === 0).map((r) => r.k));
      // Each other referral once, exact if any of its rows is an exact match.
      const by = new Map<string, boolean>();
      for (const o of others) {
        const exact = o.k === w.k && Number(o.whole) === 1;
        const partial = (o.k === w.k && Number(o.whole) === 0) || (Number(o.whole) === 1 && starts.has(o.k));
        if (exact || partial) by.set(o.s, (by.get(o.s) ?? true) && !exact);
      }
      const e = found[Number(w.slot)];
      if (!by.size || !e) continue;
      const linked: LinkedReferral[] = [];
      const elsewhere = new Map<string, number>();
      for (const [id, partial] of by) {
        const b = briefs.get(id);
        if (!b) continue;
        if (inScope(user, b))
          linked.push({
            id,
            receivedAt: b.receivedAt,
            instrumentTitle: getInstrument(b.instrumentId)?.title ?? b.instrumentId,
            areaTeam: b.areaTeam,
            level: b.level,
            reviewState: b.reviewState,
            partial,
          });
        else {
          const team = b.areaTeam ?? regionLabel(b.region);
          elsewhere.set(team, (elsewhere.get(team) ?? 0) + 1);
          hidden.set(id, team);
        }
      }
      linked.sort((a, b) => (a.receivedAt < b.receivedAt ? 1 : a.receivedAt > b.receivedAt ? -1 : 0));
      const heldElsewhere: HeldElsewhere[] = [...elsewhere].map(([heldBy, count]) => ({ heldBy, count }));
      entries.push({
        kind: e.kind,
        kindLabel: ENTRY_KIND_LABELS[e.kind],
        text: this.text(stored, e),
        item: e.item,
        entry: e.entry ?? null,
        field: e.field ?? null,
        others: linked.length + heldElsewhere.reduce((n, h) => n + h.count, 0),
        linked: linked.slice(0, 50),
        heldElsewhere,
      });
    }
    return { entries, hidden };
  }

  /**
   * The entries seen in the most referrals in the user's area over a period (received from `from` to
   * `to`, whole days): a whole entry and the partials that are its start count as one. Only referrals
   * the user may open count, and only they are read to show the entry.
   */
  async seenMost(
    user: Pick<User, 'teams' | 'regions' | 'role'>,
    from: string,
    to: string,
    limit = 50,
  ): Promise<SeenMost[]> {
    const args: (string | number)[] = [from, to];
    let scope = '';
    if (user.teams.length || user.regions.length) {
      const parts: string[] = [];
      if (user.teams.length) parts.push(`r.area_team in (${user.teams.map(() => '?').join(',')})`);
      if (user.regions.length) parts.push(`r.region in (${user.regions.map(() => '?').join(',')})`);
      scope = ` and (${parts.join(' or ')})`;
      args.push(...user.teams, ...user.regions);
    }
    // w: whole entries of referrals in scope and period; m: each entry with the referrals holding it
    // whole, and those whose whole entry is one of its starts (a partial plate).
    const cte = `with w as (
        select a.submission_id as s, a.slot, a.kind, a.entry_key as k, r.received_at as at
        from inbox_entry_keys a join inbox_referrals r on r.submission_id = a.submission_id
        where a.whole = 1 and r.received_at >= ? and r.received_at < ?${scope}),
      m as (
        select k, kind, s, at from w
        union
        select w.k, w.kind, w2.s, w2.at from w
          join inbox_entry_keys p on p.submission_id = w.s and p.slot = w.slot and p.whole = 0
          join w w2 on w2.k = p.entry_key)`;
    const top = await this.sql.all<{ k: string; kind: EntryKind; n: number; first: string; last: string }>(
      `${cte} select k, kind, count(distinct s) as n, min(at) as first, max(at) as last from m group by k, kind
       having count(distinct s) >= 2 order by count(distinct s) desc, max(at) desc, k limit ?`,
      [...args, Math.min(Math.max(limit, 1), 200)],
    );
    if (!top.length) return [];
    const members = new Map<string, { s: string; at: string }[]>();
    for (const part of chunks(top.map((t) => t.k)))
      for (const r of await this.sql.all<{ k: string; s: string; at: string }>(
        `${cte} select distinct k, s, at from m where k in (${part.map(() => '?').join(',')}) order by at desc, s`,
        [...args, ...part],
      ))
        members.set(r.k, [...(members.get(r.k) ?? []), { s: r.s, at: r.at }]);
    const out: SeenMost[] = [];
    for (const t of top) {
      const ids = [...new Set((members.get(t.k) ?? []).map((m) => m.s))];
      out.push({
        kind: t.kind,
        kindLabel: ENTRY_KIND_LABELS[t.kind] ?? t.kind,
        ...(await this.textOf([...ids].reverse(), t.kind, t.k)),
        referrals: Number(t.n),
        first: t.first,
        last: t.last,
        ids,
      });
    }
    return out;
  }

  /**
   * The entry a key stands for, read back from the earliest of its referrals that holds it whole: as that
   * record first wrote it, and in its one form.
   */
  private async textOf(ids: string[], kind: EntryKind, key: string): Promise<{ text: string; value: string }> {
    for (const id of ids) {
      const s = await this.source.get(id);
      if (!s) continue;
      const e = this.found(s).find((f) => f.kind === kind && this.keys.entryKey(f.kind, f.value) === key);
      if (e) return { text: this.text(s, e), value: e.value };
    }
    return { text: '(not readable)', value: '' };
  }
}
