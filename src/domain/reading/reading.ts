// The server's reading of a submission, decided once: when the receiver
// accepts it (and again, by the same function, when an instrument changes and
// stored submissions are re-read). The inbox lists, scopes, exports and alerts
// from this reading alone, never from the device's claims.
//
//   level, severity   the tool's outcome by the server's own scoring
//   safety            flags that put a referral at the top: a child in immediate
//                     danger (999), a child under 13, missing now, trafficking,
//                     a 999 / SARC / immediate step the pathways raise beyond
//                     the 999 line every result carries,
//                     or a record the server could not score
//   priority          3 a safety flag or the tool's most serious band (severity 3);
//                     2 and 1 the middle and lowest bands; 0 no level
//   region, area      where it goes: the instrument's region; in a region that
//                     routes by area, the area the answers name (an information
//                     report's "which area", a screening's "which area does the
//                     child live in?"), else the area the device was enrolled
//                     for; a region with one area, that area; else none (the
//                     region's 'no area' queue). Never the device's `routing` claim.
//   disagreement      where the device's claim differs from the server's reading
//
// Pure: no I/O, no clock.
import { readFacts } from '../engine/case-facts.ts';
import { score } from '../engine/score.ts';
import type { Answers, Instrument, Result } from '../engine/types.ts';
import { INSTRUMENTS } from '../instruments/catalogue.ts';
import { answeredHomeArea } from '../facts/home-area.ts';
import { areasOf, findArea } from './areas.ts';

export type AreaFrom = 'answers' | 'device' | 'region' | 'none';

export interface Reading {
  level: string | null;
  severity: number | null;
  priority: number;
  safety: string[];
  /** The instrument's region ('unknown' for a tool the server does not have). */
  region: string;
  area: string | null;
  areaFrom: AreaFrom;
  /** The region routes by area and none could be read: it waits in the region's 'no area' queue. */
  needsArea: boolean;
  /** The device's claimed level, when it is the tool's own words (anything else could be any text: a name). */
  deviceLevel: string | null;
  /** Where the device's claim differs from this reading, in the server's and the tool's words; null when they agree. */
  disagreement: string | null;
}

export interface ReadingInput {
  /** The tool, as the server has it (undefined: a tool the server does not know). */
  instrument: Instrument | undefined;
  /** The version of the tool the device used. */
  instrumentVersion: string;
  answers: unknown;
  /** The device's own result, as it claimed it. */
  claimed: { complete: boolean; level?: string | undefined; total?: number | undefined };
  /** The area the device said an information report goes to (its `routing.area`), if any. */
  claimedArea?: string | undefined;
  /** The day the screening was done (YYYY-MM-DD, where it was done): ages are worked out on it. */
  screenedOn: string;
  /** The area the sending device was enrolled for, if any. */
  deviceArea: string | null;
}

export interface ReadOutcome {
  reading: Reading;
  /** The server's full result (next steps included), null when the answers do not score. */
  result: Result | null;
  /** Why the answers did not score (the engine's error), when they did not. */
  problem?: unknown;
}

/** Changes whenever the rules below or any instrument's version change: stored readings older than this are re-read. */
// 3: a screening's answered home area routes it first; immediate danger answered yes is a safety flag.
const READING_RULES = 3;
function fnv(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}
export const READING_VERSION = `r${READING_RULES}-${fnv(INSTRUMENTS.map((i) => `${i.id}@${i.version}`).join(','))}`;

export const SAFETY = {
  unscored: 'The server could not re-score this record: check it by hand',
  under13: 'Child under 13',
  missingNow: 'Missing now',
  trafficking: 'Trafficking suspected',
  immediateDanger: 'Immediate danger: 999',
} as const;

/**
 * Each tool's "is a child in immediate danger?" question, answered yes: the case fact the tools that screen or
 * measure risk ask (its answer changes only the words of the 999 step, so no step alone would flag it), and the
 * information reports' own first question (GM 000 L617: "contact the police on 999"; West Midlands 002
 * L2811–L2812: "direct to the Police in emergencies"). Read only where the tool has the item.
 */
const IMMEDIATE_DANGER_ITEMS = ['fact-immediate-danger', 'immediate-danger'];
function inImmediateDanger(inst: Instrument | undefined, answers: Answers): boolean {
  if (!inst) return false;
  return IMMEDIATE_DANGER_ITEMS.some(
    (id) => answers[id] === 'yes' && inst.sections.some((s) => s.items.some((i) => i.id === id)),
  );
}

const SAFETY_STEP = /sarc|serenity|sexual-assault|under-?13|immediate|mash-now/i;

// Every text an instrument's definition holds (its level and band words among them), by instrument.
const toolWords = new Map<string, Set<string>>();
function wordsOf(inst: Instrument): Set<string> {
  let words = toolWords.get(inst.id);
  if (!words) {
    const found = new Set<string>();
    const walk = (x: unknown): void => {
      if (typeof x === 'string') found.add(x);
      else if (Array.isArray(x)) x.forEach(walk);
      else if (x && typeof x === 'object') Object.values(x).forEach(walk);
    };
    walk(inst);
    toolWords.set(inst.id, found);
    words = found;
  }
  return words;
}

