// The endpoint's key pair for sealed submissions: P-256 for ECDH-ES, made on
// first start and kept with the other secrets (outside data/), owner-only.
//
// Rotation (`npm run admin -- rotate endpoint-key`, ./rotation.ts) writes a new
// pair into the same file and keeps the old one beside it, retired, until its
// grace period ends: devices seal before they queue, so a submission sealed
// to the old key may arrive days later, and still opens. The running server
// re-reads the file when it changes (checked at most once a second, before it
// publishes the key or opens a submission), so it publishes the new key and
// opens with either without a restart; devices take the new key after their
// next delivery (src/sync/sender.ts).
import { type JWK, exportJWK, generateKeyPair, importJWK } from 'jose';
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { privateDir } from './secrets.ts';

/** The file's contents: the current pair and the retired ones still in their grace period. */
export interface EndpointKeyFile {
  privateJwk: JWK;
  publicJwk: JWK;
  retired?: { privateJwk: JWK; publicJwk: JWK; retiredAt: string; until: string }[];
}

export interface EndpointKeys {
  /** The key devices seal to now (published at /api/key). */
  publicJwk: JWK;
  privateKey: CryptoKey;
  /** The private key a sealed submission's header names: the current one, or a retired one within its grace. */
  keyFor(kid: string | undefined, now?: number): CryptoKey;
  /** Re-reads the file if it changed (at most once a second). */
  refresh(): Promise<void>;
}

export async function newKeyPair(): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { publicKey, privateKey } = await generateKeyPair('ECDH-ES', { crv: 'P-256', extractable: true });
  const kid = `cse-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  return {
    publicJwk: { ...(await exportJWK(publicKey)), kid, use: 'enc', alg: 'ECDH-ES' },
    privateJwk: { ...(await exportJWK(privateKey)), kid },
  };
}

export function readKeyFile(file: string): EndpointKeyFile {
  return JSON.parse(readFileSync(file, 'utf8')) as EndpointKeyFile;
}

/** Written whole to a temporary name, then renamed: a reader never sees half a file. */
export function writeKeyFile(file: string, content: EndpointKeyFile, flag: 'w' | 'wx' = 'w'): void {
  privateDir(dirname(file));
  if (flag === 'wx') {
    writeFileSync(file, JSON.stringify(content), { mode: 0o600, flag: 'wx' });
    return;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(content), { mode: 0o600 });
  renameSync(tmp, file);
}

export async function loadOrCreateKeys(file: string): Promise<EndpointKeys> {
  if (!existsSync(file)) writeKeyFile(file, await newKeyPair(), 'wx');
  let current: { publicJwk: JWK; privateKey: CryptoKey };
  let retired: { kid: string; privateKey: CryptoKey; until: number }[] = [];
  let seen = '';
  let checkedAt = 0;
  const load = async () => {
    const st = statSync(file);
    const stamp = `${st.ino}:${st.mtimeMs}:${st.size}`;
    if (stamp === seen) return;
    const f = readKeyFile(file);
    current = { publicJwk: f.publicJwk, privateKey: (await importJWK(f.privateJwk, 'ECDH-ES')) as CryptoKey };
    retired = await Promise.all(
      (f.retired ?? []).map(async (r) => ({
        kid: String(r.publicJwk.kid),
        privateKey: (await importJWK(r.privateJwk, 'ECDH-ES')) as CryptoKey,
        until: Date.parse(r.until),
      })),
    );
    seen = stamp;
  };
  await load();
  return {
    get publicJwk() {
      return current.publicJwk;
    },
    get privateKey() {
      return current.privateKey;
    },
    keyFor(kid, now = Date.now()) {
      if (!kid || kid === current.publicJwk.kid) return current.privateKey;
      // A retired key past its grace opens nothing: the current key is tried, and fails as any wrong key does.
      return retired.find((r) => r.kid === kid && r.until > now)?.privateKey ?? current.privateKey;
    },
    async refresh() {
      const now = Date.now();
      if (now - checkedAt < 1000) return;
      checkedAt = now;
      // A file being replaced (or briefly unreadable) keeps the keys already held.
      await load().catch(() => {});
    },
  };
}
