// The seed documents by file name, and a citation of their lines: shared by the
// contact directory, the case facts and the pathway rules, which cite all five.
import type { SourceRef } from './types.ts';

export const GM = '000_c46dad1176f597fe.txt';
export const BURY = '001_42afda7db854644d.txt';
export const WM = '002_4bf56e93123a467b.txt';
export const NN = '003_7eb0d314b11c5981.txt';
export const BRS = '004_b216337c376b5ea8.txt';

/** Lines `line`..`endLine` of a seed file. */
export const at = (file: string, line: number, endLine?: number): SourceRef =>
  endLine ? { file, line, endLine } : { file, line };
