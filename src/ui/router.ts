// Hash routes. Only opaque record ids and instrument ids ever appear in the
// URL: no child data in URLs (they end up in history and logs).
import { navigate, useHashRoute } from '../shared-ui/hash-router.ts';

export type Route =
  | { name: 'home' }
  | { name: 'start'; instrumentId: string; previousId?: string }
  /** `change`: opened from Check answers, so Continue returns there. */
  | { name: 'run'; recordId: string; section?: number; change?: boolean }
  | { name: 'check'; recordId: string }
  | { name: 'result'; recordId: string }
  /** A finished record, read-only: every answer, and the printable document. */
  | { name: 'record'; recordId: string }
  | { name: 'history'; recordId: string }
  | { name: 'settings' }
  | { name: 'outbox' }
  /** The administrator's one-time enrolment link; the code is in the fragment, never sent to a server. */
  | { name: 'enrol'; code?: string };

export function parse(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [a, b, c, d] = parts;
  if (a === 'start' && b)
    return c ? { name: 'start', instrumentId: b, previousId: c } : { name: 'start', instrumentId: b };
  if (a === 'record' && b && c === 'check') return { name: 'check', recordId: b };
  if (a === 'record' && b && c === 'result') return { name: 'result', recordId: b };
  if (a === 'record' && b && c === 'view') return { name: 'record', recordId: b };
  if (a === 'record' && b && c === 'history') return { name: 'history', recordId: b };
  if (a === 'record' && b && c && /^\d+$/.test(c))
    return d === 'change'
      ? { name: 'run', recordId: b, section: Number(c), change: true }
      : { name: 'run', recordId: b, section: Number(c) };
  if (a === 'record' && b) return { name: 'run', recordId: b };
  if (a === 'settings') return { name: 'settings' };
  if (a === 'outbox') return { name: 'outbox' };
  if (a === 'enrol' || a?.startsWith('enrol?')) {
    const code = new URLSearchParams(a.split('?')[1] ?? '').get('code');
    return code ? { name: 'enrol', code } : { name: 'enrol' };
  }
  return { name: 'home' };
}

export function href(route: Route): string {
  switch (route.name) {
    case 'home':
      return '#/';
    case 'start':
      return `#/start/${encodeURIComponent(route.instrumentId)}${route.previousId ? `/${route.previousId}` : ''}`;
    case 'run':
      return `#/record/${route.recordId}${route.section !== undefined ? `/${route.section}${route.change ? '/change' : ''}` : ''}`;
    case 'check':
      return `#/record/${route.recordId}/check`;
    case 'result':
      return `#/record/${route.recordId}/result`;
    case 'record':
      return `#/record/${route.recordId}/view`;
    case 'history':
      return `#/record/${route.recordId}/history`;
    case 'settings':
      return '#/settings';
    case 'outbox':
      return '#/outbox';
    case 'enrol':
      return route.code ? `#/enrol?code=${encodeURIComponent(route.code)}` : '#/enrol';
  }
}

/** Returns true to hold a move to `to` (the app has a change it could not write yet). */
type LeaveGuardFn = (to: string) => boolean;
let leaveGuard: LeaveGuardFn | undefined;

export function setLeaveGuard(fn: LeaveGuardFn): () => void {
  leaveGuard = fn;
  return () => {
    if (leaveGuard === fn) leaveGuard = undefined;
  };
}

export function go(route: Route): void {
  navigate(href(route));
}

const holdForGuard = (to: string): boolean => leaveGuard?.(to) ?? false;

export function useRoute(): Route {
  return useHashRoute(parse, holdForGuard);
}
