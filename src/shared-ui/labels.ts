// Words for settings and regions, and dates as practitioners read them.
import type { RegionId, Setting } from '../domain/index.ts';
import { REGIONS } from '../domain/index.ts';

export const SETTINGS: { id: Setting; label: string }[] = [
  { id: 'medical', label: 'A&E / medical' },
  { id: 'school', label: 'School' },
  { id: 'youth-work', label: 'Youth work' },
  { id: 'social-care', label: 'Social care' },
];

export const REGION_OPTIONS: { id: RegionId; label: string }[] = (Object.keys(REGIONS) as RegionId[]).map((id) => ({
  id,
  label: REGIONS[id].label,
}));

export function when(ms: number | undefined): string {
  if (!ms) return '';
  return new Date(ms).toLocaleString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/**
 * Whose outcome is shown: the tool's own words, the app's (where the tool prints no outcome, or
 * the app suggests one: never shown as the tool's verdict), or the practitioner's decision.
 */
export function whoseOutcome(result: { levelBy?: 'app' | 'practitioner' | undefined }): string {
  if (result.levelBy === 'app') return "The app's reading, not the tool's verdict";
  if (result.levelBy === 'practitioner') return "The practitioner's decision";
  return 'What the tool says';
}
