// One referral. Its first screen answers: the child (reference, age, area), how
// serious (the tool's outcome in its words, the safety routes), what must happen
// now (999 and the time-bound steps, this area's contacts only), who referred
// and how to reach them, and the desk's review (pick up, state). Then the
// review's controls, every next step, every answer, other records for the child,
// the history (review, Seen by from the audit, area), and, folded, how it was
// reached and where it came from. A disagreement between the device's result and
// the server's is shown in red. Printing gives the app's own printed record
// (RecordDocument), headed with the review; each print is recorded.
import { whoseOutcome } from '../shared-ui/labels.ts';
import { useEffect, useState } from 'preact/hooks';
import type { Result } from '../domain/index.ts';
import { getInstrument } from '../domain/index.ts';
import type { Submission } from '../contract/submission.ts';
import { ErrorSummary } from '../shared-ui/error-summary.tsx';
import { ContactsAsOf, StepList, isNow, ordered } from '../shared-ui/next-steps.tsx';
import type { NextStep, RegionId } from '../domain/index.ts';
import { REGIONS, areasOf, isSafetyRouteStep } from '../domain/index.ts';
import { AnswerList, type DocumentRecord, RecordDocument } from '../shared-ui/record-document.tsx';
import { withoutRefs } from '../shared-ui/sources.ts';
import { ApiError, api, download } from './api.ts';
import { STATE_LABELS, waited, when } from './format.ts';
import { type AreaChange, type ListItem, type ReviewEvent, type SeenBy, TRANSITIONS } from '../contract/inbox-api.ts';
import type { SessionUser } from './api.ts';
import { href } from './router.ts';
import { NowSteps } from './now-steps.tsx';
import { EntryLinksSection } from './entry-links.tsx';

interface Detail {
  referral: ListItem;
  submission: Submission;
  receipt: string;
  device: string | null;
  server: Result | null;
  /** Where the device's claims differ from the server's reading, in the server's words. */
  disagreement: string | null;
  events: ReviewEvent[];
  seenBy: SeenBy[];
  reviewers: { id: string; email: string }[];
  /** A page of the records for this child reference (this one included), newest first, within the account's areas. */
  chain: ChainRecord[];
  /** Where the next page starts, or null when this is all. */
  chainNext: string | null;
  chainTotal: number;
  chainHidden: number;
}

type ChainRecord = {
  id: string;
  receivedAt: string;
  level: string | null;
  instrumentTitle: string;
  reviewState: string;
};

