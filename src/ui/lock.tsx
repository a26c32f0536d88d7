// Passcode setup (first run) and the unlock screen.
import { useState } from 'preact/hooks';
import { DB_NAME } from '../store/name.ts';
import { type UnlockOutcome, attemptState, loadPolicy, passcodeProblem, setUpPasscode, unlock, wipeDevice } from '../security/passcode.ts';
import { ErrorSummary } from './fields.tsx';

function PasscodeInput(props: { id: string; label: string; value: string; onInput: (v: string) => void; error?: string | undefined; hint?: string }) {
  return (
    <div class={`field${props.error ? ' has-error' : ''}`} id={`field-${props.id}`}>
      <label class="label" for={props.id}>
        {props.label}
      </label>
      {props.hint && (
        <div class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </div>
      )}
      {props.error && (
        <p class="field-error">
          <span class="visually-hidden">Error:</span> {props.error}
        </p>
      )}
      <input
        id={props.id}
        class="input input-medium"
        type="password"
        autocomplete="off"
        aria-describedby={props.hint ? `${props.id}-hint` : undefined}
        value={props.value}
        onInput={(e) => props.onInput((e.target as HTMLInputElement).value)}
      />
    </div>
  );
}

function Shell(props: { children: preact.ComponentChildren }) {
  return (
    <>
      <header class="header">
        <span class="brand">CSE Screen</span>
      </header>
      <main id="main" class="main" tabIndex={-1}>
        {props.children}
      </main>
    </>
  );
}

export function SetUpPasscode({ onDone }: { onDone: () => void }) {
  const [a, setA] = useState('');
  const [b, setB] = useState('');
  const [error, setError] = useState<string>();
  const [tries, setTries] = useState(0);
  const [busy, setBusy] = useState(false);
  return (
    <Shell>
      <h1 tabIndex={-1}>Set a passcode</h1>
      <p>Everything you record is encrypted on this device. The passcode unlocks it; the app locks itself after {loadPolicy().idleMinutes} minutes without use.</p>
      <div class="warning-text" role="note">
        <strong>If you forget this passcode, records on this device that have not been delivered are lost: nobody can recover them. Delivered records are safe at the endpoint.</strong>
      </div>
      {error && <ErrorSummary errors={[{ itemId: 'passcode', message: error }]} focusKey={tries} />}
      <form
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          setTries((n) => n + 1);
          const p = passcodeProblem(a, b);
          setError(p);
          if (p) return;
          setBusy(true);
          await setUpPasscode(a);
          onDone();
        }}
      >
        <PasscodeInput id="passcode" label="Passcode" value={a} onInput={setA} error={error} hint="At least 6 characters. Not your phone's PIN." />
        <PasscodeInput id="passcode-confirm" label="Type it again" value={b} onInput={setB} />
        <button type="submit" class="button" disabled={busy}>
          {busy ? 'Setting up…' : 'Set passcode'}
        </button>
      </form>
    </Shell>
  );
}

export function Unlock({ onUnlocked }: { onUnlocked: () => void }) {
  const [p, setP] = useState('');
  const [outcome, setOutcome] = useState<UnlockOutcome | undefined>(() => {
    const s = attemptState();
    return s.failures ? { ok: false, reason: 'wrong', failures: s.failures, waitSeconds: 0, wipeOffered: s.failures >= loadPolicy().maxAttempts } : undefined;
  });
  const [confirmWipe, setConfirmWipe] = useState(false);
  const [tries, setTries] = useState(0);
  const [busy, setBusy] = useState(false);
  const failed = outcome && !outcome.ok ? outcome : undefined;
  const message = failed
    ? failed.reason === 'wait'
      ? `Too many wrong passcodes. Wait ${failed.waitSeconds} seconds, then try again.`
      : `That passcode is not right (${failed.failures} wrong in a row).${failed.waitSeconds ? ` Wait ${failed.waitSeconds} seconds before the next try.` : ''}`
    : undefined;
  return (
    <Shell>
      <h1 tabIndex={-1}>Unlock</h1>
      {message && <ErrorSummary errors={[{ itemId: 'unlock-passcode', message }]} focusKey={tries} />}
      <form
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          const r = await unlock(p);
          setBusy(false);
          setOutcome(r);
          setTries((n) => n + 1);
          if (r.ok) onUnlocked();
        }}
      >
        <PasscodeInput id="unlock-passcode" label="Passcode" value={p} onInput={setP} error={message} />
        <button type="submit" class="button" disabled={busy}>
          {busy ? 'Unlocking…' : 'Unlock'}
        </button>
      </form>
      {failed?.wipeOffered && (
        <section aria-labelledby="wipe-title">
          <h2 id="wipe-title">Forgotten the passcode?</h2>
          <p>You can erase everything this app holds on this device and start again. Records not yet delivered will be lost for good; delivered records are safe at the endpoint.</p>
          {!confirmWipe ? (
            <button type="button" class="button warning" onClick={() => setConfirmWipe(true)}>
              Erase all data on this device
            </button>
          ) : (
            <div class="warning-text" role="alert">
              <strong>This cannot be undone.</strong>{' '}
              <button
                type="button"
                class="button warning"
                onClick={async () => {
                  await wipeDevice(DB_NAME);
                  location.reload();
                }}
              >
                Yes, erase everything
              </button>
            </div>
          )}
        </section>
      )}
    </Shell>
  );
}
