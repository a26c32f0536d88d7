// Check your answers: everything on one page with "Change" links, the
// required items still unanswered, and the finish button.
import { useState } from 'preact/hooks';
import { isAnswered, labelOf, missingRequired, valuesOf } from '../engine/answers.ts';
import { getInstrument } from '../instruments/catalogue.ts';
import type { RecordRow } from '../store/db.ts';
import { describeStorageError } from '../store/errors.ts';
import { finaliseAndQueue, plainJson } from '../sync/outbox.ts';
import { sealTo } from '../sync/seal.ts';
import { loadSettings } from '../sync/settings.ts';
import { useApp } from './context.ts';
import { ErrorSummary } from './fields.tsx';
import { go, href } from './router.ts';

export function CheckAnswers({ record }: { record: RecordRow }) {
  const { db, sync } = useApp();
  const inst = getInstrument(record.instrumentId)!;
  const missing = missingRequired(inst, record.answers);
  const [confirmIncomplete, setConfirmIncomplete] = useState(false);
  const [error, setError] = useState<string>();
  const items = inst.sections.flatMap((s, si) => s.items.map((item) => ({ item, si })));

  const finish = async () => {
    if (missing.length && !confirmIncomplete) {
      setConfirmIncomplete(true);
      return;
    }
    try {
      // The record becomes final and its submission is queued, together or not at all.
      const settings = await loadSettings(db);
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
      {missing.length > 0 && (
        <ErrorSummary
          title={`${missing.length} required ${missing.length === 1 ? 'answer is' : 'answers are'} missing`}
          errors={missing.map((id) => {
            const found = items.find((x) => x.item.id === id)!;
            return { message: found.item.text, itemId: undefined };
          })}
        />
      )}
      {inst.sections.map((s, si) => (
        <section key={s.id} class="summary-section">
          <h2>{s.title}</h2>
          <dl class="summary-list">
            {s.items.map((item) => {
              const v = record.answers[item.id];
              const shown = isAnswered(v) ? valuesOf(v).map((x) => labelOf(item, x)).join('; ') : item.required ? 'Not answered (required)' : 'Not answered';
              return (
                <div class={`summary-row${!isAnswered(v) && item.required ? ' missing' : ''}`} key={item.id}>
                  <dt>{item.text}</dt>
                  <dd>{shown}</dd>
                  <dd class="summary-action">
                    <a href={href({ name: 'run', recordId: record.id, section: si })}>
                      Change<span class="visually-hidden"> {item.text}</span>
                    </a>
                  </dd>
                </div>
              );
            })}
          </dl>
        </section>
      ))}
      {confirmIncomplete && (
        <div class="warning-text" role="alert">
          <strong>
            This record is not complete, so the tool will give no outcome. Finishing it now keeps it as incomplete and it cannot be changed later. Finish anyway?
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
