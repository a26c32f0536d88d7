// `npm start`: serves the built app on http://localhost:4173 (PORT overrides).
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { securityHeaders, staticHandler } from './static.ts';

export function startServer(opts: { port: number; host?: string; distDir?: string }) {
  const headers = securityHeaders();
  const serveStatic = staticHandler(opts.distDir ?? resolve('dist'), headers);
  const server = createServer((req, res) => serveStatic(req, res));
  return new Promise<typeof server>((ok) => server.listen(opts.port, opts.host ?? '127.0.0.1', () => ok(server)));
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const port = Number(process.env.PORT ?? 4173);
  startServer({ port }).then(() => console.log(`CSE Screen: http://localhost:${port}`));
}
