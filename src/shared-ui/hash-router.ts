// Hash routing for both pages (the practitioners' app and the reviewers' inbox).
// Each page declares its routes and how to read them from the address; this
// module follows the address and moves focus to the new screen's heading, as a
// page load would. Only opaque ids ever go in an address: no child data in URLs
// (they end up in history and logs).
import { useEffect, useRef, useState } from 'preact/hooks';

const isField = (el: Element | null): boolean =>
  !!el?.matches('input, textarea, select, [contenteditable]:not([contenteditable="false"])');

/**
 * Moves focus to the new screen's heading once it is drawn, as a page load would,
 * but only when the person has not moved on: focus is still on the page itself,
 * or still on the link or button that led here (and that is not a field). In
 * Safari's engine the frame can land mid-word in a field of the new screen, and
 * the rest of the word went to the heading.
 */
export function focusHeading(): void {
  const from = document.activeElement;
  requestAnimationFrame(() => {
    const at = document.activeElement;
    if (!at || at === document.body || (at === from && !isField(at)))
      document.querySelector<HTMLElement>('main h1')?.focus();
  });
}

/** The routers on this page that draw a move at once; false from one holds the move. */
const followers = new Set<(to: string) => boolean>();

/**
 * Moves to `hash` and draws the new screen in the same task, not a task later on
 * `hashchange` (a page change of the form within one frame). The address changes as
 * with `location.hash = hash`; a move the router holds leaves it where it is.
 */
export function navigate(hash: string): void {
  if (location.hash === hash) return;
  for (const follow of followers) if (!follow(hash)) return;
  location.hash = hash;
}

/**
 * The route the address names, followed as it changes. `hold(to)` may keep the
 * screen where it is (the app has a change it could not write yet): the address
 * is put back without a navigation.
 */
export function useHashRoute<R>(parse: (hash: string) => R, hold?: (to: string) => boolean): R {
  const [route, setRoute] = useState(() => parse(location.hash));
  const drawn = useRef(location.hash);
  useEffect(() => {
    const show = (to: string) => {
      drawn.current = to;
      setRoute(parse(to));
      focusHeading();
    };
    const on = (e: HashChangeEvent) => {
      const to = location.hash;
      if (to === drawn.current) return; // drawn already, by navigate()
      if (hold && e.oldURL !== e.newURL && hold(to)) {
        history.replaceState(history.state, '', e.oldURL);
        return;
      }
      show(to);
    };
    const follow = (to: string) => {
      if (hold?.(to)) return false;
      show(to);
      return true;
    };
    addEventListener('hashchange', on);
    followers.add(follow);
    return () => {
      removeEventListener('hashchange', on);
      followers.delete(follow);
    };
  }, [parse, hold]);
  return route;
}
