// Serves the built app: exact files from dist/, the app shell for any other
// page path, and the security headers every response carries.
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.webmanifest': 'application/manifest+json',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

/** The CSP allows scripts, styles and connections to this origin, plus the endpoints named. */
export function securityHeaders(connectExtra: string[] = []): Record<string, string> {
  const connect = ["'self'", ...connectExtra].join(' ');
  return {
    'Content-Security-Policy': [
      "default-src 'self'",
      // 'wasm-unsafe-eval': Argon2id (hash-wasm) compiles its WebAssembly; it allows no JavaScript eval.
      "script-src 'self' 'wasm-unsafe-eval'",
      "style-src 'self'",
      "img-src 'self' data:",
      `connect-src ${connect}`,
      "manifest-src 'self'",
      "worker-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      "object-src 'none'",
    ].join('; '),
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
  };
}

export function staticHandler(distDir: string, headers: Record<string, string>) {
  const root = resolve(distDir);
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let path = normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = join(root, path);
    if (!file.startsWith(root)) {
      res.writeHead(403, headers).end();
      return;
    }
    if (!existsSync(file) || statSync(file).isDirectory()) {
      // Page paths get the app shell; missing assets are a plain 404.
      if (extname(path)) {
        res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('Not found');
        return;
      }
      path = '/index.html';
      file = join(root, 'index.html');
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    // Hashed assets never change; the shell, manifest and service worker must be revalidated.
    const cache = path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
    res.writeHead(200, { ...headers, 'Content-Type': type, 'Cache-Control': cache });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  };
}
