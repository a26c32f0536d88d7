// Small builders so each instrument module reads like the form it encodes.
// Every builder takes the seed line(s) the text comes from.
import type {
  ChoiceItem,
  DateItem,
  EntryField,
  NumberItem,
  Option,
  RepeatItem,
  SourceRef,
  TextItem,
} from '../engine/types.ts';

/** A line locator bound to one seed file: `L(559)` or `L(1500, 1508)`. */
export function lines(file: string) {
  return (line: number, endLine?: number): SourceRef =>
    endLine && endLine !== line ? { file, line, endLine } : { file, line };
}

/** A 1–5 (or any) scored single-choice item: options are [score, label, src]. */
export function scored(
  id: string,
  text: string,
  src: SourceRef,
  options: [number, string, SourceRef][],
  extra: Partial<ChoiceItem> = {},
): ChoiceItem {
  return {
    id,
    kind: 'choice',
    text,
    required: true,
    src,
    options: options.map(([score, label, osrc]) => ({ value: String(score), label, score, src: osrc })),
    ...extra,
  };
}

const NOT_TICKED_WHY =
  'The paper form has a tick box only. The app asks for an explicit "not ticked" so that a box left blank is never read as considered and absent.';

/** A tick-box indicator as a yes/no choice. `header` is the tick column's heading line. */
export function tick(
  id: string,
  text: string,
  src: SourceRef,
  header: SourceRef,
  required: boolean,
  extra: Partial<ChoiceItem> = {},
): ChoiceItem {
  const options: Option[] = [
    { value: 'yes', label: 'Ticked', src: header },
    { value: 'no', label: 'Not ticked', src: header, appAdded: NOT_TICKED_WHY },
  ];
  return { id, kind: 'choice', text, required, src, options, ...extra };
}

export function choice(
  id: string,
  text: string,
  src: SourceRef,
  options: Option[],
  required = false,
  extra: Partial<ChoiceItem> = {},
): ChoiceItem {
  return { id, kind: 'choice', text, required, src, options, ...extra };
}

/**
 * A yes/no question. Where the paper form prints the question but no answer
 * boxes, pass `optionsAppAdded` to say so: the options are then marked app-added.
 */
export function yesNo(
  id: string,
  text: string,
  src: SourceRef,
  optionsSrc: SourceRef,
  required = false,
  extra: Partial<ChoiceItem> = {},
  optionsAppAdded?: string,
): ChoiceItem {
  const added = optionsAppAdded ? { appAdded: optionsAppAdded } : {};
  return choice(
    id,
    text,
    src,
    [
      { value: 'yes', label: 'Yes', src: optionsSrc, ...added },
      { value: 'no', label: 'No', src: optionsSrc, ...added },
    ],
    required,
    extra,
  );
}

export function text(id: string, label: string, src: SourceRef, extra: Partial<TextItem> = {}): TextItem {
  return { id, kind: 'text', text: label, required: false, src, sensitive: true, ...extra };
}

export function date(
  id: string,
  label: string,
  src: SourceRef,
  precision: 'date' | 'datetime' = 'date',
  extra: Partial<DateItem> = {},
): DateItem {
  return { id, kind: 'date', text: label, required: false, src, precision, ...extra };
}

export function number(
  id: string,
  label: string,
  src: SourceRef,
  min: number,
  max: number,
  extra: Partial<NumberItem> = {},
): NumberItem {
  return { id, kind: 'number', text: label, required: false, src, min, max, integer: true, ...extra };
}

/** Repeatable entries; `why` says why the app structures what the paper form leaves to free text. */
export function repeat(
  id: string,
  label: string,
  src: SourceRef,
  entry: string,
  fields: EntryField[],
  why: string,
  max = 20,
): RepeatItem {
  return { id, kind: 'repeat', text: label, required: false, src, entry, fields, max, sensitive: true, appAdded: why };
}
