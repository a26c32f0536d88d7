// Every instrument against its seed: each section, item, option, band, note
// and next step must trace word for word to the seed lines it cites, and the
// item / option / score counts must match the tables below, which were made by
// reading the seeds (line numbers beside each row).
import { describe, expect, it } from 'vitest';
import { itemsOf } from '../../src/engine/answers.ts';
import type { Instrument, SourceRef } from '../../src/engine/types.ts';
import { INSTRUMENTS, getInstrument } from '../../src/instruments/catalogue.ts';
import { REGIONS } from '../../src/instruments/directory.ts';
import { seedLines, untraced } from '../helpers/seeds.ts';

interface Traced {
  where: string;
  text: string;
  src: SourceRef;
}

function tracedTexts(inst: Instrument): Traced[] {
  const out: Traced[] = [];
  out.push({ where: 'audience.who', text: inst.audience.who.text, src: inst.audience.who.src });
  if (inst.restriction) out.push({ where: 'restriction', ...inst.restriction });
  for (const n of inst.notes) out.push({ where: 'note', ...n });
  for (const r of inst.referencedNotReproduced) out.push({ where: 'referenced', ...r });
  for (const s of inst.sections) {
    for (const item of s.items) {
      if (!item.appAdded) out.push({ where: `item ${item.id}`, text: item.sourceText ?? item.text, src: item.src });
      if (item.kind === 'choice' || item.kind === 'multi')
        for (const o of item.options)
          if (!o.appAdded && !/^\d+( = .*)?$/.test(o.label) && o.label !== 'Ticked')
            out.push({ where: `option ${item.id}=${o.value}`, text: o.sourceText ?? o.label, src: o.src });
    }
  }
  const rule = inst.scoring;
  if (rule.rule === 'sum-and-band') for (const b of rule.bands) out.push({ where: `band ${b.label}`, text: b.label, src: b.src });
  if (rule.rule === 'highest-category')
    for (const c of rule.categories) out.push({ where: `category ${c.id}`, text: `${c.label} ${c.description}`, src: c.src });
  if (rule.rule === 'indicator-threshold' || rule.rule === 'highest-category') out.push({ where: 'rule', ...rule.ruleText });
  return out;
}

describe.each(INSTRUMENTS.map((i) => [i.id, i] as const))('%s traces to its seed', (_id, inst) => {
  it('cites only lines that exist, in its own seed file, over short spans', () => {
    const refs: SourceRef[] = tracedTexts(inst).map((t) => t.src);
    for (const s of inst.sections) for (const i of s.items) refs.push(i.src);
    for (const ref of refs) {
      expect(ref.file).toBe(inst.source);
      expect(ref.line).toBeLessThanOrEqual(seedLines(ref.file).length);
      expect((ref.endLine ?? ref.line) - ref.line).toBeLessThanOrEqual(40);
    }
  });

  it('uses only words the cited lines contain', () => {
    const failures = tracedTexts(inst)
      .map((t) => ({ ...t, missing: untraced(t.text, t.src) }))
      .filter((t) => t.missing.length > 0)
      .map((t) => `${t.where} (L${t.src.line}${t.src.endLine ? `–${t.src.endLine}` : ''}): ${t.missing.join(' ')}`);
    expect(failures).toEqual([]);
  });
});

