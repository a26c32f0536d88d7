// Sum-and-band: add the scored items, then find every printed band the total
// falls in. Overlapping bands, unreachable band floors and gaps are reported
// as ambiguities and the most serious band is taken (the cautious reading).
import { findItem, isAnswered, scoreOf } from '../answers.ts';
import type { Answers, Band, Floor, Instrument, Item, SumAndBandRule } from '../types.ts';
import type { RuleOutcome } from './outcome.ts';

export function bandsContaining(bands: Band[], total: number): Band[] {
  return bands
    .filter((b) => total >= b.min && (b.max === undefined || total <= b.max))
    .sort((a, b) => b.severity - a.severity);
}

/** The lowest and highest total the scored items can produce. */
export function reachableRange(inst: Instrument, items: string[]): { min: number; max: number } {
  let min = 0;
  let max = 0;
  for (const id of items) {
    const item = findItem(inst, id) as Item;
    const [lo, hi] = itemScoreRange(item);
    min += lo;
    max += hi;
  }
  return { min, max };
}

function itemScoreRange(item: Item): [number, number] {
  if (item.kind === 'number') return [item.min, item.max];
  if (item.kind === 'choice') {
    const scores = item.options.map((o) => o.score).filter((s): s is number => s !== undefined);
    return [Math.min(...scores), Math.max(...scores)];
  }
  return [0, 0];
}

/** Structural problems of the printed bands themselves, independent of any answers. */
export function bandStructureProblems(inst: Instrument, rule: SumAndBandRule): string[] {
  const problems: string[] = [];
  const range = reachableRange(inst, rule.items);
  const sorted = [...rule.bands].sort((a, b) => a.min - b.min);
  for (const b of sorted) {
    if (b.min < range.min)
      problems.push(
        `The band "${b.label}" starts at ${b.min}, but the ${rule.totalLabel} cannot be below ${range.min}: its floor cannot be reached. The app applies the band from ${range.min}.`,
      );
  }
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length; j++) {
      const a = sorted[i] as Band;
      const b = sorted[j] as Band;
      const aTop = a.max ?? Infinity;
      if (b.min <= aTop) {
        const top = Math.min(aTop, b.max ?? Infinity);
        problems.push(
          `The printed bands "${a.label}" and "${b.label}" overlap (${b.min}–${top === Infinity ? 'up' : top}): a total there is in both.`,
        );
      }
    }
  }
  for (let t = range.min; t <= range.max; t++) {
    if (bandsContaining(rule.bands, t).length === 0) {
      problems.push(`No printed band contains a total of ${t}.`);
      break;
    }
  }
  return problems;
}

/**
 * The band a total is read into, with the source's own adjustments: a gap
 * takes the nearest band above, an overlap the more serious band, a banded
 * subtotal the more serious reading, and a floor (e.g. under 13) raises it.
 * One function, so a complete form and a "decided early" check can never
 * read the same numbers differently.
 */
