// The passcode vault. A random 256-bit data key encrypts the records; it is
// stored only wrapped (AES-GCM) under a key derived from the passcode with
// PBKDF2-SHA-256 (600,000 iterations by default, OWASP's 2023 figure). The
// unwrapped key lives only in memory while the app is unlocked.
import { fromB64, randomBytes, toB64 } from './bytes.ts';

export const DEFAULT_ITERATIONS = 600_000;

export interface VaultHeader {
  v: 1;
  kdf: 'PBKDF2-SHA-256';
  iterations: number;
  salt: string;
  iv: string;
  wrappedKey: string;
}

export class WrongPasscodeError extends Error {
  constructor() {
    super('That passcode is not right.');
    this.name = 'WrongPasscodeError';
  }
}

async function passcodeKey(passcode: string, salt: Uint8Array, iterations: number): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(passcode.normalize('NFC')), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

const AAD = new TextEncoder().encode('cse-screen/vault/v1');

export async function createVault(passcode: string, iterations = DEFAULT_ITERATIONS): Promise<{ header: VaultHeader; key: Uint8Array }> {
  const key = randomBytes(32);
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const kek = await passcodeKey(passcode, salt, iterations);
  const wrapped = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: iv as BufferSource, additionalData: AAD }, kek, key as BufferSource));
  return { header: { v: 1, kdf: 'PBKDF2-SHA-256', iterations, salt: toB64(salt), iv: toB64(iv), wrappedKey: toB64(wrapped) }, key };
}

/** The data key, or WrongPasscodeError (the GCM tag does not verify). */
export async function openVault(header: VaultHeader, passcode: string): Promise<Uint8Array> {
  const kek = await passcodeKey(passcode, fromB64(header.salt), header.iterations);
  try {
    return new Uint8Array(
      await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromB64(header.iv) as BufferSource, additionalData: AAD }, kek, fromB64(header.wrappedKey) as BufferSource),
    );
  } catch {
    throw new WrongPasscodeError();
  }
}

/** Re-wraps the same data key under a new passcode (records stay as they are). */
export async function rewrapVault(key: Uint8Array, passcode: string, iterations = DEFAULT_ITERATIONS): Promise<VaultHeader> {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const kek = await passcodeKey(passcode, salt, iterations);
  const wrapped = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: iv as BufferSource, additionalData: AAD }, kek, key as BufferSource));
  return { v: 1, kdf: 'PBKDF2-SHA-256', iterations, salt: toB64(salt), iv: toB64(iv), wrappedKey: toB64(wrapped) };
}
