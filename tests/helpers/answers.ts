// Builds answer sets for tests: scores for the ten categories, ticks for checklists.
import { itemsOf } from '../../src/domain/engine/answers.ts';
import type { Answers } from '../../src/domain/engine/types.ts';
import { getInstrument } from '../../src/domain/instruments/catalogue.ts';

/** The ten scored category ids of a sum-and-band instrument, in order. */
export function categories(instrumentId: string): string[] {
  const rule = getInstrument(instrumentId)!.scoring;
  if (rule.rule !== 'sum-and-band') throw new Error(`${instrumentId} is not sum-and-band`);
  return rule.items.filter((i) => i !== 'professional-judgement');
}

/** Ten category scores (as the option values) plus a professional judgement. */
export function scores(instrumentId: string, cats: number[], pj: number, extra: Answers = {}): Answers {
  const ids = categories(instrumentId);
  if (cats.length !== ids.length) throw new Error(`need ${ids.length} scores`);
  return { ...Object.fromEntries(ids.map((id, i) => [id, String(cats[i])])), 'professional-judgement': pj, ...extra };
}

/** Category scores that add up to `sum` (each 1–5), spread as evenly as possible. */
export function spread(sum: number, n = 10): number[] {
  if (sum < n || sum > 5 * n) throw new Error(`cannot make ${sum} from ${n} scores of 1–5`);
  const base = Math.floor(sum / n);
  const extra = sum - base * n;
  return Array.from({ length: n }, (_, i) => base + (i < extra ? 1 : 0));
}

/** Every required tick item answered "no"/"not ticked", then the given ones ticked. */
export function ticks(instrumentId: string, ticked: Record<string, string> | string[]): Answers {
  const inst = getInstrument(instrumentId)!;
  const answers: Answers = {};
  for (const item of itemsOf(inst))
    if (item.required && item.kind === 'choice' && item.options.some((o) => o.value === 'no')) answers[item.id] = 'no';
  const set = Array.isArray(ticked) ? Object.fromEntries(ticked.map((t) => [t, 'yes'])) : ticked;
  for (const [id, v] of Object.entries(set)) {
    if (!itemsOf(inst).some((i) => i.id === id)) throw new Error(`no item ${id} in ${instrumentId}`);
    answers[id] = v;
  }
  return answers;
}
