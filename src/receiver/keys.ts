// The endpoint's key pair for sealed submissions: P-256 for ECDH-ES, made on
// first start and kept with the other secrets (outside data/), owner-only.
import { type JWK, exportJWK, generateKeyPair, importJWK } from 'jose';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { privateDir } from './secrets.ts';

export interface EndpointKeys {
  publicJwk: JWK;
  privateKey: CryptoKey;
}

export async function loadOrCreateKeys(file: string): Promise<EndpointKeys> {
  if (existsSync(file)) {
    const { privateJwk, publicJwk } = JSON.parse(readFileSync(file, 'utf8')) as { privateJwk: JWK; publicJwk: JWK };
    return { publicJwk, privateKey: (await importJWK(privateJwk, 'ECDH-ES')) as CryptoKey };
  }
  const { publicKey, privateKey } = await generateKeyPair('ECDH-ES', { crv: 'P-256', extractable: true });
  const kid = `cse-${Date.now().toString(36)}`;
  const publicJwk = { ...(await exportJWK(publicKey)), kid, use: 'enc', alg: 'ECDH-ES' };
  const privateJwk = { ...(await exportJWK(privateKey)), kid };
  privateDir(dirname(file));
  writeFileSync(file, JSON.stringify({ privateJwk, publicJwk }), { mode: 0o600 });
  return { publicJwk, privateKey };
}
