// Valibot schema for instrument definitions. Every definition is checked
// against it when the catalogue loads, so a malformed module fails loudly at
// start-up (and in the tests) rather than mis-scoring a child later.
import * as v from 'valibot';
import type { Instrument } from './types.ts';

const seedFile = v.pipe(v.string(), v.regex(/^\d{3}_[0-9a-f]{16}\.txt$/, 'a seed file name'));

export const SourceRefSchema = v.pipe(
  v.object({
    file: seedFile,
    line: v.pipe(v.number(), v.integer(), v.minValue(1)),
    endLine: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  }),
  v.check((s) => s.endLine === undefined || s.endLine >= s.line, 'endLine must not precede line'),
);

const id = v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9.-]*$/, 'a lower-case id'));
const text = v.pipe(v.string(), v.minLength(1));
const sourced = v.object({ text, src: SourceRefSchema });

const OptionSchema = v.object({
  value: v.pipe(v.string(), v.minLength(1)),
  label: text,
  score: v.optional(v.number()),
  src: SourceRefSchema,
  sourceText: v.optional(text),
  appAdded: v.optional(text),
});

const base = {
  id,
  text,
  required: v.boolean(),
  src: SourceRefSchema,
  sourceText: v.optional(text),
  help: v.optional(text),
  appAdded: v.optional(text),
  sensitive: v.optional(v.boolean()),
  askedWhen: v.optional(v.object({ item: id, values: v.optional(v.array(v.string())) })),
};

const options = v.pipe(
  v.array(OptionSchema),
  v.minLength(1),
  v.check((os) => new Set(os.map((o) => o.value)).size === os.length, 'option values must be unique'),
);

const ItemSchema = v.variant('kind', [
  v.object({ ...base, kind: v.literal('choice'), options }),
  v.object({ ...base, kind: v.literal('multi'), options }),
  v.pipe(
    v.object({ ...base, kind: v.literal('number'), min: v.number(), max: v.number(), integer: v.boolean() }),
    v.check((n) => n.min < n.max, 'min must be below max'),
  ),
  v.object({ ...base, kind: v.literal('text'), multiline: v.optional(v.boolean()) }),
  v.object({ ...base, kind: v.literal('date'), precision: v.picklist(['date', 'datetime']) }),
  v.object({
    ...base,
    kind: v.literal('repeat'),
    entry: text,
    max: v.pipe(v.number(), v.integer(), v.minValue(1)),
    fields: v.pipe(
      v.array(
        v.object({
          id,
          label: text,
          shape: v.optional(v.picklist(['uk-registration', 'phone', 'datetime'])),
          shapeWhen: v.optional(v.object({ field: v.string(), equals: v.string() })),
          options: v.optional(v.array(v.object({ value: v.string(), label: text }))),
          src: v.optional(SourceRefSchema),
        }),
      ),
      v.minLength(1),
    ),
  }),
]);

const SectionSchema = v.object({
  id,
  title: text,
  src: SourceRefSchema,
  sourceText: v.optional(text),
  note: v.optional(sourced),
  items: v.array(ItemSchema),
});

const BandSchema = v.object({
  label: text,
  min: v.number(),
  max: v.optional(v.number()),
  severity: v.number(),
  src: SourceRefSchema,
  notes: v.optional(v.array(sourced)),
});

const ContactSchema = v.object({
  name: text,
  phone: v.optional(v.pipe(v.string(), v.regex(/^[0-9 +]+$/, 'a phone number'))),
  email: v.optional(v.pipe(v.string(), v.email())),
  note: v.optional(text),
  src: SourceRefSchema,
});

export const NextStepSchema = v.object({
  id,
  kind: v.picklist(['emergency', 'warning', 'referral', 'information-report', 'assessment', 'advice', 'note']),
  text,
  contacts: v.array(ContactSchema),
  src: v.optional(SourceRefSchema),
  appAdded: v.optional(text),
  within: v.optional(text),
  sourceText: v.optional(text),
});

const appWording = v.object({ label: text, appWording: v.literal(true) });

