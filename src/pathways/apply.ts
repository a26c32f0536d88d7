// Applies the pathway rules to a result: the steps of every rule whose
// condition holds, safety rules first, each step once.
import type { NextStep } from '../engine/types.ts';
import { type PathwayContext, holds } from './conditions.ts';
import { PATHWAY_RULES, type PathwayRule } from './rules.ts';

export function firedRules(ctx: PathwayContext, rules: PathwayRule[] = PATHWAY_RULES): PathwayRule[] {
  return rules.filter((r) => holds(r.when, ctx));
}

/** Steps of the rules that hold, split into safety steps and the rest. */
export function pathwaySteps(ctx: PathwayContext, rules: PathwayRule[] = PATHWAY_RULES): { safety: NextStep[]; other: NextStep[] } {
  const fired = firedRules(ctx, rules);
  return { safety: fired.filter((r) => r.safety).flatMap((r) => r.steps), other: fired.filter((r) => !r.safety).flatMap((r) => r.steps) };
}
