// Which referrals go to the top of the inbox. The inbox never takes the
// device's word: it re-scores every submission with the same engine the app
// uses, and ranks by the server's result.
//   3  a safety route (a child under 13; a 999, SARC or immediate-referral
//      step the pathways raise beyond the 999 line every result carries) or
//      the tool's most serious band (Red, High, Category 3: severity 3)
//   2  severity 2 (Amber, Medium, Category 2)
//   1  severity 1 (Green, Lower, Category 1)
//   0  no level from the tool (incomplete, information reports, checklists)
// Newest first within each rank. A submission the server cannot re-score is
// put at the top, flagged, so a person looks at it rather than nobody.
import { score } from '../engine/score.ts';
import type { Result } from '../engine/types.ts';
import { getInstrument } from '../instruments/catalogue.ts';
import type { Submission } from '../sync/submission.ts';

export interface Assessment {
  result: Result | null;
  priority: number;
  severity: number | null;
  level: string | null;
  safety: string[];
}

/** Whole years between a date of birth and a date, or undefined for an unreadable date. */
export function ageOn(dob: string, on: string): number | undefined {
  const b = new Date(dob);
  const d = new Date(on);
  if (Number.isNaN(b.getTime()) || Number.isNaN(d.getTime())) return undefined;
  let age = d.getUTCFullYear() - b.getUTCFullYear();
  if (d.getUTCMonth() < b.getUTCMonth() || (d.getUTCMonth() === b.getUTCMonth() && d.getUTCDate() < b.getUTCDate())) age--;
  return age;
}

/** The child's age as the record states it: a date of birth wins over a typed age. */
export function childAge(sub: Submission): number | undefined {
  const a = sub.answers as Record<string, unknown>;
  const facts = (sub as { facts?: Record<string, unknown> }).facts ?? {};
  for (const dob of [facts.dateOfBirth, a['date-of-birth'], a.dob]) {
    if (typeof dob === 'string' && /^\d{4}-\d{2}-\d{2}/.test(dob)) {
      const age = ageOn(dob, sub.device.time);
      if (age !== undefined) return age;
    }
  }
  const typed = a.age ?? facts.age;
  const n = typeof typed === 'number' ? typed : typeof typed === 'string' && typed.trim() !== '' ? Number(typed) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

const SAFETY_STEP = /sarc|serenity|sexual-assault|under-?13|immediate|mash-now/i;

export function assess(sub: Submission): Assessment {
  const inst = getInstrument(sub.instrument.id);
  let result: Result | null = null;
  try {
    result = inst ? score(inst, sub.answers) : null;
  } catch {
    result = null;
  }
  const safety: string[] = [];
  if (!result) safety.push('The server could not re-score this record: check it by hand');
  const age = childAge(sub);
  if (age !== undefined && age < 13) safety.push('Child under 13');
  for (const step of result?.nextSteps ?? [])
    if (step.id !== 'emergency-999' && (step.kind === 'emergency' || SAFETY_STEP.test(step.id))) safety.push(`Safety route: ${step.text.split(/[.:;]/)[0]!.slice(0, 80)}`);
  const severity = result?.severity ?? null;
  const priority = safety.length > 0 || (severity ?? 0) >= 3 ? 3 : Math.max(0, Math.min(2, severity ?? 0));
  return { result, priority, severity, level: result?.level ?? null, safety: [...new Set(safety)] };
}

export const PRIORITY_LABELS: Record<number, string> = {
  3: 'Most serious or a safety route',
  2: 'Middle band',
  1: 'Lowest band',
  0: 'No level from the tool',
};
