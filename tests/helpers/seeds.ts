// Reads the seed documents the instruments cite. They live beside the
// repository in shared/seeds (as on every developer machine and in CI).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SourceRef } from '../../src/domain/engine/types.ts';

const candidates = [
  process.env.CSE_SEEDS_DIR,
  resolve(process.cwd(), '../shared/seeds'),
  resolve(process.cwd(), 'shared/seeds'),
].filter(Boolean) as string[];

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

/** The words of the cited lines, with words hyphenated across a line break joined. */
export function spanWords(src: SourceRef, drop: 'first' | 'last' | 'none' = 'none'): string[] {
  let ls = seedLines(src.file).slice(src.line - 1, src.endLine ?? src.line);
  // Drop the first or last non-blank line (to test that the span is tight).
  const nonBlank = ls.map((l, i) => (l.trim() ? i : -1)).filter((i) => i >= 0);
  if (drop === 'first' && nonBlank.length) ls = ls.slice(nonBlank[0]! + 1);
  if (drop === 'last' && nonBlank.length) ls = ls.slice(0, nonBlank[nonBlank.length - 1]!);
  return words(ls.join('\n').replace(/(\w)-\n\s*(\w)/g, '$1-$2'));
}

export function nonBlankLines(src: SourceRef): number {
  return seedLines(src.file)
    .slice(src.line - 1, src.endLine ?? src.line)
    .filter((l) => l.trim()).length;
}

/**
 * True when the words of `text` appear in the cited lines in the same order
 * (other words may come between: the PDF extraction interleaves two-column
 * tables). Whitespace, case, punctuation and line-end hyphenation are
 * normalised away.
 */
export function inOrder(text: string, hay: string[]): boolean {
  let i = 0;
  for (const w of words(text)) {
    while (i < hay.length && hay[i] !== w) i++;
    if (i >= hay.length) return false;
    i++;
  }
  return true;
}

/** True when every word of `text` is somewhere in the cited lines. */
export function allWords(text: string, hay: string[]): boolean {
  const have = new Set(hay);
  return words(text).every((w) => have.has(w));
}

/** Problems with a bare reference (a rule's or a fact's source lines): lines that exist, over a short span. */
export function refProblem(src: SourceRef): string | undefined {
  if ((src.endLine ?? src.line) > seedLines(src.file).length) return 'cites a line past the end of the seed';
  if (nonBlankLines(src) > 12) return `span of ${nonBlankLines(src)} non-blank lines`;
  return undefined;
}

/**
 * Problems with a citation: the text does not match its lines, or the span
 * names more lines than hold the text (more than 5 non-blank lines where a
 * shorter span would still hold it, or over 40 lines at all).
 */
export function citationProblem(text: string, src: SourceRef, mode: 'in-order' | 'all-words'): string | undefined {
  const match = mode === 'in-order' ? inOrder : allWords;
  if (src.line > seedLines(src.file).length || (src.endLine ?? src.line) > seedLines(src.file).length)
    return 'cites a line past the end of the seed';
  if (!match(text, spanWords(src))) {
    const missing = mode === 'all-words' ? words(text).filter((w) => !new Set(spanWords(src)).has(w)) : [];
    return `text not found in the cited lines${missing.length ? ` (missing: ${missing.join(' ')})` : ' in order'}`;
  }
  const span = (src.endLine ?? src.line) - src.line + 1;
  if (span > 40) return `span of ${span} lines`;
  if (nonBlankLines(src) > 5 && (match(text, spanWords(src, 'first')) || match(text, spanWords(src, 'last'))))
    return `span of ${nonBlankLines(src)} lines is wider than the text needs`;
  return undefined;
}
