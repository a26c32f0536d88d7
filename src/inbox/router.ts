// Hash routes for the inbox. Only opaque ids appear in the URL (never a
// child's reference); the set-password token is in the fragment, which the
// browser never sends to a server or puts in a Referer.
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { name: 'list' }
  | { name: 'referral'; id: string }
  | { name: 'audit' }
  | { name: 'users' }
  | { name: 'set-password'; token: string };

export function parse(hash: string): Route {
  const [a, b] = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (a === 'referral' && b) return { name: 'referral', id: b };
  if (a === 'audit') return { name: 'audit' };
  if (a === 'users') return { name: 'users' };
  if (a === 'set-password' && b) return { name: 'set-password', token: b };
  return { name: 'list' };
}

export function href(r: Route): string {
  switch (r.name) {
    case 'list':
      return '#/';
    case 'referral':
      return `#/referral/${r.id}`;
    case 'audit':
      return '#/audit';
    case 'users':
      return '#/users';
    case 'set-password':
      return `#/set-password/${r.token}`;
  }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parse(location.hash));
  useEffect(() => {
    const on = () => {
      setRoute(parse(location.hash));
      // Move focus to the new screen's heading, as a page load would, unless the person has already moved
      // on: only from the page itself (body) or the link or button that led here, never out of a field.
      const from = document.activeElement;
      requestAnimationFrame(() => {
        const at = document.activeElement;
        const field = at?.matches('input, textarea, select, [contenteditable]:not([contenteditable="false"])');
        if (!at || at === document.body || (at === from && !field))
          document.querySelector<HTMLElement>('main h1')?.focus();
      });
    };
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}
