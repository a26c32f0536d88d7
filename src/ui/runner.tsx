// The instrument runner: one section a page, progress, answers saved as they
// are typed (debounced, and flushed when the page is hidden or closed).
// The first page asks the child reference too, so a tool opens from its card
// straight into its questions; the draft is made on the first thing entered.
// Tick-lists use the checkbox pattern (ticklist.tsx); the outcome shows as
// soon as the answers decide it (live-outcome.tsx); Continue checks the page.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  FACT_SECTION_ID,
  NOTHING_TO_REPORT,
  ageOn,
  checkAnswer,
  isAnswered,
  isAsked,
  localDate,
  parseDate,
  unansweredFacts,
} from '../domain/index.ts';
import type { AnswerValue, Answers, Item } from '../domain/index.ts';
import { getInstrument } from '../domain/index.ts';
import { createAutosaver } from '../store/autosave.ts';
import { describeStorageError } from '../store/errors.ts';
import type { RecordRow } from '../store/db.ts';
import { changeStamp, createDraft, newId, noteDraft, resumeSection, saveDraft } from '../store/records.ts';
import { useApp } from './context.ts';
import { ErrorSummary } from '../shared-ui/error-summary.tsx';
import { Field, dateProblem } from './fields.tsx';
import { LiveOutcome, draftResult } from './live-outcome.tsx';
import { go, href } from './router.ts';
import { TickListField, confirmTickList, isTickItem, isTickList, tickListErrors } from './ticklist.tsx';

/** The message a practitioner sees for an invalid answer (the engine's is for machines). */
export function fieldMessage(item: Item, value: AnswerValue): string | undefined {
  if (item.kind === 'date' && typeof value === 'string') {
    const problem = dateProblem(item, value, localDate(new Date()));
    if (problem) return problem;
  }
  if (!checkAnswer(item, value)) return undefined;
  if (item.kind === 'number') return `Enter a whole number from ${item.min} to ${item.max} for “${item.text}”`;
  if (item.kind === 'date') return `Enter a real date for “${item.text}”`;
  return `Choose one of the answers for “${item.text}”`;
}

/** The message for a required answer left blank, GOV.UK style. */
export function requiredMessage(item: Item): string {
  return item.kind === 'choice' || item.kind === 'multi'
    ? `Select an answer for “${item.text}”`
    : `Enter “${item.text}”`;
}

/** "7 December 2026": a day the way it is said in the UK. */
export function longDate(iso: string): string {
  const d = parseDate(iso);
  if (!d) return iso;
  return new Date(d.y, d.m - 1, d.d).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' });
}

const DOB_ITEMS = ['fact-dob', 'yp-dob'];
const ASSESSED_ON = ['fact-assessment-date', 'assessment-date'];

/** The age said back beneath a date of birth: "12 years old on 7 December 2026" (on the date of assessment, else today). */
export function ageEcho(item: Item, answers: Answers, today = localDate(new Date())): string | undefined {
  if (!DOB_ITEMS.includes(item.id)) return undefined;
  const dob = answers[item.id];
  if (typeof dob !== 'string' || !parseDate(dob) || !/^\d{4}-\d{2}-\d{2}$/.test(dob)) return undefined;
  const given = ASSESSED_ON.map((id) => answers[id]).find(
    (v): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && !!parseDate(v),
  );
  const on = given ?? today;
  const age = ageOn(dob, on);
  if (age === undefined) return undefined;
  return `${age === 0 ? 'Under 1 year' : age === 1 ? '1 year' : `${age} years`} old on ${longDate(on)}`;
}

/** Information reports are filed without a child reference (Home names them). */
export const asksChildRef = (instrumentId: string) => getInstrument(instrumentId)?.kind !== 'information-report';

/** A change to the draft: its answers, the page (by number and id), the reference, and when (changeStamp). */
type Draft = { answers: Answers; section: number; childRef?: string; at: number };

