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
  v.pipe(v.array(v.record(v.pipe(v.string(), v.maxLength(100)), v.pipe(v.string(), v.maxLength(2000)))), v.maxLength(50)),
]);

const ResultSchema = v.object({
  instrument: v.string(),
  version: v.string(),
  complete: v.boolean(),
  missing: v.array(v.string()),
  level: v.optional(v.string()),
  severity: v.optional(v.number()),
  total: v.optional(v.number()),
  bands: v.array(v.string()),
  ambiguities: v.array(v.string()),
  reasons: v.array(v.string()),
});

export const AuthorSchema = v.object({
  name: v.pipe(shortText(200), v.minLength(1, 'the author\'s name is required')),
  role: shortText(200),
  organisation: shortText(200),
  contact: shortText(300),
});

export const SubmissionSchema = v.object({
  schema: v.literal(SUBMISSION_SCHEMA),
  /** Made on the device; also the Idempotency-Key. */
  id: uuid,
  kind: v.picklist(['assessment', 'information-report']),
  instrument: v.object({ id: shortText(100), version: shortText(20) }),
  /** The practitioner's reference for the child, linking re-assessments. */
  childRef: shortText(100),
  /** Set on a re-assessment: the submission id of the record it follows. */
  previousId: v.optional(uuid),
  answers: v.record(shortText(100), AnswerValueSchema),
  // Unknown keys (notes, next steps) are allowed in the body and ignored by the check.
  result: ResultSchema,
  // (routing is below, shared with the result's own routing)
  author: AuthorSchema,
  device: v.object({
    time: v.pipe(v.string(), v.isoTimestamp('an ISO timestamp')),
    timezone: shortText(100),
  }),
  app: v.object({ version: shortText(40) }),
  /** Where an information report is routed (the area team), when it has one. */
  routing: v.optional(v.object({ area: shortText(100), team: v.optional(shortText(200)), email: v.optional(shortText(200)) })),
});

export type Submission = v.InferOutput<typeof SubmissionSchema>;
export type Author = v.InferOutput<typeof AuthorSchema>;

/** The first problem with a would-be submission, in words, or undefined if it is valid. */
export function submissionProblem(input: unknown): string | undefined {
  const r = v.safeParse(SubmissionSchema, input);
  if (r.success) return undefined;
  const issue = r.issues[0]!;
  const path = issue.path?.map((p) => String(p.key)).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}
