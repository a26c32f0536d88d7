// Reviewer passwords: scrypt (memory-hard, in node:crypto, nothing to
// install). N = 2^15, r = 8 → 32 MiB per hash, ~50–100 ms on one core: slow
// enough to make offline guessing expensive, fast enough for a login. The
// parameters are stored with each hash so they can be raised later.
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';

const N = 1 << 15;
const R = 8;
const P = 1;
const KEYLEN = 32;

function scrypt(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((ok, fail) =>
    scryptCb(password.normalize('NFC'), salt, KEYLEN, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 }, (err, key) =>
      err ? fail(err) : ok(key),
    ),
  );
}

export const MIN_PASSWORD_LENGTH = 12;

/** Why a new password is not acceptable, in words, or undefined. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > 200) return 'Use at most 200 characters.';
  if (/^(.)\1+$/.test(password)) return 'Do not repeat one character.';
  return undefined;
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  // With no account (or no password yet) still spend the same time, so timing
  // does not tell which e-mail addresses have accounts.
  const parts = (stored ?? '').split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') {
    await scrypt(password, randomBytes(16), N, R, P);
    return false;
  }
  const [, n, r, p, salt, hash] = parts;
  const want = Buffer.from(hash!, 'base64url');
  const got = await scrypt(password, Buffer.from(salt!, 'base64url'), Number(n), Number(r), Number(p));
  return got.length === want.length && timingSafeEqual(got, want);
}
