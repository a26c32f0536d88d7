// One component per item kind, GOV.UK-style: a fieldset and legend for
// choices, a label for inputs, a hint, an inline error. Every target is at
// least 48 CSS pixels tall so it can be hit with gloves on.
import { useState } from 'preact/hooks';
import { entryShape, parseDate, shapeWarning } from '../domain/index.ts';
import type { AnswerValue, DateItem, Entry, Item, RepeatItem } from '../domain/index.ts';
import { dateText } from '../shared-ui/record-document.tsx';

export interface FieldProps {
  item: Item;
  value: AnswerValue | undefined;
  error?: string | undefined;
  onChange: (value: AnswerValue | undefined) => void;
  /** Said back beneath the answer (the age worked out from a date of birth). */
  echo?: string | undefined;
}

/**
 * A date's three parts as stored: "YYYY-MM-DD" once whole, else the parts as
 * typed joined by "-" (a part left out is empty), so a half-typed date is kept
 * in the draft and Continue can say what is missing.
 */
export function dateParts(value: AnswerValue | undefined): { day: string; month: string; year: string } {
  if (typeof value !== 'string' || value === '') return { day: '', month: '', year: '' };
  const [year = '', month = '', day = ''] = value.slice(0, 10).split('-');
  const strip = (x: string) => (/^0\d$/.test(x) ? x.slice(1) : x);
  return { day: strip(day), month: strip(month), year };
}

/** The stored answer for three typed parts: a whole date as YYYY-MM-DD; nothing typed, no answer. */
export function dateFromParts(p: { day: string; month: string; year: string }): string | undefined {
  const [d, m, y] = [p.day.trim(), p.month.trim(), p.year.trim()];
  if (!d && !m && !y) return undefined;
  const pad = (x: string) => (/^\d$/.test(x) ? `0${x}` : x);
  return `${y}-${pad(m)}-${pad(d)}`;
}

/** GOV.UK's messages for a date (what is missing, or not a real date), or undefined when it is whole and real. */
export function dateProblem(item: DateItem, value: string, today?: string): string | undefined {
  if (item.precision !== 'date') return undefined;
  const p = dateParts(value);
  const missing = (['day', 'month', 'year'] as const).filter((k) => p[k].trim() === '');
  const name = item.text;
  if (missing.length === 3) return undefined;
  if (missing.length) return `${name} must include a ${missing.join(' and a ')}`;
  if (!/^\d{4}$/.test(p.year)) return `Year must include 4 numbers`;
  if (!/^\d{1,2}$/.test(p.day) || !/^\d{1,2}$/.test(p.month) || !parseDate(value)) return `${name} must be a real date`;
  if (/dob|birth/i.test(item.id) && today && value > today) return `${name} must be in the past`;
  return undefined;
}

function Hint({ item }: { item: Item }) {
  const parts: string[] = [];
  if (item.help) parts.push(item.help);
  if (item.kind === 'number') parts.push(`A whole number from ${item.min} to ${item.max}.`);
  return parts.length ? (
    <div class="hint" id={`${item.id}-hint`}>
      {parts.join(' ')}
    </div>
  ) : null;
}

function ErrorText({ id, error }: { id: string; error?: string | undefined }) {
  return error ? (
    <p class="field-error" id={`${id}-error`}>
      <span class="visually-hidden">Error:</span> {error}
    </p>
  ) : null;
}

function describedBy(item: Item, error?: string) {
  const ids = [];
  if (item.help || item.kind === 'number') ids.push(`${item.id}-hint`);
  if (error) ids.push(`${item.id}-error`);
  return ids.join(' ') || undefined;
}

const Required = ({ item }: { item: Item }) => (item.required ? <span class="required"> (required)</span> : null);

/** Label, hint and inline error around one input: the shape every single-input field shares. */
function Labelled({
  item,
  error,
  cls,
  children,
}: {
  item: Item;
  error?: string | undefined;
  cls: string;
  children: preact.ComponentChildren;
}) {
  return (
    <div class={cls} id={`field-${item.id}`}>
      <label for={item.id} class="label">
        {item.text}
        <Required item={item} />
      </label>
      <Hint item={item} />
      <ErrorText id={item.id} error={error} />
      {children}
    </div>
  );
}

