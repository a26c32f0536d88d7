// The audit, for admins: read it page by page with filters (who, what, a child
// reference or a referral, dates), or download it as CSV. Each entry about a
// referral carries the child's reference when the admin's scope covers the
// referral (else it is withheld, said so). The CSV is formula-safe like every
// export: a cell a spreadsheet would run (= + - @ tab CR first) is prefixed.
import type { User } from '../accounts.ts';
import type { AuditEntry, AuditQuery } from '../audit.ts';
import { cell } from '../export-csv.ts';
import { inScope } from '../referrals.ts';
import type { InboxService } from '../service.ts';
import { type ApiRequest, type InboxRoute, type RouteContext, isReferralId, json, searchRoutes } from './route.ts';

/** An audit line as the screen shows it: with the child's reference, or null (none, or not the admin's to see). */
export type AuditRow = AuditEntry & { childRef: string | null; childRefWithheld: boolean };

const short = (q: URLSearchParams, k: string, max = 320): string | undefined => {
  const v = q.get(k)?.trim();
  return v && v.length <= max ? v : undefined;
};

/** The filters the audit screen sends, read from the address (no child data: a child reference is matched by its key). */
async function queryOf(svc: InboxService, user: User, q: URLSearchParams, limit: number): Promise<AuditQuery> {
  const referral = short(q, 'submission', 100);
  const child = short(q, 'child', 200);
  return {
    before: Number(q.get('before')) || undefined,
    limit,
    action: short(q, 'action', 60),
    actor: short(q, 'actor'),
    submissionId: referral && isReferralId(referral) ? referral : referral ? 'none' : undefined,
    submissionIds: child ? await childIdsInScope(svc, user, child) : undefined,
    from: short(q, 'from', 10),
    to: short(q, 'to', 10),
  };
}

/**
 * The child's referrals within the admin's areas only: an admin limited to Bolton must not learn, by filtering
 * on a reference, that a child has records in Wigan and who opened them (found by attack).
 */
async function childIdsInScope(svc: InboxService, user: User, child: string): Promise<string[]> {
  const rows = await svc.referrals.rowsOf(await svc.referrals.idsForChild(child));
  return [...rows.values()].filter((r) => inScope(user, r)).map((r) => r.id);
}

/** Each entry with its referral's child reference, where the admin's scope covers the referral. */
async function withChildRefs(svc: InboxService, user: User, entries: AuditEntry[]): Promise<AuditRow[]> {
  const rows = await svc.referrals.rowsOf(entries.flatMap((e) => (e.submissionId ? [e.submissionId] : [])));
  return entries.map((e) => {
    const row = e.submissionId ? rows.get(e.submissionId) : undefined;
    const allowed = !!row && inScope(user, row);
    return { ...e, childRef: allowed ? row.childRef : null, childRefWithheld: !!row && !allowed };
  });
}

/** The filters used, by name, for the audit's own row (a child reference is never written there). */
const filtersUsed = (req: ApiRequest): string =>
  ['actor', 'action', 'submission', 'child', 'from', 'to']
    .filter((k) => req.query.get(k))
    .map((k) => (k === 'child' ? 'child reference' : k === 'submission' ? 'referral' : k))
    .join(', ');

export function auditRoutes({ svc, audit }: RouteContext): InboxRoute[] {
  return [
    ...searchRoutes(
      {
        method: 'GET',
        url: '/audit',
        guard: 'admin',
        audits: ['audit-view'],
        handler: async (req, caller) => {
          await svc.referrals.catchUp();
          const entries = await svc.audit.list(await queryOf(svc, caller!.user, req.query, 100));
          const f = filtersUsed(req);
          await audit(req, caller!.user, 'audit-view', null, f ? `filters: ${f}` : undefined);
          return json(200, {
            entries: await withChildRefs(svc, caller!.user, entries),
            next: entries.length === 100 ? entries[entries.length - 1]!.id : null,
          });
        },
      },
      '/audit/search',
    ),
    ...searchRoutes(
      {
        method: 'GET',
        url: '/audit.csv',
        guard: 'admin',
        audits: ['audit-export'],
        handler: async (req, caller) => {
          await svc.referrals.catchUp();
          const entries = await withChildRefs(
            svc,
            caller!.user,
            await svc.audit.list(await queryOf(svc, caller!.user, req.query, 1000)),
          );
          const f = filtersUsed(req);
          await audit(
            req,
            caller!.user,
            'audit-export',
            null,
            `${entries.length} entries${f ? `; filters: ${f}` : ''}`,
          );
          const cols = ['id', 'at', 'actor', 'action', 'submissionId', 'childRef', 'detail', 'address'] as const;
          const lines = [cols.join(','), ...entries.map((e) => cols.map((c) => cell(e[c])).join(','))];
          return {
            status: 200,
            type: 'text/csv; charset=utf-8',
            text: `\ufeff${lines.join('\r\n')}\r\n`,
            headers: { 'Content-Disposition': 'attachment; filename="audit.csv"' },
          };
        },
      },
      '/audit.csv',
    ),
  ];
}
