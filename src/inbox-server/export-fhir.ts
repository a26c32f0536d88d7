// FHIR R4 export for health partners: one Bundle (type "collection"), written
// entry by entry (routes/exports.ts streams it). For each referral a
// QuestionnaireResponse (the answers as recorded, typed: valueDate,
// valueDateTime, valueInteger, valueDecimal, valueCoding with the option's code
// and the tool's system) and, for a screening, a RiskAssessment (the server's
// outcome in the tool's words, with its basis); an information report is not a
// risk assessment of a child but information passed on, so it travels as a
// Communication carrying the response. Once per tool and version, the tool as a
// Questionnaire, which the responses name by versioned canonical (url|version),
// so two versions of one tool never clash. Every fullUrl is urn:uuid: and
// equals the resource's id, and every reference points inside the Bundle.
// There is no Patient: the child is named only by the practitioner's
// reference, as an identifier.
import type {
  BundleEntry,
  Communication,
  Questionnaire,
  QuestionnaireItem,
  QuestionnaireResponse,
  QuestionnaireResponseItem,
  QuestionnaireResponseItemAnswer,
  Reference,
  RiskAssessment,
} from 'fhir/r4';
import { createHash } from 'node:crypto';
import type { AnswerValue, Instrument, Item } from '../domain/index.ts';
import type { ExportItem } from './export-csv.ts';

export const SYSTEM = 'urn:cse-screen';
export const CHILD_REF_SYSTEM = `${SYSTEM}:child-reference`;
export const SUBMISSION_SYSTEM = `${SYSTEM}:submission-id`;

export const questionnaireUrl = (inst: Instrument): string => `${SYSTEM}:instrument:${inst.id}`;

