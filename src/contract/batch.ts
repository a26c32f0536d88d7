// The batch: many queued submissions in one signed request, so draining a full
// outbox costs one device proof, one round trip and one database transaction
// per batch rather than per submission. Shared by the app's sender and the
// endpoint, like the submission schema. Each item is answered on its own,
// exactly as the single POST would have answered it (status, receipt or
// error): a bad item never sinks the others, and a repeat is still stored once.
import * as v from 'valibot';
import { MAX_SUBMISSION_BYTES } from './submission.ts';

/** Submissions in one batch at most. */
export const MAX_BATCH_ITEMS = 50;
/** Largest batch body the endpoint accepts; the sender packs under it. */
export const MAX_BATCH_BYTES = 2 * 1024 * 1024;
/** An item this large goes on its own (the single POST), never in a batch. */
export const BATCH_ITEM_MAX_BYTES = MAX_SUBMISSION_BYTES;
/** The batch address beside a submissions address: …/api/submissions → …/api/submissions/batch. */
export function batchUrl(submissionsUrl: string): string {
  return `${submissionsUrl.replace(/\/+$/, '')}/batch`;
}

const BatchItemSchema = v.strictObject({
  /** The submission id: the item's Idempotency-Key. */
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  type: v.picklist(['application/jose', 'application/json']),
  /** The sealed JWE (or the JSON text) exactly as the single POST would carry it. */
  body: v.pipe(v.string(), v.maxLength(BATCH_ITEM_MAX_BYTES)),
});

export const BatchSchema = v.strictObject({
  submissions: v.pipe(
    v.array(BatchItemSchema),
    v.minLength(1, 'a batch holds at least one submission'),
    v.maxLength(MAX_BATCH_ITEMS, `a batch holds at most ${MAX_BATCH_ITEMS} submissions`),
  ),
});

export type BatchItem = v.InferOutput<typeof BatchItemSchema>;

/** One item's answer: the status and body the single POST would have given. */
export interface BatchItemResult {
  id: string;
  status: number;
  receipt?: string;
  receivedAt?: string;
  level?: string | null;
  deviceLevel?: string | null;
  disagreement?: string | null;
  duplicate?: boolean;
  error?: { code: string; message: string };
  /** Seconds, with a 429 (the daily quota). */
  retryAfter?: number;
}

export interface BatchResponse {
  results: BatchItemResult[];
}
