// One referral, rendered as the practitioner's result is: the outcome in the
// tool's words (from the server's own re-score), what to do next (the app's
// NextSteps, 999 first), how it was reached, every answer, who sent it from
// which device, the chain for the same child reference, and the review. A
// disagreement between the device's result and the server's is shown in red.
// Printing gives the app's own printed record (RecordDocument), headed with
// the review; each print is recorded.
import { whoseOutcome } from '../shared-ui/labels.ts';
import { useEffect, useState } from 'preact/hooks';
import type { Result } from '../domain/index.ts';
import { getInstrument } from '../domain/index.ts';
import type { Submission } from '../contract/submission.ts';
import { ErrorSummary } from '../shared-ui/error-summary.tsx';
import { NextSteps } from '../shared-ui/next-steps.tsx';
import { AnswerList, type DocumentRecord, RecordDocument } from '../shared-ui/record-document.tsx';
import { withoutRefs } from '../shared-ui/sources.ts';
import { ApiError, api, download } from './api.ts';
import { STATE_LABELS, waited, when } from './format.ts';
import { type AreaChange, type ListItem, type ReviewEvent, TRANSITIONS } from '../contract/inbox-api.ts';
import { href } from './router.ts';

interface Detail {
  referral: ListItem;
  submission: Submission;
  receipt: string;
  device: string | null;
  server: Result | null;
  /** Where the device's claims differ from the server's reading, in the server's words. */
  disagreement: string | null;
  events: ReviewEvent[];
  chain: { id: string; receivedAt: string; level: string | null; instrumentTitle: string; reviewState: string }[];
  chainHidden: number;
}

const NEXT: Record<string, readonly string[]> = TRANSITIONS;

function Review({ d, onChanged }: { d: Detail; onChanged: (d: Detail) => void }) {
  const state = d.referral.reviewState;
  const [to, setTo] = useState<string>(NEXT[state]![0]!);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string>();
  const [tries, setTries] = useState(0);
  useEffect(() => setTo(NEXT[state]![0]!), [state]);
  return (
    <section class="review" aria-labelledby="review-title">
      <h2 id="review-title">Review</h2>
      <p data-testid="review-state">
        <span class={`state state-${state}`}>{STATE_LABELS[state]}</span>
        {d.referral.reviewBy && (
          <>
            {' '}
            by {d.referral.reviewBy}, {when(d.referral.reviewAt)}
          </>
        )}
      </p>
      {d.events.length > 0 && (
        <ol class="review-history">
          {d.events.map((e) => (
            <li key={e.id}>
              <strong>{STATE_LABELS[e.to]}</strong> – {e.userEmail}, {when(e.at)}
              <p class="review-note">{e.note}</p>
            </li>
          ))}
        </ol>
      )}
      <ErrorSummary errors={error ? [{ itemId: 'review-note', message: error }] : []} focusKey={tries} />
      <form
        class="no-print"
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          setTries((t) => t + 1);
          if (!note.trim()) return setError('Write a note saying what was done or why.');
          try {
            const r = await api<{ referral: ListItem; events: ReviewEvent[] }>(
              'POST',
              `/referrals/${d.referral.id}/state`,
              { to, note },
            );
            setNote('');
            setError(undefined);
            onChanged({ ...d, referral: { ...d.referral, ...r.referral }, events: r.events });
          } catch (err) {
            setError((err as ApiError).message);
          }
        }}
      >
        <fieldset class="field">
          <legend>Change the review state to</legend>
          <div class="options">
            {NEXT[state]!.map((s) => (
              <label key={s} class={`option${to === s ? ' checked' : ''}`} for={`to-${s}`}>
                <input type="radio" id={`to-${s}`} name="to" value={s} checked={to === s} onChange={() => setTo(s)} />
                {STATE_LABELS[s]}
              </label>
            ))}
          </div>
        </fieldset>
        <div class={`field${error ? ' has-error' : ''}`} id="field-review-note">
          <label class="label" for="review-note">
            Note
          </label>
          <div class="hint" id="review-note-hint">
            Required. What was done, or what is needed and from whom. It stays with the referral.
          </div>
          <textarea
            id="review-note"
            class="input textarea"
            aria-describedby="review-note-hint"
            value={note}
            onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)}
          />
        </div>
        <button type="submit" class="button">
          Save review
        </button>
      </form>
    </section>
  );
}

