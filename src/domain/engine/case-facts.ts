// Reads the case facts out of a record's answers, and works out the child's
// age. The date of birth wins over a typed age: a typed age can be out of date
// or mistyped, and the under-13 rules turn on it.
import type { AnswerValue, Answers, Instrument } from './types.ts';

// The facts change what to do in the tools that screen for or measure a child's
// risk; information reports and the sharing checklist are about intelligence.
const ASKED_WITH: Instrument['kind'][] = [
  'screening',
  'indicator-checklist',
  'risk-measurement',
  'front-door-question',
];

export function factsApplyTo(inst: Instrument): boolean {
  return ASKED_WITH.includes(inst.kind);
}

export interface CaseFacts {
  /** The age the pathways use: from the date of birth where it can be worked out, else the typed age. */
  age?: number;
  ageFrom?: 'date-of-birth' | 'typed';
  typedAge?: number;
  immediateDanger: boolean;
  /** 'recent' | 'past' | 'suspected' | 'no' as answered. */
  sexualAssault?: string;
  disclosureWithdrawn: boolean;
  missingNow: boolean;
  missingLast3Months?: number;
  suspectedAbuse: string[];
  trafficking: boolean;
  /** Things the practitioner should know about how the facts were read (a typed age that disagrees with the date of birth). */
  notes: string[];
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const UK_DATE = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;

/** A calendar date from "YYYY-MM-DD" or "DD/MM/YYYY" (the forms' own free-text "D.O.B / age"). */
export function parseDate(value: string): { y: number; m: number; d: number } | undefined {
  const v = value.trim();
  const iso = ISO_DATE.exec(v.slice(0, 10));
  const uk = UK_DATE.exec(v);
  const [y, m, d] = iso
    ? [Number(iso[1]), Number(iso[2]), Number(iso[3])]
    : uk
      ? [Number(uk[3]), Number(uk[2]), Number(uk[1])]
      : [NaN, NaN, NaN];
  if (!Number.isInteger(y) || m < 1 || m > 12 || d < 1 || d > 31) return undefined;
  const check = new Date(Date.UTC(y, m - 1, d));
  if (check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return undefined;
  return { y, m, d };
}

// Building a formatter costs far more than using one: one per zone, kept.
const DAY_FORMATS = new Map<string, Intl.DateTimeFormat>();

function dayFormat(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let f = DAY_FORMATS.get(key);
  if (!f) {
    const make = (zone?: string) =>
      new Intl.DateTimeFormat('en-CA', {
        ...(zone ? { timeZone: zone } : {}),
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      });
    try {
      f = make(timeZone); // no zone given: this machine's own (the device finishing a screening)
    } catch {
      f = make('UTC'); // an unknown zone name from a device: UTC rather than fail
    }
    if (DAY_FORMATS.size < 1000) DAY_FORMATS.set(key, f); // bounded: zone names come from devices
  }
  return f;
}

/**
 * The calendar date (YYYY-MM-DD) of an instant in a time zone: the day a
 * screening was done where it was done. The device and the endpoint both work
 * it out from the submission's `device.time` and `device.timezone`, so both
 * read the same age from a date of birth.
 */
export function localDate(when: Date | string, timeZone?: string): string {
  const d = typeof when === 'string' ? new Date(when) : when;
  const parts = dayFormat(timeZone).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** Whole years from `dob` to `on` (a birthday counts on the day itself). */
export function ageOn(dob: string, on: string): number | undefined {
  const b = parseDate(dob);
  const a = parseDate(on);
  if (!b || !a) return undefined;
  let years = a.y - b.y;
  if (a.m < b.m || (a.m === b.m && a.d < b.d)) years -= 1;
  return years >= 0 ? years : undefined;
}

const str = (v: AnswerValue | undefined): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;

function num(v: AnswerValue | undefined): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  const s = str(v);
  return s !== undefined && /^\d{1,3}$/.test(s) ? Number(s) : undefined;
}

/**
 * The facts of the case. `today` is used for the age only when no date of
 * assessment is recorded; without either, an age from the date of birth is
 * not guessed.
 */
export function readFacts(answers: Answers, today?: string): CaseFacts {
  const notes: string[] = [];
  // The forms' free-text "D.O.B / age" (GM, Bury) may hold either.
  const dobAge = str(answers['yp-dob-age']);
  const dob = str(answers['fact-dob']) ?? str(answers['yp-dob']) ?? (dobAge && parseDate(dobAge) ? dobAge : undefined);
  const on = str(answers['fact-assessment-date']) ?? str(answers['assessment-date']) ?? today;
  const typedAge = num(answers['age']) ?? (dobAge && !parseDate(dobAge) ? num(dobAge) : undefined);
  const fromDob = dob && on ? ageOn(dob, on) : undefined;
  if (dob && !on)
    notes.push(
      'The date of birth is recorded but the date of assessment is not, so the age could not be worked out from it.',
    );
  if (dob && on && fromDob === undefined)
    notes.push('The date of birth is after the date of assessment, so the age could not be worked out from it.');
  if (fromDob !== undefined && typedAge !== undefined && fromDob !== typedAge)
    notes.push(
      `The typed age (${typedAge}) differs from the age worked out from the date of birth (${fromDob}); the date of birth is used.`,
    );
  const age = fromDob ?? typedAge;
  const missing = num(answers['fact-missing-3-months']);
  const abuse = answers['fact-suspected-abuse'];
  return {
    ...(age !== undefined
      ? { age, ageFrom: fromDob !== undefined ? ('date-of-birth' as const) : ('typed' as const) }
      : {}),
    ...(typedAge !== undefined ? { typedAge } : {}),
    immediateDanger: answers['fact-immediate-danger'] === 'yes',
    ...(str(answers['fact-sexual-assault']) ? { sexualAssault: str(answers['fact-sexual-assault']) } : {}),
    disclosureWithdrawn: answers['fact-disclosure-withdrawn'] === 'yes',
    missingNow: answers['fact-missing-now'] === 'yes',
    ...(missing !== undefined ? { missingLast3Months: missing } : {}),
    suspectedAbuse: Array.isArray(abuse) ? abuse.filter((x): x is string => typeof x === 'string') : [],
    trafficking: answers['fact-trafficking'] === 'yes',
    notes,
  };
}

/**
 * The answers a scoring rule reads, with the age worked out from the date of
 * birth in place of a typed age (the NSCB under-13 floor reads "age").
 */
export function withDerivedAge(answers: Answers, on?: string): Answers {
  const facts = readFacts(answers, on);
  return facts.ageFrom === 'date-of-birth' && facts.age !== undefined ? { ...answers, age: facts.age } : answers;
}

/**
 * The day the screening was finished, where it was finished: the engine's `on`
 * date (the age from a date of birth when no date of assessment is recorded),
 * read alike by the device and the endpoint from a submission's `device`.
 */
export function screenedOn(sub: { device: { time: string; timezone: string } }): string {
  return localDate(sub.device.time, sub.device.timezone);
}
