// Source references in plain words. The engine cites seed files and lines
// ("003_7eb0d314b11c5981.txt", "(L1280)", "(000 L424)") so every rule can be
// checked; a practitioner reads "Northamptonshire toolkit, line 1280", and
// reads it in a references section, not in the middle of an instruction.
import type { SourceRef } from '../domain/index.ts';

/** The seed documents by file name, as a practitioner would name them (shared/seeds/README.md). */
export const DOCUMENTS: Record<string, string> = {
  '000_c46dad1176f597fe.txt': 'Greater Manchester Project Phoenix handbook',
  // The seeds index calls it Bolton; its text names Bury throughout (see src/instruments/bury.ts).
  '001_42afda7db854644d.txt': 'Bury CSE procedure',
  '002_4bf56e93123a467b.txt': 'West Midlands CSE framework',
  '003_7eb0d314b11c5981.txt': 'Northamptonshire toolkit',
  '004_b216337c376b5ea8.txt': 'Bristol CSE practice guidance',
};

/** "000" → the file it abbreviates (the engine's texts write "(000 L424)"). */
const BY_PREFIX = new Map(Object.keys(DOCUMENTS).map((f) => [f.slice(0, 3), f]));

export function documentName(file: string): string {
  return DOCUMENTS[file] ?? 'the source document';
}

function lines(line: number, endLine?: number): string {
  return endLine && endLine !== line ? `lines ${line}–${endLine}` : `line ${line}`;
}

/** "Northamptonshire toolkit, line 1280" (or "lines 1280–1290"). */
export function plainRef(src: SourceRef): string {
  return `${documentName(src.file)}, ${lines(src.line, src.endLine)}`;
}

// "(L1280)", "(L621–L631)", "(000 L424)", "(000 L635–L645)", "(L1280; L1290)", and
// a bare "000 L1665–L1666" or "L707" inside other words.
const PAREN =
  /\s*\((?:(\d{3})\s+)?L(\d+)(?:\s*[–-]\s*L?(\d+))?((?:\s*[;,]\s*(?:\d{3}\s+)?L\d+(?:\s*[–-]\s*L?\d+)?)*)\)/g;
const BARE = /(?:\b(\d{3})\s+)?\bL(\d+)(?:\s*[–-]\s*L?(\d+))?\b/g;
// "(001 Appendix 3, L2036–L2086)", "(003 Appendix 1)": the appendix stays in words, the lines go.
const APPENDIX = /\((\d{3})\s+(Appendix\s+\d+)(?:,\s*L(\d+)(?:\s*[–-]\s*L?(\d+))?)?\)/g;

/**
 * Takes the line citations out of a sentence: the sentence to show, and the
 * references it cited in plain words. `file` is the document a bare "L1280" means.
 */
export function splitRefs(text: string, file: string): { text: string; refs: string[] } {
  const refs: string[] = [];
  const add = (prefix: string | undefined, a: string, b: string | undefined) => {
    const f = prefix ? (BY_PREFIX.get(prefix) ?? file) : file;
    refs.push(`${documentName(f)}, ${lines(Number(a), b ? Number(b) : undefined)}`);
  };
  let out = text.replace(APPENDIX, (_m, prefix: string, appendix: string, a?: string, b?: string) => {
    const named = `${documentName(BY_PREFIX.get(prefix) ?? file)}, ${appendix}`;
    refs.push(a ? `${named}, ${lines(Number(a), b ? Number(b) : undefined)}` : named);
    return `(${named})`;
  });
  out = out.replace(PAREN, (_m, prefix: string | undefined, a: string, b: string | undefined, more: string) => {
    add(prefix, a, b);
    for (const m of (more ?? '').matchAll(BARE)) add(m[1], m[2]!, m[3]);
    return '';
  });
  // Anything cited without brackets ("… L707 …") is rare; name it in words in place.
  out = out.replace(BARE, (_m, prefix: string | undefined, a: string, b: string | undefined) => {
    const f = prefix ? (BY_PREFIX.get(prefix) ?? file) : file;
    return `${documentName(f)}, ${lines(Number(a), b ? Number(b) : undefined)}`;
  });
  return { text: out.replace(/\s+([.,;:])/g, '$1').trim(), refs };
}

/** The sentence without its citations. */
export function withoutRefs(text: string, file: string): string {
  return splitRefs(text, file).text;
}
