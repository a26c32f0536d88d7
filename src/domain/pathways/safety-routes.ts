// Which of a result's next steps are safety routes: the steps the safety pathway rules raise (a child
// under 13, a sexual assault and the SARC, missing, trafficking and the NRM, do not consult the parents),
// whatever the score, and any emergency step beyond the 999 line every result carries. The inbox's
// first screen puts them under "What must happen now" beside 999 and the time-bound steps; one
// definition, here, so a screen and the server's reading cannot disagree about what a safety route is.
import type { NextStep } from '../engine/types.ts';
import { PATHWAY_RULES } from './rules.ts';

const SAFETY_RULE_STEPS: ReadonlySet<string> = new Set(
  PATHWAY_RULES.filter((r) => r.safety).flatMap((r) => r.steps.map((s) => s.id)),
);

export function isSafetyRouteStep(step: Pick<NextStep, 'id' | 'kind'>): boolean {
  return (step.kind === 'emergency' && step.id !== 'emergency-999') || SAFETY_RULE_STEPS.has(step.id);
}
