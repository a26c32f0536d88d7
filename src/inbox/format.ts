// Dates and waits as a reviewer reads them.
import { REVIEW_STATES } from '../contract/inbox-api.ts';
import { timescaleText } from '../shared-ui/timescale.ts';

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

/** A seed's timescale as minutes ('immediately' 0, 'within the hour' 60, '72 hours' 4320); undefined when unread. */
export function timescaleMinutes(t: string | null | undefined): number | undefined {
  if (!t) return undefined;
  const s = t.toLowerCase();
  if (/immediate/.test(s)) return 0;
  if (/the hour/.test(s)) return 60;
  const h = /(\d+)\s*hours?/.exec(s);
  if (h) return Number(h[1]) * 60;
  const d = /(\d+)\s*days?/.exec(s);
  if (d) return Number(d[1]) * 1440;
  return undefined;
}

/** The timescale as a reviewer reads it (made in one place with the app's result's): 'immediately', 'within the hour', 'within 72 hours'. */
export { timescaleText };

/** The timescale in a table cell: 'now', 'in 1 h', 'in 72 h'. */
export function timescaleShort(t: string): string {
  const m = timescaleMinutes(t);
  if (m === undefined) return timescaleText(t);
  if (m === 0) return 'now';
  return m > 4320 && m % 1440 === 0 ? `in ${m / 1440} days` : `in ${m / 60} h`;
}
