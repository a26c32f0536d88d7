// CSV exports an analyst can use, written a row at a time (the route streams
// them into a zip, routes/exports.ts):
// - by tool: one file per tool, with the referral's own columns and then that
//   tool's items by their ids, in the tool's order (no other tool's empty columns);
// - long: referrals.csv (one row per referral, the same columns for every tool)
//   and answers.csv (one row per answer: a multi-select gives one row per choice,
//   a repeated entry one row per entry);
// - either way, review-events.csv: one row per review event (state changes,
//   pick-ups, notes), never joined into one cell.
// Dates are ISO 8601 as stored (UTC instants; answers as typed, YYYY-MM-DD or
// YYYY-MM-DDTHH:MM). RFC 4180 (CRLF, quotes doubled), a UTF-8 byte-order mark
// so spreadsheets read the en dashes in band names, and any text a spreadsheet
// would run as a formula (= + - @ tab CR at the start) prefixed with an apostrophe.
import { itemsOf } from '../domain/index.ts';
import type { AnswerValue, Instrument, Item, Result } from '../domain/index.ts';
import type { ReferralRow, ReviewEvent } from './referrals.ts';
import type { StoredSubmission } from './source.ts';

export interface ExportItem {
  stored: StoredSubmission;
  row: ReferralRow;
  server: Result | null;
  events: ReviewEvent[];
}

export const BOM = '\ufeff';

export const RECORD_COLUMNS = [
  'submission_id',
  'receipt',
  'received_at',
  'instrument_id',
  'instrument_version',
  'kind',
  'child_ref',
  'previous_id',
  'author_name',
  'author_role',
  'author_organisation',
  'author_contact',
  'device',
  'device_time',
  'device_timezone',
  'app_version',
  'region',
  'area_team',
  'server_level',
  'server_total',
  'server_complete',
  'device_level',
  'device_total',
  'disagreement',
  'safety_routes',
  'review_state',
  'review_by',
  'review_at',
] as const;

export const EVENT_COLUMNS = [
  'submission_id',
  'child_ref',
  'event',
  'at',
  'by',
  'from_state',
  'to_state',
  'assignee',
  'note',
] as const;

export const ANSWER_COLUMNS = [
  'submission_id',
  'child_ref',
  'instrument_id',
  'instrument_version',
  'item_id',
  'question',
  'entry',
  'value',
  'answer',
] as const;

/** One CSV cell: numbers as they are, text quoted when it must be and never a formula. */
export function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV line, CRLF-terminated. */
export const csvLine = (cells: unknown[]): string => `${cells.map(cell).join(',')}\r\n`;

export function answerText(v: AnswerValue | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  if (v.every((x) => typeof x === 'string')) return (v as string[]).join('; ');
  return (v as Record<string, string>[]).map(entryText).join(' | ');
}

const entryText = (e: Record<string, string>): string =>
  Object.entries(e)
    .filter(([, x]) => x !== '')
    .map(([k, x]) => `${k}: ${x}`)
    .join(', ');

function recordCells({ stored, row, server }: ExportItem): unknown[] {
  const b = stored.body;
  const record: Record<(typeof RECORD_COLUMNS)[number], unknown> = {
    submission_id: b.id,
    receipt: stored.receipt,
    received_at: stored.receivedAt,
    instrument_id: b.instrument.id,
    instrument_version: b.instrument.version,
    kind: b.kind,
    child_ref: b.childRef,
    previous_id: b.previousId,
    author_name: b.author.name,
    author_role: b.author.role,
    author_organisation: b.author.organisation,
    author_contact: b.author.contact,
    device: stored.device,
    device_time: b.device.time,
    device_timezone: b.device.timezone,
    app_version: b.app.version,
    region: row.region,
    area_team: row.areaTeam,
    server_level: server?.level,
    server_total: server?.total,
    server_complete: server?.complete,
    device_level: b.result.level,
    device_total: b.result.total,
    disagreement: row.disagreement ? 'yes' : 'no',
    safety_routes: row.safety.join('; '),
    review_state: row.reviewState,
    review_by: row.reviewBy,
    review_at: row.reviewAt,
  };
  return RECORD_COLUMNS.map((c) => record[c]);
}

/** The file name of a tool's CSV in the zip. */
export const toolFileName = (instrumentId: string): string => `${instrumentId.replace(/[^A-Za-z0-9._-]/g, '-')}.csv`;

/** A tool's file header: the referral's columns, then the tool's items by id (its own columns only). */
export function toolHeader(inst: Instrument | undefined): string {
  return BOM + csvLine([...RECORD_COLUMNS, ...(inst ? itemsOf(inst).map((i) => i.id) : [])]);
}

/** One referral in its tool's file. */
export function toolRow(inst: Instrument | undefined, item: ExportItem): string {
  const answers = item.stored.body.answers as Record<string, AnswerValue>;
  return csvLine([...recordCells(item), ...(inst ? itemsOf(inst).map((i) => answerText(answers[i.id])) : [])]);
}

/** referrals.csv of the long format: every tool's referrals under the same columns. */
export const referralsHeader = (): string => BOM + csvLine([...RECORD_COLUMNS]);
export const referralRow = (item: ExportItem): string => csvLine(recordCells(item));

export const eventsHeader = (): string => BOM + csvLine([...EVENT_COLUMNS]);

/** One row per review event of a referral, oldest first. */
export function eventRows(row: Pick<ReferralRow, 'id' | 'childRef'>, events: ReviewEvent[]): string {
  return events
    .map((e) => csvLine([row.id, row.childRef, e.kind, e.at, e.userEmail, e.from, e.to, e.assignee ?? '', e.note]))
    .join('');
}

export const answersHeader = (): string => BOM + csvLine([...ANSWER_COLUMNS]);

function labelOf(item: Item, value: string): string {
  return item.kind === 'choice' || item.kind === 'multi'
    ? (item.options.find((o) => o.value === value)?.label ?? value)
    : value;
}

/** answers.csv of the long format: one row per answer given (none for an item left blank). */
export function answerRows(inst: Instrument | undefined, item: ExportItem): string {
  const b = item.stored.body;
  const answers = b.answers as Record<string, AnswerValue>;
  const base = [b.id, b.childRef, b.instrument.id, b.instrument.version];
  const out: string[] = [];
  const push = (it: Pick<Item, 'id' | 'text'>, entry: number | '', value: string, answer: string) =>
    out.push(csvLine([...base, it.id, it.text, entry, value, answer]));
  const known = new Set<string>();
  for (const it of inst ? itemsOf(inst) : []) {
    known.add(it.id);
    const v = answers[it.id];
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    if (typeof v === 'string' || typeof v === 'number') push(it, '', String(v), labelOf(it, String(v)));
    else if (v.every((x) => typeof x === 'string')) for (const x of v as string[]) push(it, '', x, labelOf(it, x));
    else (v as Record<string, string>[]).forEach((e, i) => push(it, i + 1, entryText(e), entryText(e)));
  }
  // Answers to items this server's tool no longer has (an older version): kept, never dropped.
  for (const [id, v] of Object.entries(answers))
    if (!known.has(id) && v !== undefined) push({ id, text: '' }, '', answerText(v), answerText(v));
  return out.join('');
}
