// The result, for a practitioner at the bedside. First screen: the outcome
// and what to do now (999 first, then any warning such as "do not consult the
// parents before referral"). Then the next steps. Then, folded, how it was
// reached, where the source is unclear, and the source references in plain
// words. Printing gives the whole record (record-view.tsx), not this screen.
import { whoseOutcome } from '../shared-ui/labels.ts';
import { ageWorkedOut, itemsOf, sourceNotes } from '../domain/index.ts';
import type { Instrument, Result } from '../domain/index.ts';
import { getInstrument } from '../domain/index.ts';
import type { OutboxRow, RecordRow } from '../store/db.ts';
import { FollowOnLinks } from './live-outcome.tsx';
import { ContactsAsOf, StepList, isNow, ordered } from '../shared-ui/next-steps.tsx';
import { DeliveryStatus } from './outbox.tsx';
import { RecordDocument } from '../shared-ui/record-document.tsx';
import { sentWords } from './record-view.tsx';
import { useRecordExtras } from './record-data.ts';
import { type RoutedTeam, deliveryOf, routedTeam, stepsToShow } from './report-routing.ts';
import { href } from './router.ts';
import { documentName, plainRef, splitRefs, withoutRefs } from '../shared-ui/sources.ts';

/** Every source the result rests on, in plain words, without repeats. */
function sourcesOf(inst: Instrument, result: Result): string[] {
  const out = new Set<string>([`${inst.title}: the ${documentName(inst.source)}`]);
  for (const s of result.nextSteps) {
    if (s.src)
      out.add(
        `${withoutRefs(s.text, inst.source)
          .slice(0, 60)
          .replace(/\s+\S*$/, '')}…: ${plainRef(s.src)}`,
      );
    if (s.appAdded) for (const r of splitRefs(s.appAdded, inst.source).refs) out.add(r);
    // What a contact's number looks like in print, and where the source leaves a number unclear.
    for (const c of s.contacts) {
      if (!c.note) continue;
      const note = splitRefs(c.note, inst.source);
      for (const r of note.refs) out.add(r);
      if (/as printed/i.test(note.text)) out.add(`${c.name}: ${note.text}`);
    }
  }
  for (const t of [...result.ambiguities, ...result.reasons, ...result.notes])
    for (const r of splitRefs(t, inst.source).refs) out.add(r);
  for (const n of inst.notes) out.add(`“${n.text.slice(0, 50).replace(/\s+\S*$/, '')}…”: ${plainRef(n.src)}`);
  return [...out];
}

function ReportDestination({ team, sent }: { team: RoutedTeam; sent: OutboxRow | undefined }) {
  const d = deliveryOf(sent);
  const fallback = (
    <p>
      E-mail it to the {team.name}:{' '}
      <a class="email" href={`mailto:${team.email}`}>
        {team.email}
      </a>
      {team.phone && (
        <>
          {' '}
          or call <a href={`tel:${team.phone.replace(/\s/g, '')}`}>{team.phone}</a>
        </>
      )}
      . <em>Print or save as PDF</em> (below) gives the report to attach.
    </p>
  );
  return (
    <section class={`destination destination-${d}`} aria-labelledby="dest-title" data-testid="report-destination">
      <h2 id="dest-title">Where this report goes</h2>
      {d === 'delivered' && (
        <p>
          Sent to the <strong>{team.name}</strong> ({team.area}): <DeliveryStatus row={sent!} />. Nothing more to send.
        </p>
      )}
      {d === 'waiting' && (
        <>
          <p>
            Going to the <strong>{team.name}</strong> ({team.area}): <DeliveryStatus row={sent!} />. It is sent as soon
            as there is a connection; <a href={href({ name: 'outbox' })}>Outbox</a>.
          </p>
          <details class="fallback">
            <summary>If it cannot be sent in time</summary>
            {fallback}
          </details>
        </>
      )}
      {d === 'not-sent' && (
        <>
          <p>
            <strong>Not sent to the {team.name}</strong>
            {sent?.state === 'rejected' ? <> (refused: {sent.lastError})</> : <> from this device</>}.
          </p>
          {fallback}
        </>
      )}
    </section>
  );
}

