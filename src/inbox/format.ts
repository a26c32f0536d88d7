// Dates and waits as a reviewer reads them.
import { REVIEW_STATES } from '../contract/inbox-api.ts';

export function when(iso: string | null | undefined): string {
  if (!iso) return '';
  return new Date(iso).toLocaleString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

export function waited(ms: number): string {
  const min = Math.max(0, Math.floor(ms / 60_000));
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ${min % 60} min`;
  return `${Math.floor(h / 24)} days`;
}

export const STATE_LABELS: Record<string, string> = Object.fromEntries(REVIEW_STATES.map((s) => [s.id, s.label]));