function chooseBand(
  inst: Instrument,
  rule: SumAndBandRule,
  total: number,
  subtotals: Record<string, number>,
  answers: Answers,
): { chosen: Band; matched: Band[]; ambiguities: string[]; reasons: string[]; raised: boolean } {
  const ambiguities: string[] = [];
  const reasons: string[] = [];
  // A band raised by a floor is not the tool's printed outcome: the floor comes from outside the form
  // (the NSCB under-13 rule is in the toolkit's school policy templates, 003 L2170), so the level is the app's.
  let raised = false;
  let matched = bandsContaining(rule.bands, total);
  if (matched.length === 0) {
    // A gap: take the nearest band above (never round a child down).
    const above = [...rule.bands].filter((b) => b.min > total).sort((a, b) => a.min - b.min)[0];
    const fallback = above ?? [...rule.bands].sort((a, b) => b.severity - a.severity)[0];
    ambiguities.push(`No printed band contains ${total}; the app takes "${fallback?.label}".`);
    matched = fallback ? [fallback] : [];
  }
  let chosen = matched[0] as Band;
  if (matched.length > 1) {
    ambiguities.push(
      `A total of ${total} falls in ${matched.map((b) => `"${b.label}"`).join(' and ')}. The app shows both and takes the more serious, "${chosen.label}".`,
    );
  }

  if (rule.alsoBandSubtotal) {
    const st = rule.subtotals.find((s) => s.id === rule.alsoBandSubtotal);
    const value = st ? subtotals[st.id] : undefined;
    if (st && value !== undefined) {
      const other = bandsContaining(rule.bands, value);
      const labels = other.map((b) => b.label);
      reasons.push(`${st.label} ${value} read against the same bands: ${labels.join(' / ') || 'no band'}`);
      if ((other[0]?.severity ?? -1) > chosen.severity) {
        ambiguities.push(
          `Read against the ${st.label} (${value}) instead, the band would be "${other[0]?.label}"; the app takes that more serious reading.`,
        );
        chosen = other[0] as Band;
      }
    }
  }

  for (const floor of rule.floors ?? []) {
    const value = numberOf(answers[floor.itemId]);
    if (value !== undefined && value < floor.below && chosen.severity < floor.minSeverity) {
      const up = [...rule.bands]
        .filter((b) => b.severity >= floor.minSeverity)
        .sort((a, b) => a.severity - b.severity)[0];
      if (up) {
        raised = true;
        if (conditionShown(inst, floor, answers)) {
          reasons.push(
            `${floor.text} The band is raised from "${chosen.label}" to "${up.label}": the tool's own bands give "${chosen.label}"; the raise is the app applying that rule, so the level is marked as the app's.`,
          );
        } else {
          reasons.push(
            `${floor.text} No answer scores above its lowest, so the answers do not show that condition. The band is raised from "${chosen.label}" to "${up.label}" all the same: the app's cautious reading, marked as its own.`,
          );
        }
        chosen = up;
      }
    }
  }
  return { chosen, matched, ambiguities, reasons, raised };
}

function numberOf(raw: Answers[string] | undefined): number | undefined {
  return typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : undefined;
}

/** Whether the answers show the floor's own condition (any listed item above its lowest score); true when it has none. */
function conditionShown(inst: Instrument, floor: Floor, answers: Answers): boolean {
  if (!floor.ifAnyAboveLowest) return true;
  return floor.ifAnyAboveLowest.some((id) => {
    const item = findItem(inst, id);
    const s = item ? scoreOf(item, answers[id]) : undefined;
    return item !== undefined && s !== undefined && s > Math.min(...possibleScores(item));
  });
}

/** The scores an unanswered item could still take (every option score, or every whole number in range). */
function possibleScores(item: Item): number[] {
  if (item.kind === 'choice')
    return [...new Set(item.options.map((o) => o.score).filter((s): s is number => s !== undefined))];
  if (item.kind === 'number') {
    const out: number[] = [];
    for (let n = Math.ceil(item.min); n <= Math.floor(item.max); n++) out.push(n);
    return out;
  }
  return [0];
}

/**
 * Whether the answers so far already fix the band, whatever the unanswered
 * scored items (and an unanswered floor item such as age) turn out to be.
 * Every reachable (total, banded subtotal) pair is tried, so overlaps, gaps
 * and the subtotal reading are all honoured; the band is decided only when
 * every completion gives the same one.
 */
