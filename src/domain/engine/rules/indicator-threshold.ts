// Indicator tiers against a threshold, e.g. the A&E checklist:
// "If two or more low risk or any medium/higher risks are ticked, please
// complete full CSE Toolkit." The headings label indicators, not the child, so
// "not met" is worded neutrally and never as "low risk".
import { isAnswered } from '../answers.ts';
import type { Answers, IndicatorThresholdRule, Instrument } from '../types.ts';
import type { RuleOutcome } from './outcome.ts';
import { describeTicks, tickedItems } from './ticks.ts';

export function indicatorThreshold(
  inst: Instrument,
  rule: IndicatorThresholdRule,
  answers: Answers,
  complete: boolean,
): RuleOutcome {
  const reasons: string[] = [];
  const counts: Record<string, number> = {};
  for (const tier of rule.tiers) {
    const ticks = tickedItems(inst, tier.items, rule.tickedValues, answers);
    counts[tier.id] = ticks.length;
    reasons.push(`${tier.label} ticked: ${ticks.length}${ticks.length ? ` (${describeTicks(ticks)})` : ''}`);
  }
  reasons.push(`Rule: ${rule.ruleText.text}`);
  const fired = rule.triggers.filter((t) => (counts[t.tier] ?? 0) >= t.atLeast);
  for (const t of fired) {
    const tier = rule.tiers.find((x) => x.id === t.tier);
    reasons.push(
      `Met: ${t.atLeast === 1 ? 'any' : `${t.atLeast} or more`} ${tier?.label ?? t.tier} (${counts[t.tier]} ticked)`,
    );
  }
  const met = fired.length > 0;
  if (!complete) {
    // More answers can only add ticks, so a rule already met stays met. Not
    // met is decided only when no trigger can still fire: for every trigger,
    // the ticks so far plus every unanswered item of its tier stay below it.
    if (met) {
      reasons.push(`Already met on the items answered so far: ${rule.met.label}`);
      return { decided: true, level: rule.met.label, severity: 1, bands: [], ambiguities: [], reasons, notes: [] };
    }
    const canStillFire = rule.triggers.some((t) => {
      const tier = rule.tiers.find((x) => x.id === t.tier);
      const open = (tier?.items ?? []).filter((id) => !isAnswered(answers[id])).length;
      return (counts[t.tier] ?? 0) + open >= t.atLeast;
    });
    if (canStillFire) return { decided: false, bands: [], ambiguities: [], reasons, notes: [] };
    reasons.push(`Decided before the form is complete: no unanswered item can meet the rule, so: ${rule.notMet.label}`);
    return {
      decided: true,
      level: rule.notMet.label,
      levelBy: 'app',
      severity: 0,
      bands: [],
      ambiguities: [],
      reasons,
      notes: [],
    };
  }
  return {
    decided: true,
    level: met ? rule.met.label : rule.notMet.label,
    // The tool prints no outcome below its threshold (003 L497–L514): "not met" is the app's wording.
    ...(met ? {} : { levelBy: 'app' as const }),
    severity: met ? 1 : 0,
    bands: [],
    ambiguities: [],
    reasons,
    notes: [],
  };
}
