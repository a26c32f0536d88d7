// Every instrument against its seed: each section, item, option, band, note
// and next step must trace word for word to the seed lines it cites, and the
// item / option / score counts must match the tables below, which were made by
// reading the seeds (line numbers beside each row).
import { describe, expect, it } from 'vitest';
import { itemsOf } from '../../src/domain/engine/answers.ts';
import type { Instrument, NextStep, RegionId, SourceRef, SourcedText } from '../../src/domain/engine/types.ts';
import { FACTS, FACT_SECTION_ID, isFactId } from '../../src/domain/facts/definitions.ts';
import type { Condition } from '../../src/domain/pathways/conditions.ts';
import { BORROWED, GUIDANCE, PATHWAY_RULES } from '../../src/domain/pathways/rules.ts';
import { INSTRUMENTS, getInstrument } from '../../src/domain/instruments/catalogue.ts';
import { REGIONS } from '../../src/domain/instruments/directory.ts';
import { citationProblem, nonBlankLines, refProblem, seedLines } from '../helpers/seeds.ts';

interface Traced {
  where: string;
  text: string;
  src: SourceRef;
  /** Form text (items, options, bands, categories) must match in order; prose (notes, steps) word for word within a tight span. */
  mode: 'in-order' | 'all-words';
}

function stepTexts(where: string, steps: NextStep[]): Traced[] {
  return steps
    .filter((s) => s.src && !s.appAdded)
    .map((s) =>
      s.sourceText
        ? { where: `${where} step ${s.id}`, text: s.sourceText, src: s.src!, mode: 'in-order' as const }
        : { where: `${where} step ${s.id}`, text: s.text, src: s.src!, mode: 'all-words' as const },
    );
}

function tracedTexts(inst: Instrument): Traced[] {
  const out: Traced[] = [];
  const prose = (where: string, t: SourcedText) => out.push({ where, text: t.text, src: t.src, mode: 'all-words' });
  prose('audience.who', inst.audience.who);
  if (inst.restriction) prose('restriction', inst.restriction);
  for (const n of inst.notes) prose('note', n);
  for (const r of inst.referencedNotReproduced) prose('referenced', r);
  for (const s of inst.sections) {
    if (s.id === FACT_SECTION_ID) continue; // the facts are traced with their own definitions below
    if (s.note) prose(`section ${s.id} note`, s.note);
    for (const item of s.items) {
      if (!item.appAdded)
        out.push({ where: `item ${item.id}`, text: item.sourceText ?? item.text, src: item.src, mode: 'in-order' });
      if (item.kind === 'choice' || item.kind === 'multi')
        for (const o of item.options)
          if (!o.appAdded && !/^\d+( = .*)?$/.test(o.label) && o.label !== 'Ticked')
            out.push({
              where: `option ${item.id}=${o.value}`,
              text: o.sourceText ?? o.label,
              src: o.src,
              mode: 'in-order',
            });
    }
  }
  const rule = inst.scoring;
  if (rule.rule === 'sum-and-band')
    for (const b of rule.bands) out.push({ where: `band ${b.label}`, text: b.label, src: b.src, mode: 'in-order' });
  if (rule.rule === 'sum-and-band')
    for (const b of rule.bands) for (const n of b.notes ?? []) prose(`band ${b.label} note`, n);
  if (rule.rule === 'highest-category')
    for (const c of rule.categories)
      out.push({ where: `category ${c.id}`, text: `${c.label} ${c.description}`, src: c.src, mode: 'in-order' });
  if (rule.rule === 'indicator-threshold' || rule.rule === 'highest-category')
    out.push({ where: 'rule', ...rule.ruleText, mode: 'in-order' });
  if (rule.rule === 'indicator-threshold')
    out.push({ where: 'rule met', text: rule.met.label, src: rule.met.src, mode: 'all-words' });
  out.push(
    ...stepTexts(
      'action',
      inst.actions.map((a) => a.step),
    ),
  );
  return out;
}

function failures(traced: Traced[]): string[] {
  return traced
    .map((t) => ({ ...t, problem: citationProblem(t.text, t.src, t.mode) }))
    .filter((t) => t.problem)
    .map(
      (t) =>
        `${t.where} (${t.src.file.slice(0, 3)} L${t.src.line}${t.src.endLine ? `–${t.src.endLine}` : ''}): ${t.problem}`,
    );
}

