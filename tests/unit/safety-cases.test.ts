import { describe, expect, it } from 'vitest';
import { score } from '../../src/domain/index.ts';
import { INSTRUMENTS, getInstrument } from '../../src/domain/instruments/catalogue.ts';
import { isFactId } from '../../src/domain/facts/definitions.ts';
import { SAFETY_CASES } from '../fixtures/safety-cases.ts';
import { PATHWAY_RULES } from '../../src/domain/pathways/rules.ts';
import { REGIONS } from '../../src/domain/instruments/directory.ts';

const RANK = { emergency: 0, warning: 1 } as Record<string, number>;

describe('safety worked cases (derivations in tests/fixtures/safety-cases.ts)', () => {
  it.each(SAFETY_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const inst = getInstrument(c.instrument);
    expect(inst, c.instrument).toBeDefined();
    const r = score(inst!, c.answers, c.on ? { on: c.on } : {});
    const e = c.expected;
    expect(r.complete).toBe(e.complete ?? true);
    if (e.level !== undefined) expect(r.level).toBe(e.level);
    if (e.noLevel) expect(r.level).toBeUndefined();
    if (e.levelBy !== undefined) expect(r.levelBy ?? null).toBe(e.levelBy);
    const ids = r.nextSteps.map((s) => s.id);
    expect(ids[0]).toBe('emergency-999');
    for (const id of e.include ?? []) expect(ids, `expected step ${id}`).toContain(id);
    for (const id of e.exclude ?? []) expect(ids, `unexpected step ${id}`).not.toContain(id);
    if (e.first) expect(ids.slice(0, e.first.length)).toEqual(e.first);
    if (e.order)
      expect(e.order.map((id) => ids.indexOf(id))).toEqual(
        [...e.order.map((id) => ids.indexOf(id))].sort((a, b) => a - b),
      );
    if (e.order) for (const id of e.order) expect(ids).toContain(id);
    const step = (id: string) => r.nextSteps.find((s) => s.id === id);
    for (const id of e.appAdded ?? []) expect(step(id)?.appAdded, `${id} should say it is the app's`).toBeTruthy();
    for (const id of e.notAppAdded ?? []) expect(step(id)?.appAdded, `${id} is the seed's`).toBeUndefined();
    for (const [id, from] of Object.entries(e.borrowed ?? {}))
      expect(step(id)?.appAdded, `${id} should say it is borrowed`).toMatch(
        new RegExp(`^Borrowed from the ${from} \\(`),
      );
    for (const [id, ref] of Object.entries(e.cites ?? {})) {
      const src = step(id)?.src;
      expect(src && `${src.file.slice(0, 3)} L${src.line}${src.endLine ? `–L${src.endLine}` : ''}`, `${id} cites`).toBe(
        ref,
      );
    }
    for (const text of e.textOnce ?? [])
      expect(
        r.nextSteps.filter((s) => s.text.includes(text)).map((s) => s.id),
        `"${text}" once`,
      ).toHaveLength(1);
    for (const text of e.noteIncludes ?? []) expect(r.notes).toContain(text);
    for (const [id, within] of Object.entries(e.within ?? {})) expect(step(id)?.within).toBe(within);
    for (const [id, text] of Object.entries(e.stepTextIncludes ?? {})) expect(step(id)?.text).toContain(text);
    for (const [id, phones] of Object.entries(e.phones ?? {}))
      expect(
        step(id)
          ?.contacts.map((c) => c.phone)
          .filter(Boolean),
        `phones on ${id}`,
      ).toEqual(phones);
    for (const text of e.reasonIncludes ?? []) expect(r.reasons.join('\n')).toContain(text);
    // Emergency steps first, then warnings, then the rest, on every result.
    const ranks = r.nextSteps.map((s) => RANK[s.kind] ?? 2);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });

  it('a disclosed assault in Greater Manchester outside Bury: 999 and 101, never "Bury Police Reporting Line" (001 L2103 is Bury\'s)', () => {
    const gm = getInstrument('gm-cse-measurement-tool')!;
    const contacts = score(gm, { 'fact-sexual-assault': 'recent' }, { on: '2026-11-23' }).nextSteps.flatMap(
      (s) => s.contacts,
    );
    expect(contacts.map((c) => c.name).join('\n')).not.toContain('Bury Police Reporting Line');
    // The police step and the SARC step each offer 101, always the Greater Manchester contact that names 999.
    const nonEmergency = contacts.filter((c) => c.phone === '101').map((c) => c.name);
    expect(nonEmergency.length).toBeGreaterThanOrEqual(1);
    for (const name of nonEmergency) expect(name).toContain('use 999 when a child is in immediate danger');
    expect(contacts.some((c) => c.phone === '999')).toBe(true);
  });

  it("no step text puts a seed file, a line number or the app's own words for its machinery in front of the practitioner", () => {
    const steps = [
      ...PATHWAY_RULES.flatMap((r) => r.steps),
      ...Object.values(REGIONS).flatMap((r) => [r.emergency, ...r.routes]),
      ...INSTRUMENTS.flatMap((i) => i.actions.map((a) => a.step)),
    ];
    const machinery = /_[0-9a-f]{16}\.txt|\bL\d+|\b\d{3} L\d|\bseeds?\b|\bdefinition\b|\bendpoint\b/i;
    const bad = steps.filter((s) => machinery.test(s.text)).map((s) => `${s.id}: ${s.text}`);
    expect(bad).toEqual([]);
    // Contact notes are shown beside the number: no "seed" there either (line citations in brackets are folded away).
    const notes = steps
      .flatMap((s) => s.contacts.map((c) => c.note ?? ''))
      .filter((n) => /\bseeds?\b|\bdefinition\b/i.test(n));
    expect(notes).toEqual([]);
  });

  it('holds at least 40 cases, each with its seed lines and a derivation', () => {
    expect(SAFETY_CASES.length).toBeGreaterThanOrEqual(40);
    for (const c of SAFETY_CASES) {
      expect(c.origin).toMatch(/\d{3}( |$)|L\d+/);
      expect(c.derivation.length).toBeGreaterThan(40);
    }
    expect(new Set(SAFETY_CASES.map((c) => c.name)).size).toBe(SAFETY_CASES.length);
  });
});

describe('facts never block finishing', () => {
  it('no fact item is required, on any instrument', () => {
    for (const inst of INSTRUMENTS)
      for (const s of inst.sections)
        for (const i of s.items) if (isFactId(i.id)) expect(i.required, `${inst.id} ${i.id}`).toBe(false);
  });
});
