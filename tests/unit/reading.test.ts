// The server's reading (src/domain/reading), without HTTP: the safety flags, where the area comes
// from, and the disagreement with the device's claims.
import { describe, expect, it } from 'vitest';
import {
  type ReadingInput,
  SAFETY,
  checkArea,
  checkRegion,
  getInstrument,
  readSubmission,
  score,
} from '../../src/domain/index.ts';
import { scores, spread } from '../helpers/answers.ts';

const GM_TOOL = getInstrument('gm-cse-measurement-tool')!;
const GM_REPORT = getInstrument('gm-information-report')!;
const WM_REPORT = getInstrument('wm-information-report')!;

function input(over: Partial<ReadingInput> & { answers: Record<string, unknown> }): ReadingInput {
  const inst = over.instrument ?? GM_TOOL;
  const result = score(inst, over.answers);
  return {
    instrument: inst,
    instrumentVersion: inst.version,
    claimed: result,
    screenedOn: '2026-11-22',
    deviceArea: null,
    ...over,
  };
}

describe("the server's reading", () => {
  it("flags a child answered as missing now, and trafficking, at the top whatever the band (issue 20: 'missing now' was not flagged)", () => {
    const lower = scores(GM_TOOL.id, spread(12), 2); // 14: Lower (000 L1661)
    expect(readSubmission(input({ answers: lower })).reading).toMatchObject({ safety: [], priority: 1 });
    const missing = readSubmission(input({ answers: { ...lower, 'fact-missing-now': 'yes' } })).reading;
    expect(missing.safety).toContain(SAFETY.missingNow);
    expect(missing.priority).toBe(3);
    const trafficked = readSubmission(input({ answers: { ...lower, 'fact-trafficking': 'yes' } })).reading;
    expect(trafficked.safety).toContain(SAFETY.trafficking);
    expect(trafficked.priority).toBe(3);
    const young = readSubmission(input({ answers: { ...lower, 'fact-dob': '2015-01-01' } })).reading;
    expect(young.safety).toContain(SAFETY.under13);
  });

  it('a screening goes to the device’s enrolled area; none: the region’s no-area queue', () => {
    const answers = scores(GM_TOOL.id, spread(30), 5);
    expect(readSubmission(input({ answers, deviceArea: 'Bolton' })).reading).toMatchObject({
      region: 'greater-manchester',
      area: 'Bolton',
      areaFrom: 'device',
      needsArea: false,
    });
    expect(readSubmission(input({ answers })).reading).toMatchObject({ area: null, areaFrom: 'none', needsArea: true });
    // An area of another region is not this referral's area.
    expect(readSubmission(input({ answers, deviceArea: 'Dudley' })).reading).toMatchObject({ areaFrom: 'none' });
    // A claim of an area on a screening is the device's word: a disagreement, not a route.
    const claimed = readSubmission(input({ answers, claimedArea: 'Bolton' })).reading;
    expect(claimed).toMatchObject({ area: null, needsArea: true });
    expect(claimed.disagreement).toBe('area: device "Bolton", endpoint "none"');
  });

  it('an information report goes to the area its answers name, whatever the device claims or was enrolled for', () => {
    const answers = { 'immediate-danger': 'no', area: 'bolton', details: 'x' };
    const r = readSubmission(
      input({ instrument: GM_REPORT, answers, claimedArea: 'Wigan', deviceArea: 'Oldham' }),
    ).reading;
    expect(r).toMatchObject({ area: 'Bolton', areaFrom: 'answers', needsArea: false });
    expect(r.disagreement).toBe('area: device "Wigan", endpoint "Bolton"');
    // A claim that is not an area at all is never quoted (it could be any text: a name).
    const odd = readSubmission(input({ instrument: GM_REPORT, answers, claimedArea: 'Ellie Smith' })).reading;
    expect(odd.disagreement).toBe('area: device "not an area of this region", endpoint "Bolton"');
  });

  it('a region with one area takes it; a region with one queue has no area and does not wait for one', () => {
    const bury = getInstrument('bury-phoenix-risk-assessment-tool')!;
    expect(readSubmission(input({ instrument: bury, answers: scores(bury.id, spread(20), 3) })).reading).toMatchObject({
      region: 'bury',
      area: 'Bury',
      areaFrom: 'region',
      needsArea: false,
    });
    const nscb = getInstrument('nscb-cse-assessment')!;
    expect(readSubmission(input({ instrument: nscb, answers: scores(nscb.id, spread(20), 3) })).reading).toMatchObject({
      region: 'northamptonshire',
      area: null,
      areaFrom: 'none',
      needsArea: false,
    });
  });

  it("a screening goes to the child's home area as answered, then the device's area, then none (issue 20, item 2)", () => {
    const answers = scores(GM_TOOL.id, spread(30), 5);
    // Answered Wigan, sent from a device enrolled in Bolton: Wigan, from the answers.
    const wigan = readSubmission(input({ answers: { ...answers, 'fact-home-area': 'Wigan' }, deviceArea: 'Bolton' }));
    expect(wigan.reading).toMatchObject({ area: 'Wigan', areaFrom: 'answers', needsArea: false });
    expect(wigan.reading.disagreement).toBeNull();
    // "Not known": the device's area; no device area either: the region's no-area queue.
    const unknown = { ...answers, 'fact-home-area': 'not-known' };
    expect(readSubmission(input({ answers: unknown, deviceArea: 'Bolton' })).reading).toMatchObject({
      area: 'Bolton',
      areaFrom: 'device',
    });
    expect(readSubmission(input({ answers: unknown })).reading).toMatchObject({ areaFrom: 'none', needsArea: true });
    // The West Midlands tools ask it too (the seven authorities, 002 L4), the Sandwell screening tool included.
    const rat = getInstrument('wm-cse-risk-assessment-tool')!;
    const sandwell = getInstrument('sandwell-cse-screening-tool')!;
    for (const inst of [rat, sandwell]) {
      const r = readSubmission(
        input({ instrument: inst, answers: { 'fact-home-area': 'Dudley' }, deviceArea: 'Sandwell' }),
      );
      expect(r.reading, inst.id).toMatchObject({ region: 'sandwell', area: 'Dudley', areaFrom: 'answers' });
    }
    // An area of another region is not an answer this tool takes: the answers do not score, and route nowhere.
    const other = readSubmission({
      ...input({ answers, deviceArea: 'Bolton' }),
      answers: { ...answers, 'fact-home-area': 'Dudley' },
    });
    expect(other.result).toBeNull();
    expect(other.reading).toMatchObject({ area: 'Bolton', areaFrom: 'device' });
  });

  it('flags immediate danger answered yes in every tool that asks it, and only then (issue 20: no alert for it)', () => {
    // GM information report, its first question: "If a child is deemed at immediate risk of significant harm ...
    // contact the police on 999" (000 L617); "no" is "not about a child in immediate or near danger" (000 L620).
    const gm = { area: 'bolton', 'report-datetime': '2026-11-22T19:30', 'reporter-name': 'A', details: 'x' };
    const gmYes = readSubmission(input({ instrument: GM_REPORT, answers: { ...gm, 'immediate-danger': 'yes' } }));
    expect(gmYes.reading).toMatchObject({ safety: [SAFETY.immediateDanger], priority: 3 });
    const gmNo = readSubmission(input({ instrument: GM_REPORT, answers: { ...gm, 'immediate-danger': 'no' } }));
    expect(gmNo.reading).toMatchObject({ safety: [], priority: 0 });
    // West Midlands Police information report: "refer ... direct to the Police in emergencies" (002 L2810–L2812).
    const wm = { 'reporter-name': 'A', information: 'x' };
    const wmYes = readSubmission(input({ instrument: WM_REPORT, answers: { ...wm, 'immediate-danger': 'yes' } }));
    expect(wmYes.reading.safety).toEqual([SAFETY.immediateDanger]);
    expect(wmYes.reading.priority).toBe(3);
    const wmNo = readSubmission(input({ instrument: WM_REPORT, answers: { ...wm, 'immediate-danger': 'no' } }));
    expect(wmNo.reading.safety).toEqual([]);
    // The tools that screen or measure risk ask it with the facts of the case (000 L617; 002 L2810–2812;
    // 003 L2174–2175): yes changes only the words of the 999 step, which alone is never a flag.
    const lower = scores(GM_TOOL.id, spread(12), 2); // 14: Lower (000 L1661)
    const danger = readSubmission(input({ answers: { ...lower, 'fact-immediate-danger': 'yes' } })).reading;
    expect(danger).toMatchObject({ safety: [SAFETY.immediateDanger], priority: 3 });
    const nscb = getInstrument('nscb-ae-cse-indicator-checklist')!;
    const ae = readSubmission(input({ instrument: nscb, answers: { 'fact-immediate-danger': 'yes' } })).reading;
    expect(ae.safety).toContain(SAFETY.immediateDanger);
    expect(readSubmission(input({ answers: { ...lower, 'fact-immediate-danger': 'no' } })).reading.safety).toEqual([]);
  });

  it("keeps only the tool's own words for the device's level, and says where the device's result differs", () => {
    const answers = scores(GM_TOOL.id, spread(45), 8); // 53: High
    const lying = readSubmission(input({ answers, claimed: { complete: true, level: 'Lower (10 – 20)', total: 12 } }));
    expect(lying.reading).toMatchObject({
      level: 'High (41 – 60)',
      severity: 3,
      priority: 3,
      deviceLevel: 'Lower (10 – 20)',
    });
    expect(lying.reading.disagreement).toBe(
      'level: device "Lower (10 – 20)", endpoint "High (41 – 60)"; total: device 12, endpoint 53',
    );
    const named = readSubmission(input({ answers, claimed: { complete: true, level: 'Ellie Smith' } })).reading;
    expect(named.deviceLevel).toBe('(not a level of this tool: see the submission)');
    expect(named.disagreement).not.toContain('Ellie');
  });

  it('answers that do not score: no result, flagged for a person to check, at the top', () => {
    const out = readSubmission(input({ answers: {}, instrument: GM_TOOL, claimed: { complete: true } }));
    expect(out.result).not.toBeNull(); // empty answers score (incomplete)
    const bad = readSubmission({ ...input({ answers: {} }), answers: { 'cat-1': 'not a score' } });
    expect(bad.result).toBeNull();
    expect(bad.problem).toBeDefined();
    expect(bad.reading).toMatchObject({ safety: [SAFETY.unscored], priority: 3 });
  });
});

describe('names checked against the directory', () => {
  it("takes any case and spacing, keeps the directory's spelling, and lists the valid names otherwise", () => {
    expect(checkArea('  wigan ')).toEqual({ ok: true, value: 'Wigan' });
    expect(checkArea('wolverhampton')).toEqual({ ok: true, value: 'Wolverhampton' });
    expect(checkArea('Dudley', 'greater-manchester')).toMatchObject({ ok: false });
    expect(checkRegion('Greater Manchester')).toEqual({ ok: true, value: 'greater-manchester' });
    const bad = checkRegion('gm');
    expect(bad.ok ? '' : bad.message).toBe(
      '"gm" is not a region. Valid regions: greater-manchester, bury, sandwell, northamptonshire, bristol.',
    );
  });
});
