// `npm run admin -- alert …`: the duty addresses alerts go to, on the receiver's
// database (also while the server runs); every change is written to the audit
// as "cli". Called by `npm run admin` (src/admin/main.ts) with the one configuration.
//   alert set --area <area> <address> | alert set --region <region id> <address>
//   alert list
//   alert remove --area <area> | alert remove --region <region id>
import type { ServiceConfig } from '../config/config.ts';
import { loadEnvelope } from '../receiver/secrets.ts';
import { ReceiverStore } from '../receiver/store/receiver-store.ts';
import { AlertError, Alerts, type ScopeKind } from './alerts.ts';
import { Audit } from './audit.ts';
import './schema.ts';

export const ALERT_USAGE = `Usage:
  npm run admin -- alert set --area <area> <duty e-mail>        e.g. alert set --area Bolton duty@example.gov.uk
  npm run admin -- alert set --region <region id> <duty e-mail>  e.g. alert set --region greater-manchester …
  npm run admin -- alert list
  npm run admin -- alert remove --area <area> | --region <region id>`;

function scopeArg(args: string[]): { kind: ScopeKind; name: string; rest: string[] } | undefined {
  const at = args.findIndex((a) => a === '--area' || a === '--region');
  if (at < 0 || !args[at + 1]) return undefined;
  return {
    kind: args[at] === '--area' ? 'area' : 'region',
    name: args[at + 1]!,
    rest: args.filter((_, i) => i !== at && i !== at + 1),
  };
}

export async function runAlertCommand(
  args: string[],
  config: ServiceConfig,
  print: (s: string) => void = console.log,
): Promise<number> {
  const [verb, ...more] = args;
  const scope = scopeArg(more);
  if (!(verb === 'list' || (verb === 'set' && scope?.rest.length === 1) || (verb === 'remove' && scope))) {
    print(ALERT_USAGE);
    return 2;
  }
  const store = await ReceiverStore.open({ database: config.database, envelope: loadEnvelope(config) });
  const audit = new Audit(store.sql);
  const alerts = new Alerts(store.sql, audit, { smtp: config.smtp, publicUrl: config.publicUrl });
  const off =
    'Alerts are off: no SMTP server is set (CSE_SMTP_URL and CSE_ALERT_FROM). Addresses are kept for when it is.';
  try {
    if (verb === 'list') {
      const { enabled, addresses, outbox } = await alerts.status();
      print(enabled ? 'Alerts are on (by e-mail).' : off);
      if (!addresses.length)
        print('No duty addresses yet. Set one with: npm run admin -- alert set --area <area> <e-mail>');
      for (const a of addresses) print(`${a.kind}\t${a.scope}\t${a.address}\tset by ${a.setBy} at ${a.setAt}`);
      print(`Outbox: ${outbox.pending} waiting, ${outbox.sent} sent, ${outbox.failed} failed.`);
      return 0;
    }
    if (verb === 'set') {
      const set = await alerts.setAddress(scope!.kind, scope!.name, scope!.rest[0]!, 'cli');
      await audit.write({
        actor: 'cli',
        action: 'alert-address-set',
        detail: `${set.kind} ${set.scope}: ${set.address}`,
        address: 'local',
      });
      print(`Alerts for ${set.kind === 'area' ? set.scope : `the region ${set.scope}`} go to ${set.address}.`);
      if (!alerts.enabled) print(off);
      return 0;
    }
    const removed = await alerts.removeAddress(scope!.kind, scope!.name);
    await audit.write({
      actor: 'cli',
      action: 'alert-address-remove',
      detail: `${scope!.kind} ${removed}`,
      address: 'local',
    });
    print(`No more alerts for ${removed}.`);
    return 0;
  } catch (e) {
    if (e instanceof AlertError) {
      print(e.message);
      return e.code === 'not-found' ? 1 : 2;
    }
    throw e;
  } finally {
    await store.close();
  }
}
