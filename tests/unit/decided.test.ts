// "Decided while incomplete": the answers so far already fix the outcome,
// whatever the unanswered items turn out to be. Each case is worked by hand
// from the seed's printed rule (lines cited), including the cases that must
// NOT be decided because an unanswered item could still change the outcome.
import { describe, expect, it } from 'vitest';
import { score } from '../../src/domain/index.ts';
import type { Answers } from '../../src/domain/engine/types.ts';
import { getInstrument } from '../../src/domain/instruments/catalogue.ts';
import { seedLines } from '../helpers/seeds.ts';

const only = (ids: string[], value = 'yes'): Answers => Object.fromEntries(ids.map((id) => [id, value]));
const run = (instrument: string, answers: Answers) => score(getInstrument(instrument)!, answers);

describe('A&E checklist (003 L497–L514): "If two or more low risk or any medium/higher risks are ticked, please complete full CSE Toolkit."', () => {
  const AE = 'nscb-ae-cse-indicator-checklist';
  const MET = 'Please complete full CSE Toolkit';
  const LOW = ['low-self-esteem', 'low-unknown-adults', 'low-self-harm', 'low-drugs-alcohol'];
  const MED = ['med-cars', 'med-peers-at-risk', 'med-assault-withdrawn', 'med-older-partner', 'med-multiple-stis'];
  const HIGH = ['high-under-13', 'high-serious-assault-withdrawn', 'high-terminations', 'high-substance-self-harm'];

  it('the rule is printed at L514', () => {
    expect(seedLines('003_7eb0d314b11c5981.txt')[513]).toContain(
      'If two or more low risk or any medium/higher risks are ticked, please complete full CSE Toolkit.',
    );
  });

  it('two low ticks and nothing else answered: decided, met (more answers only add ticks)', () => {
    const r = run(AE, only(['low-self-harm', 'low-unknown-adults']));
    expect(r).toMatchObject({ complete: false, decided: true, level: MET, severity: 1 });
    expect(r.missing).toHaveLength(11); // the 2 other low, 5 medium, 4 higher
    // The outcome's own action (complete the full assessment) follows 999; no "no outcome yet" note.
    expect(r.nextSteps.map((s) => s.id).slice(0, 2)).toEqual(['emergency-999', 'nscb-complete-full-assessment']);
    expect(r.nextSteps.map((s) => s.id)).not.toContain('incomplete');
  });

  it('one medium tick alone (L503): decided, met', () => {
    expect(run(AE, only(['med-cars']))).toMatchObject({ complete: false, decided: true, level: MET });
  });

  it('one higher tick alone (L509): decided, met', () => {
    expect(run(AE, only(['high-under-13']))).toMatchObject({ decided: true, level: MET });
  });

  it('NOT decided: one low tick, the rest unanswered (a second low or any medium/higher could still be ticked)', () => {
    const r = run(AE, only(['low-self-esteem']));
    expect(r).toMatchObject({ complete: false, decided: false });
    expect(r.level).toBeUndefined();
    expect(r.severity).toBeUndefined();
    expect(r.nextSteps.map((s) => s.id)).toContain('incomplete');
    expect(r.nextSteps.map((s) => s.id)).not.toContain('nscb-complete-full-assessment');
  });

  it('NOT decided: medium and higher all "not ticked", one low ticked, two low "not ticked", one low unanswered (1 + 1 open could reach two)', () => {
    const answers = {
      ...only([...MED, ...HIGH], 'no'),
      'low-self-esteem': 'yes',
      'low-unknown-adults': 'no',
      'low-self-harm': 'no',
    };
    expect(run(AE, answers)).toMatchObject({ decided: false, missing: ['low-drugs-alcohol'] });
  });

  it('NOT decided: nothing ticked, only medium answered (higher could still be ticked)', () => {
    expect(run(AE, only(MED, 'no'))).toMatchObject({ decided: false });
  });

  it('decided not met: medium and higher all "not ticked", three low "not ticked", one low unanswered (0 + 1 open < 2)', () => {
    const answers = { ...only([...MED, ...HIGH], 'no'), ...only(LOW.slice(0, 3), 'no') };
    const r = run(AE, answers);
    expect(r).toMatchObject({ complete: false, decided: true, severity: 0, missing: ['low-drugs-alcohol'] });
    expect(r.level).toMatch(/^Checklist threshold not met/);
  });

  it('complete is always decided', () => {
    const r = run(AE, only([...LOW, ...MED, ...HIGH], 'no'));
    expect(r).toMatchObject({ complete: true, decided: true });
  });
});

