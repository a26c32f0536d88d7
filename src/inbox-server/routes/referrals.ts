// The referrals a reviewer may see: the list, one referral, its print, its
// review state and its area. Every look and change is audited; a referral
// outside the reviewer's area teams or regions is 403, audited too.
import { areasOf, checkArea, getInstrument, itemsOf, readSubmission, type Result } from '../../domain/index.ts';
import type { Submission } from '../../contract/submission.ts';
import { screenedOn } from '../../domain/index.ts';
import type { User } from '../accounts.ts';
import {
  decodeCursor,
  inScope,
  type ListFilter,
  REVIEW_STATES,
  type ReferralRow,
  ReviewError,
  type ReviewState,
  seenBy,
} from '../referrals.ts';
import { LIST_VIEWS, type ListView } from '../../contract/inbox-api.ts';
import type { InboxService } from '../service.ts';
import {
  type ApiRequest,
  type ApiResponse,
  type InboxRoute,
  type RouteContext,
  bodyOf,
  fail,
  searchRoutes,
  forScreen,
  isReferralId,
  json,
  str,
} from './route.ts';

export function filterFrom(q: URLSearchParams): ListFilter {
  const f: ListFilter = {};
  for (const k of ['state', 'region', 'team', 'instrument', 'level', 'from', 'to', 'child'] as const) {
    const v = q.get(k);
    if (v && v.length <= 200) f[k] = v;
  }
  if (q.get('noArea') === '1') f.noArea = true;
  return f;
}

/**
 * The server's full result to show (next steps included), by the same function that took the stored
 * reading (null when the tool is unknown or the answers no longer score). Ranks, scopes and flags come
 * from the stored reading, never from here.
 */
export function rescore(instrumentId: string, body: Submission): Result | null {
  return readSubmission({
    instrument: getInstrument(instrumentId),
    instrumentVersion: body.instrument.version,
    answers: body.answers,
    claimed: body.result,
    screenedOn: screenedOn(body),
    deviceArea: null,
  }).result;
}

/** The referral a path names, if it exists and the user may see it; otherwise the refusal (audited). */
export async function referralFor(
  { svc, audit }: RouteContext,
  req: ApiRequest,
  user: User,
  doing: string,
): Promise<ReferralRow | ApiResponse> {
  const id = req.params.id;
  if (!isReferralId(id)) return fail('not-found', 'No such referral.');
  await svc.referrals.catchUp();
  const row = await svc.referrals.get(id);
  if (!row) return fail('not-found', 'No such referral.');
  if (!inScope(user, row)) {
    await audit(req, user, 'forbidden', id, `${doing} outside the account's area`);
    return fail('out-of-scope');
  }
  return row;
}

const isRow = (r: ReferralRow | ApiResponse): r is ReferralRow => 'instrumentId' in r;

async function detail(svc: InboxService, user: User, row: ReferralRow): Promise<ApiResponse> {
  const stored = await svc.opts.source.get(row.id);
  if (!stored) return fail('not-found', 'No such referral.');
  const inst = getInstrument(row.instrumentId);
  const chain = await chainPage(svc, user, row.id);
  return json(200, {
    referral: forScreen(svc, [row])[0],
    submission: stored.body,
    receipt: stored.receipt,
    device: stored.device ?? null,
    server: rescore(row.instrumentId, stored.body),
    // Where the device's claims differ from the server's reading, in the server's words (stored at acceptance).
    disagreement: stored.reading.disagreement,
    items: inst ? itemsOf(inst).length : 0,
    events: await svc.referrals.events(row.id),
    reviewers: await reviewersFor(svc, row),
    ...chain,
  });
}

/** The other records for the same child shown at a time ("Show more" asks for the next page). */
export const CHAIN_PAGE = 20;

const chainCursor = (r: ReferralRow) => Buffer.from(`${r.receivedAt}|${r.id}`).toString('base64url');
function readChainCursor(c: string | null): { receivedAt: string; id: string } | undefined {
  if (!c || c.length > 200) return undefined;
  const [receivedAt, id] = Buffer.from(c, 'base64url').toString().split('|');
  return receivedAt && isReferralId(id) ? { receivedAt, id } : undefined;
}

/** A page of the records for the same child reference, newest first, within the account's scope. */
async function chainPage(svc: InboxService, user: User, id: string, after?: { receivedAt: string; id: string }) {
  const page = await svc.referrals.chainPage(id, user, CHAIN_PAGE, after);
  return {
    chain: page.rows.map((r) => ({
      id: r.id,
      receivedAt: r.receivedAt,
      level: r.level,
      instrumentId: r.instrumentId,
      instrumentTitle: getInstrument(r.instrumentId)?.title ?? r.instrumentId,
      reviewState: r.reviewState,
    })),
    chainNext: page.more ? chainCursor(page.rows[page.rows.length - 1]!) : null,
    chainTotal: page.visible,
    chainHidden: page.hidden,
  };
}

