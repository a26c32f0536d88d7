// The instrument runner: one section a page, progress, answers saved as they
// are typed (debounced, and flushed when the page is hidden or closed).
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { checkAnswer, isAnswered } from '../engine/answers.ts';
import type { AnswerValue, Answers, Item } from '../engine/types.ts';
import { getInstrument } from '../instruments/catalogue.ts';
import { createAutosaver } from '../store/autosave.ts';
import { describeStorageError } from '../store/errors.ts';
import type { RecordRow } from '../store/db.ts';
import { saveDraft } from '../store/records.ts';
import { useApp } from './context.ts';
import { ErrorSummary, Field } from './fields.tsx';
import { go } from './router.ts';

/** The message a practitioner sees for an invalid answer (the engine's is for machines). */
export function fieldMessage(item: Item, value: AnswerValue): string | undefined {
  if (!checkAnswer(item, value)) return undefined;
  if (item.kind === 'number') return `Enter a whole number from ${item.min} to ${item.max} for “${item.text}”`;
  if (item.kind === 'date') return `Enter a real date for “${item.text}”`;
  return `Choose one of the answers for “${item.text}”`;
}

export function Runner({ record, section: sectionParam }: { record: RecordRow; section?: number | undefined }) {
  const { db, setSaveStatus } = useApp();
  const inst = getInstrument(record.instrumentId)!;
  const [answers, setAnswers] = useState<Answers>(record.answers);
  const [errors, setErrors] = useState<{ itemId: string; message: string }[]>([]);
  const [tries, setTries] = useState(0);
  const index = Math.min(Math.max(sectionParam ?? record.section ?? 0, 0), inst.sections.length - 1);
  const section = inst.sections[index]!;
  const state = useRef({ answers, index });
  state.current = { answers, index };

  const saver = useMemo(
    () =>
      createAutosaver<{ answers: Answers; section: number }>(
        (v) => saveDraft(db, record.id, v.answers, v.section),
        (s, e) => setSaveStatus(s, e ? describeStorageError(e).message : undefined),
      ),
    [db, record.id],
  );

  useEffect(() => {
    const flush = () => void saver.flush();
    const onHide = () => document.visibilityState === 'hidden' && flush();
    addEventListener('pagehide', flush);
    document.addEventListener('visibilitychange', onHide);
    return () => {
      removeEventListener('pagehide', flush);
      document.removeEventListener('visibilitychange', onHide);
      void saver.flush().finally(() => (saver as { dispose?: () => void }).dispose?.());
    };
  }, [saver]);

  // Remember the section moved to, so a resumed draft opens where it was left.
  useEffect(() => {
    if (index !== record.section) saver.change({ answers: state.current.answers, section: index });
  }, [index]);

  const update = (itemId: string, value: AnswerValue | undefined) => {
    const next = { ...state.current.answers };
    if (value === undefined) delete next[itemId];
    else next[itemId] = value;
    setAnswers(next);
    saver.change({ answers: next, section: index });
    if (errors.some((e) => e.itemId === itemId)) setErrors(errors.filter((e) => e.itemId !== itemId));
  };

  const sectionErrors = () =>
    section.items.flatMap((item) => {
      const v = answers[item.id];
      if (!isAnswered(v)) return [];
      const message = fieldMessage(item, v as AnswerValue);
      return message ? [{ itemId: item.id, message }] : [];
    });

  const move = async (to: number | 'check') => {
    const errs = sectionErrors();
    setErrors(errs);
    setTries((n) => n + 1);
    if (errs.length) return;
    await saver.flush();
    if (to === 'check') go({ name: 'check', recordId: record.id });
    else go({ name: 'run', recordId: record.id, section: to });
  };

  const untickable = section.items.filter(
    (i) => i.kind === 'choice' && i.options.some((o) => o.value === 'no' && o.appAdded) && !isAnswered(answers[i.id]),
  );

  return (
    <>
      <p class="caption">
        {inst.title} · Section {index + 1} of {inst.sections.length}
      </p>
      <progress class="progress" max={inst.sections.length} value={index + 1} aria-label={`Section ${index + 1} of ${inst.sections.length}`} />
      <h1 tabIndex={-1}>{section.title}</h1>
      {index === 0 && inst.restriction && (
        <div class="warning-text" role="note">
          <strong>{inst.restriction.text}</strong>
        </div>
      )}
      {section.note && <p class="inset">{section.note.text}</p>}
      {answers['immediate-danger'] === 'yes' && (
        <div class="warning-text emergency" role="alert" data-testid="danger-999">
          <strong>A child is in immediate danger: call 999 now, before anything else.</strong>{' '}
          <a class="button danger call" href="tel:999">
            Call 999
          </a>
        </div>
      )}
      <ErrorSummary errors={errors} focusKey={tries} />
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void move(index + 1 < inst.sections.length ? index + 1 : 'check');
        }}
      >
        {section.items.map((item) => (
          <Field key={item.id} item={item} value={answers[item.id]} error={errors.find((e) => e.itemId === item.id)?.message} onChange={(v) => update(item.id, v)} />
        ))}
        {untickable.length > 0 && (
          <button
            type="button"
            class="button secondary"
            onClick={() => {
              const next = { ...state.current.answers };
              for (const i of untickable) next[i.id] = 'no';
              setAnswers(next);
              saver.change({ answers: next, section: index });
            }}
          >
            Mark the {untickable.length} unanswered in this section “Not ticked”
          </button>
        )}
        <div class="button-row">
          {index > 0 && (
            <button type="button" class="button secondary" onClick={() => void move(index - 1)}>
              Back
            </button>
          )}
          <button type="submit" class="button">
            {index + 1 < inst.sections.length ? 'Continue' : 'Check answers'}
          </button>
        </div>
      </form>
    </>
  );
}
