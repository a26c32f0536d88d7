// Shared by the tick-based rules: which items in a list are ticked, by label.
import { findItem, labelOf, valuesOf } from '../answers.ts';
import type { Answers, Instrument, Item } from '../types.ts';

export function tickedItems(
  inst: Instrument,
  itemIds: string[],
  tickedValues: string[],
  answers: Answers,
): { item: Item; how: string }[] {
  const out: { item: Item; how: string }[] = [];
  for (const id of itemIds) {
    const item = findItem(inst, id) as Item;
    const hits = valuesOf(answers[id]).filter((v) => tickedValues.includes(v));
    if (hits.length) out.push({ item, how: hits.map((h) => labelOf(item, h)).join(', ') });
  }
  return out;
}

export function describeTicks(ticks: { item: Item; how: string }[]): string {
  return ticks.map((t) => (t.how && !/^yes\b/i.test(t.how) ? `${t.item.text} (${t.how})` : t.item.text)).join('; ');
}