describe.each(INSTRUMENTS.map((i) => [i.id, i] as const))('%s traces to its seed', (_id, inst) => {
  it('cites only its own seed file for its own text (the shared facts excepted)', () => {
    const refs: SourceRef[] = tracedTexts(inst).map((t) => t.src);
    for (const s of inst.sections) if (s.id !== FACT_SECTION_ID) for (const i of s.items) refs.push(i.src);
    for (const ref of refs) expect(ref.file).toBe(inst.source);
  });

  it('every cited span holds its text, and no more lines than it needs', () => {
    expect(failures(tracedTexts(inst))).toEqual([]);
  });

  it("every step without a citation says it is the app's own", () => {
    for (const a of inst.actions) if (!a.step.src) expect(a.step.appAdded, a.step.id).toBeTruthy();
  });
});

/** Seed files a region's own documents are (Bury follows the Greater Manchester handbook too). */
const REGION_FILES: Record<RegionId, string[]> = {
  'greater-manchester': ['000_c46dad1176f597fe.txt'],
  bury: ['000_c46dad1176f597fe.txt', '001_42afda7db854644d.txt'],
  sandwell: ['002_4bf56e93123a467b.txt'],
  northamptonshire: ['003_7eb0d314b11c5981.txt'],
  bristol: ['004_b216337c376b5ea8.txt'],
};

describe('region routes trace to their seeds', () => {
  it.each(Object.values(REGIONS).map((r) => [r.id, r] as const))('%s', (_id, r) => {
    const steps = [r.emergency, ...r.routes];
    expect(failures(stepTexts(`region ${r.id}`, steps))).toEqual([]);
    for (const s of steps)
      if (!s.src || !REGION_FILES[r.id].includes(s.src.file))
        expect(s.appAdded, `${s.id} cites another region's seed`).toBeTruthy();
  });
});

/** The regions a rule's condition limits it to (all regions where it names none). */
function ruleRegions(c: Condition): RegionId[] | undefined {
  if ('region' in c) return c.region;
  if ('instrument' in c) return [...new Set(c.instrument.map((id) => getInstrument(id)!.region))];
  if ('all' in c)
    for (const x of c.all) {
      const r = ruleRegions(x);
      if (r) return r;
    }
  return undefined;
}

describe('pathway rules trace to their seeds', () => {
  it.each(PATHWAY_RULES.map((r) => [r.id, r] as const))('%s', (_id, rule) => {
    for (const ref of rule.src) expect(refProblem(ref)).toBeUndefined();
    expect(failures(stepTexts(`rule ${rule.id}`, rule.steps))).toEqual([]);
    const regions = ruleRegions(rule.when);
    expect(regions, 'every rule names its region or instrument').toBeDefined();
    for (const s of rule.steps) {
      const own = regions!.every((r) => REGION_FILES[r].includes(s.src?.file ?? ''));
      if (!own)
        expect(s.appAdded, `${s.id} applies a seed outside its region: it must say it is the app's`).toBeTruthy();
      // A step that says it is borrowed names the guidance it cites, and that guidance is not the region's own.
      if (s.appAdded?.startsWith(BORROWED)) {
        expect(
          s.appAdded.startsWith(`${BORROWED}${GUIDANCE[s.src!.file]} (`),
          `${s.id} names the guidance it cites`,
        ).toBe(true);
        expect(own, `${s.id} is borrowed, so it cites another region's guidance`).toBe(false);
      }
    }
  });
});

describe('case facts trace to their seeds', () => {
  it.each(FACTS.map((f) => [f.item.id, f] as const))('%s', (_id, fact) => {
    expect(fact.item.appAdded, 'every fact says why the app asks it').toBeTruthy();
    for (const ref of [fact.item.src, ...fact.matters]) expect(refProblem(ref)).toBeUndefined();
    const opts = fact.item.kind === 'choice' || fact.item.kind === 'multi' ? fact.item.options : [];
    const traced = opts
      .filter((o) => !o.appAdded)
      .map((o) => ({
        where: `option ${o.value}`,
        text: o.sourceText ?? o.label,
        src: o.src,
        mode: 'in-order' as const,
      }));
    expect(failures(traced)).toEqual([]);
  });
});