describe('Sandwell screening (002 L1663, L1745, L1876, L1946): highest category present, cautious reading', () => {
  const SW = 'sandwell-cse-screening-tool';
  // The category is the practitioner's decision (002 L353–L359): the ticks give only the app's suggestion.
  const suggested = (c: string) => `The app's suggestion from the ticks: ${c} (not confirmed by the practitioner)`;
  const C1 = suggested('Category 1 – Low. At risk of harm');
  const C2 = suggested('Category 2 – Medium. Significant risk of harm');
  const C3 = suggested('Category 3 – Significant. Serious risk of harm');
  const inst = getInstrument(SW)!;
  const section = (id: string) => inst.sections.find((s) => s.id === id)!.items.map((i) => i.id);

  it('one significant indicator (current) and nothing else: decided, Category 3 (significant → Category 2 or 3, the app takes 3; nothing ranks above it)', () => {
    const r = run(SW, { 's-vehicles': 'current' });
    expect(r).toMatchObject({ complete: false, decided: true, level: C3, severity: 3 });
  });

  it('NOT decided: one risk indicator ticked while significant indicators are unanswered (they could point to Category 3)', () => {
    const r = run(SW, { 'r-drugs': 'yes' });
    expect(r).toMatchObject({ decided: false });
    expect(r.level).toBeUndefined();
  });

  it('significant all "not ticked", one risk indicator ticked, the rest unanswered: decided, Category 2 (risk → 1 or 2; vulnerability only 1)', () => {
    const r = run(SW, { ...only(section('significant'), 'no'), 'r-drugs': 'yes' });
    expect(r).toMatchObject({ complete: false, decided: true, level: C2, severity: 2 });
  });

  it('significant and risk all "not ticked", one vulnerability factor ticked: decided, Category 1', () => {
    const r = run(SW, { ...only([...section('significant'), ...section('risk')], 'no'), 'v-isolated': 'yes' });
    expect(r).toMatchObject({ decided: true, level: C1 });
  });

  it('NOT decided: significant and risk all "not ticked", vulnerability factors unanswered (Category 1 or none)', () => {
    expect(run(SW, only([...section('significant'), ...section('risk')], 'no'))).toMatchObject({ decided: false });
  });
});

describe('West Midlands risk assessment tool (002 L2810–L2812): any incidence → must refer', () => {
  it('one incidence ticked, nothing else: decided, met', () => {
    const r = run('wm-cse-risk-assessment-tool', { 'i-vehicles': 'yes' });
    expect(r).toMatchObject({ complete: false, decided: true });
    expect(r.level).toMatch(/^You must refer to the local CSE Team/);
  });
  it('NOT decided: no incidence answered yet', () => {
    expect(run('wm-cse-risk-assessment-tool', {})).toMatchObject({ decided: false });
  });
});

describe('GM measurement tool (000 L1661: High 41–60, Medium 21–40, Lower 10–20)', () => {
  const GM = 'gm-cse-measurement-tool';
  const cats = [
    'c1-missing',
    'c2-school',
    'c3-substances',
    'c4-parent-carer',
    'c5-accommodation',
    'c6-identify-abuse',
    'c7-engagement',
    'c8-sexual-health',
    'c9-risky-associates',
    'c10-social-media',
  ];

  it('ten categories at 3 (30), professional judgement (1–10) unanswered: 31–40, all Medium → decided', () => {
    const r = run(GM, only(cats, '3'));
    expect(r).toMatchObject({
      complete: false,
      decided: true,
      level: 'Medium (21 – 40)',
      severity: 2,
      missing: ['professional-judgement'],
    });
    expect(r.total).toBeUndefined(); // no total is claimed before the form is complete
  });

  it('NOT decided: nine categories at 3 (27), one category and the judgement unanswered: 29–42 spans Medium and High', () => {
    expect(run(GM, only(cats.slice(0, 9), '3'))).toMatchObject({ decided: false });
  });

  it('nine categories at 5 (45), the rest unanswered: at least 47, High whatever follows → decided', () => {
    expect(run(GM, only(cats.slice(0, 9), '5'))).toMatchObject({ decided: true, level: 'High (41 – 60)' });
  });
});

describe('NSCB assessment (003 L555 bands, L2170 under-13 floor)', () => {
  const N = 'nscb-cse-assessment';
  const items = [
    'v1-missing',
    'v2-school',
    'v3-substances',
    'v4-parent-child',
    'v5-accommodation',
    'v6-identify-abuse',
    'v7-engagement',
    'v8-sexual-health',
    'v9-risky-peers',
    'v10-abuse-level',
  ];

  it('NOT decided: nine items at 1, item 10 unanswered, judgement 1 (11–15, Green) but age unanswered: under 13 would raise it (L2170)', () => {
    expect(run(N, { ...only(items.slice(0, 9), '1'), 'professional-judgement': 1 })).toMatchObject({ decided: false });
  });

  it('the same with age 15: decided Green (10-22)', () => {
    expect(run(N, { ...only(items.slice(0, 9), '1'), 'professional-judgement': 1, age: 15 })).toMatchObject({
      decided: true,
      level: 'Green (10-22)',
    });
  });

  it('the same with age 12: decided Amber (18-42), the floor applied', () => {
    expect(run(N, { ...only(items.slice(0, 9), '1'), 'professional-judgement': 1, age: 12 })).toMatchObject({
      decided: true,
      level: 'Amber (18-42)',
    });
  });

  it('ten items at 2 (20), judgement unanswered: 21–30 is Amber (the overlap at 21–22 takes Amber), subtotal 20 reads Amber → decided Amber', () => {
    expect(run(N, only(items, '2'))).toMatchObject({ decided: true, level: 'Amber (18-42)' });
  });
});

describe('No published rule (a checklist tool): nothing is decided early', () => {
  it('the GM front-door question is not decided while its one required answer is missing', () => {
    expect(run('gm-front-door-cse-question', {})).toMatchObject({ complete: false, decided: false });
  });
});
