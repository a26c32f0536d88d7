// The page's only script. index.html paints a static shell (the name, the 999
// line) from HTML and CSS alone; this waits for that first paint and only then
// runs the first screen (main.tsx: Preact, the vault). Its chunks are named in
// index.html as module preloads (vite.config.ts), so they are fetched and
// compiled while the shell paints, not one step after it (cold start, online,
// about 30 ms sooner in runs taken in turn).
// Parsing and running ~90 KB of script before the first paint held it back
// about a second on a mid-range phone (Lighthouse's simulated 4× CPU); after
// it, the shell is on screen while the passcode screen loads (as Squoosh
// paints its intro before its lazy parts).
import './shared-ui/styles.css';

// A page opened in the background gets no animation frames until it is shown: the timer makes
// sure the first screen still loads (and is ready when the page is shown).
const afterFirstPaint = () =>
  new Promise<void>((r) => (requestAnimationFrame(() => setTimeout(r, 0)), setTimeout(r, 250)));
void afterFirstPaint().then(() => import('./main.tsx'));
