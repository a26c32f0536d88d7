// A finished record, read-only: every question with its answer, and the
// document a MASH can act on when printed or saved as PDF (title, the child's
// details as entered, date and time, the assessor, every answer and every
// entry of a report, the outcome, the next steps, provenance as a footnote).
// The same document is what the result page prints and what the inbox prints
// for a referral: it reads no storage, so both pages can carry it.
// On paper, page 1 is the summary (the child, the outcome, what to do now, who
// referred and how to reach them, and, from the inbox, the review state); every
// answer follows as an annex, a section's blank or unticked items in one line
// each ("Not ticked: …") rather than one line per item. Every page carries the
// protective marking, the reference and "Page N of M": CSS paged media (the
// @page margin boxes in styles.css, read from two custom properties this
// document sets on the page while it is shown), so the browser's own print
// carries them as well as a PDF made headless (Chromium and Edge; browsers
// without margin boxes print the marking and reference at the top of page 1).
import { ageWorkedOut, isAnswered, isAsked, isTickItem, labelOf, sourceNotes, valuesOf } from '../domain/index.ts';
import type { AnswerValue, Entry, Instrument, Item, NextStep, Result } from '../domain/index.ts';
import { getInstrument } from '../domain/index.ts';
import type { Author } from '../contract/submission.ts';
import type { ComponentChildren } from 'preact';
import { useLayoutEffect } from 'preact/hooks';
import { APP_VERSION } from '../version.ts';
import { when } from './labels.ts';
import { StepList, isNow, ordered } from './next-steps.tsx';
import { documentName, withoutRefs } from './sources.ts';
import { routedTeam, stepsToShow } from './report-routing.ts';

/** What the document shows of a record: the app's stored record and the inbox's submission both fit. */
export interface DocumentRecord {
  instrumentId: string;
  childRef: string;
  answers: Record<string, AnswerValue>;
  createdAt: number;
  finalisedAt?: number | undefined;
}

/** Who assessed: the submission's author, or Settings on this device (said so), or no one recorded. */
export interface Assessor extends Author {
  /** 'submission': as sent with the record; 'settings': as Settings holds now (the submission is sealed or not made). */
  from: 'submission' | 'settings' | 'none';
}

/** Where the record's submission stands, in words ("Delivered, receipt R-…"); undefined: not sent from here. */
export type SentWords = string | undefined;

/** "2026-11-23T10:02" → "23 Nov 2026, 10:02"; anything else as typed. */
export function dateText(v: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?$/.exec(v.trim());
  if (!m) return v;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0));
  if (Number.isNaN(d.getTime())) return v;
  const day = d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
  return m[4] ? `${day}, ${m[4]}:${m[5]}` : day;
}

/** One answer in words; undefined when not answered. */
export function answerText(item: Item, value: AnswerValue | undefined): string | undefined {
  if (!isAnswered(value)) return undefined;
  if (item.kind === 'date') return dateText(String(value));
  if (item.kind === 'repeat') return undefined; // entries are listed one by one
  return valuesOf(value)
    .map((x) => labelOf(item, x))
    .join('; ');
}

/** One entry of a report in a line, its dates in UK form ("Car, AB12 CDE, 7 Dec 2026, 02:52"). */
export function entryText(item: Extract<Item, { kind: 'repeat' }>, e: Entry): string {
  return item.fields
    .map((f) => {
      const raw = (e[f.id] ?? '').trim();
      if (!raw) return '';
      if (f.options) return f.options.find((o) => o.value === raw)?.label ?? raw;
      return f.shape === 'datetime' ? dateText(raw) : raw;
    })
    .filter(Boolean)
    .join(', ');
}