const AREA_FROM: Record<ListItem['areaFrom'], string> = {
  answers: 'named in the answers',
  device: "the sending device's area",
  region: "the region's only area",
  reviewer: 'set by a reviewer',
  none: 'none',
};

/** Where the referral goes, and (for an admin or a reviewer covering its region) setting it, with a note. */
function Area({ d, onChanged }: { d: Detail; onChanged: (d: Detail) => void }) {
  const [info, setInfo] = useState<{ areas: string[]; canSet: boolean; changes: AreaChange[] }>();
  const [area, setArea] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string>();
  const [tries, setTries] = useState(0);
  const r = d.referral;
  useEffect(() => {
    api<{ areas: string[]; canSet: boolean; changes: AreaChange[] }>('GET', `/referrals/${r.id}/area`).then(
      setInfo,
      () => setInfo(undefined),
    );
  }, [r.id]);
  return (
    <section class="review" aria-labelledby="area-title">
      <h2 id="area-title">Area</h2>
      <p data-testid="area">
        {r.areaTeam ? (
          <>
            <strong>{r.areaTeam}</strong> ({AREA_FROM[r.areaFrom] ?? r.areaFrom})
          </>
        ) : r.needsArea ? (
          <strong class="disagree-flag">No area: it waits in the region's queue until one is set.</strong>
        ) : (
          "The region's queue (the region has one)."
        )}
      </p>
      {info && info.changes.length > 0 && (
        <ol class="area-history">
          {info.changes.map((c) => (
            <li key={c.id}>
              <strong>
                {c.from ?? 'No area'} → {c.to}
              </strong>{' '}
              – {c.userEmail}, {when(c.at)}
              <p class="review-note">{c.note}</p>
            </li>
          ))}
        </ol>
      )}
      {info?.canSet && (
        <>
          <ErrorSummary errors={error ? [{ itemId: 'area-note', message: error }] : []} focusKey={tries} />
          <form
            class="no-print"
            noValidate
            onSubmit={async (e) => {
              e.preventDefault();
              setTries((t) => t + 1);
              if (!area) return setError('Choose the area.');
              if (!note.trim()) return setError('Write a note saying how the area was found.');
              try {
                const res = await api<{ referral: ListItem; changes: AreaChange[] }>(
                  'POST',
                  `/referrals/${r.id}/area`,
                  { area, note },
                );
                setNote('');
                setError(undefined);
                setInfo({ ...info, changes: res.changes });
                onChanged({ ...d, referral: { ...d.referral, ...res.referral } });
              } catch (err) {
                setError((err as ApiError).message);
              }
            }}
          >
            <div class="field">
              <label class="label" for="area-select">
                {r.areaTeam ? 'Change the area to' : 'Set the area'}
              </label>
              <select
                id="area-select"
                class="input select"
                value={area}
                onChange={(e) => setArea((e.target as HTMLSelectElement).value)}
              >
                <option value="">Choose…</option>
                {info.areas.map((a) => (
                  <option key={a} value={a}>
                    {a}
                  </option>
                ))}
              </select>
            </div>
            <div class={`field${error ? ' has-error' : ''}`} id="field-area-note">
              <label class="label" for="area-note">
                Note
              </label>
              <div class="hint" id="area-note-hint">
                Required. How the child's area was found. It stays with the referral and is recorded in the audit.
              </div>
              <textarea
                id="area-note"
                class="input textarea"
                aria-describedby="area-note-hint"
                value={note}
                onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)}
              />
            </div>
            <button type="submit" class="button">
              Save area
            </button>
          </form>
        </>
      )}
    </section>
  );
}