/** A UUID named by a string (SHA-1, RFC 4122 version 5 layout): the same resource gets the same id in every export. */
export function nameUuid(name: string): string {
  const h = createHash('sha1').update(`cse-screen:${name}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

const uuidOf = (s: string): string =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(s) ? s : nameUuid(s);

/** The Bundle entry of a resource whose id is a UUID: fullUrl urn:uuid:<id>. */
const entryOf = (resource: NonNullable<BundleEntry['resource']>): BundleEntry => ({
  fullUrl: `urn:uuid:${resource.id!}`,
  resource,
});

/** A tool's Questionnaire in this export: its canonical and version name it, its id is named by them. */
export const questionnaireId = (instrumentId: string, version: string): string =>
  nameUuid(`questionnaire:${instrumentId}|${version}`);

function questionnaireItem(inst: Instrument, item: Item): QuestionnaireItem {
  const base = { linkId: item.id, text: item.text, required: item.required };
  switch (item.kind) {
    case 'choice':
    case 'multi':
      return {
        ...base,
        type: 'choice',
        ...(item.kind === 'multi' ? { repeats: true } : {}),
        answerOption: item.options.map((o) => ({
          valueCoding: { system: `${questionnaireUrl(inst)}:${item.id}`, code: o.value, display: o.label },
        })),
      };
    case 'number':
      return { ...base, type: item.integer ? 'integer' : 'decimal' };
    case 'text':
      return { ...base, type: item.multiline ? 'text' : 'string' };
    case 'date':
      return { ...base, type: item.precision === 'date' ? 'date' : 'dateTime' };
    case 'repeat':
      return {
        ...base,
        type: 'group',
        repeats: true,
        item: item.fields.map((f) => ({
          linkId: `${item.id}.${f.id}`,
          text: f.label,
          type: f.shape === 'datetime' ? ('dateTime' as const) : ('string' as const),
        })),
      };
  }
}

/** A computable name as FHIR wants it (an upper-case letter, then letters, digits and underscores). */
const computableName = (id: string): string => {
  const n = id.replace(/[^A-Za-z0-9]/g, '_');
  return /^[a-z]/.test(n) ? n[0]!.toUpperCase() + n.slice(1) : /^[A-Z]/.test(n) ? n : `T${n}`;
};

export function toQuestionnaire(inst: Instrument): Questionnaire {
  return {
    resourceType: 'Questionnaire',
    id: questionnaireId(inst.id, inst.version),
    url: questionnaireUrl(inst),
    version: inst.version,
    name: computableName(inst.id),
    title: inst.title,
    status: 'active',
    description: `${inst.title}, as published in ${inst.source}. Encoded by CSE Screen; the source document is the authority.`,
    item: inst.sections.map((s) => ({
      linkId: `section:${s.id}`,
      text: s.title,
      type: 'group',
      item: s.items.map((i) => questionnaireItem(inst, i)),
    })),
  };
}

/**
 * A local date-time as the form takes it (YYYY-MM-DDTHH:MM, on the device's clock) as a FHIR dateTime, which
 * needs seconds and an offset once it has a time: the offset of the device's time zone at that moment.
 * Undefined when it cannot be read (the answer then travels as typed, a string, rather than be lost).
 */
export function fhirDateTime(s: string, timezone: string | undefined): string | undefined {
  if (/^\d{4}(-\d{2}(-\d{2})?)?$/.test(s)) return s;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s)) return s;
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2})?$/.exec(s);
  if (!m) return undefined;
  const local = `${m[1]}T${m[2]}${m[3] ?? ':00'}`;
  const offset = zoneOffset(local, timezone);
  return offset === undefined ? undefined : `${local}${offset}`;
}

/** The offset (+01:00) of an IANA time zone at a local wall-clock time; undefined for an unknown zone. */
function zoneOffset(local: string, timezone: string | undefined): string | undefined {
  const asUtc = Date.parse(`${local}Z`);
  if (Number.isNaN(asUtc)) return undefined;
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-GB', { timeZone: timezone || 'UTC', timeZoneName: 'longOffset' });
  } catch {
    return undefined;
  }
  const minutesAt = (t: number): number => {
    const name = fmt.formatToParts(new Date(t)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    const o = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
    return o ? (o[1] === '-' ? -1 : 1) * (Number(o[2]) * 60 + Number(o[3])) : 0;
  };
  // The offset at the instant the wall-clock time names (checked once more across a clock change).
  let minutes = minutesAt(asUtc);
  minutes = minutesAt(asUtc - minutes * 60_000);
  const a = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/** The tool's own code system for an item's options. */
const systemOf = (inst: Instrument, item: Item): string => `${questionnaireUrl(inst)}:${item.id}`;

function answers(inst: Instrument, item: Item, v: AnswerValue, timezone: string): QuestionnaireResponseItemAnswer[] {
  switch (item.kind) {
    case 'choice':
    case 'multi': {
      const values = typeof v === 'string' ? [v] : (v as string[]);
      return values.map((x) => {
        const o = item.options.find((opt) => opt.value === x);
        return { valueCoding: { system: systemOf(inst, item), code: x, ...(o ? { display: o.label } : {}) } };
      });
    }
    case 'number': {
      const n = typeof v === 'number' ? v : Number(v);
      if (!Number.isFinite(n)) return [];
      return [item.integer && Number.isInteger(n) ? { valueInteger: n } : { valueDecimal: n }];
    }
    case 'date': {
      const s = String(v);
      if (item.precision === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(s)) return [{ valueDate: s }];
      const dt = fhirDateTime(s, timezone);
      return [dt ? { valueDateTime: dt } : { valueString: s }]; // kept as typed rather than lost
    }
    case 'text':
      return [{ valueString: String(v) }];
    case 'repeat':
      return []; // repeats are groups: see responseItems
  }
}

function responseItems(
  inst: Instrument,
  raw: Record<string, AnswerValue>,
  timezone: string,
): QuestionnaireResponseItem[] {
  const out: QuestionnaireResponseItem[] = [];
  for (const s of inst.sections) {
    const items: QuestionnaireResponseItem[] = [];
    for (const item of s.items) {
      const v = raw[item.id];
      if (v === undefined || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0))
        continue;
      if (item.kind === 'repeat') {
        for (const entry of v as Record<string, string>[]) {
          const fields = item.fields
            .filter((f) => (entry[f.id] ?? '') !== '')
            .map((f) => {
              const typed = f.shape === 'datetime' ? fhirDateTime(entry[f.id]!, timezone) : undefined;
              return {
                linkId: `${item.id}.${f.id}`,
                text: f.label,
                answer: [typed ? { valueDateTime: typed } : { valueString: entry[f.id]! }],
              };
            });
          if (fields.length) items.push({ linkId: item.id, text: item.text, item: fields });
        }
        continue;
      }
      const a = answers(inst, item, v, timezone);
      if (a.length) items.push({ linkId: item.id, text: item.text, answer: a });
    }
    if (items.length) out.push({ linkId: `section:${s.id}`, text: s.title, item: items });
  }
  return out;
}

function subjectOf(childRef: string): Reference {
  return { identifier: { system: CHILD_REF_SYSTEM, value: childRef }, display: `Child reference ${childRef}` };
}

/** An ISO instant as FHIR's dateTime/instant (seconds and an offset). */
const instant = (s: string): string => (Number.isNaN(Date.parse(s)) ? s : new Date(s).toISOString());

/**
 * The entries of one referral: its QuestionnaireResponse, then a RiskAssessment (a screening) or a
 * Communication (an information report) that points to it. `inst` is this server's tool (undefined when it
 * no longer knows it: the response then carries no items, the referral is still exported).
 */
export function referralEntries({ stored, row, server }: ExportItem, inst: Instrument | undefined): BundleEntry[] {
  const b = stored.body;
  const qrId = uuidOf(b.id);
  const report = b.kind === 'information-report';
  const qr: QuestionnaireResponse = {
    resourceType: 'QuestionnaireResponse',
    id: qrId,
    identifier: { system: SUBMISSION_SYSTEM, value: b.id },
    questionnaire: `${SYSTEM}:instrument:${b.instrument.id}|${b.instrument.version}`,
    status: b.result.complete ? 'completed' : 'in-progress',
    ...(report ? {} : { subject: subjectOf(b.childRef) }),
    authored: instant(b.device.time),
    author: { display: `${b.author.name}, ${b.author.role}, ${b.author.organisation}` },
    ...(inst ? { item: responseItems(inst, b.answers as Record<string, AnswerValue>, b.device.timezone) } : {}),
  };
  const title = inst ? `${inst.title}, version ${b.instrument.version} (${inst.source})` : b.instrument.id;
  const safety = row.safety.map((text) => ({ text }));
  if (report) {
    const communication: Communication = {
      resourceType: 'Communication',
      id: nameUuid(`communication:${b.id}`),
      identifier: [{ system: SUBMISSION_SYSTEM, value: b.id }],
      status: 'completed',
      category: [{ text: 'Information report' }],
      topic: { text: title },
      sent: instant(b.device.time),
      received: instant(stored.receivedAt),
      sender: { display: `${b.author.name}, ${b.author.role}, ${b.author.organisation}` },
      ...(row.areaTeam ? { recipient: [{ display: row.areaTeam }] } : {}),
      payload: [{ contentReference: { reference: `urn:uuid:${qrId}`, display: 'The report as recorded' } }],
      ...(safety.length ? { note: safety } : {}),
    };
    return [entryOf(qr), entryOf(communication)];
  }
  const notes = [
    ...(server?.ambiguities ?? []).map((text) => ({ text: `Where the source is unclear: ${text}` })),
    ...(row.disagreement
      ? [
          {
            text: `The device's result differs from the server's: device "${b.result.level ?? 'no level'}" (total ${b.result.total ?? '—'}), server "${server?.level ?? 'no level'}" (total ${server?.total ?? '—'}).`,
          },
        ]
      : []),
    ...safety,
    { text: 'Scoring informs professional judgement; it never replaces it.' },
  ];
  const rationale = (server?.reasons ?? []).join(' ');
  const ra: RiskAssessment = {
    resourceType: 'RiskAssessment',
    id: nameUuid(`risk-assessment:${b.id}`),
    identifier: [{ system: SUBMISSION_SYSTEM, value: b.id }],
    status: server?.complete ? 'final' : 'preliminary',
    method: { text: title },
    subject: subjectOf(b.childRef),
    occurrenceDateTime: instant(b.device.time),
    performer: { display: `${b.author.name}, ${b.author.role}` },
    basis: [{ reference: `urn:uuid:${qrId}` }],
    prediction: [
      {
        outcome: { text: server?.level ?? (server?.complete === false ? 'Not complete: no outcome' : 'No outcome') },
        ...(server?.level ? { qualitativeRisk: { text: server.level } } : {}),
        ...(rationale ? { rationale } : {}),
      },
    ],
    note: notes,
  };
  return [entryOf(qr), entryOf(ra)];
}

/**
 * The Questionnaire a response names (url|version). This server's definition when the version is its own;
 * for an earlier version, whose items it no longer holds, a Questionnaire that says so (status unknown),
 * so the canonical still resolves within the Bundle and no version is passed off as another.
 */
export function questionnaireEntry(instrumentId: string, version: string, inst: Instrument | undefined): BundleEntry {
  if (inst && inst.version === version) return entryOf(toQuestionnaire(inst));
  const q: Questionnaire & { id: string } = {
    resourceType: 'Questionnaire',
    id: questionnaireId(instrumentId, version),
    url: `${SYSTEM}:instrument:${instrumentId}`,
    version,
    title: inst?.title ?? instrumentId,
    status: 'unknown',
    description: inst
      ? `${inst.title}, version ${version}: an earlier version than this server's (${inst.version}), whose items it does not hold.`
      : `A tool this server no longer holds (${instrumentId}, version ${version}).`,
  };
  return entryOf(q);
}

/** The Bundle's opening, up to the first entry; entries follow as JSON joined by commas, then BUNDLE_CLOSE. */
export const bundleOpen = (at: Date): string =>
  `{"resourceType":"Bundle","type":"collection","timestamp":${JSON.stringify(at.toISOString())},"entry":[`;
export const BUNDLE_CLOSE = ']}\n';
