// Applies the pathway rules to a result: the steps of every rule whose
// condition holds, safety rules first, each step once.
import type { NextStep } from '../engine/types.ts';
import { type PathwayContext, holds } from './conditions.ts';
import { PATHWAY_RULES, type PathwayRule, type RuleStep } from './rules.ts';

export function firedRules(ctx: PathwayContext, rules: PathwayRule[] = PATHWAY_RULES): PathwayRule[] {
  return rules.filter((r) => holds(r.when, ctx));
}

/** Steps of the rules that hold, split into safety steps and the rest. */
export function pathwaySteps(
  ctx: PathwayContext,
  rules: PathwayRule[] = PATHWAY_RULES,
): { safety: NextStep[]; other: NextStep[]; replaces: string[] } {
  const fired = firedRules(ctx, rules);
  const shown = (r: PathwayRule): RuleStep[] => r.steps.filter((s) => !s.onlyIf || holds(s.onlyIf, ctx));
  return {
    safety: fired.filter((r) => r.safety).flatMap((r) => shown(r).map(withoutCondition)),
    other: fired.filter((r) => !r.safety).flatMap((r) => shown(r).map(withoutCondition)),
    replaces: fired.flatMap((r) => shown(r).flatMap((s) => s.replaces ?? [])),
  };
}

function withoutCondition({ onlyIf: _, replaces: __, ...step }: RuleStep): NextStep {
  return step;
}