// Counts read off the seeds by hand. Scored items: the scores each option carries.
const COUNTS: Record<string, { items: number; scored: Record<string, number[]>; lines: string }> = {
  'gm-cse-measurement-tool': {
    items: 65, // 9 front sheet (incl. Contact Number, Address L1638–L1639) + 10 categories + 10 reflections + 1 wishes + 14×2 consultation + 4 judgement + 3 history
    scored: Object.fromEntries(
      [
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
      ].map((k) => [k, [1, 2, 3, 4, 5]]),
    ),
    lines: '000 L1672–L1771 categories; L1779–L1796 14 consultees; L1798 PJ 1–10',
  },
  'bury-phoenix-risk-assessment-tool': {
    items: 20,
    scored: Object.fromEntries(
      [
        'b1-missing',
        'b2-school',
        'b3-substances',
        'b4-parent-carer',
        'b5-accommodation',
        'b6-identify-abuse',
        'b7-engagement',
        'b8-sexual-health',
        'b9-risky-associates',
        'b10-social-media',
      ].map((k) => [k, [1, 2, 3, 4, 5]]),
    ),
    lines: '001 L1492–L1806 ten core indicators; L1907 PJ 1–10',
  },
  'nscb-cse-assessment': {
    items: 41, // 19 + 18 young person's information (L519–L529) + 4 referrer's details (L531–L534)
    scored: Object.fromEntries(
      [
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
      ].map((k) => [k, [1, 2, 3, 4, 5]]),
    ),
    lines: '003 L559–L622 ten vulnerabilities × 5 options; L543 PJ 1–10',
  },
  'nscb-ae-cse-indicator-checklist': {
    items: 16,
    scored: {},
    lines: '003 L498–L501 (4 low), L503–L507 (5 medium), L509–L512 (4 higher) + 2 header fields + age',
  },
  'sandwell-cse-screening-tool': {
    items: 45,
    scored: {},
    lines:
      "002 L1673–L1729 (8 significant), L1751–L1865 (20 risk), L1882–L1936 (10 vulnerability) + 5 details + the practitioner's category and reason (L1946)",
  },
  'wm-cse-risk-assessment-tool': {
    items: 91,
    scored: {},
    lines:
      '002 Section 1 26 + Sexuality (L2439–L2575), Section 2 36 (L2584–L2806), Incidences 12 (L2817–L2862) + 11 general details (L2411–L2430) + 5 summary incl. 5x5x5 (L2909–L2922)',
  },
  'bury-cse-initial-screening-tool': {
    items: 34,
    scored: {},
    lines:
      '001 L1245–L1255 (6 vulnerabilities), L1258–L1290 (9 risk), L1293–L1307 (5 significant) + 13 referral details + immediate concerns (L1087–L1090)',
  },
  'gm-front-door-cse-question': { items: 3, scored: {}, lines: '000 L157–L159' },
  'gm-information-report': {
    items: 21,
    scored: {},
    lines:
      '000 L676–L707 (15 form fields) + 999 question (L617) + area (L620, L635–L645) + 4 repeatable entries (L621–L631, L707)',
  },
  'gm-information-sharing-checklist': {
    items: 18,
    scored: {},
    lines: '000 L1332–L1347 (16 questions) + L1307–L1308 record',
  },
  'wm-information-report': {
    items: 14,
    scored: {},
    lines:
      '002 L1239–L1303: 5 professional details, information, received, reliability (1–3 + not known), accuracy (1–4 + not known), 3rd party + contact, licensed premise + name; plus the 999 question',
  },
  'bristol-cse-risk-factors': {
    items: 27,
    scored: {},
    lines: '004 L131–L142 (12 risk), L148–L153 (6 push), L159–L166 (8 pull) + evidence of exploitation (L404)',
  },
};

