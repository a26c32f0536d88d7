// Where the receiver keeps things. Two folders, never one:
//   data/     the database (SQLite) — what a backup copies
//   data-secrets/  the key-encryption key, the JWE private key, the admin token —
//             what must NOT travel with a copy of the data.
// Each can be moved: CSE_DATA_DIR, CSE_SECRETS_DIR; or the secrets given
// directly: CSE_KEK / CSE_KEK_FILE, CSE_JWE_KEY_FILE, CSE_ADMIN_TOKEN.
// CSE_DATABASE_URL=postgres://… puts the data in PostgreSQL instead.
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Envelope } from './store/envelope.ts';

export interface ReceiverPaths {
  dataDir: string;
  secretsDir: string;
  /** postgres://… or the SQLite file. */
  database: string;
}

export function receiverPaths(over: Partial<ReceiverPaths> = {}, env = process.env): ReceiverPaths {
  const dataDir = resolve(over.dataDir ?? env.CSE_DATA_DIR ?? 'data');
  const secretsDir = resolve(
    over.secretsDir ?? env.CSE_SECRETS_DIR ?? join(dirname(dataDir), `${basename(dataDir)}-secrets`),
  );
  return { dataDir, secretsDir, database: over.database ?? env.CSE_DATABASE_URL ?? join(dataDir, 'receiver.sqlite') };
}

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

/** The key-encryption key: CSE_KEK (base64 of 32 bytes), CSE_KEK_FILE, or secrets/kek made once. */
export function loadEnvelope(paths: ReceiverPaths, env = process.env): Envelope {
  let b64: string;
  if (env.CSE_KEK) b64 = env.CSE_KEK;
  else
    b64 = secretFile(
      env.CSE_KEK_FILE ?? join(paths.secretsDir, 'kek'),
      () => `${randomBytes(32).toString('base64')}\n`,
    );
  const kek = Buffer.from(b64.trim(), 'base64');
  if (kek.length !== 32)
    throw new Error('The key-encryption key must be 32 bytes, base64-encoded (CSE_KEK or CSE_KEK_FILE)');
  return new Envelope(kek, createHash('sha256').update(kek).digest('hex').slice(0, 8));
}

/** The admin token for reading (until reviewers have accounts): CSE_ADMIN_TOKEN, or secrets/admin-token. Never printed. */
export function loadAdminToken(paths: ReceiverPaths, env = process.env): string {
  if (env.CSE_ADMIN_TOKEN) return env.CSE_ADMIN_TOKEN;
  return secretFile(join(paths.secretsDir, 'admin-token'), () => `${randomBytes(32).toString('base64url')}\n`).trim();
}

/** The JWE key file: CSE_JWE_KEY_FILE, or secrets/endpoint-key.json (moved there from data/ if an older version left it). */
export function jweKeyFile(paths: ReceiverPaths, env = process.env): string {
  if (env.CSE_JWE_KEY_FILE) return env.CSE_JWE_KEY_FILE;
  const file = join(paths.secretsDir, 'endpoint-key.json');
  const old = join(paths.dataDir, 'endpoint-key.json');
  if (!existsSync(file) && existsSync(old)) {
    privateDir(paths.secretsDir);
    renameSync(old, file);
  }
  return file;
}
