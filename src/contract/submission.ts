// The submission: what the device sends and the endpoint stores. One
// versioned valibot schema, shared by the app and the reference endpoint, so
// both sides agree on exactly what is valid.
import * as v from 'valibot';

export const SUBMISSION_SCHEMA = 'cse-screen.submission/1';
/** Largest request body the endpoint accepts. */
export const MAX_SUBMISSION_BYTES = 256 * 1024;

const uuid = v.pipe(v.string(), v.uuid('a UUID'));
const shortText = (max: number) => v.pipe(v.string(), v.maxLength(max));

const AnswerValueSchema = v.union([
  v.pipe(v.string(), v.maxLength(20_000)),
  v.number(),
  v.pipe(v.array(v.pipe(v.string(), v.maxLength(200))), v.maxLength(100)),
  // Repeatable entries (persons, vehicles…): a list of field → text.
  v.pipe(
    v.array(v.record(v.pipe(v.string(), v.maxLength(100)), v.pipe(v.string(), v.maxLength(2000)))),
    v.maxLength(50),
  ),
]);

const textList = (items: number, chars: number) => v.pipe(v.array(shortText(chars)), v.maxLength(items));

// The device's result is its claim, kept beside the endpoint's own re-score.
// Its other keys (notes, next steps, subtotals) are dropped, never stored.
const ResultSchema = v.object({
  instrument: shortText(100),
  version: shortText(20),
  complete: v.boolean(),
  // Set when the answers so far already decide the outcome (a level on an incomplete form).
  decided: v.optional(v.boolean()),
  levelBy: v.optional(v.picklist(['app', 'practitioner'])),
  missing: textList(500, 100),
  level: v.optional(shortText(200)),
  severity: v.optional(v.number()),
  total: v.optional(v.number()),
  bands: textList(50, 200),
  ambiguities: textList(100, 2000),
  reasons: textList(200, 2000),
});

export const AuthorSchema = v.strictObject({
  name: v.pipe(shortText(200), v.minLength(1, "the author's name is required")),
  role: shortText(200),
  organisation: shortText(200),
  contact: shortText(300),
});

// Objects are strict: an unknown field is refused (400) by name, never stored.
export const SubmissionSchema = v.strictObject({
  schema: v.literal(SUBMISSION_SCHEMA),
  /** Made on the device; also the Idempotency-Key. */
  id: uuid,
  kind: v.picklist(['assessment', 'information-report']),
  instrument: v.strictObject({ id: shortText(100), version: shortText(20) }),
  /** The practitioner's reference for the child, linking re-assessments. */
  childRef: shortText(100),
  /** Set on a re-assessment: the submission id of the record it follows. */
  previousId: v.optional(uuid),
  answers: v.record(shortText(100), AnswerValueSchema),
  result: ResultSchema,
  // (routing is below, shared with the result's own routing)
  author: AuthorSchema,
  device: v.strictObject({
    time: v.pipe(v.string(), v.isoTimestamp('an ISO timestamp')),
    timezone: shortText(100),
  }),
  app: v.strictObject({ version: shortText(40) }),
  /** Where an information report is routed (the area team), when it has one. */
  routing: v.optional(
    v.strictObject({ area: shortText(100), team: v.optional(shortText(200)), email: v.optional(shortText(200)) }),
  ),
});

export type Submission = v.InferOutput<typeof SubmissionSchema>;

export type Author = v.InferOutput<typeof AuthorSchema>;

/**
 * A schema problem in words: where (the field path) and what was expected,
 * never what was sent. valibot's messages end "but received <the value>",
 * which could be a child's name typed into the wrong field: that part is cut.
 * A key is named only when it is one of the schema's own field names (`known`):
 * an unknown key, or a key of a free record (the answers' item ids), could be
 * any text, so it is "an unknown field" or "…".
 */
export function issueText(issues: readonly v.BaseIssue<unknown>[], known: ReadonlySet<string>): string {
  const issue = issues[0]!;
  const path = issue.path ?? [];
  const unknownKey = path.at(-1)?.origin === 'key';
  const where = (unknownKey ? path.slice(0, -1) : path).map((p) =>
    typeof p.key === 'number' ? String(p.key) : known.has(String(p.key)) ? String(p.key) : '…',
  );
  const message = unknownKey
    ? 'a field this version does not have'
    : issue.message.replace(/ but received [\s\S]*$/, '');
  return where.length ? `${where.join('.')}: ${message}` : message;
}

/** Every field name a valibot schema declares, nested objects, arrays and unions included. */
export function fieldNames(schema: unknown, into = new Set<string>()): Set<string> {
  const s = schema as {
    entries?: Record<string, unknown>;
    wrapped?: unknown;
    item?: unknown;
    options?: unknown;
    value?: unknown;
  };
  if (!s || typeof s !== 'object') return into;
  for (const [k, e] of Object.entries(s.entries ?? {})) {
    into.add(k);
    fieldNames(e, into);
  }
  for (const inner of [s.wrapped, s.item, s.value]) fieldNames(inner, into);
  if (Array.isArray(s.options)) for (const o of s.options) fieldNames(o, into);
  return into;
}

/** Field names of the submission schema: the only keys a refusal may name. */
export const SUBMISSION_FIELDS: ReadonlySet<string> = fieldNames(SubmissionSchema);
