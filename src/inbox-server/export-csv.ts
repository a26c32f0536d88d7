// CSV export: one row per submission, one column per item. Column names are
// stable: fixed record columns, then `<instrument id>.<item id>` for every
// item of every instrument in the export, in the instrument's own order, so
// the same export always has the same header whatever was answered.
// RFC 4180 (CRLF, quotes doubled), a UTF-8 byte-order mark so spreadsheets
// read the en dashes in band names, and any text that a spreadsheet would run
// as a formula (= + - @ tab CR at the start) prefixed with an apostrophe.
import { itemsOf } from '../domain/index.ts';
import type { AnswerValue, Result } from '../domain/index.ts';
import { getInstrument } from '../domain/index.ts';
import type { ReferralRow, ReviewEvent } from './referrals.ts';
import type { StoredSubmission } from './source.ts';

export interface ExportItem {
  stored: StoredSubmission;
  row: ReferralRow;
  server: Result | null;
  events: ReviewEvent[];
}

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
  'review_notes',
] as const;

/** One CSV cell: quoted where needed, and formula-safe. */
export function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function answerText(v: AnswerValue | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  if (v.every((x) => typeof x === 'string')) return (v as string[]).join('; ');
  return (v as Record<string, string>[])
    .map((e) =>
      Object.entries(e)
        .filter(([, x]) => x !== '')
        .map(([k, x]) => `${k}: ${x}`)
        .join(', '),
    )
    .join(' | ');
}

/** The item columns for these instruments, in a stable order. */
export function itemColumns(instrumentIds: string[]): { name: string; instrumentId: string; itemId: string }[] {
  return [...new Set(instrumentIds)].sort().flatMap((iid) => {
    const inst = getInstrument(iid);
    return inst ? itemsOf(inst).map((it) => ({ name: `${iid}.${it.id}`, instrumentId: iid, itemId: it.id })) : [];
  });
}

export function toCsv(items: ExportItem[]): string {
  const cols = itemColumns(items.map((i) => i.stored.body.instrument.id));
  const lines = [[...RECORD_COLUMNS, ...cols.map((c) => c.name)].map(cell).join(',')];
  for (const { stored, row, server, events } of items) {
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
      review_notes: events.map((e) => `${e.at} ${e.userEmail} ${e.from}→${e.to}: ${e.note}`).join(' | '),
    };
    const answers = b.answers as Record<string, AnswerValue>;
    lines.push(
      [
        ...RECORD_COLUMNS.map((c) => cell(record[c])),
        ...cols.map((c) => (c.instrumentId === b.instrument.id ? cell(answerText(answers[c.itemId])) : '')),
      ].join(','),
    );
  }
  return `\ufeff${lines.join('\r\n')}\r\n`;
}
