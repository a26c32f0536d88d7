// `npm run admin -- backup | restore | rotate | retention …`: running the service
// as a council runs one, on the database and secrets the configuration names.
//   backup <file>       a consistent copy of the database while the server runs (never the secrets)
//   restore <file>      into an EMPTY store only
//   rotate kek | endpoint-key [--grace-days N] | inbox-key     while the server runs (see
//                       src/receiver/rotation.ts and src/inbox-server/rotate-inbox-key.ts)
// Each is written to the audit as "cli".
import type { ServiceConfig } from '../config/config.ts';
import { Audit } from '../inbox-server/audit.ts';
import '../inbox-server/schema.ts';
import '../inbox-server/schema-security.ts';
import { loadEnvelope } from '../receiver/secrets.ts';
import { BackupError, backupDatabase, restoreDatabase } from '../receiver/store/backup.ts';
import { InboxKeyRotationError, rotateInboxKey } from '../inbox-server/rotate-inbox-key.ts';
import { RETENTION_KINDS, Retention, RetentionError } from '../inbox-server/retention.ts';
import { RotationError, rotateEndpointKey, rotateKek } from '../receiver/rotation.ts';
import { ReceiverStore } from '../receiver/store/receiver-store.ts';

export const OPERATIONS_USAGE = `Usage:
  npm run admin -- backup <file>     a consistent copy of the database, server running (the secrets folder is NOT in it)
  npm run admin -- restore <file>    into an empty store only (a new database or an empty data folder)
  npm run admin -- rotate kek        a new key-encryption key; every stored data key re-wrapped, server running
  npm run admin -- rotate endpoint-key [--grace-days 30]   a new key devices seal to; the old one opens for the grace period
  npm run admin -- rotate inbox-key  a new inbox key; child references, notes and second factors sealed again
  npm run admin -- retention set screening|information-report <days>   how long each kind is kept (unset: for ever)
  npm run admin -- retention list | retention clear <kind> | retention run   (the server also runs it daily)`;

export const OPERATIONS_NOUNS = ['backup', 'restore', 'rotate', 'retention'] as const;

/** Writes one audit row as the command line (the store opened on the configured database). */
async function audited(
  config: ServiceConfig,
  action: 'backup' | 'restore' | 'rotate-endpoint-key',
  detail: (submissions: number) => string,
): Promise<{ submissions: number }> {
  const store = await ReceiverStore.open({ database: config.database, envelope: loadEnvelope(config) });
  try {
    const submissions = await store.count();
    await new Audit(store.sql).write({ actor: 'cli', action, detail: detail(submissions), address: 'local' });
    return { submissions };
  } finally {
    await store.close();
  }
}

export async function runOperationsCommand(
  noun: string,
  args: string[],
  config: ServiceConfig,
  print: (s: string) => void = console.log,
): Promise<number> {
  if (noun === 'rotate') return rotate(args, config, print);
  if (noun === 'retention') return retention(args, config, print);
  const [file, ...extra] = args;
  if (!file || extra.length) {
    print(OPERATIONS_USAGE);
    return 2;
  }
  try {
    if (noun === 'backup') {
      const kind = await backupDatabase(config.database, file);
      // Audited after the copy, so the row is in the live store, saying the copy was made.
      const { submissions } = await audited(config, 'backup', (n) => `${kind} backup written (${n} submissions)`);
      print(`Backup written to ${file} (${kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'}, ${submissions} submissions).`);
      print(
        `It holds no secrets: keep a copy of ${config.secretsDir} (or CSE_KEK / CSE_INBOX_KEY) apart from it; without them the backup cannot be read.`,
      );
      return 0;
    }
    if (noun === 'restore') {
      const kind = await restoreDatabase(config.database, file);
      const { submissions } = await audited(config, 'restore', (n) => `${kind} backup restored (${n} submissions)`);
      print(`Restored ${submissions} submissions into the empty store.`);
      print(
        `Start the server with the secrets the backup was made under (${config.secretsDir}, or CSE_KEK and CSE_INBOX_KEY): without them nothing restored can be read.`,
      );
      return 0;
    }
  } catch (e) {
    if (e instanceof BackupError) {
      print(e.message);
      return 1;
    }
    throw e;
  }
  print(OPERATIONS_USAGE);
  return 2;
}

