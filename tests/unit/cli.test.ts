// The command-line entry, run as a real process the way the README documents it.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const tsx = join(process.cwd(), 'node_modules/.bin/tsx');
const cli = join(process.cwd(), 'src/cli/main.ts');
const dir = mkdtempSync(join(tmpdir(), 'cse-cli-'));

function cse(...args: string[]) {
  return spawnSync(tsx, [cli, ...args], { encoding: 'utf8' });
}
function file(name: string, body: unknown) {
  const p = join(dir, name);
  writeFileSync(p, typeof body === 'string' ? body : JSON.stringify(body));
  return p;
}

describe('npm run cse -- instruments', () => {
  it('prints every instrument with its items, options and scores, and numeric ranges', () => {
    const out = JSON.parse(execFileSync(tsx, [cli, 'instruments'], { encoding: 'utf8' }));
    expect(out.map((i: { id: string }) => i.id)).toContain('nscb-ae-cse-indicator-checklist');
    const gm = out.find((i: { id: string }) => i.id === 'gm-cse-measurement-tool');
    expect(gm).toMatchObject({ version: '1.1.0', source: '000_c46dad1176f597fe.txt' });
    const c1 = gm.items.find((i: { id: string }) => i.id === 'c1-missing');
    expect(c1.required).toBe(true);
    expect(c1.options.map((o: { score: number }) => o.score)).toEqual([1, 2, 3, 4, 5]);
    expect(c1.options[0]).toEqual({ value: '1', label: 'No missing episodes.', score: 1 });
    const pj = gm.items.find((i: { id: string }) => i.id === 'professional-judgement');
    expect(pj).toMatchObject({ min: 1, max: 10 });
  });
});

