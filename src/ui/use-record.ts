// Loads one record for a screen, reporting storage problems in words.
import { useEffect, useState } from 'preact/hooks';
import { describeStorageError } from '../store/errors.ts';
import type { RecordRow } from '../store/db.ts';
import { getRecord } from '../store/records.ts';
import { useApp } from './context.ts';

export function useRecord(id: string): {
  record: RecordRow | undefined;
  loading: boolean;
  error: string | undefined;
  reload: () => void;
} {
  const { db } = useApp();
  const [state, setState] = useState<{ record?: RecordRow; loading: boolean; error?: string }>({ loading: true });
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    setState({ loading: true });
    getRecord(db, id).then(
      (record) =>
        live &&
        setState(record ? { record, loading: false } : { loading: false, error: 'This record is not on this device.' }),
      (e) => live && setState({ loading: false, error: describeStorageError(e).message }),
    );
    return () => {
      live = false;
    };
  }, [db, id, n]);
  return { record: state.record, loading: state.loading, error: state.error, reload: () => setN((x) => x + 1) };
}
