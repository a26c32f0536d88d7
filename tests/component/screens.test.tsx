// @vitest-environment jsdom
// Component tests for the runner, result and history screens, against a real
// Dexie database on fake-indexeddb.
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { score } from '../../src/domain/index.ts';
import { getInstrument } from '../../src/domain/instruments/catalogue.ts';
import { CseDb, type RecordRow } from '../../src/store/db.ts';
import { createDraft, finalise, getRecord } from '../../src/store/records.ts';
import { AppContext } from '../../src/ui/context.ts';
import { History } from '../../src/ui/history.tsx';
import { ResultView } from '../../src/ui/result.tsx';
import { Runner } from '../../src/ui/runner.tsx';
import { scores, ticks } from '../helpers/answers.ts';

let db: CseDb;
let name: string;
const statuses: string[] = [];
beforeEach(() => {
  name = `c-${crypto.randomUUID()}`;
  db = new CseDb(name);
  statuses.length = 0;
  location.hash = '';
});
afterEach(async () => {
  cleanup();
  db.close();
  await Dexie.delete(name);
});

const wrap = (ui: preact.ComponentChildren) => (
  <AppContext.Provider value={{ db, setSaveStatus: (s) => statuses.push(s) }}>{ui}</AppContext.Provider>
);

/** A section's page number (0-based) in a tool as the app runs it. */
const page = (instrumentId: string, sectionId: string) =>
  getInstrument(instrumentId)!.sections.findIndex((s) => s.id === sectionId);

