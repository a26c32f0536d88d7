// The device commands of `npm run admin` (src/admin/main.ts), against the same
// database the server uses:
//   device add "<name>" [--area <area>]   a one-time enrolment link (valid 24 h), printed and as a QR code;
//                         --area: the area its screenings go to when they name none (checked against the directory)
//   device list           every device: id, name, state, dates
//   device revoke <id>    withdraws the device's access at once (its next send gets 401)
// The link's address is the configuration's public address; the code is in the
// fragment (#/enrol?code=…), which browsers never send to a server.
import QRCode from 'qrcode';
import type { ServiceConfig } from '../config/config.ts';
import { checkArea } from '../domain/index.ts';
import { loadEnvelope } from './secrets.ts';
import { ReceiverStore } from './store/receiver-store.ts';

export function enrolmentLink(origin: string, code: string): string {
  return `${origin.replace(/\/$/, '')}/#/enrol?code=${encodeURIComponent(code)}`;
}

export const DEVICE_USAGE = `Usage:
  npm run admin -- device add "<name>" [--area <area>]   a one-time enrolment link (valid 24 hours)
  npm run admin -- device list
  npm run admin -- device revoke <id>`;

export async function runDeviceCommand(
  args: string[],
  config: ServiceConfig,
  out: (s: string) => void = console.log,
): Promise<number> {
  const [verb, arg] = args;
  // device add "<name>" --area <area>: the area, in the directory's spelling, or the list of valid ones.
  const areaAt = args.indexOf('--area');
  let area: string | null = null;
  if (verb === 'add' && areaAt > 0) {
    const checked = checkArea(args[areaAt + 1] ?? '');
    if (!checked.ok) {
      out(checked.message);
      return 2;
    }
    area = checked.value;
  }
  if (!['add', 'list', 'revoke'].includes(verb ?? '')) {
    out(DEVICE_USAGE);
    return 2;
  }
  const store = await ReceiverStore.open({ database: config.database, envelope: loadEnvelope(config) });
  try {
    if (verb === 'add') {
      const name = (arg ?? '').trim();
      if (!name || name.length > 200) {
        out('Give the device a name (the practitioner or team), up to 200 characters: device add "Sam Nurse, Ward 3"');
        return 2;
      }
      const { device, code } = await store.addDevice(name, undefined, undefined, area);
      const link = enrolmentLink(config.publicUrl, code);
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