/** The other records for the child, a page at a time: a reference can have thousands. */
function OtherRecords({ d }: { d: Detail }) {
  const [rows, setRows] = useState<ChainRecord[]>(d.chain);
  const [next, setNext] = useState(d.chainNext);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  return (
    <section aria-labelledby="chain-title">
      <h2 id="chain-title">Other records for this child</h2>
      <p class="hint" data-testid="chain-count">
        {d.chainTotal === 1 ? 'Only this record.' : `${d.chainTotal} records, newest first; showing ${rows.length}.`}
      </p>
      <ol class="chain" data-testid="chain">
        {rows.map((c) => (
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
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      {next && (
        <button
          type="button"
          class="button secondary no-print"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            try {
              const page = await api<{ chain: ChainRecord[]; chainNext: string | null }>(
                'GET',
                `/referrals/${d.referral.id}/chain?after=${encodeURIComponent(next)}`,
              );
              setRows((r) => [...r, ...page.chain]);
              setNext(page.chainNext);
              setError(undefined);
            } catch (err) {
              setError((err as ApiError).message);
            } finally {
              setBusy(false);
            }
          }}
        >
          Show more records<span class="visually-hidden"> for this child</span>
        </button>
      )}
      {d.chainHidden > 0 && (
        <p class="hint">
          {d.chainHidden} more record(s) for this reference are outside the area teams your account covers.
        </p>
      )}
    </section>
  );
}

const NEXT: Record<string, readonly string[]> = TRANSITIONS;
const DONE = new Set(['actioned', 'closed']);

/** The desk's review: pick up, give to another reviewer, a note at any time, a change of state. */
function Review({ d, me, onChanged }: { d: Detail; me: SessionUser; onChanged: (d: Detail) => void }) {
  const state = d.referral.reviewState;
  const [to, setTo] = useState<string>(NEXT[state]![0]!);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string>();
  const [tries, setTries] = useState(0);
  const [jot, setJot] = useState('');
  const [jotError, setJotError] = useState<string>();
  const [giveTo, setGiveTo] = useState('');
  const [giveError, setGiveError] = useState<string>();
  useEffect(() => setTo(NEXT[state]![0]!), [state]);
  const changed = (r: { referral: ListItem; events: ReviewEvent[] }) =>
    onChanged({ ...d, referral: { ...d.referral, ...r.referral }, events: r.events });
  const closing = to === 'closed';
  const others = d.reviewers.filter((u) => u.id !== d.referral.assigneeId);
  return (
    <section class="review" aria-labelledby="review-title" id="review">
      <h2 id="review-title">Review</h2>
      {!DONE.has(state) && others.length > 0 && (
        <form
          class="no-print inline-form"
          noValidate
          onSubmit={async (e) => {
            e.preventDefault();
            if (!giveTo) return setGiveError('Choose who to give it to.');
            try {
              changed(await api('POST', `/referrals/${d.referral.id}/assign`, { to: giveTo }));
              setGiveTo('');
              setGiveError(undefined);
            } catch (err) {
              setGiveError((err as ApiError).message);
            }
          }}
        >
          <div class={`field${giveError ? ' has-error' : ''}`}>
            <label class="label" for="give-to">
              {d.referral.assignee ? 'Reassign to' : 'Give to'}
            </label>
            {giveError && (
              <p class="field-error" id="give-to-error">
                {giveError}
              </p>
            )}
            <select
              id="give-to"
              class="input select"
              value={giveTo}
              aria-describedby={giveError ? 'give-to-error' : undefined}
              onChange={(e) => setGiveTo((e.target as HTMLSelectElement).value)}
            >
              <option value="">Choose a reviewer…</option>
              {others.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.id === me.id ? `${u.email} (you)` : u.email}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" class="button secondary">
            {d.referral.assignee ? 'Reassign' : 'Give to them'}
          </button>
        </form>
      )}
      <ErrorSummary errors={error ? [{ itemId: 'review-note', message: error }] : []} focusKey={tries} />
      <form
        class="no-print"
        data-testid="state-form"
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          setTries((t) => t + 1);
          if (!note.trim())
            return setError(
              closing
                ? 'Write the reason for closing with no further action.'
                : 'Write a note saying what was done or why.',
            );
          try {
            changed(await api('POST', `/referrals/${d.referral.id}/state`, { to, note }));
            setNote('');
            setError(undefined);
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
            {closing ? 'Reason for closing' : 'Note'}
          </label>
          <div class="hint" id="review-note-hint">
            {closing
              ? 'Required. Why no further action is needed (for example: already known to the team, no CSE concern). It stays with the referral.'
              : 'Required. What was done, or what is needed and from whom. It stays with the referral.'}
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
          {closing ? 'Close: no further action' : 'Save review'}
        </button>
      </form>
      <form
        class="no-print"
        data-testid="note-form"
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          if (!jot.trim()) return setJotError('Write the note.');
          try {
            changed(await api('POST', `/referrals/${d.referral.id}/note`, { note: jot }));
            setJot('');
            setJotError(undefined);
          } catch (err) {
            setJotError((err as ApiError).message);
          }
        }}
      >
        <div class={`field${jotError ? ' has-error' : ''}`}>
          <label class="label" for="add-note">
            Add a note (the state stays {STATE_LABELS[state]?.toLowerCase()})
          </label>
          {jotError && (
            <p class="field-error" id="add-note-error">
              {jotError}
            </p>
          )}
          <textarea
            id="add-note"
            class="input textarea"
            aria-describedby={jotError ? 'add-note-error' : undefined}
            value={jot}
            onInput={(e) => setJot((e.target as HTMLTextAreaElement).value)}
          />
        </div>
        <button type="submit" class="button secondary">
          Add note
        </button>
      </form>
    </section>
  );
}