function Entries({ item, value }: { item: Extract<Item, { kind: 'repeat' }>; value: AnswerValue | undefined }) {
  const entries = (Array.isArray(value) ? value : []).filter(
    (e): e is Entry => typeof e === 'object' && Object.values(e).some((x) => String(x).trim() !== ''),
  );
  if (!entries.length) return <dd class="answer-none">None added</dd>;
  const cap = item.entry.charAt(0).toUpperCase() + item.entry.slice(1);
  return (
    <dd>
      <ol class="entries">
        {entries.map((e, i) => (
          <li key={i} class="entry-item" data-testid="entry">
            <strong>
              {cap} {i + 1}
            </strong>
            <dl class="entry-fields">
              {item.fields
                .filter((f) => (e[f.id] ?? '').trim() !== '')
                .map((f) => {
                  const raw = e[f.id]!;
                  const shown = f.options
                    ? (f.options.find((o) => o.value === raw)?.label ?? raw)
                    : f.shape === 'datetime'
                      ? dateText(raw)
                      : raw;
                  return (
                    <div key={f.id} class="entry-field">
                      <dt>{f.label}</dt>
                      <dd>{shown}</dd>
                    </div>
                  );
                })}
            </dl>
          </li>
        ))}
      </ol>
    </dd>
  );
}

/**
 * A tick box with no answer on a finished record: its section was never
 * confirmed (the record was finished from an earlier page once the outcome was
 * decided), so nobody said whether it applies. Printed "Not reviewed", apart
 * from "Not ticked" (looked at and absent, which Continue or "None of these" records).
 */
export const NOT_REVIEWED = 'Not reviewed';

/** Every section and every question with its answer (or "Not answered"; a tick box never looked at, "Not reviewed"). */
export function AnswerList({
  inst,
  answers,
  headingLevel = 2,
}: {
  inst: Instrument;
  answers: DocumentRecord['answers'];
  headingLevel?: 2 | 3;
}) {
  const H = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <div class="answers" data-testid="answers">
      {inst.sections.map((s) => {
        const ticks = s.items.filter(isTickItem);
        const unreviewed = ticks.filter((i) => !isAnswered(answers[i.id])).length;
        const none = ticks.length > 0 && ticks.every((i) => answers[i.id] === 'no');
        const asked = s.items.filter((item) => isAsked(item, answers) || isAnswered(answers[item.id]));
        return (
          <section key={s.id} class="answer-section">
            <H>{s.title}</H>
            {none && (
              <p class="answer-reviewed" data-testid="section-none">
                None of these (each looked at and absent)
              </p>
            )}
            {unreviewed > 0 && (
              <p class="answer-unreviewed" data-testid="section-unreviewed">
                {unreviewed === ticks.length
                  ? 'Not reviewed: the record was finished before this section was looked at.'
                  : `${unreviewed} of ${ticks.length} not reviewed: the record was finished before this section was confirmed.`}
              </p>
            )}
            <dl class="qa-list">
              {asked.map((item) => {
                const v = answers[item.id];
                const shown = answerText(item, v);
                const blank = isTickItem(item) ? NOT_REVIEWED : 'Not answered';
                // On paper a blank or unticked item is named in its section's one line below instead.
                const folded = item.kind !== 'repeat' && (!shown || (isTickItem(item) && v === 'no'));
                return (
                  <div class={`qa${folded ? ' qa-folded' : ''}`} key={item.id} data-item={item.id}>
                    <dt>{item.text}</dt>
                    {item.kind === 'repeat' ? (
                      <Entries item={item} value={v} />
                    ) : (
                      <dd class={shown ? '' : 'answer-none'}>{shown ?? blank}</dd>
                    )}
                  </div>
                );
              })}
            </dl>
            <Folded label="Not ticked" items={asked.filter((i) => isTickItem(i) && answers[i.id] === 'no')} />
            <Folded label={NOT_REVIEWED} items={asked.filter((i) => isTickItem(i) && !isAnswered(answers[i.id]))} />
            <Folded
              label="Not answered"
              items={asked.filter((i) => !isTickItem(i) && i.kind !== 'repeat' && !isAnswered(answers[i.id]))}
              whole={!asked.some((i) => isAnswered(answers[i.id]))}
            />
          </section>
        );
      })}
    </div>
  );
}