const ScoringSchema = v.variant('rule', [
  v.object({
    rule: v.literal('sum-and-band'),
    items: v.pipe(v.array(id), v.minLength(1)),
    subtotals: v.array(v.object({ id, label: text, items: v.array(id), src: SourceRefSchema })),
    totalLabel: text,
    totalSrc: SourceRefSchema,
    statedRange: v.optional(v.object({ min: v.number(), max: v.number(), src: SourceRefSchema })),
    bands: v.pipe(v.array(BandSchema), v.minLength(1)),
    alsoBandSubtotal: v.optional(id),
    floors: v.optional(
      v.array(
        v.object({
          itemId: id,
          below: v.number(),
          minSeverity: v.number(),
          text,
          src: SourceRefSchema,
          ifAnyAboveLowest: v.optional(v.array(id)),
        }),
      ),
    ),
  }),
  v.object({
    rule: v.literal('indicator-threshold'),
    tiers: v.array(v.object({ id, label: text, items: v.array(id), src: SourceRefSchema })),
    tickedValues: v.array(v.string()),
    triggers: v.array(v.object({ tier: id, atLeast: v.pipe(v.number(), v.integer(), v.minValue(1)) })),
    ruleText: sourced,
    met: v.object({ label: text, src: SourceRefSchema }),
    notMet: appWording,
  }),
  v.object({
    rule: v.literal('highest-category'),
    categories: v.array(v.object({ id, label: text, description: text, severity: v.number(), src: SourceRefSchema })),
    groups: v.array(
      v.object({
        id,
        label: text,
        items: v.array(id),
        tickedValues: v.array(v.string()),
        candidates: v.pipe(v.array(id), v.minLength(1)),
        src: SourceRefSchema,
      }),
    ),
    ruleText: sourced,
    none: appWording,
    decision: v.optional(v.object({ itemId: id, reasonItemId: id })),
  }),
  v.object({ rule: v.literal('checklist'), tickedValues: v.array(v.string()), outcome: appWording }),
]);

export const InstrumentSchema = v.object({
  id,
  version: v.pipe(v.string(), v.regex(/^\d+\.\d+\.\d+$/, 'a semantic version')),
  title: text,
  source: seedFile,
  region: v.picklist(['greater-manchester', 'bury', 'sandwell', 'northamptonshire', 'bristol']),
  kind: v.picklist([
    'screening',
    'indicator-checklist',
    'risk-measurement',
    'information-report',
    'information-sharing',
    'front-door-question',
  ]),
  audience: v.object({ who: sourced, when: sourced }),
  settings: v.array(v.picklist(['medical', 'school', 'youth-work', 'social-care', 'police'])),
  restriction: v.optional(sourced),
  sections: v.pipe(v.array(SectionSchema), v.minLength(1)),
  scoring: ScoringSchema,
  notes: v.array(sourced),
  ambiguities: v.array(v.object({ id, text, reading: text, src: v.array(SourceRefSchema) })),
  referencedNotReproduced: v.array(sourced),
  routing: v.optional(
    v.object({
      itemId: id,
      teams: v.array(
        v.object({
          value: v.string(),
          area: text,
          team: v.optional(text),
          email: v.pipe(v.string(), v.email()),
          phone: v.optional(v.string()),
          src: SourceRefSchema,
        }),
      ),
    }),
  ),
  actions: v.array(
    v.object({
      minSeverity: v.optional(v.number()),
      maxSeverity: v.optional(v.number()),
      step: NextStepSchema,
    }),
  ),
});

/** Checks a definition's shape and its internal references (ids unique, rule items exist). */
export function validateInstrument(def: unknown): Instrument {
  const parsed = v.safeParse(InstrumentSchema, def);
  if (!parsed.success) {
    const where = (def as { id?: string })?.id ?? '(unknown instrument)';
    const first = parsed.issues[0];
    const path = first?.path?.map((p) => String(p.key)).join('.') ?? '';
    throw new Error(`Instrument ${where} is malformed at ${path}: ${first?.message}`);
  }
  const inst = parsed.output as Instrument;
  const items = inst.sections.flatMap((s) => s.items);
  const ids = new Set<string>();
  for (const item of items) {
    if (ids.has(item.id)) throw new Error(`Instrument ${inst.id}: item id ${item.id} is used twice`);
    ids.add(item.id);
  }
  for (const ref of referencedItems(inst)) {
    if (!ids.has(ref)) throw new Error(`Instrument ${inst.id}: scoring names item ${ref}, which does not exist`);
  }
  return inst;
}

function referencedItems(inst: Instrument): string[] {
  const s = inst.scoring;
  switch (s.rule) {
    case 'sum-and-band':
      return [...s.items, ...s.subtotals.flatMap((t) => t.items), ...(s.floors ?? []).map((f) => f.itemId)];
    case 'indicator-threshold':
      return s.tiers.flatMap((t) => t.items);
    case 'highest-category':
      return [...s.groups.flatMap((g) => g.items), ...(s.decision ? [s.decision.itemId, s.decision.reasonItemId] : [])];
    case 'checklist':
      return [];
  }
}
