// The built app: exact files from dist/, the app shell for any other page
// path, a plain 404 for a missing asset. @fastify/static streams files and
// handles their errors (a failed open answers 500; the process goes on).
import { problemBody } from '../../../errors/catalogue.ts';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';

export const staticApp: FastifyPluginAsync<{ distDir: string }> = async (app, opts) => {
  const root = resolve(opts.distDir);
  if (!existsSync(root)) app.log.warn('no built app to serve (run vite build)');
  await app.register(fastifyStatic, {
    root,
    wildcard: true,
    index: ['index.html'],
    serve: true,
    cacheControl: false, // ours, from setHeaders below
    // The build writes .br and .gz beside each text file (vite.config.ts `precompress`): sent when the browser accepts them.
    preCompressed: true,
    // Hashed assets never change; the shell, manifest and service worker must be revalidated.
    setHeaders(res, path) {
      res.setHeader('Cache-Control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      res.setHeader('Vary', 'Accept-Encoding'); // the same path may be sent brotli, gzip or plain
    },
  });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '/';
    if (path.startsWith('/api/') || extname(path) || (req.method !== 'GET' && req.method !== 'HEAD'))
      return reply.code(404).header('Cache-Control', 'no-store').send(problemBody('not-found'));
    return reply.header('Cache-Control', 'no-cache').sendFile('index.html');
  });
};
