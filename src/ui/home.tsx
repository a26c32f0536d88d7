// Home: choose the setting and region, and the app offers the right
// instruments; recent and in-progress records below.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { RegionId, Setting } from '../domain/index.ts';
import { getInstrument, instrumentsFor } from '../domain/index.ts';
import type { RecordRow } from '../store/db.ts';
import { describeStorageError } from '../store/errors.ts';
import { deleteDraft, recentRecords, resumeSection } from '../store/records.ts';
import { openReportDraft, unfinishedReport } from './prefill.ts';
import { go } from './router.ts';
import { loadPolicy } from '../security/passcode.ts';
import { staleDrafts } from '../security/retention.ts';
import { useApp } from './context.ts';
import { damagedRecordTitle } from './damaged.tsx';
import { HomeScreenNote } from './home-screen-note.tsx';
import { REGION_OPTIONS, SETTINGS, when } from '../shared-ui/labels.ts';
import { href } from './router.ts';

const PREFS = 'cse-screen.prefs';

function loadPrefs(): { setting: Setting; region: RegionId } {
  try {
    const p = JSON.parse(localStorage.getItem(PREFS) ?? '{}');
    return { setting: p.setting ?? 'medical', region: p.region ?? 'northamptonshire' };
  } catch {
    return { setting: 'medical', region: 'northamptonshire' };
  }
}

