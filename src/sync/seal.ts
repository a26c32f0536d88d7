// Sealing a submission for the endpoint: compact JWE (ECDH-ES + A256GCM) to
// the endpoint's published public key, so a queued submission is unreadable
// on the device even while it is unlocked. jose is loaded only when needed.
import type { Seal } from './outbox.ts';

export const JWE_CONTENT_TYPE = 'application/jose';

export function sealTo(publicKey: JsonWebKey): Seal {
  return async (submission) => {
    const { CompactEncrypt, importJWK } = await import('jose');
    const key = await importJWK(publicKey as Parameters<typeof importJWK>[0], 'ECDH-ES');
    const jwe = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(submission)))
      .setProtectedHeader({
        alg: 'ECDH-ES',
        enc: 'A256GCM',
        cty: 'application/json',
        kid: (publicKey as { kid?: string }).kid ?? 'endpoint',
      })
      .encrypt(key);
    return { payload: jwe, contentType: JWE_CONTENT_TYPE };
  };
}

/** The endpoint's key address, beside its submissions address (…/api/submissions → …/api/key). */
export function keyUrl(submissionsUrl: string): string {
  return new URL('key', submissionsUrl).href;
}

/** Fetches the endpoint's public key; undefined when it publishes none. */
export async function fetchEndpointKey(
  submissionsUrl: string,
  fetchImpl: typeof fetch = fetch,
): Promise<JsonWebKey | undefined> {
  try {
    const res = await fetchImpl(keyUrl(submissionsUrl), {
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
    });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { jwk?: JsonWebKey };
    return body.jwk?.kty === 'EC' && !('d' in body.jwk) ? body.jwk : undefined;
  } catch {
    return undefined;
  }
}
