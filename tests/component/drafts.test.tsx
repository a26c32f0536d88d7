// @vitest-environment jsdom
// Drafts on Home: deleted only after a confirm, named by child reference or
// report area, and the one-tap report reusing an empty draft. Real Dexie on
// fake-indexeddb, encrypted as on a device.
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getInstrument } from '../../src/domain/instruments/catalogue.ts';
import { CseDb } from '../../src/store/db.ts';
import { createDraft, finalise, getRecord, saveDraft } from '../../src/store/records.ts';
import { saveSettings } from '../../src/sync/settings.ts';
import { AppContext } from '../../src/ui/context.ts';
import { Home } from '../../src/ui/home.tsx';
import { Start } from '../../src/ui/start.tsx';
import { authorFromReport, isEmptyReport, localDateTime, reportPrefill } from '../../src/ui/prefill.ts';
import { CheckAnswers } from '../../src/ui/check.tsx';
import { loadAuthor, saveEndpoint } from '../../src/sync/settings.ts';

let db: CseDb;
let name: string;
beforeEach(() => {
  name = `d-${crypto.randomUUID()}`;
  db = new CseDb(name);
  location.hash = '';
  localStorage.clear();
});
afterEach(async () => {
  cleanup();
  db.close();
  await Dexie.delete(name);
});

const wrap = (ui: preact.ComponentChildren) => (
  <AppContext.Provider value={{ db, setSaveStatus: () => {} }}>{ui}</AppContext.Provider>
);
const AUTHOR = {
  name: 'Sam Nurse',
  role: 'Youth worker',
  organisation: 'Test Youth Service',
  contact: 'sam@example.org',
};
const REPORT = 'gm-information-report';
const reportDrafts = async () =>
  (await db.records.where('instrumentId').equals(REPORT).toArray()).filter((r) => r.state === 'draft');

describe('deleting a draft', () => {
  it('asks first, keeps it on "No", deletes it on "Yes", and offers no delete for a finished record', async () => {
    const keep = await createDraft(db, { instrumentId: 'nscb-ae-cse-indicator-checklist', childRef: 'KEEP-1' });
    const gone = await createDraft(db, {
      instrumentId: 'nscb-ae-cse-indicator-checklist',
      childRef: 'GONE-1',
      answers: { age: 14 },
    });
    const done = await finalise(
      db,
      (await createDraft(db, { instrumentId: 'gm-cse-measurement-tool', childRef: 'DONE-1' })).id,
    );
    render(wrap(<Home />));
    const list = await screen.findByTestId('recent');
    const item = (ref: string) => within(list).getByText(`Child reference ${ref}`).closest('li')!;
    // Named by the child's reference, with the date it was started.
    expect(item('GONE-1').textContent).toMatch(/In progress, started \d{1,2} \w{3} \d{4}/);
    expect(within(item('DONE-1')).queryByTestId('delete-draft')).toBeNull();

    fireEvent.click(within(item('GONE-1')).getByTestId('delete-draft'));
    expect(within(item('GONE-1')).getByText(/cannot be recovered/)).toBeTruthy();
    expect(document.activeElement?.textContent).toBe('Yes, delete this draft');
    fireEvent.click(within(item('GONE-1')).getByRole('button', { name: 'No, keep it' }));
    expect(await getRecord(db, gone.id)).toBeTruthy();
    expect(within(item('GONE-1')).queryByTestId('confirm-delete')).toBeNull();

    fireEvent.click(within(item('GONE-1')).getByTestId('delete-draft'));
    fireEvent.click(within(item('GONE-1')).getByTestId('confirm-delete'));
    await waitFor(async () => expect(await getRecord(db, gone.id)).toBeUndefined());
    expect((await screen.findByTestId('draft-deleted')).textContent).toContain('Child reference GONE-1');
    await waitFor(() => expect(within(screen.getByTestId('recent')).queryByText('Child reference GONE-1')).toBeNull());
    expect(await getRecord(db, keep.id)).toBeTruthy();
    expect((await getRecord(db, done.id))?.state).toBe('final');
  });
});

