// What a finished record's screens and printout need beyond the record: who
// assessed (the submission's author when it can be read, else Settings on this
// device, said so), and where its submission stands.
import { useEffect, useState } from 'preact/hooks';
import type { OutboxRow, RecordRow } from '../store/db.ts';
import { outboxForRecord } from '../sync/outbox.ts';
import { loadSettings } from '../sync/settings.ts';
import type { Author } from '../contract/submission.ts';
import type { Assessor } from '../shared-ui/record-document.tsx';
import { useApp } from './context.ts';
import { getInstrument } from '../domain/index.ts';
import { authorFromReport } from './prefill.ts';

export type { Assessor };

/** The author inside a plain JSON submission; undefined when sealed (JWE) or unreadable. */
export function authorOf(row: OutboxRow | undefined): Author | undefined {
  if (!row || !row.contentType.startsWith('application/json')) return undefined;
  try {
    const a = (JSON.parse(row.payload) as { author?: Author }).author;
    return a && typeof a.name === 'string' ? a : undefined;
  } catch {
    return undefined;
  }
}

function reportAuthor(record: RecordRow) {
  const inst = getInstrument(record.instrumentId);
  return inst ? authorFromReport(inst, record.answers) : undefined;
}

export function useRecordExtras(record: RecordRow): { sent: OutboxRow | undefined; assessor: Assessor | undefined } {
  const { db, sync } = useApp();
  const [sent, setSent] = useState<OutboxRow>();
  const [assessor, setAssessor] = useState<Assessor>();
  useEffect(() => {
    let live = true;
    const load = async () => {
      const row = await outboxForRecord(db, record.id).catch(() => undefined);
      const fromSubmission = authorOf(row);
      const settings = fromSubmission ? undefined : await loadSettings(db).catch(() => undefined);
      // A report finished while Settings had no name was sent under the name typed in it (check.tsx).
      const typed = fromSubmission || settings?.author.name ? undefined : reportAuthor(record);
      if (!live) return;
      setSent(row);
      setAssessor(
        fromSubmission
          ? { ...fromSubmission, from: 'submission' }
          : settings?.author.name
            ? { ...settings.author, from: 'settings' }
            : typed
              ? { ...typed, from: 'submission' }
              : { name: '', role: '', organisation: '', contact: '', from: 'none' },
      );
    };
    void load();
    const off = sync?.subscribe(() => void load());
    return () => {
      live = false;
      off?.();
    };
  }, [db, record.id]);
  return { sent, assessor };
}
