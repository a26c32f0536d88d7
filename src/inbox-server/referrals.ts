// The inbox's index of referrals, its list (most serious first, newest first
// within), and review states with their history. Every column that ranks,
// scopes or flags a referral is the server's reading, stored by the receiver
// when it accepted the submission (src/domain/reading); nothing here reads the
// device's claims. A reviewer covering the region (or an admin) can set the
// area of a referral, with a note: kept apart from the reading (area_set), so
// a re-read never undoes it.
import type { User } from './accounts.ts';
import {
  type AreaChange,
  type Facets,
  type ListView,
  QUEUE_OF,
  type ReferralRow,
  REVIEW_STATES,
  type ReviewEvent,
  type ReviewState,
  type SeenBy,
  TRANSITIONS,
} from '../contract/inbox-api.ts';
export { type Facets, type ReferralRow, REVIEW_STATES, type ReviewEvent, type ReviewState, TRANSITIONS };
import type { InboxKeys } from './sealing.ts';
import type { StoredSubmission, SubmissionSource } from './source.ts';
import {
  READING_VERSION,
  SAFETY,
  checkArea,
  getInstrument,
  readFacts,
  readSubmission,
  screenedOn,
} from '../domain/index.ts';
import type { Sql } from '../receiver/store/sql.ts';

export interface ListFilter {
  state?: string;
  region?: string;
  team?: string;
  instrument?: string;
  level?: string;
  /** Received on or after this date (YYYY-MM-DD). */
  from?: string;
  /** Received on or before this date (YYYY-MM-DD). */
  to?: string;
  /** A child reference, matched exactly (case and spaces aside). */
  child?: string;
  /** Only referrals waiting for an area (the regions' 'no area' queues). */
  noArea?: boolean;
  /** One referral (an export from its own page). */
  id?: string;
}

export class ReviewError extends Error {
  constructor(
    readonly code: 'not-found' | 'transition' | 'note' | 'area',
    message: string,
  ) {
    super(message);
  }
}

const COLUMNS = `submission_id as id, child_ref_sealed as "childRef", received_at as "receivedAt", priority, severity, level, safety, instrument_id as "instrumentId", kind, region,
  area_team as "areaTeam", area_from as "areaFrom", needs_area as "needsArea", disagreement, review_state as "reviewState", review_by as "reviewBy", review_at as "reviewAt",
  assignee, assignee_id as "assigneeId", age, timescale, referrer, referrer_org as "referrerOrg", triage_rank as "triageRank"`;

type Raw = Omit<ReferralRow, 'safety' | 'disagreement' | 'needsArea'> & {
  safety: string;
  disagreement: number;
  needsArea: number;
  triageRank: number;
};
const toRow = ({ triageRank: _rank, ...r }: Raw): ReferralRow => ({
  ...r,
  priority: Number(r.priority),
  severity: r.severity === null ? null : Number(r.severity),
  age: r.age === null || r.age === undefined ? null : Number(r.age),
  safety: JSON.parse(r.safety) as string[],
  needsArea: Number(r.needsArea) === 1,
  disagreement: Number(r.disagreement) === 1,
});

/** Whether a user's scope (area teams, regions; none = all) includes a referral. */
export function inScope(
  user: Pick<User, 'teams' | 'regions' | 'role'>,
  r: Pick<ReferralRow, 'areaTeam' | 'region'>,
): boolean {
  if (user.teams.length === 0 && user.regions.length === 0) return true;
  return (r.areaTeam !== null && user.teams.includes(r.areaTeam)) || user.regions.includes(r.region);
}

/**
 * The queue's order, as one number stored with the row (0 comes first): a safety route (immediate danger, a
 * 999 / SARC / immediate step, trafficking, or a record the server could not score) first, then a child under 13, then a
 * child missing now, then the tool's level (most serious band first).
 */
export function triageRank(reading: { safety: string[]; severity: number | null }): number {
  const flags = new Set(reading.safety);
  const route =
    reading.safety.some((f) => f.startsWith('Safety route:')) ||
    flags.has(SAFETY.immediateDanger) ||
    flags.has(SAFETY.trafficking) ||
    flags.has(SAFETY.unscored);
  const bits =
    (route ? 64 : 0) +
    (flags.has(SAFETY.under13) ? 32 : 0) +
    (flags.has(SAFETY.missingNow) ? 16 : 0) +
    Math.max(0, Math.min(3, reading.severity ?? 0));
  return 127 - bits;
}

