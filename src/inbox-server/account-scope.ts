// Which accounts an admin may manage. An admin limited to some areas could otherwise
// widen its own limits (teams: [] means every area) or take over an admin who covers
// more (a new set-password link, a second-factor reset), and through either read other
// areas' children. So an admin manages an account only when its own areas cover every
// area that account covers, before and after the change; an admin of every area
// manages any account.
import { areasOf } from '../domain/index.ts';
import type { User } from './accounts.ts';

type Scope = Pick<User, 'teams' | 'regions'>;

const unlimited = (s: Scope): boolean => s.teams.length === 0 && s.regions.length === 0;
// Names as typed may differ in case or spacing from the directory's (the account store keeps the directory's).
const key = (name: string): string => name.trim().replace(/\s+/g, ' ').toLowerCase();

/** True when every area `target` covers is covered by `by`. */
export function covers(by: Scope, target: Scope): boolean {
  if (unlimited(by)) return true;
  if (unlimited(target)) return false;
  const teams = new Set([...by.teams, ...by.regions.flatMap((r) => areasOf(r))].map(key));
  const regions = new Set(by.regions.map(key));
  return target.regions.every((r) => regions.has(key(r))) && target.teams.every((t) => teams.has(key(t)));
}