export function ReferralScreen({ id }: { id: string }) {
  const [d, setD] = useState<Detail>();
  const [error, setError] = useState<{ status: number; message: string }>();
  const [note, setNote] = useState<string>();
  useEffect(() => {
    setD(undefined);
    api<Detail>('GET', `/referrals/${id}`).then(setD, (e) =>
      setError({ status: (e as ApiError).status, message: (e as ApiError).message }),
    );
  }, [id]);
  useEffect(() => {
    if (d) document.title = 'Referral – CSE Inbox';
  }, [d]);
  if (error)
    return (
      <>
        <h1 tabIndex={-1}>
          {error.status === 403 ? 'You cannot open this referral' : 'This referral cannot be shown'}
        </h1>
        <p>{error.message}</p>
        {error.status === 403 && (
          <p>
            The attempt has been recorded. If you need it, ask an administrator to add its area team or region to your
            account.
          </p>
        )}
        <p>
          <a href={href({ name: 'list' })}>Back to the referrals</a>
        </p>
      </>
    );
  if (!d) return <p aria-busy="true">Opening…</p>;
  const s = d.submission;
  const inst = getInstrument(s.instrument.id);
  const result = d.server;
  const device = s.result;
  const differs = d.referral.disagreement;
  const exportOne = async (kind: 'csv' | 'fhir.json') => {
    try {
      setNote(
        `Downloaded ${await download(`/export.${kind}?ids=${d.referral.id}`)}. The export is recorded in the audit.`,
      );
    } catch (e) {
      setNote((e as ApiError).message);
    }
  };
  // The app's printed record, fed from the submission: the server's result, the author as sent.
  const asRecord: DocumentRecord = {
    instrumentId: s.instrument.id,
    childRef: s.childRef,
    answers: s.answers,
    createdAt: Date.parse(s.device.time),
    finalisedAt: Date.parse(s.device.time),
  };
  const asSent = `Delivered, receipt ${d.receipt}`;
  return (
    <>
      <div class="screen-only">
        <p class="caption">
          {inst?.title ?? s.instrument.id} · received {when(d.referral.receivedAt)} (waited{' '}
          {waited(d.referral.waitedMs)}) · child reference {s.childRef}
        </p>
        <h1 tabIndex={-1}>Referral</h1>
        {differs && (
          <div class="warning-text disagreement" data-testid="disagreement" role="note">
            <strong>The device's result and the server's differ.</strong> The device said "{device.level ?? 'no level'}"
            {device.total !== undefined ? ` (total ${device.total})` : ''}; the server's own scoring of the same answers
            says "{result?.level ?? 'no level'}"{result?.total !== undefined ? ` (total ${result.total})` : ''}. The
            list and this page use the server's.
            {d.disagreement && <span data-testid="disagreement-detail"> ({d.disagreement}.)</span>}
            {s.instrument.version !== inst?.version &&
              ` The device used version ${s.instrument.version} of the tool; the server has ${inst?.version}.`}
          </div>
        )}
        {d.referral.safety.length > 0 && (
          <ul class="tags" aria-label="Safety routes">
            {d.referral.safety.map((x) => (
              <li key={x} class="tag tag-danger">
                {x}
              </li>
            ))}
          </ul>
        )}
        {result ? (
          <div class={`outcome severity-${result.severity ?? 'none'}`} data-testid="outcome">
            {result.complete ? (
              <>
                <p class="outcome-label">{whoseOutcome(result)} (scored again by the server)</p>
                <p class="outcome-level" data-testid="outcome-level">
                  {result.level}
                </p>
                {result.total !== undefined && (
                  <p>
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
                <p>{result.missing.length} required answer(s) missing.</p>
              </>
            )}
          </div>
        ) : (
          <p class="warning-text">
            The server could not score this record again. Read the answers below and judge it by hand.
          </p>
        )}
        <div class="button-row no-print">
          <button
            type="button"
            class="button secondary"
            onClick={async () => {
              await api('POST', `/referrals/${d.referral.id}/print`).catch(() => {});
              print();
            }}
          >
            Print or save as PDF
          </button>
          <button type="button" class="button secondary" onClick={() => void exportOne('csv')}>
            Export CSV
          </button>
          <button type="button" class="button secondary" onClick={() => void exportOne('fhir.json')}>
            Export FHIR
          </button>
        </div>
        {note && (
          <p class="inset no-print" role="status">
            {note}
          </p>
        )}
        <Review d={d} onChanged={setD} />
        <Area d={d} onChanged={setD} />
        {result && inst && <NextSteps steps={result.nextSteps} region={inst.region} file={inst.source} />}
        {result && result.ambiguities.length > 0 && (
          <section class="ambiguities" aria-labelledby="amb-title">
            <h2 id="amb-title">Where the source document is unclear</h2>
            <ul>
              {result.ambiguities.map((a, i) => (
                <li key={i}>{withoutRefs(a, inst!.source)}</li>
              ))}
            </ul>
          </section>
        )}
        {result && (
          <section aria-labelledby="how-title">
            <h2 id="how-title">How this was reached</h2>
            <ul class="reasons">
              {result.reasons.map((r, i) => (
                <li key={i}>{withoutRefs(r, inst!.source)}</li>
              ))}
            </ul>
          </section>
        )}
        <section aria-labelledby="who-title">
          <h2 id="who-title">Who sent it</h2>
          <dl class="summary-list">
            <div class="summary-row">
              <dt>Practitioner</dt>
              <dd>
                {s.author.name}, {s.author.role}, {s.author.organisation}
              </dd>
            </div>
            <div class="summary-row">
              <dt>Contact</dt>
              <dd>{s.author.contact}</dd>
            </div>
            <div class="summary-row">
              <dt>Device</dt>
              <dd>
                {d.device ?? 'Not recorded by this server'} · finished {when(s.device.time)} ({s.device.timezone}) · app{' '}
                {s.app.version}
              </dd>
            </div>
            <div class="summary-row">
              <dt>Receipt</dt>
              <dd>{d.receipt}</dd>
            </div>
          </dl>
        </section>
        <section aria-labelledby="chain-title">
          <h2 id="chain-title">Records for this child reference</h2>
          <ol class="chain">
            {d.chain.map((c) => (
              <li key={c.id}>
                {c.id === d.referral.id ? (
                  <strong aria-current="page">This record</strong>
                ) : (
                  <a href={href({ name: 'referral', id: c.id })}>{c.instrumentTitle}</a>
                )}{' '}
                · {when(c.receivedAt)} · {c.level ?? 'no level'} · {STATE_LABELS[c.reviewState]}
              </li>
            ))}
          </ol>
          {d.chainHidden > 0 && (
            <p class="hint">
              {d.chainHidden} more record(s) for this reference are outside the area teams your account covers.
            </p>
          )}
        </section>
        {inst && (
          <section aria-labelledby="answers-title">
            <h2 id="answers-title">Every answer</h2>
            <AnswerList inst={inst} answers={s.answers} headingLevel={3} />
          </section>
        )}
        {inst && (
          <p class="hint">
            {inst.title}, version {inst.version}, from {inst.source}. Scoring informs professional judgement; it never
            replaces it.
          </p>
        )}
        <p class="no-print">
          <a href={href({ name: 'list' })}>Back to the referrals</a>
        </p>
      </div>
      {result && inst && (
        <div class="print-only">
          <p class="doc-kicker">
            CSE Inbox · referral received {when(d.referral.receivedAt)} · receipt {d.receipt} · review:{' '}
            {STATE_LABELS[d.referral.reviewState]}
            {d.referral.reviewBy ? ` by ${d.referral.reviewBy}` : ''}
          </p>
          {differs && (
            <p class="warning-text disagreement">
              The device's result ("{device.level ?? 'no level'}") differs from the server's ("
              {result.level ?? 'no level'}"); the outcome below is the server's.
            </p>
          )}
          <RecordDocument
            record={asRecord}
            result={result}
            assessor={{ ...s.author, from: 'submission' }}
            sent={asSent}
            provenance={`outcome computed again by the receiving server from the answers as received (the device's own result: ${device.level ?? 'no level'}).`}
          />
          {d.events.length > 0 && (
            <section>
              <h2 class="doc-h">Review</h2>
              <ol>
                {d.events.map((e) => (
                  <li key={e.id}>
                    {STATE_LABELS[e.to]} – {e.userEmail}, {when(e.at)}: {e.note}
                  </li>
                ))}
              </ol>
            </section>
          )}
        </div>
      )}
    </>
  );
}
