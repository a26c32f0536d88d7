// @vitest-environment jsdom
// The age worked out from the date of birth is the app's reading, said back where the practitioner (and
// the MASH, in the printed record) checks it: beside the child's reference, never under "The source
// document also says", which is for the tool's own words (issue 22: only the tool's words shown as the tool's).
import 'fake-indexeddb/auto';
import { cleanup, render, screen } from '@testing-library/preact';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { score } from '../../src/domain/index.ts';
import { getInstrument } from '../../src/domain/instruments/catalogue.ts';
import { CseDb, type RecordRow } from '../../src/store/db.ts';
import { AppContext } from '../../src/ui/context.ts';
import { ResultView } from '../../src/ui/result.tsx';

let db: CseDb;
let name: string;
beforeEach(() => {
  name = `age-${crypto.randomUUID()}`;
  db = new CseDb(name);
});
afterEach(async () => {
  cleanup();
  db.close();
  await Dexie.delete(name);
});

/**
 * Sandwell screening, a 12-year-old by date of birth (born 1 June 2014, assessed 23 November 2026) who
 * discloses a recent sexual assault. The tool's own note (002 L1950, "Please use your professional
 * judgement…") is the source's; the age is the app's.
 */
const inst = getInstrument('sandwell-cse-screening-tool')!;
const answers = { 'fact-dob': '2014-06-01', 'fact-assessment-date': '2026-11-23', 'fact-sexual-assault': 'recent' };
const result = score(inst, answers);
const record = {
  id: 'age-1',
  instrumentId: inst.id,
  instrumentVersion: inst.version,
  state: 'final',
  childRef: 'AGE-12',
  answers,
  result,
  section: 0,
  createdAt: 0,
  updatedAt: 0,
  finalisedAt: 1,
} as RecordRow;

describe('the age worked out from the date of birth', () => {
  it("is said beside the child reference on the result and in the record, not as the source document's words", () => {
    render(
      <AppContext.Provider value={{ db, setSaveStatus: () => {} }}>
        <ResultView record={record} result={result} />
      </AppContext.Provider>,
    );
    const caption = document.querySelector('.screen-only .result-head .caption')!.textContent!;
    expect(caption).toContain('child reference AGE-12');
    expect(caption).toContain('age 12 (from the date of birth)');
    // The source's own note stays under its heading; the app's age is not among them.
    const notes = screen.getByRole('region', { name: 'The source document also says' }).textContent!;
    expect(notes).toContain('Please use your professional judgement');
    expect(notes).not.toContain('Age worked out');
    // The record a MASH acts on says it too, with the child's reference.
    const doc = screen.getByTestId('record-document');
    expect(doc.querySelector('[data-testid=doc-age]')?.textContent).toBe('12 (from the date of birth)');
    expect(doc.querySelector('.doc-notes')?.textContent ?? '').not.toContain('Age worked out');
  });

  it('is not said when the age was typed, not worked out', () => {
    const typed = score(getInstrument('nscb-ae-cse-indicator-checklist')!, { age: 12 });
    render(
      <AppContext.Provider value={{ db, setSaveStatus: () => {} }}>
        <ResultView
          record={{ ...record, instrumentId: 'nscb-ae-cse-indicator-checklist', answers: { age: 12 }, result: typed }}
          result={typed}
        />
      </AppContext.Provider>,
    );
    expect(document.querySelector('.result-head .caption')!.textContent).not.toContain('worked out');
    expect(screen.queryByTestId('doc-age')).toBeNull();
  });
});
