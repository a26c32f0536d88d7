// The outbox: where every finished submission stands, and "Send now".
import { useEffect, useState } from 'preact/hooks';
import { getInstrument } from '../instruments/catalogue.ts';
import type { OutboxRow, OutboxState, RecordRow } from '../store/db.ts';
import { describeStorageError } from '../store/errors.ts';
import { BLOCKER_WORDS, type SendBlocker, loadAuthor, loadEndpoint, sendBlocker } from '../sync/settings.ts';
import { useApp } from './context.ts';
import { when } from './labels.ts';
import { href } from './router.ts';

export const STATE_WORDS: Record<OutboxState, string> = {
  queued: 'Waiting to send',
  sending: 'Sending…',
  delivered: 'Delivered',
  rejected: 'Refused by the endpoint',
  withdrawn: 'Kept on this device: access withdrawn',
};

/** What stops this device sending now (not enrolled, withdrawn, no name), re-read when the outbox changes. */
export function useSendBlocker(): SendBlocker | undefined {
  const { db, sync } = useApp();
  const [blocker, setBlocker] = useState<SendBlocker>();
  useEffect(() => {
    const load = () => {
      Promise.all([loadAuthor(db).catch(() => undefined), loadEndpoint(db)]).then(([a, e]) => setBlocker(sendBlocker(a, e)), () => {});
    };
    load();
    return sync?.subscribe(load);
  }, [db]);
  return blocker;
}

/** Why nothing is sent, with one tap to where it is put right. */
export function SendBlockerNotice({ blocker, inline = false }: { blocker: SendBlocker; inline?: boolean }) {
  const words = (
    <>
      <strong>Not sent yet.</strong> {BLOCKER_WORDS[blocker]} Nothing is lost: it stays on this device
      {blocker === 'withdrawn' ? ' and is sent once your administrator enrols it again' : ' and is sent as soon as this is put right'}.{' '}
      <a href={href({ name: 'settings' })}>Go to Settings</a>
    </>
  );
  // Inline inside a sentence (the result's delivery line), a block on its own.
  return inline ? (
    <span class="send-blocker" data-testid="send-blocker" data-blocker={blocker}>
      <br />
      {words}
    </span>
  ) : (
    <p class="inset" data-testid="send-blocker" data-blocker={blocker}>
      {words}
    </p>
  );
}

export function DeliveryStatus({ row }: { row: OutboxRow }) {
  const blocker = useSendBlocker();
  const waiting = row.state === 'queued' || row.state === 'withdrawn';
  return (
    <>
      <span class={`delivery delivery-${row.state}`} data-testid="delivery-state" data-state={row.state}>
        {STATE_WORDS[row.state]}
        {row.state === 'delivered' && row.receipt && <> · receipt {row.receipt}</>}
      </span>
      {waiting && blocker && <SendBlockerNotice blocker={blocker} inline />}
    </>
  );
}

const SHOW_DELIVERED = 100;

export function OutboxScreen() {
  const { db, sync } = useApp();
  const [rows, setRows] = useState<{ row: OutboxRow; record?: RecordRow | undefined }[]>();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<string>();
  const [hidden, setHidden] = useState(0);
  const blocker = useSendBlocker();
  const load = async () => {
    // Everything still waiting or refused, and the latest delivered ones: a busy
    // device can hold thousands delivered, which nobody needs to scroll (bench: 1.6 s → see README).
    const open = await db.outbox.where('state').anyOf('queued', 'sending', 'rejected', 'withdrawn').toArray();
    const allDelivered = await db.outbox.where('state').equals('delivered').toArray();
    const delivered = allDelivered.sort((x, y) => y.createdAt - x.createdAt).slice(0, SHOW_DELIVERED);
    const shown = [...open, ...delivered].sort((x, y) => y.createdAt - x.createdAt);
    const records = await db.records.bulkGet(shown.map((r) => r.recordId));
    setHidden(allDelivered.length - delivered.length);
    setRows(shown.map((row, i) => ({ row, record: records[i] })));
  };
  useEffect(() => {
    const safeLoad = () => load().catch((e) => setError(describeStorageError(e).message));
    void safeLoad();
    return sync?.subscribe(() => void safeLoad());
  }, [db]);

  return (
    <>
      <h1 tabIndex={-1}>Outbox</h1>
      <p>Finished records are sent to the referral endpoint as soon as there is a connection. Each is stored there once, whatever the network does.</p>
      {blocker && <SendBlockerNotice blocker={blocker} />}
      <div class="button-row">
        <button
          type="button"
          class="button"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            const r = await sync?.sendNow();
            setBusy(false);
            setMessage(r ? `${r.delivered} delivered, ${r.retrying} still waiting, ${r.rejected} refused${r.withdrawn ? ', access withdrawn' : ''}.` : undefined);
            await load();
          }}
        >
          Send now
        </button>
      </div>
      {message && (
        <p class="inset" role="status">
          {message}
        </p>
      )}
      {error && <p class="field-error">{error}</p>}
      {rows && rows.length === 0 && <p>Nothing has been finished on this device yet.</p>}
      {rows && rows.length > 0 && (
        <table class="table stack" data-testid="outbox-table">
          <caption class="visually-hidden">Submissions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Record</th>
              <th scope="col">State</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last attempt</th>
              <th scope="col">Problem</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ row, record }) => (
              <tr key={row.id} data-outbox-id={row.id}>
                <td data-label="Record">
                  <a href={href({ name: 'record', recordId: row.recordId })}>
                    {getInstrument(record?.instrumentId ?? '')?.title ?? 'Record'} · {record?.childRef}
                  </a>
                </td>
                <td data-label="State">
                  <span class={`delivery delivery-${row.state}`} data-testid="delivery-state" data-state={row.state}>
                    {STATE_WORDS[row.state]}
                    {row.state === 'delivered' && row.receipt && <> · receipt {row.receipt}</>}
                  </span>
                </td>
                <td data-label="Attempts">{row.attempts}</td>
                <td data-label="Last attempt">{when(row.lastAttemptAt) || '–'}</td>
                <td data-label="Problem">{row.lastError ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {hidden > 0 && <p class="hint">{hidden} older delivered submissions are not listed; their receipts are kept.</p>}
    </>
  );
}