/** Who has opened the referral, from the audit (its 'view' rows). */
async function seenByOf(svc: InboxService, id: string) {
  return seenBy(await svc.audit.list({ submissionId: id, action: 'view', limit: 1000 }));
}

/** The accounts a referral can be given to: enabled, able to sign in, and allowed to see it. */
async function reviewersFor(svc: InboxService, row: ReferralRow): Promise<{ id: string; email: string }[]> {
  return (await svc.accounts.list())
    .filter((u) => !u.disabled && u.hasPassword && inScope(u, row))
    .map((u) => ({ id: u.id, email: u.email }))
    .sort((a, b) => a.email.localeCompare(b.email));
}

const isView = (v: string | null): v is ListView => !!v && LIST_VIEWS.some((x) => x.id === v);

export function referralRoutes(ctx: RouteContext): InboxRoute[] {
  const { svc, audit } = ctx;
  return [
    ...searchRoutes(
      {
        method: 'GET',
        url: '/referrals',
        guard: 'reviewer',
        audits: ['list'],
        handler: async (req, caller) => {
          const user = caller!.user;
          await svc.referrals.catchUp();
          const filter = filterFrom(req.query);
          const view = req.query.get('view');
          const cursor = decodeCursor(req.query.get('cursor') ?? undefined);
          const limit = Number(req.query.get('limit') ?? 50) || 50;
          // The triage queue (one view, the count in each, the matches in this one), or every state at once.
          const page = isView(view)
            ? await svc.referrals.listView(view, filter, user, cursor, limit)
            : await svc.referrals.list(filter, user, cursor, limit);
          const items = forScreen(svc, page.items);
          const filters = Object.keys(filter);
          const shown = `${items.length} shown${filters.length ? `; filters: ${filters.join(', ')}` : ''}`;
          await audit(req, user, 'list', null, isView(view) ? `${view}: ${shown}` : shown);
          const [newCount, facets, counts] = await Promise.all([
            svc.referrals.countNew(user),
            svc.referrals.facets(),
            isView(view) ? svc.referrals.viewCounts(filter, user) : undefined,
          ]);
          return json(200, {
            items,
            next: page.next,
            newCount,
            facets,
            ...(isView(view) && counts ? { view, counts, matches: counts[view] } : {}),
          });
        },
      },
      '/referrals/search',
    ),
    {
      method: 'GET',
      url: '/referrals/:id',
      guard: 'reviewer',
      audits: ['view', 'forbidden'],
      handler: async (req, caller) => {
        const row = await referralFor(ctx, req, caller!.user, 'GET view');
        if (!isRow(row)) return row;
        const answer = await detail(svc, caller!.user, row);
        if (answer.status !== 200) return answer;
        await audit(req, caller!.user, 'view', row.id);
        // Seen by includes this look: the audit row just written.
        return json(200, { ...(answer.json as object), seenBy: await seenByOf(svc, row.id) });
      },
    },
    {
      method: 'GET',
      url: '/referrals/:id/chain',
      guard: 'reviewer',
      audits: ['list', 'forbidden'],
      // The next page of the other records for the child ("Show more"), after the cursor the last page gave.
      handler: async (req, caller) => {
        const row = await referralFor(ctx, req, caller!.user, 'GET other records');
        if (!isRow(row)) return row;
        const after = readChainCursor(req.query.get('after'));
        if (req.query.get('after') && !after) return fail('invalid', 'That page of records does not exist.');
        const page = await chainPage(svc, caller!.user, row.id, after);
        await audit(req, caller!.user, 'list', row.id, `other records for the child: ${page.chain.length} more`);
        return json(200, page);
      },
    },
    {
      method: 'POST',
      url: '/referrals/:id/print',
      guard: 'reviewer',
      audits: ['print', 'forbidden'],
      handler: async (req, caller) => {
        const row = await referralFor(ctx, req, caller!.user, 'POST print');
        if (!isRow(row)) return row;
        await audit(req, caller!.user, 'print', row.id);
        return json(200, { ok: true });
      },
    },
    {
      method: 'POST',
      url: '/referrals/:id/state',
      guard: 'reviewer',
      audits: ['review-state', 'forbidden'],
      handler: async (req, caller) => {
        const user = caller!.user;
        const row = await referralFor(ctx, req, user, 'POST state');
        if (!isRow(row)) return row;
        const b = bodyOf(req);
        const to = str(b.to, 40) as ReviewState | undefined;
        if (!to || !REVIEW_STATES.some((s) => s.id === to)) return fail('invalid', 'Choose a review state.');
        try {
          const updated = await svc.referrals.setState(row.id, to, user, str(b.note, 5000) ?? '');
          await audit(req, user, 'review-state', row.id, `${row.reviewState} → ${to}`);
          return json(200, { referral: updated, events: await svc.referrals.events(row.id) });
        } catch (e) {
          if (e instanceof ReviewError) return fail(e.code, e.message);
          throw e;
        }
      },
    },
    // Pick up ({} or {to: 'me'}) or give to another reviewer who may see it ({to: <account id>}); audited.
    {
      method: 'POST',
      url: '/referrals/:id/assign',
      guard: 'reviewer',
      audits: ['review-assign', 'forbidden'],
      handler: async (req, caller) => {
        const user = caller!.user;
        const row = await referralFor(ctx, req, user, 'POST assign');
        if (!isRow(row)) return row;
        const b = bodyOf(req);
        const toId = str(b.to, 100);
        const to = !toId || toId === 'me' || toId === user.id ? user : await svc.accounts.byId(toId);
        if (!to || to.disabled || !to.hasPassword) return fail('invalid', 'Choose a reviewer who can sign in.');
        if (!inScope(to, row))
          return fail('invalid', `${to.email} does not cover this referral's area, so cannot be given it.`);
        try {
          const updated = await svc.referrals.assign(row.id, to, user, str(b.note, 5000) ?? '');
          await audit(
            req,
            user,
            'review-assign',
            row.id,
            `${row.reviewState} → in-review; ${row.assignee ?? 'no one'} → ${to.email}`,
          );
          return json(200, { referral: updated, events: await svc.referrals.events(row.id) });
        } catch (e) {
          if (e instanceof ReviewError) return fail(e.code, e.message);
          throw e;
        }
      },
    },
    // A note at any time, without a change of state; audited (the note itself is sealed, never in the audit).
    {
      method: 'POST',
      url: '/referrals/:id/note',
      guard: 'reviewer',
      audits: ['review-note', 'forbidden'],
      handler: async (req, caller) => {
        const user = caller!.user;
        const row = await referralFor(ctx, req, user, 'POST note');
        if (!isRow(row)) return row;
        try {
          await svc.referrals.addNote(row.id, user, str(bodyOf(req).note, 5000) ?? '');
          await audit(req, user, 'review-note', row.id, `note (${row.reviewState})`);
          return json(200, { referral: row, events: await svc.referrals.events(row.id) });
        } catch (e) {
          if (e instanceof ReviewError) return fail(e.code, e.message);
          throw e;
        }
      },
    },
    // A referral's area (routing): the region's areas, the changes so far, and whether this user may set it.
    {
      method: 'GET',
      url: '/referrals/:id/area',
      guard: 'reviewer',
      audits: ['forbidden'],
      handler: async (req, caller) => {
        const user = caller!.user;
        const row = await referralFor(ctx, req, user, 'GET area');
        if (!isRow(row)) return row;
        return json(200, {
          areas: areasOf(row.region),
          canSet: coversRegion(user, row) && areasOf(row.region).length > 1,
          changes: await svc.referrals.areaChanges(row.id),
        });
      },
    },
    // {area, note}: admins, and reviewers covering the referral's region (or every region); audited.
    {
      method: 'POST',
      url: '/referrals/:id/area',
      guard: 'reviewer',
      audits: ['area-set', 'forbidden'],
      handler: async (req, caller) => {
        const user = caller!.user;
        const id = req.params.id;
        if (!isReferralId(id)) return fail('not-found', 'No such referral.');
        await svc.referrals.catchUp();
        const row = await svc.referrals.get(id);
        if (!row) return fail('not-found', 'No such referral.');
        if (!coversRegion(user, row)) {
          await audit(req, user, 'forbidden', id, "set area: the account does not cover the referral's region");
          return fail('out-of-scope', "Only an admin or a reviewer covering this referral's region can set its area.");
        }
        const b = bodyOf(req);
        const checked = checkArea(str(b.area, 100) ?? '', row.region);
        if (!checked.ok) return fail('area', checked.message);
        try {
          const updated = await svc.referrals.setArea(id, checked.value, user, str(b.note, 5000) ?? '');
          await audit(req, user, 'area-set', id, `${row.areaTeam ?? 'no area'} → ${checked.value}`);
          return json(200, { referral: updated, changes: await svc.referrals.areaChanges(id) });
        } catch (e) {
          if (e instanceof ReviewError) return fail(e.code, e.message);
          throw e;
        }
      },
    },
  ];
}

function coversRegion(user: User, row: ReferralRow): boolean {
  return (
    user.role === 'admin' || (user.teams.length === 0 && user.regions.length === 0) || user.regions.includes(row.region)
  );
}
