// Passcode setup (first run), the unlock screen, and the damaged-header screen.
import type { Ref } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { DB_NAME } from '../store/name.ts';
import {
  ERASE_AFTER,
  type UnlockOutcome,
  WARN_FROM,
  atRisk,
  attemptState,
  eraseAfterFailures,
  erasedNotice,
  loadPolicy,
  passcodeProblem,
  restoreHeaderFromCopy,
  retryDelaySeconds,
  setUpPasscode,
  unlock,
  wipeDevice,
} from '../security/passcode.ts';
import { ErrorSummary } from '../shared-ui/error-summary.tsx';
import { TextField } from '../shared-ui/text-field.tsx';

/** The passcode field: never offered to a password manager or autofill (the passcode is this device's only). */
function PasscodeInput(props: {
  id: string;
  label: string;
  value: string;
  onInput: (v: string) => void;
  error?: string | undefined;
  hint?: string;
  inputRef?: Ref<HTMLInputElement>;
}) {
  return <TextField {...props} type="password" autocomplete="off" />;
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

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function SetUpPasscode({ onDone }: { onDone: () => void }) {
  const [a, setA] = useState('');
  const [b, setB] = useState('');
  const [error, setError] = useState<string>();
  const [tries, setTries] = useState(0);
  const [busy, setBusy] = useState(false);
  const [erased, setErased] = useState<{ at: number; drafts: number }>();
  useEffect(() => void erasedNotice().then(setErased), []);
  return (
    <Shell>
      <h1 tabIndex={-1}>Set a passcode</h1>
      {erased && (
        <div class="warning-text" role="note" data-testid="erased-notice">
          <strong>
            After {ERASE_AFTER} wrong passcodes, this app erased its records on this device (
            {plural(erased.drafts, 'unfinished draft', 'unfinished drafts')} lost). Finished records already locked for
            the receiving team are still being sent.
          </strong>
        </div>
      )}
      <p>
        Everything you record is encrypted on this device. The passcode unlocks it; the app locks itself after{' '}
        {loadPolicy().idleMinutes} minutes without use.
      </p>
      <div class="warning-text" role="note">
        <strong>
          If you forget this passcode, records on this device that have not been delivered are lost: nobody can recover
          them. Delivered records are safe with the receiving team.
        </strong>
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
          try {
            await setUpPasscode(a);
            onDone();
          } catch (err) {
            setBusy(false);
            setError(`The passcode could not be stored: ${(err as Error).message}`);
          }
        }}
      >
        <PasscodeInput
          id="passcode"
          label="Passcode"
          value={a}
          onInput={setA}
          error={error}
          hint="At least 6 characters. A passphrase of three or four unrelated words is the strongest and easy to remember. Not your phone's PIN; common PINs such as 123456 are refused."
        />
        <PasscodeInput id="passcode-confirm" label="Type it again" value={b} onInput={setB} />
        <button type="submit" class="button" disabled={busy}>
          {busy ? 'Setting up…' : 'Set passcode'}
        </button>
      </form>
    </Shell>
  );
}

type Failed = Extract<UnlockOutcome, { ok: false; reason: 'wrong' | 'wait' }>;