/** Repeatable entries: add and remove persons, vehicles, places, numbers. Shape checks only warn. */
function RepeatField({
  item,
  value,
  onChange,
}: {
  item: RepeatItem;
  value: AnswerValue | undefined;
  onChange: (v: AnswerValue | undefined) => void;
}) {
  const entries: Entry[] = Array.isArray(value) ? (value as Entry[]).filter((e) => typeof e === 'object') : [];
  // Shape warnings show once the field is left (not at every key: a plate half-typed is not yet a problem).
  const [left, setLeft] = useState<ReadonlySet<string>>(new Set());
  const set = (next: Entry[]) => onChange(next.length ? next : undefined);
  const cap = item.entry.charAt(0).toUpperCase() + item.entry.slice(1);
  return (
    <div class="field repeat" id={`field-${item.id}`}>
      <fieldset>
        <legend>{item.text}</legend>
        {entries.length === 0 && <p class="hint">None added.</p>}
        {entries.map((entry, i) => (
          <fieldset class="entry" key={i} data-entry={`${item.id}-${i}`}>
            <legend>
              {cap} {i + 1}
            </legend>
            {item.fields.map((f) => {
              const id = `${item.id}-${i}-${f.id}`;
              const v = entry[f.id] ?? '';
              const warn = left.has(id) ? shapeWarning(entryShape(f, entry), v) : undefined;
              const update = (nv: string) => set(entries.map((e, j) => (j === i ? { ...e, [f.id]: nv } : e)));
              if (f.options)
                return (
                  <div class="sub-field" key={f.id}>
                    <label class="label" for={id}>
                      {f.label}
                    </label>
                    <select
                      id={id}
                      class="input select"
                      value={v}
                      onChange={(e) => update((e.target as HTMLSelectElement).value)}
                    >
                      <option value="">Choose…</option>
                      {f.options.map((o) => (
                        <option value={o.value} key={o.value}>
                          {o.label}
                        </option>
                      ))}
                    </select>
                  </div>
                );
              return (
                <div class="sub-field" key={f.id}>
                  <label class="label" for={id}>
                    {f.label}
                  </label>
                  {warn && (
                    <p class="hint warn" id={`${id}-warn`} data-testid="shape-warning">
                      {warn}
                    </p>
                  )}
                  <input
                    id={id}
                    class="input"
                    type={f.shape === 'datetime' ? 'datetime-local' : 'text'}
                    autocomplete="off"
                    autocapitalize={f.shape === 'uk-registration' ? 'characters' : undefined}
                    inputMode={f.shape === 'phone' ? 'tel' : undefined}
                    aria-describedby={warn ? `${id}-warn` : undefined}
                    value={v}
                    onInput={(e) => update((e.target as HTMLInputElement).value)}
                    onBlur={() => !left.has(id) && setLeft(new Set([...left, id]))}
                  />
                </div>
              );
            })}
            <button type="button" class="button secondary" onClick={() => set(entries.filter((_, j) => j !== i))}>
              Remove {item.entry} {i + 1}
            </button>
          </fieldset>
        ))}
        {entries.length < item.max && (
          <button type="button" class="button secondary" onClick={() => set([...entries, {}])}>
            Add {entries.length ? 'another' : 'a'} {item.entry}
          </button>
        )}
      </fieldset>
    </div>
  );
}

/** GOV.UK date input: Day, Month and Year, numbers only, so no browser's locale can swap day and month. */
function DateParts({ item, value, error, onChange, echo }: FieldProps & { item: DateItem }) {
  // The typed parts, kept as typed ("03" stays "03" while the field has focus).
  const [typed, setTyped] = useState(() => dateParts(value));
  const fromValue = dateParts(value);
  const shown = dateFromParts(typed) === (typeof value === 'string' ? value : undefined) ? typed : fromValue;
  const set = (k: 'day' | 'month' | 'year', v: string) => {
    const next = { ...shown, [k]: v.replace(/[^0-9]/g, '') };
    setTyped(next);
    onChange(dateFromParts(next));
  };
  const hintId = `${item.id}-hint`;
  return (
    <div class={`field${error ? ' has-error' : ''}`} id={`field-${item.id}`}>
      <fieldset role="group" aria-describedby={[hintId, error ? `${item.id}-error` : ''].filter(Boolean).join(' ')}>
        <legend>
          {item.text}
          <Required item={item} />
        </legend>
        <div class="hint" id={hintId}>
          {item.help ? `${item.help} ` : ''}For example, 27 3 2014
        </div>
        <ErrorText id={item.id} error={error} />
        <div class="date-input">
          {(
            [
              ['day', 'Day', item.id, 2],
              ['month', 'Month', `${item.id}-month`, 2],
              ['year', 'Year', `${item.id}-year`, 4],
            ] as const
          ).map(([k, label, id, width]) => (
            <div class="date-part" key={k}>
              <label class="label" for={id}>
                {label}
              </label>
              <input
                id={id}
                class={`input input-width-${width}`}
                type="text"
                inputMode="numeric"
                autocomplete="off"
                maxLength={width}
                aria-invalid={error ? 'true' : undefined}
                value={shown[k]}
                onInput={(e) => set(k, (e.target as HTMLInputElement).value)}
              />
            </div>
          ))}
        </div>
        {echo && (
          <p class="hint echo" aria-live="polite" data-testid={`${item.id}-echo`}>
            {echo}
          </p>
        )}
      </fieldset>
    </div>
  );
}

