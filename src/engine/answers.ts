// Checking answers against a definition. Bad input is named precisely so the
// practitioner (or the CLI user, or the endpoint's caller) can fix it.
import type { AnswerError, AnswerValue, Answers, Instrument, Item } from './types.ts';

export function itemsOf(inst: Instrument): Item[] {
  return inst.sections.flatMap((s) => s.items);
}

export function findItem(inst: Instrument, itemId: string): Item | undefined {
  return itemsOf(inst).find((i) => i.id === itemId);
}

/** True when the item holds an answer (an empty string or empty list is no answer). */
export function isAnswered(value: AnswerValue | undefined): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  return Number.isFinite(value);
}

export function checkAnswer(item: Item, value: AnswerValue): string | undefined {
  switch (item.kind) {
    case 'choice': {
      if (typeof value !== 'string') return `"${item.id}" takes one of ${optionList(item)}; got ${JSON.stringify(value)}`;
      if (!item.options.some((o) => o.value === value))
        return `"${item.id}": ${JSON.stringify(value)} is not one of the options ${optionList(item)}`;
      return undefined;
    }
    case 'multi': {
      if (!Array.isArray(value) || value.some((x) => typeof x !== 'string'))
        return `"${item.id}" takes a list of values from ${optionList(item)}`;
      const bad = value.filter((x) => !item.options.some((o) => o.value === x));
      if (bad.length) return `"${item.id}": ${bad.map((b) => JSON.stringify(b)).join(', ')} not among the options ${optionList(item)}`;
      if (new Set(value).size !== value.length) return `"${item.id}": a value is given twice`;
      return undefined;
    }
    case 'number': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n)) return `"${item.id}" takes a number from ${item.min} to ${item.max}`;
      if (item.integer && !Number.isInteger(n)) return `"${item.id}" takes a whole number from ${item.min} to ${item.max}; got ${n}`;
      if (n < item.min || n > item.max) return `"${item.id}": ${n} is out of range (${item.min} to ${item.max})`;
      return undefined;
    }
    case 'text':
      return typeof value === 'string' ? undefined : `"${item.id}" takes text`;
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
  if (Array.isArray(value)) return value;
  return [String(value)];
}

export function labelOf(item: Item, value: string): string {
  if (item.kind === 'choice' || item.kind === 'multi') return item.options.find((o) => o.value === value)?.label ?? value;
  return value;
}
