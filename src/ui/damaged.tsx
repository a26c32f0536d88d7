// A damaged row, shown for what it is: what it was, when it last changed, why
// it cannot be opened; exported raw for support, or deleted after a confirm.
// Never a blank screen, never a guess at the content.
import { useState } from 'preact/hooks';
import { getInstrument } from '../domain/index.ts';
import { type DamageTable, deleteDamaged, storedRow } from '../store/damage.ts';
import type { RecordRow } from '../store/db.ts';
import { describeStorageError } from '../store/errors.ts';
import { useApp } from './context.ts';
import { when } from '../shared-ui/labels.ts';

/** Downloads the row as stored (ciphertext and clear fields only) as a JSON file for support. */
async function exportRaw(db: ReturnType<typeof useApp>['db'], table: DamageTable, id: string) {
  const raw = await storedRow(db, table, id);
  const blob = new Blob([JSON.stringify({ table, id, exportedAt: new Date().toISOString(), stored: raw }, null, 2)], {
    type: 'application/json',
  });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `cse-screen-damaged-${table}-${id}.json`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function DamageActions({
  table,
  id,
  what,
  onDeleted,
}: {
  table: DamageTable;
  id: string;
  what: string;
  onDeleted: () => void;
}) {
  const { db } = useApp();
  const [confirm, setConfirm] = useState(false);
  const [error, setError] = useState<string>();
  return (
    <div class="damage-actions">
      {error && <p class="field-error">{error}</p>}
      <div class="button-row">
        <button
          type="button"
          class="button secondary"
          data-testid="export-damaged"
          onClick={() => exportRaw(db, table, id).catch((e) => setError(describeStorageError(e).message))}
        >
          Export it for support
        </button>
        {!confirm && (
          <button type="button" class="button warning" data-testid="delete-damaged" onClick={() => setConfirm(true)}>
            Delete {what}
          </button>
        )}
      </div>
      {confirm && (
        <div class="warning-text" role="alert">
          <strong>Deleting cannot be undone: export it first if support may need it.</strong>{' '}
          <button
            type="button"
            class="button warning"
            data-testid="confirm-delete-damaged"
            onClick={async () => {
              try {
                await deleteDamaged(db, table, id);
                onDeleted();
              } catch (e) {
                setError(describeStorageError(e).message);
              }
            }}
          >
            Yes, delete it
          </button>{' '}
          <button type="button" class="button secondary" onClick={() => setConfirm(false)}>
            Keep it
          </button>
        </div>
      )}
    </div>
  );
}

/** What a damaged record was, in the words Home and its own page use. */
export function damagedRecordTitle(r: RecordRow): string {
  const tool = getInstrument(String(r.instrumentId))?.title ?? 'A record';
  return `${tool} (${r.state === 'final' ? 'finished' : r.state === 'draft' ? 'draft' : 'unknown state'})`;
}

export function DamagedRecord({ record, onDeleted }: { record: RecordRow; onDeleted: () => void }) {
  return (
    <>
      <h1 tabIndex={-1}>This record is damaged</h1>
      <div class="warning-text" role="note" data-testid="damaged-record">
        <strong>
          {damagedRecordTitle(record)}, last changed {when(record.updatedAt) || 'at an unknown time'}, cannot be opened:{' '}
          {record._damage}.
        </strong>
      </div>
      <p>
        The other records on this device are not affected.{' '}
        {record.state === 'final' ? 'If it was sent, the receiving team holds its own copy: see the Outbox.' : ''}
      </p>
      <DamageActions table="records" id={record.id} what="this damaged record" onDeleted={onDeleted} />
    </>
  );
}
