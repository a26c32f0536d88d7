// Information reports in the engine: structured entries, shape checks that
// only warn, and routing to the area team chosen.
import { describe, expect, it } from 'vitest';
import { answerWarnings, shapeWarning, validateAnswers } from '../../src/domain/engine/answers.ts';
import { instrumentsFor, score } from '../../src/domain/index.ts';
import { getInstrument } from '../../src/domain/instruments/catalogue.ts';

const GM = getInstrument('gm-information-report')!;

describe('shape checks help and never block', () => {
  it.each([
    ['AB12 CDE', true],
    ['ab12cde', true],
    ['A123 BCD', true],
    ['ABC 123D', true],
    ['1234 AB', true],
    ['AB12 C', false],
    ['AB12', false], // the first half of a current plate: a partial plate is warned about (issue 22)
    ['ab12 cd', false],
    ['KX6', true], // a dateless plate can be that short
    ['KX6 A', false],
    ['red ford', false],
  ])('registration %s → looks right %s', (reg, ok) => {
    expect(shapeWarning('uk-registration', reg) === undefined).toBe(ok);
  });
  it('says a partial plate is part of a registration, and that it is saved as typed', () => {
    expect(shapeWarning('uk-registration', 'AB12')).toBe(
      'This looks like part of a registration (a full one is like AB12 CDE). Saved as typed: partial plates help too.',
    );
  });
  it.each([
    ['07700 900123', true],
    ['+44 7700 900123', true],
    ['0161 856 6020', true],
    ['0770090', false],
  ])('phone %s → looks right %s', (n, ok) => {
    expect(shapeWarning('phone', n) === undefined).toBe(ok);
  });
  it('a report with a partial plate and half a number is valid and scores; the warnings are listed', () => {
    const answers = {
      'immediate-danger': 'no',
      area: 'oldham',
      'report-datetime': '2026-11-22T19:30',
      'reporter-name': 'Youth worker',
      details: 'Silver car collecting girls outside the home',
      vehicles: [{ registration: 'KX6 A', colour: 'silver' }],
      contacts: [{ value: '07700 90', type: 'phone' }],
    };
    expect(validateAnswers(GM, answers)).toEqual([]);
    expect(answerWarnings(GM, answers).map((w) => `${w.itemId}.${w.field}`)).toEqual([
      'vehicles.registration',
      'contacts.value',
    ]);
    const r = score(GM, answers);
    expect(r.complete).toBe(true);
    expect(r.routing).toEqual({ area: 'Oldham', email: 'Operation.Messenger@gmp.police.uk' });
    expect(r.nextSteps.map((s) => s.id).slice(0, 2)).toEqual(['emergency-999', 'route-to-team']);
  });
  it('routes Manchester and Salford to Phoenix – Protect (000 L638, L641)', () => {
    for (const area of ['manchester', 'salford']) {
      const r = score(GM, { area });
      expect(r.routing).toMatchObject({ team: 'Phoenix – Protect', email: 'protect.team@gmp.police.uk' });
    }
  });
  it('refuses an unknown field or a non-text value in an entry', () => {
    expect(validateAnswers(GM, { persons: [{ shoeSize: '9' }] })[0]?.message).toMatch(/unknown field "shoeSize"/);
    expect(validateAnswers(GM, { persons: [{ name: 7 }] as never })[0]?.message).toMatch(/takes text/);
    expect(validateAnswers(GM, { contacts: [{ type: 'fax' }] })[0]?.message).toMatch(/not one of the options/);
    // A handle is not held to a phone number's shape.
    expect(answerWarnings(GM, { contacts: [{ value: '@smiler99', type: 'handle' }] })).toEqual([]);
  });
});

describe('the GM report asks about immediate danger before anything else, and the area is required', () => {
  it('first section, first question', () => {
    expect(GM.sections[0]!.items[0]!.id).toBe('immediate-danger');
    const r = score(GM, {});
    expect(r.missing).toEqual(expect.arrayContaining(['immediate-danger', 'area']));
  });
  it("offers the ten GM areas with the directory's teams (000 L635–L645)", () => {
    expect(GM.routing?.teams.map((t) => t.area)).toEqual([
      'Bolton',
      'Bury',
      'Manchester',
      'Oldham',
      'Rochdale',
      'Salford',
      'Stockport',
      'Tameside',
      'Trafford',
      'Wigan',
    ]);
  });
});

describe("Greater Manchester: children's social care for the report's area", () => {
  const at = (area: string) => {
    const value = GM.routing!.teams.find((t) => t.area === area)!.value;
    const r = score(GM, { 'immediate-danger': 'no', area: value });
    return r.nextSteps.find((s) => s.id === 'gm-csc-referral')!;
  };
  it('gives the Bury MASH for a report about Bury (001 L390–393), said to be the app’s', () => {
    const step = at('Bury');
    expect(step.contacts).toMatchObject([{ phone: '0161 253 5678', email: 'childwellbeing@bury.gov.uk' }]);
    expect(step.appAdded).toContain('Bury MASH');
  });
  it("gives the area's specialist CSE team elsewhere (000 L410: its staff include social workers)", () => {
    const step = at('Wigan');
    expect(step.contacts).toMatchObject([{ phone: '07818 510492', email: 'WiganPhoenixCSETeam@gmp.police.uk' }]);
    expect(step.contacts[0]!.name).toContain('Wigan specialist CSE team');
    expect(step.appAdded).toContain("The handbook gives no number for children's social care");
  });
});

describe('Greater Manchester: the tools offered to medical staff', () => {
  it('the report, the sharing checklist and the measurement tool (led with the social worker, 000 L1598), said to be the app’s reading', () => {
    expect(instrumentsFor('medical', 'greater-manchester').map((i) => i.id)).toEqual([
      'gm-cse-measurement-tool',
      'gm-information-report',
      'gm-information-sharing-checklist',
    ]);
    const who = getInstrument('gm-cse-measurement-tool')!.ambiguities.find((a) => a.id === 'who-completes')!;
    expect(who.reading).toContain('The app offers the tool to health staff');
    // The front-door question stays with children's services' front door (000 L152).
    expect(getInstrument('gm-front-door-cse-question')!.settings).toEqual(['social-care']);
  });
});
