// What the receiver makes of a submission, apart from HTTP: open the JWE,
// parse, validate against the app's own schema (unknown fields refused), and
// take the server's reading of it (src/domain/reading: level, priority, safety
// flags, region and area, disagreement), which is stored with it and is all the
// inbox lists, scopes and alerts from. The device's claims stay in the sealed body.
import { Problem } from '../../errors/catalogue.ts';
import { compactDecrypt } from 'jose';
import * as v from 'valibot';
import { InvalidAnswersError, READING_VERSION, type ReadOutcome, readSubmission } from '../../domain/index.ts';
import type { Instrument } from '../../domain/index.ts';
import { getInstrument } from '../../domain/index.ts';
import { type BatchItem, BatchSchema, MAX_BATCH_ITEMS } from '../../contract/batch.ts';
import {
  MAX_SUBMISSION_BYTES,
  SUBMISSION_FIELDS,
  type Submission,
  SubmissionSchema,
  fieldNames,
  issueText,
} from '../../contract/submission.ts';
import { screenedOn } from '../../domain/index.ts';
import type { NewSubmission, StoredReading } from '../store/receiver-store.ts';

/** A submission refused: a catalogue code (its status from there) and what exactly is wrong. */
export class Refusal extends Problem {}

/** JSON.parse with a depth guard first: nothing nests deeper than 8 in a valid submission. */
function parseBounded(raw: string): unknown {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > 16) throw new Refusal('too-deep', 'The body nests deeper than any submission can.');
    } else if (c === 125 || c === 93) depth--;
  }
  try {
    return JSON.parse(raw);
  } catch {
    // Never echo the parser's message: it quotes the body.
    throw new Refusal('invalid-json', 'The body is not valid JSON.');
  }
}

export interface Accepted {
  submission: Submission;
  row: Omit<NewSubmission, 'deviceId'>;
}

/** The private key for a sealed submission, by the key id its header names (current, or retired within its grace). */
export type KeyFor = (kid: string | undefined) => CryptoKey;

export async function openSealed(raw: string, keyFor: KeyFor): Promise<string> {
  try {
    return new TextDecoder().decode((await compactDecrypt(raw.trim(), (header) => keyFor(header.kid))).plaintext);
  } catch {
    throw new Refusal('invalid-jwe', "The sealed submission could not be decrypted with this endpoint's key.");
  }
}

/** True when any text in the value holds a NUL character (PostgreSQL cannot store one; no form produces one). */
function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(holdsNul);
  if (value && typeof value === 'object')
    return Object.entries(value).some(([k, x]) => k.includes('\u0000') || holdsNul(x));
  return false;
}

/** An answers problem in words: which of the tool's items, never the value, nor a key the tool does not have. */
function answersProblem(inst: Instrument, e: unknown): string {
  const first = e instanceof InvalidAnswersError ? e.problems[0] : undefined;
  const known = first?.itemId !== undefined && inst.sections.some((s) => s.items.some((i) => i.id === first.itemId));
  return known
    ? `answers.${first!.itemId}: not an answer this item takes (see the tool's definition).`
    : 'answers: holds an item this tool does not have, or is not a set of answers.';
}

/** The server's reading of a valid submission, from the device (enrolled for `deviceArea`) that sent it. */
export function readingOf(sub: Submission, deviceArea: string | null): ReadOutcome {
  return readSubmission({
    instrument: getInstrument(sub.instrument.id),
    instrumentVersion: sub.instrument.version,
    answers: sub.answers,
    claimed: sub.result,
    claimedArea: sub.routing?.area,
    screenedOn: screenedOn(sub),
    deviceArea,
  });
}

/** The reading as the store keeps it (the clear columns hold only the server's words, the tool's and the directory's). */
export function storedReading(
  out: ReadOutcome,
  deviceArea: string | null,
): StoredReading & { level: string | null; deviceLevel: string | null; disagreement: string | null } {
  const r = out.reading;
  return {
    level: r.level,
    deviceLevel: r.deviceLevel,
    disagreement: r.disagreement,
    severity: r.severity,
    priority: r.priority,
    safety: r.safety,
    region: r.region,
    area: r.area,
    areaFrom: r.areaFrom,
    needsArea: r.needsArea,
    // The specialist team's name where the answers chose it (an information report's area).
    team: r.areaFrom === 'answers' ? (out.result?.routing?.team ?? null) : null,
    deviceArea,
    readingVersion: READING_VERSION,
  };
}

/**
 * Validates and takes the server's reading; throws a Refusal naming the problem (never quoting a value).
 * `deviceArea`: the area the sending device was enrolled for.
 */
export function accept(json: string, idempotencyKey: unknown, deviceArea: string | null = null): Accepted {
  const raw = parseBounded(json);
  const parsed = v.safeParse(SubmissionSchema, raw);
  if (!parsed.success) throw new Refusal('invalid-submission', issueText(parsed.issues, SUBMISSION_FIELDS));
  const sub = parsed.output;
  if (typeof idempotencyKey !== 'string' || idempotencyKey !== sub.id)
    throw new Refusal('idempotency-key', 'The Idempotency-Key header must be present and equal the submission id.');
  if (holdsNul(sub))
    throw new Refusal(
      'invalid-submission',
      'A text holds a NUL character, which no form produces and the store cannot keep.',
    );
  if (!/^\d{1,4}(\.\d{1,4}){1,3}$/.test(sub.instrument.version))
    throw new Refusal('invalid-submission', 'instrument.version: not a version number.');
  const inst = getInstrument(sub.instrument.id);
  if (!inst) throw new Refusal('unknown-instrument', 'instrument.id: not a tool this endpoint knows.');
  const read = readingOf(sub, deviceArea);
  if (!read.result) throw new Refusal('invalid-answers', answersProblem(inst, read.problem));
  return {
    submission: sub,
    row: {
      id: sub.id,
      instrumentId: inst.id,
      instrumentVersion: sub.instrument.version,
      kind: sub.kind,
      ...storedReading(read, deviceArea),
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
  if (tooMany) throw new Refusal('batch-too-large', `A batch holds at most ${MAX_BATCH_ITEMS} submissions.`);
  throw new Refusal('invalid-batch', `The batch is not valid: ${issueText(parsed.issues, BATCH_FIELDS)}`);
}

/** One batch item, opened and accepted as the single POST would (its id is its Idempotency-Key). */
export async function acceptItem(item: BatchItem, keyFor: KeyFor, deviceArea: string | null = null): Promise<Accepted> {
  // The single POST's limit is in bytes; the batch schema could only count characters.
  if (Buffer.byteLength(item.body) > MAX_SUBMISSION_BYTES)
    throw new Refusal('too-large', 'This submission is larger than this endpoint accepts.');
  const json = item.type === 'application/jose' ? await openSealed(item.body, keyFor) : item.body;
  return accept(json, item.id, deviceArea);
}

const BATCH_FIELDS = fieldNames(BatchSchema);