// Counts read off the seeds by hand. Scored items: the scores each option carries.
const COUNTS: Record<string, { items: number; scored: Record<string, number[]>; lines: string }> = {
  'gm-cse-measurement-tool': {
    items: 63, // 7 front sheet + 10 categories + 10 reflections + 1 wishes + 14×2 consultation + 4 judgement + 3 history
    scored: Object.fromEntries(
      ['c1-missing', 'c2-school', 'c3-substances', 'c4-parent-carer', 'c5-accommodation', 'c6-identify-abuse', 'c7-engagement', 'c8-sexual-health', 'c9-risky-associates', 'c10-social-media'].map((k) => [k, [1, 2, 3, 4, 5]]),
    ),
    lines: '000 L1672–L1771 categories; L1779–L1796 14 consultees; L1798 PJ 1–10',
  },
  'bury-phoenix-risk-assessment-tool': {
    items: 20,
    scored: Object.fromEntries(
      ['b1-missing', 'b2-school', 'b3-substances', 'b4-parent-carer', 'b5-accommodation', 'b6-identify-abuse', 'b7-engagement', 'b8-sexual-health', 'b9-risky-associates', 'b10-social-media'].map((k) => [k, [1, 2, 3, 4, 5]]),
    ),
    lines: '001 L1492–L1806 ten core indicators; L1907 PJ 1–10',
  },
  'nscb-cse-assessment': {
    items: 19,
    scored: Object.fromEntries(
      ['v1-missing', 'v2-school', 'v3-substances', 'v4-parent-child', 'v5-accommodation', 'v6-identify-abuse', 'v7-engagement', 'v8-sexual-health', 'v9-risky-peers', 'v10-abuse-level'].map((k) => [k, [1, 2, 3, 4, 5]]),
    ),
    lines: '003 L559–L622 ten vulnerabilities × 5 options; L543 PJ 1–10',
  },
  'nscb-ae-cse-indicator-checklist': { items: 16, scored: {}, lines: '003 L498–L501 (4 low), L503–L507 (5 medium), L509–L512 (4 higher) + 2 header fields + age' },
  'sandwell-cse-screening-tool': { items: 43, scored: {}, lines: '002 L1673–L1729 (8 significant), L1751–L1865 (20 risk), L1882–L1936 (10 vulnerability) + 5 details' },
  'wm-cse-risk-assessment-tool': { items: 81, scored: {}, lines: '002 Section 1 26 (L2439–L2575), Section 2 36 (L2584–L2806), Incidences 12 (L2817–L2862) + 3 details + 4 summary' },
  'bury-cse-initial-screening-tool': { items: 33, scored: {}, lines: '001 L1245–L1255 (6 vulnerabilities), L1258–L1290 (9 risk), L1293–L1307 (5 significant) + 13 referral details' },
  'gm-front-door-cse-question': { items: 3, scored: {}, lines: '000 L157–L159' },
  'gm-information-report': { items: 21, scored: {}, lines: '000 L676–L707 (15 form fields) + 999 question (L617) + area (L620, L635–L645) + 4 repeatable entries (L621–L631, L707)' },
  'gm-information-sharing-checklist': { items: 18, scored: {}, lines: '000 L1332–L1347 (16 questions) + L1307–L1308 record' },
  'wm-information-report': { items: 14, scored: {}, lines: '002 L1239–L1303: 5 professional details, information, received, reliability (1–3 + not known), accuracy (1–4 + not known), 3rd party + contact, licensed premise + name; plus the 999 question' },
  'bristol-cse-risk-factors': { items: 26, scored: {}, lines: '004 L131–L142 (12 risk), L148–L153 (6 push), L159–L166 (8 pull)' },
};

describe('counts and scores match the seeds', () => {
  it('covers every instrument in the catalogue', () => {
    expect(Object.keys(COUNTS).sort()).toEqual(INSTRUMENTS.map((i) => i.id).sort());
  });
  it.each(Object.entries(COUNTS))('%s', (id, expected) => {
    const inst = getInstrument(id)!;
    expect(itemsOf(inst)).toHaveLength(expected.items);
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

describe('directory contacts trace to their seeds', () => {
  const contacts = Object.values(REGIONS).flatMap((r) => [r.emergency, ...r.routes].flatMap((s) => s.contacts));
  it.each(contacts.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const text = seedLines(c.src.file).slice(c.src.line - 1, c.src.endLine ?? c.src.line).join(' ');
    const digits = text.replace(/\D/g, '');
    if (c.phone) expect(digits).toContain(c.phone.replace(/\D/g, ''));
    if (c.email) expect(text.toLowerCase()).toContain(c.email.toLowerCase());
  });
});
