// The audit: who did what, to which submission, when, from where. Every view,
// print, export, review change, sign-in (and failed sign-in), and user or
// device change is written here. Append-only (triggers in sqlite.ts); the
// detail never holds a child's data, only ids, states and counts.
//
// Refusals of requests nobody signed in made (cross-site, a device's
// credential, a throttled or busy sign-in) are summarised instead of written
// one by one, so a stranger cannot fill the append-only table (issue 23): the
// first of a kind from an address in a minute is written at once, the rest
// are counted and written as one row when the minute ends. Past
// REFUSAL_KEYS addresses in one minute, the others share one row.
import type { Sql } from '../receiver/store/sql.ts';

export const REFUSAL_WINDOW_MS = 60_000;
export const REFUSAL_KEYS = 50;

export type AuditAction =
  | 'login'
  | 'login-failed'
  | 'login-throttled'
  | 'login-busy'
  | 'logout'
  | 'logout-everywhere'
  | 'password-set'
  | 'list'
  | 'view'
  | 'print'
  | 'export-csv'
  | 'export-fhir'
  | 'review-state'
  | 'review-assign'
  | 'review-note'
  | 'area-set'
  | 'forbidden'
  | 'device-credential-refused'
  | 'user-add'
  | 'user-change'
  | 'user-link'
  | 'device-add'
  | 'device-revoke'
  | 'audit-view'
  | 'audit-export'
  | 'alert-sent'
  | 'alert-retry'
  | 'alert-failed'
  | 'alert-address-set'
  | 'alert-address-remove'
  | 'second-factor-reset'
  | 'second-factor-setting'
  | 'second-factor-missing'
  // A signed-in account over its requests a minute (summarised: a row a minute per account and address).
  | 'rate-limited'
  | 'device-clone-suspected'
  // Joined entries (issue 26): a referral's links looked at; a link to another team's referral shown
  // (only that it exists and who holds it: one row for that referral); the entries seen most; their CSV.
  | 'entry-links'
  | 'entry-link-outside'
  | 'entries-seen-most'
  | 'export-entries'
  // Operations (src/admin/operations-cli.ts): backups, restores, key rotations, retention, subject access.
  | 'backup'
  | 'restore'
  | 'rotate-kek'
  | 'rotate-endpoint-key'
  | 'rotate-inbox-key'
  | 'retention-delete'
  | 'subject-access';

export interface AuditEntry {
  id: number;
  at: string;
  actorId: string | null;
  /** The account's e-mail, "cli" or the address tried at a failed sign-in. */
  actor: string;
  action: AuditAction;
  submissionId: string | null;
  detail: string | null;
  address: string;
}

/** What the audit can be filtered on (the audit screen's filters). */
export interface AuditQuery {
  before?: number | undefined;
  limit?: number | undefined;
  action?: string | undefined;
  submissionId?: string | undefined;
  /** Any of these referrals (a child's: every referral for one child reference). */
  submissionIds?: string[] | undefined;
  actorId?: string | undefined;
  actor?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

interface Counted {
  action: AuditAction;
  actor: string;
  address: string;
  detail: string;
  first: number;
  last: number;
  more: number;
}

export class Audit {
  private counted = new Map<string, Counted>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private sql: Sql,
    private now: () => number = Date.now,
  ) {}

  /**
   * A refusal of an unauthenticated request: written at once the first time in a minute for
   * this action and address, then counted; `flush` (every minute, and at close) writes the count.
   */
  async refused(e: { action: AuditAction; address: string; detail: string; actor?: string }): Promise<void> {
    let address = e.address.slice(0, 100);
    let key = `${e.action} ${e.actor ?? 'anonymous'} ${address}`;
    if (!this.counted.has(key) && this.counted.size >= REFUSAL_KEYS) {
      address = 'other addresses';
      key = `${e.action} *`;
    }
    const t = this.now();
    const seen = this.counted.get(key);
    if (seen) {
      seen.more++;
      seen.last = t;
      return;
    }
    this.counted.set(key, {
      action: e.action,
      actor: e.actor ?? 'anonymous',
      address,
      detail: e.detail,
      first: t,
      last: t,
      more: 0,
    });
    this.timer ??= setInterval(() => void this.flush().catch(() => {}), REFUSAL_WINDOW_MS);
    this.timer.unref?.();
    await this.write({
      actor: e.actor ?? 'anonymous',
      action: e.action,
      detail: `${e.detail} (more like it within the minute are counted in one row)`,
      address,
    });
  }

  /** Writes one row per action and address for the refusals counted since the last flush. */
  async flush(): Promise<void> {
    const counted = [...this.counted.values()];
    this.counted.clear();
    for (const c of counted)
      if (c.more > 0)
        await this.write({
          actor: c.actor,
          action: c.action,
          detail: `${c.more} more refused from ${new Date(c.first).toISOString()} to ${new Date(c.last).toISOString()}: ${c.detail}`,
          address: c.address,
        });
  }

  /** Stops the minute's timer and writes what it counted. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  async write(e: {
    actorId?: string | null;
    actor: string;
    action: AuditAction;
    submissionId?: string | null;
    detail?: string | null;
    address: string;
  }): Promise<void> {
    await this.sql.run(
      'insert into inbox_audit (at, actor_id, actor, action, submission_id, detail, address) values (?, ?, ?, ?, ?, ?, ?)',
      [
        new Date(this.now()).toISOString(),
        e.actorId ?? null,
        e.actor.slice(0, 320),
        e.action,
        e.submissionId ?? null,
        e.detail?.slice(0, 500) ?? null,
        e.address.slice(0, 100),
      ],
    );
  }

  /** Newest first; `before` is the id of the last entry of the previous page. */
  async list(q: AuditQuery = {}): Promise<AuditEntry[]> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.before) where.push('id < ?') && args.push(q.before);
    if (q.action) where.push('action = ?') && args.push(q.action);
    if (q.submissionId) where.push('submission_id = ?') && args.push(q.submissionId);
    if (q.submissionIds) {
      if (!q.submissionIds.length) return [];
      where.push(`submission_id in (${q.submissionIds.map(() => '?').join(',')})`) && args.push(...q.submissionIds);
    }
    if (q.actorId) where.push('actor_id = ?') && args.push(q.actorId);
    // Who: an account's e-mail (or "cli", or an address tried at a failed sign-in), case aside.
    if (q.actor) where.push('lower(actor) = ?') && args.push(q.actor.trim().toLowerCase());
    // Dates (YYYY-MM-DD, UTC days as stored): from the first day's start to the last day's end.
    if (q.from && /^\d{4}-\d{2}-\d{2}$/.test(q.from)) where.push('at >= ?') && args.push(q.from);
    if (q.to && /^\d{4}-\d{2}-\d{2}$/.test(q.to) && !Number.isNaN(Date.parse(q.to)))
      where.push('at < ?') && args.push(new Date(Date.parse(q.to) + 86_400_000).toISOString().slice(0, 10));
    const sql = `select id, at, actor_id as "actorId", actor, action, submission_id as "submissionId", detail, address from inbox_audit ${where.length ? `where ${where.join(' and ')}` : ''} order by id desc limit ?`;
    return (await this.sql.all<AuditEntry>(sql, [...args, Math.min(Math.max(q.limit ?? 100, 1), 1000)])).map((e) => ({
      ...e,
      id: Number(e.id),
    }));
  }
}
