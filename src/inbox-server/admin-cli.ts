// `npm run admin -- user add <email> --role reviewer|admin [--team X]... [--region R]...`
// prints a one-time link to set the password. Also: `user list`,
// `user link <email>` (a new link), `user disable <email>`, `user enable <email>`,
// `user reset-second-factor <email>` (a lost phone: a new link to enrol again),
// `user second-factor required|optional` (whether every account must have one).
// Works on the receiver's database (SQLite under data/, or CSE_DATABASE_URL),
// also while the server runs; every change is written to the audit as "cli".
// Called by `npm run admin` (src/admin/main.ts) with the service's one configuration.
import type { ServiceConfig } from '../config/config.ts';
import { loadEnvelope } from '../receiver/secrets.ts';
import { ReceiverStore } from '../receiver/store/receiver-store.ts';
import { AccountError, type Role } from './accounts.ts';
import { InboxService, loadChildSecret } from './service.ts';
import type { SubmissionSource } from './source.ts';

export const USER_USAGE = `Usage:
  npm run admin -- user add <email> --role reviewer|admin [--team <area team>]... [--region <region id>]...
  npm run admin -- user list
  npm run admin -- user link <email>        a new one-time set-password link
  npm run admin -- user disable <email>     (and ends the account's sessions)
  npm run admin -- user enable <email>
  npm run admin -- user reset-second-factor <email>   removes its second factor; prints a link to enrol again
  npm run admin -- user second-factor required|optional   (required by default)`;

/** The CLI never reads submissions. */
const noSource: SubmissionSource = {
  after: async () => [],
  get: async () => undefined,
  getMany: async () => new Map(),
};

function options(args: string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) if (args[i] === `--${name}` && args[i + 1]) out.push(args[++i]!);
  return out;
}

export async function runUserCommand(
  args: string[],
  config: ServiceConfig,
  print: (s: string) => void = console.log,
): Promise<number> {
  const [verb, email] = args;
  const store = await ReceiverStore.open({ database: config.database, envelope: loadEnvelope(config) });
  const svc = new InboxService({
    sql: store.sql,
    source: noSource,
    childSecret: loadChildSecret(config),
  });
  const audit = (
    action: 'user-add' | 'user-change' | 'user-link' | 'second-factor-reset' | 'second-factor-setting',
    detail: string,
  ) => svc.audit.write({ actor: 'cli', action, detail, address: 'local' });
  try {
    if (verb === 'add' && email) {
      const role = options(args, 'role')[0] as Role | undefined;
      if (role !== 'reviewer' && role !== 'admin')
        throw new AccountError('invalid', 'Give the role: --role reviewer or --role admin.');
      const { user, token } = await svc.accounts.add({
        email,
        role,
        teams: options(args, 'team'),
        regions: options(args, 'region'),
      });
      await audit(
        'user-add',
        `${user.email} as ${user.role}${user.teams.length ? `; teams ${user.teams.join(', ')}` : ''}${user.regions.length ? `; regions ${user.regions.join(', ')}` : ''}`,
      );
      print(
        `Added ${user.email} (${user.role}${user.teams.length || user.regions.length ? `, limited to ${[...user.teams, ...user.regions].join(', ')}` : ''}).`,
      );
      print('One-time link to set the password and the second factor (valid 72 hours, shown once):');
      print(`${config.publicUrl}/inbox/#/set-password/${token}`);
      return 0;
    }
    if (verb === 'list') {
      for (const u of await svc.accounts.list())
        print(
          `${u.email}\t${u.role}\t${u.teams.concat(u.regions).join(', ') || 'all'}\t${u.disabled ? 'disabled' : !u.hasPassword ? 'no password yet' : !u.hasSecondFactor ? 'no second factor (needs a new link)' : 'active'}`,
        );
      return 0;
    }
    if (verb === 'second-factor' && (email === 'required' || email === 'optional')) {
      await svc.settings.requireSecondFactor(email === 'required', 'cli');
      await audit(
        'second-factor-setting',
        email === 'required' ? 'second factor required for every account' : 'second factor optional',
      );
      print(
        email === 'required'
          ? 'Every account must now sign in with a second factor.'
          : 'A second factor is now optional (accounts that have one still use it).',
      );
      return 0;
    }
    if (verb === 'second-factor' && !email) {
      print(`A second factor is ${(await svc.settings.secondFactorRequired()) ? 'required' : 'optional'}.`);
      return 0;
    }
    const user = email ? await svc.accounts.byEmail(email) : undefined;
    if (
      (verb === 'link' || verb === 'disable' || verb === 'enable' || verb === 'reset-second-factor') &&
      email &&
      !user
    )
      throw new AccountError('not-found', `No account for ${email}.`);
    if (verb === 'link' && user) {
      const token = await svc.accounts.issueSetPasswordToken(user.id);
      await audit('user-link', `new set-password link for ${user.email}`);
      print(`${config.publicUrl}/inbox/#/set-password/${token}`);
      return 0;
    }
    if (verb === 'reset-second-factor' && user) {
      await svc.accounts.resetSecondFactor(user.id);
      const ended = await svc.sessions.destroyAllFor(user.id);
      const token = await svc.accounts.issueSetPasswordToken(user.id);
      await audit(
        'second-factor-reset',
        `${user.email}: second factor and recovery codes removed, ${ended} session(s) ended, new set-password link`,
      );
      print(`The second factor of ${user.email} is removed. One-time link to enrol again (valid 72 hours):`);
      print(`${config.publicUrl}/inbox/#/set-password/${token}`);
      return 0;
    }
    if ((verb === 'disable' || verb === 'enable') && user) {
      await svc.accounts.update(user.id, { disabled: verb === 'disable' });
      const ended = verb === 'disable' ? await svc.sessions.destroyAllFor(user.id) : 0;
      await audit('user-change', `${user.email} ${verb}d${ended ? `; ${ended} session(s) ended` : ''}`);
      print(`${user.email} ${verb}d.`);
      return 0;
    }
    print(USER_USAGE);
    return 2;
  } catch (e) {
    if (e instanceof AccountError) {
      print(e.message);
      return 1;
    }
    throw e;
  } finally {
    await store.close();
  }
}
