// The inbox's HTTP API (/inbox/api/...), independent of the HTTP framework:
// an adapter turns each request into an ApiRequest and writes the
// ApiResponse back (node:http today, a Fastify plugin once the receiver runs
// on Fastify).
//
// Rules every route keeps:
// - No session → 401, on every route but sign-in and set-password.
// - A device's credential → 403: devices send, they never read.
// - Cross-site requests are refused: anything but GET/HEAD must carry an
//   Origin naming this host (and Sec-Fetch-Site, when sent, same-origin).
//   With the SameSite=Strict cookie, that closes CSRF.
// - Sign-in always issues a new session id, and drops any id the browser
//   brought (session fixation).
// - Every look at a referral, every print, export and change is audited;
//   a referral outside the reviewer's area teams or regions is 403, audited.
// - Error messages never carry a child's data.
import { PROBLEMS, type ProblemCode, problemBody } from '../errors/catalogue.ts';
import { areasOf, checkArea, itemsOf, readSubmission, type Result } from '../domain/index.ts';
import { getInstrument } from '../domain/index.ts';
import type { Submission } from '../contract/submission.ts';
import { screenedOn } from '../domain/index.ts';
import { AccountError, type Role, type User } from './accounts.ts';
import type { AuditAction } from './audit.ts';
import { type ExportItem, toCsv } from './export-csv.ts';
import { toBundle } from './export-fhir.ts';
import {
  decodeCursor,
  inScope,
  type ListFilter,
  REVIEW_STATES,
  type ReferralRow,
  ReviewError,
  type ReviewState,
} from './referrals.ts';
import type { InboxService } from './service.ts';

export interface ApiRequest {
  method: string;
  /** The path after /inbox/api, e.g. "/referrals/abc". */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  address: string;
}

export interface ApiResponse {
  status: number;
  json?: unknown;
  text?: string;
  type?: string;
  headers?: Record<string, string>;
}

export const COOKIE_SECURE = '__Host-cse-inbox';
export const COOKIE_LOCAL = 'cse-inbox';
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

const header = (req: ApiRequest, name: string): string => {
  const v = req.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
};

function hostOf(req: ApiRequest): string {
  return header(req, 'host').toLowerCase();
}

/** Secure cookies everywhere except a server reached as localhost. */
export function isLocal(req: ApiRequest): boolean {
  const host = hostOf(req).replace(/:\d+$/, '');
  return LOCAL_HOSTS.has(host);
}

function cookieValue(req: ApiRequest): string | undefined {
  const raw = header(req, 'cookie');
  for (const part of raw.split(';')) {
    const i = part.indexOf('=');
    const k = part.slice(0, i).trim();
    if (k === COOKIE_SECURE || k === COOKIE_LOCAL) return part.slice(i + 1).trim();
  }
  return undefined;
}

function sessionCookie(req: ApiRequest, value: string, maxAgeS: number): string {
  const name = isLocal(req) ? COOKIE_LOCAL : COOKIE_SECURE;
  return `${name}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${isLocal(req) ? '' : '; Secure'}`;
}

const json = (status: number, body: unknown, headers?: Record<string, string>): ApiResponse => ({
  status,
  json: body,
  ...(headers ? { headers } : {}),
});
/** A refusal: its status and words from the one catalogue (src/errors/catalogue.ts). */
const fail = (code: ProblemCode, message?: string, headers?: Record<string, string>): ApiResponse =>
  json(PROBLEMS[code].status, problemBody(code, message), headers);

/** Refuses anything but a same-origin request for a method that changes state. */
export function crossSite(req: ApiRequest): string | undefined {
  if (req.method === 'GET' || req.method === 'HEAD') {
    const site = header(req, 'sec-fetch-site');
    return site && site !== 'same-origin' && site !== 'none' ? `Sec-Fetch-Site is ${site}` : undefined;
  }
  const origin = header(req, 'origin');
  if (!origin) return 'no Origin header';
  let host: string;
  try {
    host = new URL(origin).host.toLowerCase();
  } catch {
    return 'an unreadable Origin header';
  }
  if (host !== hostOf(req)) return `Origin ${origin} is not this site`;
  const site = header(req, 'sec-fetch-site');
  if (site && site !== 'same-origin') return `Sec-Fetch-Site is ${site}`;
  return undefined;
}

