// The audit: who did what, to which submission, when, from where. Every view,
// print, export, review change, sign-in (and failed sign-in), and user or
// device change is written here. Append-only (triggers in sqlite.ts); the
// detail never holds a child's data, only ids, states and counts.
import type { Sql } from '../receiver/store/sql.ts';

export type AuditAction =
  | 'login'
  | 'login-failed'
  | 'login-throttled'
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
  | 'alert-address-remove';

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

export class Audit {
  constructor(
    private sql: Sql,
    private now: () => number = Date.now,
  ) {}

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
  async list(
    q: { before?: number; limit?: number; action?: string; submissionId?: string; actorId?: string } = {},
  ): Promise<AuditEntry[]> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.before) where.push('id < ?') && args.push(q.before);
    if (q.action) where.push('action = ?') && args.push(q.action);
    if (q.submissionId) where.push('submission_id = ?') && args.push(q.submissionId);
    if (q.actorId) where.push('actor_id = ?') && args.push(q.actorId);
    const sql = `select id, at, actor_id as "actorId", actor, action, submission_id as "submissionId", detail, address from inbox_audit ${where.length ? `where ${where.join(' and ')}` : ''} order by id desc limit ?`;
    return (await this.sql.all<AuditEntry>(sql, [...args, Math.min(Math.max(q.limit ?? 100, 1), 1000)])).map((e) => ({
      ...e,
      id: Number(e.id),
    }));
  }
}
