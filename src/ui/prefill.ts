// An information report starts with what the device already knows: the
// reporter's details from Settings, and "now" for the report's date and time.
// Everything stays editable; nothing here is sent that the user did not see.
import { isAnswered, itemsOf } from '../domain/index.ts';
import type { Answers, Instrument } from '../domain/index.ts';
import type { CseDb, RecordRow } from '../store/db.ts';
import { createDraft, saveDraft, withReopen } from '../store/records.ts';
import { loadSettings } from '../sync/settings.ts';
import type { Author } from '../contract/submission.ts';

/** "now" as a datetime-local value, in the device's time zone ("2026-11-23T10:02"). */
export function localDateTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** Items a report fills from Settings, by the ids the report forms use (GM and West Midlands). */
const FROM_AUTHOR: Record<string, (a: Author) => string> = {
  'reporter-name': (a) => a.name,
  'reporter-job': (a) => a.role,
  'reporter-org': (a) => a.organisation,
  'reporter-agency': (a) => a.organisation,
  'reporter-contact': (a) => a.contact,
  // The West Midlands form asks telephone and e-mail apart; Settings holds one contact.
  'reporter-phone': (a) => (a.contact.includes('@') ? '' : a.contact),
  'reporter-email': (a) => (a.contact.includes('@') ? a.contact : ''),
};
/** The report's own date and time (not when the information was received, which only the user knows). */
const NOW_ITEMS = ['report-datetime'];

export function reportPrefill(inst: Instrument, author: Author | undefined, now: number): Answers {
  const ids = new Set(itemsOf(inst).map((i) => i.id));
  const out: Answers = {};
  if (author)
    for (const [id, pick] of Object.entries(FROM_AUTHOR))
      if (ids.has(id) && pick(author).trim()) out[id] = pick(author).trim();
  for (const id of NOW_ITEMS) if (ids.has(id)) out[id] = localDateTime(now);
  return out;
}

/**
 * The reporter as typed in a report ("Your Name (required)"): who sends it when
 * Settings holds no name, so a report is never held back for want of one.
 * Undefined when the report gives no name.
 */
export function authorFromReport(inst: Instrument, answers: Answers): Author | undefined {
  if (inst.kind !== 'information-report') return undefined;
  const t = (id: string) => (typeof answers[id] === 'string' ? (answers[id] as string).trim() : '');
  const name = t('reporter-name');
  if (!name) return undefined;
  return {
    name,
    role: t('reporter-job'),
    organisation: t('reporter-org') || t('reporter-agency'),
    contact: t('reporter-contact') || [t('reporter-phone'), t('reporter-email')].filter(Boolean).join(', '),
  };
}

/** A report draft nobody has written in yet: nothing answered beyond what the prefill put there. */
export function isEmptyReport(inst: Instrument, row: RecordRow): boolean {
  if (row.state !== 'draft' || row.instrumentId !== inst.id) return false;
  const prefilled = new Set([...Object.keys(FROM_AUTHOR), ...NOW_ITEMS]);
  return Object.entries(row.answers).every(([id, v]) => prefilled.has(id) || !isAnswered(v));
}

/** The newest report of this form started and not finished (something written beyond the prefill). */
export async function unfinishedReport(db: CseDb, inst: Instrument): Promise<RecordRow | undefined> {
  const drafts = await withReopen(db, () => db.records.where('instrumentId').equals(inst.id).toArray());
  return drafts
    .filter((r) => r.state === 'draft' && !r._damage && !isEmptyReport(inst, r))
    .sort((a, b) => b.updatedAt - a.updatedAt)[0];
}

/**
 * The one-tap report: the newest unfinished report of this form, where it was
 * left; else (or with `fresh`, "Start a new one") an empty report draft reused
 * (its prefill refreshed) or made. Never a pile of empty drafts.
 */
export async function openReportDraft(
  db: CseDb,
  inst: Instrument,
  now = Date.now(),
  { fresh = false }: { fresh?: boolean } = {},
): Promise<RecordRow> {
  if (!fresh) {
    const started = await unfinishedReport(db, inst);
    if (started) return started;
  }
  const settings = await loadSettings(db).catch(() => undefined);
  const answers = reportPrefill(inst, settings?.author, now);
  const drafts = await withReopen(db, () => db.records.where('instrumentId').equals(inst.id).toArray());
  const empty = drafts.filter((r) => isEmptyReport(inst, r)).sort((a, b) => b.updatedAt - a.updatedAt)[0];
  if (empty) {
    const merged = { ...empty.answers, ...answers };
    await saveDraft(db, empty.id, merged, 0);
    return { ...empty, answers: merged, section: 0 };
  }
  return createDraft(db, { instrumentId: inst.id, childRef: 'Information report', answers });
}
