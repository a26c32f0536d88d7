// `npm run admin -- …`: the administrator's commands, against the same
// database the server uses (SQLite under data/, or CSE_DATABASE_URL).
//   device add "<name>" [--area <area>]   a one-time enrolment link (valid 24 h), printed and as a QR code;
//                         --area: the area its screenings go to when they name none (checked against the directory)
//   device list           every device: id, name, state, dates
//   device revoke <id>    withdraws the device's access at once (its next send gets 401)
//   user add <email> --role reviewer|admin [--team X]…   an inbox account: prints a one-time set-password link
//   user list | user link <email> | user disable <email> | user enable <email>   (src/inbox-server/admin-cli.ts)
// The link's address is CSE_PUBLIC_URL (default http://localhost:4173); the
// code is in the fragment (#/enrol?code=…), which browsers never send to a server.
import QRCode from 'qrcode';
import { checkArea } from '../domain/index.ts';
import { loadEnvelope, receiverPaths } from './config.ts';
import { ReceiverStore } from './store/receiver-store.ts';

export function enrolmentLink(origin: string, code: string): string {
  return `${origin.replace(/\/$/, '')}/#/enrol?code=${encodeURIComponent(code)}`;
}

export async function runAdmin(
  argv: string[],
  out: (s: string) => void = console.log,
  env = process.env,
): Promise<number> {
  const [noun, verb, arg] = argv;
  // device add "<name>" --area <area>: the area, in the directory's spelling, or the list of valid ones.
  const areaAt = argv.indexOf('--area');
  let area: string | null = null;
  if (noun === 'device' && verb === 'add' && areaAt > 0) {
    const checked = checkArea(argv[areaAt + 1] ?? '');
    if (!checked.ok) {
      out(checked.message);
      return 2;
    }
    area = checked.value;
  }
  if (noun === 'user') return (await import('../inbox-server/admin-cli.ts')).runUserCommand(argv.slice(1), out, env);
  if (noun !== 'device' || !['add', 'list', 'revoke'].includes(verb ?? '')) {
    out(
      'usage: npm run admin -- device add "<name>" [--area <area>] | device list | device revoke <id> | user add <email> --role reviewer|admin [--team X] | user list',
    );
    return 2;
  }
  const paths = receiverPaths({}, env);
  const store = await ReceiverStore.open({ database: paths.database, envelope: loadEnvelope(paths, env) });
  try {
    if (verb === 'add') {
      const name = (arg ?? '').trim();
      if (!name || name.length > 200) {
        out('Give the device a name (the practitioner or team), up to 200 characters: device add "Sam Nurse, Ward 3"');
        return 2;
      }
      const { device, code } = await store.addDevice(name, undefined, undefined, area);
      const link = enrolmentLink(env.CSE_PUBLIC_URL ?? `http://localhost:${env.PORT ?? 4173}`, code);
      out(
        `Device ${device.id} (${device.name}${area ? `, ${area}` : ''}): open this link on the device within 24 hours, once:`,
      );
      out(link);
      out(await QRCode.toString(link, { type: 'terminal', small: true }));
      return 0;
    }
    if (verb === 'list') {
      const devices = await store.devices();
      if (!devices.length) out('No devices yet. Add one with: npm run admin -- device add "<name>"');
      for (const d of devices)
        out(
          [
            d.id,
            d.state.padEnd(7),
            d.name,
            d.area ? `area ${d.area}` : '',
            `created ${d.createdAt}`,
            d.enrolledAt ? `enrolled ${d.enrolledAt}` : `link expires ${d.codeExpiresAt}`,
            d.lastSeenAt ? `last seen ${d.lastSeenAt}` : '',
            d.revokedAt ? `revoked ${d.revokedAt}` : '',
          ]
            .filter(Boolean)
            .join('  '),
        );
      return 0;
    }
    if (!arg) {
      out('Which device? device revoke <id> (see device list)');
      return 2;
    }
    if (await store.revoke(arg)) {
      out(`Device ${arg} revoked: its next send is refused.`);
      return 0;
    }
    out(`No device ${arg} that is not already revoked.`);
    return 1;
  } finally {
    await store.close();
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.umask(0o077);
  runAdmin(process.argv.slice(2)).then((code) => process.exit(code));
}
