// On an iPhone or iPad, Safari clears what a website keeps (here: the records, drafts and
// settings) when the site has not been opened for some days, unless it was added to the Home
// Screen. There is no Background Sync there either, so records go only while the app is open.
// Shown on Home once, in Safari on an iPhone or iPad when the app was not opened from the Home
// Screen, until the practitioner says they have read it. Grey, not red: red is for 999.
import { useState } from 'preact/hooks';

const SEEN_KEY = 'cse-screen.home-screen-note';

export interface BrowserFacts {
  userAgent: string;
  maxTouchPoints: number;
  /** Safari's own flag: opened from the Home Screen. */
  standalone?: boolean | undefined;
  /** display-mode: standalone (an installed web app). */
  displayStandalone: boolean;
}

function facts(): BrowserFacts | undefined {
  if (typeof navigator === 'undefined') return undefined;
  return {
    userAgent: navigator.userAgent,
    maxTouchPoints: navigator.maxTouchPoints ?? 0,
    standalone: (navigator as Navigator & { standalone?: boolean }).standalone,
    displayStandalone: typeof matchMedia === 'function' && matchMedia('(display-mode: standalone)').matches,
  };
}

/** 'iPhone' or 'iPad' when this is Safari there and the app was not opened from the Home Screen. */
export function safariNotOnHomeScreen(f: BrowserFacts | undefined = facts()): 'iPhone' | 'iPad' | undefined {
  if (!f || f.standalone === true || f.displayStandalone) return undefined;
  const ua = f.userAgent;
  // Safari itself: other browsers on iOS name themselves (Chrome, Firefox, Edge, Opera).
  if (!/Safari\//.test(ua) || /CriOS|FxiOS|EdgiOS|OPiOS|GSA\//.test(ua)) return undefined;
  if (/iPhone|iPod/.test(ua)) return 'iPhone';
  // An iPad says "iPad", or, by default since iPadOS 13, passes for a Mac with a touch screen.
  if (/iPad/.test(ua) || (/Macintosh/.test(ua) && f.maxTouchPoints > 1)) return 'iPad';
  return undefined;
}

function seen(): boolean {
  try {
    return localStorage.getItem(SEEN_KEY) === 'seen';
  } catch {
    return false;
  }
}

export function HomeScreenNote({ device = safariNotOnHomeScreen() }: { device?: 'iPhone' | 'iPad' | undefined }) {
  const [hidden, setHidden] = useState(seen);
  if (!device || hidden) return null;
  return (
    <section class="inset" aria-labelledby="home-screen-note-title" data-testid="home-screen-note">
      <h2 id="home-screen-note-title">Keep your records on this {device}</h2>
      <p>
        If this app is not opened for a few days, Safari may delete the records, drafts and settings it keeps on this{' '}
        {device}. Records waiting to be sent only go while the app is open.
      </p>
      <p>To stop this, add the app to your Home Screen:</p>
      <ol>
        <li>Tap the Share button (a square with an arrow pointing up).</li>
        <li>Tap “Add to Home Screen”, then “Add”.</li>
        <li>From now on, open CSE Screen from its icon on the Home Screen.</li>
      </ol>
      <p>Best done before you start: the app on the Home Screen may open without the records kept here in Safari.</p>
      <button
        type="button"
        class="button secondary"
        onClick={() => {
          try {
            localStorage.setItem(SEEN_KEY, 'seen');
          } catch {
            /* private browsing: shown again next time */
          }
          setHidden(true);
        }}
      >
        I understand
      </button>
    </section>
  );
}
