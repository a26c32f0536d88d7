// "Which area does the child live in?": the app's question, asked with the
// facts of the case in a tool that screens or measures risk for a region whose
// referrals go to one of several areas (Greater Manchester's ten area teams,
// 000 L635–L645; the seven West Midlands authorities, 002 L4). The answer sends
// the referral to the team for the child's area; the app fills it in with the
// area this device was enrolled for, and the practitioner can change it.
//
// Which tools ask it follows from the region alone (`routesByArea`):
//   - the GM front-door question and the GM measurement tool (Greater Manchester);
//   - the West Midlands risk assessment tool and the Sandwell screening tool. The
//     screening tool is printed as Sandwell's (002 L1538) but the framework calls it
//     the regional screening tool every authority uses (002 L350–L351, L850), so it
//     does not imply Sandwell: the cautious reading asks, rather than send a
//     Birmingham child to Sandwell's queue;
//   - not Bury's own tools: they belong to one authority (region `bury`, one area),
//     which already implies the area; nor Northamptonshire's or Bristol's (one queue each).
// The server reads the answer (src/domain/reading), never the device's `routing` claim.
import type { Answers, ChoiceItem, Option } from '../engine/types.ts';
import { GM, WM, at } from '../engine/seed-refs.ts';
import { GM_AREA_TEAMS, WM_AUTHORITIES } from '../instruments/directory.ts';
import { areasOf, findArea, routesByArea } from '../reading/areas.ts';

export const HOME_AREA_ID = 'fact-home-area';
export const HOME_AREA_NOT_KNOWN = 'not-known';

const WHY =
  "No tool asks where the child lives. The app asks so that the referral goes to the team for the child's area; it is filled in with the area this device was enrolled for: change it if the child lives elsewhere.";

// Each area's option cites the line that names it in the directory.
const AREA_SOURCES: Record<string, ReturnType<typeof at>> = Object.fromEntries([
  ...GM_AREA_TEAMS.map((t) => [t.area, t.src] as const),
  ...WM_AUTHORITIES.map((t) => [t.area, t.src] as const),
]);

/** The question for a tool of `region`, or undefined where the region has one queue or one area. */
export function homeAreaItem(region: string): ChoiceItem | undefined {
  if (!routesByArea(region)) return undefined;
  const src = region === 'greater-manchester' ? at(GM, 635, 645) : at(WM, 4);
  const options: Option[] = [
    ...areasOf(region).map((area) => ({ value: area, label: area, src: AREA_SOURCES[area] ?? src, appAdded: WHY })),
    { value: HOME_AREA_NOT_KNOWN, label: 'Not known', src, appAdded: 'The app lets the area be left as not known.' },
  ];
  return {
    id: HOME_AREA_ID,
    kind: 'choice',
    text: 'Which area does the child live in?',
    required: false,
    src,
    appAdded: WHY,
    help: "The referral goes to this area's team. Filled in with this device's area; change it if the child lives elsewhere.",
    options,
  };
}

/** The area answered, in the directory's spelling, when it is one of the region's; "Not known" and anything else: undefined. */
export function answeredHomeArea(answers: Answers, region: string): string | undefined {
  const v = answers[HOME_AREA_ID];
  return typeof v === 'string' && v !== HOME_AREA_NOT_KNOWN && routesByArea(region) ? findArea(v, region) : undefined;
}

/**
 * The answer a new record starts with: the device's enrolled area when the tool asks the
 * question and the area is one of its region's; else nothing (the practitioner answers).
 */
export function homeAreaPrefill(
  inst: { region: string; sections: { items: { id: string }[] }[] },
  deviceArea: string | null | undefined,
): Answers {
  if (!deviceArea || !inst.sections.some((s) => s.items.some((i) => i.id === HOME_AREA_ID))) return {};
  const area = findArea(deviceArea, inst.region);
  return area ? { [HOME_AREA_ID]: area } : {};
}
