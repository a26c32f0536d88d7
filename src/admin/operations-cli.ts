// `npm run admin -- backup | restore | rotate | retention …`: running the service
// as a council runs one, on the database and secrets the configuration names.
//   backup <file>       a consistent copy of the database while the server runs (never the secrets)
//   restore <file>      into an EMPTY store only
// Each is written to the audit as "cli".
import type { ServiceConfig } from '../config/config.ts';
import { Audit } from '../inbox-server/audit.ts';
import '../inbox-server/schema.ts';
import '../inbox-server/schema-security.ts';
import { loadEnvelope } from '../receiver/secrets.ts';
import { BackupError, backupDatabase, restoreDatabase } from '../receiver/store/backup.ts';
import { ReceiverStore } from '../receiver/store/receiver-store.ts';

export const OPERATIONS_USAGE = `Usage:
  npm run admin -- backup <file>     a consistent copy of the database, server running (the secrets folder is NOT in it)
  npm run admin -- restore <file>    into an empty store only (a new database or an empty data folder)`;

export const OPERATIONS_NOUNS = ['backup', 'restore'] as const;

/** Writes one audit row as the command line (the store opened on the configured database). */
async function audited(
  config: ServiceConfig,
  action: 'backup' | 'restore',
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