/** What the queue shows without opening a body, taken from it once at indexing time. */
export function triageFacts(s: Pick<StoredSubmission, 'body'>): {
  age: number | null;
  timescale: string | null;
  referrer: string | null;
  referrerOrg: string | null;
} {
  const body = s.body;
  let age: number | null = null;
  let timescale: string | null = null;
  try {
    const on = screenedOn(body);
    const facts = readFacts(body.answers ?? {}, on);
    age = facts.age ?? null;
    const result = readSubmission({
      instrument: getInstrument(body.instrument.id),
      instrumentVersion: body.instrument.version,
      answers: body.answers,
      claimed: body.result,
      screenedOn: on,
      deviceArea: null,
    }).result;
    // The first time-bound step in the order the referral shows its steps (999 and warnings first).
    const rank = (k: string) => (k === 'emergency' ? 0 : k === 'warning' ? 1 : 2);
    const steps = (result?.nextSteps ?? []).map((x, i) => ({ x, i }));
    steps.sort((a, b) => rank(a.x.kind) - rank(b.x.kind) || a.i - b.i);
    timescale = steps.find((x) => x.x.within)?.x.within ?? null;
  } catch {
    /* an unreadable body: no age, no timescale */
  }
  return {
    age: age === null || !Number.isFinite(age) ? null : Math.round(age),
    timescale,
    referrer: body.author?.name?.slice(0, 200) ?? null,
    referrerOrg: body.author?.organisation?.slice(0, 200) ?? null,
  };
}

export interface Cursor {
  p: number;
  r: string;
  i: string;
}
export const encodeCursor = (c: Cursor): string => Buffer.from(JSON.stringify([c.p, c.r, c.i])).toString('base64url');
export function decodeCursor(s: string | undefined): Cursor | undefined {
  if (!s) return undefined;
  try {
    const [p, r, i] = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown[];
    if (typeof p === 'number' && typeof r === 'string' && typeof i === 'string') return { p, r, i };
  } catch {
    /* fall through */
  }
  return undefined;
}

export class Referrals {
  private catching: Promise<void> | undefined;

  constructor(
    private sql: Sql,
    private source: SubmissionSource,
    /** Keys the child-reference hash and seals the reference and the notes. */
    private keys: InboxKeys,
    private now: () => number = Date.now,
  ) {}

  childKey(childRef: string): string {
    return this.keys.childKey(childRef);
  }

  private row(r: Raw): ReferralRow {
    const row = toRow(r);
    return { ...row, childRef: this.keys.open(row.childRef, row.id) };
  }

  /** The index row for one stored submission: the server's reading, as the receiver stored it. */
  indexRow(s: StoredSubmission): (string | number | null)[] {
    const r = s.reading;
    const t = triageFacts(s);
    return [
      s.id,
      s.seq,
      s.receivedAt,
      r.priority,
      r.severity,
      r.level,
      JSON.stringify(r.safety),
      s.body.instrument.id,
      s.body.kind,
      r.region,
      r.area,
      r.areaFrom,
      r.needsArea ? 1 : 0,
      r.readingVersion,
      this.childKey(s.body.childRef),
      this.keys.seal(s.body.childRef, s.id),
      r.disagreement !== null ? 1 : 0,
      triageRank(r),
      t.age,
      t.timescale,
      t.referrer,
      t.referrerOrg,
    ];
  }

  static readonly INSERT = `insert into inbox_referrals (submission_id, source_seq, received_at, priority, severity, level, safety, instrument_id, kind, region, area_team, area_from, needs_area, reading_version, child_key, child_ref_sealed, disagreement, triage_rank, age, timescale, referrer, referrer_org)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (submission_id) do nothing`;

  private refreshed = false;

  /** Called in the transaction that indexes each batch (the duty alerts: alerts.ts). */
  onIndexed: ((tx: Sql, batch: StoredSubmission[]) => Promise<void>) | undefined;

