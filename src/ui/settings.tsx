// Settings: who you are (sent with every submission), where submissions go
// (shown, not typed: set by enrolment), and security on this device.
import { useEffect, useRef, useState } from 'preact/hooks';
import { describeStorageError } from '../store/errors.ts';
import {
  type Endpoint,
  type Settings,
  authorProblem,
  loadEndpoint,
  loadSettings,
  saveAuthor,
} from '../sync/settings.ts';
import {
  ERASE_AFTER,
  type LockPolicy,
  eraseAfterFailures,
  loadPolicy,
  savePolicy,
  setEraseAfterFailures,
} from '../security/passcode.ts';
import { InstallAction, StorageWhy } from './storage-notice.tsx';
import { useApp } from './context.ts';
import { ErrorSummary } from '../shared-ui/error-summary.tsx';
import { EnrolmentState } from './enrol.tsx';

const EMPTY: Settings = { author: { name: '', role: '', organisation: '', contact: '' }, endpoint: { url: '' } };

/**
 * "Settings saved", where the user is looking: a banner at the top that takes
 * focus (and so scrolls into view) once per save, never on a re-render.
 */
function SavedBanner({ n, sealed }: { n: number; sealed: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [n]);
  return (
    <div
      class="success-banner"
      role="status"
      tabIndex={-1}
      ref={ref}
      aria-labelledby="saved-title"
      data-testid="settings-saved"
    >
      <h2 id="saved-title">Settings saved.</h2>
      {sealed && <p>Each finished record is locked before it is queued, so only the receiving team can open it.</p>}
    </div>
  );
}

