// Device proofs, DPoP-style (RFC 9449): every device request carries a JWT in
// the `DPoP` header, signed with the device's own non-extractable P-256 key,
// with that public key in its header. Claims: htm (method), htu (address,
// no query), iat (seconds), jti (unique). The key's thumbprint (jkt)
// identifies the enrolled device; a jti is accepted once; a stale iat is
// refused. A copy of a request cannot be replayed.
//
// What a proof does NOT show: that the request comes from the one browser
// that enrolled. The key is non-extractable to scripts, but the browser keeps
// its material in the profile on disk, so a copy of the profile (a backup, a
// stolen laptop's disk) can make valid proofs without the app's passcode, and
// is this device to the server until an admin revokes it. Such a copy can
// only send submissions (a device credential reads nothing: the inbox refuses
// it). What the server does: it keeps each device's last address and flags a
// device seen from two addresses within minutes, once, on the Devices screen
// and in the audit (context.ts noteDevice, store deviceSeenFrom).
import { Problem } from '../../errors/catalogue.ts';
import { calculateJwkThumbprint, decodeProtectedHeader, importJWK, type JWK, jwtVerify } from 'jose';

export const PROOF_WINDOW_S = 120;

/** A device proof refused: always 401, with the catalogue's code. */
export class ProofError extends Problem {
  constructor(code: 'proof-missing' | 'proof-invalid' | 'proof-stale', message?: string) {
    super(code, message);
  }
}

export interface VerifiedProof {
  jkt: string;
  jwk: JWK;
  jti: string;
  iat: number;
}

/** The thumbprint of the key in a proof's header, unverified: only to key rate limits. */
export function claimedKey(proof: string | undefined): string | undefined {
  if (!proof || proof.length > 4096) return undefined;
  try {
    const jwk = decodeProtectedHeader(proof).jwk as { x?: unknown; y?: unknown } | undefined;
    return typeof jwk?.x === 'string' && typeof jwk.y === 'string'
      ? `${jwk.x.slice(0, 43)}.${jwk.y.slice(0, 43)}`
      : undefined;
  } catch {
    return undefined;
  }
}

// Imported public keys, by their coordinates: a device signs many proofs with one key.
const keyCache = new Map<string, Awaited<ReturnType<typeof importJWK>>>();
async function publicKeyFor(jwk: JWK) {
  const id = `${jwk.crv}:${jwk.x}:${jwk.y}`;
  let key = keyCache.get(id);
  if (!key) {
    key = await importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } as JWK, 'ES256');
    if (keyCache.size > 5_000) keyCache.clear();
    keyCache.set(id, key);
  }
  return key;
}

/**
 * Checks a proof for this method and address. `htu` must name the same path,
 * and the same origin, scheme, host and port: the public origin when one is
 * configured (CSE_PUBLIC_URL), else the request's own (context.ts proofOrigin).
 */
export async function verifyProof(
  proof: unknown,
  method: string,
  path: string,
  origin: string,
  now = Date.now(),
): Promise<VerifiedProof> {
  if (typeof proof !== 'string' || !proof || proof.length > 4096)
    throw new ProofError(
      'proof-missing',
      'This request must carry a device proof (DPoP header). Enrol the device first.',
    );
  let jwk: JWK;
  try {
    const h = decodeProtectedHeader(proof);
    if (h.typ !== 'dpop+jwt' || h.alg !== 'ES256' || !h.jwk || 'd' in h.jwk) throw new Error();
    jwk = h.jwk as JWK;
  } catch {
    throw new ProofError('proof-invalid', 'The device proof is malformed.');
  }
  let payload: Record<string, unknown>;
  try {
    const key = await publicKeyFor(jwk);
    ({ payload } = await jwtVerify(proof, key, {
      typ: 'dpop+jwt',
      algorithms: ['ES256'],
      clockTolerance: PROOF_WINDOW_S,
    }));
  } catch {
    throw new ProofError('proof-invalid', 'The device proof does not verify.');
  }
  if (payload.htm !== method) throw new ProofError('proof-invalid', 'The device proof was made for another method.');
  let htu: URL;
  try {
    htu = new URL(String(payload.htu));
  } catch {
    throw new ProofError('proof-invalid', 'The device proof names no address.');
  }
  if (htu.pathname !== path || !origin || htu.origin !== origin)
    throw new ProofError('proof-invalid', 'The device proof was made for another address.');
  const iat = payload.iat;
  if (typeof iat !== 'number' || Math.abs(now / 1000 - iat) > PROOF_WINDOW_S)
    throw new ProofError('proof-stale', "The device proof is too old or from the future: check the device's clock.");
  const jti = payload.jti;
  if (typeof jti !== 'string' || jti.length < 16 || jti.length > 100)
    throw new ProofError('proof-invalid', 'The device proof has no usable id (jti).');
  return { jkt: await calculateJwkThumbprint(jwk, 'sha256'), jwk, jti, iat };
}
