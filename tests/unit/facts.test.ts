import { describe, expect, it } from 'vitest';
import { isAsked, itemsOf } from '../../src/domain/engine/answers.ts';
import { factsApplyTo } from '../../src/domain/engine/case-facts.ts';
import { unansweredFacts } from '../../src/domain/facts/section.ts';
import { carryFacts, localToday } from '../../src/domain/facts/carry.ts';
import { FACT_SECTION_ID, NOTHING_TO_REPORT, isFactId } from '../../src/domain/facts/definitions.ts';
import { ageOn, parseDate, readFacts } from '../../src/domain/engine/case-facts.ts';
import { INSTRUMENTS, getInstrument } from '../../src/domain/instruments/catalogue.ts';
import { homeAreaPrefill } from '../../src/domain/facts/home-area.ts';

describe('age from the date of birth', () => {
  it('counts whole years, the birthday itself included', () => {
    expect(ageOn('2013-11-23', '2026-11-23')).toBe(13);
    expect(ageOn('2013-11-24', '2026-11-23')).toBe(12);
    expect(ageOn('2012-02-29', '2025-02-28')).toBe(12);
    expect(ageOn('2012-02-29', '2025-03-01')).toBe(13);
    expect(ageOn('2027-01-01', '2026-11-23')).toBeUndefined();
  });
  it('reads ISO and UK dates, and rejects impossible ones', () => {
    expect(parseDate('01/06/2014')).toEqual({ y: 2014, m: 6, d: 1 });
    expect(parseDate('2014-06-01')).toEqual({ y: 2014, m: 6, d: 1 });
    expect(parseDate('31/02/2014')).toBeUndefined();
    expect(parseDate('twelve')).toBeUndefined();
  });
  it('prefers the date of birth over a typed age and says so', () => {
    const f = readFacts({ 'fact-dob': '2015-03-01', 'fact-assessment-date': '2026-11-23', age: 14 });
    expect(f).toMatchObject({ age: 11, ageFrom: 'date-of-birth', typedAge: 14 });
    expect(f.notes.join(' ')).toContain('the date of birth is used');
  });
  it('does not guess an age from a date of birth with no date of assessment', () => {
    const f = readFacts({ 'fact-dob': '2015-03-01' });
    expect(f.age).toBeUndefined();
    expect(f.notes.join(' ')).toContain('date of assessment is not');
    expect(readFacts({ 'fact-dob': '2015-03-01' }, '2026-11-23').age).toBe(11);
  });
});

