// The finished record's screen on the device: the printable document, with
// print and the way back.
import { getInstrument } from '../domain/index.ts';
import type { OutboxRow, RecordRow } from '../store/db.ts';
import { RecordDocument } from '../shared-ui/record-document.tsx';
import { STATE_WORDS } from './outbox.tsx';
import { useRecordExtras } from './record-data.ts';
import { href } from './router.ts';

/** Where a record's submission stands, in the document's words. */
export function sentWords(sent: OutboxRow | undefined): string | undefined {
  return sent ? `${STATE_WORDS[sent.state]}${sent.receipt ? `, receipt ${sent.receipt}` : ''}` : undefined;
}

/** The screen: the document, with print and the way back. */
export function RecordView({ record }: { record: RecordRow }) {
  const { sent, assessor } = useRecordExtras(record);
  const inst = getInstrument(record.instrumentId)!;
  const result = record.result;
  return (
    <>
      <p class="caption no-print">{inst.title}</p>
      <h1 tabIndex={-1} class="no-print">
        {inst.kind === 'information-report' ? 'Information report' : `Record for child reference ${record.childRef}`}
      </h1>
      <div class="button-row no-print">
        <button type="button" class="button secondary" onClick={() => print()}>
          Print or save as PDF
        </button>
        <a class="button secondary" href={href({ name: 'result', recordId: record.id })}>
          Back to the result
        </a>
      </div>
      {record.purgedAt || !result ? (
        <p class="inset">
          This record was delivered and its details have been removed from this device under the retention policy. The
          receipt is kept.
        </p>
      ) : (
        <RecordDocument record={record} result={result} assessor={assessor} sent={sentWords(sent)} />
      )}
    </>
  );
}
