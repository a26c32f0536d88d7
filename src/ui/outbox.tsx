// The outbox: where every finished submission stands, and "Send now".
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { getInstrument } from '../domain/index.ts';
import type { OutboxRow, OutboxState, RecordRow } from '../store/db.ts';
import { describeStorageError } from '../store/errors.ts';
import { BLOCKER_WORDS, type SendBlocker, loadAuthor, loadEndpoint, sendBlocker } from '../sync/settings.ts';
import { countDelivered, outboxListing, strayOutboxRows } from '../store/outbox-list.ts';
import { useApp } from './context.ts';
import { DamageActions } from './damaged.tsx';
import { when } from '../shared-ui/labels.ts';
import { href } from './router.ts';

export const STATE_WORDS: Record<OutboxState, string> = {
  queued: 'Waiting to send',
  sending: 'Sending…',
  delivered: 'Delivered',
  rejected: 'Refused by the MASH inbox',
  withdrawn: 'Kept on this device: access withdrawn',
};

/** What stops this device sending now (not enrolled, withdrawn, no name), re-read when the outbox changes. */
export function useSendBlocker(active = true): SendBlocker | undefined {
  const { db, sync } = useApp();
  const [blocker, setBlocker] = useState<SendBlocker>();
  useEffect(() => {
    if (!active) return;
    const load = () => {
      Promise.all([loadAuthor(db).catch(() => undefined), loadEndpoint(db)]).then(
        ([a, e]) => setBlocker(sendBlocker(a, e)),
        () => {},
      );
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
      {blocker === 'withdrawn'
        ? ' and is sent once your administrator enrols it again'
        : ' and is sent as soon as this is put right'}
      . <a href={href({ name: 'settings' })}>Go to Settings</a>
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

/**
 * One submission's delivery state. `blocker: null` (the Outbox table, which says once above the
 * table why nothing is sent) skips the per-row settings read, so 1,000 rows do not each read them.
 */
export function DeliveryStatus({ row, blocker: given }: { row: OutboxRow; blocker?: SendBlocker | null }) {
  const own = useSendBlocker(given === undefined);
  const blocker = given === undefined ? own : (given ?? undefined);
  // A damaged row cannot be sent whatever its state says; a state this version does not know is named, never left blank.
  if (row._damage)
    return (
      <span class="delivery delivery-failed" data-testid="delivery-state" data-state="damaged">
        Failed: cannot be sent
      </span>
    );
  const words = (STATE_WORDS as Record<string, string | undefined>)[String(row.state)];
  const waiting = row.state === 'queued' || row.state === 'withdrawn';
  return (
    <>
      <span
        class={`delivery delivery-${words ? row.state : 'unknown'}`}
        data-testid="delivery-state"
        data-state={words ? row.state : 'unknown'}
      >
        {words ?? `Unknown state “${String(row.state)}”: not sent by this version`}
        {row.state === 'delivered' && row.receipt && <> · receipt {row.receipt}</>}
      </span>
      {waiting && blocker && <SendBlockerNotice blocker={blocker} inline />}
    </>
  );
}

/**
 * Delivered submissions listed at first (newest first), and how many more each "Show older" adds:
 * each listed row is read and decrypted with its record, so the first page stays small (the Outbox
 * with 10,000 records stored opens in one read of a few rows; `npm run bench`).
 */
const SHOW_DELIVERED = 20;
const SHOW_MORE = 100;

export function OutboxScreen() {
  const { db, sync } = useApp();
  const [rows, setRows] = useState<{ row: OutboxRow; record?: RecordRow | undefined }[]>();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<string>();
  const [hidden, setHidden] = useState(0);
  // A ref, not state: the reload on a sync change (subscribed once) must list as many as are shown now.
  const limit = useRef(SHOW_DELIVERED);
  const blocker = useSendBlocker();
  const load = async () => {
    // Everything not yet delivered, and the latest delivered ones from a limited index scan
    // (store/outbox-list.ts): 1,000 rows rendered in 1,428 ms before, see `npm run bench`.
    const listing = await outboxListing(db, limit.current);
    setRows(listing.rows);
    // How many older ones are not listed, once the list is on screen (counting waits on the whole index).
    setHidden(Math.max(0, (await countDelivered(db)) - listing.shownDelivered));
    // Rows too damaged to be in any index, found after the list is shown (store/outbox-list.ts).
    const stray = await strayOutboxRows(db);
    if (stray.length) setRows([...stray, ...listing.rows]);
  };
  // A layout effect, not an effect: the read starts as the screen is drawn, not a frame later (Preact runs
  // effects after the next paint), so the first rows come a frame sooner.
  useLayoutEffect(() => {
    const safeLoad = () => load().catch((e) => setError(describeStorageError(e).message));
    void safeLoad();
    // Reload when the waiting count changes, not on the subscription's first call (already loaded above).
    let last: number | undefined;
    return sync?.subscribe((n) => {
      if (last !== undefined && n !== last) void safeLoad();
      last = n;
    });
  }, [db]);

  return (
    <>
      <h1 tabIndex={-1}>Outbox</h1>
      <p>
        Finished records are sent to the MASH inbox as soon as there is a connection. Each is stored there once,
        whatever the network does.
      </p>
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
            setMessage(
              r
                ? `${r.delivered} delivered, ${r.retrying} still waiting, ${r.rejected} refused${r.damaged ? `, ${r.damaged} damaged on this device and cannot be sent` : ''}${r.withdrawn ? ', access withdrawn' : ''}.`
                : undefined,
            );
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
                    {getInstrument(record?.instrumentId ?? '')?.title ?? 'Record'}
                    {record && !record._damage ? ` · ${record.childRef}` : record?._damage ? ' · damaged record' : ''}
                  </a>
                </td>
                <td data-label="State">
                  <DeliveryStatus row={row} blocker={null} />
                </td>
                <td data-label="Attempts">{row.attempts}</td>
                <td data-label="Last attempt">{when(row.lastAttemptAt) || '–'}</td>
                <td data-label="Problem">
                  {row._damage ? (
                    <>
                      <span data-testid="damage-reason">This submission is damaged on the device: {row._damage}.</span>
                      <DamageActions
                        table="outbox"
                        id={row.id}
                        what="this damaged submission"
                        onDeleted={() => void load()}
                      />
                    </>
                  ) : (
                    (row.lastError ?? '')
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {hidden > 0 && (
        <>
          <p class="hint">{hidden} older delivered submissions are not listed; their receipts are kept.</p>
          <button
            type="button"
            class="button secondary"
            data-testid="outbox-more"
            onClick={() => {
              limit.current += SHOW_MORE;
              void load().catch((e) => setError(describeStorageError(e).message));
            }}
          >
            Show {Math.min(SHOW_MORE, hidden)} older delivered
          </button>
        </>
      )}
    </>
  );
}