function History({ d }: { d: Detail }) {
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      {d.events.length > 0 ? (
        <ol class="review-history" data-testid="history">
          {d.events.map((e) => (
            <li key={e.id} data-kind={e.kind}>
              <strong>
                {e.kind === 'note'
                  ? 'Note'
                  : e.kind === 'assign'
                    ? `${e.assignee === e.userEmail ? 'Picked up' : `Given to ${e.assignee}`}${e.from !== e.to ? ` (${STATE_LABELS[e.from]} → ${STATE_LABELS[e.to]})` : ''}`
                    : `${STATE_LABELS[e.from]} → ${STATE_LABELS[e.to]}`}
              </strong>{' '}
              – {e.userEmail}, {when(e.at)}
              <p class="review-note">{e.note}</p>
            </li>
          ))}
        </ol>
      ) : (
        <p>No review yet.</p>
      )}
      <h3 id="seen-title">Seen by</h3>
      <ul class="seen-by" aria-labelledby="seen-title" data-testid="seen-by">
        {d.seenBy.map((v) => (
          <li key={v.actor}>
            {v.actor}: last {when(v.last)}
            {v.times > 1 ? ` (${v.times} times since ${when(v.first)})` : ''}
          </li>
        ))}
        {d.seenBy.length === 0 && <li>No one before you.</li>}
      </ul>
    </section>
  );
}

/** A GM (or Sandwell) step lists every area's team: keep only this referral's area's, when it has one. */
function forArea(steps: NextStep[], region: string, area: string | null): NextStep[] {
  if (!area) return steps;
  const others = areasOf(region).filter((a) => a !== area);
  const other = (name: string) =>
    others.some((a) => name === a || name.startsWith(`${a} `) || name.startsWith(`${a},`));
  return steps.map((s) => ({ ...s, contacts: s.contacts.filter((c) => !other(c.name)) }));
}

/**
 * The safety flags as short tags: each flag in its words, and the safety routes as one tag, since each
 * route is a step under "What must happen now" right below, in its own words.
 */
function flagTags(safety: string[]): string[] {
  const routes = safety.filter((f) => f.startsWith('Safety route:')).length;
  const others = safety.filter((f) => !f.startsWith('Safety route:'));
  return routes
    ? [
        ...others,
        routes > 1 ? `${routes} safety routes: see what must happen now` : 'Safety route: see what must happen now',
      ]
    : others;
}

