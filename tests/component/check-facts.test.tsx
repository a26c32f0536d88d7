// @vitest-environment jsdom
// Check your answers with the case facts that change what to do left blank. The live panel stops
// inviting a finish while they are (issue 22, item 1), but the check page still said "The missing
// answers cannot change this outcome. Finishing now keeps it, and sends it." with immediate danger,
// a sexual assault, missing and trafficking never asked (found re-checking issue 22). The A&E checklist
// with two low indicators ticked is decided: "If two or more low risk ... are ticked, please complete
// full CSE Toolkit" (003 L514), the medium and higher sections unanswered.
import 'fake-indexeddb/auto';
import { cleanup, render, screen } from '@testing-library/preact';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CseDb } from '../../src/store/db.ts';
import { createDraft } from '../../src/store/records.ts';
import { CheckAnswers } from '../../src/ui/check.tsx';
import { AppContext } from '../../src/ui/context.ts';

let db: CseDb;
let name: string;
beforeEach(() => {
  name = `c-${crypto.randomUUID()}`;
  db = new CseDb(name);
});
afterEach(async () => {
  cleanup();
  db.close();
  await Dexie.delete(name);
});

const LOW = {
  'low-self-esteem': 'no',
  'low-unknown-adults': 'yes',
  'low-self-harm': 'yes',
  'low-drugs-alcohol': 'no',
};
const NOTHING_TO_REPORT = {
  'fact-immediate-danger': 'no',
  'fact-sexual-assault': 'no',
  'fact-missing-now': 'no',
  'fact-trafficking': 'no',
};

let id = '';
async function check(answers: Record<string, string>) {
  const row = await createDraft(db, { instrumentId: 'nscb-ae-cse-indicator-checklist', childRef: 'CF-1', answers });
  id = row.id;
  render(
    <AppContext.Provider value={{ db, setSaveStatus: () => {} }}>
      <CheckAnswers record={row} />
    </AppContext.Provider>,
  );
}

describe('Check your answers with the case facts blank', () => {
  it('says they change what to do, links to them, and does not say finishing now keeps it', async () => {
    await check(LOW);
    expect(screen.getByTestId('check-decided').textContent).toContain('Please complete full CSE Toolkit');
    expect(screen.getByTestId('check-decided').textContent).not.toContain('Finishing now');
    const facts = screen.getByTestId('check-facts');
    expect(facts.textContent).toContain('immediate danger, a sexual assault, missing now, trafficking');
    expect(screen.getByRole('link', { name: 'Answer the questions about the child' }).getAttribute('href')).toBe(
      `#/record/${id}/0/change`,
    );
  });

  it('once they are answered, the decided outcome may be finished as before', async () => {
    await check({ ...LOW, ...NOTHING_TO_REPORT });
    expect(screen.getByTestId('check-decided').textContent).toContain('Finishing now keeps it, and sends it.');
    expect(screen.queryByTestId('check-facts')).toBeNull();
  });
});
