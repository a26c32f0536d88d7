// The browser's offer to install the app (Chromium's beforeinstallprompt), kept
// from the first moment the page runs so the storage notice can offer it later.
// Safari has no such event: there the notice says how to add the app to the home screen.

interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

let offer: BeforeInstallPromptEvent | undefined;
const listeners = new Set<() => void>();
const changed = () => listeners.forEach((f) => f());

/** Called once by the entry script, before anything else can miss the event. */
export function keepInstallOffer(): void {
  addEventListener('beforeinstallprompt', (e) => {
    e.preventDefault(); // our own button offers it, at a moment that makes sense
    offer = e as BeforeInstallPromptEvent;
    changed();
  });
  addEventListener('appinstalled', () => {
    offer = undefined;
    changed();
  });
}

export const canOfferInstall = (): boolean => offer !== undefined;

/** True when running as the installed app (home screen), not in a browser tab. */
export function runsInstalled(): boolean {
  return (
    matchMedia?.('(display-mode: standalone)').matches === true ||
    (navigator as { standalone?: boolean }).standalone === true
  );
}

export function onInstallOfferChange(f: () => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}

/** Shows the browser's install prompt; 'unavailable' when the browser offers none. */
export async function offerInstall(): Promise<'accepted' | 'dismissed' | 'unavailable'> {
  if (!offer) return 'unavailable';
  const o = offer;
  offer = undefined;
  changed();
  await o.prompt();
  return (await o.userChoice).outcome;
}
