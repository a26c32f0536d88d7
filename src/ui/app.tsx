// The app shell: status bar, update prompt and the current screen.
import { useEffect, useLayoutEffect, useMemo, useState } from 'preact/hooks';
import { focusHeading } from '../shared-ui/hash-router.ts';
import type { CseDb } from '../store/db.ts';
import type { SyncController } from '../sync/triggers.ts';
import { EnrolScreen } from './enrol.tsx';
import { OutboxScreen } from './outbox.tsx';
import { SettingsScreen } from './settings.tsx';
import { CheckAnswers } from './check.tsx';
import { AppContext, type HeaderSaveStatus } from './context.ts';
import { History } from './history.tsx';
import { Home } from './home.tsx';
import { RecordView } from './record-view.tsx';
import { ResultView } from './result.tsx';
import { type Route, go, href, useRoute } from './router.ts';
import { DamagedRecord } from './damaged.tsx';
import { LeaveGuard } from './leave-guard.tsx';
import { Runner } from './runner.tsx';
import { Start } from './start.tsx';
import { StatusBar } from './status-bar.tsx';
import { safariNotOnHomeScreen } from './home-screen-note.tsx';
import { StorageNotice } from './storage-notice.tsx';
import { useRecord } from './use-record.ts';

function RecordScreen({ route }: { route: Extract<Route, { recordId: string }> }) {
  const { record, loading, error } = useRecord(route.recordId);
  if (loading) return <p aria-busy="true">Opening…</p>;
  if (!record) return <p class="field-error">{error}</p>;
  if (record._damage) return <DamagedRecord record={record} onDeleted={() => go({ name: 'home' })} />;
  if (route.name === 'run' || route.name === 'check' || route.name === 'record') {
    // A finished record opens read-only, never its form or its check page.
    if (record.state === 'final') return <RecordView record={record} />;
    if (route.name === 'record')
      return (
        <p>
          This record is not finished yet. <a href={href({ name: 'run', recordId: record.id })}>Continue it</a>.
        </p>
      );
    return route.name === 'run' ? (
      <Runner
        key={`${record.id}-${route.section}`}
        record={record}
        section={route.section}
        change={route.change === true}
      />
    ) : (
      <CheckAnswers record={record} />
    );
  }
  if (route.name === 'history') return <History record={record} />;
  if (record.state === 'final' && !record.result) return <RecordView record={record} />; // details removed under the retention policy
  if (record.state !== 'final' || !record.result)
    return (
      <p>
        This record is not finished yet. <a href={href({ name: 'run', recordId: record.id })}>Continue it</a>.
      </p>
    );
  return <ResultView record={record} result={record.result} />;
}

export function App(props: {
  db: CseDb;
  sync?: SyncController | undefined;
  persisted?: boolean | undefined;
  storageError?: string | undefined;
  updateReady?: (() => void) | undefined;
  onLock?: (() => void) | undefined;
}) {
  const route = useRoute();
  const [save, setSave] = useState<{ status: HeaderSaveStatus; message?: string | undefined }>({ status: 'saved' });
  const [waiting, setWaiting] = useState(0);
  const ctx = useMemo(
    () => ({
      db: props.db,
      sync: props.sync,
      setSaveStatus: (status: HeaderSaveStatus, message?: string) => setSave({ status, message }),
    }),
    [props.db, props.sync],
  );
  useEffect(() => props.sync?.subscribe(setWaiting), [props.sync]);

  // The app is drawn in place of the passcode screen, which a phone has often scrolled down to
  // its second field: start at the top, as a page load does, or Home opens with its heading and
  // Call 999 above the screen. Focus goes to the heading as on any change of screen.
  useLayoutEffect(() => {
    scrollTo(0, 0);
    focusHeading();
  }, []);

  // Warn before the tab closes with a change not yet written.
  useEffect(() => {
    const guard = (e: BeforeUnloadEvent) => {
      if (save.status !== 'saved') e.preventDefault();
    };
    addEventListener('beforeunload', guard);
    return () => removeEventListener('beforeunload', guard);
  }, [save.status]);

  return (
    <AppContext.Provider value={ctx}>
      <a
        class="skip-link"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to main content
      </a>
      <header class="header">
        <a class="brand" href="#/">
          CSE<span class="brand-rest"> Screen</span>
        </a>
        <nav class="nav" aria-label="Main">
          <a href={href({ name: 'outbox' })} data-testid="outbox-link">
            Outbox
            {waiting > 0 && (
              <span class="badge" data-testid="outbox-badge">
                {waiting}
                <span class="visually-hidden"> waiting to send</span>
              </span>
            )}
          </a>
          <a href={href({ name: 'settings' })}>Settings</a>
          {props.onLock && (
            <button type="button" class="nav-button" onClick={props.onLock}>
              Lock
            </button>
          )}
        </nav>
        <StatusBar save={save.status} saveMessage={save.message} />
      </header>
      {props.updateReady && (
        <div class="update-banner" role="status">
          A new version is ready. Your work is saved.{' '}
          <button type="button" class="button secondary" onClick={props.updateReady}>
            Update now
          </button>
        </div>
      )}
      <main id="main" tabIndex={-1} class="main">
        <LeaveGuard saveMessage={save.message} saved={save.status === 'saved'} />
        {props.storageError ? (
          <div class="error-summary" role="alert">
            <h1 tabIndex={-1}>Records cannot be stored on this device</h1>
            <p>{props.storageError}</p>
          </div>
        ) : route.name === 'home' ? (
          <>
            <Home />
            {/* In Safari on an iPhone or iPad, Home's own note says the same, with Safari's steps. */}
            {!safariNotOnHomeScreen() && <StorageNotice persisted={props.persisted} />}
          </>
        ) : route.name === 'settings' ? (
          <SettingsScreen persisted={props.persisted} />
        ) : route.name === 'outbox' ? (
          <OutboxScreen />
        ) : route.name === 'enrol' ? (
          <EnrolScreen code={route.code} />
        ) : route.name === 'start' ? (
          <Start instrumentId={route.instrumentId} previousId={route.previousId} />
        ) : (
          // Keyed by section too: each page reads the record afresh from the store, so it
          // never starts from a snapshot older than what the previous page saved.
          <RecordScreen
            key={`${route.name}:${route.recordId}:${route.name === 'run' ? route.section : ''}`}
            route={route}
          />
        )}
      </main>
    </AppContext.Provider>
  );
}
