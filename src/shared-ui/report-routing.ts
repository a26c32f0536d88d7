// Where an information report goes, said once. The report is sent to the
// referral endpoint for the chosen area's team; e-mailing the team is only the
// fallback when it cannot be sent. So on a routed report's result the engine's
// "this report goes to …" step and the region's "fill in the information report
// and e-mail it" route give way to one message (see result.tsx); every other
// step, 999 first, stays.
import type { Instrument, NextStep, Result } from '../domain/index.ts';
import { REGIONS } from '../domain/index.ts';

export interface RoutedTeam {
  name: string;
  area: string;
  email: string;
  phone?: string | undefined;
}

export function routedTeam(inst: Instrument, result: Result): RoutedTeam | undefined {
  const r = result.routing;
  if (!r) return undefined;
  const t = inst.routing?.teams.find((x) => x.area === r.area && x.email === r.email);
  return { name: r.team ?? `${r.area} CSE team`, area: r.area, email: r.email, phone: t?.phone };
}

/** The steps a result lists, with a routed report's own delivery steps folded into the one message. */
export function stepsToShow(inst: Instrument, result: Result): NextStep[] {
  if (inst.kind !== 'information-report' || !routedTeam(inst, result)) return result.nextSteps;
  // The region's "fill in the information report and send it" routes: this record is that report.
  const reportRoutes = new Set(
    REGIONS[inst.region].routes.filter((r) => r.kind === 'information-report').map((r) => r.id),
  );
  return result.nextSteps.filter((s) => s.id !== 'route-to-team' && !reportRoutes.has(s.id));
}
