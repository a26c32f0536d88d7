// The second factor: a time-based one-time code (TOTP, RFC 6238: SHA-1, six
// digits, 30-second steps), the kind every authenticator app makes. The secret
// is made when a set-password link is first opened, shown once as text and as
// a QR code, and kept only sealed with the inbox key (bound to the account).
// A code is accepted for the step before, the current and the next (clock
// drift), and never twice: the last step accepted is kept per account.
import QRCode from 'qrcode';
import { generateSecret, generateURI, verify } from 'otplib';

export const TOTP_ISSUER = 'CSE Screen inbox';
const PERIOD_S = 30;

export const newTotpSecret = (): string => generateSecret();

export const totpUri = (secret: string, email: string): string =>
  generateURI({ issuer: TOTP_ISSUER, label: email, secret });

/** The secret as a QR code, an SVG the page shows as an image. */
export const totpQrSvg = (secret: string, email: string): Promise<string> =>
  QRCode.toString(totpUri(secret, email), { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });

/** The secret in groups of four, easier to type into an app. */
export const grouped = (secret: string): string => secret.replace(/(.{4})(?=.)/g, '$1 ');

/**
 * The time step a code was made for, if it is right now (±1 step) and later
 * than `afterStep` (a code once accepted is never accepted again); else undefined.
 */
export async function totpStep(
  secret: string,
  code: string,
  nowMs: number,
  afterStep: number | null,
): Promise<number | undefined> {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return undefined;
  const result = await verify({
    secret,
    token,
    epoch: Math.floor(nowMs / 1000),
    epochTolerance: PERIOD_S,
    ...(afterStep !== null ? { afterTimeStep: afterStep } : {}),
  });
  // A TOTP result carries the step it matched (the functional API's type is HOTP's and TOTP's union).
  return result.valid ? (result as { timeStep?: number }).timeStep : undefined;
}
