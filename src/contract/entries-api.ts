// The inbox API's shapes for joined entries (issue 26): the same registration,
// number, place or person in other referrals, and the entries seen most.
// A referral the reviewer may not open is named only by the team that holds it.

/** Another referral holding the same entry, which the reviewer may open. */
export interface LinkedReferral {
  id: string;
  receivedAt: string;
  instrumentTitle: string;
  areaTeam: string | null;
  level: string | null;
  reviewState: string;
  /** Linked by the known start of a registration (one of the two is part of the other), not the whole. */
  partial: boolean;
}

/** Referrals holding the same entry outside the reviewer's area: only that they exist, and who holds them. */
export interface HeldElsewhere {
  /** The area team (or, with none, the region) holding them. */
  heldBy: string;
  count: number;
}

/** One entry of the referral open on screen and where else it is. */
export interface EntryLink {
  kind: string;
  kindLabel: string;
  /** The entry as this referral's record holds it (from its sealed body, for this reviewer only). */
  text: string;
  item: string;
  entry: number | null;
  field: string | null;
  /** Every other referral holding it (those the reviewer may open, and those held elsewhere). */
  others: number;
  linked: LinkedReferral[];
  heldElsewhere: HeldElsewhere[];
}

export interface EntryLinks {
  entries: EntryLink[];
}

/** An entry seen in several referrals in the reviewer's area over a period. */
export interface SeenMost {
  kind: string;
  kindLabel: string;
  /** As the earliest referral holding it wrote it. */
  text: string;
  /** Its one form ("MA67XY", "+447700900123"), as it is matched. */
  value: string;
  referrals: number;
  first: string;
  last: string;
  /** The referrals (newest first), each the reviewer may open. */
  ids: string[];
}

export interface SeenMostPage {
  from: string;
  to: string;
  items: SeenMost[];
}