export function Home() {
  const { db } = useApp();
  const [prefs, setPrefs] = useState(loadPrefs);
  const [recent, setRecent] = useState<RecordRow[]>();
  const [error, setError] = useState<string>();
  const [stale, setStale] = useState(0);
  const [deleted, setDeleted] = useState<string>();
  const reload = () => {
    recentRecords(db).then(setRecent, (e) => setError(describeStorageError(e).message));
    staleDrafts(db, loadPolicy()).then(setStale, () => {});
  };
  useEffect(reload, [db]);
  const choose = (p: typeof prefs) => {
    setPrefs(p);
    localStorage.setItem(PREFS, JSON.stringify(p));
  };
  const offered = instrumentsFor(prefs.setting, prefs.region);
  // The quick path: one tap from Home to a saved draft report.
  const report = offered.find((i) => i.kind === 'information-report');
  // A report half-filled: "File an information report" goes back to it, and "Start a new one" is beside it.
  const [started, setStarted] = useState<RecordRow>();
  useEffect(() => {
    setStarted(undefined);
    if (report) unfinishedReport(db, report).then(setStarted, () => {});
  }, [db, report?.id]);
  const fileReport = async (fresh: boolean) => {
    try {
      // Resumes the newest unfinished report; else reuses an empty draft rather than adding another,
      // with the reporter and "now" pre-filled.
      const row = await openReportDraft(db, report!, Date.now(), { fresh });
      go({ name: 'run', recordId: row.id, section: fresh ? 0 : resumeSection(row) });
    } catch (e) {
      setError(describeStorageError(e).message);
    }
  };

  return (
    <>
      <h1 tabIndex={-1}>Screen a child</h1>
      <div class="warning-text emergency" role="note">
        <strong>If a child is at immediate risk of significant harm, call 999 now.</strong>{' '}
        <a class="button danger call" href="tel:999">
          Call 999
        </a>
      </div>
      <HomeScreenNote />
      {report && (
        <div class="quick-report">
          <div class="button-row">
            <button
              type="button"
              class="button"
              data-testid="quick-report"
              aria-describedby={started ? 'quick-report-resume' : 'quick-report-hint'}
              onClick={() => void fileReport(false)}
            >
              File an information report
            </button>
            {started && (
              <button
                type="button"
                class="button secondary"
                data-testid="quick-report-new"
                onClick={() => void fileReport(true)}
              >
                Start a new one
              </button>
            )}
          </div>
          {started ? (
            <p class="hint" id="quick-report-resume" data-testid="quick-report-resume">
              Opens the report you started, last changed {when(started.updatedAt)}, where you left it.
            </p>
          ) : (
            <p class="hint" id="quick-report-hint">
              Intelligence for the police when no child is in immediate danger: a car, a phone number, an adult hanging
              around.
            </p>
          )}
        </div>
      )}
      <div class="choosers">
        <fieldset class="field">
          <legend>Where are you working?</legend>
          <div class="options inline">
            {SETTINGS.map((s) => (
              <label class={`option${prefs.setting === s.id ? ' checked' : ''}`} key={s.id} for={`setting-${s.id}`}>
                <input
                  id={`setting-${s.id}`}
                  type="radio"
                  name="setting"
                  checked={prefs.setting === s.id}
                  onChange={() => choose({ ...prefs, setting: s.id })}
                />
                <span class="option-label">{s.label}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <div class="field">
          <label class="label" for="region">
            Region
          </label>
          <select
            id="region"
            class="input select"
            value={prefs.region}
            onChange={(e) => choose({ ...prefs, region: (e.target as HTMLSelectElement).value as RegionId })}
          >
            {REGION_OPTIONS.map((r) => (
              <option value={r.id} key={r.id}>
                {r.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <h2>Tools for this setting and region</h2>
      {offered.length === 0 ? (
        <p>
          No tool from this region is meant for this setting. Choose another setting, or use your professional judgement
          and the referral routes.
        </p>
      ) : (
        <ul class="tool-list">
          {offered.map((i) => (
            <li key={i.id}>
              <a class="tool" href={href({ name: 'start', instrumentId: i.id })} data-instrument={i.id}>
                <span class="tool-title">{i.title}</span>
                <span class="tool-meta">{i.audience.who.text}</span>
              </a>
            </li>
          ))}
        </ul>
      )}
      {stale > 0 && (
        <div class="warning-text" role="note" data-testid="stale-drafts">
          <strong>
            {stale} unfinished {stale === 1 ? 'draft is' : 'drafts are'} older than {loadPolicy().draftPromptDays} days.
            Finish {stale === 1 ? 'it' : 'them'} so the information reaches the people who must act, or delete{' '}
            {stale === 1 ? 'it' : 'them'}: drafts hold a child's details on this device.
          </strong>
        </div>
      )}
      <h2>Recent records</h2>
      {error && <p class="field-error">{error}</p>}
      {recent && recent.length === 0 && <p>None yet on this device.</p>}
      {deleted && (
        <p class="inset" role="status" data-testid="draft-deleted">
          {deleted}
        </p>
      )}
      {recent && recent.length > 0 && (
        <ul class="record-list" data-testid="recent">
          {recent.map((r) => (
            <RecordListItem
              key={r.id}
              row={r}
              onDeleted={(what) => {
                setDeleted(`Deleted the draft: ${what}.`);
                reload();
              }}
              onError={(m) => setError(m)}
            />
          ))}
        </ul>
      )}
    </>
  );
}

/** How a record is named in lists: the child's reference, or the report's area, and a date. */
export function recordName(r: RecordRow): string {
  const inst = getInstrument(r.instrumentId);
  if (inst?.kind === 'information-report') {
    // Only a non-personal answer names a report in a list (the area); persons and plates stay inside it.
    const area = inst.routing
      ? inst.routing.teams.find((t) => t.value === r.answers[inst.routing!.itemId])?.area
      : undefined;
    return `Information report${area ? ` for ${area}` : ''}`;
  }
  return `Child reference ${r.childRef}`;
}

function RecordListItem({
  row: r,
  onDeleted,
  onError,
}: {
  row: RecordRow;
  onDeleted: (what: string) => void;
  onError: (m: string) => void;
}) {
  const { db } = useApp();
  const [confirming, setConfirming] = useState(false);
  const yes = useRef<HTMLButtonElement>(null);
  const del = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);
  // Focus moves to the question when it opens and back to Delete when it is declined: once each, never on a re-render.
  useEffect(() => {
    if (confirming) yes.current?.focus();
    else if (asked.current) del.current?.focus();
    asked.current ||= confirming;
  }, [confirming]);
  if (r._damage)
    // A damaged record is listed for what it was and when, never with a blank reference.
    return (
      <li data-record={r.id}>
        <a href={href({ name: 'record', recordId: r.id })} data-damaged="true">
          <span class="tool-title">Damaged: {damagedRecordTitle(r)}</span>
          <span class="tool-meta">
            Cannot be opened · last changed {when(r.updatedAt) || 'at an unknown time'} · see what can be done
          </span>
        </a>
      </li>
    );
  const name = recordName(r);
  const final = r.state === 'final';
  const title = getInstrument(r.instrumentId)?.title ?? r.instrumentId;
  const what = `${name}, ${final ? 'finished' : 'started'} ${when(final ? r.finalisedAt : r.createdAt)}`;
  return (
    <li data-record={r.id}>
      <div class="draft-row">
        <a href={href(final ? { name: 'record', recordId: r.id } : { name: 'run', recordId: r.id })}>
          <span class="tool-title">{name}</span>
          <span class="tool-meta">
            {title} · {final ? `Finished ${when(r.finalisedAt)}` : `In progress, started ${when(r.createdAt)}`}
            {final && r.result?.level ? ` · ${r.result.level}` : ''}
          </span>
        </a>
        {!final && (
          <button
            type="button"
            class="button secondary"
            data-testid="delete-draft"
            ref={del}
            aria-expanded={confirming}
            onClick={() => setConfirming(true)}
          >
            Delete<span class="visually-hidden"> the draft: {what}</span>
          </button>
        )}
      </div>
      {confirming && (
        <div class="confirm" role="group" aria-labelledby={`confirm-${r.id}`}>
          <p id={`confirm-${r.id}`}>
            <strong>Delete the draft “{what}”?</strong> Its answers are removed from this device and cannot be
            recovered.
          </p>
          <div class="button-row">
            <button
              type="button"
              class="button warning"
              data-testid="confirm-delete"
              ref={yes}
              onClick={async () => {
                try {
                  await deleteDraft(db, r.id);
                  onDeleted(what);
                } catch (e) {
                  onError(describeStorageError(e).message);
                }
              }}
            >
              Yes, delete this draft
            </button>
            <button type="button" class="button secondary" onClick={() => setConfirming(false)}>
              No, keep it
            </button>
          </div>
        </div>
      )}
    </li>
  );
}