  /**
   * Once per process: index rows read under another reading than this code's (the receiver re-reads
   * its stored readings at start, after an instrument changes) take the reading now stored with the
   * submission. An area a reviewer set stays.
   */
  private async refreshReadings(): Promise<void> {
    for (let after = ''; ;) {
      const stale = await this.sql.all<{ id: string }>(
        'select submission_id as id from inbox_referrals where submission_id > ? and (reading_version is null or reading_version <> ?) order by submission_id limit 500',
        [after, READING_VERSION],
      );
      if (!stale.length) return;
      after = stale.at(-1)!.id;
      const stored = await this.source.getMany(stale.map((r) => r.id));
      const changed = [...stored.values()];
      if (!changed.length) continue;
      await this.sql.transaction(async (tx) => {
        for (const s of changed) {
          const r = s.reading;
          const t = triageFacts(s);
          await tx.run(
            `update inbox_referrals set priority = ?, severity = ?, level = ?, safety = ?, region = ?, disagreement = ?, reading_version = ?,
               triage_rank = ?, age = ?, timescale = ?, referrer = ?, referrer_org = ?,
               area_team = coalesce(area_set, ?), area_from = case when area_set is null then ? else 'reviewer' end,
               needs_area = case when area_set is null then ? else 0 end
             where submission_id = ?`,
            [
              r.priority,
              r.severity,
              r.level,
              JSON.stringify(r.safety),
              r.region,
              r.disagreement !== null ? 1 : 0,
              r.readingVersion,
              triageRank(r),
              t.age,
              t.timescale,
              t.referrer,
              t.referrerOrg,
              r.area,
              r.areaFrom,
              r.needsArea ? 1 : 0,
              s.id,
            ],
          );
        }
      });
    }
  }

  /** Brings the index up to date with the store (one catch-up at a time in this process; the primary key guards against others). */
  catchUp(): Promise<void> {
    this.catching ??= (async () => {
      try {
        if (!this.refreshed) {
          await this.refreshReadings();
          this.refreshed = true;
        }
        for (;;) {
          const seq = Number(
            (await this.sql.get<{ s: number }>('select coalesce(max(source_seq), 0) as s from inbox_referrals'))!.s,
          );
          const batch = await this.source.after(seq, 500);
          if (!batch.length) return;
          await this.sql.transaction(async (tx) => {
            for (const s of batch) await tx.run(Referrals.INSERT, this.indexRow(s));
            await this.onIndexed?.(tx, batch);
          });
        }
      } finally {
        this.catching = undefined;
      }
    })();
    return this.catching;
  }

  private where(
    filter: ListFilter,
    scope: Pick<User, 'teams' | 'regions'>,
  ): { sql: string[]; args: (string | number)[] } {
    const sql: string[] = [];
    const args: (string | number)[] = [];
    const eq = (col: string, v: string | undefined) => {
      if (v) sql.push(`${col} = ?`) && args.push(v);
    };
    eq('submission_id', filter.id);
    eq('review_state', filter.state);
    eq('region', filter.region);
    eq('area_team', filter.team);
    eq('instrument_id', filter.instrument);
    eq('level', filter.level);
    if (filter.from && /^\d{4}-\d{2}-\d{2}$/.test(filter.from)) sql.push('received_at >= ?') && args.push(filter.from);
    if (filter.to && /^\d{4}-\d{2}-\d{2}$/.test(filter.to) && !Number.isNaN(Date.parse(filter.to)))
      sql.push('received_at < ?') && args.push(new Date(Date.parse(filter.to) + 86_400_000).toISOString().slice(0, 10));
    if (filter.child?.trim()) {
      // Every key's hash: during an inbox-key rotation rows of both are found.
      const keys = this.keys.childKeys(filter.child);
      sql.push(`child_key in (${keys.map(() => '?').join(', ')})`) && args.push(...keys);
    }
    if (filter.noArea) sql.push('needs_area = 1');
    if (scope.teams.length || scope.regions.length) {
      const parts: string[] = [];
      if (scope.teams.length)
        parts.push(`area_team in (${scope.teams.map(() => '?').join(',')})`) && args.push(...scope.teams);
      if (scope.regions.length)
        parts.push(`region in (${scope.regions.map(() => '?').join(',')})`) && args.push(...scope.regions);
      sql.push(`(${parts.join(' or ')})`);
    }
    return { sql, args };
  }

  /** One page of the list, most serious first, newest first within. */
  async list(
    filter: ListFilter,
    scope: Pick<User, 'teams' | 'regions'>,
    cursor?: Cursor,
    limit = 50,
  ): Promise<{ items: ReferralRow[]; next: string | null }> {
    const { sql, args } = this.where(filter, scope);
    if (cursor)
      sql.push('(priority, received_at, submission_id) < (?, ?, ?)') && args.push(cursor.p, cursor.r, cursor.i);
    const n = Math.min(Math.max(limit, 1), 200);
    const rows = await this.sql.all<Raw>(
      `select ${COLUMNS} from inbox_referrals ${sql.length ? `where ${sql.join(' and ')}` : ''} order by priority desc, received_at desc, submission_id desc limit ?`,
      [...args, n + 1],
    );
    const items = rows.slice(0, n).map((r) => this.row(r));
    const last = items[items.length - 1];
    return {
      items,
      next: rows.length > n && last ? encodeCursor({ p: last.priority, r: last.receivedAt, i: last.id }) : null,
    };
  }

