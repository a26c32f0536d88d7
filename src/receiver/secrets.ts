// The receiver's secrets, kept apart from its data. Two folders, never one:
//   data/          the database (SQLite): what a backup copies
//   data-secrets/  the key-encryption key, the JWE private key, the admin token:
//                  what must NOT travel with a copy of the data.
// Where each is comes from the one configuration (src/config/config.ts).
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ServiceConfig } from '../config/config.ts';
import { Envelope } from './store/envelope.ts';

/** A folder only its owner can enter. */
export function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/** Reads a secret file, or makes it (0600, in a 0700 folder) with `make`. */
export function secretFile(file: string, make: () => string): string {
  if (existsSync(file)) {
    chmodSync(file, 0o600);
    return readFileSync(file, 'utf8');
  }
  privateDir(resolve(file, '..'));
  const value = make();
  writeFileSync(file, value, { mode: 0o600, flag: 'wx' });
  return value;
}

function kekFrom(b64: string): { kek: Buffer; kekId: string } {
  const kek = Buffer.from(b64.trim(), 'base64');
  if (kek.length !== 32)
    throw new Error('The key-encryption key must be 32 bytes, base64-encoded (CSE_KEK or CSE_KEK_FILE)');
  return { kek, kekId: createHash('sha256').update(kek).digest('hex').slice(0, 8) };
}

/** Where the previous KEK is kept while a rotation re-wraps the data keys (removed when it has finished). */
export const previousKekFile = (file: string) => `${file}.previous`;

/** The KEK file's keys: the current one, then the previous one while a rotation is under way. */
export function readKekFiles(file: string): { kek: Buffer; kekId: string }[] {
  const keys = [kekFrom(readFileSync(file, 'utf8'))];
  if (existsSync(previousKekFile(file))) keys.push(kekFrom(readFileSync(previousKekFile(file), 'utf8')));
  return keys;
}

/**
 * The key-encryption key: CSE_KEK (base64 of 32 bytes), CSE_KEK_FILE, or secrets/kek made once. In a file,
 * it can be rotated while the server runs (src/receiver/rotation.ts): the envelope re-reads the file and the
 * previous key beside it when they change.
 */
export function loadEnvelope(config: Pick<ServiceConfig, 'kek'>): Envelope {
  if ('base64' in config.kek) {
    const { kek, kekId } = kekFrom(config.kek.base64);
    return new Envelope(kek, kekId);
  }
  const file = config.kek.file;
  secretFile(file, () => `${randomBytes(32).toString('base64')}\n`);
  chmodSync(file, 0o600);
  const [current, ...previous] = readKekFiles(file);
  return new Envelope(current!.kek, current!.kekId, previous, () => readKekFiles(file));
}

/** The admin token for reading (until reviewers have accounts): CSE_ADMIN_TOKEN, or secrets/admin-token. Never printed. */
export function loadAdminToken(config: Pick<ServiceConfig, 'adminToken'>): string {
  if ('value' in config.adminToken) return config.adminToken.value;
  return secretFile(config.adminToken.file, () => `${randomBytes(32).toString('base64url')}\n`).trim();
}

/** The JWE key file, moved into the secrets folder if an older version left it in data/. */
export function jweKeyFile(config: Pick<ServiceConfig, 'jweKeyFile' | 'legacyJweKeyFile'>): string {
  const file = config.jweKeyFile;
  if (!existsSync(file) && existsSync(config.legacyJweKeyFile)) {
    privateDir(resolve(file, '..'));
    renameSync(config.legacyJweKeyFile, file);
  }
  return file;
}
