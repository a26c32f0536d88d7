// What a stored row must look like to be shown. Every read of a row passes
// through the encryption middleware, which decrypts it and checks it against
// these schemas; a row that fails either step comes back marked `_damage`
// (with the reason in words) instead of blanking a screen or stopping a list.
// Loose objects: fields added by later versions pass through untouched.
import * as v from 'valibot';

const time = v.pipe(v.number(), v.finite());
const text = v.string();

const ANSWER = v.union([v.string(), v.number(), v.array(v.string()), v.array(v.record(v.string(), v.unknown()))]);

const RESULT = v.looseObject({
  instrument: text,
  version: text,
  complete: v.boolean(),
  missing: v.array(text),
  level: v.optional(text),
  bands: v.array(text),
  ambiguities: v.array(text),
  reasons: v.array(text),
  notes: v.array(text),
  nextSteps: v.array(v.looseObject({})),
});

const RECORD = v.pipe(
  v.looseObject({
    id: text,
    instrumentId: text,
    instrumentVersion: text,
    state: v.picklist(['draft', 'final']),
    childRef: text,
    answers: v.record(v.string(), ANSWER),
    section: v.pipe(v.number(), v.integer(), v.minValue(0)),
    sectionId: v.optional(text),
    factsLast: v.optional(v.boolean()),
    pageUnknown: v.optional(v.boolean()),
    createdAt: time,
    updatedAt: time,
    finalisedAt: v.optional(time),
    result: v.optional(RESULT),
    previousId: v.optional(text),
    purgedAt: v.optional(time),
  }),
  v.check(
    (r) => r.state !== 'final' || r.result !== undefined || r.purgedAt !== undefined,
    'a finished record without its result',
  ),
);

/** `state` is any text here: a state this version does not know is shown as such, never treated as damage or hidden. */
const OUTBOX = v.looseObject({
  id: text,
  recordId: text,
  state: text,
  payload: v.string('the payload is not text, so it cannot be sent'),
  contentType: text,
  attempts: v.number(),
  createdAt: time,
  nextAttemptAt: time,
});

const META = v.looseObject({ key: text });

export const ROW_SCHEMAS: Record<string, v.GenericSchema> = { records: RECORD, outbox: OUTBOX, meta: META };

/** Why `row` does not fit its table's schema, in words, or undefined when it does. */
export function rowProblem(table: string, row: unknown): string | undefined {
  const schema = ROW_SCHEMAS[table];
  if (!schema) return undefined;
  const r = v.safeParse(schema, row);
  if (r.success) return undefined;
  const issue = r.issues[0]!;
  const path = issue.path?.map((p) => String(p.key)).join('.');
  return `${path ? `${path}: ` : ''}${issue.message}`;
}
