// The entries of a record, as things: every registration, phone number, handle,
// postcode, place and person the tool asks for, each in its one form
// (normalise.ts), with where in the record it was written. The information
// reports ask for them one by one (the Greater Manchester report's persons,
// vehicles, locations and numbers, 000 L622–L627); where a tool asks for them in
// free text, the shapes that cannot be mistaken (a current registration, a UK
// phone number, a postcode) are taken from the text; names in free text are not
// (nothing tells a name from any other word).
import type { Answers, Entry, Instrument, Item } from '../engine/types.ts';
import {
  type EntryKind,
  isNotKnown,
  normaliseHandle,
  normaliseName,
  normalisePhone,
  normalisePostcode,
  normaliseRegistration,
} from './normalise.ts';

export interface FoundEntry {
  kind: EntryKind;
  /** The one form (normalise.ts): what is matched, as a keyed hash, never stored readable. */
  value: string;
  /** Where it was written: the item, and for a report's entries the entry's place in the list and its field. */
  item: string;
  entry?: number;
  field?: string;
}

/**
 * Free-text questions that ask for these entries, by tool: the Greater Manchester report's details
 * ("names/descriptions/nicknames/ vehicle details/addresses", 000 L707); the West Midlands report's
 * information ("vehicle details and registration numbers, phone numbers, addresses", 002 L1259) and
 * premise ("trading name and address", 002 L1303); the West Midlands risk assessment's known suspects
 * (002 L2909), a screening's own question about who is involved.
 */
export const FREE_TEXT_ENTRIES: Record<string, string[]> = {
  'gm-information-report': ['details'],
  'wm-information-report': ['information', 'premise'],
  'wm-cse-risk-assessment-tool': ['known-suspects'],
};

// Shapes that are unmistakable in running text (case aside).
const PLATE_IN_TEXT = /\b[A-Z]{2}[0-9]{2} ?[A-Z]{3}\b/gi;
const POSTCODE_IN_TEXT = /\b[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}\b/gi;
const PHONE_IN_TEXT = /(?:\+44 ?(?:\(0\) ?)?|\b0044 ?|\(?\b0)\d[\d ()-]{7,13}\d/g;

/** The registrations, UK phone numbers and postcodes in a piece of free text. */
export function entriesInText(text: string): { kind: EntryKind; value: string }[] {
  const out: { kind: EntryKind; value: string }[] = [];
  for (const m of text.matchAll(PLATE_IN_TEXT)) {
    const v = normaliseRegistration(m[0]);
    if (v) out.push({ kind: 'registration', value: v });
  }
  for (const m of text.matchAll(POSTCODE_IN_TEXT)) {
    const v = normalisePostcode(m[0]);
    if (v) out.push({ kind: 'postcode', value: v });
  }
  for (const m of text.matchAll(PHONE_IN_TEXT)) {
    const v = normalisePhone(m[0]);
    // A whole UK number only: a run of digits in prose may be anything else.
    if (v && /^\+44\d{9,10}$/.test(v)) out.push({ kind: 'phone', value: v });
  }
  return out;
}

/** A report's structured entries: which field holds what kind of thing (000 L622–L627). */
function fromEntry(item: string, entry: Entry): { kind: EntryKind; value: string | undefined; field: string }[] {
  const get = (f: string) => {
    const v = (entry[f] ?? '').trim();
    return v && !isNotKnown(v) ? v : '';
  };
  const out: { kind: EntryKind; value: string | undefined; field: string }[] = [];
  switch (item) {
    case 'persons': {
      if (get('name')) out.push({ kind: 'person', value: normaliseName(get('name')), field: 'name' });
      // "Jay, JJ / Big J": each nickname on its own.
      for (const nick of get('nicknames').split(/[,;/]| or /))
        if (nick.trim() && !isNotKnown(nick))
          out.push({ kind: 'person', value: normaliseName(nick), field: 'nicknames' });
      break;
    }
    case 'vehicles':
      if (get('registration'))
        out.push({ kind: 'registration', value: normaliseRegistration(get('registration')), field: 'registration' });
      break;
    case 'locations': {
      const place = get('place');
      if (!place) break;
      const codes = entriesInText(place).filter((e) => e.kind === 'postcode');
      for (const c of codes) out.push({ kind: 'postcode', value: c.value, field: 'place' });
      // The place as named ("Queen's Park, Bolton"), unless it is only a postcode.
      if (!normalisePostcode(place)) out.push({ kind: 'place', value: normaliseName(place), field: 'place' });
      break;
    }
    case 'contacts': {
      const v = get('value');
      if (!v) break;
      const type = entry.type ?? '';
      const phone = normalisePhone(v);
      if (type === 'phone' || (type === '' && phone)) out.push({ kind: 'phone', value: phone, field: 'value' });
      else out.push({ kind: 'handle', value: normaliseHandle(v), field: 'value' });
      break;
    }
  }
  return out;
}

/** Every entry of a record that can be matched, in the order the record holds them. */
export function entriesOf(inst: Instrument, answers: Answers): FoundEntry[] {
  const out: FoundEntry[] = [];
  const seen = new Set<string>();
  const add = (e: FoundEntry) => {
    const k = `${e.kind}\n${e.value}\n${e.item}\n${e.entry ?? ''}\n${e.field ?? ''}`;
    if (!seen.has(k)) seen.add(k) && out.push(e);
  };
  const freeText = new Set(FREE_TEXT_ENTRIES[inst.id] ?? []);
  for (const item of inst.sections.flatMap((s) => s.items) as Item[]) {
    const value = answers[item.id];
    if (item.kind === 'repeat' && Array.isArray(value)) {
      value.forEach((e, i) => {
        if (typeof e !== 'object' || e === null) return;
        for (const f of fromEntry(item.id, e))
          if (f.value) add({ kind: f.kind, value: f.value, item: item.id, entry: i, field: f.field });
      });
    } else if (item.kind === 'text' && freeText.has(item.id) && typeof value === 'string') {
      for (const f of entriesInText(value)) add({ kind: f.kind, value: f.value, item: item.id });
    }
  }
  return out;
}

/** What an entry's kind is called on screen and in the matches CSV. */
export const ENTRY_KIND_LABELS: Record<EntryKind, string> = {
  registration: 'Vehicle registration',
  phone: 'Phone number',
  handle: 'Online handle',
  postcode: 'Postcode',
  place: 'Place',
  person: 'Person or nickname',
};
