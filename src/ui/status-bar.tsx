// Always visible: online / offline, and whether the latest change is saved.
import { useEffect, useState } from 'preact/hooks';
import type { SaveStatus } from '../store/autosave.ts';

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

export function StatusBar(props: { save: SaveStatus; saveMessage?: string; persisted?: boolean | undefined }) {
  const online = useOnline();
  const saveText = props.save === 'saving' ? 'Saving…' : props.save === 'error' ? 'Not saved yet' : 'All changes saved';
  return (
    <div class="status-bar" role="status" aria-live="polite">
      <span class={`pill ${online ? 'ok' : 'warn'}`} data-testid="network-status">
        {online ? 'Online' : 'Offline – working on this device'}
      </span>
      <span class={`pill ${props.save === 'error' ? 'bad' : props.save === 'saving' ? 'busy' : 'ok'}`} data-testid="save-status">
        {saveText}
      </span>
      {props.save === 'error' && props.saveMessage && <span class="status-message">{props.saveMessage}</span>}
      {props.persisted === false && (
        <span class="status-message" data-testid="persist-refused">
          This browser has not granted lasting storage: records could be cleared if the device runs short of space. Add the app to the home screen, and send finished records promptly.
        </span>
      )}
    </div>
  );
}