  /** The SQL that picks a view's rows (besides filters and scope). */
  private static viewWhere(view: ListView, userId: string): { sql: string[]; args: string[] } {
    switch (view) {
      case 'queue':
        return { sql: ["queue = 'decide'"], args: [] };
      case 'mine':
        return { sql: ["queue = 'review'", 'assignee_id = ?'], args: [userId] };
      case 'review':
        return { sql: ["queue = 'review'"], args: [] };
      case 'actioned':
        return { sql: ["queue = 'actioned'"], args: [] };
      case 'closed':
        return { sql: ["queue = 'closed'"], args: [] };
      case 'all':
        return { sql: [], args: [] };
    }
  }

  /**
   * One page of a view of the queue: the most urgent first (safety routes, under 13, missing now, then
   * the level: the stored triage rank), then the longest waiting; one range of one index per view.
   */
  async listView(
    view: ListView,
    filter: ListFilter,
    user: Pick<User, 'id' | 'teams' | 'regions'>,
    cursor?: Cursor,
    limit = 50,
  ): Promise<{ items: ReferralRow[]; next: string | null }> {
    const { state: _ignored, ...rest } = filter;
    const { sql, args } = this.where(rest, user);
    const v = Referrals.viewWhere(view, user.id);
    sql.unshift(...v.sql);
    args.unshift(...v.args);
    if (cursor)
      sql.push('(triage_rank, received_at, submission_id) > (?, ?, ?)') && args.push(cursor.p, cursor.r, cursor.i);
    const n = Math.min(Math.max(limit, 1), 200);
    const rows = await this.sql.all<Raw>(
      `select ${COLUMNS} from inbox_referrals ${sql.length ? `where ${sql.join(' and ')}` : ''} order by triage_rank, received_at, submission_id limit ?`,
      [...args, n + 1],
    );
    const items = rows.slice(0, n).map((r) => this.row(r));
    const last = rows[n - 1];
    return {
      items,
      next:
        rows.length > n && last ? encodeCursor({ p: Number(last.triageRank), r: last.receivedAt, i: last.id }) : null,
    };
  }

  /** The rows an export takes: a view (or every state), the filters and the account's scope, up to a point in the store. */
  private exportWhere(
    view: ListView | undefined,
    filter: ListFilter,
    user: Pick<User, 'id' | 'teams' | 'regions'>,
    upToSeq: number,
  ): { sql: string[]; args: (string | number)[] } {
    const { state, ...rest } = filter;
    const { sql, args } = this.where(view ? rest : { state, ...rest }, user);
    if (view) {
      const v = Referrals.viewWhere(view, user.id);
      sql.unshift(...v.sql);
      args.unshift(...v.args);
    }
    sql.push('source_seq <= ?') && args.push(upToSeq);
    return { sql, args };
  }

  /** The newest referral indexed: an export reads up to it, so its count holds however many arrive meanwhile. */
  async lastSeq(): Promise<number> {
    return Number(
      (await this.sql.get<{ s: number }>('select coalesce(max(source_seq), 0) as s from inbox_referrals'))!.s,
    );
  }

  /** How many referrals an export takes, and the tools among them (each tool's own file). */
  async exportExtent(
    view: ListView | undefined,
    filter: ListFilter,
    user: Pick<User, 'id' | 'teams' | 'regions'>,
    upToSeq: number,
  ): Promise<{ count: number; instruments: string[] }> {
    const { sql, args } = this.exportWhere(view, filter, user, upToSeq);
    const rows = await this.sql.all<{ i: string; n: number }>(
      `select instrument_id as i, count(*) as n from inbox_referrals where ${sql.join(' and ')} group by instrument_id order by instrument_id`,
      args,
    );
    return { count: rows.reduce((a, r) => a + Number(r.n), 0), instruments: rows.map((r) => r.i) };
  }