/** A phone number to call from the referrer's contact, when it holds one. */
function phoneIn(text: string): string | undefined {
  const m = /\+?\d[\d\s()-]{6,}\d/.exec(text);
  return m?.[0];
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

export function ReferralScreen({ id, me }: { id: string; me: SessionUser }) {
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
  const exportOne = async (format: 'csv' | 'fhir') => {
    try {
      const { name } = await download({ format, referral: d.referral.id });
      setNote(`Downloaded ${name}. The export is recorded in the audit.`);
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
  const regionLabel = REGIONS[d.referral.region as RegionId]?.label ?? d.referral.region;
  // What must happen now: 999 and the warnings, the safety routes (an under-13's referral, the SARC, missing,
  // trafficking), then every step with a timescale; this area's contacts only. A step that is the app's (a
  // route borrowed from another region's guidance) keeps its mark, with the reason folded.
  const now = result
    ? forArea(
        ordered(result.nextSteps).filter((x) => isNow(x) || isSafetyRouteStep(x) || !!x.within),
        d.referral.region,
        d.referral.areaTeam,
      )
    : [];
  const appSteps = result ? result.nextSteps.filter((x) => x.appAdded) : [];
  const phone = phoneIn(s.author.contact);
  const jump = (id: string) => (e: Event) => {
    e.preventDefault();
    const el = document.getElementById(id);
    el?.scrollIntoView();
    (el?.querySelector('select, textarea, input') as HTMLElement | null)?.focus();
  };
  return (
    <>
      <div class="screen-only">
        <div class="first-screen" data-testid="first-screen">
          <div class="fs-main">
            <p class="caption">
              Referral received {when(d.referral.receivedAt)} · waited {waited(d.referral.waitedMs)}
            </p>
            <h1 tabIndex={-1} data-testid="child">
              Child {s.childRef}
            </h1>
            <p class="child-facts" data-testid="child-facts">
              <span>
                <strong>Age:</strong> {d.referral.age !== null ? d.referral.age : 'not given (read the answers below)'}
              </span>
              <span>
                <strong>Area:</strong>{' '}
                {d.referral.areaTeam ?? (d.referral.needsArea ? 'none yet: set it below' : regionLabel)}
                {d.referral.areaTeam ? `, ${regionLabel}` : ''}
              </span>
            </p>
            {differs && (
              <div class="warning-text disagreement" data-testid="disagreement" role="note">
                <strong>The device's result and the server's differ.</strong> The device said "
                {device.level ?? 'no level'}"{device.total !== undefined ? ` (total ${device.total})` : ''}; the
                server's own scoring of the same answers says "{result?.level ?? 'no level'}"
                {result?.total !== undefined ? ` (total ${result.total})` : ''}. The list and this page use the
                server's.
                {d.disagreement && <span data-testid="disagreement-detail"> ({d.disagreement}.)</span>}
                {s.instrument.version !== inst?.version &&
                  ` The device used version ${s.instrument.version} of the tool; the server has ${inst?.version}.`}
              </div>
            )}
            <section aria-labelledby="serious-title" class="serious">
              <h2 id="serious-title" class="fs-h">
                How serious
              </h2>
              {result ? (
                <div class={`outcome severity-${result.severity ?? 'none'}`} data-testid="outcome">
                  {result.complete ? (
                    <>
                      <p class="outcome-label">
                        {whoseOutcome(result)}: {inst?.title ?? s.instrument.id}
                      </p>
                      <p class="outcome-line">
                        <span class="outcome-level" data-testid="outcome-level">
                          {result.level}
                        </span>
                        {result.total !== undefined && (
                          <span>
                            {' '}
                            · total <strong>{result.total}</strong>
                            {result.bands.length > 1 && <> · falls in {result.bands.join(' and ')}</>}
                          </span>
                        )}
                      </p>
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
                  This record could not be scored. Read the answers below and judge it by hand.
                </p>
              )}
              {d.referral.safety.length > 0 && (
                <ul class="tags" aria-label="Safety flags">
                  {flagTags(d.referral.safety).map((x) => (
                    <li key={x} class="tag tag-danger">
                      {x}
                    </li>
                  ))}
                </ul>
              )}
            </section>
            {result && inst && (
              <section aria-labelledby="now-title" class="now" data-testid="now">
                <h2 id="now-title" class="fs-h">
                  What must happen now
                </h2>
                <NowSteps steps={now} file={inst.source} />
                {d.referral.areaTeam && areasOf(d.referral.region).length > 1 && (
                  <p class="hint">Contacts for {d.referral.areaTeam} only; every step is listed further down.</p>
                )}
              </section>
            )}
          </div>
          <aside class="fs-side" aria-label="Who referred, and the review">
            <section aria-labelledby="who-title" data-testid="referrer">
              <h2 id="who-title" class="fs-h">
                Who referred
              </h2>
              <p class="referrer-name">
                <strong>{s.author.name}</strong>, {s.author.role}
              </p>
              <p>{s.author.organisation}</p>
              <p>
                {phone ? (
                  <a class="button secondary call" href={`tel:${phone.replace(/[^\d+]/g, '')}`}>
                    Call {phone}
                    <span class="visually-hidden"> – {s.author.name}</span>
                  </a>
                ) : null}{' '}
                {s.author.contact !== phone && (
                  <span data-testid="referrer-contact">
                    {/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s.author.contact.trim()) ? (
                      <a class="email" href={`mailto:${s.author.contact.trim()}`}>
                        {s.author.contact}
                      </a>
                    ) : (
                      s.author.contact
                    )}
                  </span>
                )}
              </p>
              <p class="hint">Finished {when(s.device.time)}</p>
            </section>
            <section aria-labelledby="desk-title" class="desk">
              <h2 id="desk-title" class="fs-h">
                Review
              </h2>
              <p data-testid="review-state">
                <span class={`state state-${d.referral.reviewState}`}>{STATE_LABELS[d.referral.reviewState]}</span>
                {d.referral.assignee && (
                  <span data-testid="assignee">
                    {' '}
                    – with {d.referral.assigneeId === me.id ? `you (${d.referral.assignee})` : d.referral.assignee}
                  </span>
                )}
                {d.referral.reviewBy && (
                  <span class="hint-inline">
                    {' '}
                    · last change by {d.referral.reviewBy}, {when(d.referral.reviewAt)}
                  </span>
                )}
              </p>
              <div class="button-row tight no-print">
                {!DONE.has(d.referral.reviewState) && d.referral.assigneeId !== me.id && (
                  <button
                    type="button"
                    class="button"
                    data-testid="pick-up"
                    onClick={async () => {
                      try {
                        const r = await api<{ referral: ListItem; events: ReviewEvent[] }>(
                          'POST',
                          `/referrals/${d.referral.id}/assign`,
                          {},
                        );
                        setD({ ...d, referral: { ...d.referral, ...r.referral }, events: r.events });
                        setNote('Picked up: it is in review with you.');
                      } catch (e) {
                        setNote((e as ApiError).message);
                      }
                    }}
                  >
                    Pick up
                  </button>
                )}
                <a class="button secondary" href="#review" onClick={jump('review')}>
                  Note, state or reassign
                </a>
              </div>
              {note && (
                <p class="inset no-print" role="status">
                  {note}
                </p>
              )}
            </section>
          </aside>
        </div>
        <EntryLinksSection id={d.referral.id} instrumentId={s.instrument.id} />
        <Review d={d} me={me} onChanged={setD} />
        {result && inst && (
          <section class="next-steps" aria-labelledby="next-steps-title">
            <h2 id="next-steps-title">Every next step</h2>
            <StepList
              steps={forArea(ordered(result.nextSteps), d.referral.region, d.referral.areaTeam)}
              file={inst.source}
            />
            <ContactsAsOf region={inst.region} file={inst.source} />
          </section>
        )}
        {inst && (
          <section aria-labelledby="answers-title">
            <h2 id="answers-title">Every answer</h2>
            <AnswerList inst={inst} answers={s.answers} headingLevel={3} />
          </section>
        )}
        <OtherRecords key={`${d.referral.id}:${d.chain.map((c) => c.reviewState).join()}`} d={d} />
        <History d={d} />
        <Area d={d} onChanged={setD} />
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
          <button type="button" class="button secondary" onClick={() => void exportOne('fhir')}>
            Export FHIR
          </button>
        </div>
        <details class="provenance" id="provenance">
          <summary>How this was reached and where it came from</summary>
          {result && (
            <>
              <h3>How the outcome was reached (scored again by the server from the answers as received)</h3>
              <ul class="reasons">
                {result.reasons.map((r, i) => (
                  <li key={i}>{withoutRefs(r, inst!.source)}</li>
                ))}
              </ul>
            </>
          )}
          {result && result.ambiguities.length > 0 && (
            <>
              <h3>Where the source document is unclear</h3>
              <ul>
                {result.ambiguities.map((a, i) => (
                  <li key={i}>{withoutRefs(a, inst!.source)}</li>
                ))}
              </ul>
            </>
          )}
          {appSteps.length > 0 && (
            <>
              <h3>Steps the app adds (not the tool's words)</h3>
              <ul>
                {appSteps.map((st) => (
                  <li key={st.id}>
                    {withoutRefs(st.text, inst!.source).slice(0, 120)}
                    {st.text.length > 120 ? '…' : ''}: {withoutRefs(st.appAdded!, inst!.source)}
                  </li>
                ))}
              </ul>
            </>
          )}
          <dl class="summary-list">
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
            {inst && (
              <div class="summary-row">
                <dt>Tool</dt>
                <dd>
                  {inst.title}, version {inst.version}, from {inst.source}. Scoring informs professional judgement; it
                  never replaces it.
                </dd>
              </div>
            )}
          </dl>
        </details>
        <p class="no-print">
          <a href={href({ name: 'list' })}>Back to the referrals</a>
        </p>
      </div>
      {result && inst && (
        <div class="print-only">
          <RecordDocument
            record={asRecord}
            result={result}
            assessor={{ ...s.author, from: 'submission' }}
            sent={asSent}
            stepsFor={(steps) => forArea(steps, d.referral.region, d.referral.areaTeam)}
            provenance={`outcome computed again by the receiving server from the answers as received (the device's own result: ${device.level ?? 'no level'}).`}
            summary={
              <>
                <p class="doc-review" data-testid="print-review">
                  <strong>Review:</strong> {STATE_LABELS[d.referral.reviewState]}
                  {d.referral.assignee ? `, with ${d.referral.assignee}` : ''}
                  {d.referral.reviewBy ? ` (last change by ${d.referral.reviewBy}, ${when(d.referral.reviewAt)})` : ''}.
                  Received {when(d.referral.receivedAt)}, receipt {d.receipt}.
                </p>
                {differs && (
                  <p class="warning-text disagreement">
                    The device's result ("{device.level ?? 'no level'}") differs from the server's ("
                    {result.level ?? 'no level'}"); the outcome below is the server's.
                  </p>
                )}
              </>
            }
            annex={
              d.events.length > 0 && (
                <section>
                  <h2 class="doc-h">Review history</h2>
                  <ol>
                    {d.events.map((e) => (
                      <li key={e.id}>
                        {STATE_LABELS[e.to]} – {e.userEmail}, {when(e.at)}: {e.note}
                      </li>
                    ))}
                  </ol>
                </section>
              )
            }
          />
        </div>
      )}
    </>
  );
}
