// The device's credential: a P-256 key pair made on the device with WebCrypto,
// the private half NON-extractable (no script, not even ours, can read its
// bytes; it can only sign). Each request to the endpoint carries a fresh
// proof (DPoP, RFC 9449) signed with it: method, address, time, unique id.
// Same code in the page, the service worker and the tests (Node's WebCrypto).
// jose is imported statically: a service worker may not import() at run time.
// (Only SignJWT is used; the app chunk that sends is not on the first screen.)
import { SignJWT } from 'jose';

export interface DeviceKey {
  privateKey: CryptoKey;
  /** The public half as a JWK (kty, crv, x, y): sent in every proof's header. */
  publicJwk: JsonWebKey;
}

export async function newDeviceKey(): Promise<DeviceKey> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
  return { privateKey: pair.privateKey, publicJwk: { kty, crv, x, y } };
}

/** The address a proof names: no query, no fragment (RFC 9449 §4.2). */
export function proofUrl(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

/** Clock correction, learnt from the endpoint's Date header when it says a proof was stale. */
let clockOffsetMs = 0;
export function learnServerClock(serverDate: string | null, now = Date.now()): boolean {
  const t = serverDate ? Date.parse(serverDate) : NaN;
  if (!Number.isFinite(t)) return false;
  clockOffsetMs = t - now;
  return true;
}

export async function makeProof(key: DeviceKey, method: string, url: string, now = Date.now()): Promise<string> {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  const jti = btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
  return new SignJWT({ htm: method, htu: proofUrl(url), jti })
    .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: key.publicJwk as Record<string, string> })
    .setIssuedAt(Math.floor((now + clockOffsetMs) / 1000))
    .sign(key.privateKey);
}
