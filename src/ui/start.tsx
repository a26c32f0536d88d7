// Start a record: the child's reference links re-assessments into a history.
// A re-assessment carries the previous total into the "previous score" item.
import { useState } from 'preact/hooks';
import { itemsOf } from '../engine/answers.ts';
import type { Answers } from '../engine/types.ts';
import { carryFacts, localToday } from '../facts/carry.ts';
import { getInstrument } from '../instruments/catalogue.ts';
import { describeStorageError } from '../store/errors.ts';
import { createDraft, getRecord } from '../store/records.ts';
import { useApp } from './context.ts';
import { ErrorSummary } from './fields.tsx';
import { go } from './router.ts';

export function Start({ instrumentId, previousId }: { instrumentId: string; previousId?: string | undefined }) {
  const { db } = useApp();
  const inst = getInstrument(instrumentId);
  const [ref, setRef] = useState('');
  const [error, setError] = useState<string>();
  const [tries, setTries] = useState(0);
  if (!inst) return <p>Unknown tool.</p>;

  const start = async () => {
    try {
      const previous = previousId ? await getRecord(db, previousId) : undefined;
      const childRef = previous?.childRef ?? ref.trim();
      if (!childRef) {
        setError('Enter a reference for the child');
        setTries((n) => n + 1);
        return;
      }
      const answers: Answers = carryFacts(inst, previous?.answers, localToday());
      const items = itemsOf(inst);
      if (previous?.result?.total !== undefined && items.some((i) => i.id === 'previous-score')) answers['previous-score'] = previous.result.total;
      if (previous && items.some((i) => i.id === 'previously-known')) answers['previously-known'] = 'yes';
      const row = await createDraft(db, { instrumentId, childRef, answers, ...(previous ? { previousId: previous.id } : {}) });
      go({ name: 'run', recordId: row.id, section: 0 });
    } catch (e) {
      setError(describeStorageError(e).message);
    }
  };

  return (
    <>
      <p class="caption">{inst.title}</p>
      <h1 tabIndex={-1}>{previousId ? 'Re-assess this child' : 'Start'}</h1>
      <p>
        <strong>Who completes it:</strong> {inst.audience.who.text}.
      </p>
      <p>
        <strong>When:</strong> {inst.audience.when.text}.
      </p>
      {inst.restriction && (
        <div class="warning-text" role="note">
          <strong>{inst.restriction.text}</strong>
        </div>
      )}
      {error && <ErrorSummary errors={[{ itemId: previousId ? undefined : 'child-ref', message: error }]} focusKey={tries} />}
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        {!previousId && (
          <div class={`field${error ? ' has-error' : ''}`} id="field-child-ref">
            <label class="label" for="child-ref">
              Child reference
            </label>
            <div class="hint" id="child-ref-hint">
              Initials or your case number: enough to find this child's records again. Use the same reference when you re-assess.
            </div>
            <input id="child-ref" class="input input-medium" type="text" autocomplete="off" aria-describedby="child-ref-hint" value={ref} onInput={(e) => setRef((e.target as HTMLInputElement).value)} />
          </div>
        )}
        <button type="submit" class="button">
          Start
        </button>
      </form>
    </>
  );
}
