// FHIR R4 export for health partners: one Bundle (type "collection") with,
// for each referral, a QuestionnaireResponse (the answers as recorded) and a
// RiskAssessment (the server's outcome in the tool's words, with its basis),
// and, once per instrument, the instrument as a Questionnaire, which the
// responses point to by canonical URL. There is no Patient: the child is named
// only by the practitioner's reference, as an identifier.
import type {
  Bundle,
  BundleEntry,
  Questionnaire,
  QuestionnaireItem,
  QuestionnaireResponse,
  QuestionnaireResponseItem,
  QuestionnaireResponseItemAnswer,
  Reference,
  RiskAssessment,
} from 'fhir/r4';
import type { AnswerValue, Instrument, Item } from '../domain/index.ts';
import { getInstrument } from '../domain/index.ts';
import type { ExportItem } from './export-csv.ts';
import { answerText } from './export-csv.ts';

export const SYSTEM = 'urn:cse-screen';
export const CHILD_REF_SYSTEM = `${SYSTEM}:child-reference`;
export const SUBMISSION_SYSTEM = `${SYSTEM}:submission-id`;

export const questionnaireUrl = (inst: Instrument): string => `${SYSTEM}:instrument:${inst.id}`;
const fhirId = (s: string): string => s.replace(/[^A-Za-z0-9\-.]/g, '-').slice(0, 64);

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
        item: item.fields.map((f) => ({ linkId: `${item.id}.${f.id}`, text: f.label, type: 'string' as const })),
      };
  }
}

export function toQuestionnaire(inst: Instrument): Questionnaire {
  return {
    resourceType: 'Questionnaire',
    id: fhirId(`${inst.id}-${inst.version}`),
    url: questionnaireUrl(inst),
    version: inst.version,
    name: inst.id.replace(/[^A-Za-z0-9]/g, '_'),
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

function answers(inst: Instrument, item: Item, v: AnswerValue): QuestionnaireResponseItemAnswer[] {
  switch (item.kind) {
    case 'choice':
    case 'multi': {
      const values = typeof v === 'string' ? [v] : (v as string[]);
      return values.map((x) => {
        const o = item.options.find((opt) => opt.value === x);
        return {
          valueCoding: { system: `${questionnaireUrl(inst)}:${item.id}`, code: x, ...(o ? { display: o.label } : {}) },
        };
      });
    }
    case 'number': {
      const n = typeof v === 'number' ? v : Number(v);
      return Number.isFinite(n) ? [item.integer ? { valueInteger: n } : { valueDecimal: n }] : [];
    }
    case 'date': {
      const s = String(v);
      if (item.precision === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(s)) return [{ valueDate: s }];
      if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s)) return [{ valueDateTime: s }];
      return [{ valueString: s }]; // kept as typed rather than lost
    }
    case 'text':
      return [{ valueString: String(v) }];
    case 'repeat':
      return []; // repeats are groups: see responseItems
  }
}

function responseItems(inst: Instrument, raw: Record<string, AnswerValue>): QuestionnaireResponseItem[] {
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
            .map((f) => ({ linkId: `${item.id}.${f.id}`, text: f.label, answer: [{ valueString: entry[f.id]! }] }));
          if (fields.length) items.push({ linkId: item.id, text: item.text, item: fields });
        }
        continue;
      }
      const a = answers(inst, item, v);
      if (a.length) items.push({ linkId: item.id, text: item.text, answer: a });
    }
    if (items.length) out.push({ linkId: `section:${s.id}`, text: s.title, item: items });
  }
  return out;
}

function subjectOf(childRef: string): Reference {
  return { identifier: { system: CHILD_REF_SYSTEM, value: childRef }, display: `Child reference ${childRef}` };
}

export function toBundle(list: ExportItem[], at = new Date()): Bundle {
  const entries: BundleEntry[] = [];
  const instruments = new Map<string, Instrument>();
  for (const { stored, row, server } of list) {
    const b = stored.body;
    const inst = getInstrument(b.instrument.id);
    if (!inst) continue;
    instruments.set(inst.id, inst);
    const qrUrl = `urn:uuid:${b.id}`;
    const qr: QuestionnaireResponse = {
      resourceType: 'QuestionnaireResponse',
      id: b.id,
      identifier: { system: SUBMISSION_SYSTEM, value: b.id },
      questionnaire: `${questionnaireUrl(inst)}|${b.instrument.version}`,
      status: b.result.complete ? 'completed' : 'in-progress',
      subject: subjectOf(b.childRef),
      authored: b.device.time,
      author: { display: `${b.author.name}, ${b.author.role}, ${b.author.organisation}` },
      item: responseItems(inst, b.answers as Record<string, AnswerValue>),
    };
    entries.push({ fullUrl: qrUrl, resource: qr });
    const notes = [
      ...(server?.ambiguities ?? []).map((text) => ({ text: `Where the source is unclear: ${text}` })),
      ...(row.disagreement
        ? [
            {
              text: `The device's result differs from the server's: device "${b.result.level ?? 'no level'}" (total ${b.result.total ?? '—'}), server "${server?.level ?? 'no level'}" (total ${server?.total ?? '—'}).`,
            },
          ]
        : []),
      ...row.safety.map((text) => ({ text })),
      { text: 'Scoring informs professional judgement; it never replaces it.' },
    ];
    const ra: RiskAssessment = {
      resourceType: 'RiskAssessment',
      id: fhirId(`ra-${b.id}`),
      status: server?.complete ? 'final' : 'preliminary',
      method: { text: `${inst.title}, version ${inst.version} (${inst.source})` },
      subject: subjectOf(b.childRef),
      occurrenceDateTime: b.device.time,
      performer: { display: `${b.author.name}, ${b.author.role}` },
      basis: [{ reference: qrUrl }],
      prediction: [
        {
          outcome: { text: server?.level ?? (server?.complete === false ? 'Not complete: no outcome' : 'No outcome') },
          ...(server?.level ? { qualitativeRisk: { text: server.level } } : {}),
          rationale: (server?.reasons ?? []).join(' '),
        },
      ],
      note: notes,
    };
    entries.push({ fullUrl: `${SYSTEM}:risk-assessment:${b.id}`, resource: ra });
  }
  for (const inst of instruments.values())
    entries.unshift({ fullUrl: questionnaireUrl(inst), resource: toQuestionnaire(inst) });
  return { resourceType: 'Bundle', type: 'collection', timestamp: at.toISOString(), entry: entries };
}

export { answerText };
