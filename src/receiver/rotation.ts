// Rotating the receiver's keys while the server runs (`npm run admin -- rotate
// kek | endpoint-key`; the inbox key is rotated in src/inbox-server).
//
// KEK. The old key is copied to `<kek file>.previous`, the new one renamed into
// place (so a key file always exists), and every data key is re-wrapped under
// the new one, a page at a time, each page one transaction. The running
// server learns the new key by itself: its envelope re-reads both files when
// they change (at most once a second before sealing, and at once when a
// stored data key opens under none of the keys it holds), and until then
// holds the old key as well, so every row opens throughout. Rows it sealed
// under the old key in the moment before it re-read are caught by the
// passes that follow; the last pass starts SETTLE_MS after the switch. When a
// pass finds none left, the previous file is removed: the old key opens
// nothing any more. An interrupted rotation is finished by running it again.
//
// Endpoint key. A new pair is written into the key file and the old one kept
// in it, retired, until its grace period ends: devices seal before they
// queue, so what a device sealed to the old key still opens when it arrives.
import { randomBytes } from 'node:crypto';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { ServiceConfig } from '../config/config.ts';
import { type EndpointKeyFile, newKeyPair, readKeyFile, writeKeyFile } from './keys.ts';
import { jweKeyFile, loadEnvelope, previousKekFile, secretFile } from './secrets.ts';
import { ReceiverStore } from './store/receiver-store.ts';

export class RotationError extends Error {
  override name = 'RotationError';
}

/** How long after the switch the last re-wrapping pass starts: past the server's once-a-second re-read and any write in flight. */
export const SETTLE_MS = 3_000;

export interface KekRotation {
  from: string;
  to: string;
  /** Data keys re-wrapped under the new KEK. */
  rewrapped: number;
  /** Rows left under any other key (0 when it has finished). */
  left: number;
  resumed: boolean;
}

export async function rotateKek(
  config: Pick<ServiceConfig, 'kek' | 'database'>,
  settleMs = SETTLE_MS,
  progress: (s: string) => void = () => {},
): Promise<KekRotation> {
  if ('base64' in config.kek)
    throw new RotationError(
      'The key-encryption key is given in CSE_KEK, which this command cannot change: put it in a file (CSE_KEK_FILE, or kek in the secrets folder), restart the server with that instead of CSE_KEK, and run this again. Nothing was changed.',
    );
  const file = config.kek.file;
  const previous = previousKekFile(file);
  const resumed = existsSync(previous);
  if (!resumed) {
    // The current key made if there is none yet, then kept as the previous one before the new one takes its place.
    const old = secretFile(file, () => `${randomBytes(32).toString('base64')}\n`);
    writeFileSync(previous, old, { mode: 0o600, flag: 'wx' });
    const tmp = `${file}.${process.pid}.new`;
    writeFileSync(tmp, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, file);
  }
  const envelope = loadEnvelope(config);
  const [to, from] = envelope.kekIds;
  const switchedAt = Date.now();
  const store = await ReceiverStore.open({ database: config.database, envelope });
  try {
    let rewrapped = 0;
    for (;;) {
      const lastPass = Date.now() - switchedAt >= settleMs;
      const n = await store.rewrapAll();
      rewrapped += n;
      if (n) progress(`${rewrapped} data keys re-wrapped`);
      if (lastPass && n === 0) break;
      if (!lastPass) await new Promise((r) => setTimeout(r, Math.min(500, settleMs)));
    }
    const left = await store.countNotUnderCurrentKek();
    if (left === 0) rmSync(previous, { force: true });
    return { from: from ?? to!, to: to!, rewrapped, left, resumed };
  } finally {
    await store.close();
  }
}

export interface EndpointKeyRotation {
  from: string;
  to: string;
  /** Until when the old key still opens what was sealed to it. */
  until: string;
  /** Retired keys whose grace had ended, dropped from the file. */
  dropped: number;
}

export async function rotateEndpointKey(
  config: Pick<ServiceConfig, 'jweKeyFile' | 'legacyJweKeyFile'>,
  graceDays: number,
  now = Date.now(),
): Promise<EndpointKeyRotation> {
  if (!Number.isFinite(graceDays) || graceDays < 1 || graceDays > 365)
    throw new RotationError('The grace period is a number of days from 1 to 365 (--grace-days).');
  const file = jweKeyFile(config);
  const old: EndpointKeyFile = existsSync(file) ? readKeyFile(file) : await newKeyPair();
  const fresh = await newKeyPair();
  const until = new Date(now + graceDays * 86_400_000).toISOString();
  const kept = (old.retired ?? []).filter((r) => Date.parse(r.until) > now);
  writeKeyFile(file, {
    ...fresh,
    retired: [
      { privateJwk: old.privateJwk, publicJwk: old.publicJwk, retiredAt: new Date(now).toISOString(), until },
      ...kept,
    ],
  });
  return {
    from: String(old.publicJwk.kid),
    to: String(fresh.publicJwk.kid),
    until,
    dropped: (old.retired ?? []).length - kept.length,
  };
}
