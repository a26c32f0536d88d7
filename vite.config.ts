/// <reference types="vitest/config" />
import preact from '@preact/preset-vite';
import { VitePWA } from 'vite-plugin-pwa';
import { defineConfig, type Plugin } from 'vite';
import { resolve } from 'node:path';

/** The inbox is not a PWA: drop the web-app manifest link the PWA plugin adds to every page. */
function inboxIsNotAnApp(): Plugin {
  return {
    name: 'inbox-is-not-an-app',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const page = bundle['inbox/index.html'];
      if (page?.type === 'asset') page.source = String(page.source).replace(/\s*<link rel="manifest"[^>]*>/g, '');
    },
  };
}

/**
 * Brotli and gzip copies of every text file in the build, written once at build time, so the
 * server sends them compressed (@fastify/static `preCompressed`) without compressing per request.
 * The first screen is about 36 KB gzipped against about 100 KB raw.
 */
function precompress(): Plugin {
  return {
    name: 'precompress',
    apply: 'build',
    enforce: 'post',
    async closeBundle() {
      const { readdirSync, readFileSync, statSync, writeFileSync } = await import('node:fs');
      const { brotliCompressSync, gzipSync, constants } = await import('node:zlib');
      const { join } = await import('node:path');
      const walk = (dir: string): string[] =>
        readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));
      for (const file of walk(resolve(import.meta.dirname, 'dist'))) {
        if (!/\.(js|mjs|css|html|webmanifest|json|svg|txt)$/.test(file)) continue;
        const raw = readFileSync(file);
        if (raw.length < 1024) continue; // not worth a header's worth of bytes
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(raw, {
            params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
          }),
        );
        writeFileSync(`${file}.gz`, gzipSync(raw, { level: 9 }));
      }
    },
  };
}

/**
 * Which source modules each chunk holds, written beside the build (not into dist/, which is served) for
 * the budget tests: the inbox must carry no device storage, the passcode screen no form widgets.
 */
function chunkMap(): Plugin {
  return {
    name: 'chunk-map',
    apply: 'build',
    async generateBundle(_options, bundle) {
      const { mkdirSync, writeFileSync } = await import('node:fs');
      const root = import.meta.dirname.replaceAll('\\', '/') + '/';
      const chunks: Record<string, { modules: string[]; imports: string[] }> = {};
      for (const [file, out] of Object.entries(bundle))
        if (out.type === 'chunk')
          chunks[file] = {
            modules: Object.keys(out.modules).map((m) => m.replaceAll('\\', '/').replace(root, '').replace(/^\0/, '')),
            imports: out.imports,
          };
      mkdirSync(resolve(import.meta.dirname, 'build-meta'), { recursive: true });
      writeFileSync(resolve(import.meta.dirname, 'build-meta/chunks.json'), JSON.stringify(chunks, null, 1));
    },
  };
}

/**
 * The passcode screen's chunks named in index.html as module preloads, so the browser fetches and
 * compiles them while it paints the shell; boot.ts still runs them only after that paint. Without
 * this they were requested after the first paint, one step behind it, on every cold start.
 */
function preloadPasscodeScreen(): Plugin {
  return {
    name: 'preload-passcode-screen',
    apply: 'build',
    enforce: 'post',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        if (!ctx.bundle || !html.includes('data-shell')) return html;
        const chunks = Object.values(ctx.bundle).filter((c) => c.type === 'chunk');
        const main = chunks.find((c) => c.facadeModuleId?.replaceAll('\\', '/').endsWith('/src/main.tsx'));
        if (!main) throw new Error('No chunk for src/main.tsx: the passcode screen cannot be preloaded');
        const files = new Set<string>();
        const visit = (file: string) => {
          if (files.has(file)) return;
          files.add(file);
          const c = chunks.find((x) => x.fileName === file);
          for (const i of c?.imports ?? []) visit(i);
        };
        visit(main.fileName);
        const named = new Set([...html.matchAll(/href="\/([^"]+)"/g)].map((m) => m[1]));
        return [...files]
          .filter((f) => f.endsWith('.js') && !named.has(f))
          .map((f) => ({
            tag: 'link',
            attrs: { rel: 'modulepreload', crossorigin: true, href: `/${f}` },
            injectTo: 'head' as const,
          }));
      },
    },
  };
}

export default defineConfig({
  plugins: [
    preact(),
    inboxIsNotAnApp(),
    precompress(),
    chunkMap(),
    preloadPasscodeScreen(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      injectRegister: false,
      registerType: 'prompt',
      manifest: {
        name: 'CSE Screen',
        short_name: 'CSE Screen',
        description: 'Screen children for risk of child sexual exploitation with the published UK tools, offline.',
        lang: 'en-GB',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: '#0b3d5c',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      // The inbox (a second entry, /inbox/) is not part of the offline app: never precached.
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,png,webmanifest}'],
        globIgnores: ['inbox/**', 'assets/inbox-*'],
      },
      devOptions: { enabled: false },
    }),
  ],
  build: {
    target: 'es2022',
    sourcemap: false,
    // Two pages from one build: the practitioners' app and the reviewers' inbox.
    rollupOptions: {
      input: {
        boot: resolve(import.meta.dirname, 'index.html'),
        inbox: resolve(import.meta.dirname, 'inbox/index.html'),
      },
      output: {
        // Chunks named for what they hold: the domain (instruments, rules, engine) and Preact apart,
        // so the app and the inbox share them and the passcode screen carries neither the domain nor more.
        advancedChunks: {
          groups: [
            { name: 'preact', test: /[\\/]node_modules[\\/]preact[\\/]/, priority: 3 },
            // The passcode screen validates its vault with valibot too: apart, so it does not pull in the domain.
            { name: 'valibot', test: /[\\/]node_modules[\\/]valibot[\\/]/, priority: 2 },
            { name: 'domain', test: /[\\/]src[\\/]domain[\\/]/, priority: 1 },
          ],
        },
        chunkFileNames: (chunk) => `assets/${chunk.name === 'main' ? 'passcode-screen' : chunk.name}-[hash].js`,
      },
    },
  },
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/component/**/*.test.tsx'],
    environment: 'node',
    setupFiles: ['tests/helpers/unlocked.ts'],
    // The CLI tests start a TypeScript process each: seconds on a loaded 2-core machine.
    testTimeout: 30_000,
  },
});
