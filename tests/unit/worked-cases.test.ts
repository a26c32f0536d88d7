import { describe, expect, it } from 'vitest';
import { score } from '../../src/domain/index.ts';
import { getInstrument } from '../../src/domain/instruments/catalogue.ts';
import { WORKED_CASES } from '../fixtures/worked-cases.ts';

describe('worked cases (derivations in tests/fixtures/worked-cases.ts)', () => {
  it.each(WORKED_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = score(getInstrument(c.instrument)!, c.answers);
    expect(r.complete).toBe(true);
    expect(r.level).toBe(c.expected.level);
    if (c.expected.total !== undefined) expect(r.total).toBe(c.expected.total);
    if (c.expected.bands) expect(r.bands).toEqual(c.expected.bands);
    const ids = r.nextSteps.map((s) => s.id);
    expect(ids[0]).toBe('emergency-999');
    for (const id of c.expected.nextStepsInclude ?? []) expect(ids).toContain(id);
  });

  it('covers the four A&E case studies and at least three vignettes per scored tool', () => {
    const per = (id: string) => WORKED_CASES.filter((c) => c.instrument === id).length;
    expect(WORKED_CASES.filter((c) => c.origin.startsWith('003 L13')).length).toBeGreaterThanOrEqual(4);
    for (const id of [
      'gm-cse-measurement-tool',
      'bury-phoenix-risk-assessment-tool',
      'nscb-cse-assessment',
      'sandwell-cse-screening-tool',
      'wm-cse-risk-assessment-tool',
    ])
      expect(per(id)).toBeGreaterThanOrEqual(3);
  });
});

describe('safety routes outrank scores', () => {
  it('every instrument, complete or not, puts the 999 route first', async () => {
    const { INSTRUMENTS } = await import('../../src/domain/instruments/catalogue.ts');
    for (const inst of INSTRUMENTS) {
      const r = score(inst, {});
      expect(r.nextSteps[0]).toMatchObject({ id: 'emergency-999', kind: 'emergency' });
      expect(r.nextSteps[0]?.contacts[0]?.phone).toBe('999');
    }
  });
});
