// `npm run admin -- …`: the administrator's commands, on the database and
// secrets the server uses, read from the same configuration (src/config), so the
// links it prints open the server that is running.
//   device add "<name>" | device list | device revoke <id>            (src/receiver/admin.ts)
//   user add <email> --role reviewer|admin [--team X]… [--region R]…  (src/inbox-server/admin-cli.ts)
//   user list | user link <email> | user disable <email> | user enable <email>
//   user reset-second-factor <email> | user second-factor required|optional
//   alert set --area <area> | --region <region> <e-mail> | alert list | alert remove …  (src/inbox-server/alert-cli.ts)
//   backup <file> | restore <file>                                   (./operations-cli.ts)
import { ConfigError, readConfig } from '../config/config.ts';
import { USER_USAGE, runUserCommand } from '../inbox-server/admin-cli.ts';
import { ALERT_USAGE, runAlertCommand } from '../inbox-server/alert-cli.ts';
import { DEVICE_USAGE, runDeviceCommand } from '../receiver/admin.ts';
import { OPERATIONS_NOUNS, OPERATIONS_USAGE, runOperationsCommand } from './operations-cli.ts';

export async function runAdmin(
  argv: string[],
  out: (s: string) => void = console.log,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [noun, ...rest] = argv;
  const operations = (OPERATIONS_NOUNS as readonly string[]).includes(noun ?? '');
  if (noun !== 'device' && noun !== 'user' && noun !== 'alert' && !operations) {
    out(
      `${DEVICE_USAGE}\n${USER_USAGE.replace(/^Usage:\n/, '')}\n${ALERT_USAGE.replace(/^Usage:\n/, '')}\n${OPERATIONS_USAGE.replace(/^Usage:\n/, '')}`,
    );
    // Asked for (help, --help, -h): the usage is the answer; anything else is a mistake.
    return noun === 'help' || noun === '--help' || noun === '-h' ? 0 : 2;
  }
  let config;
  try {
    config = readConfig(env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    out(e.message);
    return 2;
  }
  if (noun === 'alert') return runAlertCommand(rest, config, out);
  if (operations) return runOperationsCommand(noun!, rest, config, out);
  return noun === 'device' ? runDeviceCommand(rest, config, out) : runUserCommand(rest, config, out);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.umask(0o077);
  runAdmin(process.argv.slice(2)).then((code) => process.exit(code));
}
