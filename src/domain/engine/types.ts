// The shapes every instrument definition and every result share.
// Pure types: no DOM, no storage, no network. The same module is used by the
// app, the CLI, the referral endpoint and the tests.

/** Where a piece of an instrument comes from: a seed file and its line(s). */
export interface SourceRef {
  /** File name under shared/seeds, e.g. "000_c46dad1176f597fe.txt". */
  file: string;
  /** 1-based line where the text starts. */
  line: number;
  /** Last line the text spans, when the PDF extraction split it over several lines. */
  endLine?: number;
}

export interface Option {
  value: string;
  label: string;
  /** Present only where the tool scores this answer. */
  score?: number;
  src: SourceRef;
  /** The text as the seed prints it, when `label` corrects an extraction error. */
  sourceText?: string;
  /** Set when the app adds an answer the paper form lacks (e.g. an explicit "not present"), with why. */
  appAdded?: string;
}

interface BaseItem {
  id: string;
  text: string;
  required: boolean;
  src: SourceRef;
  sourceText?: string;
  help?: string;
  appAdded?: string;
  /** Personal or case content: encrypted at rest and never shown in lists. */
  sensitive?: boolean;
  /**
   * Asked only when another item of the same section is answered (with one of
   * `values`, or with anything when `values` is absent): a follow-up question
   * shown beneath the one it follows, GOV.UK's conditional reveal.
   */
  askedWhen?: { item: string; values?: string[] };
}

export interface ChoiceItem extends BaseItem {
  kind: 'choice';
  options: Option[];
}
export interface MultiItem extends BaseItem {
  kind: 'multi';
  options: Option[];
}
export interface NumberItem extends BaseItem {
  kind: 'number';
  min: number;
  max: number;
  /** Whole numbers only (every scale in the seeds is whole-numbered). */
  integer: boolean;
}
export interface TextItem extends BaseItem {
  kind: 'text';
  multiline?: boolean;
}
export interface DateItem extends BaseItem {
  kind: 'date';
  /** "date" or "datetime" (the information report asks for a time too). */
  precision: 'date' | 'datetime';
}

/** A field of a repeatable entry (a person, a vehicle…): text, or a fixed choice. */
export interface EntryField {
  id: string;
  label: string;
  /** A shape that helps (a UK registration, a phone number): a mismatch is a warning, never a block. */
  shape?: 'uk-registration' | 'phone' | 'datetime';
  /** Apply the shape only when another field of the entry has this value (a phone shape only for phone numbers). */
  shapeWhen?: { field: string; equals: string };
  options?: { value: string; label: string }[];
  src?: SourceRef;
}

/** Any number of entries of the same fields (persons, vehicles, locations, phone numbers). */
export interface RepeatItem extends BaseItem {
  kind: 'repeat';
  /** What one entry is called ("person", "vehicle"). */
  entry: string;
  fields: EntryField[];
  max: number;
}

export type Item = ChoiceItem | MultiItem | NumberItem | TextItem | DateItem | RepeatItem;

export interface Section {
  id: string;
  title: string;
  src: SourceRef;
  sourceText?: string;
  /** Guidance printed with the section (e.g. "Assessor reflections" prompts). */
  note?: { text: string; src: SourceRef };
  items: Item[];
}

/** A note the source attaches to the instrument, shown with every result. */
export interface SourcedText {
  text: string;
  src: SourceRef;
}

/** An ambiguity or inconsistency in the seed, and the reading the app takes. */
export interface Ambiguity {
  id: string;
  /** What the source says that does not fit together. */
  text: string;
  /** The reading the app applies (always the more cautious one). */
  reading: string;
  src: SourceRef[];
}

export type RegionId = 'greater-manchester' | 'bury' | 'sandwell' | 'northamptonshire' | 'bristol';

export type Setting = 'medical' | 'school' | 'youth-work' | 'social-care' | 'police';

export interface Band {
  label: string;
  min: number;
  /** Omitted for an open top ("38 and above"). */
  max?: number;
  /** Higher is more serious; the cautious reading takes the highest. */
  severity: number;
  src: SourceRef;
  /** Shown whenever this band applies (e.g. "a 'lower' risk score does NOT mean that no action…"). */
  notes?: SourcedText[];
}

/** 10 categories 1–5 + professional judgement → total → band (GM, Bury, NSCB). */
export interface SumAndBandRule {
  rule: 'sum-and-band';
  /** Items whose scores make up the total, in order. */
  items: string[];
  /** Named part-totals the form prints (e.g. the "Total Assessment Score" of the ten categories). */
  subtotals: { id: string; label: string; items: string[]; src: SourceRef }[];
  totalLabel: string;
  totalSrc: SourceRef;
  /** The total's range as the source states it, when it states one. */
  statedRange?: { min: number; max: number; src: SourceRef };
  bands: Band[];
  /** Also band this subtotal and show it (where the source is unclear which total the bands apply to). */
  alsoBandSubtotal?: string;
  /** A floor the source imposes outside the form (e.g. no child under 13 assessed as low risk). */
  floors?: Floor[];
}

/** A floor the source imposes outside the form (e.g. no child under 13 assessed as low risk). */
export interface Floor {
  itemId: string;
  below: number;
  minSeverity: number;
  text: string;
  src: SourceRef;
  /**
   * The source's condition on the floor, where it gives one ("if behaviours indicate involvement in CSE"):
   * any of these items scored above its lowest score. When none is, the floor still applies, as the
   * app's cautious reading, and the outcome says it is the app's.
   */
  ifAnyAboveLowest?: string[];
}

