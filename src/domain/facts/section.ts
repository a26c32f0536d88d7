// Adds the case-facts section to the tools where the facts change what to do:
// those that screen for or measure a child's risk. Information reports and the
// information-sharing checklist are about intelligence, not the child's
// pathway, and are left as the seeds print them.
import type { Answers, Instrument, Section } from '../engine/types.ts';
import { isAnswered } from '../engine/answers.ts';
import { FACTS, FACT_SECTION_ID, FACT_SECTION_TITLE, NOTHING_TO_REPORT } from './definitions.ts';
import { homeAreaItem } from './home-area.ts';

import { factsApplyTo } from '../engine/case-facts.ts';
export { factsApplyTo };

export function factSection(inst: Instrument): Section {
  const own = new Set(inst.sections.flatMap((s) => s.items.map((i) => i.id)));
  const items = FACTS.filter((f) => !own.has(f.item.id) && !f.aliases.some((a) => own.has(a))).map((f) => f.item);
  // Where the region's referrals go to one of several areas, where the child lives (last: it is filled in).
  const homeArea = homeAreaItem(inst.region);
  if (homeArea) items.push(homeArea);
  return {
    id: FACT_SECTION_ID,
    title: FACT_SECTION_TITLE,
    src: FACTS[0]!.item.src,
    note: {
      text: "These questions are the app's, not the tool's. They come first because they change what to do, whatever the tool's outcome. Answer what you know; any can be left blank.",
      src: FACTS[0]!.item.src,
    },
    items,
  };
}

/**
 * The instrument with the facts section first, before the tool's own pages:
 * immediate danger, the age and what has happened decide what to do (999, an
 * under-13's referral, the sexual assault centre) whatever the tool's outcome,
 * so they are asked before the indicators rather than after the outcome is
 * on screen. A child with nothing to report costs one tap ("Nothing to report
 * on these" in the app).
 */
export function withFacts(inst: Instrument): Instrument {
  if (!factsApplyTo(inst) || inst.sections.some((s) => s.id === FACT_SECTION_ID)) return inst;
  return { ...inst, sections: [factSection(inst), ...inst.sections] };
}

/**
 * The case facts of this tool that change what to do and are still blank
 * (immediate danger, a sexual assault, missing now, trafficking): while any is,
 * an outcome decided early must not invite finishing.
 */
export function unansweredFacts(inst: Instrument, answers: Answers): string[] {
  const section = inst.sections.find((s) => s.id === FACT_SECTION_ID);
  if (!section) return [];
  return section.items.filter((i) => i.id in NOTHING_TO_REPORT && !isAnswered(answers[i.id])).map((i) => i.id);
}
