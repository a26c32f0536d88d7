// Highest category present: each indicator group points at the categories it
// can mean; the result is the most serious category any ticked group points
// at. Where a group could mean more than one category, that is shown.
import { isAnswered } from '../answers.ts';
import type { Answers, HighestCategoryRule, Instrument } from '../types.ts';
import type { RuleOutcome } from './outcome.ts';
import { describeTicks, tickedItems } from './ticks.ts';

export function highestCategory(
  inst: Instrument,
  rule: HighestCategoryRule,
  answers: Answers,
  complete: boolean,
): RuleOutcome {
  const reasons: string[] = [];
  const ambiguities: string[] = [];
  const candidates = new Set<string>();
  for (const g of rule.groups) {
    const ticks = tickedItems(inst, g.items, g.tickedValues, answers);
    reasons.push(`${g.label} ticked: ${ticks.length}${ticks.length ? ` (${describeTicks(ticks)})` : ''}`);
    if (ticks.length === 0) continue;
    const cats = g.candidates
      .map((id) => rule.categories.find((c) => c.id === id)!)
      .sort((a, b) => b.severity - a.severity);
    for (const c of cats) candidates.add(c.id);
    if (cats.length > 1) {
      ambiguities.push(
        `The tool does not say which category ${g.label.toLowerCase()} mean: ${cats.map((c) => `"${c.label}"`).join(' or ')}. The app shows both and takes "${cats[0]?.label}".`,
      );
    }
  }
  reasons.push(`Rule: ${rule.ruleText.text}`);
  const ordered = rule.categories.filter((c) => candidates.has(c.id)).sort((a, b) => b.severity - a.severity);
  const top = ordered[0];
  // Where the category is the practitioner's decision, the ticks give only the app's suggestion.
  const choice = rule.decision ? answers[rule.decision.itemId] : undefined;
  const suggestion = (label: string) => (rule.decision ? `The app's suggestion from the ticks: ${label}` : label);
  const levelOf = (label: string) =>
    rule.decision ? `${suggestion(label)} (not confirmed by the practitioner)` : label;
  // The practitioner's decision, once made, is the outcome, complete or not.
  const fromDecision = (): RuleOutcome | undefined => {
    if (!rule.decision || typeof choice !== 'string' || choice === '') return undefined;
    const chosen = rule.categories.find((c) => c.id === choice);
    const why = answers[rule.decision.reasonItemId];
    reasons.push(suggestion(top ? top.label : rule.none.label));
    reasons.push(
      `The practitioner's decision: ${chosen ? chosen.label : 'none of the three categories'}${typeof why === 'string' && why.trim() ? `. Reason given: ${why.trim()}` : ''}`,
    );
    if (!chosen)
      return {
        decided: true,
        level: "No category (the practitioner's decision)",
        levelBy: 'practitioner',
        severity: 0,
        bands: ordered.map((c) => c.label),
        ambiguities,
        reasons,
        notes: [],
      };
    reasons.push(`${chosen.label}: ${chosen.description}`);
    return {
      decided: true,
      level: `${chosen.label} (the practitioner's decision)`,
      levelBy: 'practitioner',
      severity: chosen.severity,
      bands: ordered.map((c) => c.label),
      ambiguities,
      reasons,
      notes: [],
    };
  };
  if (!complete) {
    if (top) reasons.push(`On the items answered so far, at least: ${suggestion(top.label)}`);
    const byDecision = fromDecision();
    if (byDecision) return byDecision;
    // Decided when no group with an unanswered item could point higher than
    // what is already present (the cautious reading takes a group's highest
    // candidate, so that is what an unanswered item could still bring).
    const reach = Math.max(
      -1,
      ...rule.groups
        .filter((g) => g.items.some((id) => !isAnswered(answers[id])))
        .flatMap((g) => g.candidates.map((id) => rule.categories.find((c) => c.id === id)!.severity)),
    );
    const settled = top ? top.severity >= reach : reach < 0;
    if (!settled) return { decided: false, bands: [], ambiguities, reasons, notes: [] };
    if (!top) {
      reasons.push(`Decided before the form is complete: every indicator is answered and none is ticked.`);
      return {
        decided: true,
        level: rule.none.label,
        levelBy: 'app',
        severity: 0,
        bands: [],
        ambiguities,
        reasons,
        notes: [],
      };
    }
    reasons.push(`Decided before the form is complete: no unanswered indicator can point above ${top.label}.`);
    reasons.push(`${top.label}: ${top.description}`);
    return {
      decided: true,
      level: levelOf(top.label),
      ...(rule.decision ? { levelBy: 'app' as const } : {}),
      severity: top.severity,
      bands: ordered.map((c) => c.label),
      ambiguities,
      reasons,
      notes: [],
    };
  }
  const byDecision = fromDecision();
  if (byDecision) return byDecision;
  if (!top)
    return {
      decided: true,
      level: rule.none.label,
      levelBy: 'app',
      severity: 0,
      bands: [],
      ambiguities,
      reasons,
      notes: [],
    };
  reasons.push(`${top.label}: ${top.description}`);
  return {
    decided: true,
    level: levelOf(top.label),
    ...(rule.decision ? { levelBy: 'app' as const } : {}),
    severity: top.severity,
    bands: ordered.map((c) => c.label),
    ambiguities,
    reasons,
    notes: [],
  };
}
