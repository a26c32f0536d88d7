// The inbox API's shapes, shared by the inbox server (which answers with them)
// and the inbox page (which reads them), so the two cannot drift apart.
// Types and constants only.

export type ReviewState = 'new' | 'in-review' | 'actioned' | 'needs-information';

export const REVIEW_STATES: { id: ReviewState; label: string }[] = [
  { id: 'new', label: 'New' },
  { id: 'in-review', label: 'In review' },
  { id: 'actioned', label: 'Actioned' },
  { id: 'needs-information', label: 'Needs more information' },
];

/** Allowed moves. A finished review can be reopened (with a note saying why). */
export const TRANSITIONS: Record<ReviewState, ReviewState[]> = {
  new: ['in-review'],
  'in-review': ['actioned', 'needs-information'],
  'needs-information': ['in-review'],
  actioned: ['in-review'],
};

/** One referral as the inbox indexes it: the server's reading, never the device's claim. */
export interface ReferralRow {
  id: string;
  childRef: string;
  receivedAt: string;
  priority: number;
  severity: number | null;
  level: string | null;
  safety: string[];
  instrumentId: string;
  kind: string;
  region: string;
  areaTeam: string | null;
  /** Where the area came from: the answers, the sending device's enrolled area, the region (it has one), a reviewer, or none. */
  areaFrom: 'answers' | 'device' | 'region' | 'reviewer' | 'none';
  /** The region routes by area and this one has none yet: it waits in the region's 'no area' queue. */
  needsArea: boolean;
  disagreement: boolean;
  reviewState: ReviewState;
  reviewBy: string | null;
  reviewAt: string | null;
}

/** A row as the list shows it. */
export interface ListItem extends ReferralRow {
  instrumentTitle: string;
  waitedMs: number;
}

/** A change of a referral's area by a reviewer or an admin, with the note saying why. */
export interface AreaChange {
  id: number;
  from: string | null;
  to: string;
  userEmail: string;
  note: string;
  at: string;
}

export interface Facets {
  regions: string[];
  teams: string[];
  instruments: string[];
  levels: string[];
}

export interface ListPage {
  items: ListItem[];
  next: string | null;
  newCount: number;
  facets: Facets;
}

export interface ReviewEvent {
  id: number;
  from: ReviewState;
  to: ReviewState;
  userEmail: string;
  note: string;
  at: string;
}

export type Role = 'reviewer' | 'admin';
export const ROLES: Role[] = ['reviewer', 'admin'];

/** A reviewer's or an admin's account, as the inbox shows it (never its password or links). */
export interface Account {
  id: string;
  email: string;
  role: Role;
  /** Area teams this account may read; with regions, empty both = every referral. */
  teams: string[];
  regions: string[];
  createdAt: string;
  disabled: boolean;
  hasPassword: boolean;
  /** An authenticator app enrolled (with a set-password link): without one the account cannot sign in. */
  hasSecondFactor: boolean;
}

/** A line of the audit as the audit screen shows it. */
export interface AuditLine {
  id: number;
  at: string;
  actor: string;
  action: string;
  submissionId: string | null;
  detail: string | null;
  address: string;
}