  /**
   * The referrals an export takes, a batch at a time in the order the store received them (one range of
   * the unique source_seq index per batch): memory holds one batch, whatever the export's size.
   */
  async *exportBatches(
    view: ListView | undefined,
    filter: ListFilter,
    user: Pick<User, 'id' | 'teams' | 'regions'>,
    upToSeq: number,
    batch = 200,
  ): AsyncGenerator<ReferralRow[]> {
    const { sql, args } = this.exportWhere(view, filter, user, upToSeq);
    for (let after = 0; ;) {
      const rows = await this.sql.all<Raw & { seq: number }>(
        `select ${COLUMNS}, source_seq as seq from inbox_referrals where ${sql.join(' and ')} and source_seq > ? order by source_seq limit ?`,
        [...args, after, batch],
      );
      if (!rows.length) return;
      after = Number(rows.at(-1)!.seq);
      yield rows.map(({ seq: _seq, ...r }) => this.row(r));
      if (rows.length < batch) return;
    }
  }

  /** The review histories of a batch of referrals, each oldest first. */
  async eventsOf(ids: string[]): Promise<Map<string, ReviewEvent[]>> {
    const out = new Map<string, ReviewEvent[]>(ids.map((id) => [id, []]));
    if (!ids.length) return out;
    const rows = await this.sql.all<Omit<ReviewEvent, 'note'> & { note: string; sid: string }>(
      `select id, submission_id as sid, kind, from_state as "from", to_state as "to", user_email as "userEmail", assignee, note_sealed as note, at from inbox_review_events where submission_id in (${ids.map(() => '?').join(',')}) order by submission_id, id`,
      ids,
    );
    for (const { sid, ...e } of rows)
      out.get(sid)?.push({ ...e, id: Number(e.id), note: this.keys.open(e.note, `note:${sid}`) });
    return out;
  }

  /**
   * The count in each state for a scope (and a region or area filter), from the counts the triggers keep
   * (schema 004): a few rows, whatever the number of referrals.
   */
  private async stateCounts(
    scope: Pick<User, 'teams' | 'regions'>,
    filter: Pick<ListFilter, 'region' | 'team'> = {},
  ): Promise<Record<ReviewState, number>> {
    const sql: string[] = [];
    const args: string[] = [];
    if (filter.region) sql.push('region = ?') && args.push(filter.region);
    if (filter.team) sql.push('area_team = ?') && args.push(filter.team);
    if (scope.teams.length || scope.regions.length) {
      const parts: string[] = [];
      if (scope.teams.length)
        parts.push(`area_team in (${scope.teams.map(() => '?').join(',')})`) && args.push(...scope.teams);
      if (scope.regions.length)
        parts.push(`region in (${scope.regions.map(() => '?').join(',')})`) && args.push(...scope.regions);
      sql.push(`(${parts.join(' or ')})`);
    }
    const rows = await this.sql.all<{ s: ReviewState; n: number }>(
      `select review_state as s, sum(n) as n from inbox_state_counts ${sql.length ? `where ${sql.join(' and ')}` : ''} group by review_state`,
      args,
    );
    const out = Object.fromEntries(REVIEW_STATES.map((x) => [x.id, 0])) as Record<ReviewState, number>;
    for (const r of rows) out[r.s] = Number(r.n);
    return out;
  }

  /** How many referrals each view holds (the same filters and scope applied). */
  async viewCounts(
    filter: ListFilter,
    user: Pick<User, 'id' | 'teams' | 'regions'>,
  ): Promise<Record<ListView, number>> {
    const { state: _ignored, ...rest } = filter;
    const { sql, args } = this.where(rest, user);
    const where = sql.length ? `and ${sql.join(' and ')}` : '';
    const count = async (extra: string, extraArgs: string[]) =>
      Number(
        (await this.sql.get<{ n: number }>(`select count(*) as n from inbox_referrals where ${extra} ${where}`, [
          ...extraArgs,
          ...args,
        ]))!.n,
      );
    // Mine: one small range of the assignee index.
    const mine = count("queue = 'review' and assignee_id = ?", [user.id]);
    // Scope, region and area alone: the kept counts; any other filter: counted over the matching rows.
    const simple = Object.keys(rest).every((k) => k === 'region' || k === 'team');
    if (simple) {
      const by = await this.stateCounts(user, rest);
      const queue = by.new + by['needs-information'];
      return {
        queue,
        mine: await mine,
        review: by['in-review'],
        actioned: by.actioned,
        closed: by.closed,
        all: queue + by['in-review'] + by.actioned + by.closed,
      };
    }
    const [queue, review, actioned, closed] = await Promise.all([
      count("queue = 'decide'", []),
      count("queue = 'review'", []),
      count("queue = 'actioned'", []),
      count("queue = 'closed'", []),
    ]);
    return { queue, mine: await mine, review, actioned, closed, all: queue + review + actioned + closed };
  }

