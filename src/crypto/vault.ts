// The passcode vault. A random 256-bit data key encrypts the records; it is
// stored only wrapped (AES-GCM) under a key derived from the passcode. The
// unwrapped key lives only in memory while the app is unlocked.
//
// Derivation: Argon2id (hash-wasm, WebAssembly), memory-hard, so a stolen
// header costs an attacker memory as well as time per guess (OWASP password
// storage: Argon2id, at least 19 MiB, 2 passes, 1 lane). Measured: about
// 0.1 s per guess on the development machine, 0.4 s under Chromium's 4× CPU
// throttle (a mid-range phone): see `npm run bench`.
// Vaults made by earlier releases (v1, PBKDF2-SHA-256, 600,000 iterations) still
// open, and are re-wrapped with Argon2id at their next unlock (passcode.ts).

import * as v from 'valibot';
import { fromB64, randomBytes, toB64 } from './bytes.ts';

// Argon2id (its WebAssembly was half the passcode screen's script) is fetched when the screen is
// first touched (main.tsx) or at the first derivation, not before the passcode field is shown.
let argon2Module: Promise<typeof import('./argon2.ts')> | undefined;
export const loadArgon2 = () => (argon2Module ??= import('./argon2.ts'));

export const DEFAULT_ITERATIONS = 600_000;

export interface Argon2Params {
  /** Memory in KiB. */
  memoryKiB: number;
  iterations: number;
  parallelism: number;
}

/** OWASP's first Argon2id configuration: m = 19 MiB, t = 2, p = 1. */
export const ARGON2_PARAMS: Argon2Params = { memoryKiB: 19_456, iterations: 2, parallelism: 1 };

const B64 = v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/]+={0,2}$/));
const PBKDF2_HEADER = v.object({
  v: v.literal(1),
  kdf: v.literal('PBKDF2-SHA-256'),
  iterations: v.pipe(v.number(), v.integer(), v.minValue(1)),
  salt: B64,
  iv: B64,
  wrappedKey: B64,
});
const ARGON2_HEADER = v.object({
  v: v.literal(2),
  kdf: v.literal('Argon2id'),
  memoryKiB: v.pipe(v.number(), v.integer(), v.minValue(8)),
  iterations: v.pipe(v.number(), v.integer(), v.minValue(1)),
  parallelism: v.pipe(v.number(), v.integer(), v.minValue(1)),
  salt: B64,
  iv: B64,
  wrappedKey: B64,
});
const HEADER = v.variant('kdf', [PBKDF2_HEADER, ARGON2_HEADER]);

export type Pbkdf2Header = v.InferOutput<typeof PBKDF2_HEADER>;
export type Argon2Header = v.InferOutput<typeof ARGON2_HEADER>;
export type VaultHeader = Pbkdf2Header | Argon2Header;

/** The header from its stored text, or undefined when it is not a well-formed header. */
export function parseHeader(text: string | null | undefined): VaultHeader | undefined {
  if (!text) return undefined;
  try {
    const r = v.safeParse(HEADER, JSON.parse(text));
    return r.success ? r.output : undefined;
  } catch {
    return undefined;
  }
}

export class WrongPasscodeError extends Error {
  constructor() {
    super('That passcode is not right.');
    this.name = 'WrongPasscodeError';
  }
}

const enc = new TextEncoder();

async function pbkdf2Key(passcode: string, salt: Uint8Array, iterations: number): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', enc.encode(passcode.normalize('NFC')), 'PBKDF2', false, [
    'deriveKey',
  ]);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** One Argon2id derivation: the 32 bytes a key-wrapping key is made from. Exported for the bench and the drill. */
export async function argon2Bytes(passcode: string, salt: Uint8Array, p: Argon2Params): Promise<Uint8Array> {
  const { argon2id } = await loadArgon2();
  return argon2id({
    password: passcode.normalize('NFC'),
    salt,
    parallelism: p.parallelism,
    iterations: p.iterations,
    memorySize: p.memoryKiB,
    hashLength: 32,
    outputType: 'binary',
  });
}

async function argon2Key(passcode: string, salt: Uint8Array, p: Argon2Params): Promise<CryptoKey> {
  const bytes = await argon2Bytes(passcode, salt, p);
  try {
    return await crypto.subtle.importKey('raw', bytes as BufferSource, 'AES-GCM', false, ['encrypt', 'decrypt']);
  } finally {
    bytes.fill(0);
  }
}

const AAD_V1 = enc.encode('cse-screen/vault/v1');
const AAD_V2 = enc.encode('cse-screen/vault/v2');

async function wrap(kek: CryptoKey, key: Uint8Array, aad: Uint8Array) {
  const iv = randomBytes(12);
  const wrapped = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv: iv as BufferSource, additionalData: aad as BufferSource },
      kek,
      key as BufferSource,
    ),
  );
  return { iv: toB64(iv), wrappedKey: toB64(wrapped) };
}

/** Wraps `key` under a passcode with Argon2id. */
export async function rewrapVault(
  key: Uint8Array,
  passcode: string,
  params: Argon2Params = ARGON2_PARAMS,
): Promise<Argon2Header> {
  const salt = randomBytes(16);
  const kek = await argon2Key(passcode, salt, params);
  return { v: 2, kdf: 'Argon2id', ...params, salt: toB64(salt), ...(await wrap(kek, key, AAD_V2)) };
}

/** A new vault: a fresh data key wrapped under the passcode with Argon2id. */
export async function createVault(
  passcode: string,
  params: Argon2Params = ARGON2_PARAMS,
): Promise<{ header: Argon2Header; key: Uint8Array }> {
  const key = randomBytes(32);
  return { header: await rewrapVault(key, passcode, params), key };
}

/** A vault as releases before Argon2id made it (PBKDF2-SHA-256): kept to test and measure the upgrade. */
export async function createPbkdf2Vault(
  passcode: string,
  iterations = DEFAULT_ITERATIONS,
  key = randomBytes(32),
): Promise<{ header: Pbkdf2Header; key: Uint8Array }> {
  const salt = randomBytes(16);
  const kek = await pbkdf2Key(passcode, salt, iterations);
  return {
    header: { v: 1, kdf: 'PBKDF2-SHA-256', iterations, salt: toB64(salt), ...(await wrap(kek, key, AAD_V1)) },
    key,
  };
}

/** The data key, or WrongPasscodeError (the GCM tag does not verify). */
export async function openVault(header: VaultHeader, passcode: string): Promise<Uint8Array> {
  const salt = fromB64(header.salt);
  const kek =
    header.kdf === 'Argon2id'
      ? await argon2Key(passcode, salt, header)
      : await pbkdf2Key(passcode, salt, header.iterations);
  try {
    return new Uint8Array(
      await crypto.subtle.decrypt(
        {
          name: 'AES-GCM',
          iv: fromB64(header.iv) as BufferSource,
          additionalData: (header.kdf === 'Argon2id' ? AAD_V2 : AAD_V1) as BufferSource,
        },
        kek,
        fromB64(header.wrappedKey) as BufferSource,
      ),
    );
  } catch {
    throw new WrongPasscodeError();
  }
}
