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

/**
 * Fetches a small download (the audit's CSV) and hands it to the browser (audited by the server); with
 * `terms`, by POST with them in the body, so a child's reference in a filter is never in an address.
 */
export async function downloadFile(path: string, terms?: Record<string, string>): Promise<string> {
  const res = await fetch(`/inbox/api${path}`, {
    credentials: 'same-origin',
    cache: 'no-store',
    ...(terms ? { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(terms) } : {}),
  });
  if (!res.ok) {
    const data = (await res.json().catch(() => ({}))) as { error?: { message: string } };
    if (res.status === 401) onSignedOut?.();
    throw new ApiError(res.status, 'export', data.error?.message ?? `The server answered ${res.status}.`);
  }
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'export';
  save(await res.blob(), name);
  return name;
}

/** Hands a file to the browser as a download. */
function save(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** What an export takes: a view of the list and its filters, or one referral (its own page). */
export interface ExportRequest {
  format: 'csv' | 'csv-long' | 'fhir';
  view?: string;
  filters?: Record<string, string>;
  referral?: string;
}

/**
 * Asks for an export (named in the body, never in the address), reads it as it streams in, telling
 * `progress` how much has arrived and how many referrals it holds, and hands it to the browser as a
 * download (the server audits it). Returns the file's name and the number of referrals.
 */
export async function download(
  request: ExportRequest,
  progress?: (received: number, count: number) => void,
): Promise<{ name: string; count: number }> {
  let res: Response;
  try {
    res = await fetch('/inbox/api/export', {
      method: 'POST',
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
    });
  } catch {
    throw new ApiError(0, 'network', 'The inbox server cannot be reached. Check your connection and try again.');
  }
  if (!res.ok) {
    const data = (await res.json().catch(() => ({}))) as { error?: { message: string } };
    if (res.status === 401) onSignedOut?.();
    throw new ApiError(res.status, 'export', data.error?.message ?? `The server answered ${res.status}.`);
  }
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'export';
  const count = Number(res.headers.get('x-export-count') ?? 0);
  const parts: Uint8Array[] = [];
  let received = 0;
  try {
    const reader = res.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      received += value.byteLength;
      progress?.(received, count);
    }
  } catch {
    throw new ApiError(
      0,
      'network',
      'The export stopped part way (the connection broke). Nothing was saved: try again.',
    );
  }
  save(new Blob(parts as BlobPart[], { type: res.headers.get('content-type') ?? '' }), name);
  return { name, count };
}

/** The signed-in account. */
export type { Account as SessionUser } from '../contract/inbox-api.ts';
