// Checking answers against a definition. Bad input is named precisely so the
// practitioner (or the CLI user, or the endpoint's caller) can fix it.
import type { AnswerError, AnswerValue, Answers, Entry, EntryField, Instrument, Item } from './types.ts';

// Instruments are fixed data: their flattened items and an id index are worked out once per
// instrument object, not on every answer checked (the endpoint checks every answer it receives).
const ITEMS = new WeakMap<Instrument, { list: Item[]; byId: Map<string, Item> }>();

function indexOf(inst: Instrument) {
  let ix = ITEMS.get(inst);
  if (!ix) {
    const list = inst.sections.flatMap((s) => s.items);
    ix = { list, byId: new Map(list.map((i) => [i.id, i])) };
    ITEMS.set(inst, ix);
  }
  return ix;
}

export function itemsOf(inst: Instrument): Item[] {
  return indexOf(inst).list;
}

export function findItem(inst: Instrument, itemId: string): Item | undefined {
  return indexOf(inst).byId.get(itemId);
}

/** True when the item holds an answer (an empty string or empty list is no answer). */
export function isAnswered(value: AnswerValue | undefined): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value))
    return (
      value.length > 0 && value.some((v) => typeof v === 'string' || Object.values(v).some((x) => x.trim() !== ''))
    );
  return Number.isFinite(value);
}

/** Whether an item is asked given the answers so far (a follow-up is asked once what it follows is answered). */
export function isAsked(item: Item, answers: Answers): boolean {
  const w = item.askedWhen;
  if (!w) return true;
  const v = answers[w.item];
  if (!isAnswered(v)) return false;
  return !w.values || valuesOf(v).some((x) => w.values!.includes(x));
}

/**
 * A tick box of the paper form: the only negative answer is the app's own
 * "Not ticked" (a question whose app-added answer is "No concerns" is a
 * question, not a tick box), and the other answers are the form's tick columns.
 */
export function isTickItem(item: Item): boolean {
  return (
    item.kind === 'choice' &&
    item.options.some((o) => o.value === 'no' && o.appAdded !== undefined && o.label === 'Not ticked') &&
    item.options.some((o) => o.value !== 'no' && o.appAdded === undefined)
  );
}

export function checkAnswer(item: Item, value: AnswerValue): string | undefined {
  switch (item.kind) {
    case 'choice': {
      if (typeof value !== 'string')
        return `"${item.id}" takes one of ${optionList(item)}; got ${JSON.stringify(value)}`;
      if (!item.options.some((o) => o.value === value))
        return `"${item.id}": ${JSON.stringify(value)} is not one of the options ${optionList(item)}`;
      return undefined;
    }
    case 'multi': {
      if (!Array.isArray(value) || value.some((x) => typeof x !== 'string'))
        return `"${item.id}" takes a list of values from ${optionList(item)}`;
      const list = value as string[];
      const bad = list.filter((x) => !item.options.some((o) => o.value === x));
      if (bad.length)
        return `"${item.id}": ${bad.map((b) => JSON.stringify(b)).join(', ')} not among the options ${optionList(item)}`;
      if (new Set(list).size !== list.length) return `"${item.id}": a value is given twice`;
      return undefined;
    }
    case 'number': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n))
        return `"${item.id}" takes a number from ${item.min} to ${item.max}`;
      if (item.integer && !Number.isInteger(n))
        return `"${item.id}" takes a whole number from ${item.min} to ${item.max}; got ${n}`;
      if (n < item.min || n > item.max) return `"${item.id}": ${n} is out of range (${item.min} to ${item.max})`;
      return undefined;
    }
    case 'text':
      return typeof value === 'string' ? undefined : `"${item.id}" takes text`;
    case 'repeat': {
      if (!Array.isArray(value)) return `"${item.id}" takes a list of ${item.entry} entries`;
      if (value.length > item.max) return `"${item.id}": at most ${item.max} ${item.entry} entries`;
      for (const [i, entry] of value.entries()) {
        if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
          return `"${item.id}" entry ${i + 1} is not a set of fields`;
        for (const [k, v] of Object.entries(entry)) {
          const field = item.fields.find((f) => f.id === k);
          if (!field) return `"${item.id}" entry ${i + 1}: unknown field "${k}"`;
          if (typeof v !== 'string' || v.length > 2000) return `"${item.id}" entry ${i + 1}: "${k}" takes text`;
          if (field.options && v !== '' && !field.options.some((o) => o.value === v))
            return `"${item.id}" entry ${i + 1}: "${k}" is not one of the options`;
        }
      }
      return undefined;
    }
    case 'date': {
      if (typeof value !== 'string') return `"${item.id}" takes a date`;
      const pattern = item.precision === 'date' ? /^\d{4}-\d{2}-\d{2}$/ : /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$/;
      if (value.trim() !== '' && (!pattern.test(value) || Number.isNaN(Date.parse(value))))
        return `"${item.id}": ${JSON.stringify(value)} is not a date (YYYY-MM-DD${item.precision === 'datetime' ? '[THH:MM]' : ''})`;
      return undefined;
    }
  }
}

