// A checklist with no published scoring rule: the result records what was
// ticked and says plainly that the tool does not grade the child.
import { itemsOf } from '../answers.ts';
import type { Answers, ChecklistRule, Instrument } from '../types.ts';
import type { RuleOutcome } from './outcome.ts';
import { describeTicks, tickedItems } from './ticks.ts';

export function checklist(inst: Instrument, rule: ChecklistRule, answers: Answers, complete: boolean): RuleOutcome {
  const reasons: string[] = [];
  for (const section of inst.sections) {
    const ticks = tickedItems(
      inst,
      section.items.map((i) => i.id),
      rule.tickedValues,
      answers,
    );
    if (ticks.length) reasons.push(`${section.title}: ${describeTicks(ticks)}`);
  }
  if (reasons.length === 0 && itemsOf(inst).some((i) => i.kind === 'choice' || i.kind === 'multi'))
    reasons.push('Nothing ticked.');
  // No published rule, so nothing is decided before the form is complete.
  if (!complete) return { decided: false, bands: [], ambiguities: [], reasons, notes: [] };
  return { decided: true, level: rule.outcome.label, levelBy: 'app', bands: [], ambiguities: [], reasons, notes: [] };
}
