// Signing in and out, and setting a password from a one-time link.
// Sign-in always issues a new session id, and drops any id the browser
// brought (session fixation); failures are throttled per account and address.
import { AccountError } from '../accounts.ts';
import { REVIEW_STATES } from '../referrals.ts';
import { cookieValue, sessionCookie } from '../request-checks.ts';
import { type InboxRoute, type RouteContext, bodyOf, fail, json, publicUser, str } from './route.ts';

export function sessionRoutes({ svc, audit }: RouteContext): InboxRoute[] {
  return [
    {
      method: 'POST',
      url: '/session',
      guard: 'anonymous',
      audits: ['login', 'login-failed', 'login-throttled'],
      handler: async (req) => {
        const b = bodyOf(req);
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
      },
    },
    {
      method: 'POST',
      url: '/set-password/check',
      guard: 'anonymous',
      audits: 'none',
      handler: async (req) => {
        const u = await svc.accounts.tokenUser(str(bodyOf(req).token, 200) ?? '');
        return u ? json(200, { email: u.email }) : fail('token');
      },
    },
    {
      method: 'POST',
      url: '/set-password',
      guard: 'anonymous',
      audits: ['password-set'],
      handler: async (req) => {
        const b = bodyOf(req);
        try {
          const u = await svc.accounts.setPassword(str(b.token, 200) ?? '', str(b.password, 200) ?? '');
          await svc.sessions.destroyAllFor(u.id);
          await audit(req, u, 'password-set', null);
          return json(200, { email: u.email });
        } catch (e) {
          if (e instanceof AccountError) return fail(e.code, e.message);
          throw e;
        }
      },
    },
    {
      method: 'GET',
      url: '/session',
      guard: 'reviewer',
      audits: 'none',
      handler: async (_req, caller) => json(200, { user: publicUser(caller!.user), states: REVIEW_STATES }),
    },
    {
      method: 'DELETE',
      url: '/session',
      guard: 'reviewer',
      audits: ['logout'],
      handler: async (req, caller) => {
        await svc.sessions.destroy(caller!.sid);
        await audit(req, caller!.user, 'logout');
        return json(200, { ok: true }, { 'Set-Cookie': sessionCookie(req, '', 0) });
      },
    },
    {
      method: 'POST',
      url: '/session/everywhere',
      guard: 'reviewer',
      audits: ['logout-everywhere'],
      handler: async (req, caller) => {
        const n = await svc.sessions.destroyAllFor(caller!.user.id);
        await audit(req, caller!.user, 'logout-everywhere', null, `${n} session(s) ended`);
        return json(200, { ended: n }, { 'Set-Cookie': sessionCookie(req, '', 0) });
      },
    },
  ];
}
