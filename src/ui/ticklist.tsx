// Tick-lists as the GOV.UK checkbox pattern. A section whose items are all
// "Ticked / Not ticked" choices (the "Not ticked" answer added by the app, as
// the paper has a tick box only) is shown as ONE question, "Select all that
// apply", with a checkbox per indicator and an exclusive "None of these".
// The instrument and the stored answers do not change: a tick stores the
// ticked value ('yes'), and when the section is confirmed (Continue) every
// box left unticked becomes 'no'. A section confirmed with nothing selected
// needs "None of these", so a blank is never read as considered and absent.
import { isTickItem } from '../domain/index.ts';
import type { AnswerValue, Answers, ChoiceItem, Section } from '../domain/index.ts';

/** The app-added "not ticked" value. */
const NOT_TICKED = 'no';

/** A tick box of the paper form (the domain's test, kept here for the tests that import it from the tick-list). */
export { isTickItem };

/** The section's tick boxes, asked together as one "Select all that apply" question. */
export function tickItemsOf(section: Section): ChoiceItem[] {
  return section.items.filter(isTickItem) as ChoiceItem[];
}

/** True when the section has tick boxes (other items in it, such as a text field, are asked first, as usual). */
export function isTickList(section: Section): boolean {
  return tickItemsOf(section).length > 0;
}

/** The answers a ticked box can hold: one ('yes'), or a choice of tick columns (Sandwell: current / prior). */
export function tickedOptions(item: ChoiceItem) {
  return item.options.filter((o) => o.value !== NOT_TICKED);
}

const isTicked = (item: ChoiceItem, v: AnswerValue | undefined) =>
  typeof v === 'string' && v !== NOT_TICKED && item.options.some((o) => o.value === v);

/** "None of these" is on when every box in the section holds "not ticked". */
export function noneSelected(section: Section, answers: Answers): boolean {
  return tickItemsOf(section).every((i) => answers[i.id] === NOT_TICKED);
}

/**
 * Problems that stop the section being confirmed: nothing selected without
 * "None of these", or a box ticked without saying which column (when).
 */
export function tickListErrors(
  section: Section,
  answers: Answers,
  pending: ReadonlySet<string>,
): { itemId: string; message: string }[] {
  const items = tickItemsOf(section);
  const errors: { itemId: string; message: string }[] = [];
  for (const item of items)
    if (pending.has(item.id) && !isTicked(item, answers[item.id]))
      errors.push({ itemId: item.id, message: `Select when for “${item.text}”` });
  const anything = items.some((i) => isTicked(i, answers[i.id]) || pending.has(i.id));
  if (!anything && !noneSelected(section, answers))
    errors.unshift({
      itemId: `section-${section.id}`,
      message: `Select the ${section.title.toLowerCase()} that apply, or select “None of these”`,
    });
  return errors;
}

/** The answers once the section is confirmed: every box left unticked is "not ticked". */
export function confirmTickList(section: Section, answers: Answers): Answers {
  const next = { ...answers };
  for (const item of tickItemsOf(section)) if (!isTicked(item, next[item.id])) next[item.id] = NOT_TICKED;
  return next;
}

export function TickListField({
  section,
  answers,
  pending,
  errors,
  onChange,
  onPending,
}: {
  section: Section;
  answers: Answers;
  /** Boxes ticked whose tick column (when) is not chosen yet. */
  pending: ReadonlySet<string>;
  errors: { itemId: string; message: string }[];
  onChange: (changes: Record<string, AnswerValue | undefined>) => void;
  onPending: (itemId: string, on: boolean) => void;
}) {
  const items = tickItemsOf(section);
  const none = noneSelected(section, answers);
  const sectionError = errors.find((e) => e.itemId === `section-${section.id}`)?.message;
  const required = items.some((i) => i.required);
  const hintId = `section-${section.id}-hint`;
  const errorId = `section-${section.id}-error`;

  const tick = (item: ChoiceItem, on: boolean) => {
    const changes: Record<string, AnswerValue | undefined> = {};
    if (on && none) for (const other of items) changes[other.id] = undefined; // ticking a box clears "None of these"
    const columns = tickedOptions(item);
    if (on && columns.length === 1) changes[item.id] = columns[0]!.value;
    else if (on) onPending(item.id, true);
    else {
      changes[item.id] = undefined;
      onPending(item.id, false);
    }
    onChange(changes);
  };

  return (
    <div
      class={`field ticklist${sectionError ? ' has-error' : ''}`}
      id={`field-section-${section.id}`}
      data-ticklist={section.id}
    >
      <fieldset aria-describedby={[hintId, sectionError ? errorId : ''].filter(Boolean).join(' ')}>
        <legend>
          Select all that apply
          {required && <span class="required"> (required)</span>}
        </legend>
        <div class="hint" id={hintId}>
          Tick each that applies. If none does, select “None of these”.
        </div>
        {sectionError && (
          <p class="field-error" id={errorId}>
            <span class="visually-hidden">Error:</span> {sectionError}
          </p>
        )}
        <div class="options checkboxes">
          {items.map((item) => {
            const v = answers[item.id];
            const checked = isTicked(item, v) || pending.has(item.id);
            const columns = tickedOptions(item);
            const whenError = errors.find((e) => e.itemId === item.id)?.message;
            const id = `${item.id}-tick`;
            return (
              <div key={item.id} id={`field-${item.id}`} class={whenError ? 'has-error' : undefined}>
                <label class={`option${checked ? ' checked' : ''}`} for={id}>
                  <input
                    id={id}
                    type="checkbox"
                    name={`section-${section.id}`}
                    value={item.id}
                    checked={checked}
                    aria-controls={columns.length > 1 ? `${item.id}-when` : undefined}
                    aria-expanded={columns.length > 1 ? checked : undefined}
                    onChange={() => tick(item, !checked)}
                  />
                  <span class="option-label">{item.text}</span>
                </label>
                {columns.length > 1 && checked && (
                  // GOV.UK conditional reveal: the paper's tick columns, asked once the box is ticked.
                  <div class="conditional" id={`${item.id}-when`}>
                    <fieldset>
                      <legend class="label">When?</legend>
                      {whenError && (
                        <p class="field-error">
                          <span class="visually-hidden">Error:</span> {whenError}
                        </p>
                      )}
                      <div class="options">
                        {columns.map((o, i) => (
                          <label
                            class={`option${v === o.value ? ' checked' : ''}`}
                            for={`${item.id}-when-${i}`}
                            key={o.value}
                          >
                            <input
                              id={`${item.id}-when-${i}`}
                              type="radio"
                              name={`${item.id}-when`}
                              value={o.value}
                              checked={v === o.value}
                              onChange={() => {
                                onPending(item.id, false);
                                onChange({ [item.id]: o.value });
                              }}
                            />
                            <span class="option-label">{o.label}</span>
                          </label>
                        ))}
                      </div>
                    </fieldset>
                  </div>
                )}
              </div>
            );
          })}
          <p class="options-divider">or</p>
          <label class={`option${none ? ' checked' : ''}`} for={`section-${section.id}-none`}>
            <input
              id={`section-${section.id}-none`}
              type="checkbox"
              name={`section-${section.id}`}
              value="none"
              checked={none}
              onChange={() => {
                // Exclusive: "None of these" clears every tick, and says each box is considered and absent.
                const changes: Record<string, AnswerValue | undefined> = {};
                for (const item of items) {
                  changes[item.id] = none ? undefined : NOT_TICKED;
                  onPending(item.id, false);
                }
                onChange(changes);
              }}
            />
            <span class="option-label">None of these</span>
          </label>
        </div>
      </fieldset>
    </div>
  );
}