export function SettingsScreen({ persisted }: { persisted?: boolean | undefined } = {}) {
  const { db, sync, setSaveStatus } = useApp();
  const [savedCount, setSavedCount] = useState(0);
  const [dirty, setDirty] = useState(false);
  // The header's save status speaks for this screen's edits while it is open.
  // (Only ever resets what this screen set: a draft's save error elsewhere is not papered over.)
  const wasDirty = useRef(false);
  useEffect(() => {
    if (dirty) setSaveStatus('unsaved', 'Settings changed: press Save settings to keep them.');
    else if (wasDirty.current) setSaveStatus('saved');
    wasDirty.current = dirty;
  }, [dirty]);
  useEffect(
    () => () => {
      if (wasDirty.current) setSaveStatus('saved');
    },
    [],
  );
  const [s, setS] = useState<Settings>();
  const [errors, setErrors] = useState<{ itemId: string; message: string }[]>([]);
  const [saved, setSaved] = useState(false);
  const [tries, setTries] = useState(0);
  const [policy, setPolicy] = useState<LockPolicy>(loadPolicy);
  const [endpoint, setEndpoint] = useState<Endpoint>();
  const [erase, setErase] = useState(true);
  useEffect(() => void eraseAfterFailures().then(setErase), []);
  useEffect(() => {
    loadSettings(db).then((x) => setS(x ?? EMPTY));
    loadEndpoint(db).then((e) => setEndpoint(e ?? { url: '' }));
  }, [db]);
  if (!s) return <p aria-busy="true">Opening…</p>;

  const field = (id: string, label: string, value: string, set: (v: string) => void, hint?: string, type = 'text') => (
    <div class={`field${errors.some((e) => e.itemId === id) ? ' has-error' : ''}`} id={`field-${id}`}>
      <label class="label" for={id}>
        {label}
      </label>
      {hint && (
        <div class="hint" id={`${id}-hint`}>
          {hint}
        </div>
      )}
      {errors
        .filter((e) => e.itemId === id)
        .map((e) => (
          <p class="field-error" key={e.message}>
            <span class="visually-hidden">Error:</span> {e.message}
          </p>
        ))}
      <input
        id={id}
        class="input"
        type={type}
        autocomplete="off"
        aria-describedby={hint ? `${id}-hint` : undefined}
        value={value}
        onInput={(e) => set((e.target as HTMLInputElement).value)}
      />
    </div>
  );
  const edited = () => {
    setDirty(true);
    setSaved(false);
  };
  const setAuthor = (k: keyof Settings['author']) => (v: string) => {
    edited();
    setS({ ...s, author: { ...s.author, [k]: v } });
  };
  const editPolicy = (p: LockPolicy) => {
    edited();
    setPolicy(p);
  };

  return (
    <>
      <h1 tabIndex={-1}>Settings</h1>
      <ErrorSummary errors={errors} focusKey={tries} />
      {saved && <SavedBanner n={savedCount} sealed={!!endpoint?.publicKey} />}
      <form
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          const errs: { itemId: string; message: string }[] = [];
          const a = authorProblem(s.author);
          if (a) errs.push({ itemId: 'author-name', message: 'Enter your name' });
          const bounds: [keyof LockPolicy, string, number, number][] = [
            ['idleMinutes', 'policy-idle', 1, 60],
            ['hiddenGraceSeconds', 'policy-grace', 0, 600],
            ['deliveredRetentionDays', 'policy-retention', 1, 90],
            ['draftPromptDays', 'policy-drafts', 1, 90],
          ];
          for (const [k, id, min, max] of bounds)
            if (!Number.isInteger(policy[k]) || policy[k] < min || policy[k] > max)
              errs.push({ itemId: id, message: `Enter a whole number from ${min} to ${max}` });
          setErrors(errs);
          setTries((n) => n + 1);
          setSaved(false);
          if (errs.length) return;
          try {
            await saveAuthor(db, {
              name: s.author.name.trim(),
              role: s.author.role.trim(),
              organisation: s.author.organisation.trim(),
              contact: s.author.contact.trim(),
            });
            savePolicy(policy);
            await setEraseAfterFailures(erase);
            setSaved(true);
            setSavedCount((n) => n + 1);
            setDirty(false);
            void sync?.sendNow();
          } catch (err) {
            setErrors([{ itemId: 'author-name', message: describeStorageError(err).message }]);
          }
        }}
      >
        <h2>About you</h2>
        <p class="hint">Sent with every submission so the receiving team can contact you.</p>
        {field('author-name', 'Your name', s.author.name, setAuthor('name'))}
        {field(
          'author-role',
          'Your role',
          s.author.role,
          setAuthor('role'),
          'For example: school nurse, paramedic, youth worker',
        )}
        {field('author-org', 'Organisation', s.author.organisation, setAuthor('organisation'))}
        {field(
          'author-contact',
          'Contact details',
          s.author.contact,
          setAuthor('contact'),
          'A work phone number or secure e-mail address',
        )}
        <h2>Where finished records are sent</h2>
        {endpoint && <EnrolmentState endpoint={endpoint} />}
        <h2>Security on this device</h2>
        {field(
          'policy-idle',
          'Lock after this many minutes without use',
          String(policy.idleMinutes),
          (v) => editPolicy({ ...policy, idleMinutes: Number(v) }),
          '1 to 60; takes effect at the next unlock.',
          'number',
        )}
        {field(
          'policy-grace',
          'Lock when the app has been in the background this many seconds',
          String(policy.hiddenGraceSeconds),
          (v) => editPolicy({ ...policy, hiddenGraceSeconds: Number(v) }),
          'A phone lost with the app open locks this soon. 0 to 600; takes effect at the next unlock.',
          'number',
        )}
        <div class="field">
          <div class="options">
            <label class={`option${erase ? ' checked' : ''}`} for="policy-erase">
              <input
                id="policy-erase"
                type="checkbox"
                checked={erase}
                onChange={(e) => (setErase((e.target as HTMLInputElement).checked), setDirty(true))}
                aria-describedby="policy-erase-hint"
              />
              <span class="option-label">Erase this device’s records after {ERASE_AFTER} wrong passcodes in a row</span>
            </label>
          </div>
          <div class="hint" id="policy-erase-hint">
            Recommended. Unfinished drafts are lost; finished records waiting in the Outbox are still sent.
          </div>
        </div>
        {field(
          'policy-retention',
          'Remove a delivered record’s details from this device after this many days',
          String(policy.deliveredRetentionDays),
          (v) => editPolicy({ ...policy, deliveredRetentionDays: Number(v) }),
          'The receipt is kept; the record is safe in the MASH inbox. 1 to 90.',
          'number',
        )}
        {field(
          'policy-drafts',
          'Remind me about unfinished drafts older than this many days',
          String(policy.draftPromptDays),
          (v) => editPolicy({ ...policy, draftPromptDays: Number(v) }),
          '1 to 90',
          'number',
        )}
        <button type="submit" class="button">
          Save settings
        </button>
      </form>
      {persisted === false && (
        <section aria-labelledby="storage-title" data-testid="storage-settings">
          <h2 id="storage-title">Storage on this device</h2>
          <StorageWhy />
          <InstallAction />
        </section>
      )}
    </>
  );
}
