// What every inbox route is: a method and a path under /inbox/api, the guard
// that says who may call it, what it writes to the audit, and a handler that
// turns a request into a response. The plugin (../plugin.ts) registers each as
// a Fastify route carrying its guard and audit in the route's config, and runs
// the guard before the handler: a route's safety is declared beside it, never
// a matter of where it sits in a chain. A route without a guard cannot be
// registered (the plugin's onRoute check), and tests/unit/inbox-routes.test.ts
// lists them all.
import { PROBLEMS, type ProblemCode, problemBody } from '../../errors/catalogue.ts';
import { getInstrument } from '../../domain/index.ts';
import type { User } from '../accounts.ts';
import type { AuditAction } from '../audit.ts';
import type { ReferralRow } from '../referrals.ts';
import type { InboxService } from '../service.ts';

/** Who may call a route: anyone (sign-in), a signed-in reviewer or admin, or an admin only. */
export type Guard = 'anonymous' | 'reviewer' | 'admin';

export interface ApiRequest {
  method: string;
  /** The path after /inbox/api, e.g. "/referrals/abc". */
  path: string;
  /** Path parameters (":id"). */
  params: Record<string, string>;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  address: string;
  /**
   * This site's origin as a request must name it: the configured public address (CSE_PUBLIC_URL),
   * else the scheme the server serves (or a trusted proxy says) and the Host header.
   */
  origin: string;
  /** Aborted when the client goes away before the answer. */
  signal?: AbortSignal;
}

export interface ApiResponse {
  status: number;
  json?: unknown;
  text?: string;
  type?: string;
  headers?: Record<string, string>;
  /** A body sent as it is made (an export): pulled a chunk at a time, as fast as the client takes it. */
  stream?: AsyncIterable<Uint8Array>;
}

/** What a guarded handler is given: the signed-in account (absent on anonymous routes) and its session. */
export interface Caller {
  user: User;
  sid: string | undefined;
}

export interface InboxRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Under /inbox/api, Fastify's syntax (":id"). */
  url: string;
  guard: Guard;
  /** The audit actions the route writes ('none': it writes nothing, e.g. reading one's own session). */
  audits: AuditAction[] | 'none';
  handler: (req: ApiRequest, caller: Caller | undefined) => Promise<ApiResponse>;
}

/** The service and the helpers every route module shares. */
export interface RouteContext {
  svc: InboxService;
  audit: (
    req: ApiRequest,
    user: User | undefined,
    action: AuditAction,
    submissionId?: string | null,
    detail?: string,
  ) => Promise<void>;
}

export function routeContext(svc: InboxService): RouteContext {
  return {
    svc,
    audit: async (req, user, action, submissionId, detail) => {
      await svc.audit.write({
        actorId: user?.id ?? null,
        actor: user?.email ?? 'anonymous',
        action,
        submissionId: submissionId ?? null,
        detail: detail ?? null,
        address: req.address,
      });
    },
  };
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): ApiResponse => ({
  status,
  json: body,
  ...(headers ? { headers } : {}),
});

/** A refusal: its status and words from the one catalogue (src/errors/catalogue.ts). */
export const fail = (code: ProblemCode, message?: string, headers?: Record<string, string>): ApiResponse =>
  json(PROBLEMS[code].status, problemBody(code, message), headers);

export const str = (v: unknown, max = 500): string | undefined =>
  typeof v === 'string' && v.length <= max ? v : undefined;

export const strList = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;

export const bodyOf = (req: ApiRequest): Record<string, unknown> =>
  req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};

export const header = (req: Pick<ApiRequest, 'headers'>, name: string): string => {
  const v = req.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
};

/** A referral id as the inbox names them (a UUID); anything else is no referral. */
export const isReferralId = (id: string | undefined): id is string => !!id && /^[0-9a-f-]{36}$/.test(id);

export function publicUser(u: User) {
  return {
    id: u.id,
    email: u.email,
    role: u.role,
    teams: u.teams,
    regions: u.regions,
    disabled: u.disabled,
    hasPassword: u.hasPassword,
    hasSecondFactor: u.hasSecondFactor,
    createdAt: u.createdAt,
  };
}

/** List rows as the screen shows them: the tool's title and how long each has waited. */
export function forScreen(svc: InboxService, rows: ReferralRow[]) {
  const now = svc.now();
  return rows.map((r) => ({
    ...r,
    instrumentTitle: getInstrument(r.instrumentId)?.title ?? r.instrumentId,
    waitedMs: now - Date.parse(r.receivedAt),
  }));
}

// Fastify carries each inbox route's guard and audit in the route's config.
declare module 'fastify' {
  interface FastifyContextConfig {
    guard?: Guard;
    audits?: AuditAction[] | 'none';
  }
}

/** The longest search term or cursor taken from a search's body. */
const TERM_MAX = 500;

/**
 * A search route (the list, the audit) twice: by GET with its terms in the address, and by POST
 * with the same terms in the JSON body, as the inbox sends them. A child's reference is refused in
 * an address: a reverse proxy or a server log keeps addresses, and a child's reference is never
 * to be found there. Both run the one handler, so they cannot drift apart.
 */
export function searchRoutes(route: InboxRoute, postUrl: string): InboxRoute[] {
  return [
    {
      ...route,
      handler: (req, caller) =>
        req.query.has('child') ? Promise.resolve(fail('child-in-address')) : route.handler(req, caller),
    },
    {
      ...route,
      method: 'POST',
      url: postUrl,
      handler: (req, caller) => {
        const query = new URLSearchParams();
        for (const [k, v] of Object.entries(bodyOf(req))) {
          if (v === undefined || v === null || v === '') continue;
          const term = typeof v === 'number' ? String(v) : str(v, TERM_MAX);
          if (term === undefined)
            return Promise.resolve(fail('invalid', 'Each search term must be a short piece of text.'));
          query.set(k, term);
        }
        return route.handler({ ...req, query }, caller);
      },
    },
  ];
}
