// When the browser will not promise to keep the app's storage: explained once
// (on Home, after the tools), with the one thing that helps: install the app.
// Dismissed, it is not shown again on this device; Settings keeps the same
// explanation for later.
import { useEffect, useState } from 'preact/hooks';
import { canOfferInstall, offerInstall, onInstallOfferChange, runsInstalled } from './install-prompt.ts';

const SEEN = 'cse-storage-notice-seen';

function seen(): boolean {
  try {
    return localStorage.getItem(SEEN) === '1';
  } catch {
    return false;
  }
}

function useInstallOffer(): boolean {
  const [can, setCan] = useState(canOfferInstall);
  useEffect(() => onInstallOfferChange(() => setCan(canOfferInstall())), []);
  return can;
}

/** The install action: the browser's own prompt where it offers one, else how to add the app to the home screen. */
export function InstallAction({ onInstalled }: { onInstalled?: () => void }) {
  const can = useInstallOffer();
  if (runsInstalled()) return <p>The app is installed on this device.</p>;
  if (can)
    return (
      <button
        type="button"
        class="button"
        data-testid="install-app"
        onClick={async () => {
          if ((await offerInstall()) === 'accepted') {
            await navigator.storage?.persist?.().catch(() => false);
            onInstalled?.();
          }
        }}
      >
        Install the app
      </button>
    );
  return (
    <ul class="install-how" data-testid="install-how">
      <li>
        <strong>iPad or iPhone (Safari):</strong> tap the Share button, then <em>Add to Home Screen</em>.
      </li>
      <li>
        <strong>Android (Chrome):</strong> open the menu (⋮), then <em>Install app</em> or <em>Add to Home screen</em>.
      </li>
      <li>
        <strong>Computer (Chrome or Edge):</strong> the install button at the right of the address bar.
      </li>
    </ul>
  );
}

export function StorageWhy() {
  return (
    <p>
      This browser has not promised to keep what the app stores: if the device runs short of space it could clear drafts
      and finished records that are not yet sent. Installed on the home screen, the app keeps them. Until then, send
      finished records promptly.
    </p>
  );
}

/** Shown once where storage is not guaranteed, until the practitioner installs the app or says they have read it. */
export function StorageNotice({ persisted }: { persisted: boolean | undefined }) {
  const [hidden, setHidden] = useState(seen);
  if (persisted !== false || hidden || runsInstalled()) return null;
  const done = () => {
    try {
      localStorage.setItem(SEEN, '1');
    } catch {
      // Private mode: shown again next time, no harm.
    }
    setHidden(true);
  };
  return (
    <section class="storage-notice" aria-labelledby="storage-notice-title" data-testid="storage-notice">
      <h2 id="storage-notice-title">Install the app to keep your records safe</h2>
      <StorageWhy />
      <InstallAction onInstalled={done} />
      <button type="button" class="button secondary" data-testid="storage-notice-ok" onClick={done}>
        Got it, don’t show again
      </button>
    </section>
  );
}
