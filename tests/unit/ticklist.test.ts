// Which sections the runner shows as one "Select all that apply" question, and
// what confirming a section stores. Pure functions of ticklist.tsx.
import { describe, expect, it } from 'vitest';
import { INSTRUMENTS, getInstrument } from '../../src/domain/instruments/catalogue.ts';
import { confirmTickList, isTickList, noneSelected, tickItemsOf, tickListErrors } from '../../src/ui/ticklist.tsx';

describe('tick-list sections', () => {
  it('every section with tick boxes uses the checkbox pattern, and no other', () => {
    const found = INSTRUMENTS.flatMap((i) => i.sections.filter(isTickList).map((s) => `${i.id}#${s.id}`));
    expect(found).toEqual([
      'bury-cse-initial-screening-tool#vulnerabilities',
      'bury-cse-initial-screening-tool#risk',
      'bury-cse-initial-screening-tool#significant',
      'sandwell-cse-screening-tool#significant',
      'sandwell-cse-screening-tool#risk',
      'sandwell-cse-screening-tool#vulnerability',
      'wm-cse-risk-assessment-tool#section-1',
      'wm-cse-risk-assessment-tool#section-2',
      'wm-cse-risk-assessment-tool#incidences',
      'nscb-ae-cse-indicator-checklist#low',
      'nscb-ae-cse-indicator-checklist#medium',
      'nscb-ae-cse-indicator-checklist#higher',
      'bristol-cse-risk-factors#risk-factors',
      'bristol-cse-risk-factors#push',
      'bristol-cse-risk-factors#pull',
    ]);
    // WM RAT Section 1 asks Sexuality as text first (002 L2439), then its tick boxes as one question.
    const s1 = getInstrument('wm-cse-risk-assessment-tool')!.sections.find((s) => s.id === 'section-1')!;
    expect(tickItemsOf(s1).map((i) => i.id)).not.toContain('sexuality');
    expect(tickItemsOf(s1)).toHaveLength(s1.items.length - 1);
    // Bury "Do you have immediate concerns?" (001 L1087) has an app-added "No concerns": a question, not a tick box.
    const concerns = getInstrument('bury-cse-initial-screening-tool')!.sections.find((s) => s.id === 'concerns')!;
    expect(isTickList(concerns)).toBe(false);
    // A yes/no question whose both answers the app added is a question, not a tick box.
    const summary = getInstrument('wm-cse-risk-assessment-tool')!.sections.find((s) => s.id === 'summary')!;
    const riskToOthers = summary.items.find((i) => i.id === 'risk-to-others')!;
    expect(isTickList({ ...summary, items: [riskToOthers] })).toBe(false);
  });

  const low = getInstrument('nscb-ae-cse-indicator-checklist')!.sections.find((s) => s.id === 'low')!;
  it('a blank section cannot be confirmed; "None of these" (every box not ticked) can', () => {
    expect(tickListErrors(low, {}, new Set()).map((e) => e.itemId)).toEqual(['section-low']);
    const none = Object.fromEntries(low.items.map((i) => [i.id, 'no']));
    expect(noneSelected(low, none)).toBe(true);
    expect(tickListErrors(low, none, new Set())).toEqual([]);
  });
  it('confirming keeps the ticks and makes every other box "not ticked"; the instrument\'s values are unchanged', () => {
    expect(confirmTickList(low, { 'low-self-harm': 'yes', age: 15 })).toEqual({
      'low-self-esteem': 'no',
      'low-unknown-adults': 'no',
      'low-self-harm': 'yes',
      'low-drugs-alcohol': 'no',
      age: 15,
    });
  });
  it('a Sandwell box ticked without its column cannot be confirmed', () => {
    const sig = getInstrument('sandwell-cse-screening-tool')!.sections.find((s) => s.id === 'significant')!;
    expect(tickListErrors(sig, {}, new Set(['s-money'])).map((e) => e.itemId)).toEqual(['s-money']);
    expect(confirmTickList(sig, { 's-money': 'prior' })['s-money']).toBe('prior');
  });
});
