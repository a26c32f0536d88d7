// A child's repeated measurements with one instrument, oldest first, and how
// each changed from the one before (the tools ask increased / decreased /
// stayed the same, 000 L1665–L1666).
import { useEffect, useState } from 'preact/hooks';
import { getInstrument } from '../domain/index.ts';
import type { RecordRow } from '../store/db.ts';
import { describeStorageError } from '../store/errors.ts';
import { childHistory, trend } from '../store/records.ts';
import { useApp } from './context.ts';
import { when } from '../shared-ui/labels.ts';
import { href } from './router.ts';

export function History({ record }: { record: RecordRow }) {
  const { db } = useApp();
  const inst = getInstrument(record.instrumentId)!;
  const [rows, setRows] = useState<RecordRow[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    childHistory(db, record.childRef, record.instrumentId).then(setRows, (e) =>
      setError(describeStorageError(e).message),
    );
  }, [db, record.childRef, record.instrumentId]);

  return (
    <>
      <p class="caption">{inst.title}</p>
      <h1 tabIndex={-1}>History for child reference {record.childRef}</h1>
      {error && <p class="field-error">{error}</p>}
      {rows && rows.length === 0 && <p>No finished assessments yet.</p>}
      {rows && rows.length > 0 && (
        <table class="table stack" data-testid="history-table">
          <caption class="visually-hidden">Finished assessments, oldest first</caption>
          <thead>
            <tr>
              <th scope="col">Finished</th>
              <th scope="col">Total</th>
              <th scope="col">Outcome</th>
              <th scope="col">Since the previous</th>
              <th scope="col">Assessor said</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => {
              const stated = r.answers['change-since-last'];
              return (
                <tr key={r.id}>
                  <td data-label="Finished">
                    <a href={href({ name: 'record', recordId: r.id })}>{when(r.finalisedAt)}</a>
                  </td>
                  <td data-label="Total">{r.result?.total ?? '–'}</td>
                  <td data-label="Outcome">{r.result?.level ?? 'Not complete'}</td>
                  <td data-label="Since the previous" data-testid="trend">
                    {trend(rows[i - 1], r) ?? (i === 0 ? 'First' : '–')}
                  </td>
                  <td data-label="Assessor said">
                    {stated === 'increased'
                      ? 'Increased'
                      : stated === 'decreased'
                        ? 'Decreased'
                        : stated === 'same'
                          ? 'Stayed the same'
                          : '–'}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}
