// Leaving a screen with a change not yet written. Usually the write is only
// waiting for its debounce: it is flushed and the move goes ahead. When storage
// refuses it (device full), the move is held with a prompt: stay (the change
// is kept in memory and retried every few seconds, so freeing space saves it)
// or discard it and leave. Every in-app move goes through the router's guard:
// links (the app's title included), Continue buttons, Back.
import { useEffect, useState } from 'preact/hooks';
import { discardAllAutosavers, flushAllAutosavers, unsavedAutosavers, waitingAutosavers } from '../store/autosave.ts';
import { setLeaveGuard } from './router.ts';

export function LeaveGuard({ saveMessage, saved }: { saveMessage: string | undefined; saved: boolean }) {
  const [held, setHeld] = useState<string>();
  useEffect(
    () =>
      setLeaveGuard((to) => {
        // A write under way is not waited for (Continue starts it, and the next page opens from it).
        if (waitingAutosavers() === 0) return false;
        void flushAllAutosavers().then(() => {
          if (unsavedAutosavers() === 0) location.hash = to;
          else setHeld(to);
        });
        return true;
      }),
    [],
  );
  // Written after all (space freed): nothing is held any more.
  useEffect(() => {
    if (saved) setHeld(undefined);
  }, [saved]);
  useEffect(() => {
    if (held) document.getElementById('leave-guard-title')?.focus();
  }, [held]);
  if (!held) return null;
  return (
    <div
      class="leave-guard warning-text"
      role="alertdialog"
      aria-labelledby="leave-guard-title"
      aria-describedby="leave-guard-body"
      data-testid="leave-guard"
    >
      <h2 id="leave-guard-title" tabIndex={-1}>
        Your last change is not saved yet
      </h2>
      <p id="leave-guard-body">
        {saveMessage ?? 'The change could not be written to this device; the app keeps trying.'} Leaving now would lose
        it.
      </p>
      <div class="button-row">
        <button type="button" class="button" data-testid="leave-guard-stay" onClick={() => setHeld(undefined)}>
          Stay on this page
        </button>
        <button
          type="button"
          class="button warning"
          data-testid="leave-guard-discard"
          onClick={() => {
            const to = held;
            discardAllAutosavers();
            setHeld(undefined);
            location.hash = to;
          }}
        >
          Discard the change and leave
        </button>
      </div>
    </div>
  );
}
