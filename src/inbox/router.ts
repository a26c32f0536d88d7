// Hash routes for the inbox. Only opaque ids appear in the URL (never a
// child's reference); the set-password token is in the fragment, which the
// browser never sends to a server or puts in a Referer.
import { useHashRoute } from '../shared-ui/hash-router.ts';

import type { ListView } from '../contract/inbox-api.ts';

export type Route =
  | { name: 'list'; view?: ListView }
  | { name: 'referral'; id: string }
  | { name: 'audit' }
  | { name: 'entries' }
  | { name: 'users' }
  | { name: 'set-password'; token: string };

export function parse(hash: string): Route {
  const [a, b] = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (a === 'referral' && b) return { name: 'referral', id: b };
  if (a === 'view' && b && ['queue', 'mine', 'review', 'actioned', 'closed', 'all'].includes(b))
    return { name: 'list', view: b as ListView };
  if (a === 'audit') return { name: 'audit' };
  if (a === 'entries') return { name: 'entries' };
  if (a === 'users') return { name: 'users' };
  if (a === 'set-password' && b) return { name: 'set-password', token: b };
  return { name: 'list' };
}

export function href(r: Route): string {
  switch (r.name) {
    case 'list':
      return r.view && r.view !== 'queue' ? `#/view/${r.view}` : '#/';
    case 'referral':
      return `#/referral/${r.id}`;
    case 'audit':
      return '#/audit';
    case 'entries':
      return '#/entries';
    case 'users':
      return '#/users';
    case 'set-password':
      return `#/set-password/${r.token}`;
  }
}

export function useRoute(): Route {
  return useHashRoute(parse);
}
