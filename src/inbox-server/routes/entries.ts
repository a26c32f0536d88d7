// Joined entries (issue 26): on a referral, where else its registrations,
// numbers, places and persons appear; the entries seen most in the reviewer's
// area over a period; and those matches as a CSV for the police analyst.
// A match in a referral outside the reviewer's area says only that it exists
// and which team holds it; each such look is audited against that referral.
import { ENTRY_KIND_LABELS, getInstrument } from '../../domain/index.ts';
import type { EntryLinks, SeenMostPage } from '../../contract/entries-api.ts';
import { cell } from '../export-csv.ts';
import { referralFor } from './referrals.ts';
import { type ApiRequest, type InboxRoute, type RouteContext, fail, json } from './route.ts';

const DAY = 86_400_000;
/** Rows written for one look at another team's matches; the rest are counted in one more. */
export const OUTSIDE_ROWS = 50;
const isDay = (v: string | null): v is string =>
  !!v && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`));

/** The period asked for (whole days, received from `from` to `to`), by default the last 30 days. */
const PERIOD_HELP = 'Give the period as two dates, from and to (YYYY-MM-DD), the first not after the second.';

function period(req: ApiRequest, now: number): { from: string; to: string; until: string } | undefined {
  const to = req.query.get('to') || new Date(now).toISOString().slice(0, 10);
  const from = req.query.get('from') || new Date(Date.parse(`${to}T00:00:00Z`) - 29 * DAY).toISOString().slice(0, 10);
  if (!isDay(from) || !isDay(to) || from > to) return undefined;
  return { from, to, until: new Date(Date.parse(`${to}T00:00:00Z`) + DAY).toISOString().slice(0, 10) };
}

export function entryRoutes(ctx: RouteContext): InboxRoute[] {
  const { svc, audit } = ctx;
  // The index caught up with the store, and the entries of referrals indexed before they were joined scanned.
  const upToDate = async () => {
    await svc.referrals.catchUp();
    await svc.entries.backfill();
  };
  return [
    {
      method: 'GET',
      url: '/referrals/:id/links',
      guard: 'reviewer',
      audits: ['entry-links', 'entry-link-outside', 'forbidden'],
      handler: async (req, caller) => {
        const user = caller!.user;
        const row = await referralFor(ctx, req, user, 'GET links');
        if (!('instrumentId' in row)) return row;
        await svc.entries.backfill();
        const stored = await svc.opts.source.get(row.id);
        if (!stored) return fail('not-found', 'No such referral.');
        const { entries, hidden } = await svc.entries.links(stored, user);
        await audit(req, user, 'entry-links', row.id, `${entries.length} entries found in other referrals`);
        // Another team's referral: the reviewer now knows it exists and who holds it, and that is recorded,
        // one row for each (up to OUTSIDE_ROWS; past that, one row with the count, so no look floods the audit).
        const outside = [...hidden];
        for (const [id, team] of outside.slice(0, OUTSIDE_ROWS))
          await audit(req, user, 'entry-link-outside', id, `shown as held by ${team}, from referral ${row.id}`);
        if (outside.length > OUTSIDE_ROWS)
          await audit(
            req,
            user,
            'entry-link-outside',
            null,
            `${outside.length - OUTSIDE_ROWS} more referrals of other teams shown as held by them, from referral ${row.id}`,
          );
        return json(200, { entries } satisfies EntryLinks);
      },
    },
    {
      method: 'GET',
      url: '/entries',
      guard: 'reviewer',
      audits: ['entries-seen-most'],
      handler: async (req, caller) => {
        const user = caller!.user;
        const p = period(req, svc.now());
        if (!p) return fail('invalid', PERIOD_HELP);
        await upToDate();
        const items = await svc.entries.seenMost(user, p.from, p.until, 50);
        await audit(req, user, 'entries-seen-most', null, `${p.from} to ${p.to}: ${items.length} entries shown`);
        return json(200, { from: p.from, to: p.to, items } satisfies SeenMostPage);
      },
    },
    {
      method: 'GET',
      url: '/entries.csv',
      guard: 'reviewer',
      audits: ['export-entries'],
      handler: async (req, caller) => {
        const user = caller!.user;
        const p = period(req, svc.now());
        if (!p) return fail('invalid', PERIOD_HELP);
        await upToDate();
        const groups = await svc.entries.seenMost(user, p.from, p.until, 200);
        const ids = [...new Set(groups.flatMap((g) => g.ids))];
        const rows = await svc.entries.briefs(ids);
        const header = [
          'match',
          'entry_kind',
          'entry',
          'entry_one_form',
          'referrals_in_match',
          'referral_id',
          'received_at',
          'tool',
          'area_team',
          'region',
        ];
        const lines = [header.join(',')];
        groups.forEach((g, i) => {
          for (const id of g.ids) {
            const r = rows.get(id);
            lines.push(
              [
                i + 1,
                ENTRY_KIND_LABELS[g.kind as keyof typeof ENTRY_KIND_LABELS] ?? g.kind,
                g.text,
                g.value,
                g.referrals,
                id,
                r?.receivedAt ?? '',
                r ? (getInstrument(r.instrumentId)?.title ?? r.instrumentId) : '',
                r?.areaTeam ?? '',
                r?.region ?? '',
              ]
                .map(cell)
                .join(','),
            );
          }
        });
        // One row with the period and the count, as for the list's exports: one per referral let a single request
        // write hundreds of rows and hold up other reviewers (found by attack: 202 rows for one download).
        await audit(
          req,
          user,
          'export-entries',
          null,
          `entry matches ${p.from} to ${p.to}: ${groups.length} entries in ${ids.length} referrals`,
        );
        const stamp = new Date(svc.now()).toISOString().slice(0, 19).replace(/[:T]/g, '-');
        return {
          status: 200,
          text: `\uFEFF${lines.join('\r\n')}\r\n`,
          type: 'text/csv; charset=utf-8',
          headers: { 'Content-Disposition': `attachment; filename="entry-matches-${stamp}.csv"` },
        };
      },
    },
  ];
}