/** Tick counts per tier against a published threshold (A&E checklist; WM risk assessment). */
export interface IndicatorThresholdRule {
  rule: 'indicator-threshold';
  tiers: { id: string; label: string; items: string[]; src: SourceRef }[];
  /** Item answers that count as "ticked". */
  tickedValues: string[];
  triggers: { tier: string; atLeast: number }[];
  ruleText: SourcedText;
  met: { label: string; src: SourceRef };
  /** The source gives no words for "not met": this is the app's neutral wording. */
  notMet: { label: string; appWording: true };
}

/** Indicator groups, each pointing at the categories it can mean; the highest present wins. */
export interface HighestCategoryRule {
  rule: 'highest-category';
  categories: { id: string; label: string; description: string; severity: number; src: SourceRef }[];
  groups: {
    id: string;
    label: string;
    items: string[];
    tickedValues: string[];
    /** Categories a tick in this group can mean; more than one is an ambiguity. */
    candidates: string[];
    src: SourceRef;
  }[];
  ruleText: SourcedText;
  none: { label: string; appWording: true };
  /**
   * Where the category is the practitioner's decision (Sandwell: the tool
   * prints no rule from ticks to category): the item holding the category id
   * they chose ("none" for none), and the item holding their reason. The
   * ticked groups then give only the app's suggestion, labelled as such.
   */
  decision?: { itemId: string; reasonItemId: string };
}

/** No published scoring rule: the result lists what was recorded. */
export interface ChecklistRule {
  rule: 'checklist';
  /** Items whose chosen answers count as a ticked indicator, for the reasons list. */
  tickedValues: string[];
  outcome: { label: string; appWording: true };
}

export type ScoringRule = SumAndBandRule | IndicatorThresholdRule | HighestCategoryRule | ChecklistRule;

export interface Instrument {
  id: string;
  version: string;
  title: string;
  /** Seed file name the instrument comes from. */
  source: string;
  region: RegionId;
  kind:
    | 'screening'
    | 'indicator-checklist'
    | 'risk-measurement'
    | 'information-report'
    | 'information-sharing'
    | 'front-door-question';
  /** Who the source says should complete it, and when. */
  audience: { who: SourcedText; when: SourcedText };
  /** Practitioner settings the app offers it in. */
  settings: Setting[];
  /** Set where the source restricts who may complete it ("NOT a screening tool"). */
  restriction?: SourcedText;
  sections: Section[];
  scoring: ScoringRule;
  /** Printed statements every result must carry. */
  notes: SourcedText[];
  ambiguities: Ambiguity[];
  /** Tools the document names but does not reproduce: recorded, never invented. */
  referencedNotReproduced: SourcedText[];
  /** For information reports: the item whose answer picks the destination team, and the teams. */
  routing?: {
    itemId: string;
    teams: { value: string; area: string; team?: string; email: string; phone?: string; src: SourceRef }[];
  };
  /** What the source says to do for an outcome (by severity); region-wide routes come from the directory. */
  actions: OutcomeAction[];
}

export interface OutcomeAction {
  /** Applies when the result's severity is within these bounds; with neither, to every result. */
  minSeverity?: number;
  maxSeverity?: number;
  step: NextStep;
}

export type Entry = Record<string, string>;
export type AnswerValue = string | number | string[] | Entry[];
export type Answers = Record<string, AnswerValue>;

export interface AnswerError {
  itemId?: string;
  message: string;
}

export interface NextStep {
  id: string;
  /**
   * 'emergency' (999) and 'warning' (e.g. do not consult the parents before
   * referral) are shown first and never folded away, whatever the score.
   */
  kind: 'emergency' | 'warning' | 'referral' | 'information-report' | 'assessment' | 'advice' | 'note';
  text: string;
  contacts: Contact[];
  src?: SourceRef;
  /** Set when the step is the app's own proposal, not the seed's words: why the app adds it. */
  appAdded?: string;
  /** A timescale the seed gives ("within the hour", "within 72 hours"). */
  within?: string;
  /** The seed's words, where `text` corrects a misspelling the seed prints ("Barnado’s"). */
  sourceText?: string;
}

export interface Contact {
  name: string;
  phone?: string;
  email?: string;
  note?: string;
  src: SourceRef;
}

export interface Result {
  instrument: string;
  version: string;
  complete: boolean;
  /**
   * True when the answers given fix the outcome whatever the unanswered items
   * hold (always true when complete). Results stored before this field
   * existed lack it; read a missing value as `complete`.
   */
  decided: boolean;
  /** Ids of required items not answered. */
  missing: string[];
  /** The outcome in the source's own words; absent unless decided. */
  level?: string;
  /**
   * Absent when `level` is the tool's own outcome. 'app': words the app uses where the tool prints
   * no outcome, or the app's suggestion (never to be shown as the tool's verdict); 'practitioner':
   * the practitioner's decision where the tool leaves it to them.
   */
  levelBy?: 'app' | 'practitioner';
  /** Where an information report goes, from the area chosen. */
  routing?: { area: string; team?: string; email: string };
  /** Severity behind `level`, to compare and trend results. */
  severity?: number;
  total?: number;
  subtotals?: Record<string, number>;
  /** Every band label whose printed range contains the total. */
  bands: string[];
  /** Ambiguities that bear on this result, with the reading taken. */
  ambiguities: string[];
  reasons: string[];
  notes: string[];
  nextSteps: NextStep[];
}

/** A region: its emergency route and the steps offered with every result. */
export interface Region {
  id: RegionId;
  label: string;
  /** When the seed's contact details were current, as it says or as can be inferred. */
  asOf: string;
  /** The emergency route, always the first step. */
  emergency: NextStep;
  /** Region-wide steps offered with every result, after the instrument's own. */
  routes: NextStep[];
}
