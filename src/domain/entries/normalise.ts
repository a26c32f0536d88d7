// Entries as things, not text (issue 26): the same car, number, place or person
// written by different practitioners in different ways comes out as one value,
// so the inbox can find it again without keeping it readable (it keeps a keyed
// hash of this value, never the value). Each function takes what was typed and
// gives the one form, or undefined when nothing is left to match on.
// Normalising is only for matching: the record keeps what was typed.

/** What an entry is: the kinds the reports ask for (000 L620–L627, 002 L1040, L1259). */
export type EntryKind = 'registration' | 'phone' | 'postcode' | 'place' | 'person' | 'handle';

/** Characters a witness writes for a character they did not see ("MA6 7??", "MA6 7**", "MA6 7_"). */
const UNKNOWN = /[?*_]/;

/**
 * A registration in one form: capitals, no spaces, dashes or dots. What follows the first unknown
 * character ("AB12 C??") is dropped: only the known start can match. Partial plates stay as they are
 * (shorter): matching by their known characters is the inbox's prefix scheme (`registrationPrefixes`).
 */
export function normaliseRegistration(typed: string): string | undefined {
  if (isNotKnown(typed)) return undefined;
  const known = typed.toUpperCase().split(UNKNOWN)[0]!;
  const v = known.replace(/[\s.\-–—·]+/g, '');
  // Anything but letters and digits, or no digit at all, is not a plate ("silver car"): nothing to match.
  if (!/^[A-Z0-9]{2,8}$/.test(v) || !/[0-9]/.test(v)) return undefined;
  return v;
}

/**
 * The shortest start of a registration that is matched against others: four known characters
 * ("MA67", "AB12") pick out few cars; three would join too many unrelated ones.
 */
export const MIN_PLATE_PREFIX = 4;

/**
 * The starts of a normalised registration that a partial one may be (from MIN_PLATE_PREFIX up to, not
 * including, the whole): "MA67XY" → MA67, MA67X. A partial "MA67" equals one of them, so it is linked
 * to the whole plate without either being kept readable.
 */
export function registrationPrefixes(normalised: string): string[] {
  const out: string[] = [];
  for (let n = MIN_PLATE_PREFIX; n < normalised.length; n++) out.push(normalised.slice(0, n));
  return out;
}

/** Whether a normalised registration has the shape of a whole UK plate (else it is, or may be, part of one). */
export function isWholePlate(normalised: string): boolean {
  return [
    /^[A-Z]{2}[0-9]{2}[A-Z]{3}$/, // current (2001 on)
    /^[A-Z][0-9]{1,3}[A-Z]{3}$/, // prefix
    /^[A-Z]{3}[0-9]{1,3}[A-Z]$/, // suffix
    /^[0-9]{1,4}[A-Z]{1,3}$/, // dateless
    /^[A-Z]{1,3}[0-9]{1,4}$/, // dateless
  ].some((r) => r.test(normalised));
}

/**
 * A phone number in one form: UK numbers as +44 and the number without its leading 0
 * ("07700 900123", "+44 7700 900123", "(07700) 900-123", "0044 7700 900123", "+44 (0)7700 900123"
 * are all +447700900123); other countries' numbers as + and digits. A part of a number keeps its
 * digits (it matches the same part written elsewhere). Undefined when fewer than 6 digits remain.
 */
export function normalisePhone(typed: string): string | undefined {
  let v = typed.trim().replace(/\(0\)/g, '');
  v = v.replace(/[\s().\-–—/]+/g, '');
  if (v.startsWith('00')) v = `+${v.slice(2)}`;
  if (!/^\+?\d+$/.test(v)) return undefined;
  if (v.startsWith('+44')) v = `+44${v.slice(3).replace(/^0/, '')}`;
  else if (/^0[1-9]\d{8,9}$/.test(v)) v = `+44${v.slice(1)}`;
  return v.replace(/\D/g, '').length >= 6 ? v : undefined;
}

const POSTCODE = /^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$/;

/** A UK postcode in one form, "MA6 7XY" (capitals, one space before the last three); undefined if not one. */
export function normalisePostcode(typed: string): string | undefined {
  const m = POSTCODE.exec(typed.toUpperCase().replace(/[\s.-]+/g, ''));
  return m ? `${m[1]} ${m[2]}` : undefined;
}

/**
 * A person's name or nickname, or a named place, in one form: lower case, spaces collapsed, the
 * punctuation around words dropped ("  Big  JAY. " → "big jay"). Undefined when no letter or digit remains.
 */
export function normaliseName(typed: string): string | undefined {
  const v = typed
    .toLowerCase()
    .normalize('NFKC')
    .replace(/[‘’`]/g, "'")
    .replace(/[^\p{L}\p{N}'\s-]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^['-]+|['-]+$/g, '');
  return /[\p{L}\p{N}]/u.test(v) ? v : undefined;
}

/** An online handle in one form: lower case, without a leading @ and spaces ("@Big_Jay " → "big_jay"). */
export function normaliseHandle(typed: string): string | undefined {
  const v = typed.trim().toLowerCase().replace(/^@+/, '').replace(/\s+/g, '');
  return v.length >= 2 ? v : undefined;
}

/** What is no entry at all, though typed in an entry's place: "not known" (as 002 L1237 asks), "n/a", "unknown". */
export function isNotKnown(typed: string): boolean {
  return /^(not known|unknown|n\/?a|none|no|-+|\?+|dk|don'?t know)$/i.test(typed.trim());
}