/** On paper: a section's unticked, unreviewed or blank items in one line ("Not ticked: a; b; c"). */
function Folded({ label, items, whole }: { label: string; items: Item[]; whole?: boolean }) {
  if (!items.length) return null;
  const names = [...new Set(items.map((i) => i.text.replace(/[\s.:?]+$/, '')))];
  return (
    <p class="print-only answer-folded" data-testid="answers-folded">
      <strong>{label}:</strong> {/* A section nobody filled in is said in a line, not named question by question. */}
      {whole && items.length > 6 ? `none of this section's ${items.length} questions` : names.join('; ')}
    </p>
  );
}

export function AssessorText({ a }: { a: Assessor | undefined }) {
  if (!a || a.from === 'none' || !a.name)
    return (
      <>
        Assessor not recorded
        <span class="screen-only"> (add your details in Settings)</span>
      </>
    );
  return (
    <>
      {[a.name, a.role, a.organisation].filter(Boolean).join(', ')}
      {a.contact && (
        <>
          <br />
          {a.contact}
        </>
      )}
      {/* A sealed submission cannot be read back here: say where these details come from. */}
      {a.from === 'settings' && <span class="hint-inline"> (as held in Settings on this device)</span>}
    </>
  );
}

export function OutcomeWords({ inst, result }: { inst: Instrument; result: Result }) {
  if (inst.kind === 'information-report') return <>{result.level ?? 'Information report recorded'}</>;
  if (result.level)
    return (
      <>
        {result.level}
        {!result.complete && ' (decided before every answer was given)'}
      </>
    );
  return <>Not complete: no outcome</>;
}

/** A CSS string of some text (for the page's margin boxes). */
const cssString = (t: string): string => `"${t.replace(/[\\"]/g, '\\$&').replace(/[\r\n]+/g, ' ')}"`;

/** The protective marking every printed page carries. */
export const MARKING = 'OFFICIAL-SENSITIVE';

/**
 * While a record is shown, the page's margin boxes (styles.css @page) read the marking and the reference
 * from these properties, so every printed page carries them; they go when the record does.
 */
function usePageMarks(reference: string) {
  useLayoutEffect(() => {
    const root = document.documentElement.style;
    root.setProperty('--doc-marking', cssString(MARKING));
    root.setProperty('--doc-ref', cssString(reference));
    return () => {
      root.removeProperty('--doc-marking');
      root.removeProperty('--doc-ref');
    };
  }, [reference]);
}