  /** The new ones in the account's scope (the tab title's count), from the kept counts. */
  async countNew(scope: Pick<User, 'teams' | 'regions'>): Promise<number> {
    return (await this.stateCounts(scope)).new;
  }

  private facetCache: { at: number; value: Promise<Facets> } | undefined;

  /** The values the list's filters can take (the same for everyone: no scope applies). Kept a minute: each is a scan. */
  facets(): Promise<Facets> {
    if (!this.facetCache || this.now() - this.facetCache.at > 60_000) {
      const col = async (c: string) =>
        (
          await this.sql.all<{ v: string }>(
            `select distinct ${c} as v from inbox_referrals where ${c} is not null order by ${c}`,
          )
        ).map((r) => r.v);
      const value = (async () => ({
        regions: await col('region'),
        teams: await col('area_team'),
        instruments: await col('instrument_id'),
        levels: await col('level'),
      }))();
      value.catch(() => (this.facetCache = undefined));
      this.facetCache = { at: this.now(), value };
    }
    return this.facetCache.value;
  }

  async get(id: string): Promise<ReferralRow | undefined> {
    const r = await this.sql.get<Raw>(`select ${COLUMNS} from inbox_referrals where submission_id = ?`, [id]);
    return r && this.row(r);
  }

  /** Every referral naming this child reference (any spelling, under every inbox key held), oldest first. */
  async forChild(childRef: string): Promise<ReferralRow[]> {
    const keys = this.keys.childKeys(childRef);
    return (
      await this.sql.all<Raw>(
        `select ${COLUMNS} from inbox_referrals where child_key in (${keys.map(() => '?').join(', ')}) order by received_at, submission_id`,
        keys,
      )
    ).map((r) => this.row(r));
  }

  /** Several referrals by id (an audit page's), as a map; ids with no referral are absent. */
  async rowsOf(ids: string[]): Promise<Map<string, ReferralRow>> {
    const unique = [...new Set(ids)];
    if (!unique.length) return new Map();
    const rows = await this.sql.all<Raw>(
      `select ${COLUMNS} from inbox_referrals where submission_id in (${unique.map(() => '?').join(',')})`,
      unique,
    );
    return new Map(rows.map((r) => [r.id, this.row(r)]));
  }

  /** The ids of every referral for a child reference (matched as the list's search matches it). */
  async idsForChild(childRef: string): Promise<string[]> {
    const keys = this.keys.childKeys(childRef); // under every inbox key held (a rotation may be under way)
    return (
      await this.sql.all<{ id: string }>(
        `select submission_id as id from inbox_referrals where child_key in (${keys.map(() => '?').join(', ')}) order by received_at limit 1000`,
        keys,
      )
    ).map((r) => r.id);
  }

  /**
   * One page of the records for the same child reference as `id` (itself included), newest first,
   * within the account's scope; `after` is the last row of the page before. A reference can have
   * thousands of records: a view shows a page at a time. Also how many there are in the scope and beyond it.
   */
  async chainPage(
    id: string,
    scope: Pick<User, 'teams' | 'regions'>,
    limit: number,
    after?: { receivedAt: string; id: string },
  ): Promise<{ rows: ReferralRow[]; more: boolean; visible: number; hidden: number }> {
    const key = (
      await this.sql.get<{ k: string }>('select child_key as k from inbox_referrals where submission_id = ?', [id])
    )?.k;
    if (!key) return { rows: [], more: false, visible: 0, hidden: 0 };
    const { sql, args } = this.where({}, scope);
    const scoped = ['child_key = ?', ...sql];
    const page = after ? ['(received_at < ? or (received_at = ? and submission_id < ?))'] : [];
    const rows = await this.sql.all<Raw>(
      `select ${COLUMNS} from inbox_referrals where ${[...scoped, ...page].join(' and ')} order by received_at desc, submission_id desc limit ?`,
      [key, ...args, ...(after ? [after.receivedAt, after.receivedAt, after.id] : []), limit + 1],
    );
    const count = async (where: string[], a: (string | number)[]) =>
      Number(
        (await this.sql.get<{ n: number | string }>(
          `select count(*) as n from inbox_referrals where ${where.join(' and ')}`,
          a,
        ))!.n,
      );
    const visible = await count(scoped, [key, ...args]);
    const all = sql.length ? await count(['child_key = ?'], [key]) : visible;
    return {
      rows: rows.slice(0, limit).map((r) => this.row(r)),
      more: rows.length > limit,
      visible,
      hidden: all - visible,
    };
  }

