// Conditions of the pathway rules, as data: over the facts of the case, the
// answers, and the result. Kept small so each rule reads like the seed's
// sentence it encodes.
import { itemsOf, valuesOf } from '../engine/answers.ts';
import type { Instrument, RegionId, Setting } from '../engine/types.ts';
import { isFactId } from '../facts/definitions.ts';
import type { PathwayContext } from '../engine/registry.ts';

export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { region: RegionId[] }
  | { instrument: string[] }
  /** The tool is offered in this setting (e.g. the school timescales). */
  | { setting: Setting }
  /** The child's age (from the date of birth where known) is below this. */
  | { ageBelow: number }
  /** No age is recorded or can be worked out. */
  | { ageUnknown: true }
  /** The answer to an item (a fact or a tool's own) is, or includes, one of these values. */
  | { answer: string; in: string[] }
  /** A number answer is at least this. */
  | { atLeast: number; item: string }
  /** The outcome is decided (complete, or fixed by the answers given) and its severity is at least this. */
  | { severityAtLeast: number }
  /** Any of the tool's own indicators is ticked (facts do not count). */
  | { indicatorTicked: true }
  /** Any of these items is ticked. */
  | { ticked: string[] }
  /** Any item of this tier or group of the tool's rule is ticked. */
  | { tierTicked: string };

export type { PathwayContext };

/** Answer values that mean "ticked" on the tick-box tools (Sandwell's two time columns included). */
const TICKED = new Set(['yes', 'current', 'prior']);

function tickedIds(inst: Instrument): string[] {
  const r = inst.scoring;
  switch (r.rule) {
    case 'indicator-threshold':
      return r.tiers.flatMap((t) => t.items);
    case 'highest-category':
      return r.groups.flatMap((g) => g.items);
    case 'checklist':
      return itemsOf(inst)
        .filter(
          (i) =>
            !isFactId(i.id) &&
            (i.kind === 'choice' || i.kind === 'multi') &&
            i.options.some((o) => o.label === 'Ticked'),
        )
        .map((i) => i.id);
    case 'sum-and-band':
      return [];
  }
}

function isTicked(ctx: PathwayContext, id: string): boolean {
  return valuesOf(ctx.answers[id]).some((v) => TICKED.has(v));
}

export function holds(c: Condition, ctx: PathwayContext): boolean {
  if ('all' in c) return c.all.every((x) => holds(x, ctx));
  if ('any' in c) return c.any.some((x) => holds(x, ctx));
  if ('not' in c) return !holds(c.not, ctx);
  if ('region' in c) return c.region.includes(ctx.inst.region);
  if ('instrument' in c) return c.instrument.includes(ctx.inst.id);
  if ('setting' in c) return ctx.inst.settings.includes(c.setting);
  if ('ageBelow' in c) return ctx.facts.age !== undefined && ctx.facts.age < c.ageBelow;
  if ('ageUnknown' in c) return ctx.facts.age === undefined;
  if ('answer' in c) return valuesOf(ctx.answers[c.answer]).some((v) => c.in.includes(v));
  if ('atLeast' in c) {
    const v = ctx.answers[c.item];
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    return Number.isFinite(n) && n >= c.atLeast;
  }
  if ('severityAtLeast' in c)
    return ctx.result.decided && ctx.result.severity !== undefined && ctx.result.severity >= c.severityAtLeast;
  if ('indicatorTicked' in c) return tickedIds(ctx.inst).some((id) => isTicked(ctx, id));
  if ('ticked' in c) return c.ticked.some((id) => isTicked(ctx, id));
  if ('tierTicked' in c) {
    const r = ctx.inst.scoring;
    const items =
      r.rule === 'indicator-threshold'
        ? r.tiers.find((t) => t.id === c.tierTicked)?.items
        : r.rule === 'highest-category'
          ? r.groups.find((g) => g.id === c.tierTicked)?.items
          : undefined;
    return (items ?? []).some((id) => isTicked(ctx, id));
  }
  return false;
}
