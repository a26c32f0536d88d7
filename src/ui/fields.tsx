// One component per item kind, GOV.UK-style: a fieldset and legend for
// choices, a label for inputs, a hint, an inline error. Every target is at
// least 48 CSS pixels tall so it can be hit with gloves on.
import { entryShape, shapeWarning } from '../domain/index.ts';
import type { AnswerValue, Entry, Item, RepeatItem } from '../domain/index.ts';

export interface FieldProps {
  item: Item;
  value: AnswerValue | undefined;
  error?: string | undefined;
  onChange: (value: AnswerValue | undefined) => void;
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
              const warn = shapeWarning(entryShape(f, entry), v);
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

export function Field({ item, value, error, onChange }: FieldProps) {
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
      return (
        <Labelled item={item} error={error} cls={cls}>
          <input
            id={item.id}
            class="input input-medium"
            type={item.precision === 'date' ? 'date' : 'datetime-local'}
            aria-describedby={describedBy(item, error)}
            value={typeof value === 'string' ? value : ''}
            onInput={(e) => onChange((e.target as HTMLInputElement).value || undefined)}
          />
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