  async events(id: string): Promise<ReviewEvent[]> {
    return (
      await this.sql.all<Omit<ReviewEvent, 'note'> & { note: string }>(
        'select id, kind, from_state as "from", to_state as "to", user_email as "userEmail", assignee, note_sealed as note, at from inbox_review_events where submission_id = ? order by id',
        [id],
      )
    ).map((e) => ({ ...e, id: Number(e.id), note: this.keys.open(e.note, `note:${id}`) }));
  }

  /** Moves a referral to another review state, with the reviewer's note. */
  async setState(id: string, to: ReviewState, user: Pick<User, 'id' | 'email'>, note: string): Promise<ReferralRow> {
    const text = note.trim();
    if (!text) throw new ReviewError('note', 'Write a note saying what was done or why.');
    if (text.length > 5000) throw new ReviewError('note', 'Keep the note under 5,000 characters.');
    return this.sql.transaction(async (tx) => {
      const raw = await tx.get<Raw>(`select ${COLUMNS} from inbox_referrals where submission_id = ?`, [id]);
      if (!raw) throw new ReviewError('not-found', 'No such referral.');
      const row = this.row(raw);
      if (!TRANSITIONS[row.reviewState].includes(to))
        throw new ReviewError(
          'transition',
          `A referral that is ${label(row.reviewState)} cannot be marked ${label(to)}.`,
        );
      const at = new Date(this.now()).toISOString();
      // Taken into review with no one holding it: the reviewer who did it has it.
      const take = to === 'in-review' && !row.assigneeId;
      // The state guard: two reviewers changing it at once, the second is refused.
      const { changes } = await tx.run(
        `update inbox_referrals set review_state = ?, queue = ?, review_by = ?, review_at = ?${take ? ', assignee_id = ?, assignee = ?' : ''} where submission_id = ? and review_state = ?`,
        [to, QUEUE_OF[to], user.email, at, ...(take ? [user.id, user.email] : []), id, row.reviewState],
      );
      if (changes !== 1)
        throw new ReviewError(
          'transition',
          'Someone changed this referral at the same moment. Reload it and try again.',
        );
      await tx.run(
        'insert into inbox_review_events (submission_id, from_state, to_state, user_id, user_email, note_sealed, at) values (?, ?, ?, ?, ?, ?, ?)',
        [id, row.reviewState, to, user.id, user.email, this.keys.seal(text, `note:${id}`), at],
      );
      return {
        ...row,
        reviewState: to,
        reviewBy: user.email,
        reviewAt: at,
        ...(take ? { assignee: user.email, assigneeId: user.id } : {}),
      };
    });
  }

  /**
   * Gives a referral to a reviewer: to oneself (pick up: one that needs a decision moves into review) or
   * to another (reassign; the caller checks that they may see it). Recorded in the review history.
   */
  async assign(
    id: string,
    to: Pick<User, 'id' | 'email'>,
    user: Pick<User, 'id' | 'email'>,
    note = '',
  ): Promise<ReferralRow> {
    const text = note.trim();
    if (text.length > 5000) throw new ReviewError('note', 'Keep the note under 5,000 characters.');
    return this.sql.transaction(async (tx) => {
      const raw = await tx.get<Raw>(`select ${COLUMNS} from inbox_referrals where submission_id = ?`, [id]);
      if (!raw) throw new ReviewError('not-found', 'No such referral.');
      const row = this.row(raw);
      if (row.reviewState === 'actioned' || row.reviewState === 'closed')
        throw new ReviewError(
          'transition',
          `A referral that is ${label(row.reviewState)} cannot be picked up: reopen it into review first.`,
        );
      if (row.assigneeId === to.id && row.reviewState === 'in-review')
        throw new ReviewError('transition', `${to.email} already has this referral.`);
      const at = new Date(this.now()).toISOString();
      const state: ReviewState = 'in-review';
      // The guard: two reviewers picking it up at once, the second is refused.
      const { changes } = await tx.run(
        "update inbox_referrals set review_state = ?, queue = 'review', review_by = ?, review_at = ?, assignee_id = ?, assignee = ? where submission_id = ? and review_state = ? and coalesce(assignee_id, '') = ?",
        [state, user.email, at, to.id, to.email, id, row.reviewState, row.assigneeId ?? ''],
      );
      if (changes !== 1)
        throw new ReviewError(
          'transition',
          'Someone changed this referral at the same moment. Reload it and try again.',
        );
      const why = text || (to.id === user.id ? 'Picked up.' : `Given to ${to.email}.`);
      await tx.run(
        "insert into inbox_review_events (submission_id, from_state, to_state, user_id, user_email, note_sealed, at, kind, assignee) values (?, ?, ?, ?, ?, ?, ?, 'assign', ?)",
        [id, row.reviewState, state, user.id, user.email, this.keys.seal(why, `note:${id}`), at, to.email],
      );
      return { ...row, reviewState: state, reviewBy: user.email, reviewAt: at, assignee: to.email, assigneeId: to.id };
    });
  }