describe('counts and scores match the seeds', () => {
  it('covers every instrument in the catalogue', () => {
    expect(Object.keys(COUNTS).sort()).toEqual(INSTRUMENTS.map((i) => i.id).sort());
  });
  it.each(Object.entries(COUNTS))('%s', (id, expected) => {
    const inst = getInstrument(id)!;
    // The tool's own items; the shared case facts are counted in tests/unit/facts.test.ts.
    expect(itemsOf(inst).filter((i) => !isFactId(i.id))).toHaveLength(expected.items);
    for (const [itemId, scores] of Object.entries(expected.scored)) {
      const item = itemsOf(inst).find((i) => i.id === itemId);
      expect(item?.kind).toBe('choice');
      if (item?.kind === 'choice') expect(item.options.map((o) => o.score)).toEqual(scores);
    }
  });

  it('A&E checklist tiers hold 4 low, 5 medium and 4 higher indicators (003 L497–L512)', () => {
    const rule = getInstrument('nscb-ae-cse-indicator-checklist')!.scoring;
    expect(rule.rule).toBe('indicator-threshold');
    if (rule.rule === 'indicator-threshold') expect(rule.tiers.map((t) => t.items.length)).toEqual([4, 5, 4]);
  });

  it('Sandwell groups hold 8 significant, 20 risk and 10 vulnerability indicators (002 L1663–L1936)', () => {
    const rule = getInstrument('sandwell-cse-screening-tool')!.scoring;
    if (rule.rule !== 'highest-category') throw new Error('wrong rule');
    expect(rule.groups.map((g) => g.items.length)).toEqual([8, 20, 10]);
  });

  it('band ranges are those printed (000 L1661, 001 L1465–L1476, 003 L555)', () => {
    const ranges = (id: string) => {
      const r = getInstrument(id)!.scoring;
      return r.rule === 'sum-and-band' ? r.bands.map((b) => [b.label, b.min, b.max ?? null]) : [];
    };
    expect(ranges('gm-cse-measurement-tool')).toEqual([
      ['High (41 – 60)', 41, 60],
      ['Medium (21 – 40)', 21, 40],
      ['Lower (10 – 20)', 10, 20],
    ]);
    expect(ranges('bury-phoenix-risk-assessment-tool')).toEqual(ranges('gm-cse-measurement-tool'));
    expect(ranges('nscb-cse-assessment')).toEqual([
      ['Red (38 and above)', 38, null],
      ['Amber (18-42)', 18, 42],
      ['Green (10-22)', 10, 22],
    ]);
  });

  it('professional judgement is a required whole number from 1 to 10 (000 L1798, 001 L1907, 003 L543)', () => {
    for (const id of ['gm-cse-measurement-tool', 'bury-phoenix-risk-assessment-tool', 'nscb-cse-assessment']) {
      const pj = itemsOf(getInstrument(id)!).find((i) => i.id === 'professional-judgement');
      expect(pj).toMatchObject({ kind: 'number', min: 1, max: 10, integer: true, required: true });
    }
  });

  it('information report reliability and accuracy scales run 1–5 with words only at 1, 4 and 5 (000 L696, L701)', () => {
    const items = itemsOf(getInstrument('gm-information-report')!);
    for (const id of ['source-reliability', 'information-accuracy']) {
      const it = items.find((i) => i.id === id);
      if (it?.kind !== 'choice') throw new Error(id);
      expect(it.options.map((o) => o.value)).toEqual(['1', '2', '3', '4', '5']);
      expect(it.options.filter((o) => o.label.includes('=')).map((o) => o.value)).toEqual(['1', '4', '5']);
    }
  });
});

describe('every contact traces to the line that prints it', () => {
  const contacts = [
    ...Object.values(REGIONS).flatMap((r) => [r.emergency, ...r.routes].flatMap((s) => s.contacts)),
    ...PATHWAY_RULES.flatMap((r) => r.steps.flatMap((s) => s.contacts)),
    ...INSTRUMENTS.flatMap((i) => i.actions.flatMap((a) => a.step.contacts)),
  ];
  it.each(contacts.map((c, i) => [`${c.name} #${i}`, c] as const))('%s', (_n, c) => {
    const text = seedLines(c.src.file)
      .slice(c.src.line - 1, c.src.endLine ?? c.src.line)
      .join(' ');
    const digits = text.replace(/\D/g, '');
    if (c.phone) expect(digits).toContain(c.phone.replace(/\D/g, ''));
    if (c.email) expect(text.toLowerCase()).toContain(c.email.toLowerCase());
    expect(nonBlankLines(c.src)).toBeLessThanOrEqual(12);
  });
});
