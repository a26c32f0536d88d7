// Always visible: online / offline, and whether the latest change is saved.
import { useEffect, useState } from 'preact/hooks';
import type { HeaderSaveStatus } from './context.ts';

export function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const up = () => setOnline(true);
    const down = () => setOnline(false);
    addEventListener('online', up);
    addEventListener('offline', down);
    return () => {
      removeEventListener('online', up);
      removeEventListener('offline', down);
    };
  }, []);
  return online;
}

export function StatusBar(props: { save: HeaderSaveStatus; saveMessage?: string | undefined }) {
  const online = useOnline();
  // Never "All changes saved" over edits a screen holds unsaved (Settings until Save).
  const saveText =
    props.save === 'saving'
      ? 'Saving…'
      : props.save === 'error' || props.save === 'unsaved'
        ? 'Not saved yet'
        : 'All changes saved';
  return (
    <div class="status-bar" role="status" aria-live="polite">
      <span class={`pill ${online ? 'ok' : 'warn'}`} data-testid="network-status">
        {online ? (
          'Online'
        ) : (
          <>
            Offline<span class="pill-detail"> – working on this device</span>
          </>
        )}
      </span>
      <span
        class={`pill ${props.save === 'error' ? 'bad' : props.save === 'unsaved' ? 'warn' : props.save === 'saving' ? 'busy' : 'ok'}`}
        data-testid="save-status"
      >
        {saveText}
      </span>
      {(props.save === 'error' || props.save === 'unsaved') && props.saveMessage && (
        <span class="status-message">{props.saveMessage}</span>
      )}
    </div>
  );
}
