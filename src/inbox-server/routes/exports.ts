// Exports of the referrals a reviewer may see: CSV and FHIR R4. Each exported
// referral is audited; one outside the reviewer's scope refuses the whole export.
import { type ExportItem, toCsv } from '../export-csv.ts';
import { toBundle } from '../export-fhir.ts';
import { inScope, type ReferralRow } from '../referrals.ts';
import type { User } from '../accounts.ts';
import { rescore } from './referrals.ts';
import { type ApiRequest, type ApiResponse, type InboxRoute, type RouteContext, fail } from './route.ts';

export function exportRoutes(ctx: RouteContext): InboxRoute[] {
  const { svc, audit } = ctx;

  /** Rows for an export: the ids asked for, each checked against the user's scope. */
  async function exportItems(req: ApiRequest, user: User): Promise<ExportItem[] | ApiResponse> {
    const ids = (req.query.get('ids') ?? '').split(',').filter(Boolean);
    if (ids.length === 0 || ids.length > 500) return fail('ids', 'Name between 1 and 500 referrals to export (ids=…).');
    await svc.referrals.catchUp();
    const rows: ReferralRow[] = [];
    for (const id of ids) {
      const row = await svc.referrals.get(id);
      if (!row) return fail('not-found', 'No such referral.');
      if (!inScope(user, row)) {
        await audit(req, user, 'forbidden', id, "export outside the account's area");
        return fail('out-of-scope');
      }
      rows.push(row);
    }
    const bodies = await svc.opts.source.getMany(ids);
    return Promise.all(
      rows.map(async (row) => {
        const stored = bodies.get(row.id)!;
        return {
          stored,
          row,
          server: rescore(row.instrumentId, stored.body),
          events: await svc.referrals.events(row.id),
        };
      }),
    );
  }

  const exporter =
    (csv: boolean): InboxRoute['handler'] =>
    async (req, caller) => {
      const items = await exportItems(req, caller!.user);
      if (!Array.isArray(items)) return items;
      for (const it of items)
        await audit(req, caller!.user, csv ? 'export-csv' : 'export-fhir', it.row.id, `${items.length} in this export`);
      const stamp = new Date(svc.now()).toISOString().slice(0, 19).replace(/[:T]/g, '-');
      return csv
        ? {
            status: 200,
            text: toCsv(items),
            type: 'text/csv; charset=utf-8',
            headers: { 'Content-Disposition': `attachment; filename="referrals-${stamp}.csv"` },
          }
        : {
            status: 200,
            text: JSON.stringify(toBundle(items, new Date(svc.now())), null, 2),
            type: 'application/fhir+json; charset=utf-8',
            headers: { 'Content-Disposition': `attachment; filename="referrals-${stamp}.fhir.json"` },
          };
    };

  return [
    {
      method: 'GET',
      url: '/export.csv',
      guard: 'reviewer',
      audits: ['export-csv', 'forbidden'],
      handler: exporter(true),
    },
    {
      method: 'GET',
      url: '/export.fhir.json',
      guard: 'reviewer',
      audits: ['export-fhir', 'forbidden'],
      handler: exporter(false),
    },
  ];
}