/** A step's first clause, at most 80 characters; where anything is cut, an ellipsis says so (issue 20). */
function firstClause(text: string): string {
  const clause = text.split(/[.:;]/)[0]!.trim();
  const cut = clause.length > 80 ? `${clause.slice(0, 79).trimEnd()}…` : clause;
  return cut.length < text.replace(/[.\s]+$/, '').length && !cut.endsWith('…') ? `${cut}…` : cut;
}

export const NOT_A_LEVEL = '(not a level of this tool: see the submission)';

function claimedLevel(inst: Instrument | undefined, claim: string | undefined): string | null {
  if (claim === undefined) return null;
  return inst && wordsOf(inst).has(claim) ? claim : NOT_A_LEVEL;
}

function disagreementOf(
  input: ReadingInput,
  inst: Instrument | undefined,
  ours: Result | null,
  deviceLevel: string | null,
  area: string | null,
): string | null {
  if (!inst || !ours) return 'the server could not re-score this record';
  const theirs = input.claimed;
  const diffs: string[] = [];
  if (input.instrumentVersion !== inst.version)
    diffs.push(`device used version ${input.instrumentVersion}, endpoint has ${inst.version}`);
  if (ours.complete !== theirs.complete) diffs.push(`complete: device ${theirs.complete}, endpoint ${ours.complete}`);
  if ((ours.level ?? null) !== deviceLevel)
    diffs.push(`level: device "${deviceLevel ?? '—'}", endpoint "${ours.level ?? '—'}"`);
  if ((ours.total ?? null) !== (theirs.total ?? null))
    diffs.push(`total: device ${theirs.total ?? '—'}, endpoint ${ours.total ?? '—'}`);
  if (input.claimedArea !== undefined) {
    // Only the directory's words go into the text: the claim could be any text at all.
    const claimed = findArea(input.claimedArea, inst.region);
    if (claimed !== area)
      diffs.push(`area: device "${claimed ?? 'not an area of this region'}", endpoint "${area ?? 'none'}"`);
  }
  return diffs.length ? diffs.join('; ') : null;
}

/** The server's reading of one submission. Never throws for answers that do not score: `result` is null then. */
export function readSubmission(input: ReadingInput): ReadOutcome {
  const inst = input.instrument;
  let result: Result | null = null;
  let problem: unknown;
  if (inst) {
    try {
      result = score(inst, input.answers, { on: input.screenedOn });
    } catch (e) {
      problem = e;
    }
  }
  const region = inst?.region ?? 'unknown';

  const safety: string[] = [];
  if (!result) safety.push(SAFETY.unscored);
  const answers = input.answers && typeof input.answers === 'object' ? (input.answers as Answers) : {};
  const facts = readFacts(answers, input.screenedOn);
  if (inImmediateDanger(inst, answers)) safety.push(SAFETY.immediateDanger);
  if (facts.age !== undefined && facts.age < 13) safety.push(SAFETY.under13);
  if (facts.missingNow) safety.push(SAFETY.missingNow);
  if (facts.trafficking) safety.push(SAFETY.trafficking);
  for (const step of result?.nextSteps ?? [])
    if (step.id !== 'emergency-999' && (step.kind === 'emergency' || SAFETY_STEP.test(step.id)))
      safety.push(`Safety route: ${firstClause(step.text)}`);
  const severity = result?.severity ?? null;
  const priority = safety.length > 0 || (severity ?? 0) >= 3 ? 3 : Math.max(0, Math.min(2, severity ?? 0));

  // Where it goes: the answers first (an information report's area, a screening's home area), then the
  // device's enrolled area. A screening's area is read from the answers themselves, whether or not they score.
  const areas = areasOf(region);
  const fromAnswers =
    (result?.routing?.area !== undefined ? findArea(result.routing.area, region) : undefined) ??
    (inst ? answeredHomeArea(answers, region) : undefined);
  const fromDevice = input.deviceArea ? findArea(input.deviceArea, region) : undefined;
  const [area, areaFrom]: [string | null, AreaFrom] = fromAnswers
    ? [fromAnswers, 'answers']
    : areas.length === 1
      ? [areas[0]!, 'region']
      : fromDevice
        ? [fromDevice, 'device']
        : [null, 'none'];

  const deviceLevel = claimedLevel(inst, input.claimed.level);
  return {
    reading: {
      level: result?.level ?? null,
      severity,
      priority,
      safety: [...new Set(safety)],
      region,
      area,
      areaFrom,
      needsArea: area === null && areas.length > 1,
      deviceLevel,
      disagreement: disagreementOf(input, inst, result, deviceLevel, area),
    },
    result,
    ...(problem !== undefined ? { problem } : {}),
  };
}
