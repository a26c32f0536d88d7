// Adds the case-facts section to the tools where the facts change what to do:
// those that screen for or measure a child's risk. Information reports and the
// information-sharing checklist are about intelligence, not the child's
// pathway, and are left as the seeds print them.
import type { Instrument, Section } from '../engine/types.ts';
import { FACTS, FACT_SECTION_ID, FACT_SECTION_TITLE } from './definitions.ts';

import { factsApplyTo } from '../engine/case-facts.ts';
export { factsApplyTo };

export function factSection(inst: Instrument): Section {
  const own = new Set(inst.sections.flatMap((s) => s.items.map((i) => i.id)));
  const items = FACTS.filter((f) => !own.has(f.item.id) && !f.aliases.some((a) => own.has(a))).map((f) => f.item);
  return {
    id: FACT_SECTION_ID,
    title: FACT_SECTION_TITLE,
    src: FACTS[0]!.item.src,
    note: {
      text: "These questions are the app's, not the tool's: they change what to do next whatever the score. Answer what you know; every question can be left blank.",
      src: FACTS[0]!.item.src,
    },
    items,
  };
}

/**
 * The instrument with the facts section after its own pages. The tool's pages
 * come first, in the paper form's order, so a practitioner reaches the tool's
 * outcome in as few taps as on paper (the A&E outcome in three); the facts are
 * asked before Check answers, and each one can still open a safety route.
 */
export function withFacts(inst: Instrument): Instrument {
  if (!factsApplyTo(inst) || inst.sections.some((s) => s.id === FACT_SECTION_ID)) return inst;
  return { ...inst, sections: [...inst.sections, factSection(inst)] };
}
