// What the inbox checks of every request before any route runs, and its cookie.
// - A device's credential → 403: devices send, they never read.
// - Cross-site requests are refused: anything but GET/HEAD must carry an
//   Origin naming this site, scheme, host and port (the configured public
//   address, or the scheme this server serves and its Host), and
//   Sec-Fetch-Site, when sent, same-origin. With the SameSite=Strict cookie,
//   that closes CSRF.
// - The session cookie is HttpOnly, SameSite=Strict, and Secure (with the
//   __Host- prefix) except on a server reached as localhost.
import { type ApiRequest, header } from './routes/route.ts';

export const COOKIE_SECURE = '__Host-cse-inbox';
export const COOKIE_LOCAL = 'cse-inbox';
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

type Req = Pick<ApiRequest, 'headers' | 'method' | 'origin'>;

function hostOf(req: Pick<ApiRequest, 'headers'>): string {
  return header(req, 'host').toLowerCase();
}

/** Secure cookies everywhere except a server reached as localhost. */
export function isLocal(req: Pick<ApiRequest, 'headers'>): boolean {
  return LOCAL_HOSTS.has(hostOf(req).replace(/:\d+$/, ''));
}

export function cookieValue(req: Pick<ApiRequest, 'headers'>): string | undefined {
  for (const part of header(req, 'cookie').split(';')) {
    const i = part.indexOf('=');
    const k = part.slice(0, i).trim();
    if (k === COOKIE_SECURE || k === COOKIE_LOCAL) return part.slice(i + 1).trim();
  }
  return undefined;
}

export function sessionCookie(req: Pick<ApiRequest, 'headers'>, value: string, maxAgeS: number): string {
  const name = isLocal(req) ? COOKIE_LOCAL : COOKIE_SECURE;
  return `${name}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${isLocal(req) ? '' : '; Secure'}`;
}

/** Why a request is refused as cross-site, or undefined when it is this site's own. */
export function crossSite(req: Req): string | undefined {
  if (req.method === 'GET' || req.method === 'HEAD') {
    const site = header(req, 'sec-fetch-site');
    return site && site !== 'same-origin' && site !== 'none' ? `Sec-Fetch-Site is ${site}` : undefined;
  }
  const origin = header(req, 'origin');
  if (!origin) return 'no Origin header';
  let named: string;
  try {
    named = new URL(origin).origin;
  } catch {
    return 'an unreadable Origin header';
  }
  if (named !== req.origin) return `Origin ${origin.slice(0, 200)} is not this site`;
  const site = header(req, 'sec-fetch-site');
  if (site && site !== 'same-origin') return `Sec-Fetch-Site is ${site}`;
  return undefined;
}
