// Highest category present: each indicator group points at the categories it
// can mean; the result is the most serious category any ticked group points
// at. Where a group could mean more than one category, that is shown.
import type { Answers, HighestCategoryRule, Instrument } from '../types.ts';
import type { RuleOutcome } from './outcome.ts';
import { describeTicks, tickedItems } from './ticks.ts';

export function highestCategory(inst: Instrument, rule: HighestCategoryRule, answers: Answers, complete: boolean): RuleOutcome {
  const reasons: string[] = [];
  const ambiguities: string[] = [];
  const candidates = new Set<string>();
  for (const g of rule.groups) {
    const ticks = tickedItems(inst, g.items, g.tickedValues, answers);
    reasons.push(`${g.label} ticked: ${ticks.length}${ticks.length ? ` (${describeTicks(ticks)})` : ''}`);
    if (ticks.length === 0) continue;
    const cats = g.candidates.map((id) => rule.categories.find((c) => c.id === id)!).sort((a, b) => b.severity - a.severity);
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
  const decided = rule.decision ? answers[rule.decision.itemId] : undefined;
  const suggestion = (label: string) => (rule.decision ? `The app's suggestion from the ticks: ${label}` : label);
  if (!complete) {
    if (top) reasons.push(`On the items answered so far, at least: ${suggestion(top.label)}`);
    return { bands: [], ambiguities, reasons, notes: [] };
  }
  if (rule.decision && typeof decided === 'string' && decided !== '') {
    const chosen = rule.categories.find((c) => c.id === decided);
    const why = answers[rule.decision.reasonItemId];
    reasons.push(suggestion(top ? top.label : rule.none.label));
    reasons.push(`The practitioner's decision: ${chosen ? chosen.label : 'none of the three categories'}${typeof why === 'string' && why.trim() ? `. Reason given: ${why.trim()}` : ''}`);
    if (!chosen) return { level: "No category (the practitioner's decision)", severity: 0, bands: ordered.map((c) => c.label), ambiguities, reasons, notes: [] };
    reasons.push(`${chosen.label}: ${chosen.description}`);
    return { level: `${chosen.label} (the practitioner's decision)`, severity: chosen.severity, bands: ordered.map((c) => c.label), ambiguities, reasons, notes: [] };
  }
  if (!top) return { level: rule.none.label, severity: 0, bands: [], ambiguities, reasons, notes: [] };
  reasons.push(`${top.label}: ${top.description}`);
  const level = rule.decision ? `${suggestion(top.label)} (not confirmed by the practitioner)` : top.label;
  return { level, severity: top.severity, bands: ordered.map((c) => c.label), ambiguities, reasons, notes: [] };
}