describe('case facts and pathways on the command line', () => {
  it('instruments lists the facts with the items, each saying why the app asks it', () => {
    const out = JSON.parse(execFileSync(tsx, [cli, 'instruments'], { encoding: 'utf8' }));
    const ae = out.find((i: { id: string }) => i.id === 'nscb-ae-cse-indicator-checklist');
    const facts = ae.items.filter((i: { section: string }) => i.section === 'case-facts');
    expect(facts.map((i: { id: string }) => i.id)).toEqual(
      expect.arrayContaining([
        'fact-immediate-danger',
        'fact-dob',
        'fact-assessment-date',
        'fact-sexual-assault',
        'fact-missing-3-months',
        'fact-suspected-abuse',
        'fact-trafficking',
      ]),
    );
    for (const f of facts) expect(f).toMatchObject({ required: false, appAdded: expect.any(String) });
  });

  it('score accepts facts in the answers and prints the steps they set off (the Serenity example, 003 L1270–L1272)', () => {
    const ticks = Object.fromEntries(
      [
        'low-self-esteem',
        'low-unknown-adults',
        'low-self-harm',
        'low-drugs-alcohol',
        'med-cars',
        'med-peers-at-risk',
        'med-assault-withdrawn',
        'med-older-partner',
        'med-multiple-stis',
        'high-under-13',
        'high-serious-assault-withdrawn',
        'high-terminations',
        'high-substance-self-harm',
      ].map((k) => [k, 'no']),
    );
    const answers = {
      ...ticks,
      'low-drugs-alcohol': 'yes',
      'fact-dob': '2011-05-01',
      'fact-assessment-date': '2026-11-23',
      'fact-sexual-assault': 'recent',
    };
    const r = cse('score', file('serenity.json', { instrument: 'nscb-ae-cse-indicator-checklist', answers }));
    expect(r.status).toBe(0);
    const ids = JSON.parse(r.stdout).nextSteps.map((s: { id: string }) => s.id);
    expect(ids[0]).toBe('emergency-999');
    expect(ids).toEqual(expect.arrayContaining(['nn-serenity', 'nn-disclosure-police', 'nn-under-16-assault-mash']));
  });

  it('score --on gives the day of the screening: an 11-year-old by date of birth alone is Amber with the immediate MASH referral (003 L555, L2170, L2189)', () => {
    // Every vulnerability 1, current level 2, professional judgement 2 → 13: Green (10-22) on the scores alone (L555).
    const inst = JSON.parse(execFileSync(tsx, [cli, 'instruments'], { encoding: 'utf8' })).find(
      (i: { id: string }) => i.id === 'nscb-cse-assessment',
    );
    const vulns = inst.items.filter(
      (i: { id: string; section: string; options?: unknown[] }) =>
        i.section !== 'case-facts' && i.options && /^v\d/.test(i.id),
    );
    expect(vulns).toHaveLength(10);
    const answers: Record<string, unknown> = Object.fromEntries(
      vulns.map((i: { id: string }, n: number) => [i.id, n === 9 ? '2' : '1']),
    );
    answers['professional-judgement'] = 2;
    answers['yp-dob'] = '2015-03-01';
    const input = file('nscb-dob-only.json', { instrument: 'nscb-cse-assessment', answers });
    const on = JSON.parse(cse('score', input, '--on', '2026-11-23').stdout);
    expect(on.total).toBe(13);
    expect(on.level).toBe('Amber (18-42)');
    expect(on.nextSteps.map((s: { id: string }) => s.id)).toContain('nn-under-13-immediate-mash');
    // Without --on it is today's date: the child born in 2015 is still under 13 in 2026 and 2027.
    expect(JSON.parse(cse('score', input).stdout).level).toBe('Amber (18-42)');
    const bad = cse('score', input, '--on', '23/11/2026');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--on needs a date as YYYY-MM-DD');
  });

  describe("a 12-year-old by date of birth who discloses a recent sexual assault, on every region's tools (issue 22)", () => {
    // Born 1 June 2014 (12 on 23 November 2026) or 1 June 2011 (15). Where the tool asks the date of birth or the
    // date of assessment itself (002 L2425–L2428, 003 L519–L522, 000 L1639) its own item is used.
    const TOOLS: { id: string; dob: string; on: string; under13: string; sarc: string; borrowed: string[] }[] = [
      {
        id: 'sandwell-cse-screening-tool',
        dob: 'fact-dob',
        on: 'fact-assessment-date',
        under13: 'wm-under-13-immediate-referral',
        sarc: 'wm-sarc',
        borrowed: ['wm-under-13-immediate-referral'],
      },
      {
        id: 'wm-cse-risk-assessment-tool',
        dob: 'yp-dob',
        on: 'assessment-date',
        under13: 'wm-under-13-immediate-referral',
        sarc: 'wm-sarc',
        borrowed: ['wm-under-13-immediate-referral'],
      },
      {
        id: 'bristol-cse-risk-factors',
        dob: 'fact-dob',
        on: 'fact-assessment-date',
        under13: 'bristol-under-13-immediate-referral',
        sarc: 'bristol-sarc',
        borrowed: ['bristol-under-13-immediate-referral'],
      },
      {
        id: 'bury-cse-initial-screening-tool',
        dob: 'fact-dob',
        on: 'fact-assessment-date',
        under13: 'gm-under-13-presumption',
        sarc: 'gm-sarc',
        borrowed: ['gm-sarc'],
      },
      {
        id: 'gm-cse-measurement-tool',
        dob: 'fact-dob',
        on: 'assessment-date',
        under13: 'gm-under-13-presumption',
        sarc: 'gm-sarc',
        borrowed: ['gm-under-13-presumption', 'gm-sarc'],
      },
      {
        id: 'nscb-cse-assessment',
        dob: 'yp-dob',
        on: 'assessment-date',
        under13: 'nn-under-13-immediate-mash',
        sarc: 'nn-serenity',
        borrowed: [],
      },
    ];
    const UNDER_13_STEPS = [
      'wm-under-13-immediate-referral',
      'wm-under-13-cannot-consent',
      'bristol-under-13-immediate-referral',
      'gm-under-13-presumption',
      'nn-under-13-immediate-mash',
    ];
    type Step = { id: string; kind: string; appAdded?: string };
    const run = (t: (typeof TOOLS)[number], dob: string) => {
      const answers = { [t.dob]: dob, [t.on]: '2026-11-23', 'fact-sexual-assault': 'recent' };
      const r = cse('score', file(`${t.id}-${dob}.json`, { instrument: t.id, answers }));
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { notes: string[]; nextSteps: Step[] };
    };

    it.each(TOOLS.map((t) => [t.id, t] as const))(
      '%s at 12: 999 first, then the under-13 step and the SARC step',
      (_id, t) => {
        const out = run(t, '2014-06-01');
        const ids = out.nextSteps.map((s) => s.id);
        expect(out.nextSteps[0]).toMatchObject({ id: 'emergency-999', kind: 'emergency' });
        expect(ids).toContain(t.under13);
        expect(ids).toContain(t.sarc);
        expect(ids.indexOf(t.under13)).toBeLessThan(ids.indexOf(t.sarc));
        for (const id of t.borrowed)
          expect(out.nextSteps.find((s) => s.id === id)?.appAdded).toMatch(/^Borrowed from the [A-Z][a-z]+/);
        expect(out.notes).toContain('Age worked out from the date of birth: 12');
      },
    );

    it.each(TOOLS.map((t) => [t.id, t] as const))('%s at 15: the SARC step and no under-13 step', (_id, t) => {
      const out = run(t, '2011-06-01');
      const ids = out.nextSteps.map((s) => s.id);
      expect(ids[0]).toBe('emergency-999');
      expect(ids).toContain(t.sarc);
      for (const id of UNDER_13_STEPS) expect(ids).not.toContain(id);
      expect(out.notes).toContain('Age worked out from the date of birth: 15');
    });
  });

  it('pathways prints every rule with its seed lines', () => {
    const rules = JSON.parse(execFileSync(tsx, [cli, 'pathways'], { encoding: 'utf8' }));
    expect(rules.length).toBeGreaterThan(20);
    for (const rule of rules) expect(rule.src.length).toBeGreaterThan(0);
  });
});

