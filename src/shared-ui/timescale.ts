// A seed's timescale in the words a practitioner or reviewer reads: the seeds give "immediately"
// (003 L2189), "within the hour" (003 L2207) and bare durations ("72 hours", 002 L520–L522), so
// "within" is added only where it reads right ("within 72 hours", never "within immediately").

/** 'immediately', 'within the hour', 'within 72 hours'. */
export function timescaleText(t: string): string {
  const s = t.trim().replace(/^within\s+/i, '');
  return /immediate/i.test(s) ? 'immediately' : `within ${s}`;
}
