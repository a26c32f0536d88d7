// What to do next. The 999 route comes first on every result, whatever the
// score: no score replaces it (000 L617; DESIGN "safety routes outrank scores").
// Then what the instrument's own source says for this outcome, then the
// region's standing routes (referral, information report), which are always
// offered because a practitioner may refer on judgement alone.
import { REGIONS } from '../instruments/directory.ts';
import type { Instrument, NextStep, Result } from './types.ts';

export function nextSteps(inst: Instrument, result: Omit<Result, 'nextSteps'>): NextStep[] {
  const region = REGIONS[inst.region];
  const steps: NextStep[] = [region.emergency];
  if (result.routing) {
    const team = inst.routing!.teams.find((t) => t.email === result.routing!.email && t.area === result.routing!.area)!;
    steps.push({
      id: 'route-to-team',
      kind: 'information-report',
      text: `This report goes to the ${result.routing.team ?? `${result.routing.area} CSE team`} (${result.routing.area}).`,
      contacts: [{ name: result.routing.team ?? `${result.routing.area} CSE team`, email: team.email, ...(team.phone ? { phone: team.phone } : {}), src: team.src }],
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
    steps.push(action.step);
  }
  for (const route of region.routes) if (!steps.some((s) => s.id === route.id)) steps.push(route);
  return steps;
}
