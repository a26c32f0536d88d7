// Scoring entry point: validates, checks completeness, applies the rule the
// definition names, and adds the instrument's notes, ambiguities and next
// steps. A missing answer is not a low score: an incomplete form gets a level
// only when the answers given already decide it, whatever the missing ones
// turn out to be (e.g. two low ticks on the A&E checklist).
import { readFacts, withDerivedAge } from './case-facts.ts';
import { missingRequired, validateAnswers } from './answers.ts';
import { nextSteps } from './pathways.ts';
import { checklist } from './rules/checklist.ts';
import { highestCategory } from './rules/highest-category.ts';
import { indicatorThreshold } from './rules/indicator-threshold.ts';
import type { RuleOutcome } from './rules/outcome.ts';
import { sumAndBand } from './rules/sum-and-band.ts';
import type { Answers, Instrument, Result } from './types.ts';

export class InvalidAnswersError extends Error {
  constructor(
    readonly instrument: string,
    readonly problems: { itemId?: string; message: string }[],
  ) {
    super(`Invalid answers for ${instrument}: ${problems.map((p) => p.message).join('; ')}`);
    this.name = 'InvalidAnswersError';
  }
}

function applyRule(inst: Instrument, answers: Answers, complete: boolean): RuleOutcome {
  const rule = inst.scoring;
  switch (rule.rule) {
    case 'sum-and-band':
      return sumAndBand(inst, rule, answers, complete);
    case 'indicator-threshold':
      return indicatorThreshold(inst, rule, answers, complete);
    case 'highest-category':
      return highestCategory(inst, rule, answers, complete);
    case 'checklist':
      return checklist(inst, rule, answers, complete);
  }
}

/** Normalises number answers typed as strings ("3" → 3) so every caller scores alike. */
function normalise(inst: Instrument, answers: Answers): Answers {
  const out: Answers = {};
  for (const section of inst.sections)
    for (const item of section.items) {
      const v = answers[item.id];
      if (v === undefined || v === null) continue;
      out[item.id] = item.kind === 'number' && typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    }
  return out;
}

/** An information report's destination, from the area chosen. */
function routingOf(inst: Instrument, answers: Answers): { routing?: Result['routing'] } {
  const chosen = inst.routing && answers[inst.routing.itemId];
  const team = inst.routing?.teams.find((t) => t.value === chosen);
  return team ? { routing: { area: team.area, ...(team.team ? { team: team.team } : {}), email: team.email } } : {};
}

/** What the engine is told beside the answers. */
export interface ScoreContext {
  /**
   * The day the screening was done (YYYY-MM-DD). Used for the age from a date of
   * birth when the form records no date of assessment: without it an 11-year-old
   * whose age was not typed would have no age, and no under-13 route.
   */
  on?: string;
}

/** How a result's notes say the age the pathways used, where it came from the date of birth. */
const AGE_NOTE = 'Age worked out from the date of birth: ';

/**
 * The age a result's note says was worked out from the date of birth: the app's reading, said back beside
 * the child's reference, never among the source document's words. Undefined when the age was typed or unknown.
 */
export function ageWorkedOut(result: Pick<Result, 'notes'>): number | undefined {
  const note = result.notes.find((n) => n.startsWith(AGE_NOTE));
  return note === undefined ? undefined : Number(note.slice(AGE_NOTE.length));
}

/** The notes that are the source document's own words (every note but the app's age line). */
export function sourceNotes(result: Pick<Result, 'notes'>): string[] {
  return result.notes.filter((n) => !n.startsWith(AGE_NOTE));
}

export function score(inst: Instrument, rawAnswers: unknown, context: ScoreContext = {}): Result {
  const problems = validateAnswers(inst, rawAnswers);
  if (problems.length) throw new InvalidAnswersError(inst.id, problems);
  const answers = normalise(inst, rawAnswers as Answers);
  const missing = missingRequired(inst, answers);
  const complete = missing.length === 0;
  // The rules read the age worked out from the date of birth, which wins over a typed age.
  const outcome = applyRule(inst, withDerivedAge(answers, context.on), complete);
  // A level only when complete or decided: each rule says when the answers
  // so far fix the outcome whatever the missing items hold.
  const decided = complete || outcome.decided;
  const facts = readFacts(answers, context.on);
  // The age the pathways used, where it came from the date of birth, so the practitioner can check it.
  const ageNote = facts.ageFrom === 'date-of-birth' && facts.age !== undefined ? [`${AGE_NOTE}${facts.age}`] : [];
  const level = decided ? outcome.level : undefined;
  const partial: Omit<Result, 'nextSteps'> = {
    instrument: inst.id,
    version: inst.version,
    complete,
    decided,
    missing,
    ...(level !== undefined ? { level } : {}),
    ...(level !== undefined && outcome.levelBy ? { levelBy: outcome.levelBy } : {}),
    ...routingOf(inst, answers),
    ...(outcome.severity !== undefined && level !== undefined ? { severity: outcome.severity } : {}),
    ...(outcome.total !== undefined ? { total: outcome.total } : {}),
    ...(outcome.subtotals ? { subtotals: outcome.subtotals } : {}),
    bands: outcome.bands,
    ambiguities: [...outcome.ambiguities, ...inst.ambiguities.map((a) => `${a.text} Reading taken: ${a.reading}`)],
    reasons: [
      ...(complete
        ? []
        : [
            `Not complete: ${missing.length} required item(s) unanswered (${missing.join(', ')}).${decided ? ' The answers given already decide the outcome.' : ''}`,
          ]),
      ...outcome.reasons,
      ...facts.notes,
    ],
    notes: [...new Set([...ageNote, ...outcome.notes, ...inst.notes.map((n) => n.text)])],
  };
  return { ...partial, nextSteps: nextSteps(inst, partial, answers, context.on) };
}