const str = (v: unknown, max = 500): string | undefined => (typeof v === 'string' && v.length <= max ? v : undefined);
const strList = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;

function publicUser(u: User) {
  return {
    id: u.id,
    email: u.email,
    role: u.role,
    teams: u.teams,
    regions: u.regions,
    disabled: u.disabled,
    hasPassword: u.hasPassword,
    createdAt: u.createdAt,
  };
}

function filterFrom(q: URLSearchParams): ListFilter {
  const f: ListFilter = {};
  for (const k of ['state', 'region', 'team', 'instrument', 'level', 'from', 'to', 'child'] as const) {
    const v = q.get(k);
    if (v && v.length <= 200) f[k] = v;
  }
  if (q.get('noArea') === '1') f.noArea = true;
  return f;
}

export function inboxApi(svc: InboxService) {
  const audit = (
    req: ApiRequest,
    user: User | undefined,
    action: AuditAction,
    submissionId?: string | null,
    detail?: string,
  ) =>
    svc.audit.write({
      actorId: user?.id ?? null,
      actor: user?.email ?? 'anonymous',
      action,
      submissionId: submissionId ?? null,
      detail: detail ?? null,
      address: req.address,
    });

  const originOf = (req: ApiRequest): string =>
    header(req, 'origin') || `${isLocal(req) ? 'http' : 'https'}://${hostOf(req)}`;
  const linkFor = (req: ApiRequest, token: string): string => `${originOf(req)}/inbox/#/set-password/${token}`;

  /** List rows as the screen shows them: the tool's title and how long each has waited. */
  function forScreen(rows: ReferralRow[]) {
    const now = svc.now();
    return rows.map((r) => ({
      ...r,
      instrumentTitle: getInstrument(r.instrumentId)?.title ?? r.instrumentId,
      waitedMs: now - Date.parse(r.receivedAt),
    }));
  }

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

  /**
   * The server's full result to show (next steps included), by the same function that took the stored
   * reading (null when the tool is unknown or the answers no longer score). Ranks, scopes and flags come
   * from the stored reading, never from here.
   */
  function rescore(instrumentId: string, body: Submission): Result | null {
    return readSubmission({
      instrument: getInstrument(instrumentId),
      instrumentVersion: body.instrument.version,
      answers: body.answers,
      claimed: body.result,
      screenedOn: screenedOn(body),
      deviceArea: null,
    }).result;
  }

  async function handle(req: ApiRequest): Promise<ApiResponse> {
    const why = crossSite(req);
    if (why) {
      await audit(req, undefined, 'forbidden', null, `cross-site request refused: ${why}`);
      return fail('cross-site');
    }
    if (await svc.opts.isDeviceCredential?.(req.headers)) {
      await audit(
        req,
        undefined,
        'device-credential-refused',
        null,
        `${req.method} ${req.path.split('/').slice(0, 2).join('/')}`,
      );
      return fail('device-credential');
    }
    const { method, path } = req;

    // --- Without a session ---------------------------------------------
    if (path === '/session' && method === 'POST') {
      const b = (req.body ?? {}) as Record<string, unknown>;
      const email = str(b.email, 320)?.trim() ?? '';
      const password = str(b.password, 200) ?? '';
      if (!email || !password) return fail('invalid', 'Enter your e-mail address and password.');
      // Whatever happens next, a session id the browser brought is dropped.
      await svc.sessions.destroy(cookieValue(req));
      const wait = await svc.throttle.retryAfter(email, req.address);
      if (wait > 0) {
        await audit(req, await svc.accounts.byEmail(email), 'login-throttled', null, `retry after ${wait}s`);
        return fail('throttled', `Too many failed sign-ins. Try again in ${Math.ceil(wait / 60)} minute(s).`, {
          'Retry-After': String(wait),
        });
      }
      const user = await svc.accounts.verify(email, password);
      if (!user) {
        await svc.throttle.failed(email, req.address);
        const known = await svc.accounts.byEmail(email);
        await svc.audit.write({
          actorId: known?.id ?? null,
          actor: known?.email ?? 'unknown account',
          action: 'login-failed',
          address: req.address,
        });
        return fail('bad-credentials');
      }
      await svc.throttle.succeeded(email);
      const sid = await svc.sessions.create(user.id, req.address);
      await audit(req, user, 'login');
      return json(200, { user: publicUser(user) }, { 'Set-Cookie': sessionCookie(req, sid, 12 * 3600) });
    }
    if (path === '/set-password/check' && method === 'POST') {
      const u = await svc.accounts.tokenUser(str((req.body as Record<string, unknown>)?.token, 200) ?? '');
      return u ? json(200, { email: u.email }) : fail('token');
    }
    if (path === '/set-password' && method === 'POST') {
      const b = (req.body ?? {}) as Record<string, unknown>;
      try {
        const u = await svc.accounts.setPassword(str(b.token, 200) ?? '', str(b.password, 200) ?? '');
        await svc.sessions.destroyAllFor(u.id);
        await audit(req, u, 'password-set', null);
        return json(200, { email: u.email });
      } catch (e) {
        if (e instanceof AccountError) return fail(e.code, e.message);
        throw e;
      }
    }

    // --- Everything else needs a live session ---------------------------
    const sid = cookieValue(req);
    const session = await svc.sessions.touch(sid);
    const user = session && (await svc.accounts.byId(session.userId));
    if (!session || !user || user.disabled) return fail('no-session');
    const admin = user.role === 'admin';

    if (path === '/session' && method === 'GET') return json(200, { user: publicUser(user), states: REVIEW_STATES });
    if (path === '/session' && method === 'DELETE') {
      await svc.sessions.destroy(sid);
      await audit(req, user, 'logout');
      return json(200, { ok: true }, { 'Set-Cookie': sessionCookie(req, '', 0) });
    }
    if (path === '/session/everywhere' && method === 'POST') {
      const n = await svc.sessions.destroyAllFor(user.id);
      await audit(req, user, 'logout-everywhere', null, `${n} session(s) ended`);
      return json(200, { ended: n }, { 'Set-Cookie': sessionCookie(req, '', 0) });
    }

    if (path === '/referrals' && method === 'GET') {
      await svc.referrals.catchUp();
      const filter = filterFrom(req.query);
      const page = await svc.referrals.list(
        filter,
        user,
        decodeCursor(req.query.get('cursor') ?? undefined),
        Number(req.query.get('limit') ?? 50) || 50,
      );
      const items = forScreen(page.items);
      await audit(
        req,
        user,
        'list',
        null,
        `${items.length} shown${Object.keys(filter).length ? `; filters: ${Object.keys(filter).join(', ')}` : ''}`,
      );
      const [newCount, facets] = await Promise.all([svc.referrals.countNew(user), svc.referrals.facets()]);
      return json(200, { items, next: page.next, newCount, facets });
    }

    // --- A referral's area (routing) -------------------------------------
    // GET  /referrals/<id>/area  the region's areas, the changes so far, and whether this user may set it
    // POST /referrals/<id>/area  {area, note}: admins, and reviewers covering the referral's region
    //                            (or every region); the area must be one of the region's; audited.
    const areaRoute = /^\/referrals\/([0-9a-f-]{36})\/area$/.exec(path);
    if (areaRoute) {
      const id = areaRoute[1]!;
      await svc.referrals.catchUp();
      const row = await svc.referrals.get(id);
      if (!row) return fail('not-found', 'No such referral.');
      const coversRegion =
        admin || (user.teams.length === 0 && user.regions.length === 0) || user.regions.includes(row.region);
      if (method === 'GET') {
        if (!inScope(user, row)) {
          await audit(req, user, 'forbidden', id, "GET area outside the account's area");
          return fail('out-of-scope');
        }
        return json(200, {
          areas: areasOf(row.region),
          canSet: coversRegion && areasOf(row.region).length > 1,
          changes: await svc.referrals.areaChanges(id),
        });
      }
      if (method !== 'POST') return fail('method');
      if (!coversRegion) {
        await audit(req, user, 'forbidden', id, "set area: the account does not cover the referral's region");
        return fail('out-of-scope', "Only an admin or a reviewer covering this referral's region can set its area.");
      }
      const b = (req.body ?? {}) as Record<string, unknown>;
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
    }

    const one = /^\/referrals\/([0-9a-f-]{36})(\/(state|print))?$/.exec(path);
    if (one) {
      const id = one[1]!;
      await svc.referrals.catchUp();
      const row = await svc.referrals.get(id);
      if (!row) return fail('not-found', 'No such referral.');
      if (!inScope(user, row)) {
        await audit(req, user, 'forbidden', id, `${method} ${one[3] ?? 'view'} outside the account's area`);
        return fail('out-of-scope');
      }
      if (!one[3] && method === 'GET') {
        const stored = await svc.opts.source.get(id);
        if (!stored) return fail('not-found', 'No such referral.');
        const inst = getInstrument(row.instrumentId);
        const server = rescore(row.instrumentId, stored.body);
        const chainRows = await svc.referrals.chain(id);
        const visible = chainRows.filter((r) => inScope(user, r));
        await audit(req, user, 'view', id);
        return json(200, {
          referral: forScreen([row])[0],
          submission: stored.body,
          receipt: stored.receipt,
          device: stored.device ?? null,
          server,
          // Where the device's claims differ from the server's reading, in the server's words (stored at acceptance).
          disagreement: stored.reading.disagreement,
          items: inst ? itemsOf(inst).length : 0,
          events: await svc.referrals.events(id),
          chain: visible.map((r) => ({
            id: r.id,
            receivedAt: r.receivedAt,
            level: r.level,
            instrumentId: r.instrumentId,
            instrumentTitle: getInstrument(r.instrumentId)?.title ?? r.instrumentId,
            reviewState: r.reviewState,
          })),
          chainHidden: chainRows.length - visible.length,
        });
      }
      if (one[3] === 'print' && method === 'POST') {
        await audit(req, user, 'print', id);
        return json(200, { ok: true });
      }
      if (one[3] === 'state' && method === 'POST') {
        const b = (req.body ?? {}) as Record<string, unknown>;
        const to = str(b.to, 40) as ReviewState | undefined;
        if (!to || !REVIEW_STATES.some((s) => s.id === to)) return fail('invalid', 'Choose a review state.');
        try {
          const updated = await svc.referrals.setState(id, to, user, str(b.note, 5000) ?? '');
          await audit(req, user, 'review-state', id, `${row.reviewState} → ${to}`);
          return json(200, { referral: updated, events: await svc.referrals.events(id) });
        } catch (e) {
          if (e instanceof ReviewError) return fail(e.code, e.message);
          throw e;
        }
      }
      return fail('method');
    }

    if ((path === '/export.csv' || path === '/export.fhir.json') && method === 'GET') {
      const items = await exportItems(req, user);
      if (!Array.isArray(items)) return items;
      const csv = path === '/export.csv';
      for (const it of items)
        await audit(req, user, csv ? 'export-csv' : 'export-fhir', it.row.id, `${items.length} in this export`);
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
    }

    // --- Admins only ------------------------------------------------------
    if (/^\/(audit|users|devices)/.test(path) && !admin) {
      await audit(req, user, 'forbidden', null, `${method} ${path.split('/')[1]} needs an admin`);
      return fail('admin-only');
    }
    if ((path === '/audit' || path === '/audit.csv') && method === 'GET') {
      const entries = await svc.audit.list({
        before: Number(req.query.get('before')) || undefined,
        limit: path === '/audit.csv' ? 1000 : 100,
        action: req.query.get('action') || undefined,
        submissionId: req.query.get('submission') || undefined,
      });
      if (path === '/audit') {
        await audit(req, user, 'audit-view', null);
        return json(200, { entries, next: entries.length === 100 ? entries[entries.length - 1]!.id : null });
      }
      await audit(req, user, 'audit-export', null, `${entries.length} entries`);
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
    }
    if (path === '/users' && method === 'GET') return json(200, { users: (await svc.accounts.list()).map(publicUser) });
    if (path === '/users' && method === 'POST') {
      const b = (req.body ?? {}) as Record<string, unknown>;
      try {
        const { user: added, token } = await svc.accounts.add({
          email: str(b.email, 320) ?? '',
          role: (str(b.role, 20) ?? 'reviewer') as Role,
          teams: strList(b.teams) ?? [],
          regions: strList(b.regions) ?? [],
        });
        await audit(
          req,
          user,
          'user-add',
          null,
          `${added.email} as ${added.role}${added.teams.length ? `; teams ${added.teams.join(', ')}` : ''}${added.regions.length ? `; regions ${added.regions.join(', ')}` : ''}`,
        );
        return json(201, { user: publicUser(added), link: linkFor(req, token) });
      } catch (e) {
        if (e instanceof AccountError) return fail(e.code, e.message);
        throw e;
      }
    }
    const u = /^\/users\/([0-9a-f-]{36})(\/link)?$/.exec(path);
    if (u) {
      const target = await svc.accounts.byId(u[1]!);
      if (!target) return fail('not-found', 'No such account.');
      if (u[2] && method === 'POST') {
        const token = await svc.accounts.issueSetPasswordToken(target.id);
        await audit(req, user, 'user-link', null, `new set-password link for ${target.email}`);
        return json(200, { link: linkFor(req, token) });
      }
      if (!u[2] && method === 'PATCH') {
        const b = (req.body ?? {}) as Record<string, unknown>;
        if (target.id === user.id && (b.disabled === true || (b.role !== undefined && b.role !== 'admin')))
          return fail('self');
        try {
          const changed = await svc.accounts.update(target.id, {
            ...(b.role !== undefined ? { role: b.role as Role } : {}),
            ...(strList(b.teams) ? { teams: strList(b.teams)! } : {}),
            ...(strList(b.regions) ? { regions: strList(b.regions)! } : {}),
            ...(typeof b.disabled === 'boolean' ? { disabled: b.disabled } : {}),
          });
          if (changed.disabled) await svc.sessions.destroyAllFor(changed.id);
          await audit(
            req,
            user,
            'user-change',
            null,
            `${changed.email}: ${changed.role}${changed.disabled ? ', disabled' : ''}; teams ${changed.teams.join(', ') || 'all'}; regions ${changed.regions.join(', ') || 'all'}`,
          );
          return json(200, { user: publicUser(changed) });
        } catch (e) {
          if (e instanceof AccountError) return fail(e.code, e.message);
          throw e;
        }
      }
      return fail('method');
    }
    if (path.startsWith('/devices')) {
      const devices = svc.opts.devices;
      if (!devices) return fail('no-enrolment');
      if (path === '/devices' && method === 'GET') return json(200, { devices: await devices.list() });
      if (path === '/devices' && method === 'POST') {
        const name = str((req.body as Record<string, unknown>)?.name, 200)?.trim();
        if (!name) return fail('invalid', 'Name the device (the practitioner or team it is for).');
        const typedArea = str((req.body as Record<string, unknown>)?.area, 100)?.trim();
        const area = typedArea ? checkArea(typedArea) : undefined;
        if (area && !area.ok) return fail('area', area.message);
        const added = await devices.add(name, originOf(req), area?.value ?? null);
        await audit(req, user, 'device-add', null, `${added.id}: ${name}${area ? `; area ${area.value}` : ''}`);
        return json(201, added);
      }
      const d = /^\/devices\/([^/]{1,100})\/revoke$/.exec(path);
      if (d && method === 'POST') {
        const ok = await devices.revoke(d[1]!);
        if (!ok) return fail('not-found', 'No such device.');
        await audit(req, user, 'device-revoke', null, d[1]!);
        return json(200, { ok: true });
      }
    }
    return fail('not-found', 'No such inbox API.');
  }

  return handle;
}
