// The West Midlands framework covers seven authorities (002 L4: "Sandwell; Birmingham; Dudley; Walsall;
// Coventry; Solihull; and Wolverhampton") but prints contacts for Sandwell only ("Where to refer or
// discuss your concerns", 002 L2122–L2372). Its risk assessment tool and the screening tool are asked
// for a child in any of them (the home area, src/domain/facts/home-area.ts). Re-checking issue 22: for a
// Birmingham child, the disclosed-assault step offered "Children’s Social Care – MASH 0845 351 0131",
// Sandwell's MASH (002 L2292–L2304), under no authority's name, and nothing said the region's numbers
// were Sandwell's. Worked cases, by hand from those lines.
import { describe, expect, it } from 'vitest';
import { REGIONS, getInstrument, score } from '../../src/domain/index.ts';

/** Sandwell's own numbers in the table (002 L2146–L2154 the CSE co-ordinator, L2292–L2304 the MASH). */
const SANDWELL_ONLY_NUMBERS = ['0845 351 0131', '0845 352 8690'];

function result(id: string, area: string) {
  // A recent sexual assault disclosed, one incidence ticked (002 L2810–L2812: must refer), 12 years old.
  const dob = id === 'wm-cse-risk-assessment-tool' ? 'yp-dob' : 'fact-dob';
  const answers: Record<string, unknown> = {
    [dob]: '2014-03-15',
    'fact-sexual-assault': 'recent',
    'fact-home-area': area,
    ...(id === 'wm-cse-risk-assessment-tool' ? { 'i-vehicles': 'yes' } : { 's-missing': 'current' }),
  };
  return score(getInstrument(id)!, answers, { on: '2026-12-07' });
}

describe('Sandwell’s numbers in a West Midlands result', () => {
  for (const id of ['wm-cse-risk-assessment-tool', 'sandwell-cse-screening-tool'])
    it(`${id}: for a Birmingham child every Sandwell-only number is named or noted as Sandwell's, after a note that says so`, () => {
      const r = result(id, 'Birmingham');
      const ids = r.nextSteps.map((s) => s.id);
      const note = ids.indexOf('wm-other-authority-contacts');
      // Above the note each number says whose it is; below it, the note says so for the Sandwell table.
      const unnamed = r.nextSteps.slice(0, Math.max(note, 0) || undefined).flatMap((s) =>
        s.contacts
          .filter((c) => c.phone && SANDWELL_ONLY_NUMBERS.includes(c.phone))
          .filter((c) => !/Sandwell|SSCB/.test(`${c.name} ${c.note ?? ''}`))
          .map((c) => `${s.id}: ${c.name} ${c.phone}`),
      );
      expect(unnamed).toEqual([]);
      expect(note).toBeGreaterThan(0);
      // Before the region's standing routes, which list the Sandwell table.
      expect(note).toBeLessThan(ids.indexOf('sandwell-csc-or-police'));
      const step = r.nextSteps[note]!;
      expect(step.appAdded).toMatch(/002 L4/);
      expect(step.text).toMatch(/Sandwell’s/);
    });

  it('for a Sandwell child, or an area not known, no such note', () => {
    for (const area of ['Sandwell', 'not-known'])
      expect(result('wm-cse-risk-assessment-tool', area).nextSteps.map((s) => s.id)).not.toContain(
        'wm-other-authority-contacts',
      );
  });

  it('the risk assessment tool’s must-refer step names and notes the Sandwell CSE team and MASH', () => {
    const must = result('wm-cse-risk-assessment-tool', 'Dudley').nextSteps.find((s) => s.id === 'wm-rat-must-refer')!;
    const byPhone = Object.fromEntries(must.contacts.map((c) => [c.phone, c]));
    for (const n of SANDWELL_ONLY_NUMBERS) expect(byPhone[n]?.note).toMatch(/in another West Midlands authority/);
    // The police unit serves every authority: no such note.
    expect(byPhone['0121 626 9153']?.note).toBeUndefined();
  });
});

describe('the region the West Midlands tools are filed under', () => {
  it('is named for the West Midlands and each of its seven authorities (002 L4), not for Sandwell alone', () => {
    const label = REGIONS.sandwell.label;
    expect(label).toMatch(/^West Midlands/);
    for (const a of ['Sandwell', 'Birmingham', 'Dudley', 'Walsall', 'Coventry', 'Solihull', 'Wolverhampton'])
      expect(label).toContain(a);
  });
});
