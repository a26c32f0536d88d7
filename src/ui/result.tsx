// The result: the outcome in the tool's own words, how it was reached, any
// ambiguity in the source, and what to do next (999 first).
import { itemsOf } from '../engine/answers.ts';
import type { Result } from '../engine/types.ts';
import { getInstrument } from '../instruments/catalogue.ts';
import { useEffect, useState } from 'preact/hooks';
import type { OutboxRow, RecordRow } from '../store/db.ts';
import { outboxForRecord } from '../sync/outbox.ts';
import { useApp } from './context.ts';
import { DeliveryStatus } from './outbox.tsx';
import { when } from './labels.ts';
import { FollowOnLinks } from './live-outcome.tsx';
import { NextSteps } from './next-steps.tsx';
import { href } from './router.ts';

export function ResultView({ result, record }: { result: Result; record: RecordRow }) {
  const inst = getInstrument(record.instrumentId)!;
  const items = itemsOf(inst);
  const { db, sync } = useApp();
  const [sent, setSent] = useState<OutboxRow>();
  useEffect(() => {
    const load = () => void outboxForRecord(db, record.id).then(setSent, () => {});
    load();
    return sync?.subscribe(load);
  }, [db, record.id]);
  return (
    <>
      <p class="caption">
        {inst.title} · finished {when(record.finalisedAt)} · child reference {record.childRef}
      </p>
      <h1 tabIndex={-1}>Result</h1>
      <div class={`outcome severity-${result.severity ?? 'none'}`} data-testid="outcome">
        {result.level !== undefined ? (
          <>
            {/* bedside-flow: an incomplete form the answers already decide keeps its level. */}
            <p class="outcome-label">What the tool says{result.complete ? '' : ' (decided on the answers given; the form is not complete)'}</p>
            <p class="outcome-level" data-testid="outcome-level">
              {result.level}
            </p>
            {result.total !== undefined && (
              <p data-testid="outcome-total">
                Total: <strong>{result.total}</strong>
                {result.bands.length > 0 && <> · falls in {result.bands.join(' and ')}</>}
              </p>
            )}
          </>
        ) : (
          <>
            <p class="outcome-level" data-testid="outcome-level">
              Not complete: no outcome
            </p>
            <p>These required answers are missing:</p>
            <ul>
              {result.missing.map((id) => (
                <li key={id}>{items.find((i) => i.id === id)?.text ?? id}</li>
              ))}
            </ul>
          </>
        )}
      </div>
      {sent && (
        <p class="inset" data-testid="delivery">
          Sent to the referral endpoint: <DeliveryStatus row={sent} />
          {sent.state === 'rejected' && (
            <>
              {' '}
              – {sent.lastError}{' '}
              <a href={href({ name: 'start', instrumentId: record.instrumentId, previousId: record.id })}>Re-submit as a new version</a>
            </>
          )}
          {(sent.state === 'queued' || sent.state === 'sending') && <> · <a href={href({ name: 'outbox' })}>Outbox</a></>}
        </p>
      )}
      <NextSteps steps={result.nextSteps} region={inst.region} />
      {result.ambiguities.length > 0 && (
        <section class="ambiguities" aria-labelledby="amb-title">
          <h2 id="amb-title">Where the source document is unclear</h2>
          <ul>
            {result.ambiguities.map((a, i) => (
              <li key={i}>{a}</li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="how-title">
        <h2 id="how-title">How this was reached</h2>
        <ul class="reasons">
          {result.reasons.map((r, i) => (
            <li key={i}>{r}</li>
          ))}
        </ul>
      </section>
      {result.notes.length > 0 && (
        <section aria-labelledby="notes-title">
          <h2 id="notes-title">The source document also says</h2>
          <ul>
            {result.notes.map((n, i) => (
              <li key={i}>{n}</li>
            ))}
          </ul>
        </section>
      )}
      <p class="hint">
        {inst.title}, version {result.version}, from {inst.source}. Scoring informs professional judgement; it never replaces it.
      </p>
      <div class="button-row no-print">
        <button type="button" class="button secondary" onClick={() => print()}>
          Print or save as PDF
        </button>
        <a class="button secondary" href={href({ name: 'history', recordId: record.id })}>
          History for this child
        </a>
        <FollowOnLinks result={result} recordId={record.id} />
        <a class="button" href={href({ name: 'start', instrumentId: record.instrumentId, previousId: record.id })}>
          Re-assess this child
        </a>
      </div>
    </>
  );
}
