// Before the engines suite: one clear line when a browser (or what drives it) is missing.
import { missingFor, missingLine } from './prerequisites.ts';

export default function setup() {
  const missing = [...missingFor('chromium'), ...missingFor('firefox'), ...missingFor('webkit')];
  if (missing.length) throw new Error(missingLine(missing));
}
