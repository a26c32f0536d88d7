// What to do next. The 999 route comes first on every result, whatever the
// score: no score replaces it (000 L617; DESIGN "safety routes outrank scores").
// Then the warnings (do not consult the parents before referral), then the
// pathway rules the facts of the case set off (under-13, a disclosed
// assault, missing, trafficking), then what the instrument's own source says
// for this outcome, then the region's standing routes (referral, information
// report), which are always offered because a practitioner may refer on
// judgement alone.
import { factsApplyTo, readFacts } from './case-facts.ts';
import { registry } from './registry.ts';
import type { Answers, Instrument, NextStep, Result } from './types.ts';

const RANK: Record<NextStep['kind'], number> = {
  emergency: 0,
  warning: 1,
  referral: 2,
  'information-report': 2,
  assessment: 2,
  advice: 2,
  note: 2,
};

export function nextSteps(
  inst: Instrument,
  result: Omit<Result, 'nextSteps'>,
  answers: Answers = {},
  on?: string,
): NextStep[] {
  const data = registry();
  const region = data.regions[inst.region];
  const facts = readFacts(answers, on);
  // The rules turn on the facts, which only the tools that screen or measure risk ask.
  const rules = factsApplyTo(inst) ? data.pathwaySteps({ inst, answers, facts, result }) : { safety: [], other: [] };
  const emergency: NextStep = facts.immediateDanger
    ? {
        ...region.emergency,
        text: `You recorded that the child is in immediate danger: call 999 now. ${region.emergency.text}`,
      }
    : region.emergency;
  const steps: NextStep[] = [emergency, ...rules.safety];
  if (result.routing) {
    const team = inst.routing!.teams.find((t) => t.email === result.routing!.email && t.area === result.routing!.area)!;
    steps.push({
      id: 'route-to-team',
      kind: 'information-report',
      text: `This report goes to the ${result.routing.team ?? `${result.routing.area} CSE team`} (${result.routing.area}).`,
      contacts: [
        {
          name: result.routing.team ?? `${result.routing.area} CSE team`,
          email: team.email,
          ...(team.phone ? { phone: team.phone } : {}),
          src: team.src,
        },
      ],
      src: team.src,
    });
  }
  if (!result.complete && !result.decided) {
    steps.push({
      id: 'incomplete',
      kind: 'note',
      text: `This ${inst.title} is not complete, so the tool gives no outcome yet. Do not wait for a score to act on a concern: the routes below are open now.`,
      contacts: [],
    });
  }
  for (const action of inst.actions) {
    const unconditional = action.minSeverity === undefined && action.maxSeverity === undefined;
    if (unconditional) {
      steps.push(action.step);
      continue;
    }
    // A decided outcome (complete, or fixed by the answers given) has its actions.
    if (!result.decided || result.severity === undefined) continue;
    if (action.minSeverity !== undefined && result.severity < action.minSeverity) continue;
    if (action.maxSeverity !== undefined && result.severity > action.maxSeverity) continue;
    // Steps set off by the app's suggested level (Sandwell's category before the practitioner
    // confirms it) say so: they follow the app's reading, not the tool's verdict.
    const why =
      inst.scoring.rule === 'highest-category' && inst.scoring.decision
        ? "Shown because of the app's suggested outcome, not confirmed by the practitioner: confirm or change it and the steps follow your decision."
        : "Shown because of the app's reading of the outcome, not the tool's own verdict.";
    steps.push(
      result.levelBy === 'app'
        ? { ...action.step, appAdded: `${action.step.appAdded ? `${action.step.appAdded} ` : ''}${why}` }
        : action.step,
    );
  }
  steps.push(...rules.other);
  const replaced = new Set(rules.replaces ?? []);
  steps.push(...region.routes.filter((r) => !replaced.has(r.id)).map((r) => withAreaContact(r, result, data)));
  const seen = new Set<string>();
  const once = steps.filter((s) => (seen.has(s.id) ? false : (seen.add(s.id), true)));
  // Stable: within a kind rank the order above holds.
  return once
    .map((s, i) => [s, i] as const)
    .sort((a, b) => RANK[a[0].kind] - RANK[b[0].kind] || a[1] - b[1])
    .map(([s]) => s);
}

/**
 * Greater Manchester's "a referral should be made immediately to local
 * authority children's social care" (000 L618) prints no number. On a report
 * routed to an area, the step carries that area's contact: Bury's MASH where
 * Bury's own procedure prints it (001 L390–393), else the area's specialist CSE
 * team, whose co-located staff include social workers (000 L410). The app's
 * proposal, said so.
 */
function withAreaContact(step: NextStep, result: Pick<Result, 'routing'>, data: ReturnType<typeof registry>): NextStep {
  if (step.id !== 'gm-csc-referral' || !result.routing || step.contacts.length) return step;
  const area = result.routing.area;
  const mash =
    area === 'Bury' ? data.regions.bury.routes.flatMap((r) => r.contacts).find((c) => /MASH/.test(c.name)) : undefined;
  const team = data.regions['greater-manchester'].routes
    .flatMap((r) => r.contacts)
    .find((c) => c.email === result.routing!.email);
  const contact =
    mash ?? (team ? { ...team, name: `${area} specialist CSE team (includes social workers)` } : undefined);
  if (!contact) return step;
  return {
    ...step,
    contacts: [contact],
    appAdded: mash
      ? `The handbook gives no number for children's social care; for a child in Bury the app gives the Bury MASH, as Bury's own procedure prints it (001 L390–393).`
      : `The handbook gives no number for children's social care; the app gives the ${area} specialist CSE team, whose co-located staff include social workers (000 L410), to reach the area's children's social care.`,
  };
}