describe('the facts section', () => {
  it('is asked with every tool that screens or measures risk, and not with information reports', () => {
    const withFacts = INSTRUMENTS.filter((i) => i.sections.some((s) => s.id === FACT_SECTION_ID))
      .map((i) => i.id)
      .sort();
    expect(withFacts).toEqual(
      [
        'bristol-cse-risk-factors',
        'bury-cse-initial-screening-tool',
        'bury-phoenix-risk-assessment-tool',
        'gm-cse-measurement-tool',
        'gm-front-door-cse-question',
        'nscb-ae-cse-indicator-checklist',
        'nscb-cse-assessment',
        'sandwell-cse-screening-tool',
        'wm-cse-risk-assessment-tool',
      ].sort(),
    );
  });
  it("comes first, before any of the tool's own pages, with immediate danger its first question", () => {
    for (const inst of INSTRUMENTS.filter((i) => factsApplyTo(i))) {
      expect(inst.sections[0]!.id, inst.id).toBe(FACT_SECTION_ID);
      expect(inst.sections[0]!.items[0]!.id, inst.id).toBe('fact-immediate-danger');
      expect(
        inst.sections.filter((s) => s.id === FACT_SECTION_ID),
        inst.id,
      ).toHaveLength(1);
    }
    for (const inst of INSTRUMENTS.filter((i) => !factsApplyTo(i)))
      expect(
        inst.sections.some((s) => s.id === FACT_SECTION_ID),
        inst.id,
      ).toBe(false);
  });
  it('asks the follow-ups only after what they follow: a withdrawal after a disclosure, the assessment date after a date of birth', () => {
    const facts = getInstrument('nscb-ae-cse-indicator-checklist')!.sections[0]!;
    const item = (id: string) => facts.items.find((i) => i.id === id)!;
    expect(isAsked(item('fact-disclosure-withdrawn'), {})).toBe(false);
    expect(isAsked(item('fact-disclosure-withdrawn'), { 'fact-sexual-assault': 'suspected' })).toBe(false);
    expect(isAsked(item('fact-disclosure-withdrawn'), { 'fact-sexual-assault': 'recent' })).toBe(true);
    expect(isAsked(item('fact-assessment-date'), {})).toBe(false);
    expect(isAsked(item('fact-assessment-date'), { 'fact-dob': '2014-03-15' })).toBe(true);
    expect(isAsked(item('fact-immediate-danger'), {})).toBe(true);
  });
  it('names the facts that change what to do while they are blank; "Nothing to report" answers each of them', () => {
    const ae = getInstrument('nscb-ae-cse-indicator-checklist')!;
    expect(unansweredFacts(ae, {})).toEqual([
      'fact-immediate-danger',
      'fact-sexual-assault',
      'fact-missing-now',
      'fact-trafficking',
    ]);
    expect(unansweredFacts(ae, { ...NOTHING_TO_REPORT })).toEqual([]);
    expect(unansweredFacts(ae, { 'fact-immediate-danger': 'yes' })).not.toContain('fact-immediate-danger');
    expect(unansweredFacts(getInstrument('gm-information-report')!, {})).toEqual([]);
    // Every "Nothing to report" answer is one of the item's own options.
    for (const [id, v] of Object.entries(NOTHING_TO_REPORT)) {
      const item = itemsOf(ae).find((i) => i.id === id)!;
      expect(item.kind === 'choice' && item.options.some((o) => o.value === v), id).toBe(true);
    }
  });
  it('does not ask a date the form already asks (NSCB "DOB", "Date of assessment")', () => {
    const ids = itemsOf(getInstrument('nscb-cse-assessment')!).map((i) => i.id);
    expect(ids).toContain('yp-dob');
    expect(ids).not.toContain('fact-dob');
    expect(ids).not.toContain('fact-assessment-date');
    expect(itemsOf(getInstrument('nscb-ae-cse-indicator-checklist')!).map((i) => i.id)).toContain('fact-dob');
  });
  it("asks where the child lives only in a region with several areas, with the region's areas and Not known (issue 20, item 2)", () => {
    const asking = INSTRUMENTS.filter((i) => itemsOf(i).some((x) => x.id === 'fact-home-area'))
      .map((i) => i.id)
      .sort();
    // Greater Manchester's ten areas (000 L635–L645), the West Midlands' seven authorities (002 L4); not Bury's
    // own tools (one area), Northamptonshire's or Bristol's (one queue each), nor any information report.
    expect(asking).toEqual(
      [
        'gm-cse-measurement-tool',
        'gm-front-door-cse-question',
        'sandwell-cse-screening-tool',
        'wm-cse-risk-assessment-tool',
      ].sort(),
    );
    const item = itemsOf(getInstrument('gm-cse-measurement-tool')!).find((i) => i.id === 'fact-home-area')!;
    expect(item.text).toBe('Which area does the child live in?');
    expect(item.required).toBe(false);
    expect(item.appAdded).toMatch(/No tool asks where the child lives/);
    expect(item.kind === 'choice' && item.options.map((o) => o.label)).toEqual([
      ...['Bolton', 'Bury', 'Manchester', 'Oldham', 'Rochdale', 'Salford', 'Stockport', 'Tameside', 'Trafford'],
      ...['Wigan', 'Not known'],
    ]);
    const wm = itemsOf(getInstrument('wm-cse-risk-assessment-tool')!).find((i) => i.id === 'fact-home-area')!;
    expect(wm.kind === 'choice' && wm.options).toHaveLength(8);
  });
  it('fills in the home area with the device’s enrolled area, only where the tool asks it and the area is its region’s', () => {
    const gm = getInstrument('gm-cse-measurement-tool')!;
    expect(homeAreaPrefill(gm, 'bolton')).toEqual({ 'fact-home-area': 'Bolton' });
    expect(homeAreaPrefill(gm, 'Dudley')).toEqual({});
    expect(homeAreaPrefill(gm, null)).toEqual({});
    expect(homeAreaPrefill(getInstrument('bury-phoenix-risk-assessment-tool')!, 'Bury')).toEqual({});
    expect(homeAreaPrefill(getInstrument('gm-information-report')!, 'Bolton')).toEqual({});
  });
  it('every fact item says why the app asks it', () => {
    for (const inst of INSTRUMENTS)
      for (const i of itemsOf(inst)) if (isFactId(i.id)) expect(i.appAdded, i.id).toBeTruthy();
  });
});

describe('carrying facts to a re-assessment of the same child', () => {
  const previous = {
    'yp-dob': '2014-06-01',
    'fact-sexual-assault': 'past',
    'fact-suspected-abuse': ['intra-familial'],
    'fact-missing-now': 'yes',
    'fact-missing-3-months': 2,
    'v1-missing': '3',
  };
  it("copies the stable facts by fact id or by the form's own item, and dates the new assessment today", () => {
    const a = carryFacts(getInstrument('nscb-ae-cse-indicator-checklist')!, previous, '2026-11-23');
    expect(a).toEqual({
      'fact-dob': '2014-06-01',
      'fact-assessment-date': '2026-11-23',
      'fact-sexual-assault': 'past',
      'fact-suspected-abuse': ['intra-familial'],
    });
  });
  it("copies into the form's own DOB where the tool has one, and never a tool answer or a fact of the day", () => {
    const a = carryFacts(
      getInstrument('nscb-cse-assessment')!,
      { 'fact-dob': '2014-06-01', 'fact-missing-now': 'yes' },
      '2026-11-23',
    );
    expect(a).toEqual({ 'yp-dob': '2014-06-01', 'assessment-date': '2026-11-23' });
  });
  it('gives only the date for a first record, and nothing for a tool without facts', () => {
    expect(carryFacts(getInstrument('bristol-cse-risk-factors')!, undefined, '2026-11-23')).toEqual({
      'fact-assessment-date': '2026-11-23',
    });
    expect(carryFacts(getInstrument('gm-information-report')!, previous, '2026-11-23')).toEqual({});
  });
  it('localToday is a local calendar date', () => {
    expect(localToday(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });
});