  /** A note in the review history at any time, without a change of state (from = to). */
  async addNote(id: string, user: Pick<User, 'id' | 'email'>, note: string): Promise<void> {
    const text = note.trim();
    if (!text) throw new ReviewError('note', 'Write the note.');
    if (text.length > 5000) throw new ReviewError('note', 'Keep the note under 5,000 characters.');
    const row = await this.get(id);
    if (!row) throw new ReviewError('not-found', 'No such referral.');
    await this.sql.run(
      "insert into inbox_review_events (submission_id, from_state, to_state, user_id, user_email, note_sealed, at, kind) values (?, ?, ?, ?, ?, ?, ?, 'note')",
      [
        id,
        row.reviewState,
        row.reviewState,
        user.id,
        user.email,
        this.keys.seal(text, `note:${id}`),
        new Date(this.now()).toISOString(),
      ],
    );
  }

  /**
   * Sets a referral's area (a reviewer covering its region, or an admin: the caller checks who), with a
   * note saying why; the area must be one of the region's. Kept apart from the server's reading, in its
   * own append-only history.
   */
  async setArea(id: string, area: string, user: Pick<User, 'id' | 'email'>, note: string): Promise<ReferralRow> {
    const text = note.trim();
    if (!text) throw new ReviewError('note', 'Write a note saying how the area was found.');
    if (text.length > 5000) throw new ReviewError('note', 'Keep the note under 5,000 characters.');
    return this.sql.transaction(async (tx) => {
      const raw = await tx.get<Raw>(`select ${COLUMNS} from inbox_referrals where submission_id = ?`, [id]);
      if (!raw) throw new ReviewError('not-found', 'No such referral.');
      const row = this.row(raw);
      const checked = checkArea(area, row.region);
      if (!checked.ok) throw new ReviewError('area', checked.message);
      const at = new Date(this.now()).toISOString();
      // The guard: two people setting it at once, the second is refused.
      const { changes } = await tx.run(
        "update inbox_referrals set area_set = ?, area_team = ?, area_from = 'reviewer', needs_area = 0 where submission_id = ? and coalesce(area_team, '') = ?",
        [checked.value, checked.value, id, row.areaTeam ?? ''],
      );
      if (changes !== 1)
        throw new ReviewError(
          'transition',
          'Someone changed this referral at the same moment. Reload it and try again.',
        );
      await tx.run(
        'insert into inbox_area_changes (submission_id, from_area, to_area, user_id, user_email, note_sealed, at) values (?, ?, ?, ?, ?, ?, ?)',
        [id, row.areaTeam, checked.value, user.id, user.email, this.keys.seal(text, `area:${id}`), at],
      );
      return { ...row, areaTeam: checked.value, areaFrom: 'reviewer' as const, needsArea: false };
    });
  }

  /** The area changes of one referral, oldest first. */
  async areaChanges(id: string): Promise<AreaChange[]> {
    return (
      await this.sql.all<Omit<AreaChange, 'note'> & { note: string }>(
        'select id, from_area as "from", to_area as "to", user_email as "userEmail", note_sealed as note, at from inbox_area_changes where submission_id = ? order by id',
        [id],
      )
    ).map((e) => ({ ...e, id: Number(e.id), note: this.keys.open(e.note, `area:${id}`) }));
  }
}

/** Who has opened a referral, from the audit's 'view' rows: each account once, most recent first. */
export function seenBy(views: { actor: string; at: string }[]): SeenBy[] {
  const by = new Map<string, SeenBy>();
  for (const v of views) {
    const s = by.get(v.actor);
    if (!s) by.set(v.actor, { actor: v.actor, first: v.at, last: v.at, times: 1 });
    else {
      s.times++;
      if (v.at < s.first) s.first = v.at;
      if (v.at > s.last) s.last = v.at;
    }
  }
  return [...by.values()].sort((a, b) => (a.last < b.last ? 1 : a.last > b.last ? -1 : 0));
}

export function label(s: ReviewState): string {
  return (REVIEW_STATES.find((x) => x.id === s)?.label ?? s).toLowerCase();
}