export function ResultView({ result, record }: { result: Result; record: RecordRow }) {
  const inst = getInstrument(record.instrumentId)!;
  const items = itemsOf(inst);
  const { sent, assessor } = useRecordExtras(record);
  const team = routedTeam(inst, result);
  const steps = ordered(stepsToShow(inst, result));
  const now = steps.filter(isNow);
  const later = steps.filter((s) => !isNow(s));
  const report = inst.kind === 'information-report';
  // bedside-flow: an incomplete form the answers already decide keeps its level (older results lack `decided`).
  const decidedEarly = result.level !== undefined && !result.complete;
  // The app's reading of the age, beside the reference; the notes below are the source document's own words.
  const age = ageWorkedOut(result);
  const notes = sourceNotes(result);
  return (
    <>
      <div class="screen-only">
        {/* One compact line, so the outcome and Call 999 share a phone's first screen. */}
        <div class="result-head">
          <h1 tabIndex={-1}>Result</h1>
          <p class="caption">
            {inst.title}
            {!report && <> · child reference {record.childRef}</>}
            {age !== undefined && <> · age {age} (from the date of birth)</>}
          </p>
        </div>
        <div class={`outcome severity-${result.severity ?? 'none'}`} data-testid="outcome">
          {!report && <p class="outcome-label">{result.level ? whoseOutcome(result) : 'No outcome yet'}</p>}
          <p class="outcome-level" data-testid="outcome-level">
            {result.level ?? 'Not complete: no outcome'}
          </p>
          {result.total !== undefined && (
            <p data-testid="outcome-total">
              Total: <strong>{result.total}</strong>
              {result.bands.length > 0 && !(result.bands.length === 1 && result.bands[0] === result.level) && (
                <> · falls in {result.bands.join(' and ')}</>
              )}
            </p>
          )}
          {decidedEarly && <p class="hint">Decided on the answers given; the form is not complete.</p>}
          {!result.level && result.missing.length > 0 && (
            <details>
              <summary>
                {result.missing.length} required {result.missing.length === 1 ? 'answer is' : 'answers are'} missing
              </summary>
              <ul>
                {result.missing.map((id) => (
                  <li key={id}>{items.find((i) => i.id === id)?.text ?? id}</li>
                ))}
              </ul>
            </details>
          )}
        </div>
        {now.length > 0 && (
          <section class="now-steps" aria-labelledby="now-title">
            <h2 id="now-title">What to do now</h2>
            <StepList steps={now} file={inst.source} callFirst />
          </section>
        )}
        {team && <ReportDestination team={team} sent={sent} />}
        {!team && sent && (
          <p class="inset" data-testid="delivery">
            MASH inbox: <DeliveryStatus row={sent} />
            {sent.state === 'rejected' && (
              <>
                {' '}
                – {sent.lastError}{' '}
                <a href={href({ name: 'start', instrumentId: record.instrumentId, previousId: record.id })}>
                  Re-submit as a new version
                </a>
              </>
            )}
            {(sent.state === 'queued' || sent.state === 'sending') && (
              <>
                {' '}
                · <a href={href({ name: 'outbox' })}>Outbox</a>
              </>
            )}
          </p>
        )}
        {later.length > 0 && (
          <section class="next-steps" aria-labelledby="next-steps-title">
            <h2 id="next-steps-title">What to do next</h2>
            {!report && (
              <div class="follow-on">
                <FollowOnLinks result={result} recordId={record.id} />
              </div>
            )}
            <StepList steps={later} file={inst.source} />
            <ContactsAsOf region={inst.region} file={inst.source} />
          </section>
        )}
        {notes.length > 0 && (
          <section aria-labelledby="notes-title">
            <h2 id="notes-title">The source document also says</h2>
            <ul>
              {notes.map((n, i) => (
                <li key={i}>{withoutRefs(n, inst.source)}</li>
              ))}
            </ul>
          </section>
        )}
        <div class="button-row">
          <button type="button" class="button secondary" onClick={() => print()}>
            Print or save as PDF
          </button>
          <a class="button secondary" href={href({ name: 'record', recordId: record.id })}>
            See every answer
          </a>
          {!report && (
            <>
              <a class="button secondary" href={href({ name: 'history', recordId: record.id })}>
                History for this child
              </a>
              <a
                class="button"
                href={href({ name: 'start', instrumentId: record.instrumentId, previousId: record.id })}
              >
                Re-assess this child
              </a>
            </>
          )}
        </div>
        <details class="how" data-testid="how-reached">
          <summary>How this was reached, and the sources</summary>
          {!report && (
            <section aria-labelledby="how-title">
              <h2 id="how-title">How this was reached</h2>
              <ul class="reasons">
                {result.reasons.map((r, i) => (
                  <li key={i}>{withoutRefs(r, inst.source)}</li>
                ))}
              </ul>
            </section>
          )}
          {result.ambiguities.length > 0 && (
            <section class="ambiguities" aria-labelledby="amb-title">
              <h2 id="amb-title">Where the source document is unclear</h2>
              <ul>
                {result.ambiguities.map((a, i) => (
                  <li key={i}>{withoutRefs(a, inst.source)}</li>
                ))}
              </ul>
            </section>
          )}
          <section aria-labelledby="src-title">
            <h2 id="src-title">Sources</h2>
            <ul class="sources" data-testid="sources">
              {sourcesOf(inst, result).map((s) => (
                <li key={s}>{s}</li>
              ))}
            </ul>
            <p class="hint">
              The app’s copy of this tool: {result.version}. Scoring informs professional judgement; it never replaces
              it.
            </p>
          </section>
        </details>
      </div>
      <div class="print-only">
        <RecordDocument record={record} result={result} assessor={assessor} sent={sentWords(sent)} />
      </div>
    </>
  );
}
