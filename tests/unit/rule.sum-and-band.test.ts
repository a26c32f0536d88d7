// Sum-and-band at every band edge, for the three measurement tools.
// Expected bands are read off the printed ranges:
//   GM / Bury: High (41 – 60), Medium (21 – 40), Lower (10 – 20)   (000 L1661; 001 L1465–L1476)
//   NSCB:      Red (38 and above), Amber (18-42), Green (10-22)     (003 L555)
import { describe, expect, it } from 'vitest';
import { score } from '../../src/domain/index.ts';
import { bandStructureProblems, reachableRange } from '../../src/domain/engine/rules/sum-and-band.ts';
import { getInstrument } from '../../src/domain/instruments/catalogue.ts';
import { scores, spread } from '../helpers/answers.ts';

function overall(id: string, total: number, extra = {}) {
  // Professional judgement takes what it can (1–10); the ten categories take the rest (10–50).
  const pj = Math.min(10, Math.max(1, total - 10));
  const cats = total - pj;
  return score(getInstrument(id)!, scores(id, spread(cats), pj, extra));
}

describe.each(['gm-cse-measurement-tool', 'bury-phoenix-risk-assessment-tool'])('%s bands', (id) => {
  const L = 'Lower (10 – 20)';
  const M = 'Medium (21 – 40)';
  const H = 'High (41 – 60)';
  it.each([
    [11, [L], L],
    [20, [L], L],
    [21, [M], M],
    [40, [M], M],
    [41, [H], H],
    [60, [H], H],
  ])('overall %i → %j, level %s', (total, bands, level) => {
    const r = overall(id, total);
    expect(r.total).toBe(total);
    expect(r.bands).toEqual(bands);
    expect(r.level).toBe(level);
  });

  it('the reachable range is 11–60, so the printed Lower floor of 10 cannot be reached, and every result says so', () => {
    const inst = getInstrument(id)!;
    if (inst.scoring.rule !== 'sum-and-band') throw new Error();
    expect(reachableRange(inst, inst.scoring.items)).toEqual({ min: 11, max: 60 });
    expect(bandStructureProblems(inst, inst.scoring)).toEqual([
      expect.stringContaining('"Lower (10 – 20)" starts at 10'),
    ]);
    expect(overall(id, 45).ambiguities.join(' ')).toContain('floor cannot be reached');
  });

  it('a Lower result carries "a \'lower\' risk score does NOT mean that no action needs to be taken"', () => {
    expect(overall(id, 15).notes.join(' ')).toMatch(/does NOT mean that no action needs to be taken/);
  });
});

describe('NSCB CSE Assessment bands (overlapping as printed)', () => {
  const R = 'Red (38 and above)';
  const A = 'Amber (18-42)';
  const G = 'Green (10-22)';
  it.each([
    [11, [G], G],
    [17, [G], G],
    [18, [A, G], A], // 18–22 is both Green and Amber
    [22, [A, G], A],
    [23, [A], A],
    [37, [A], A],
    [38, [R, A], R], // 38–42 is both Amber and Red
    [42, [R, A], R],
    [43, [R], R],
    [60, [R], R],
  ])('overall %i → %j, level %s', (total, bands, level) => {
    const r = overall('nscb-cse-assessment', total);
    expect(r.total).toBe(total);
    expect(r.bands).toEqual(bands);
    expect(r.level).toBe(level);
    if (bands.length > 1) expect(r.ambiguities.join(' ')).toContain(`A total of ${total} falls in`);
  });

  it('reports both overlaps and the unreachable Green floor from the printed bands themselves', () => {
    const inst = getInstrument('nscb-cse-assessment')!;
    if (inst.scoring.rule !== 'sum-and-band') throw new Error();
    const problems = bandStructureProblems(inst, inst.scoring).join('\n');
    expect(problems).toContain('"Green (10-22)" and "Amber (18-42)" overlap (18–22)');
    expect(problems).toContain('"Amber (18-42)" and "Red (38 and above)" overlap (38–42)');
    expect(problems).toContain('"Green (10-22)" starts at 10');
  });

  it('also reads the 10-item Total Assessment Score against the bands and shows it', () => {
    // Categories 36 + PJ 4 = 40: overall is Amber and Red → Red; the 36 alone is Amber.
    const r = score(getInstrument('nscb-cse-assessment')!, scores('nscb-cse-assessment', spread(36), 4));
    expect(r.subtotals?.assessment).toBe(36);
    expect(r.level).toBe(R);
    expect(r.reasons).toContain('Total Assessment Score 36 read against the same bands: Amber (18-42)');
  });

  it('no child under 13 is assessed as low risk if behaviours indicate involvement in CSE: Green is raised to Amber (003 L2170)', () => {
    const inst = getInstrument('nscb-cse-assessment')!;
    const green = score(inst, scores('nscb-cse-assessment', spread(10), 1, { age: 14 }));
    expect(green.level).toBe(G);
    // "Stays out late, no missing" (2, L561): a behaviour above the lowest score. 11 + 1 = 12, Green as printed (L555).
    const under13 = score(inst, scores('nscb-cse-assessment', [2, 1, 1, 1, 1, 1, 1, 1, 1, 1], 1, { age: 12 }));
    expect(under13.total).toBe(12);
    expect(under13.level).toBe(A);
    // The raise comes from the toolkit's policy template (L2170), not the form's bands (L555): the app's level.
    expect(under13.levelBy).toBe('app');
    expect(under13.bands).toEqual([G]); // the printed band is still shown
    expect(under13.reasons.join(' ')).toContain('raised from "Green (10-22)" to "Amber (18-42)"');
  });

  it("an under-13 with every item at its lowest is still Amber, as the app's cautious reading (003 L2170 names a condition the answers do not show)", () => {
    const r = score(getInstrument('nscb-cse-assessment')!, scores('nscb-cse-assessment', spread(10), 1, { age: 12 }));
    expect(r.total).toBe(11);
    expect(r.level).toBe(A);
    expect(r.levelBy).toBe('app');
    expect(r.reasons.join(' ')).toContain('do not show that condition');
    expect(getInstrument('nscb-cse-assessment')!.ambiguities.map((a) => a.id)).toContain('under-13-floor-condition');
  });
});

describe('incomplete measurement', () => {
  it('names every unanswered required item and gives no level, total or band', () => {
    const answers = scores('gm-cse-measurement-tool', spread(10), 1);
    delete answers['c4-parent-carer'];
    delete answers['professional-judgement'];
    const r = score(getInstrument('gm-cse-measurement-tool')!, answers);
    expect(r.complete).toBe(false);
    expect(r.missing).toEqual(['c4-parent-carer', 'professional-judgement']);
    expect(r.level).toBeUndefined();
    expect(r.total).toBeUndefined();
    expect(r.bands).toEqual([]);
    expect(r.nextSteps[0]?.id).toBe('emergency-999');
  });
});