describe('npm run cse -- score FILE', () => {
  it('scores a complete NSCB assessment in the overlap and shows both bands', () => {
    const answers = Object.fromEntries(
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
      ].map((k) => [k, '2']),
    );
    const r = cse(
      'score',
      file('nscb.json', { instrument: 'nscb-cse-assessment', answers: { ...answers, 'professional-judgement': 2 } }),
    );
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      complete: true,
      missing: [],
      level: 'Amber (18-42)',
      total: 22,
      bands: ['Amber (18-42)', 'Green (10-22)'],
    });
    expect(out.ambiguities.length).toBeGreaterThan(0);
    expect(out.reasons.length).toBeGreaterThan(0);
    expect(out.nextSteps[0].id).toBe('emergency-999');
  });

  it('an A&E checklist with only two low ticks answered is decided: it prints decided true and the level (003 L514)', () => {
    const r = cse(
      'score',
      file('ae-two-low.json', {
        instrument: 'nscb-ae-cse-indicator-checklist',
        answers: { 'low-self-esteem': 'yes', 'low-drugs-alcohol': 'yes' },
      }),
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('"decided": true');
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ complete: false, decided: true, level: 'Please complete full CSE Toolkit' });
    expect(out.missing).toHaveLength(11);
  });

  it('reports an incomplete result with the missing ids and no level', () => {
    const r = cse(
      'score',
      file('partial.json', { instrument: 'gm-cse-measurement-tool', answers: { 'c1-missing': '1' } }),
    );
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.complete).toBe(false);
    expect(out.decided).toBe(false);
    expect(out.level).toBeUndefined();
    expect(out.missing).toContain('professional-judgement');
  });

  it.each([
    ['unknown instrument', { instrument: 'no-such-tool', answers: {} }, /unknown instrument "no-such-tool"/],
    ['unknown item', { instrument: 'gm-cse-measurement-tool', answers: { c99: '1' } }, /unknown item "c99"/],
    [
      // The NSCB form asks "DOB" itself (003 L519): the fact is not asked twice, so the message names the tool's item.
      'a case fact the tool asks itself',
      { instrument: 'nscb-cse-assessment', answers: { 'fact-dob': '2014-03-15' } },
      /unknown item "fact-dob" for instrument nscb-cse-assessment: this tool asks it itself, as "yp-dob"/,
    ],
    [
      'value not among options',
      { instrument: 'gm-cse-measurement-tool', answers: { 'c1-missing': '6' } },
      /"c1-missing": "6" is not one of the options/,
    ],
    [
      'number out of range',
      { instrument: 'gm-cse-measurement-tool', answers: { 'professional-judgement': 11 } },
      /"professional-judgement": 11 is out of range \(1 to 10\)/,
    ],
    [
      'fractional score',
      { instrument: 'nscb-cse-assessment', answers: { 'professional-judgement': 2.5 } },
      /whole number/,
    ],
    ['no instrument field', { answers: {} }, /"instrument"/],
    ['not JSON', '{oops', /cannot read .* as JSON/],
  ])('%s exits non-zero naming the problem', (_n, body, message) => {
    const r = cse('score', file(`bad-${Math.random()}.json`, body));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});
