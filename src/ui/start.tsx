// Start a record: a tool's card opens straight into its first page, where the
// child reference is asked (runner.tsx); the draft is stored on the first
// thing entered. A re-assessment, or a tool an outcome names (a follow-on),
// carries the child reference and is linked to the record it follows
// (previousId), so the child's chain holds together.
import { useEffect, useState } from 'preact/hooks';
import { itemsOf } from '../domain/index.ts';
import type { Answers, Instrument } from '../domain/index.ts';
import { HOME_AREA_ID, answeredHomeArea, carryFacts, homeAreaPrefill, localToday } from '../domain/index.ts';
import { getInstrument } from '../domain/index.ts';
import type { RecordRow } from '../store/db.ts';
import { describeStorageError } from '../store/errors.ts';
import { getRecord } from '../store/records.ts';
import { loadEndpoint, loadSettings } from '../sync/settings.ts';
import type { Author } from '../contract/submission.ts';
import { useApp } from './context.ts';
import { focusHeading } from '../shared-ui/hash-router.ts';
import { reportPrefill } from './prefill.ts';
import { Runner } from './runner.tsx';

/** What a new record takes over from the one it follows. */
export function initialAnswers(inst: Instrument, previous: RecordRow | undefined): Answers {
  const answers: Answers = carryFacts(inst, previous?.answers, localToday());
  if (!previous) return answers;
  // The child's home area, where the record this follows answered one of this tool's region's areas.
  const home = answeredHomeArea(previous.answers, inst.region);
  if (home) Object.assign(answers, homeAreaPrefill(inst, home));
  const items = itemsOf(inst);
  // A previous total is this tool's score only when it came from this tool.
  if (
    previous.instrumentId === inst.id &&
    previous.result?.total !== undefined &&
    items.some((i) => i.id === 'previous-score')
  )
    answers['previous-score'] = previous.result.total;
  if (items.some((i) => i.id === 'previously-known')) answers['previously-known'] = 'yes';
  return answers;
}

export function Start({ instrumentId, previousId }: { instrumentId: string; previousId?: string | undefined }) {
  const { db } = useApp();
  const inst = getInstrument(instrumentId);
  const [previous, setPrevious] = useState<{ row?: RecordRow; error?: string; loaded: boolean }>({
    loaded: !previousId,
  });
  useEffect(() => {
    if (!previousId) return;
    getRecord(db, previousId).then(
      (row) =>
        setPrevious(
          row ? { row, loaded: true } : { loaded: true, error: 'The record this follows is not on this device.' },
        ),
      (e) => setPrevious({ loaded: true, error: describeStorageError(e).message }),
    );
  }, [db, previousId]);
  // An information report starts with the reporter's details from Settings and "now" (prefill.ts).
  const report = inst?.kind === 'information-report';
  const [author, setAuthor] = useState<{ value?: Author; loaded: boolean }>({ loaded: !report });
  useEffect(() => {
    if (!report) return;
    loadSettings(db).then(
      (s) => setAuthor({ value: s?.author, loaded: true }),
      () => setAuthor({ loaded: true }),
    );
  }, [db, report]);
  // "Which area does the child live in?" starts with the area this device was enrolled for (kept at enrolment).
  const asksArea = !!inst && itemsOf(inst).some((i) => i.id === HOME_AREA_ID);
  const [deviceArea, setDeviceArea] = useState<{ value?: string | undefined; loaded: boolean }>({ loaded: !asksArea });
  useEffect(() => {
    if (!asksArea) return;
    loadEndpoint(db).then(
      (e) => setDeviceArea({ value: e?.device?.area, loaded: true }),
      () => setDeviceArea({ loaded: true }),
    );
  }, [db, asksArea]);
  // What the draft starts with is read from storage first: once it is, the heading takes focus as the
  // router would have given it, had the screen been drawn at once (it found only "Opening…").
  const ready = previous.loaded && author.loaded && deviceArea.loaded;
  const [readyAtOnce] = useState(ready);
  useEffect(() => {
    if (ready && !readyAtOnce) focusHeading();
  }, [ready, readyAtOnce]);
  if (!inst) return <p>Unknown tool.</p>;
  if (!ready) return <p aria-busy="true">Opening…</p>;
  if (previous.error) return <p class="field-error">{previous.error}</p>;

  const prev = previous.row;
  const now = Date.now();
  // Not stored yet: the runner stores it on the first answer, or on Continue.
  const template: RecordRow = {
    id: 'new',
    instrumentId: inst.id,
    instrumentVersion: inst.version,
    state: 'draft',
    childRef: prev?.childRef ?? (inst.kind === 'information-report' ? 'Information report' : ''),
    answers: {
      ...(report ? reportPrefill(inst, author.value, now) : {}),
      ...homeAreaPrefill(inst, deviceArea.value),
      ...initialAnswers(inst, prev),
    },
    section: 0,
    createdAt: now,
    updatedAt: now,
    ...(prev ? { previousId: prev.id } : {}),
  };
  const from = prev ? getInstrument(prev.instrumentId)?.title : undefined;
  return <Runner key={`new:${inst.id}:${previousId ?? ''}`} record={template} section={0} isNew carriedFrom={from} />;
}
