// Who is submitting, and where to. The author is set in Settings; the
// endpoint and this device's credential come from enrolment (the
// administrator's link), never typed.
import type { CseDb } from '../store/db.ts';
import type { DeviceKey } from './device-proof.ts';
import type { Author } from '../contract/submission.ts';

export interface DeviceCredential {
  id: string;
  /** The name the administrator gave this device (the practitioner or team). */
  name: string;
  /** Non-extractable P-256 signing key (a CryptoKey, stored by structured clone) and its public JWK. */
  key: DeviceKey;
  enrolledAt: string;
  /** The area the administrator enrolled this device for (`device add --area`), if any: a new screening's home area starts with it. */
  area?: string;
}

export interface Endpoint {
  url: string;
  /** The endpoint's public key (JWK): submissions are sealed to it. */
  publicKey?: JsonWebKey;
  /** Set by enrolment; absent until the device is enrolled. */
  device?: DeviceCredential;
  /** Set when the endpoint said this device's access was withdrawn. */
  withdrawn?: boolean;
}

export interface Settings {
  author: Author;
  /** `{ url: '' }` until the device is enrolled. */
  endpoint: Endpoint;
}

// The author is encrypted at rest like any record; the endpoint stays readable
// without the key so the service worker can send while the app is locked. It
// holds no secret bytes a script can read: the device key is non-extractable.
// But the browser keeps the key's material in its profile on disk, so a copy of
// the profile can sign proofs (and send submissions) without the passcode; the
// server can only flag a device seen from two addresses within minutes
// (src/receiver/http/proof.ts says more).
const AUTHOR = 'author';
const ENDPOINT = 'endpoint';

export function defaultEndpointUrl(origin: string): string {
  return `${origin}/api/submissions`;
}

export async function loadEndpoint(db: CseDb): Promise<Endpoint | undefined> {
  const e = (await db.meta.get(ENDPOINT))?.value as (Endpoint & { token?: string }) | undefined;
  // A device set up before enrolment existed kept a shared token here: it is dropped, never used again.
  if (e && 'token' in e) {
    const { token: _old, ...rest } = e;
    return rest;
  }
  return e;
}

export async function loadAuthor(db: CseDb): Promise<Author | undefined> {
  return (await db.meta.get(AUTHOR))?.value as Author | undefined;
}

/** The author and endpoint, or undefined when no author has been saved. */
export async function loadSettings(db: CseDb): Promise<Settings | undefined> {
  const [author, endpoint] = await Promise.all([loadAuthor(db), loadEndpoint(db)]);
  if (!author) return undefined;
  return { author, endpoint: endpoint ?? { url: '' } };
}

export async function saveAuthor(db: CseDb, author: Author): Promise<void> {
  await db.meta.put({ key: AUTHOR, value: author });
}

export async function saveEndpoint(db: CseDb, endpoint: Endpoint): Promise<void> {
  await db.meta.put({ key: ENDPOINT, value: endpoint });
}

/** Both at once (tests and first-run helpers). */
export async function saveSettings(db: CseDb, s: Settings): Promise<void> {
  await db.transaction('rw', db.meta, async () => {
    await saveAuthor(db, s.author);
    if (s.endpoint.url) await saveEndpoint(db, s.endpoint);
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
  if (u.protocol !== 'https:' && !(local && u.protocol === 'http:'))
    return 'The endpoint must use https:// (http:// is allowed only for localhost)';
  return undefined;
}

export function authorProblem(a: Partial<Author> | undefined): string | undefined {
  if (!a?.name?.trim()) return 'Enter your name in Settings before finishing a record';
  return undefined;
}

/** What stops this device sending, in words, or undefined when it can send. */
export type SendBlocker = 'not-enrolled' | 'withdrawn' | 'no-name';

export function sendBlocker(
  author: Partial<Author> | undefined,
  endpoint: Endpoint | undefined,
): SendBlocker | undefined {
  if (endpoint?.withdrawn) return 'withdrawn';
  if (!endpoint?.device) return 'not-enrolled';
  if (authorProblem(author)) return 'no-name';
  return undefined;
}

export const BLOCKER_WORDS: Record<SendBlocker, string> = {
  'not-enrolled': 'This device is not set up to send yet: open the enrolment link your administrator gave you.',
  withdrawn: "This device's access was withdrawn; ask your administrator.",
  'no-name': 'Add your name in Settings so the receiving team knows who sent it.',
};