function optionList(item: { options: { value: string }[] }): string {
  return item.options.map((o) => JSON.stringify(o.value)).join(', ');
}

/** Every problem with a set of answers: unknown items and invalid values. */
export function validateAnswers(inst: Instrument, answers: unknown): AnswerError[] {
  if (typeof answers !== 'object' || answers === null || Array.isArray(answers))
    return [{ message: 'answers must be an object mapping item ids to values' }];
  const errors: AnswerError[] = [];
  for (const [itemId, value] of Object.entries(answers as Record<string, AnswerValue>)) {
    const item = findItem(inst, itemId);
    if (!item) {
      errors.push({ itemId, message: `unknown item "${itemId}" for instrument ${inst.id}` });
      continue;
    }
    if (value === null || value === undefined) continue;
    const problem = checkAnswer(item, value);
    if (problem) errors.push({ itemId, message: problem });
  }
  return errors;
}

export function missingRequired(inst: Instrument, answers: Answers): string[] {
  return itemsOf(inst)
    .filter((i) => i.required && !isAnswered(answers[i.id]))
    .map((i) => i.id);
}

/** The score an answered scored item carries (a choice's option score, or a number's value). */
export function scoreOf(item: Item, value: AnswerValue | undefined): number | undefined {
  if (!isAnswered(value)) return undefined;
  if (item.kind === 'choice') return item.options.find((o) => o.value === value)?.score;
  if (item.kind === 'number') return typeof value === 'number' ? value : Number(value);
  return undefined;
}

/** The values of an answer as a list (a choice gives one, a multi many). */
export function valuesOf(value: AnswerValue | undefined): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value))
    return value.map((v) => (typeof v === 'string' ? v : Object.values(v).filter(Boolean).join(', ')));
  return [String(value)];
}

// Shapes that help without blocking: a report is always saved, whatever it holds.
const UK_REG = [
  /^[A-Z]{2}[0-9]{2}\s?[A-Z]{3}$/, // current (2001 on): AB12 CDE
  /^[A-Z][0-9]{1,3}\s?[A-Z]{3}$/, // prefix: A123 BCD
  /^[A-Z]{3}\s?[0-9]{1,3}[A-Z]$/, // suffix: ABC 123D
  /^[0-9]{1,4}\s?[A-Z]{1,3}$/, // dateless: 1234 AB
  /^[A-Z]{1,3}\s?[0-9]{1,4}$/, // dateless: AB 1234
];

export function shapeWarning(
  shape: 'uk-registration' | 'phone' | 'datetime' | undefined,
  value: string,
): string | undefined {
  const v = value.trim();
  if (!v || !shape) return undefined;
  if (shape === 'uk-registration') {
    const up = v.toUpperCase().replace(/\s+/g, ' ');
    // "AB12" or "AB12 C": the start of a current plate (it also fits an old dateless one, so it is said gently).
    if (/^[A-Z]{2}[0-9]{2}( ?[A-Z]{1,2})?$/.test(up))
      return 'This looks like part of a registration (a full one is like AB12 CDE). Saved as typed: partial plates help too.';
    return UK_REG.some((r) => r.test(up))
      ? undefined
      : 'This does not look like a UK registration (e.g. AB12 CDE). Saved as typed: partial plates help too.';
  }
  if (shape === 'phone') {
    const digits = v.replace(/[\s()-]/g, '');
    return /^(\+44|0)\d{9,10}$/.test(digits) || /^\+\d{8,15}$/.test(digits)
      ? undefined
      : 'This does not look like a full phone number. Saved as typed: part of a number can still help.';
  }
  return undefined;
}

/** The shape that applies to a field of this entry. */
export function entryShape(f: EntryField, entry: Entry): EntryField['shape'] {
  return f.shapeWhen && entry[f.shapeWhen.field] !== f.shapeWhen.equals ? undefined : f.shape;
}

/** Non-blocking warnings for an instrument's answers (shape checks on repeatable entries). */
export function answerWarnings(
  inst: Instrument,
  answers: Answers,
): { itemId: string; entry: number; field: string; message: string }[] {
  const out: { itemId: string; entry: number; field: string; message: string }[] = [];
  for (const item of itemsOf(inst)) {
    if (item.kind !== 'repeat') continue;
    const entries = answers[item.id];
    if (!Array.isArray(entries)) continue;
    entries.forEach((e, i) => {
      if (typeof e !== 'object') return;
      for (const f of item.fields) {
        const w = shapeWarning(entryShape(f, e), e[f.id] ?? '');
        if (w) out.push({ itemId: item.id, entry: i, field: f.id, message: w });
      }
    });
  }
  return out;
}

export function labelOf(item: Item, value: string): string {
  if (item.kind === 'choice' || item.kind === 'multi')
    return item.options.find((o) => o.value === value)?.label ?? value;
  return value;
}