export function Unlock({ onUnlocked, onErased }: { onUnlocked: () => void; onErased: () => void }) {
  const [p, setP] = useState('');
  const [failed, setFailed] = useState<Failed>();
  const [risk, setRisk] = useState<{ drafts: number; unsealed: number }>();
  const [tries, setTries] = useState(0);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const field = useRef<HTMLInputElement>(null);
  // After a wrong passcode the field is emptied and keeps the focus: the next key typed goes into it
  // (the error is announced by the summary's alert role and tied to the field).
  useEffect(() => {
    if (tries > 0 && !busy) field.current?.focus();
  }, [tries, busy]);
  // The count kept with the vault, so a reload shows where things stand.
  useEffect(() => {
    void (async () => {
      const s = await attemptState();
      if (!s.failures) return;
      const erase = await eraseAfterFailures();
      const wait = Math.ceil((retryDelaySeconds(s.failures) * 1000 - (Date.now() - s.lastAt)) / 1000);
      setFailed({
        ok: false,
        reason: wait > 0 ? 'wait' : 'wrong',
        failures: s.failures,
        waitSeconds: Math.max(0, wait),
        remaining: erase ? Math.max(0, ERASE_AFTER - s.failures) : undefined,
      });
    })();
  }, []);
  useEffect(() => {
    if (failed && failed.failures >= WARN_FROM - 1) void atRisk().then(setRisk);
  }, [failed?.failures]);
  const message = problem
    ? problem
    : failed
      ? failed.reason === 'wait'
        ? `${plural(failed.failures, 'wrong passcode', 'wrong passcodes')} in a row. Wait ${failed.waitSeconds} seconds, then try again.`
        : `That passcode is not right (${failed.failures} wrong in a row).${failed.waitSeconds ? ` Wait ${failed.waitSeconds} seconds before the next try.` : ''}`
      : undefined;
  const showRemaining = failed && failed.remaining !== undefined && failed.failures >= WARN_FROM;
  return (
    <Shell>
      <h1 tabIndex={-1}>Unlock</h1>
      {message && <ErrorSummary errors={[{ itemId: 'unlock-passcode', message }]} focusKey={tries} takeFocus={false} />}
      {showRemaining && (
        <div class="warning-text" role="note" data-testid="erase-warning">
          <strong>
            {plural(failed.remaining!, 'try', 'tries')} left. After {ERASE_AFTER} wrong passcodes in a row, this app
            erases its records on this device:{' '}
            {risk ? plural(risk.drafts, 'unfinished draft', 'unfinished drafts') : 'unfinished drafts'} would be lost
            {risk?.unsealed
              ? `, and ${plural(risk.unsealed, 'finished record', 'finished records')} not yet locked for the receiving team`
              : ''}
            . Finished records already locked for the receiving team are still sent.
          </strong>
        </div>
      )}
      <form
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          let r: UnlockOutcome;
          try {
            r = await unlock(p);
          } catch (err) {
            setBusy(false);
            setProblem(`The app could not check the passcode: ${(err as Error).message}`);
            setTries((n) => n + 1);
            return;
          }
          setBusy(false);
          setProblem(undefined);
          setTries((n) => n + 1);
          if (r.ok) return onUnlocked();
          if (r.reason === 'erased') return onErased();
          setFailed(r);
          setP('');
        }}
      >
        <PasscodeInput
          id="unlock-passcode"
          label="Passcode"
          value={p}
          onInput={setP}
          error={message}
          inputRef={field}
        />
        <button type="submit" class="button" disabled={busy}>
          {busy ? 'Unlocking…' : 'Unlock'}
        </button>
      </form>
      {failed && failed.failures >= 3 && (
        <section aria-labelledby="wipe-title">
          <h2 id="wipe-title">Forgotten the passcode?</h2>
          <p>
            You can erase everything this app holds on this device and start again. Records not yet delivered will be
            lost for good; delivered records are safe with the receiving team.
          </p>
          <EraseButton />
        </section>
      )}
    </Shell>
  );
}

function EraseButton() {
  const [confirm, setConfirm] = useState(false);
  return !confirm ? (
    <button type="button" class="button warning" onClick={() => setConfirm(true)}>
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
  );
}

/** The vault header in localStorage is not readable: say so, and offer the ways out. */
export function VaultDamaged({ backup, onRestored }: { backup: boolean; onRestored: () => void }) {
  const [error, setError] = useState<string>();
  return (
    <Shell>
      <h1 tabIndex={-1}>The passcode record on this device is damaged</h1>
      <p>
        The app keeps a small record that the passcode unlocks (the vault header). It is damaged on this device, so the
        passcode cannot be checked. Your records themselves are not touched by this.
      </p>
      {error && <p class="field-error">{error}</p>}
      {backup ? (
        <>
          <p>
            A backup copy of the header is kept in the app's database. Restoring it lets you unlock with your passcode
            as before.
          </p>
          <button
            type="button"
            class="button"
            data-testid="restore-header"
            onClick={async () => {
              if (await restoreHeaderFromCopy().catch(() => false)) onRestored();
              else setError('The backup copy could not be read either.');
            }}
          >
            Restore the header from its backup copy
          </button>
        </>
      ) : (
        <p>
          No readable backup copy of the header is on this device, so the records it protects cannot be opened again.
          Delivered records are safe with the receiving team.
        </p>
      )}
      <h2>Or start again</h2>
      <p>Erasing removes everything this app holds on this device. Records not yet delivered are lost for good.</p>
      <EraseButton />
    </Shell>
  );
}