export function Field({ item, value, error, onChange, echo }: FieldProps) {
  const cls = `field${error ? ' has-error' : ''}`;
  switch (item.kind) {
    case 'repeat':
      return <RepeatField item={item} value={value} onChange={onChange} />;
    case 'choice':
    case 'multi': {
      const multi = item.kind === 'multi';
      const chosen: string[] = Array.isArray(value) ? (value as string[]) : value === undefined ? [] : [String(value)];
      return (
        <div class={cls} id={`field-${item.id}`}>
          <fieldset aria-describedby={describedBy(item, error)}>
            <legend>
              {item.text}
              <Required item={item} />
            </legend>
            <Hint item={item} />
            <ErrorText id={item.id} error={error} />
            <div class={`options${item.options.length === 2 || item.options.length === 3 ? ' inline' : ''}`}>
              {item.options.map((o, i) => {
                const id = `${item.id}-${i}`;
                const checked = chosen.includes(o.value);
                return (
                  <label class={`option${checked ? ' checked' : ''}`} for={id} key={o.value}>
                    <input
                      id={id}
                      type={multi ? 'checkbox' : 'radio'}
                      name={item.id}
                      value={o.value}
                      checked={checked}
                      onChange={() => {
                        if (!multi) return onChange(o.value);
                        const next = checked ? chosen.filter((v) => v !== o.value) : [...chosen, o.value];
                        onChange(next.length ? next : undefined);
                      }}
                    />
                    {o.score !== undefined && (
                      <span class="score" aria-hidden="true">
                        {o.score}
                      </span>
                    )}
                    <span class="option-label">
                      {o.label}
                      {o.score !== undefined && <span class="visually-hidden"> (scores {o.score})</span>}
                    </span>
                  </label>
                );
              })}
            </div>
          </fieldset>
        </div>
      );
    }
    case 'number':
      return (
        <Labelled item={item} error={error} cls={cls}>
          <input
            id={item.id}
            class="input input-short"
            type="text"
            inputMode="numeric"
            autocomplete="off"
            aria-describedby={describedBy(item, error)}
            aria-invalid={error ? 'true' : undefined}
            value={value === undefined ? '' : String(value)}
            onInput={(e) => {
              const raw = (e.target as HTMLInputElement).value.trim();
              onChange(raw === '' ? undefined : /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw);
            }}
          />
        </Labelled>
      );
    case 'date':
      if (item.precision === 'date')
        return <DateParts item={item} value={value} error={error} onChange={onChange} echo={echo} />;
      return (
        <Labelled item={item} error={error} cls={cls}>
          <input
            id={item.id}
            class="input input-medium"
            type="datetime-local"
            aria-describedby={[describedBy(item, error), typeof value === 'string' && value ? `${item.id}-uk` : '']
              .filter(Boolean)
              .join(' ')}
            value={typeof value === 'string' ? value : ''}
            onInput={(e) => onChange((e.target as HTMLInputElement).value || undefined)}
          />
          {typeof value === 'string' && value && (
            // The browser shows the date in its own locale's order: say it back the UK way.
            <p class="hint echo" id={`${item.id}-uk`}>
              {dateText(value)}
            </p>
          )}
        </Labelled>
      );
    case 'text': {
      const common = {
        id: item.id,
        'aria-describedby': describedBy(item, error),
        value: typeof value === 'string' ? value : '',
        autocomplete: 'off',
        spellcheck: true,
        onInput: (e: Event) => onChange((e.target as HTMLInputElement).value || undefined),
      };
      return (
        <Labelled item={item} error={error} cls={cls}>
          {item.multiline ? (
            <textarea class="input textarea" rows={4} {...common} />
          ) : (
            <input class="input" type="text" {...common} />
          )}
        </Labelled>
      );
    }
  }
}
