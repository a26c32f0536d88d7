// The tick-based rules at their edges.
import { describe, expect, it } from 'vitest';
import { score } from '../../src/domain/index.ts';
import { getInstrument } from '../../src/domain/instruments/catalogue.ts';
import { ticks } from '../helpers/answers.ts';

const AE = 'nscb-ae-cse-indicator-checklist';
const MET = 'Please complete full CSE Toolkit';

describe('A&E checklist: "If two or more low risk or any medium/higher risks are ticked, please complete full CSE Toolkit." (003 L514)', () => {
  const run = (t: string[]) => score(getInstrument(AE)!, ticks(AE, t));
  it.each([
    [[], false],
    [['low-self-esteem'], false], // one low: below "two or more"
    [['low-self-esteem', 'low-self-harm'], true], // two low: met
    [['low-self-esteem', 'low-unknown-adults', 'low-self-harm', 'low-drugs-alcohol'], true],
    [['med-multiple-stis'], true], // any medium
    [['high-under-13'], true], // any higher
    [['low-self-harm', 'high-terminations'], true],
  ])('ticks %j → met %s', (t, met) => {
    const r = run(t as string[]);
    expect(r.complete).toBe(true);
    expect(r.level === MET).toBe(met);
    if (!met) {
      expect(r.level).toMatch(/^Checklist threshold not met/);
      expect(r.level).not.toMatch(/low risk/i); // the headings label indicators, never the child
    }
  });

  it('an unanswered indicator makes it incomplete, but a rule already met is decided and gives its level', () => {
    const answers = ticks(AE, ['med-cars']);
    delete answers['high-terminations'];
    const r = score(getInstrument(AE)!, answers);
    expect(r.complete).toBe(false);
    expect(r.missing).toEqual(['high-terminations']);
    expect(r.decided).toBe(true);
    expect(r.level).toBe(MET);
    expect(r.reasons).toContain(`Already met on the items answered so far: ${MET}`);
  });

  it('when met, the next steps ask for the full assessment and the MASH referral, after 999', () => {
    const r = run(['med-cars']);
    expect(r.nextSteps.map((s) => s.id).slice(0, 2)).toEqual(['emergency-999', 'nscb-complete-full-assessment']);
    expect(r.nextSteps.map((s) => s.id)).toContain('nn-mash-route-1');
  });
});

const SW = 'sandwell-cse-screening-tool';
const C1 = 'Category 1 – Low. At risk of harm';
const C2 = 'Category 2 – Medium. Significant risk of harm';
const C3 = 'Category 3 – Significant. Serious risk of harm';
/** The ticks give only the app's suggestion: the category is the practitioner's decision (002 L353–L359, L1946). */
const suggested = (c: string) => `The app's suggestion from the ticks: ${c} (not confirmed by the practitioner)`;

describe('Sandwell screening: highest category present, with the group→category ambiguity shown', () => {
  const run = (t: Record<string, string> | string[]) => score(getInstrument(SW)!, ticks(SW, t));
  it('nothing ticked → no category, in neutral words', () => {
    const r = run([]);
    expect(r.level).toMatch(/^No indicator ticked/);
    expect(r.bands).toEqual([]);
  });
  it('vulnerability factors only → Category 1', () => {
    const r = run(['v-isolated', 'v-bereavement']);
    expect(r.level).toBe(suggested(C1));
    expect(r.bands).toEqual([C1]);
  });
  it('a risk indicator → Category 2 (cautious), Category 1 shown as the other reading', () => {
    const r = run(['r-alcohol']);
    expect(r.level).toBe(suggested(C2));
    expect(r.bands).toEqual([C2, C1]);
    expect(r.ambiguities.join(' ')).toContain('risk indicators mean');
  });
  it('one significant indicator, current → Category 3 (cautious), Category 2 shown', () => {
    const r = run({ 's-vehicles': 'current' });
    expect(r.level).toBe(suggested(C3));
    expect(r.bands).toEqual([C3, C2]);
    expect(r.reasons.join(' ')).toContain(
      'Entering/leaving vehicles driven by unknown adults (not car theft) (Current or during the past 6 months)',
    );
  });
  it('one significant indicator, prior to 6 months only → still counts, timing in the reasons', () => {
    const r = run({ 's-money': 'prior' });
    expect(r.level).toBe(suggested(C3));
    expect(r.reasons.join(' ')).toContain('(Prior to 6 months ago)');
  });
  it('category 3 next steps include the strategy meeting and MASE; category 1 steps do not', () => {
    const ids3 = run({ 's-vehicles': 'current' }).nextSteps.map((s) => s.id);
    expect(ids3).toEqual(expect.arrayContaining(['sandwell-cat3-strategy', 'sandwell-mase']));
    expect(ids3).not.toContain('sandwell-cat1-single-agency');
    const ids1 = run(['v-isolated']).nextSteps.map((s) => s.id);
    expect(ids1).toContain('sandwell-cat1-single-agency');
    expect(ids1).not.toContain('sandwell-mase');
  });
});

describe('West Midlands risk assessment: any incidence → must refer (002 L2810–L2812)', () => {
  const WM = 'wm-cse-risk-assessment-tool';
  it('no incidence, many Section 2 indicators → not met, and the tool gives no grade', () => {
    const r = score(getInstrument(WM)!, ticks(WM, ['r-missing', 'r-money', 'r-stis']));
    expect(r.level).toMatch(/^No incidence recorded/);
    expect(r.reasons[1]).toContain('Section 2 risk indicators ticked: 3');
  });
  it('one incidence → must refer', () => {
    const r = score(getInstrument(WM)!, ticks(WM, ['i-hotspots']));
    expect(r.level).toBe(
      'You must refer to the local CSE Team, if there is one, otherwise to Social Care – or direct to the Police in emergencies',
    );
  });
});
