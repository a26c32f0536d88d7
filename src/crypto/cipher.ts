// Record encryption: AES-256-GCM with a fresh 96-bit nonce per write, and the
// record's table and primary key as associated data, so a ciphertext cannot be
// moved onto another record. Synchronous (noble-ciphers, audited) because
// IndexedDB transactions commit as soon as code awaits anything that is not
// IndexedDB, which rules out WebCrypto inside a Dexie middleware.
import { gcm } from '@noble/ciphers/aes.js';
import { fromB64, fromUtf8, randomBytes, toB64, utf8 } from './bytes.ts';

export interface Sealed {
  v: 1;
  iv: string;
  ct: string;
}

export class TamperedError extends Error {
  constructor(where: string) {
    super(`A stored record (${where}) failed its integrity check: it was altered or corrupted.`);
    this.name = 'TamperedError';
  }
}

export function sealJson(key: Uint8Array, aad: string, value: unknown): Sealed {
  const iv = randomBytes(12);
  const ct = gcm(key, iv, utf8.encode(aad)).encrypt(utf8.encode(JSON.stringify(value)));
  return { v: 1, iv: toB64(iv), ct: toB64(ct) };
}

export function openJson<T = unknown>(key: Uint8Array, aad: string, sealed: Sealed): T {
  let plain: Uint8Array;
  try {
    plain = gcm(key, fromB64(sealed.iv), utf8.encode(aad)).decrypt(fromB64(sealed.ct));
  } catch {
    throw new TamperedError(aad);
  }
  return JSON.parse(fromUtf8.decode(plain)) as T;
}