describe('Runner', () => {
  // The A&E checklist's sections: the case facts first, then About the child, the low, medium and higher indicators.
  it('a tick-list is one "Select all that apply" question; a tick saves "yes" at once', async () => {
    const row = await createDraft(db, { instrumentId: 'nscb-ae-cse-indicator-checklist', childRef: 'T1' });
    expect(page('nscb-ae-cse-indicator-checklist', 'low')).toBe(2);
    render(wrap(<Runner record={row} section={2} />));
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Low level indicators');
    expect(screen.getByText('Section 3 of 5', { exact: false })).toBeTruthy();
    const group = screen.getByRole('group', { name: /^Select all that apply/ });
    expect(
      within(group)
        .getAllByRole('checkbox')
        .map((c) => (c.closest('label') as HTMLElement).textContent),
    ).toEqual([
      'Low self-esteem/confidence',
      'Associating with unknown adults',
      'Self harming behaviours',
      'Experimenting with drugs/alcohol',
      'None of these',
    ]);
    fireEvent.click(within(group).getByLabelText('Self harming behaviours'));
    await waitFor(async () => expect((await getRecord(db, row.id))?.answers['low-self-harm']).toBe('yes'), {
      timeout: 2000,
    });
    expect(statuses).toContain('saving');
    expect(statuses.at(-1)).toBe('saved');
  });

  it('two low ticks show the outcome live (polite), 999 first, before anything else is answered (003 L514)', async () => {
    const row = await createDraft(db, { instrumentId: 'nscb-ae-cse-indicator-checklist', childRef: 'T1b' });
    render(wrap(<Runner record={row} section={page('nscb-ae-cse-indicator-checklist', 'low')} />));
    const live = screen.getByTestId('live-outcome');
    expect(live.getAttribute('aria-live')).toBe('polite');
    fireEvent.click(screen.getByLabelText('Self harming behaviours'));
    expect(live.textContent).toBe(''); // one low tick decides nothing
    fireEvent.click(screen.getByLabelText('Associating with unknown adults'));
    expect(within(live).getByTestId('live-level').textContent).toBe('Please complete full CSE Toolkit');
    const text = live.textContent ?? '';
    expect(text.indexOf('999')).toBeGreaterThanOrEqual(0);
    expect(text.indexOf('999')).toBeLessThan(text.indexOf('Please complete full CSE Toolkit'));
    expect(within(live).getByRole('link', { name: 'Call 999' }).getAttribute('href')).toBe('tel:999');
  });

  it('"None of these" is exclusive, a blank section cannot be confirmed, and Continue makes unticked boxes "not ticked"', async () => {
    const row = await createDraft(db, { instrumentId: 'nscb-ae-cse-indicator-checklist', childRef: 'T2' });
    render(wrap(<Runner record={row} section={3} />));
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Medium level indicators');
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Select the medium level indicators that apply, or select “None of these”');
    expect(within(alert).getByRole('link').getAttribute('href')).toBe('#field-section-medium');
    expect(location.hash).toBe('');
    // None of these → every box "not ticked"; a tick then clears it.
    fireEvent.click(screen.getByLabelText('None of these'));
    expect((screen.getByLabelText('None of these') as HTMLInputElement).checked).toBe(true);
    fireEvent.click(screen.getByLabelText('Getting into cars with unknown adults'));
    expect((screen.getByLabelText('None of these') as HTMLInputElement).checked).toBe(false);
    await waitFor(async () => {
      const a = (await getRecord(db, row.id))?.answers ?? {};
      expect([a['med-cars'], a['med-peers-at-risk']]).toEqual(['yes', undefined]);
    });
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    await waitFor(() => expect(location.hash).toBe(`#/record/${row.id}/4`));
    const a = (await getRecord(db, row.id))?.answers ?? {};
    expect([
      a['med-cars'],
      a['med-peers-at-risk'],
      a['med-assault-withdrawn'],
      a['med-older-partner'],
      a['med-multiple-stis'],
    ]).toEqual(['yes', 'no', 'no', 'no', 'no']);
  });

  it('Sandwell significant indicators: a tick asks "When?" (the two tick columns, 002 L1667/L1669), and Continue needs it', async () => {
    const row = await createDraft(db, { instrumentId: 'sandwell-cse-screening-tool', childRef: 'S1' });
    render(wrap(<Runner record={row} section={page('sandwell-cse-screening-tool', 'significant')} />));
    fireEvent.click(screen.getByLabelText(/^Entering\/leaving vehicles/));
    const when = screen.getByRole('group', { name: 'When?' });
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Select when for “Entering/leaving vehicles');
    fireEvent.click(within(when).getByLabelText('Prior to 6 months ago'));
    // One significant indicator decides Category 3 (the cautious reading of L1663), shown live.
    // The category is the practitioner's decision (002 L353–L359): the ticks give only the app's suggestion.
    expect(screen.getByTestId('live-level').textContent).toBe(
      "The app's suggestion from the ticks: Category 3 – Significant. Serious risk of harm (not confirmed by the practitioner)",
    );
    await waitFor(async () => expect((await getRecord(db, row.id))?.answers['s-vehicles']).toBe('prior'));
  });

  it('from Check answers, Change returns to Check answers after that page', async () => {
    const row = await createDraft(db, {
      instrumentId: 'nscb-ae-cse-indicator-checklist',
      childRef: 'T4',
      answers: ticks('nscb-ae-cse-indicator-checklist', []),
    });
    render(wrap(<Runner record={row} section={page('nscb-ae-cse-indicator-checklist', 'low')} change />));
    fireEvent.click(screen.getByLabelText('Low self-esteem/confidence'));
    fireEvent.click(screen.getByRole('button', { name: 'Save and return to check answers' }));
    await waitFor(() => expect(location.hash).toBe(`#/record/${row.id}/check`));
  });

  it('a new record asks the child reference on the first page and is stored only once something is entered', async () => {
    const { Start } = await import('../../src/ui/start.tsx');
    render(wrap(<Start instrumentId="nscb-ae-cse-indicator-checklist" />));
    // The first page is the case facts, where the reference is asked too.
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('About the child and what has happened');
    expect(await db.records.count()).toBe(0);
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('link').textContent).toBe('Enter a reference for the child');
    fireEvent.input(screen.getByLabelText(/^Child reference/), { target: { value: 'NEW-1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    await waitFor(() => expect(location.hash).toMatch(/^#\/record\/[0-9a-f-]+\/1$/));
    // The next page opens while the draft is still being written: the store is waited for, not assumed.
    await waitFor(async () =>
      expect((await db.records.toArray()).map((r) => [r.childRef, r.state, r.section])).toEqual([
        ['NEW-1', 'draft', 1],
      ]),
    );
    expect((await db.records.toArray())[0]!.id).toBe(location.hash.split('/')[2]);
  });

  it('"Nothing to report on these" records No to the four facts that change what to do and goes on, in one tap', async () => {
    const row = await createDraft(db, { instrumentId: 'nscb-ae-cse-indicator-checklist', childRef: 'F1' });
    render(wrap(<Runner record={row} section={0} />));
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('About the child and what has happened');
    // Follow-ups are asked only once what they follow is answered.
    expect(screen.queryByText('Has the child withdrawn the disclosure or allegation?')).toBeNull();
    expect(screen.queryByRole('group', { name: /^Date of assessment/ })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Nothing to report on these' }));
    await waitFor(() => expect(location.hash).toBe(`#/record/${row.id}/1`));
    const a = (await getRecord(db, row.id))?.answers ?? {};
    expect(a).toMatchObject({
      'fact-immediate-danger': 'no',
      'fact-sexual-assault': 'no',
      'fact-missing-now': 'no',
      'fact-trafficking': 'no',
    });
    // Nothing claimed that the nurse may not know: the date of birth, the count, the suspicions stay blank.
    expect([a['fact-dob'], a['fact-missing-3-months'], a['fact-suspected-abuse']]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('the date of birth is three fields (day, month, year), stored YYYY-MM-DD, with the age said back; a missing part is named', async () => {
    const row = await createDraft(db, { instrumentId: 'nscb-ae-cse-indicator-checklist', childRef: 'F2' });
    render(wrap(<Runner record={row} section={0} />));
    const dob = screen.getByRole('group', { name: /^Date of birth/ });
    fireEvent.input(within(dob).getByLabelText('Day'), { target: { value: '15' } });
    fireEvent.input(within(dob).getByLabelText('Year'), { target: { value: '2014' } });
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Date of birth must include a month');
    fireEvent.input(within(dob).getByLabelText('Month'), { target: { value: '3' } });
    await waitFor(async () => expect((await getRecord(db, row.id))?.answers['fact-dob']).toBe('2014-03-15'));
    const echo = screen.getByTestId('fact-dob-echo').textContent ?? '';
    expect(echo).toMatch(/^\d+ years old on \d{1,2} [A-Z][a-z]+ \d{4}$/);
    fireEvent.input(within(dob).getByLabelText('Day'), { target: { value: '31' } });
    fireEvent.input(within(dob).getByLabelText('Month'), { target: { value: '2' } });
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('Date of birth must be a real date'));
  });

  it('an out-of-range score gets an error summary linking to the field, and the page does not move on', async () => {
    const row = await createDraft(db, { instrumentId: 'nscb-cse-assessment', childRef: 'T3' });
    // Professional judgement: page 5 of 5 (the case facts come first).
    render(wrap(<Runner record={row} section={page('nscb-cse-assessment', 'judgement')} />));
    fireEvent.input(screen.getByLabelText(/Professional judgement score/), { target: { value: '12' } });
    fireEvent.click(screen.getByRole('button', { name: 'Check answers' })); // the last page
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Enter a whole number from 1 to 10');
    expect(within(alert).getByRole('link').getAttribute('href')).toBe('#field-professional-judgement');
    expect(location.hash).toBe('');
  });
});

describe('ResultView', () => {
  it("shows the outcome in the tool's words, both overlapping bands, 999 first, and the ambiguity", async () => {
    const row = await createDraft(db, {
      instrumentId: 'nscb-cse-assessment',
      childRef: 'R1',
      answers: scores('nscb-cse-assessment', [2, 2, 2, 2, 2, 2, 2, 2, 2, 2], 2),
    });
    const done = (await finalise(db, row.id)) as RecordRow;
    render(wrap(<ResultView record={done} result={done.result!} />));
    expect(screen.getByTestId('outcome-level').textContent).toBe('Amber (18-42)');
    expect(screen.getByTestId('outcome-total').textContent).toContain('falls in Amber (18-42) and Green (10-22)');
    const steps = screen.getByRole('region', { name: 'What to do now' }).querySelectorAll('ol > li');
    expect(steps[0]?.getAttribute('data-step')).toBe('emergency-999');
    expect(steps[0]?.querySelector('a[href="tel:999"]')).toBeTruthy();
    // The 999 step comes before every other step in the document.
    const all = [...document.querySelectorAll('.screen-only [data-step]')].map((e) => e.getAttribute('data-step'));
    expect(all[0]).toBe('emergency-999');
    expect(screen.getByRole('region', { name: 'Where the source document is unclear' }).textContent).toContain(
      'A total of 22 falls in',
    );
  });

  it('an incomplete result names the missing items and shows no level', () => {
    const inst = getInstrument('nscb-ae-cse-indicator-checklist')!;
    const answers = ticks(inst.id, ['low-self-harm']);
    delete answers['high-terminations'];
    const result = score(inst, answers);
    const record = {
      id: 'x',
      instrumentId: inst.id,
      instrumentVersion: '1.0.0',
      state: 'final',
      childRef: 'R2',
      answers,
      section: 0,
      createdAt: 0,
      updatedAt: 0,
    } as RecordRow;
    render(wrap(<ResultView record={record} result={result} />));
    expect(screen.getByTestId('outcome-level').textContent).toBe('Not complete: no outcome');
    expect(within(screen.getByTestId('outcome')).getByText('Multiple terminations/miscarriages')).toBeTruthy();
  });
});

describe('ResultView for the bedside', () => {
  it('shows 999 then warnings first, labels an app-added step with its reason, shows a timescale, and keeps line citations out of the instructions', async () => {
    const inst = getInstrument('nscb-ae-cse-indicator-checklist')!;
    const answers = ticks(inst.id, ['low-self-harm', 'low-unknown-adults']);
    const base = score(inst, answers);
    const result = {
      ...base,
      nextSteps: [
        ...base.nextSteps,
        {
          id: 'app-strategy',
          kind: 'referral' as const,
          text: 'Ask for a strategy discussion.',
          contacts: [],
          appAdded: 'the toolkit is silent on timing (L1280)',
          within: 'within 72 hours',
        },
        {
          id: 'no-parents',
          kind: 'warning' as const,
          text: 'Do not consult the parents before referral.',
          contacts: [],
        },
      ],
    };
    const record = {
      id: 'y',
      instrumentId: inst.id,
      instrumentVersion: inst.version,
      state: 'final',
      childRef: 'R3',
      answers,
      result,
      section: 0,
      createdAt: 0,
      updatedAt: 0,
      finalisedAt: 1,
    } as RecordRow;
    render(wrap(<ResultView record={record} result={result} />));
    const now = screen.getByRole('region', { name: 'What to do now' });
    expect([...now.querySelectorAll('[data-step]')].map((e) => e.getAttribute('data-step'))).toEqual([
      'emergency-999',
      'no-parents',
    ]);
    const app = document.querySelector('.screen-only [data-step=app-strategy]')!;
    expect(app.textContent).toContain('The app’s suggestion');
    expect(app.textContent).toContain('the toolkit is silent on timing');
    expect(within(app as HTMLElement).getByTestId('within').textContent).toBe('When: within 72 hours');
    // Citations are named in words in the folded sources, never "(L1280)" in running text.
    const screenText = document.querySelector('.screen-only')!.textContent!;
    expect(screenText).not.toMatch(/\(L\d+|\d{3}_[0-9a-f]+\.txt|version 1\.0\.0/);
    expect(screen.getByTestId('sources').textContent).toContain('Northamptonshire toolkit, line 1280');
    expect(screen.getByTestId('how-reached').tagName).toBe('DETAILS');
    expect(screen.getByTestId('how-reached').hasAttribute('open')).toBe(false);
  });
});

describe('ResultView for an information report', () => {
  const id = 'gm-information-report';
  const answers = {
    'immediate-danger': 'no',
    area: 'rochdale',
    'report-datetime': '2026-11-23T10:00',
    'reporter-name': 'Sam',
    details: 'A car outside the school.',
  };
  const put = async (state?: 'queued' | 'delivered') => {
    const row = await createDraft(db, { instrumentId: id, childRef: 'Information report', answers });
    const done = await finalise(db, row.id);
    if (state)
      await db.outbox.add({
        id: crypto.randomUUID(),
        recordId: done.id,
        state,
        payload: '{}',
        contentType: 'application/json',
        attempts: 0,
        createdAt: 1,
        nextAttemptAt: 1,
        ...(state === 'delivered' ? { receipt: 'R-1' } : {}),
      });
    render(wrap(<ResultView record={done} result={done.result!} />));
    return screen.findByTestId('report-destination');
  };
  const fallbackMail = (el: HTMLElement) => el.querySelector('a[href="mailto:sunrise.rochdale@gmp.police.uk"]');

  it('delivered: says once that it went to the endpoint for the Rochdale team, with no e-mail instruction anywhere', async () => {
    const dest = await put('delivered');
    await waitFor(() => expect(dest.textContent).toContain('Sent to the Rochdale CSE team'));
    expect(fallbackMail(dest)).toBeNull();
    expect(document.querySelector('.screen-only')!.textContent).not.toMatch(/e-mail it to the specialist CSE team/);
    expect(
      document.querySelectorAll(
        '.screen-only [data-step=route-to-team], .screen-only [data-step=gm-information-report]',
      ),
    ).toHaveLength(0);
  });

  it("waiting: the team's e-mail is only a folded fallback; not sent: the fallback is open, with the team's contact", async () => {
    const waiting = await put('queued');
    await waitFor(() => expect(waiting.textContent).toContain('Going to the Rochdale CSE team'));
    expect(fallbackMail(waiting)!.closest('details')).toBeTruthy();
    cleanup();
    const unsent = await put();
    await waitFor(() => expect(unsent.textContent).toContain('Not sent to the Rochdale CSE team'));
    expect(fallbackMail(unsent)!.closest('details')).toBeNull();
    expect(unsent.textContent).toContain('0161 856 3376');
  });
});

describe('History', () => {
  it("lists a child's finished measurements oldest first, with the change from each previous one", async () => {
    const id = 'gm-cse-measurement-tool';
    const a = await finalise(
      db,
      (
        await createDraft(db, {
          instrumentId: id,
          childRef: 'H1',
          answers: scores(id, [2, 2, 2, 2, 2, 2, 2, 2, 2, 2], 4),
        })
      ).id,
    );
    await new Promise((r) => setTimeout(r, 5));
    const b = await finalise(
      db,
      (
        await createDraft(db, {
          instrumentId: id,
          childRef: 'H1',
          previousId: a.id,
          answers: scores(id, [4, 4, 4, 4, 4, 4, 4, 4, 4, 4], 8),
        })
      ).id,
    );
    await createDraft(db, { instrumentId: id, childRef: 'H2' }); // another child, not shown
    render(wrap(<History record={b} />));
    const table = await screen.findByTestId('history-table');
    const rows = table.querySelectorAll('tbody tr');
    expect(rows).toHaveLength(2);
    expect(rows[0]?.textContent).toContain('24');
    expect(rows[1]?.textContent).toContain('48');
    expect([...table.querySelectorAll('[data-testid=trend]')].map((t) => t.textContent)).toEqual([
      'First',
      'Increased',
    ]);
  });
});

describe('Repeatable entries on an information report', () => {
  it('adds two persons and a vehicle, warns about an odd plate without blocking, and saves them', async () => {
    const row = await createDraft(db, { instrumentId: 'gm-information-report', childRef: 'Information report' });
    render(wrap(<Runner record={row} section={1} />));
    fireEvent.click(screen.getByRole('button', { name: 'Add a person' }));
    fireEvent.input(screen.getByLabelText('Name', { selector: '#persons-0-name' }), { target: { value: 'Dan' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add another person' }));
    fireEvent.input(document.getElementById('persons-1-nicknames')!, { target: { value: 'Smiler' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add a vehicle' }));
    fireEvent.input(document.getElementById('vehicles-0-registration')!, { target: { value: 'KX6 A' } });
    // Not while typing: once the field is left.
    expect(screen.queryByTestId('shape-warning')).toBeNull();
    fireEvent.blur(document.getElementById('vehicles-0-registration')!);
    expect(screen.getByTestId('shape-warning').textContent).toMatch(/does not look like a UK registration/);
    fireEvent.click(screen.getByRole('button', { name: 'Remove person 1' }));
    await waitFor(async () => {
      const a = (await getRecord(db, row.id))?.answers ?? {};
      expect(a.persons).toEqual([{ nicknames: 'Smiler' }]);
      expect(a.vehicles).toEqual([{ registration: 'KX6 A' }]);
    });
  });
});
