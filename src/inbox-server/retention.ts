// Retention: how long each kind of record is kept, set by the council with
// `npm run admin -- retention set screening|information-report <days>` (kept
// in the database, so every instance reads the same periods; none set: kept
// for ever). A daily job (started with the server, and `retention run`)
// removes what has passed its period: the submission (its sealed body and
// data key), its inbox index row with the sealed child reference, its review
// and area history (sealed notes) and its alert rows. What stays is one row
// per removal in ops_retention_removed (ids, kind, tool, times, the last
// review state: no child data) and one audit row per run with the counts.
//
// Only a referral whose review is finished (actioned or closed) is removed: one
// still new, in review or waiting for information is kept whatever its age,
// and counted, so retention never takes a referral nobody has acted on.
import type { Sql } from '../receiver/store/sql.ts';
import { AREA_CHANGES, REVIEW_EVENTS, withAppendOnlyLifted } from './append-only.ts';
import type { Audit } from './audit.ts';
import './schema-operations.ts';

export const RETENTION_KINDS = ['screening', 'information-report'] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

/** The submission kinds (src/contract) each retention kind covers. */
const SUBMISSION_KIND: Record<RetentionKind, string> = {
  screening: 'assessment',
  'information-report': 'information-report',
};

const DAY_MS = 86_400_000;
export const RETENTION_EVERY_MS = DAY_MS;

export class RetentionError extends Error {
  override name = 'RetentionError';
}

export interface RetentionPeriod {
  kind: RetentionKind;
  days: number;
  setBy: string;
  setAt: string;
}

export interface RetentionRun {
  removed: Record<RetentionKind, number>;
  /** Past their period but kept: their review is not finished. */
  keptOpen: number;
}

export class Retention {
  private timer: ReturnType<typeof setInterval> | undefined;
  private running: Promise<RetentionRun> | undefined;

  constructor(
    private readonly sql: Sql,
    private readonly audit: Audit,
    private readonly now: () => number = Date.now,
  ) {}

  async periods(): Promise<RetentionPeriod[]> {
    return this.sql.all<RetentionPeriod>(
      'select kind, days, set_by as "setBy", set_at as "setAt" from ops_retention order by kind',
    );
  }

  async set(kind: string, days: number, by: string): Promise<RetentionPeriod> {
    if (!(RETENTION_KINDS as readonly string[]).includes(kind))
      throw new RetentionError(`The kind of record is one of: ${RETENTION_KINDS.join(', ')}.`);
    if (!Number.isInteger(days) || days < 1 || days > 36_500)
      throw new RetentionError('The period is a whole number of days, from 1 to 36500.');
    const at = new Date(this.now()).toISOString();
    await this.sql.run(
      'insert into ops_retention (kind, days, set_by, set_at) values (?, ?, ?, ?) on conflict (kind) do update set days = excluded.days, set_by = excluded.set_by, set_at = excluded.set_at',
      [kind, days, by, at],
    );
    return { kind: kind as RetentionKind, days, setBy: by, setAt: at };
  }

  async clear(kind: string): Promise<boolean> {
    return (await this.sql.run('delete from ops_retention where kind = ?', [kind])).changes === 1;
  }

  /** Removes everything past its period whose review is finished; one audit row for the run. */
  run(actor = 'retention job'): Promise<RetentionRun> {
    this.running ??= this.removeExpired(actor).finally(() => (this.running = undefined));
    return this.running;
  }

  private async removeExpired(actor: string): Promise<RetentionRun> {
    const now = this.now();
    const removed: Record<RetentionKind, number> = { screening: 0, 'information-report': 0 };
    let keptOpen = 0;
    for (const p of await this.periods()) {
      const before = new Date(now - p.days * DAY_MS).toISOString();
      const kind = SUBMISSION_KIND[p.kind];
      keptOpen += Number(
        (await this.sql.get<{ n: number }>(
          "select count(*) as n from inbox_referrals where kind = ? and received_at < ? and review_state not in ('actioned', 'closed')",
          [kind, before],
        ))!.n,
      );
      for (;;) {
        const page = await this.sql.all<{
          id: string;
          receipt: string;
          instrumentId: string;
          receivedAt: string;
          state: string;
        }>(
          `select r.submission_id as id, s.receipt, r.instrument_id as "instrumentId", r.received_at as "receivedAt", r.review_state as state
             from inbox_referrals r join submissions s on s.id = r.submission_id
            where r.kind = ? and r.received_at < ? and r.review_state in ('actioned', 'closed') order by r.received_at limit 200`,
          [kind, before],
        );
        if (!page.length) break;
        const at = new Date(now).toISOString();
        await this.sql.transaction(async (tx) => {
          for (const r of page) {
            const ids = [r.id];
            await withAppendOnlyLifted(tx, REVIEW_EVENTS, () =>
              tx.run('delete from inbox_review_events where submission_id = ?', ids),
            );
            await withAppendOnlyLifted(tx, AREA_CHANGES, () =>
              tx.run('delete from inbox_area_changes where submission_id = ?', ids),
            );
            await tx.run('delete from inbox_alert_watch where submission_id = ?', ids);
            await tx.run('delete from inbox_alert_outbox where submission_id = ?', ids);
            // The keyed hashes of its registrations, numbers and names go with it (a number is easy to find
            // again by trying every one with the inbox key).
            await tx.run('delete from inbox_entry_keys where submission_id = ?', ids);
            await tx.run('delete from inbox_entry_scans where submission_id = ?', ids);
            await tx.run('delete from inbox_referrals where submission_id = ?', ids);
            await tx.run('delete from submissions where id = ?', ids);
            await tx.run(
              'insert into ops_retention_removed (submission_id, receipt, kind, instrument_id, received_at, review_state, removed_at) values (?, ?, ?, ?, ?, ?, ?) on conflict (submission_id) do nothing',
              [r.id, r.receipt, p.kind, r.instrumentId, r.receivedAt, r.state, at],
            );
          }
        });
        removed[p.kind] += page.length;
      }
    }
    const total = removed.screening + removed['information-report'];
    if (total || keptOpen)
      await this.audit.write({
        actor,
        action: 'retention-delete',
        detail: `retention: ${removed.screening} screenings and ${removed['information-report']} information reports removed past their period; ${keptOpen} past it kept because their review is not finished`,
        address: 'local',
      });
    return { removed, keptOpen };
  }

  /** What retention has removed, newest first (ids, kinds and times only). */
  async removedList(limit = 100) {
    return this.sql.all<{ id: string; receipt: string; kind: string; receivedAt: string; removedAt: string }>(
      'select submission_id as id, receipt, kind, received_at as "receivedAt", removed_at as "removedAt" from ops_retention_removed order by removed_at desc, submission_id limit ?',
      [limit],
    );
  }

  /** The daily job: once now, then every day (several instances may each run it: removals are idempotent). */
  start(everyMs = RETENTION_EVERY_MS): void {
    if (this.timer) return;
    const tick = () => void this.run().catch(() => {});
    tick();
    this.timer = setInterval(tick, everyMs);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => {});
  }
}
