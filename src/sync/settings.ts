// Who is submitting, and where to. Set once in Settings; kept on the device.
import type { CseDb } from '../store/db.ts';
import type { Author } from './submission.ts';

export interface Settings {
  author: Author;
  endpoint: { url: string; token: string };
}

const KEY = 'settings';

export function defaultEndpointUrl(origin: string): string {
  return `${origin}/api/submissions`;
}

export async function loadSettings(db: CseDb): Promise<Settings | undefined> {
  return (await db.meta.get(KEY))?.value as Settings | undefined;
}

export async function saveSettings(db: CseDb, s: Settings): Promise<void> {
  await db.meta.put({ key: KEY, value: s });
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
