// A re-assessment of the same child starts from the facts already recorded:
// a date of birth, a disclosure, suspected abuse in the family do not change
// between assessments, and re-asking risks losing them. Only facts the new
// tool asks are copied; the date of assessment is today's, not the last one's.
import { itemsOf } from '../engine/answers.ts';
import type { Answers, Instrument } from '../engine/types.ts';
import { FACTS, isFactId } from './definitions.ts';

/** Facts that describe the child, not the day: copied across a child's chain of records. */
const STABLE = new Set([
  'fact-dob',
  'fact-sexual-assault',
  'fact-disclosure-withdrawn',
  'fact-suspected-abuse',
  'fact-trafficking',
]);

/**
 * Answers to start a new record of `inst` with: the stable facts of the
 * previous record (by fact id or by a tool's own item for the same fact, such
 * as the NSCB "DOB"), and today's date as the date of assessment.
 */
export function carryFacts(inst: Instrument, previous: Answers | undefined, today?: string): Answers {
  const ids = new Set(itemsOf(inst).map((i) => i.id));
  const out: Answers = {};
  for (const fact of FACTS) {
    const id = fact.item.id;
    const target = ids.has(id) ? id : fact.aliases.find((a) => ids.has(a));
    if (!target) continue;
    if (id === 'fact-assessment-date') {
      if (today) out[target] = today;
      continue;
    }
    if (!STABLE.has(id) || !previous) continue;
    const value = previous[id] ?? fact.aliases.map((a) => previous[a]).find((v) => v !== undefined && v !== '');
    if (value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0)) out[target] = value;
  }
  return out;
}

/** Today's date on this device, as YYYY-MM-DD in local time. */
export function localToday(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

export { isFactId };
