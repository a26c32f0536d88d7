// Reads the seed documents the instruments cite. They live beside the
// repository in shared/seeds (as on every developer machine and in CI).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SourceRef } from '../../src/engine/types.ts';

const candidates = [process.env.CSE_SEEDS_DIR, resolve(process.cwd(), '../shared/seeds'), resolve(process.cwd(), 'shared/seeds')].filter(Boolean) as string[];

export const SEEDS_DIR = candidates.find((d) => existsSync(resolve(d, 'README.md')));

const cache = new Map<string, string[]>();
export function seedLines(file: string): string[] {
  if (!SEEDS_DIR) throw new Error(`Seed documents not found; looked in ${candidates.join(', ')} (set CSE_SEEDS_DIR)`);
  let ls = cache.get(file);
  if (!ls) {
    ls = readFileSync(resolve(SEEDS_DIR, file), 'utf8').split('\n');
    cache.set(file, ls);
  }
  return ls;
}

export function seedText(src: SourceRef): string {
  const ls = seedLines(src.file);
  return ls.slice(src.line - 1, src.endLine ?? src.line).join('\n');
}

/** Lower-case words, with typographic quotes and dashes folded, punctuation dropped. */
export function words(s: string): string[] {
  return s
    .toLowerCase()
    .replace(/[‘’´`]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/[^a-z0-9']+/g, ' ')
    .replace(/'/g, '')
    .split(' ')
    .filter(Boolean);
}

/** Words of `text` that are not found in the cited lines (empty when the text traces). */
export function untraced(text: string, src: SourceRef): string[] {
  const have = new Set(words(seedText(src)));
  return words(text).filter((w) => !have.has(w));
}
