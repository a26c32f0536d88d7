// What the receiver makes of a submission, apart from HTTP: open the JWE,
// parse, validate against the app's own schema (unknown fields refused), and
// re-score with the app's own engine. The server's level is the one stored
// and listed; the device's claim is kept beside it, a disagreement flagged.
import { compactDecrypt } from 'jose';
import * as v from 'valibot';
import { score } from '../../engine/score.ts';
import { getInstrument } from '../../instruments/catalogue.ts';
import { type BatchItem, BatchSchema, MAX_BATCH_ITEMS } from '../../sync/batch.ts';
import { type Submission, SubmissionSchema, issueText, screenedOn } from '../../sync/submission.ts';
import type { NewSubmission } from '../store/receiver-store.ts';

export class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Compares the device's result with the endpoint's own scoring; null when they agree. */
export function disagreement(sub: Submission, ours: ReturnType<typeof score>, endpointVersion: string): string | null {
  const theirs = sub.result;
  const diffs: string[] = [];
  if (sub.instrument.version !== endpointVersion) diffs.push(`device used version ${sub.instrument.version}, endpoint has ${endpointVersion}`);
  if (ours.complete !== theirs.complete) diffs.push(`complete: device ${theirs.complete}, endpoint ${ours.complete}`);
  if ((ours.level ?? null) !== (theirs.level ?? null)) diffs.push(`level: device "${theirs.level ?? '—'}", endpoint "${ours.level ?? '—'}"`);
  if ((ours.total ?? null) !== (theirs.total ?? null)) diffs.push(`total: device ${theirs.total ?? '—'}, endpoint ${ours.total ?? '—'}`);
  return diffs.length ? diffs.join('; ') : null;
}

/** JSON.parse with a depth guard first: nothing nests deeper than 8 in a valid submission. */
function parseBounded(raw: string): unknown {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > 16) throw new Refusal(400, 'too-deep', 'The body nests deeper than any submission can.');
    } else if (c === 125 || c === 93) depth--;
  }
  try {
    return JSON.parse(raw);
  } catch {
    // Never echo the parser's message: it quotes the body.
    throw new Refusal(400, 'invalid-json', 'The body is not valid JSON.');
  }
}

export interface Accepted {
  submission: Submission;
  row: Omit<NewSubmission, 'deviceId'>;
}

export async function openSealed(raw: string, privateKey: CryptoKey): Promise<string> {
  try {
    return new TextDecoder().decode((await compactDecrypt(raw.trim(), privateKey)).plaintext);
  } catch {
    throw new Refusal(400, 'invalid-jwe', "The sealed submission could not be decrypted with this endpoint's key.");
  }
}

/** Validates and re-scores; throws a Refusal naming the problem (never quoting a value). */
export function accept(json: string, idempotencyKey: unknown): Accepted {
  const parsed = v.safeParse(SubmissionSchema, parseBounded(json));
  if (!parsed.success) throw new Refusal(400, 'invalid-submission', issueText(parsed.issues));
  const sub = parsed.output;
  if (typeof idempotencyKey !== 'string' || idempotencyKey !== sub.id) throw new Refusal(400, 'idempotency-key', 'The Idempotency-Key header must be present and equal the submission id.');
  const inst = getInstrument(sub.instrument.id);
  if (!inst) throw new Refusal(400, 'unknown-instrument', `Unknown instrument "${sub.instrument.id}".`);
  let ours: ReturnType<typeof score>;
  try {
    ours = score(inst, sub.answers, { on: screenedOn(sub) });
  } catch (e) {
    throw new Refusal(400, 'invalid-answers', (e as Error).message);
  }
  return {
    submission: sub,
    row: {
      id: sub.id,
      instrumentId: inst.id,
      instrumentVersion: sub.instrument.version,
      kind: sub.kind,
      level: ours.level ?? null,
      deviceLevel: sub.result.level ?? null,
      disagreement: disagreement(sub, ours, inst.version),
      area: sub.routing?.area ?? null,
      team: sub.routing?.team ?? null,
      // The normalised submission (valibot's output: only known fields), not the bytes received.
      body: JSON.stringify(sub),
    },
  };
}

/** The batch envelope, checked before any item is opened: only {"submissions": [{id, type, body}…]}. */
export function parseBatch(raw: string): BatchItem[] {
  const parsed = v.safeParse(BatchSchema, parseBounded(raw));
  if (parsed.success) return parsed.output.submissions;
  const tooMany = parsed.issues.some((i) => i.type === 'max_length' && i.path?.length === 1);
  if (tooMany) throw new Refusal(413, 'batch-too-large', `A batch holds at most ${MAX_BATCH_ITEMS} submissions.`);
  throw new Refusal(400, 'invalid-batch', `The batch is not valid: ${issueText(parsed.issues)}`);
}

/** One batch item, opened and accepted as the single POST would (its id is its Idempotency-Key). */
export async function acceptItem(item: BatchItem, privateKey: CryptoKey): Promise<Accepted> {
  const json = item.type === 'application/jose' ? await openSealed(item.body, privateKey) : item.body;
  return accept(json, item.id);
}
