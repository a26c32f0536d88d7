// The inbox's calls to its server: same origin, the session cookie only
// (HttpOnly, so no script can read it), nothing kept in the browser.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Called when the server says the session is gone (401): the app shows sign-in. */
let onSignedOut: (() => void) | undefined;
export function whenSignedOut(f: () => void): void {
  onSignedOut = f;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/inbox/api${path}`, {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      headers: body !== undefined ? { 'Content-Type': 'application/json' } : {},
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'network', 'The inbox server cannot be reached. Check your connection and try again.');
  }
  const data = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string } };
  if (!res.ok) {
    if (res.status === 401 && path !== '/session') onSignedOut?.();
    throw new ApiError(
      res.status,
      data.error?.code ?? 'error',
      data.error?.message ?? `The server answered ${res.status}.`,
    );
  }
  return data as T;
}

/** Fetches an export and hands it to the browser as a download (audited by the server). */
export async function download(path: string): Promise<string> {
  const res = await fetch(`/inbox/api${path}`, { credentials: 'same-origin', cache: 'no-store' });
  if (!res.ok) {
    const data = (await res.json().catch(() => ({}))) as { error?: { message: string } };
    if (res.status === 401) onSignedOut?.();
    throw new ApiError(res.status, 'export', data.error?.message ?? `The server answered ${res.status}.`);
  }
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'export';
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}

/** The signed-in account. */
export type { Account as SessionUser } from '../contract/inbox-api.ts';
