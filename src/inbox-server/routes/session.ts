// Signing in and out, and setting a password (and the second factor) from a
// one-time link. Sign-in takes the e-mail, the password and a code from the
// account's authenticator app, and only then issues a session: always a new
// id, dropping any id the browser brought (session fixation). An attempt is
// reserved against the account's and the address's limits before the
// password is hashed (throttle.ts), the hash waits in a short queue or is
// refused at once (passwords.ts HashGate), and strangers' refusals are
// summarised in the audit rather than written one by one (audit.ts). The code
// may be one of the account's recovery codes (used once, audited). While an
// admin has turned the requirement off, an account without a second factor
// signs in with its password alone (its session is marked as such).
import { AccountError } from '../accounts.ts';
import { HashBusy } from '../passwords.ts';
import { REVIEW_STATES } from '../referrals.ts';
import { cookieValue, sessionCookie } from '../request-checks.ts';
import { recoveryCodesLeft } from '../recovery-codes.ts';
import { grouped, totpQrSvg, totpUri } from '../second-factor.ts';
import { type InboxRoute, type RouteContext, bodyOf, fail, json, publicUser, str } from './route.ts';

export function sessionRoutes({ svc, audit }: RouteContext): InboxRoute[] {
  /** Refused because too many passwords are being checked: summarised in the audit, "try again in a second". */
  const busy = async (address: string) => {
    await svc.audit.refused({ action: 'login-busy', address, detail: 'sign-in refused: the server was busy' });
    return fail('busy', undefined, { 'Retry-After': '1' });
  };
  return [
    {
      method: 'POST',
      url: '/session',
      guard: 'anonymous',
      audits: ['login', 'login-failed', 'login-throttled', 'login-busy'],
      handler: async (req) => {
        const b = bodyOf(req);
        const email = str(b.email, 320)?.trim() ?? '';
        const password = str(b.password, 200) ?? '';
        const code = str(b.code, 20) ?? '';
        // A full hash gate refuses at once, before any database work: a flood of sign-ins costs the
        // database nothing but the summarised audit (on PostgreSQL, four writes per refused guess had
        // kept 300 concurrent guesses waiting past the sockets' timeout).
        if (svc.hashGate.full) return busy(req.address);
        const required = await svc.settings.secondFactorRequired();
        if (!email || !password || (required && !code))
          return fail('invalid', 'Enter your e-mail address, password and the code from your authenticator app.');
        // Whatever happens next, a session id the browser brought is dropped.
        await svc.sessions.destroy(cookieValue(req));
        // The attempt is counted BEFORE the slow hash: concurrent guesses cannot all pass.
        const wait = await svc.throttle.reserve(email, req.address);
        if (wait > 0) {
          await svc.audit.refused({
            action: 'login-throttled',
            address: req.address,
            detail: 'sign-in refused: too many failures',
          });
          return fail('throttled', `Too many failed sign-ins. Try again in ${Math.ceil(wait / 60)} minute(s).`, {
            'Retry-After': String(wait),
          });
        }
        let result;
        try {
          result = await svc.accounts.verify(email, password, code, req.signal, required);
        } catch (e) {
          if (!(e instanceof HashBusy)) throw e;
          // Not a guess: neither checked nor counted.
          await svc.throttle.release(email, req.address);
          if (e.reason === 'busy') return busy(req.address);
          return fail('busy', undefined, { 'Retry-After': '1' });
        }
        if ('refused' in result) {
          const known = result.known;
          if (result.refused === 'no-second-factor') {
            // The password was right: not a failure, but no session without the second factor.
            await svc.throttle.release(email, req.address);
            await audit(req, known, 'login-failed', null, 'no second factor enrolled');
            return fail('no-second-factor');
          }
          await svc.throttle.failed();
          await svc.audit.write({
            actorId: known?.id ?? null,
            actor: known?.email ?? 'unknown account',
            action: 'login-failed',
            address: req.address,
          });
          return fail('bad-credentials');
        }
        const { user, secondFactor } = result;
        await svc.throttle.succeeded(email, req.address);
        const sid = await svc.sessions.create(user.id, req.address, secondFactor !== 'none');
        if (secondFactor === 'recovery-code')
          await audit(
            req,
            user,
            'login',
            null,
            `with a recovery code; ${await recoveryCodesLeft(svc.sql, user.id)} left`,
          );
        else
          await audit(
            req,
            user,
            'login',
            null,
            secondFactor === 'none' ? 'password only (no second factor)' : undefined,
          );
        return json(200, { user: publicUser(user) }, { 'Set-Cookie': sessionCookie(req, sid, 12 * 3600) });
      },
    },
    {
      method: 'POST',
      url: '/set-password/check',
      guard: 'anonymous',
      audits: 'none',
      // The link's account and the second factor to put in an authenticator app (the same on every visit).
      handler: async (req) => {
        const offered = await svc.accounts.linkSecondFactor(str(bodyOf(req).token, 200) ?? '');
        if (!offered) return fail('token');
        const { user, secret } = offered;
        return json(200, {
          email: user.email,
          secondFactorRequired: await svc.settings.secondFactorRequired(),
          secondFactor: {
            secret: grouped(secret),
            uri: totpUri(secret, user.email),
            qrSvg: await totpQrSvg(secret, user.email),
          },
        });
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
          const { user: u, recoveryCodes } = await svc.accounts.setPassword(
            str(b.token, 200) ?? '',
            str(b.password, 200) ?? '',
            str(b.code, 20) ?? '',
            req.signal,
            await svc.settings.secondFactorRequired(),
          );
          await svc.sessions.destroyAllFor(u.id);
          await audit(
            req,
            u,
            'password-set',
            null,
            u.hasSecondFactor
              ? `password and second factor set, ${recoveryCodes.length} recovery codes issued; every link voided`
              : 'password set without a second factor (not required); every link voided',
          );
          // The recovery codes are shown this once; only their hashes are kept.
          return json(200, { email: u.email, recoveryCodes });
        } catch (e) {
          if (e instanceof AccountError) return fail(e.code, e.message);
          if (e instanceof HashBusy) return fail('busy', undefined, { 'Retry-After': '1' });
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