async function rotate(args: string[], config: ServiceConfig, print: (s: string) => void): Promise<number> {
  const [what, ...rest] = args;
  const grace = rest[0] === '--grace-days' && rest.length === 2 ? Number(rest[1]) : rest.length ? NaN : 30;
  if (
    !(what === 'kek' || what === 'inbox-key' || what === 'endpoint-key') ||
    (what !== 'endpoint-key' && rest.length)
  ) {
    print(OPERATIONS_USAGE);
    return 2;
  }
  try {
    if (what === 'kek') {
      print('Re-wrapping every stored data key under a new key-encryption key (the server may keep running)…');
      const r = await rotateKek(config, undefined, print);
      const store = await ReceiverStore.open({ database: config.database, envelope: loadEnvelope(config) });
      try {
        await new Audit(store.sql).write({
          actor: 'cli',
          action: 'rotate-kek',
          detail: `key-encryption key ${r.from} → ${r.to}: ${r.rewrapped} data keys re-wrapped, ${r.left} left${r.resumed ? ' (an interrupted rotation finished)' : ''}`,
          address: 'local',
        });
      } finally {
        await store.close();
      }
      if (r.left) {
        print(`${r.left} stored data keys are still under another key: run this command again to finish.`);
        return 1;
      }
      print(`Done: ${r.rewrapped} data keys re-wrapped under the new key (${r.to}); the previous key is removed.`);
      return 0;
    }
    if (what === 'endpoint-key') {
      const r = await rotateEndpointKey(config, grace);
      await audited(
        config,
        'rotate-endpoint-key',
        () => `endpoint key ${r.from} → ${r.to}; the old key opens submissions sealed to it until ${r.until}`,
      );
      print(`A new endpoint key (${r.to}) is published now; devices take it after their next delivery.`);
      print(`Submissions already sealed to the old key (${r.from}) are still accepted until ${r.until}.`);
      return 0;
    }
    print('Sealing child references, notes and second factors again with a new inbox key (server may keep running)…');
    const store = await ReceiverStore.open({ database: config.database, envelope: loadEnvelope(config) });
    try {
      const r = await rotateInboxKey(config, store.sql);
      const by = Object.entries(r.resealed)
        .map(([t, n]) => `${t.replace(/^inbox_/, '')} ${n}`)
        .join(', ');
      await new Audit(store.sql).write({
        actor: 'cli',
        action: 'rotate-inbox-key',
        detail: `inbox key rotated: ${r.total} values sealed again (${by})${r.resumed ? ' (an interrupted rotation finished)' : ''}`,
        address: 'local',
      });
      print(`Done: ${r.total} values sealed again with the new inbox key (${by}); the previous key is removed.`);
      return 0;
    } finally {
      await store.close();
    }
  } catch (e) {
    if (e instanceof RotationError || e instanceof InboxKeyRotationError) {
      print(e.message);
      return 1;
    }
    throw e;
  }
}

async function retention(args: string[], config: ServiceConfig, print: (s: string) => void): Promise<number> {
  const [verb, kind, days, ...extra] = args;
  const ok =
    !extra.length &&
    ((verb === 'set' && kind && days) ||
      (verb === 'clear' && kind && !days) ||
      ((verb === 'list' || verb === 'run') && !kind));
  if (!ok) {
    print(OPERATIONS_USAGE);
    return 2;
  }
  const store = await ReceiverStore.open({ database: config.database, envelope: loadEnvelope(config) });
  try {
    const r = new Retention(store.sql, new Audit(store.sql));
    if (verb === 'set') {
      const p = await r.set(kind!, /^\d+$/.test(days!) ? Number(days) : NaN, 'cli');
      print(
        `${p.kind === 'screening' ? 'Screenings' : 'Information reports'} are kept for ${p.days} days after they arrive, once their review is finished (actioned or closed).`,
      );
      return 0;
    }
    if (verb === 'clear') {
      print(
        (await r.clear(kind!)) ? `No retention period for ${kind}: kept for ever.` : `No period was set for ${kind}.`,
      );
      return 0;
    }
    if (verb === 'list') {
      const periods = await r.periods();
      for (const k of RETENTION_KINDS) {
        const p = periods.find((x) => x.kind === k);
        print(p ? `${k}\t${p.days} days\tset by ${p.setBy} at ${p.setAt}` : `${k}\tkept for ever (no period set)`);
      }
      return 0;
    }
    const run = await r.run('cli');
    print(
      `Removed ${run.removed.screening} screenings and ${run.removed['information-report']} information reports past their period; ${run.keptOpen} past it kept because their review is not finished.`,
    );
    return 0;
  } catch (e) {
    if (e instanceof RetentionError) {
      print(e.message);
      return 2;
    }
    throw e;
  } finally {
    await store.close();
  }
}
