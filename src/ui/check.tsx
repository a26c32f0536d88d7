// Check your answers: everything on one page with "Change" links (which come
// back here), the required items still unanswered as links to their page,
// and the finish button. A form the answers already decide can be finished
// incomplete: it keeps its outcome.
import { whoseOutcome } from '../shared-ui/labels.ts';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { FACT_SECTION_ID, isAnswered, isAsked, isTickItem, missingRequired, unansweredFacts } from '../domain/index.ts';
import { answerText, entryText } from '../shared-ui/record-document.tsx';
import { getInstrument } from '../domain/index.ts';
import type { Entry } from '../domain/index.ts';
import type { RecordRow } from '../store/db.ts';
import { describeStorageError } from '../store/errors.ts';
import { finaliseAndQueue, plainJson } from '../sync/outbox.ts';
import { sealTo } from '../sync/seal.ts';
import { authorProblem, loadAuthor, loadEndpoint, loadSettings, saveAuthor } from '../sync/settings.ts';
import { authorFromReport } from './prefill.ts';
import { useApp } from './context.ts';
import { ErrorSummary } from '../shared-ui/error-summary.tsx';
import { FACT_WORDS, draftResult, showsLiveOutcome } from './live-outcome.tsx';
import { go, href } from './router.ts';
import { asksChildRef } from './runner.tsx';