/** The printable record. Phones print as numbers, not buttons; nothing interactive. */
export function RecordDocument({
  record,
  result,
  assessor,
  sent,
  provenance,
  summary,
  annex,
  stepsFor,
}: {
  record: DocumentRecord;
  result: Result;
  assessor: Assessor | undefined;
  sent: SentWords;
  /** Where the outcome was computed, when not on this device (the reviewers' inbox prints the server's re-score). */
  provenance?: string;
  /** More for page 1 (the inbox: the review state, a disagreement). */
  summary?: ComponentChildren;
  /** More for the annex, after the answers (the inbox: the review history). */
  annex?: ComponentChildren;
  /** The steps as this reader needs them (the inbox: the referral's own area's contacts only). */
  stepsFor?: (steps: NextStep[]) => NextStep[];
}) {
  const inst = getInstrument(record.instrumentId)!;
  const team = routedTeam(inst, result);
  const steps = (stepsFor ?? ((x: NextStep[]) => x))(ordered(stepsToShow(inst, result)));
  const report = inst.kind === 'information-report';
  // What to do now (999 and warnings, then every step with a timescale) on page 1; the other steps follow it.
  const urgent = steps.filter((x) => isNow(x) || !!x.within);
  const now = urgent.length ? urgent : steps;
  const later = steps.filter((x) => !now.includes(x));
  const reference = report ? `Reference ${record.childRef}` : `Child reference ${record.childRef}`;
  usePageMarks(reference);
  // The app's reading of the age, with the reference; the notes in the annex are the source document's own words.
  const age = ageWorkedOut(result);
  const notes = sourceNotes(result);
  return (
    <article class="record-document" data-testid="record-document">
      <div class="doc-summary">
        <div class="doc-head">
          <p class="doc-marking" data-testid="doc-marking">
            {MARKING} · {reference}
          </p>
          <p class="doc-kicker">CSE Screen · {report ? 'Information report' : 'Screening record'}: summary</p>
          <p class="doc-title">{inst.title}</p>
        </div>
        <dl class="doc-facts">
          <div>
            <dt>{report ? 'Reference' : 'Child reference'}</dt>
            <dd data-testid="doc-child-ref">{record.childRef}</dd>
          </div>
          {age !== undefined && (
            <div>
              <dt>Age</dt>
              <dd data-testid="doc-age">{age} (from the date of birth)</dd>
            </div>
          )}
          <div>
            <dt>Finished</dt>
            <dd>{when(record.finalisedAt)}</dd>
          </div>
          <div>
            <dt>Started</dt>
            <dd>{when(record.createdAt)}</dd>
          </div>
          <div>
            <dt>{report ? 'Reported by' : 'Assessor'}</dt>
            <dd data-testid="doc-assessor">
              <AssessorText a={assessor} />
            </dd>
          </div>
          {team && (
            <div>
              <dt>For</dt>
              <dd>
                {team.name} ({team.area}) · {team.email}
                {team.phone && <> · {team.phone}</>}
              </dd>
            </div>
          )}
          <div>
            <dt>Sent</dt>
            <dd>{sent ?? 'Not sent from this device'}</dd>
          </div>
        </dl>
        {summary}
        <section class="doc-outcome">
          <h2 class="doc-h">Outcome</h2>
          <p class="outcome-level">
            <OutcomeWords inst={inst} result={result} />
          </p>
          {result.total !== undefined && (
            <p>
              Total: <strong>{result.total}</strong>
              {result.bands.length > 0 && <> · falls in {result.bands.join(' and ')}</>}
            </p>
          )}
        </section>
        <section class="doc-steps">
          <h2 class="doc-h">What to do now</h2>
          <StepList steps={now} file={inst.source} print />
        </section>
        {later.length > 0 && (
          <section class="doc-steps doc-then">
            <h2 class="doc-h">Then</h2>
            <StepList steps={later} file={inst.source} start={now.length + 1} print />
          </section>
        )}
      </div>
      <div class="doc-annex">
        <h2 class="doc-h">{report ? 'Annex: the report' : 'Annex: every answer'}</h2>
        <AnswerList inst={inst} answers={record.answers} headingLevel={3} />
        {notes.length > 0 && (
          <section class="doc-notes">
            <h2 class="doc-h">The source document also says</h2>
            <ul>
              {notes.map((n, i) => (
                <li key={i}>{withoutRefs(n, inst.source)}</li>
              ))}
            </ul>
          </section>
        )}
        {annex}
      </div>
      <footer class="doc-footnote">
        {result.ambiguities.length > 0 && (
          <>
            <p>
              <strong>Where the source is unclear, and the reading taken:</strong>
            </p>
            <ul>
              {result.ambiguities.map((a, i) => (
                <li key={i}>{withoutRefs(a, inst.source)}</li>
              ))}
            </ul>
          </>
        )}
        <p>
          Provenance: {inst.title} as published in the {documentName(inst.source)} (the app's copy of the tool, version{' '}
          {result.version});{' '}
          {provenance ?? `outcome computed on this device by CSE Screen ${APP_VERSION} when the record was finished.`}{' '}
          Contact details as printed in the source; confirm them locally. Scoring informs professional judgement; it
          never replaces it. Prepared {when(Date.now())}.
        </p>
      </footer>
    </article>
  );
}
