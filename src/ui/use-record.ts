// Loads one record for a screen, reporting storage problems in words.
import { useEffect, useState } from 'preact/hooks';
import { describeStorageError } from '../store/errors.ts';
import type { RecordRow } from '../store/db.ts';
import { getRecord, knownRecord } from '../store/records.ts';
import { useApp } from './context.ts';

export function useRecord(id: string): {
  record: RecordRow | undefined;
  loading: boolean;
  error: string | undefined;
  reload: () => void;
} {
  const { db } = useApp();
  // A record this page has just written (the form's previous page) draws at once; the store is
  // still read after the paint, and what it holds replaces the copy if anything else changed it.
  const [state, setState] = useState<{ record?: RecordRow; loading: boolean; error?: string }>(() => {
    const record = knownRecord(id);
    return record ? { record, loading: false } : { loading: true };
  });
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    const shown = knownRecord(id);
    if (!shown || n > 0) setState({ loading: true });
    getRecord(db, id).then(
      (record) => {
        if (!live) return;
        // The store can lag the copy by a write still under way: only a newer or finished row replaces it.
        if (record && shown && n === 0 && record.updatedAt <= shown.updatedAt && record.state === shown.state) return;
        setState(record ? { record, loading: false } : { loading: false, error: 'This record is not on this device.' });
      },
      (e) => live && setState({ loading: false, error: describeStorageError(e).message }),
    );
    return () => {
      live = false;
    };
  }, [db, id, n]);
  return { record: state.record, loading: state.loading, error: state.error, reload: () => setN((x) => x + 1) };
}
