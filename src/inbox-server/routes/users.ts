// Accounts, for admins: list, add (a one-time link to set the password, shown
// once), a new link, and changes (role, area teams, regions, disabled); the
// second factor: reset one account's (its owner enrols again with the new
// link given back), and whether every account must have one.
import { AccountError, type Role } from '../accounts.ts';
import { covers } from '../account-scope.ts';
import { type InboxRoute, type RouteContext, bodyOf, fail, json, publicUser, str, strList } from './route.ts';

export function userRoutes({ svc, audit }: RouteContext): InboxRoute[] {
  // The configured public address, never the request's Host or Origin.
  const linkFor = (token: string): string => `${svc.linkBase}/inbox/#/set-password/${token}`;
  return [
    {
      method: 'GET',
      url: '/users',
      guard: 'admin',
      audits: 'none',
      handler: async () =>
        json(200, {
          users: (await svc.accounts.list()).map(publicUser),
          secondFactorRequired: await svc.settings.secondFactorRequired(),
        }),
    },
    {
      method: 'PATCH',
      url: '/settings',
      guard: 'admin',
      audits: ['second-factor-setting'],
      handler: async (req, caller) => {
        const required = bodyOf(req).secondFactorRequired;
        if (typeof required !== 'boolean')
          return fail('invalid', 'Say whether every account must have a second factor.');
        await svc.settings.requireSecondFactor(required, caller!.user.email);
        await audit(
          req,
          caller!.user,
          'second-factor-setting',
          null,
          required ? 'second factor required for every account' : 'second factor optional',
        );
        return json(200, { secondFactorRequired: required });
      },
    },
    {
      method: 'POST',
      url: '/users/:id/second-factor/reset',
      guard: 'admin',
      audits: ['second-factor-reset'],
      handler: async (req, caller) => {
        const target = await svc.accounts.byId(req.params.id ?? '');
        if (!target) return fail('not-found', 'No such account.');
        if (!covers(caller!.user, target)) return fail('account-scope');
        const reset = await svc.accounts.resetSecondFactor(target.id);
        const ended = await svc.sessions.destroyAllFor(target.id);
        const token = await svc.accounts.issueSetPasswordToken(target.id);
        await audit(
          req,
          caller!.user,
          'second-factor-reset',
          null,
          `${target.email}: second factor and recovery codes removed, ${ended} session(s) ended, new set-password link`,
        );
        return json(200, { user: publicUser(reset), link: linkFor(token) });
      },
    },
    {
      method: 'POST',
      url: '/users',
      guard: 'admin',
      audits: ['user-add'],
      handler: async (req, caller) => {
        const b = bodyOf(req);
        const scope = { teams: strList(b.teams) ?? [], regions: strList(b.regions) ?? [] };
        if (!covers(caller!.user, scope)) return fail('account-scope');
        try {
          const { user: added, token } = await svc.accounts.add({
            email: str(b.email, 320) ?? '',
            role: (str(b.role, 20) ?? 'reviewer') as Role,
            teams: strList(b.teams) ?? [],
            regions: strList(b.regions) ?? [],
          });
          const limits = [
            added.teams.length ? `; teams ${added.teams.join(', ')}` : '',
            added.regions.length ? `; regions ${added.regions.join(', ')}` : '',
          ].join('');
          await audit(req, caller!.user, 'user-add', null, `${added.email} as ${added.role}${limits}`);
          return json(201, { user: publicUser(added), link: linkFor(token) });
        } catch (e) {
          if (e instanceof AccountError) return fail(e.code, e.message);
          throw e;
        }
      },
    },
    {
      method: 'POST',
      url: '/users/:id/link',
      guard: 'admin',
      audits: ['user-link'],
      handler: async (req, caller) => {
        const target = await svc.accounts.byId(req.params.id ?? '');
        if (!target) return fail('not-found', 'No such account.');
        if (!covers(caller!.user, target)) return fail('account-scope');
        const token = await svc.accounts.issueSetPasswordToken(target.id);
        await audit(req, caller!.user, 'user-link', null, `new set-password link for ${target.email}`);
        return json(200, { link: linkFor(token) });
      },
    },
    {
      method: 'PATCH',
      url: '/users/:id',
      guard: 'admin',
      audits: ['user-change'],
      handler: async (req, caller) => {
        const user = caller!.user;
        const target = await svc.accounts.byId(req.params.id ?? '');
        if (!target) return fail('not-found', 'No such account.');
        const b = bodyOf(req);
        if (target.id === user.id && (b.disabled === true || (b.role !== undefined && b.role !== 'admin')))
          return fail('self');
        // The account as it is and as it would be: both within this admin's areas (its own included, so a
        // limited admin can narrow its limits but never widen them).
        const next = { teams: strList(b.teams) ?? target.teams, regions: strList(b.regions) ?? target.regions };
        if (!covers(user, target) || !covers(user, next)) return fail('account-scope');
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
      },
    },
  ];
}
