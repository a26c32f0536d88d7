// The inbox API's shapes, shared by the inbox server (which answers with them)
// and the inbox page (which reads them), so the two cannot drift apart.
// Types and constants only.

export type ReviewState = 'new' | 'in-review' | 'actioned' | 'needs-information' | 'closed';

export const REVIEW_STATES: { id: ReviewState; label: string }[] = [
  { id: 'new', label: 'New' },
  { id: 'in-review', label: 'In review' },
  { id: 'actioned', label: 'Actioned' },
  { id: 'needs-information', label: 'Needs more information' },
  { id: 'closed', label: 'Closed – no further action' },
];

/**
 * Allowed moves. A finished review (actioned, or closed with no further action) can be reopened, with a
 * note saying why; closing always takes a reason (the note).
 */
export const TRANSITIONS: Record<ReviewState, ReviewState[]> = {
  new: ['in-review', 'closed'],
  'in-review': ['actioned', 'needs-information', 'closed'],
  'needs-information': ['in-review', 'closed'],
  actioned: ['in-review'],
  closed: ['in-review'],
};

/**
 * The queue's views: what needs a decision (new, needs more information), in review (mine, everyone's),
 * actioned, closed; 'all' is every state (for a search across them).
 */
export type ListView = 'queue' | 'mine' | 'review' | 'actioned' | 'closed' | 'all';
export const LIST_VIEWS: { id: ListView; label: string }[] = [
  { id: 'queue', label: 'Needs a decision' },
  { id: 'mine', label: 'In review: mine' },
  { id: 'review', label: "In review: everyone's" },
  { id: 'actioned', label: 'Actioned' },
  { id: 'closed', label: 'Closed' },
  { id: 'all', label: 'All' },
];

/** The view group a review state belongs to (stored beside it, so each view is one range of one index). */
export const QUEUE_OF: Record<ReviewState, 'decide' | 'review' | 'actioned' | 'closed'> = {
  new: 'decide',
  'needs-information': 'decide',
  'in-review': 'review',
  actioned: 'actioned',
  closed: 'closed',
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
  /** Who has it (picked up or assigned): the account's e-mail. */
  assignee: string | null;
  assigneeId: string | null;
  /** The child's age by the server's reading of the answers (date of birth on the day of screening, else the typed age). */
  age: number | null;
  /** The seed's timescale of the first time-bound next step ('immediately', 'within the hour', '72 hours'). */
  timescale: string | null;
  /** The practitioner who referred, and their organisation. */
  referrer: string | null;
  referrerOrg: string | null;
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
  /** With a view: the view shown, the count in each view (the same filters applied), and the matches in this one. */
  view?: ListView;
  counts?: Record<ListView, number>;
  matches?: number;
}

export interface ReviewEvent {
  id: number;
  /** A change of state, a note without one (from = to), or an assignment (pick up or reassign). */
  kind: 'state' | 'note' | 'assign';
  from: ReviewState;
  to: ReviewState;
  userEmail: string;
  /** For an assignment: who has it now. */
  assignee: string | null;
  note: string;
  at: string;
}

/** Who has opened a referral, from the audit's views: each account once, with its latest and first look. */
export interface SeenBy {
  actor: string;
  first: string;
  last: string;
  times: number;
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
  /** The referral's child reference, when the reader's scope covers it. */
  childRef?: string | null;
  /** The entry names a referral outside the reader's scope: its child reference is not shown. */
  childRefWithheld?: boolean;
}

/** What the audit records, in words (the audit screen's filter and column). */
export const AUDIT_ACTION_WORDS: Record<string, string> = {
  login: 'Signed in',
  'login-failed': 'Sign-in failed',
  'login-throttled': 'Sign-in throttled',
  'login-busy': 'Sign-in refused: busy',
  logout: 'Signed out',
  'logout-everywhere': 'Signed out everywhere',
  'password-set': 'Password set',
  list: 'Listed referrals',
  view: 'Opened a referral',
  print: 'Printed a referral',
  'export-csv': 'Exported (CSV)',
  'export-fhir': 'Exported (FHIR)',
  'review-state': 'Changed a review state',
  'review-assign': 'Picked up or gave a referral',
  'review-note': 'Added a review note',
  'area-set': 'Set an area',
  forbidden: 'Refused',
  'device-credential-refused': 'Device credential refused',
  'user-add': 'Added an account',
  'user-change': 'Changed an account',
  'user-link': 'Made a set-password link',
  'device-add': 'Added a device',
  'device-revoke': 'Withdrew a device',
  'audit-view': 'Read the audit',
  'audit-export': 'Downloaded the audit',
  'alert-sent': 'Duty alert sent',
  'alert-retry': 'Duty alert retried',
  'alert-failed': 'Duty alert failed',
  'alert-address-set': 'Duty alert address set',
  'alert-address-remove': 'Duty alert address removed',
  'second-factor-missing': 'Refused: no second factor at sign-in',
  'rate-limited': 'Refused: too many requests',
};