describe('the one-tap information report', () => {
  beforeEach(async () => {
    localStorage.setItem('cse-screen.prefs', JSON.stringify({ setting: 'youth-work', region: 'greater-manchester' }));
    await saveSettings(db, { author: AUTHOR, endpoint: { url: 'https://endpoint.example/api/submissions' } });
  });

  it('pre-fills the reporter from Settings and "now", and reuses the empty draft instead of adding another', async () => {
    render(wrap(<Home />));
    fireEvent.click(await screen.findByTestId('quick-report'));
    await waitFor(() => expect(location.hash).toMatch(/^#\/record\/[^/]+\/0$/));
    const firstHash = location.hash;
    const [first] = await reportDrafts();
    expect(first!.answers['reporter-name']).toBe('Sam Nurse');
    expect(first!.answers['reporter-job']).toBe('Youth worker');
    expect(first!.answers['reporter-org']).toBe('Test Youth Service');
    expect(first!.answers['reporter-contact']).toBe('sam@example.org');
    expect(Math.abs(new Date(first!.answers['report-datetime'] as string).getTime() - Date.now())).toBeLessThan(
      2 * 60_000,
    );

    location.hash = '';
    fireEvent.click(screen.getByTestId('quick-report'));
    await waitFor(() => expect(location.hash).toBe(firstHash));
    expect(await reportDrafts()).toHaveLength(1);

    // Once something is written in it, it is a report half-filled: the same tap goes back to it, where it was
    // left (issue 22: it no longer starts a second report), and "Start a new one" beside it makes another.
    await saveDraft(db, first!.id, { ...first!.answers, persons: [{ name: 'Dan' }] }, 1);
    cleanup();
    location.hash = '';
    render(wrap(<Home />));
    expect((await screen.findByTestId('quick-report-resume')).textContent).toContain('Opens the report you started');
    fireEvent.click(screen.getByTestId('quick-report'));
    await waitFor(() => expect(location.hash).toBe(`#/record/${first!.id}/1`));
    expect(await reportDrafts()).toHaveLength(1);
    location.hash = '';
    fireEvent.click(screen.getByTestId('quick-report-new'));
    await waitFor(() => expect(location.hash).toMatch(/^#\/record\/[^/]+\/0$/));
    expect(location.hash).not.toContain(first!.id);
    expect(await reportDrafts()).toHaveLength(2);
  });

  it('a report opened from its tool card is pre-filled the same way, and stored only once something is entered', async () => {
    render(wrap(<Start instrumentId={REPORT} />));
    expect(await reportDrafts()).toHaveLength(0);
    fireEvent.click(await screen.findByLabelText('No – this is information or intelligence'));
    await waitFor(async () => expect(await reportDrafts()).toHaveLength(1));
    const [row] = await reportDrafts();
    expect(row!.answers['reporter-name']).toBe('Sam Nurse');
    expect(row!.answers['reporter-contact']).toBe('sam@example.org');
    expect(typeof row!.answers['report-datetime']).toBe('string');
  });

  it('an empty report is one with nothing beyond the pre-fill; the West Midlands form splits phone and e-mail', () => {
    const gm = getInstrument(REPORT)!;
    const now = new Date(2026, 10, 23, 9, 5).getTime();
    expect(localDateTime(now)).toBe('2026-11-23T09:05');
    const pre = reportPrefill(gm, AUTHOR, now);
    const row = {
      id: 'x',
      instrumentId: REPORT,
      instrumentVersion: gm.version,
      state: 'draft' as const,
      childRef: 'Information report',
      answers: pre,
      section: 0,
      createdAt: now,
      updatedAt: now,
    };
    expect(isEmptyReport(gm, row)).toBe(true);
    expect(isEmptyReport(gm, { ...row, answers: { ...pre, area: 'rochdale' } })).toBe(false);
    expect(isEmptyReport(gm, { ...row, state: 'final' })).toBe(false);
    const wm = reportPrefill(getInstrument('wm-information-report')!, AUTHOR, now);
    expect(wm).toEqual({
      'reporter-name': 'Sam Nurse',
      'reporter-job': 'Youth worker',
      'reporter-agency': 'Test Youth Service',
      'reporter-email': 'sam@example.org',
    });
  });
});

describe('a report sent under the name typed in it', () => {
  const typed = {
    'immediate-danger': 'no',
    'reporter-name': 'Alex Medic',
    'reporter-job': 'Paramedic',
    'reporter-org': 'North West Ambulance Service',
    'reporter-contact': '07700 900123',
  };

  it('reads the reporter from the report, and nothing without a name', () => {
    const gm = getInstrument(REPORT)!;
    expect(authorFromReport(gm, typed)).toEqual({
      name: 'Alex Medic',
      role: 'Paramedic',
      organisation: 'North West Ambulance Service',
      contact: '07700 900123',
    });
    expect(authorFromReport(gm, { 'reporter-job': 'Paramedic' })).toBeUndefined();
    expect(authorFromReport(getInstrument('nscb-ae-cse-indicator-checklist')!, typed)).toBeUndefined();
  });

  it('Settings has no name: finishing sends it as from the typed name (not held), and keeps it in Settings when asked', async () => {
    await saveEndpoint(db, { url: 'https://endpoint.example/api/submissions' });
    const row = await createDraft(db, { instrumentId: REPORT, childRef: 'Information report', answers: typed });
    render(wrap(<CheckAnswers record={row} />));
    const offer = await screen.findByTestId('keep-name');
    expect(offer.textContent).toContain('sent as from Alex Medic');
    fireEvent.click(within(offer).getByLabelText('Keep these details in Settings for the next records and reports'));
    fireEvent.click(screen.getByRole('button', { name: /^Finish/ }));
    const confirm = await screen.findByRole('button', { name: /^Yes, finish as incomplete|^Finish/ });
    if (/Yes/.test(confirm.textContent ?? '')) fireEvent.click(confirm);
    await waitFor(async () => expect(await db.outbox.count()).toBe(1));
    const out = (await db.outbox.toArray())[0]!;
    expect(JSON.parse(out.payload).author).toMatchObject({
      name: 'Alex Medic',
      organisation: 'North West Ambulance Service',
    });
    expect(await loadAuthor(db)).toMatchObject({ name: 'Alex Medic', role: 'Paramedic' });
  });
});
