// The audit, for admins: read it page by page, or download it as CSV.
import { type InboxRoute, type RouteContext, json } from './route.ts';

export function auditRoutes({ svc, audit }: RouteContext): InboxRoute[] {
  const entriesFor = (q: URLSearchParams, limit: number) =>
    svc.audit.list({
      before: Number(q.get('before')) || undefined,
      limit,
      action: q.get('action') || undefined,
      submissionId: q.get('submission') || undefined,
    });
  return [
    {
      method: 'GET',
      url: '/audit',
      guard: 'admin',
      audits: ['audit-view'],
      handler: async (req, caller) => {
        const entries = await entriesFor(req.query, 100);
        await audit(req, caller!.user, 'audit-view', null);
        return json(200, { entries, next: entries.length === 100 ? entries[entries.length - 1]!.id : null });
      },
    },
    {
      method: 'GET',
      url: '/audit.csv',
      guard: 'admin',
      audits: ['audit-export'],
      handler: async (req, caller) => {
        const entries = await entriesFor(req.query, 1000);
        await audit(req, caller!.user, 'audit-export', null, `${entries.length} entries`);
        const cols = ['id', 'at', 'actor', 'action', 'submissionId', 'detail', 'address'] as const;
        const q = (v: unknown) =>
          v === null || v === undefined
            ? ''
            : /[",\r\n]/.test(String(v))
              ? `"${String(v).replace(/"/g, '""')}"`
              : String(v);
        return {
          status: 200,
          type: 'text/csv; charset=utf-8',
          text: `${[cols.join(','), ...entries.map((e) => cols.map((c) => q(e[c])).join(','))].join('\r\n')}\r\n`,
          headers: { 'Content-Disposition': 'attachment; filename="audit.csv"' },
        };
      },
    },
  ];
}