export function CheckAnswers({ record }: { record: RecordRow }) {
  const { db, sync } = useApp();
  const inst = getInstrument(record.instrumentId)!;
  const missing = missingRequired(inst, record.answers);
  const [confirmIncomplete, setConfirmIncomplete] = useState(false);
  const [error, setError] = useState<string>();
  const items = inst.sections.flatMap((s, si) => s.items.map((item) => ({ item, si })));
  const noRef = asksChildRef(inst.id) && !record.childRef.trim();
  const result = useMemo(() => draftResult(inst, record.answers), [inst, record.answers]);
  const decided = showsLiveOutcome(inst, result) && !result.complete ? result : undefined;
  const change = (si: number) => href({ name: 'run', recordId: record.id, section: si, change: true });
  // The facts that change what to do whatever the outcome (immediate danger, a sexual assault, missing
  // now, trafficking), still blank: said here too, as the live panel says it, before anyone finishes.
  const factsBlank = unansweredFacts(inst, record.answers);
  const factsPage = inst.sections.findIndex((s) => s.id === FACT_SECTION_ID);
  // Settings has no name but the report does ("Your Name"): it is sent under that name, and the app offers to keep it.
  const typedAuthor = authorFromReport(inst, record.answers);
  const [noName, setNoName] = useState(false);
  const [keepName, setKeepName] = useState(false);
  useEffect(() => {
    if (typedAuthor)
      loadAuthor(db).then(
        (a) => setNoName(!!authorProblem(a)),
        () => {},
      );
  }, [db, typedAuthor?.name]);

  const finish = async () => {
    if (noRef) {
      setError('Enter a reference for the child before finishing');
      return;
    }
    if (missing.length && !confirmIncomplete) {
      setConfirmIncomplete(true);
      return;
    }
    try {
      // The record becomes final and its submission is queued, together or not at all.
      let settings = await loadSettings(db);
      if (typedAuthor && authorProblem(settings?.author)) {
        settings = { author: typedAuthor, endpoint: settings?.endpoint ?? (await loadEndpoint(db)) ?? { url: '' } };
        if (keepName) await saveAuthor(db, typedAuthor);
      }
      const key = settings?.endpoint.publicKey;
      await finaliseAndQueue(db, record.id, settings, key ? sealTo(key) : plainJson);
      sync?.afterQueue();
      go({ name: 'result', recordId: record.id });
    } catch (e) {
      setError(e instanceof Error && /Settings/.test(e.message) ? e.message : describeStorageError(e).message);
    }
  };

  return (
    <>
      <p class="caption">{inst.title}</p>
      <h1 tabIndex={-1}>Check your answers</h1>
      {error && <ErrorSummary errors={[{ message: error }]} />}
      {error && /Settings/.test(error) && (
        <p>
          <a href={href({ name: 'settings' })}>Go to Settings</a>
        </p>
      )}
      {(missing.length > 0 || noRef) && (
        <ErrorSummary
          title={`${missing.length + (noRef ? 1 : 0)} required ${missing.length + (noRef ? 1 : 0) === 1 ? 'answer is' : 'answers are'} missing`}
          errors={[
            ...(noRef ? [{ message: 'Child reference', href: change(0) }] : []),
            ...missing.map((id) => {
              const found = items.find((x) => x.item.id === id)!;
              return { message: found.item.text, href: change(found.si) };
            }),
          ]}
        />
      )}
      {decided && (
        <div class="outcome live-outcome" data-testid="check-decided">
          <p class="outcome-label">{whoseOutcome(decided)}, decided on the answers given</p>
          <p class="outcome-level">{decided.level}</p>
          <p class="hint">
            The missing answers cannot change this outcome.
            {factsBlank.length === 0 && ' Finishing now keeps it, and sends it.'}
          </p>
        </div>
      )}
      {factsBlank.length > 0 && factsPage >= 0 && (
        <div class="inset" data-testid="check-facts">
          <p>
            Some questions about the child are not answered yet, and they change what to do whatever the outcome:{' '}
            {factsBlank.map((id) => FACT_WORDS[id] ?? id).join(', ')}.
          </p>
          <p>
            <a href={change(factsPage)}>Answer the questions about the child</a>
          </p>
        </div>
      )}
      {asksChildRef(inst.id) && (
        <dl class="summary-list">
          <div class={`summary-row${noRef ? ' missing' : ''}`}>
            <dt>Child reference</dt>
            <dd>{record.childRef || 'Not answered (required)'}</dd>
            <dd class="summary-action">
              {!record.previousId && (
                <a href={change(0)}>
                  Change<span class="visually-hidden"> child reference</span>
                </a>
              )}
            </dd>
          </div>
        </dl>
      )}
      {inst.sections.map((s, si) => (
        <section key={s.id} class="summary-section">
          <h2>{s.title}</h2>
          <dl class="summary-list">
            {s.items
              .filter((item) => isAsked(item, record.answers) || isAnswered(record.answers[item.id]))
              .map((item) => {
                const v = record.answers[item.id];
                const shown = isAnswered(v)
                  ? item.kind === 'repeat'
                    ? (v as Entry[])
                        .filter((e) => typeof e === 'object')
                        .map((e) => entryText(item, e))
                        .join('; ')
                    : answerText(item, v)
                  : isTickItem(item)
                    ? 'Not reviewed yet'
                    : item.required
                      ? 'Not answered (required)'
                      : 'Not answered';
                return (
                  <div class={`summary-row${!isAnswered(v) && item.required ? ' missing' : ''}`} key={item.id}>
                    <dt>{item.text}</dt>
                    <dd>{shown}</dd>
                    <dd class="summary-action">
                      <a href={change(si)}>
                        Change<span class="visually-hidden"> {item.text}</span>
                      </a>
                    </dd>
                  </div>
                );
              })}
          </dl>
        </section>
      ))}
      {noName && typedAuthor && (
        <div class="field" data-testid="keep-name">
          <p>
            Settings on this device has no name, so this report is sent as from <strong>{typedAuthor.name}</strong>, as
            typed in it.
          </p>
          <div class="options">
            <label class={`option${keepName ? ' checked' : ''}`} for="keep-name">
              <input id="keep-name" type="checkbox" checked={keepName} onChange={() => setKeepName(!keepName)} />
              <span class="option-label">Keep these details in Settings for the next records and reports</span>
            </label>
          </div>
        </div>
      )}
      {confirmIncomplete && (
        <div class="warning-text" role="alert">
          <strong>
            {decided
              ? `This record is not complete. The answers given already decide the outcome (${decided.level}), so it is kept and sent. Finishing now keeps the record as incomplete and it cannot be changed later. Finish anyway?`
              : 'This record is not complete, so the tool will give no outcome. Finishing it now keeps it as incomplete and it cannot be changed later. Finish anyway?'}
          </strong>
        </div>
      )}
      <div class="button-row">
        <a class="button secondary" href={href({ name: 'run', recordId: record.id, section: 0 })}>
          Back to the form
        </a>
        <button type="button" class={`button${confirmIncomplete ? ' warning' : ''}`} onClick={() => void finish()}>
          {confirmIncomplete ? 'Yes, finish as incomplete' : 'Finish and see the result'}
        </button>
      </div>
      <p class="hint">A finished record cannot be changed; a re-assessment is recorded as a new record.</p>
    </>
  );
}
