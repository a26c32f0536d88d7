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
import { score } from '../domain/index.ts';
import type { Answers, Result } from '../domain/index.ts';
import { readFacts } from '../domain/index.ts';
import { getInstrument } from '../domain/index.ts';
import type { Submission } from '../contract/submission.ts';
import { screenedOn } from '../domain/index.ts';

export interface Assessment {
  result: Result | null;
  priority: number;
  severity: number | null;
  level: string | null;
  safety: string[];
}

/**
 * The child's age as the engine reads it (a date of birth wins over a typed age), on the day
 * the screening was finished when the form records no date of assessment.
 */
export function childAge(sub: Submission): number | undefined {
  return readFacts(sub.answers as Answers, screenedOn(sub)).age;
}

const SAFETY_STEP = /sarc|serenity|sexual-assault|under-?13|immediate|mash-now/i;

export function assess(sub: Submission): Assessment {
  const inst = getInstrument(sub.instrument.id);
  let result: Result | null;
  try {
    result = inst ? score(inst, sub.answers, { on: screenedOn(sub) }) : null;
  } catch {
    result = null;
  }
  const safety: string[] = [];
  if (!result) safety.push('The server could not re-score this record: check it by hand');
  const age = childAge(sub);
  if (age !== undefined && age < 13) safety.push('Child under 13');
  for (const step of result?.nextSteps ?? [])
    if (step.id !== 'emergency-999' && (step.kind === 'emergency' || SAFETY_STEP.test(step.id)))
      safety.push(`Safety route: ${step.text.split(/[.:;]/)[0]!.slice(0, 80)}`);
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
