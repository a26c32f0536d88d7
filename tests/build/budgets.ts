// What each page downloads, read from the build: the files its HTML names and every chunk they import,
// with the source modules each chunk holds (build-meta/chunks.json, written by vite.config.ts's chunk map).
// Shared by the budget tests (npm test) and the bench's transfer table (npm run bench).
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

/** The passcode screen (the first screen a practitioner sees) and the shell before it, gzip bytes. */
export const FIRST_SCREEN_BUDGET = 61_440;
/** The reviewers' inbox page, gzip bytes: it carries the domain to show a referral as the app does. */
export const INBOX_BUDGET = 92_160;

interface ChunkInfo {
  modules: string[];
  imports: string[];
}

export interface PageFiles {
  /** Every JS and CSS file the page loads before it can show anything, under dist/. */
  files: string[];
  /** The source modules in those files (paths from the project root, node_modules included). */
  modules: string[];
  gzip: number;
}

export function chunkMap(dist = 'dist'): Record<string, ChunkInfo> {
  const path = 'build-meta/chunks.json';
  if (!existsSync(path) || !existsSync(`${dist}/index.html`)) throw new Error('Build first: npx vite build');
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, ChunkInfo>;
}

export const gzipOf = (file: string): number => gzipSync(readFileSync(file), { level: 9 }).length;

/** The files an HTML page names, and (for scripts) every chunk they import, statically, all the way down. */
export function pageFiles(html: string, extraEntries: string[] = [], dist = 'dist'): PageFiles {
  const chunks = chunkMap(dist);
  const named = [
    ...readFileSync(`${dist}/${html}`, 'utf8').matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g),
  ].map((m) => m[1]!);
  const seen = new Set<string>();
  const visit = (f: string) => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const i of chunks[f]?.imports ?? []) visit(i);
  };
  for (const f of [...named, ...extraEntries]) visit(f);
  const files = [...seen].filter((f) => existsSync(`${dist}/${f}`)).sort();
  return {
    files,
    modules: files.flatMap((f) => chunks[f]?.modules ?? []),
    gzip: files.reduce((n, f) => n + gzipOf(`${dist}/${f}`), 0),
  };
}

/** The passcode screen's own chunk (src/main.tsx), which the shell fetches once it is painted. */
export function passcodeChunk(dist = 'dist'): string {
  const found = Object.entries(chunkMap(dist)).find(([, c]) => c.modules.includes('src/main.tsx'));
  if (!found) throw new Error('No chunk holds src/main.tsx');
  return found[0];
}

/** The first screen: the shell (index.html's own files) and the passcode screen with what it imports. */
export const firstScreen = (dist = 'dist'): PageFiles => pageFiles('index.html', [passcodeChunk(dist)], dist);
export const inboxPage = (dist = 'dist'): PageFiles => pageFiles('inbox/index.html', [], dist);