function decidedBand(
  inst: Instrument,
  rule: SumAndBandRule,
  answers: Answers,
): { band: Band; lo: number; hi: number; open: number; raised: boolean } | undefined {
  const sub = rule.alsoBandSubtotal ? rule.subtotals.find((s) => s.id === rule.alsoBandSubtotal) : undefined;
  // Reachable pairs "total|subtotal", built item by item.
  let pairs = new Set<string>(['0|0']);
  let open = 0;
  for (const id of rule.items) {
    const item = findItem(inst, id) as Item;
    const known = scoreOf(item, answers[id]);
    const choices = known !== undefined ? [known] : possibleScores(item);
    if (known === undefined) open++;
    const inSub = sub?.items.includes(id) ?? false;
    const next = new Set<string>();
    for (const p of pairs) {
      const [t, s] = p.split('|').map(Number) as [number, number];
      for (const c of choices) next.add(`${t + c}|${inSub ? s + c : s}`);
    }
    pairs = next;
  }
  // An unanswered floor item could be either side of its threshold, or stay blank.
  const floorScenarios: Answers[] = [{}];
  for (const floor of rule.floors ?? []) {
    if (isAnswered(answers[floor.itemId])) continue;
    const item = findItem(inst, floor.itemId);
    const values = [floor.below - 1, floor.below].filter(
      (v) => item?.kind !== 'number' || (v >= item.min && v <= item.max),
    );
    const grown: Answers[] = [];
    for (const sc of floorScenarios) {
      grown.push(sc);
      for (const v of values) grown.push({ ...sc, [floor.itemId]: v });
    }
    floorScenarios.splice(0, floorScenarios.length, ...grown);
  }
  let band: Band | undefined;
  let raised = false;
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of pairs) {
    const [t, s] = p.split('|').map(Number) as [number, number];
    lo = Math.min(lo, t);
    hi = Math.max(hi, t);
    for (const sc of floorScenarios) {
      const picked = chooseBand(inst, rule, t, sub ? { [sub.id]: s } : {}, { ...answers, ...sc });
      const chosen = picked.chosen;
      raised ||= picked.raised;
      if (band === undefined) band = chosen;
      else if (chosen.label !== band.label) return undefined;
    }
  }
  return band && { band, lo, hi, open, raised };
}

export function sumAndBand(inst: Instrument, rule: SumAndBandRule, answers: Answers, complete: boolean): RuleOutcome {
  const reasons: string[] = [];
  const ambiguities = bandStructureProblems(inst, rule);
  const notes: string[] = [];

  for (const id of rule.items) {
    const item = findItem(inst, id) as Item;
    const s = scoreOf(item, answers[id]);
    if (s === undefined) continue;
    const chosen = item.kind === 'choice' ? item.options.find((o) => o.value === answers[id])?.label : undefined;
    reasons.push(`${item.text}: ${s}${chosen ? ` (${chosen})` : ''}`);
  }
  if (!complete) {
    const early = decidedBand(inst, rule, answers);
    if (!early) return { decided: false, bands: [], ambiguities, reasons, notes };
    reasons.push(
      `Decided before the form is complete: whatever the ${early.open} unanswered scored item(s) score, the ${rule.totalLabel} lies between ${early.lo} and ${early.hi}, and every such total gives "${early.band.label}".`,
    );
    for (const n of early.band.notes ?? []) notes.push(n.text);
    // A level some completion reaches only through a floor (the NSCB under-13 rule) is the app's reading.
    return {
      decided: true,
      level: early.band.label,
      ...(early.raised ? { levelBy: 'app' as const } : {}),
      severity: early.band.severity,
      bands: [],
      ambiguities,
      reasons,
      notes,
    };
  }

  const total = rule.items.reduce((sum, id) => sum + (scoreOf(findItem(inst, id) as Item, answers[id]) ?? 0), 0);
  const subtotals: Record<string, number> = {};
  for (const st of rule.subtotals) {
    subtotals[st.id] = st.items.reduce((sum, id) => sum + (scoreOf(findItem(inst, id) as Item, answers[id]) ?? 0), 0);
    reasons.push(`${st.label}: ${subtotals[st.id]}`);
  }
  reasons.push(`${rule.totalLabel}: ${total}`);

  const picked = chooseBand(inst, rule, total, subtotals, answers);
  const { chosen, matched } = picked;
  ambiguities.push(...picked.ambiguities);
  reasons.push(...picked.reasons);

  for (const b of matched) for (const n of b.notes ?? []) notes.push(n.text);
  for (const n of chosen.notes ?? []) if (!notes.includes(n.text)) notes.push(n.text);

  return {
    decided: true,
    level: chosen.label,
    ...(picked.raised ? { levelBy: 'app' as const } : {}),
    severity: chosen.severity,
    total,
    subtotals,
    bands: matched.map((b) => b.label),
    ambiguities,
    reasons,
    notes,
  };
}
