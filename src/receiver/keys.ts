// The endpoint's key pair for sealed submissions: P-256 for ECDH-ES, made on
// first start and kept in ./data (private part readable by the owner only).
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface EndpointKeys {
  publicJwk: JWK;
  privateKey: CryptoKey;
}

export async function loadOrCreateKeys(dataDir: string): Promise<EndpointKeys> {
  const file = join(dataDir, 'endpoint-key.json');
  if (existsSync(file)) {
    const { privateJwk, publicJwk } = JSON.parse(readFileSync(file, 'utf8')) as { privateJwk: JWK; publicJwk: JWK };
    return { publicJwk, privateKey: (await importJWK(privateJwk, 'ECDH-ES')) as CryptoKey };
  }
  const { publicKey, privateKey } = await generateKeyPair('ECDH-ES', { crv: 'P-256', extractable: true });
  const kid = `cse-${Date.now().toString(36)}`;
  const publicJwk = { ...(await exportJWK(publicKey)), kid, use: 'enc', alg: 'ECDH-ES' };
  const privateJwk = { ...(await exportJWK(privateKey)), kid };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify({ privateJwk, publicJwk }), { mode: 0o600 });
  return { publicJwk, privateKey };
}
