// Who is submitting, and where to. Set once in Settings; kept on the device.
import type { CseDb } from '../store/db.ts';
import type { Author } from './submission.ts';

export interface Endpoint {
  url: string;
  token: string;
  /** The endpoint's public key (JWK) when it publishes one: submissions are sealed to it. */
  publicKey?: JsonWebKey;
}

export interface Settings {
  author: Author;
  endpoint: Endpoint;
}

// The author is encrypted at rest like any record; the endpoint stays readable
// without the key so the service worker can send while the app is locked.
const AUTHOR = 'author';
const ENDPOINT = 'endpoint';

export function defaultEndpointUrl(origin: string): string {
  return `${origin}/api/submissions`;
}

export async function loadEndpoint(db: CseDb): Promise<Endpoint | undefined> {
  return (await db.meta.get(ENDPOINT))?.value as Endpoint | undefined;
}

export async function loadSettings(db: CseDb): Promise<Settings | undefined> {
  const [author, endpoint] = await Promise.all([db.meta.get(AUTHOR), db.meta.get(ENDPOINT)]);
  if (!author?.value || !endpoint?.value) return undefined;
  return { author: author.value as Author, endpoint: endpoint.value as Endpoint };
}

export async function saveSettings(db: CseDb, s: Settings): Promise<void> {
  await db.transaction('rw', db.meta, async () => {
    await db.meta.put({ key: AUTHOR, value: s.author });
    await db.meta.put({ key: ENDPOINT, value: s.endpoint });
  });
}

/** Child data may leave the device only over HTTPS (or to this machine, for the local endpoint). */
export function endpointUrlProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'Enter the endpoint address, starting https://';
  }
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
  if (u.protocol !== 'https:' && !(local && u.protocol === 'http:')) return 'The endpoint must use https:// (http:// is allowed only for localhost)';
  return undefined;
}

export function authorProblem(a: Partial<Author> | undefined): string | undefined {
  if (!a?.name?.trim()) return 'Enter your name in Settings before finishing a record';
  return undefined;
}
