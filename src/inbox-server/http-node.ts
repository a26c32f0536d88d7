// Adapter: the inbox on a plain node:http server. Serves the API under
// /inbox/api/ and the inbox page at /inbox/ (its scripts and styles come
// from the shared /assets/ of the same Vite build, served by the app's
// static handler). Returns false for anything else.
import { createReadStream, existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { type ApiRequest, type ApiResponse, inboxApi } from './api.ts';
import type { InboxService } from './service.ts';

const MAX_BODY = 64 * 1024;

async function readJson(req: IncomingMessage): Promise<unknown> {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new Error('too-large');
    chunks.push(c as Buffer);
  }
  if (!size) return undefined;
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

export function writeApiResponse(res: ServerResponse, r: ApiResponse, base: Record<string, string>): void {
  const headers: Record<string, string> = { ...base, 'Cache-Control': 'no-store', ...(r.headers ?? {}) };
  if (r.text !== undefined) {
    res.writeHead(r.status, { ...headers, 'Content-Type': r.type ?? 'text/plain; charset=utf-8' });
    res.end(r.text);
  } else {
    res.writeHead(r.status, { ...headers, 'Content-Type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(r.json ?? {}));
  }
}

export function inboxNodeHandler(svc: InboxService, distDir: string, securityHeaders: Record<string, string>) {
  const api = inboxApi(svc);
  const page = join(resolve(distDir), 'inbox', 'index.html');
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/inbox') {
      res.writeHead(308, { ...securityHeaders, Location: '/inbox/' }).end();
      return true;
    }
    if (url.pathname === '/inbox/' || url.pathname === '/inbox/index.html') {
      if (!existsSync(page)) {
        res.writeHead(404, { ...securityHeaders, 'Content-Type': 'text/plain' }).end('The inbox is not built (npm run build).');
        return true;
      }
      res.writeHead(200, { ...securityHeaders, 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' });
      createReadStream(page).on('error', () => res.destroy()).pipe(res);
      return true;
    }
    if (!url.pathname.startsWith('/inbox/api/')) return false;
    let body: unknown;
    try {
      body = await readJson(req);
    } catch {
      writeApiResponse(res, { status: 400, json: { error: { code: 'invalid-json', message: 'The body must be JSON of at most 64 KB.' } } }, securityHeaders);
      return true;
    }
    const request: ApiRequest = {
      method: req.method ?? 'GET',
      path: url.pathname.slice('/inbox/api'.length),
      query: url.searchParams,
      headers: req.headers,
      body,
      address: req.socket.remoteAddress ?? 'unknown',
    };
    writeApiResponse(res, await api(request), securityHeaders);
    return true;
  };
}
