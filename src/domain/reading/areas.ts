// Region and area names, checked against the directory wherever a person types
// one (the admin command line, the inbox's Users screen, a reviewer setting a
// referral's area): a name is matched without regard to case or spacing and
// kept in the directory's own spelling; a name the directory does not have is
// refused with the list of the ones it does.
import { REGION_AREAS, REGIONS } from '../instruments/directory.ts';
import type { RegionId } from '../engine/types.ts';

const key = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();

export const REGION_IDS = Object.keys(REGIONS) as RegionId[];

/** The areas a region routes by (none: the region has one queue). */
export function areasOf(region: string): readonly string[] {
  return (REGION_AREAS as Record<string, readonly string[]>)[region] ?? [];
}

/** True when the region's referrals go to one of several areas (so one with no area waits in the region's queue). */
export function routesByArea(region: string): boolean {
  return areasOf(region).length > 1;
}

/** Every area name in the directory, once, in the directory's order. */
export const ALL_AREAS: readonly string[] = [...new Set(Object.values(REGION_AREAS).flat())];

/** The directory's spelling of an area of `region` (any region when omitted), or undefined. */
export function findArea(name: string, region?: string): string | undefined {
  const k = key(name);
  return (region === undefined ? ALL_AREAS : areasOf(region)).find((a) => key(a) === k);
}

export type Checked = { ok: true; value: string } | { ok: false; message: string };

/** An area name as typed: the directory's spelling, or a message listing the valid names. */
export function checkArea(name: string, region?: string): Checked {
  const found = findArea(name, region);
  if (found) return { ok: true, value: found };
  const valid = region === undefined ? ALL_AREAS : areasOf(region);
  const where = region === undefined ? 'the directory' : `${REGIONS[region as RegionId]?.label ?? region}`;
  return {
    ok: false,
    message: valid.length
      ? `"${name.trim().slice(0, 60)}" is not an area of ${where}. Valid areas: ${valid.join(', ')}.`
      : `${where} has no areas: its referrals go to the region's queue.`,
  };
}

/** A region id as typed: the directory's id, or a message listing the valid ones. */
export function checkRegion(name: string): Checked {
  const k = key(name);
  const found = REGION_IDS.find((r) => r === k || key(REGIONS[r].label) === k);
  return found
    ? { ok: true, value: found }
    : {
        ok: false,
        message: `"${name.trim().slice(0, 60)}" is not a region. Valid regions: ${REGION_IDS.join(', ')}.`,
      };
}