export function Runner({
  record,
  section: sectionParam,
  change = false,
  isNew = false,
  carriedFrom,
}: {
  record: RecordRow;
  section?: number | undefined;
  /** Opened from Check answers: Continue goes back there. */
  change?: boolean;
  /** Not stored yet: made on the first thing entered, or on Continue. */
  isNew?: boolean;
  /** The tool a carried child reference comes from (a re-assessment or a follow-on). */
  carriedFrom?: string | undefined;
}) {
  const { db, setSaveStatus } = useApp();
  const inst = getInstrument(record.instrumentId)!;
  const [answers, setAnswers] = useState<Answers>(record.answers);
  const [childRef, setChildRef] = useState(record.childRef);
  const [pending, setPending] = useState<ReadonlySet<string>>(new Set());
  const [errors, setErrors] = useState<{ itemId: string; message: string }[]>([]);
  const [tries, setTries] = useState(0);
  const index = Math.min(Math.max(sectionParam ?? resumeSection(record), 0), inst.sections.length - 1);
  const section = inst.sections[index]!;
  const tickList = isTickList(section);
  // A record in a child's chain keeps the reference it was started with.
  const refAsked = index === 0 && asksChildRef(inst.id) && !record.previousId;
  const state = useRef({ answers, index, childRef });
  state.current = { answers, index, childRef };

  // The record's id: known for a stored draft; for a new one, made once, on the first save.
  const idRef = useRef<string | undefined>(isNew ? undefined : record.id);
  // A new draft's id, chosen now: Continue can open the next page while the draft is still being stored.
  const plannedId = useRef(isNew ? newId() : record.id);
  const creating = useRef<Promise<string>>();
  const ensureRecord = (v: Draft): Promise<string> => {
    if (idRef.current) return Promise.resolve(idRef.current);
    creating.current ??= createDraft(db, {
      id: plannedId.current,
      instrumentId: inst.id,
      childRef: v.childRef ?? record.childRef,
      answers: v.answers,
      ...(record.previousId ? { previousId: record.previousId } : {}),
    }).then(
      (row) => {
        idRef.current = row.id;
        // The address becomes the draft's, without a navigation, so a reload resumes it;
        // unless the person has already moved on to another screen.
        if (location.hash.startsWith('#/start/'))
          history.replaceState(
            history.state,
            '',
            href({ name: 'run', recordId: row.id, section: state.current.index }),
          );
        return row.id;
      },
      (e) => {
        creating.current = undefined; // try again on the next save
        throw e;
      },
    );
    return creating.current;
  };

  const saver = useMemo(
    () =>
      createAutosaver<Draft>(
        async (v) => {
          const id = await ensureRecord(v);
          // One more turn of the microtask queue (no task boundary, so nothing typed waits on a timer):
          // after Continue, the next page (queued by the same click) is drawn before the storage work starts.
          await null;
          return saveDraft(db, id, v.answers, v.section, v.childRef, {
            sectionId: inst.sections[v.section]?.id,
            at: v.at,
          });
        },
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

  const snapshot = (next: Partial<Draft> = {}): Draft => ({
    answers: state.current.answers,
    section: index,
    at: changeStamp(),
    ...(refAsked ? { childRef: state.current.childRef } : {}),
    ...next,
  });

  // Remember the section moved to, so a resumed draft opens where it was left.
  useEffect(() => {
    if (!isNew && (index !== record.section || record.sectionId !== section.id)) saver.change(snapshot());
  }, [index]);

  const clearErrors = (ids: string[]) => {
    if (errors.some((e) => ids.includes(e.itemId))) setErrors((es) => es.filter((e) => !ids.includes(e.itemId)));
  };

  const updateMany = (changes: Record<string, AnswerValue | undefined>) => {
    const next = { ...state.current.answers };
    for (const [itemId, value] of Object.entries(changes)) {
      if (value === undefined) delete next[itemId];
      else next[itemId] = value;
    }
    state.current.answers = next;
    setAnswers(next);
    saver.change(snapshot({ answers: next }));
    clearErrors([...Object.keys(changes), `section-${section.id}`]);
  };
  const update = (itemId: string, value: AnswerValue | undefined) => updateMany({ [itemId]: value });
  const setTickPending = (itemId: string, on: boolean) =>
    setPending((p) => {
      if (p.has(itemId) === on) return p;
      const n = new Set(p);
      if (on) n.add(itemId);
      else n.delete(itemId);
      return n;
    });

  /** Everything on this page that stops Continue, in page order. */
  const pageErrors = (): { itemId: string; message: string }[] => {
    const out: { itemId: string; message: string }[] = [];
    if (refAsked && !state.current.childRef.trim())
      out.push({ itemId: 'child-ref', message: 'Enter a reference for the child' });
    for (const item of section.items) {
      if (tickList && isTickItem(item)) continue; // asked together below
      if (!isAsked(item, answers)) continue;
      const v = answers[item.id];
      if (!isAnswered(v)) {
        if (item.required) out.push({ itemId: item.id, message: requiredMessage(item) });
        continue;
      }
      const message = fieldMessage(item, v as AnswerValue);
      if (message) out.push({ itemId: item.id, message });
    }
    return tickList ? [...out, ...tickListErrors(section, answers, pending)] : out;
  };

  const leave = async (to: number | 'check', confirm: boolean) => {
    if (confirm) {
      const errs = pageErrors();
      if (errs.length) {
        setErrors(errs);
        setTries((n) => n + 1);
        return;
      }
      let confirmed = tickList ? confirmTickList(section, state.current.answers) : { ...state.current.answers };
      // A follow-up whose question no longer applies (a withdrawal, once "No" is the answer) is not kept.
      for (const item of section.items) if (!isAsked(item, confirmed)) delete confirmed[item.id];
      confirmed = { ...confirmed };
      // Not drawn here: this page is being left, and drawing it again would delay the next one (the
      // state is set below if the page stays, on a storage error).
      state.current.answers = confirmed;
    }
    saver.change(snapshot({ section: to === 'check' ? index : to }));
    // Started now, so a new draft's storing has begun (and has its id) before the move below.
    const flushing = saver.flush();
    try {
      // Another page of a stored draft opens at once, from what is being written (the store's copy
      // of the record is updated as the write starts); the write finishes as this page unmounts,
      // and a failure shows in the header. The check page waits for it: finishing reads the store.
      // (A new draft being stored counts: its id is chosen, and the store's copy is noted as the write starts.)
      const known = idRef.current ?? (creating.current ? plannedId.current : undefined);
      if (to !== 'check' && known) {
        const id = known;
        const v = snapshot({ section: to });
        noteDraft(id, {
          answers: v.answers,
          section: to,
          ...(inst.sections[to] ? { sectionId: inst.sections[to].id } : {}),
          ...(v.childRef !== undefined ? { childRef: v.childRef } : {}),
        });
        void flushing.catch(() => {});
        go({ name: 'run', recordId: id, section: to });
        return;
      }
      await flushing;
      const id = idRef.current ?? (await ensureRecord(snapshot()));
      if (to === 'check') go({ name: 'check', recordId: id });
      else go({ name: 'run', recordId: id, section: to });
    } catch (e) {
      setAnswers(state.current.answers);
      setErrors([{ itemId: '', message: describeStorageError(e).message }]);
    }
  };

  const result = useMemo(() => draftResult(inst, answers), [inst, answers]);
  const last = index + 1 >= inst.sections.length;
  const forward = change || last ? 'check' : index + 1;
  const factsAt = inst.sections.findIndex((s) => s.id === FACT_SECTION_ID);
  const factsBlank = unansweredFacts(inst, answers);
  // One tap for a child with nothing to report: No to each question that changes what to do, and on.
  const nothingToReport =
    section.id === FACT_SECTION_ID &&
    section.items.some((i) => i.id in NOTHING_TO_REPORT) &&
    section.items.every((i) => !(i.id in NOTHING_TO_REPORT) || !isAnswered(answers[i.id]));
  const reportNothing = () => {
    const changes: Record<string, AnswerValue> = {};
    for (const i of section.items) if (i.id in NOTHING_TO_REPORT) changes[i.id] = NOTHING_TO_REPORT[i.id]!;
    updateMany(changes);
    void leave(forward, true);
  };

  return (
    <>
      <p class="caption">
        {inst.title} · Section {index + 1} of {inst.sections.length}
      </p>
      <progress
        class="progress"
        max={inst.sections.length}
        value={index + 1}
        aria-label={`Section ${index + 1} of ${inst.sections.length}`}
      />
      <h1 tabIndex={-1}>{section.title}</h1>
      {index === 0 && record.previousId && asksChildRef(inst.id) && (
        <p class="inset" data-testid="carried-ref">
          Child reference <strong>{record.childRef}</strong>, carried from{' '}
          {carriedFrom ? `the ${carriedFrom}` : 'this child’s earlier record'}.
        </p>
      )}
      {index === 0 && inst.restriction && (
        <div class="warning-text" role="note">
          <strong>{inst.restriction.text}</strong>
        </div>
      )}
      {section.note && <p class="inset">{section.note.text}</p>}
      {nothingToReport && (
        <div class="nothing-to-report" data-testid="nothing-to-report">
          <p class="hint" id="nothing-to-report-hint">
            If none of these has happened and you have no concern about any of them, this records No to immediate
            danger, a sexual assault, missing now and trafficking, and goes on.
          </p>
          <button
            type="button"
            class="button secondary"
            aria-describedby="nothing-to-report-hint"
            onClick={reportNothing}
          >
            Nothing to report on these
          </button>
        </div>
      )}
      {answers['immediate-danger'] === 'yes' && (
        <div class="warning-text emergency" role="alert" data-testid="danger-999">
          <strong>A child is in immediate danger: call 999 now, before anything else.</strong>{' '}
          <a class="button danger call" href="tel:999">
            Call 999
          </a>
        </div>
      )}
      <ErrorSummary
        errors={errors.map((e) => ({ itemId: e.itemId || undefined, message: e.message }))}
        focusKey={tries}
      />
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void leave(forward, true);
        }}
      >
        {refAsked && (
          <div class={`field${errors.some((e) => e.itemId === 'child-ref') ? ' has-error' : ''}`} id="field-child-ref">
            <label class="label" for="child-ref">
              Child reference<span class="required"> (required)</span>
            </label>
            <div class="hint" id="child-ref-hint">
              Initials or your case number: enough to find this child's records again. Use the same reference when you
              re-assess.
            </div>
            {errors.some((e) => e.itemId === 'child-ref') && (
              <p class="field-error" id="child-ref-error">
                <span class="visually-hidden">Error:</span> Enter a reference for the child
              </p>
            )}
            <input
              id="child-ref"
              class="input input-medium"
              type="text"
              autocomplete="off"
              aria-describedby={
                errors.some((e) => e.itemId === 'child-ref') ? 'child-ref-hint child-ref-error' : 'child-ref-hint'
              }
              value={childRef}
              onInput={(e) => {
                const v = (e.target as HTMLInputElement).value;
                state.current.childRef = v;
                setChildRef(v);
                saver.change(snapshot({ childRef: v }));
                clearErrors(['child-ref']);
              }}
            />
          </div>
        )}
        {section.items
          .filter((item) => !(tickList && isTickItem(item)) && isAsked(item, answers))
          .map((item) => (
            <Field
              key={item.id}
              item={item}
              value={answers[item.id]}
              error={errors.find((e) => e.itemId === item.id)?.message}
              onChange={(v) => update(item.id, v)}
              echo={ageEcho(item, answers)}
            />
          ))}
        {tickList && (
          <TickListField
            section={section}
            answers={answers}
            pending={pending}
            errors={errors}
            onChange={updateMany}
            onPending={setTickPending}
          />
        )}
        <LiveOutcome
          inst={inst}
          result={result}
          onCheck={() => void leave('check', false)}
          factsBlank={factsBlank}
          onFacts={factsAt >= 0 && factsAt !== index ? () => void leave(factsAt, false) : undefined}
        />
        <div class="button-row">
          {index > 0 && !change && (
            <button type="button" class="button secondary" onClick={() => void leave(index - 1, false)}>
              Back
            </button>
          )}
          <button type="submit" class="button">
            {change ? 'Save and return to check answers' : last ? 'Check answers' : 'Continue'}
          </button>
        </div>
      </form>
    </>
  );
}
