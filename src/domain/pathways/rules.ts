// Pathway rules: what the seeds say to do when the facts of the case, the
// answers or the result meet a condition. Safety rules come first and hold
// whatever the score, complete or not. Each step cites the seed lines that
// hold its words; a step that is the app's own (a seed's rule carried to a
// region whose seed is silent, or the app's reading of two seeds that
// disagree) says so in `appAdded`.
import type { Contact, NextStep, RegionId, SourceRef } from '../engine/types.ts';
import { FIRST_RESPONSE, SANDWELL_BARNARDOS, WM_AUTHORITIES } from '../instruments/directory.ts';
import type { Condition } from './conditions.ts';
import { GM, BURY, WM, NN, BRS, at } from '../engine/seed-refs.ts';

/**
 * A rule's step; `onlyIf` narrows it within its rule (a child missing now, or episodes recorded);
 * `replaces` names standing routes of the region that say the same thing, shown once, in the step's words.
 */
export type RuleStep = NextStep & { onlyIf?: Condition; replaces?: string[] };

export interface PathwayRule {
  id: string;
  /** A safety rule holds whatever the score and is placed before the tool's own steps. */
  safety: boolean;
  when: Condition;
  steps: RuleStep[];
  /** Every seed line the rule's condition and steps come from. */
  src: SourceRef[];
}

const ALL: RegionId[] = ['greater-manchester', 'bury', 'sandwell', 'northamptonshire', 'bristol'];
const GM_AND_BURY: RegionId[] = ['greater-manchester', 'bury'];

/** The seed documents as a practitioner names them. */
export const GUIDANCE: Record<string, string> = {
  [GM]: 'Greater Manchester handbook',
  [BURY]: 'Bury procedure',
  [WM]: 'West Midlands framework',
  [NN]: 'Northamptonshire toolkit',
  [BRS]: 'Bristol guidance',
};
/** "003 L2189" or "003 L2189–L2190": the form the UI takes out of a sentence and lists as a source. */
const cite = (r: SourceRef) => `${r.file.slice(0, 3)} L${r.line}${r.endLine ? `–L${r.endLine}` : ''}`;
/** How every borrowed step's note begins (the source check reads it). */
export const BORROWED = 'Borrowed from the ';
/**
 * The note of a step this region's guidance is silent on, carried from the guidance nearest to it that
 * speaks: which guidance, what rule, and its lines, in words a nurse reads.
 */
function borrowed(from: SourceRef, what: string, more = ''): string {
  return `${BORROWED}${GUIDANCE[from.file]} (${what}) (${cite(from)}); this region's guidance is silent, so the app shows it as the cautious reading: the risk is the same wherever the child lives.${more ? ` ${more}` : ''}`;
}

// Contacts the rules point to (each cites the line that prints it).
const NN_MASH: Contact = { name: 'Northamptonshire MASH', phone: '0300 126 1000', src: at(NN, 2174, 2175) };
/** The app's reading where a seed prints 101 and 999 without saying which applies when. */
const WHEN_101 =
  "101 when the police must act but no one is in immediate danger; 999 whenever a child is in immediate danger. This is the app's reading: the guidance does not say which number to use when.";
const NN_POLICE: Contact = { name: 'Northamptonshire Police', phone: '101', note: WHEN_101, src: at(NN, 2175) };
const BURY_MASH: Contact = {
  name: 'Bury MASH',
  phone: '0161 253 5678',
  email: 'childwellbeing@bury.gov.uk',
  src: at(BURY, 390, 392),
};
const BURY_101: Contact = { name: 'Bury Police Reporting Line', phone: '101', src: at(BURY, 2103, 2105) };
/** The national non-emergency number for the other Greater Manchester areas: the handbook (000) prints none; Bury's (001) is 101. */
const GM_101: Contact = {
  name: 'Police, non-emergency (101: the number the Bury procedure prints; use 999 when a child is in immediate danger)',
  phone: '101',
  src: at(BURY, 2103, 2105),
};
const POLICE_999: Contact = { name: 'Police (emergency)', phone: '999', src: at(GM, 617) };
const BRISTOL_POLICE: Contact = { name: 'Police', phone: '101', src: at(BRS, 544) };
/** Bristol's 101 beside the app's 999: when each applies. */
const BRISTOL_POLICE_101: Contact = { ...BRISTOL_POLICE, note: WHEN_101 };
const WM_CAIU: Contact = {
  name: 'Police – Child Abuse Investigation Unit',
  phone: '0121 626 9153',
  src: at(WM, 2260, 2282),
};
const SANDWELL_MASH: Contact = {
  name: 'Children’s Social Care – MASH (Sandwell)',
  phone: '0845 351 0131',
  note: 'Sandwell’s number, the only one the framework prints: in another West Midlands authority, use your own MASH or children’s social care.',
  src: at(WM, 2292, 2304),
};

/** Concerns the facts record, whatever a tool's ticks say. */
const FACT_CONCERN: Condition = {
  any: [
    { answer: 'fact-sexual-assault', in: ['recent', 'past', 'suspected'] },
    { answer: 'fact-suspected-abuse', in: ['intra-familial', 'organised', 'forced-marriage'] },
    { answer: 'fact-trafficking', in: ['yes'] },
    { answer: 'fact-missing-now', in: ['yes'] },
    { atLeast: 1, item: 'fact-missing-3-months' },
  ],
};
/** A disclosed assault: the fact, or the Sandwell screening tool's own "Has been sexually assaulted" tick (002 L1811). */
const DISCLOSED: Condition = {
  any: [{ answer: 'fact-sexual-assault', in: ['recent', 'past'] }, { ticked: ['r-sexually-assaulted'] }],
};
/**
 * The tool's own tick says the child is under 13: the A&E checklist's "Child under 13 engaging in
 * sexual activity" (003 L509), a form with no age field, or the West Midlands risk assessment's incidence
 * "Child under 13 engaging in penetrative sex with someone over 15 years" (002 L2817–L2825). The tick counts as an age below 13 for the
 * under-13 routes, whatever age was typed (the cautious reading when they disagree).
 */
const UNDER_13_TICKED: Condition = { ticked: ['high-under-13', 'i-under-13-penetrative'] };
const UNDER_13: Condition = { any: [{ ageBelow: 13 }, UNDER_13_TICKED] };
/** The child is missing now: only the fact says so. */
const MISSING_NOW: Condition = { answer: 'fact-missing-now', in: ['yes'] };
/**
 * Missing episodes recorded, the child not (said to be) missing now: the fact's count, or a tool's own item:
 * Sandwell "Repeat periods of absence/missing" (002 L1673), the WM risk assessment's "going missing … (whether
 * reported or not)" (002 L2630–2636), Bristol "Going missing" (004 L131), Bury's "Periods of going missing
 * overnight or longer" (001 L1293), and "Occasionally goes missing" or worse (score 3–5) on the NSCB, GM and
 * Bury measurement tools (003 L562–564; 000 L1675–1677).
 */
const MISSING_EPISODES: Condition = {
  all: [
    { not: MISSING_NOW },
    {
      any: [
        { atLeast: 1, item: 'fact-missing-3-months' },
        { ticked: ['s-missing', 'r-missing', 'rf-missing', 's-missing-overnight'] },
        { atLeast: 3, item: 'v1-missing' },
        { atLeast: 3, item: 'c1-missing' },
        { atLeast: 3, item: 'b1-missing' },
      ],
    },
  ],
};
const MISSING: Condition = { any: [MISSING_NOW, MISSING_EPISODES] };
/** Sexual abuse disclosed or suspected: what a Sexual Assault Referral Centre assesses (003 L1268). */
const SEXUAL_ABUSE: Condition = {
  any: [{ answer: 'fact-sexual-assault', in: ['recent', 'past', 'suspected'] }, { ticked: ['r-sexually-assaulted'] }],
};
/** A concern recorded on the tool: any of its indicators ticked, or a fact of concern. */
const CONCERN: Condition = { any: [{ indicatorTicked: true }, FACT_CONCERN] };
/** A 999 contact on a step whose seed prints no number. */
const NO_NUMBER_IN_SEED =
  "The guidance prints no number here; 999 is the app's choice for a child in immediate danger, as in the Greater Manchester handbook (000 L617).";
/** Reporting a past episode is the app's wording of the seeds' "report as missing", which is about a child who is missing. */
const EPISODES_APP =
  "The guidance's instruction is for a child who is missing. The child is not recorded as missing now, so the app words it for the episodes recorded: the police should know of each one.";
const TRAFFICKING: Condition = { answer: 'fact-trafficking', in: ['yes'] };
/** Why the Greater Manchester missing steps are borrowed: the handbook only recommends (000 L883, L891). */
const GM_MISSING =
  'The Greater Manchester handbook recommends that the police are consistently informed about running away (000 L891) and that parents report a child missing (000 L883), but gives practitioners no step of its own.';
/**
 * Abuse in the family, organised abuse or forced marriage (001 L489–493): the fact, or a tool's own tick
 * that says so: Sandwell's "Risk of forced marriage" (002 L1930), the WM risk assessment's "family domestic
 * abuse (including risk of forced marriage/risk of honour based violence/familial child sexual abuse)" (002 L2491–2496).
 */
const ABUSE_IN_FAMILY_OR_ORGANISED: Condition = {
  any: [
    { answer: 'fact-suspected-abuse', in: ['intra-familial', 'organised', 'forced-marriage'] },
    { ticked: ['v-forced-marriage', 'v-domestic-abuse'] },
  ],
};

const DO_NOT_CONSULT_PARENTS =
  'The parents should not be consulted prior to referral: the professional suspects the child is a victim of sexual abuse (intra-familial); organised or multiple abuse; or a potential victim of forced marriage (irrespective of the age).';

/** The warning set against the seeds' other steps that involve the family, which the seeds do not reconcile with it. */
const PARENTS_WARNING_FIRST: NextStep = {
  id: 'do-not-consult-parents-first',
  kind: 'warning',
  text: 'Where another step below says to involve the family or the parents, this warning comes first: do not consult them before the referral.',
  contacts: [],
  src: at(BURY, 489, 493),
  appAdded:
    'Other steps in the guidance involve the family: "speak to other agencies or family" (002 L2407), "seek to involve his parents" (003 L1358), "involve her parents" (003 L1366), parents encouraged to make the referral (001 L316–L317). The guidance does not reconcile them with this warning; the app\'s reading is that the warning comes first.',
};

const TRAFFICKING_POLICE =
  'Trafficking children, including for the purpose of sexual exploitation, is a criminal offence and concerns that a child may be being trafficked should always be reported to the police.';
const TRAFFICKING_NRM =
  'Where exploitation is present, statutory Child Protection and Safeguarding responses should be applied and a referral should be made to the National Referral Mechanism (NRM) for a decision on the status of the potential victim of trafficking.';

/** The West Midlands return interview (002 L520), carried to the regions whose seeds print none. */
const BORROWED_RETURN_INTERVIEW: NextStep = {
  id: 'missing-return-interview',
  kind: 'assessment',
  text: 'Once a missing child is located, there are two stages to the process - the Police Safe and Well Check and the Return Interview. Where possible, the Return Interview must be completed within 72 hours by an independent person.',
  contacts: [],
  src: at(WM, 520),
  within: '72 hours',
  appAdded: borrowed(at(WM, 520), 'its return interview for a missing child'),
};
/**
 * A Bury rule (seed 001) for Bury, and the same rule, marked as the app's,
 * for the other Greater Manchester areas, whose handbook (000) does not print it.
 */
function buryAndGm(rule: PathwayRule, what: string): PathwayRule[] {
  const gm: PathwayRule = {
    ...rule,
    id: `${rule.id}-gm`,
    when: { all: [{ region: ['greater-manchester'] }, rule.when] },
    steps: rule.steps
      .map((s) =>
        s.src?.file !== BURY
          ? s
          : {
              ...s,
              appAdded: `${borrowed(s.src!, what, 'Bury is a Greater Manchester borough and its procedure follows the Greater Manchester procedures.')}${s.appAdded ? ` ${s.appAdded}` : ''}`,
            },
      )
      // Bury's own police line and MASH are not offered to a Wigan or Oldham practitioner under Bury's name.
      .map((s) => ({
        ...s,
        contacts: s.contacts.filter((c) => c !== BURY_MASH).map((c) => (c === BURY_101 ? GM_101 : c)),
      })),
  };
  return [{ ...rule, when: { all: [{ region: ['bury'] }, rule.when] } }, gm];
}

export const PATHWAY_RULES: PathwayRule[] = [
  // --- 999 against 101 (Bury) ----------------------------------------------
  {
    id: 'bury-999-or-101',
    safety: true,
    when: { region: ['bury'] },
    src: [at(GM, 617), at(BURY, 2068, 2069), at(BURY, 314, 316)],
    steps: [
      {
        id: 'bury-999-or-101',
        kind: 'emergency',
        text: 'Two police numbers appear in Bury\'s documents. The Greater Manchester handbook: "If a child is deemed at immediate risk of significant harm ... contact the police on 999". Bury\'s Data Collection Form: "Always contact the police at time on 101 if immediate action required". Call 999 whenever a child is at immediate risk of significant harm; use 101 when the police need to act but no one is in immediate danger. Never let 101 delay a 999 call.',
        contacts: [POLICE_999, BURY_101],
        src: at(BURY, 2068, 2069),
        appAdded:
          "The handbook gives 999 (000 L617) and Bury's form 101 (001 L2068–L2069), without saying which applies when; this is the app's reading, the cautious one.",
      },
    ],
  },

  // --- Do not consult the parents (001 L489–493) ---------------------------
  ...buryAndGm(
    {
      id: 'do-not-consult-parents',
      safety: true,
      when: ABUSE_IN_FAMILY_OR_ORGANISED,
      src: [at(BURY, 489, 493)],
      steps: [
        {
          id: 'do-not-consult-parents',
          kind: 'warning',
          text: DO_NOT_CONSULT_PARENTS,
          contacts: [],
          src: at(BURY, 489, 492),
        },
        PARENTS_WARNING_FIRST,
      ],
    },
    'its rule on not consulting the parents',
  ),
  {
    id: 'do-not-consult-parents-elsewhere',
    safety: true,
    when: { all: [{ region: ['sandwell', 'northamptonshire', 'bristol'] }, ABUSE_IN_FAMILY_OR_ORGANISED] },
    src: [at(BURY, 489, 493)],
    steps: [
      {
        id: 'do-not-consult-parents',
        kind: 'warning',
        text: DO_NOT_CONSULT_PARENTS,
        contacts: [],
        src: at(BURY, 489, 492),
        appAdded: borrowed(
          at(BURY, 489, 492),
          'its rule on not consulting the parents',
          'Telling the family first could put the child at risk.',
        ),
      },
      PARENTS_WARNING_FIRST,
    ],
  },

  // --- Under 13 ------------------------------------------------------------
  {
    id: 'nn-under-13-immediate-mash',
    safety: true,
    when: {
      all: [
        { region: ['northamptonshire'] },
        UNDER_13,
        { any: [{ indicatorTicked: true }, { instrument: ['nscb-cse-assessment'] }, FACT_CONCERN] },
      ],
    },
    src: [at(NN, 2189), at(NN, 2174, 2175), at(NN, 2170)],
    steps: [
      {
        id: 'nn-under-13-immediate-mash',
        kind: 'referral',
        text: 'Concerns with evidence which indicate possible CSE in children under 13 years old, must result in an immediate referral into the MASH.',
        contacts: [NN_MASH],
        src: at(NN, 2189),
        within: 'immediately',
        appAdded:
          "This sentence is in the toolkit's policy template for primary schools, its Appendix 1 (003 L2143); the template for secondary schools does not print it. The app applies it to every Northamptonshire tool and setting, and to any concern recorded, even one lower-level indicator, which on its own would not call for the full assessment (003 L514): the cautious reading.",
      },
    ],
  },
  {
    id: 'nn-age-unknown',
    safety: false,
    when: { all: [{ region: ['northamptonshire'] }, { ageUnknown: true }, { not: UNDER_13_TICKED }] },
    src: [at(NN, 2189)],
    steps: [
      {
        id: 'nn-age-unknown',
        kind: 'note',
        text: "The child's age is not recorded. If the child is under 13: concerns with evidence which indicate possible CSE in children under 13 years old, must result in an immediate referral into the MASH.",
        contacts: [NN_MASH],
        src: at(NN, 2189),
        appAdded:
          "The app cannot tell the child's age, so it shows the under-13 rule as a condition rather than leave it out.",
      },
    ],
  },
  ...buryAndGm(
    {
      id: 'gm-under-13-presumption',
      safety: true,
      when: { ageBelow: 13 },
      src: [at(BURY, 480, 488)],
      steps: [
        {
          id: 'gm-under-13-presumption',
          kind: 'referral',
          text: 'A child under the age of 13 years is judged to be incapable of consenting to sexual activity and there is an automatic presumption of referral to children’s social care because the child is at risk of significant harm.',
          contacts: [BURY_MASH, POLICE_999, BURY_101],
          src: at(BURY, 484, 487),
          appAdded:
            "The procedure gives the presumption (001 L484–L487) as the reason for an exception on informing parents: a child under 13 who discloses sexual activity, in the context of a referral to children's social care and the police (001 L480–L483). The app shows the presumption for every child under 13 screened for CSE, with the police numbers: the cautious reading.",
        },
      ],
    },
    'its rule for under-13s',
  ),
  ...buryAndGm(
    {
      id: 'gm-age-unknown',
      safety: false,
      when: { ageUnknown: true },
      src: [at(BURY, 480, 488)],
      steps: [
        {
          id: 'gm-age-unknown',
          kind: 'note',
          text: "The child's age is not recorded. If the child is under 13: a child under the age of 13 years is judged to be incapable of consenting to sexual activity and there is an automatic presumption of referral to children’s social care.",
          contacts: [],
          src: at(BURY, 484, 486),
          appAdded:
            "The app cannot tell the child's age, so it shows the under-13 rule as a condition rather than leave it out.",
        },
      ],
    },
    'its rule for under-13s',
  ),
  // The West Midlands framework says what under 13 means in law (002 L32) but gives no route for it; the
  // nearest guidance that does is Northamptonshire's (003 L2189), sent here to Sandwell's MASH.
  {
    id: 'wm-under-13',
    safety: true,
    when: { all: [{ region: ['sandwell'] }, UNDER_13, CONCERN] },
    src: [at(WM, 32), at(NN, 2189), at(WM, 2292, 2304)],
    steps: [
      {
        id: 'wm-under-13-cannot-consent',
        kind: 'note',
        text: 'Young people under the age of 16 cannot legally consent to sexual activity. Sexual intercourse with children under the age of 13 is statutory rape.',
        contacts: [],
        src: at(WM, 32),
      },
      {
        id: 'wm-under-13-immediate-referral',
        kind: 'referral',
        text: 'Concerns with evidence which indicate possible CSE in children under 13 years old, must result in an immediate referral into the MASH.',
        contacts: [SANDWELL_MASH, { ...POLICE_999, note: NO_NUMBER_IN_SEED }, WM_CAIU],
        src: at(NN, 2189),
        within: 'immediately',
        appAdded: borrowed(at(NN, 2189), 'its rule for under-13s'),
      },
    ],
  },
  {
    id: 'wm-age-unknown',
    safety: false,
    when: { all: [{ region: ['sandwell'] }, { ageUnknown: true }, { not: UNDER_13_TICKED }] },
    src: [at(NN, 2189)],
    steps: [
      {
        id: 'wm-age-unknown',
        kind: 'note',
        text: "The child's age is not recorded. If the child is under 13: concerns with evidence which indicate possible CSE in children under 13 years old, must result in an immediate referral into the MASH.",
        contacts: [SANDWELL_MASH],
        src: at(NN, 2189),
        appAdded: borrowed(
          at(NN, 2189),
          'its rule for under-13s',
          "The app cannot tell the child's age, so it shows the rule as a condition rather than leave it out.",
        ),
      },
    ],
  },
  // Bristol's guidance is silent on under-13s: the West Midlands framework's words on consent (002 L32) and
  // Northamptonshire's route (003 L2189), sent to Bristol's referral point, First Response (004 L404).
  {
    id: 'bristol-under-13',
    safety: true,
    when: { all: [{ region: ['bristol'] }, UNDER_13, CONCERN] },
    src: [at(WM, 32), at(NN, 2189), at(BRS, 404)],
    steps: [
      {
        id: 'bristol-under-13-immediate-referral',
        kind: 'referral',
        text: 'A child under 13 cannot consent to sexual activity: sexual intercourse with children under the age of 13 is statutory rape. Concerns with evidence which indicate possible CSE in children under 13 years old must result in an immediate referral: in Bristol, to First Response.',
        contacts: [FIRST_RESPONSE, POLICE_999, BRISTOL_POLICE_101],
        src: at(NN, 2189),
        within: 'immediately',
        appAdded: borrowed(
          at(NN, 2189),
          'its rule for under-13s',
          "What under 13 means in law is the West Midlands framework's (002 L32). The toolkit sends the referral to its MASH; in Bristol the referral point is First Response (004 L404).",
        ),
      },
    ],
  },
  {
    id: 'bristol-age-unknown',
    safety: false,
    when: { all: [{ region: ['bristol'] }, { ageUnknown: true }] },
    src: [at(NN, 2189)],
    steps: [
      {
        id: 'bristol-age-unknown',
        kind: 'note',
        text: "The child's age is not recorded. If the child is under 13: concerns with evidence which indicate possible CSE in children under 13 years old must result in an immediate referral to First Response.",
        contacts: [FIRST_RESPONSE],
        src: at(NN, 2189),
        appAdded: borrowed(
          at(NN, 2189),
          'its rule for under-13s',
          "The app cannot tell the child's age, so it shows the rule as a condition rather than leave it out.",
        ),
      },
    ],
  },

  // --- Sexual assault ------------------------------------------------------
  {
    id: 'nn-serenity',
    safety: true,
    when: {
      all: [{ region: ['northamptonshire'] }, { answer: 'fact-sexual-assault', in: ['recent', 'past', 'suspected'] }],
    },
    src: [at(NN, 1264), at(NN, 1268, 1272)],
    steps: [
      {
        id: 'nn-serenity',
        kind: 'referral',
        text: "Serenity, Northamptonshire's Sexual Assault Referral Centre (SARC), provides the venue for the assessment of children and young people where sexual abuse is suspected, or where a child or young person has made a disclosure of abuse, usually as part of a Section 47 Child Protection Enquiry. Children will be offered a holistic Child Protection Assessment including forensic medical assessment, sexual health screening, and access to ongoing support services.",
        contacts: [
          {
            name: 'Serenity Sexual Assault Referral Centre (SARC)',
            note: 'The toolkit prints no telephone number for Serenity: ask the MASH or the police.',
            src: at(NN, 1264),
          },
        ],
        src: at(NN, 1264, 1268),
      },
    ],
  },
  {
    id: 'nn-disclosure-police',
    safety: true,
    when: { all: [{ region: ['northamptonshire'] }, DISCLOSED] },
    src: [at(NN, 2225)],
    steps: [
      {
        id: 'nn-disclosure-police',
        kind: 'referral',
        text: 'If a child discloses and there is evidence to suggest that a crime has been, or may have been committed against the child, contact the police and report the crime, noting the incident number.',
        contacts: [NN_POLICE],
        src: at(NN, 2225),
      },
    ],
  },
  {
    id: 'nn-under-16-assault-mash',
    safety: true,
    when: {
      all: [
        { region: ['northamptonshire'] },
        DISCLOSED,
        { any: [{ ageBelow: 16 }, UNDER_13_TICKED, { ageUnknown: true }] },
      ],
    },
    src: [at(NN, 1280)],
    steps: [
      {
        id: 'nn-under-16-assault-mash',
        kind: 'referral',
        text: 'Young people under 16 presenting with a history of sexual assault will be referred to Multiagency Safeguarding Hub (MASH).',
        contacts: [NN_MASH],
        src: at(NN, 1280),
      },
    ],
  },
  ...buryAndGm(
    {
      id: 'gm-alleging-crime-police',
      safety: true,
      when: DISCLOSED,
      src: [at(BURY, 314, 316), at(GM, 988)],
      steps: [
        {
          id: 'gm-alleging-crime-police',
          kind: 'referral',
          text: "Immediate concerns for a child's welfare or safety should be referred to the police, particularly if the child is alleging a crime has taken place.",
          contacts: [POLICE_999, BURY_101],
          src: at(BURY, 314, 316),
        },
      ],
    },
    'its rule for a child alleging a crime',
  ),
  // A Sexual Assault Referral Centre where sexual abuse is disclosed or suspected: only the Northamptonshire
  // toolkit gives the route (003 L1268); the Greater Manchester handbook names its SARC (000 L988); the
  // West Midlands and Bristol guidance name none.
  {
    id: 'gm-sarc',
    safety: true,
    when: { all: [{ region: GM_AND_BURY }, SEXUAL_ABUSE] },
    src: [at(NN, 1268), at(GM, 988)],
    steps: [
      {
        id: 'gm-sarc',
        kind: 'referral',
        text: "Sexual abuse is disclosed or suspected: the child should be assessed at the Sexual Assault Referral Centre (SARC), in Greater Manchester St Mary's SARC. A SARC offers children a child protection assessment including forensic medical assessment, sexual health screening and access to ongoing support. Ask the police or children's social care to arrange it, urgently.",
        contacts: [
          {
            name: "St. Mary's Sexual Assault Referral Centre (SARC)",
            note: "The handbook names it among its partners and prints no number: reach it through the police or children's social care.",
            src: at(GM, 988),
          },
          POLICE_999,
          { ...GM_101, note: WHEN_101 },
        ],
        src: at(NN, 1268),
        appAdded: borrowed(
          at(NN, 1268),
          'where its SARC assesses children',
          "The Greater Manchester handbook names St Mary's SARC only in its list of partners (000 L988) and gives no route to it. Forensic evidence can be lost with time, so the app says urgently.",
        ),
      },
    ],
  },
  {
    id: 'wm-sarc',
    safety: true,
    when: { all: [{ region: ['sandwell'] }, SEXUAL_ABUSE] },
    src: [at(NN, 1268)],
    steps: [
      {
        id: 'wm-sarc',
        kind: 'referral',
        text: "Sexual abuse is disclosed or suspected: reach the local Sexual Assault Referral Centre (SARC) urgently, through the police or children's social care. A SARC offers children a child protection assessment including forensic medical assessment, sexual health screening and access to ongoing support.",
        contacts: [WM_CAIU, SANDWELL_MASH],
        src: at(NN, 1268),
        appAdded:
          "The app's step: the West Midlands framework names no Sexual Assault Referral Centre. What a SARC offers children is borrowed from the Northamptonshire toolkit (003 L1268). Forensic evidence can be lost with time, so the app says urgently.",
      },
    ],
  },
  {
    id: 'bristol-sarc',
    safety: true,
    when: { all: [{ region: ['bristol'] }, SEXUAL_ABUSE] },
    src: [at(NN, 1268), at(BRS, 495)],
    steps: [
      {
        id: 'bristol-sarc',
        kind: 'referral',
        text: 'Sexual abuse is disclosed or suspected: reach the local Sexual Assault Referral Centre (SARC) urgently, through the police or First Response. A SARC offers children a child protection assessment including forensic medical assessment, sexual health screening and access to ongoing support.',
        contacts: [POLICE_999, BRISTOL_POLICE_101, FIRST_RESPONSE],
        src: at(NN, 1268),
        appAdded:
          "The app's step: the Bristol guidance names no Sexual Assault Referral Centre. What a SARC offers children is borrowed from the Northamptonshire toolkit (003 L1268). The Bristol guidance says forensic evidence may be secured with sexual offences (004 L495); it can be lost with time, so the app says urgently.",
      },
    ],
  },
  {
    id: 'bristol-disclosure-evidence',
    safety: true,
    when: { all: [{ region: ['bristol'] }, DISCLOSED] },
    src: [at(BRS, 495)],
    steps: [
      {
        id: 'bristol-secure-evidence',
        kind: 'advice',
        text: 'Advice can be obtained from the police in respect of how to seize and preserve the integrity of evidence. This is particularly important with sexual offences where it may be possible to secure forensic evidence from the victim or their clothing.',
        contacts: [BRISTOL_POLICE],
        src: at(BRS, 495),
      },
    ],
  },
  {
    id: 'sandwell-disclosure-police',
    safety: true,
    when: { all: [{ region: ['sandwell'] }, DISCLOSED] },
    src: [at(WM, 2132)],
    steps: [
      {
        id: 'sandwell-disclosure-police',
        kind: 'referral',
        text: "A disclosed sexual assault is an allegation of a crime: contact Children's Social Care or the Police.",
        // Sandwell's MASH, named and noted as Sandwell's: the tool is asked for a child in any of the seven authorities.
        contacts: [WM_CAIU, SANDWELL_MASH],
        src: at(WM, 2132),
        appAdded:
          'The framework prints no route for a disclosed assault; the app points to the contacts it gives for significant or serious risk (002 L2132).',
      },
    ],
  },

  // A child in one of the other six West Midlands authorities (the home area the app asks): the
  // framework prints contacts for Sandwell only (002 L2122–L2372), and the region's standing routes
  // carry them, so the result says whose numbers they are before it lists them.
  {
    id: 'wm-other-authority-contacts',
    safety: false,
    when: {
      all: [
        { region: ['sandwell'] },
        { answer: 'fact-home-area', in: WM_AUTHORITIES.map((a) => a.area).filter((a) => a !== 'Sandwell') },
      ],
    },
    src: [at(WM, 4), at(WM, 2122)],
    steps: [
      {
        id: 'wm-other-authority-contacts',
        kind: 'note',
        text: 'The child lives in another West Midlands authority than Sandwell. The numbers below are Sandwell’s, the only ones the framework prints: refer to your own authority’s CSE team, MASH or children’s social care, or to the police (999 in an emergency).',
        contacts: [],
        src: at(WM, 4),
        appAdded:
          'The framework covers the seven West Midlands authorities (002 L4) but prints contacts for Sandwell only (002 L2122); the app says so for a child who lives elsewhere.',
      },
    ],
  },

  // --- Missing -------------------------------------------------------------
  // Missing now: report it (999 where the child is in danger). Episodes recorded but the child
  // not missing now: the police should know of each one (101), and the return interview.
  {
    id: 'wm-missing',
    safety: true,
    when: { all: [{ region: ['sandwell'] }, MISSING] },
    src: [at(WM, 520)],
    steps: [
      {
        id: 'missing-report-now',
        kind: 'referral',
        text: 'Missing children and young people may be at increased risk of CSE and should be reported as missing to the Police at the earliest opportunity.',
        contacts: [
          { ...POLICE_999, note: NO_NUMBER_IN_SEED },
          {
            ...WM_CAIU,
            note: "When no one is in immediate danger. The framework names no police contact here: the app's pick from the Sandwell table.",
          },
        ],
        src: at(WM, 520),
        onlyIf: MISSING_NOW,
      },
      {
        id: 'missing-episodes-police',
        kind: 'referral',
        text: 'Missing children and young people may be at increased risk of CSE and should be reported as missing to the Police at the earliest opportunity. If any missing episode recorded here was not reported, tell the police now.',
        contacts: [WM_CAIU],
        src: at(WM, 520),
        appAdded: EPISODES_APP,
        onlyIf: MISSING_EPISODES,
      },
      {
        id: 'wm-return-interview',
        kind: 'assessment',
        text: 'Once a missing child is located, there are two stages to the process - the Police Safe and Well Check and the Return Interview. Where possible, the Return Interview must be completed within 72 hours by an independent person.',
        contacts: [
          {
            ...SANDWELL_BARNARDOS,
            note: "The framework names no service here; Barnardo's conduct return interviews in Sandwell (002 L2040): the app's pick.",
          },
        ],
        src: at(WM, 520),
        within: '72 hours',
      },
    ],
  },
  {
    id: 'wm-missing-3-in-3-months',
    safety: true,
    when: { all: [{ region: ['sandwell'] }, { atLeast: 3, item: 'fact-missing-3-months' }] },
    src: [at(WM, 522)],
    steps: [
      {
        id: 'wm-missing-mase',
        kind: 'referral',
        text: 'It is recommended that children who have gone missing 3 times within a 3 month period, are automatically discussed at a MASE meetings.',
        contacts: [],
        src: at(WM, 522),
      },
    ],
  },
  {
    id: 'nn-missing-now',
    safety: true,
    when: { all: [{ region: ['northamptonshire'] }, MISSING_NOW] },
    src: [at(NN, 2235, 2237)],
    steps: [
      {
        id: 'nn-missing-mash-police',
        kind: 'referral',
        text: 'If a child or young person goes missing at any point during this process, the MASH and the Police must be contacted immediately and the Missing protocols must be followed which can be found at: http://northamptonshirescb.proceduresonline.com/pdfs/missing_fr_home_or_care_pr.pdf',
        contacts: [NN_MASH, POLICE_999, NN_POLICE],
        src: at(NN, 2235, 2237),
        within: 'immediately',
      },
    ],
  },
  {
    id: 'nn-missing-episodes',
    safety: true,
    when: { all: [{ region: ['northamptonshire'] }, MISSING_EPISODES] },
    src: [at(NN, 2235, 2237), at(WM, 520)],
    steps: [
      {
        id: 'missing-episodes-police',
        kind: 'referral',
        text: 'Missing episodes are recorded. If any was not reported, tell the police now, and follow the Missing protocols: http://northamptonshirescb.proceduresonline.com/pdfs/missing_fr_home_or_care_pr.pdf',
        contacts: [NN_POLICE],
        src: at(NN, 2235, 2237),
        appAdded: `${EPISODES_APP} The toolkit's own rule is for a child who goes missing during the process (003 L2235).`,
      },
      BORROWED_RETURN_INTERVIEW,
    ],
  },
  {
    id: 'gm-missing',
    safety: true,
    when: { all: [{ region: GM_AND_BURY }, MISSING] },
    src: [at(WM, 520), at(GM, 889)],
    steps: [
      {
        id: 'missing-report-now',
        kind: 'referral',
        text: 'Missing children and young people may be at increased risk of CSE and should be reported as missing to the Police at the earliest opportunity.',
        contacts: [POLICE_999, { ...GM_101, note: WHEN_101 }],
        src: at(WM, 520),
        appAdded: borrowed(at(WM, 520), 'its rule for a missing child', GM_MISSING),
        onlyIf: MISSING_NOW,
      },
      {
        id: 'missing-episodes-police',
        kind: 'referral',
        text: 'Missing children and young people may be at increased risk of CSE and should be reported as missing to the Police at the earliest opportunity. If any missing episode recorded here was not reported, tell the police now.',
        contacts: [GM_101],
        src: at(WM, 520),
        appAdded: `${borrowed(at(WM, 520), 'its rule for a missing child', GM_MISSING)} ${EPISODES_APP}`,
        onlyIf: MISSING_EPISODES,
      },
      {
        id: 'gm-return-interview',
        kind: 'assessment',
        text: 'Return interviews should be delivered by an independent professional a child or young person is comfortable speaking with, to all children who run away or go missing from home or care, within 72 hours of missing incident.',
        contacts: [],
        src: at(GM, 889),
        within: '72 hours',
      },
    ],
  },
  {
    id: 'bristol-missing',
    safety: true,
    when: { all: [{ region: ['bristol'] }, MISSING] },
    src: [at(BRS, 131), at(WM, 520)],
    steps: [
      {
        id: 'missing-report-now',
        kind: 'referral',
        text: 'Missing children and young people may be at increased risk of CSE and should be reported as missing to the Police at the earliest opportunity.',
        contacts: [POLICE_999, BRISTOL_POLICE_101],
        src: at(WM, 520),
        appAdded: borrowed(
          at(WM, 520),
          'its rule for a missing child',
          'The Bristol guidance calls going missing "the most immediate indicator of vulnerability to sexual exploitation" (004 L131) but gives no route for it.',
        ),
        onlyIf: MISSING_NOW,
      },
      {
        id: 'missing-episodes-police',
        kind: 'referral',
        text: 'Missing children and young people may be at increased risk of CSE and should be reported as missing to the Police at the earliest opportunity. If any missing episode recorded here was not reported, tell the police now.',
        contacts: [BRISTOL_POLICE],
        src: at(WM, 520),
        appAdded: `${borrowed(at(WM, 520), 'its rule for a missing child')} ${EPISODES_APP}`,
        onlyIf: MISSING_EPISODES,
      },
      BORROWED_RETURN_INTERVIEW,
    ],
  },

  // --- Trafficking ---------------------------------------------------------
  {
    id: 'wm-trafficking',
    safety: true,
    when: { all: [{ region: ['sandwell'] }, TRAFFICKING] },
    src: [at(WM, 574), at(WM, 576)],
    steps: [
      {
        id: 'trafficking-police',
        kind: 'referral',
        text: TRAFFICKING_POLICE,
        contacts: [
          { ...POLICE_999, note: NO_NUMBER_IN_SEED },
          { ...WM_CAIU, note: "The framework names no police contact here: the app's pick from the Sandwell table." },
        ],
        src: at(WM, 574),
      },
      { id: 'trafficking-nrm', kind: 'referral', text: TRAFFICKING_NRM, contacts: [], src: at(WM, 576) },
    ],
  },
  {
    id: 'trafficking-elsewhere',
    safety: true,
    when: { all: [{ region: ['greater-manchester', 'bury', 'northamptonshire', 'bristol'] }, TRAFFICKING] },
    src: [at(WM, 574), at(WM, 576)],
    steps: [
      {
        id: 'trafficking-police',
        kind: 'referral',
        text: TRAFFICKING_POLICE,
        contacts: [POLICE_999],
        src: at(WM, 574),
        appAdded: borrowed(at(WM, 574), 'its rule for a child who may be trafficked'),
      },
      {
        id: 'trafficking-nrm',
        kind: 'referral',
        text: TRAFFICKING_NRM,
        contacts: [],
        src: at(WM, 576),
        appAdded: borrowed(at(WM, 576), 'its referral to the National Referral Mechanism'),
      },
    ],
  },
  ...buryAndGm(
    {
      id: 'bury-trafficking-procedures',
      safety: true,
      when: TRAFFICKING,
      src: [at(BURY, 109, 110)],
      steps: [
        {
          id: 'bury-trafficking-procedures',
          kind: 'advice',
          text: 'Please see the safeguarding children who may have been trafficked procedures.',
          contacts: [],
          src: at(BURY, 109, 110),
        },
      ],
    },
    'its pointer to the trafficking procedures',
  ),
  {
    id: 'bristol-trafficking-procedures',
    safety: true,
    when: { all: [{ region: ['bristol'] }, TRAFFICKING] },
    src: [at(BRS, 463), at(BRS, 584, 586)],
    steps: [
      {
        id: 'bristol-trafficking-procedures',
        kind: 'advice',
        text: 'Should concerns regarding possible trafficking be raised the Social Worker should refer to SWCPP (Guidance and Procedure for Preventing and Safeguarding Children Who Are at Risk or Have Been Trafficked).',
        contacts: [
          {
            name: 'SWCPP – Trafficked Children',
            note: 'https://www.proceduresonline.com/swcpp/bristol/p_trafficked_ch.html',
            src: at(BRS, 584, 586),
          },
        ],
        src: at(BRS, 463),
      },
    ],
  },

  // --- Medium or high → children's social care (Bury) ---------------------
  {
    id: 'bury-medium-high-csc',
    safety: false,
    when: { all: [{ instrument: ['bury-phoenix-risk-assessment-tool'] }, { severityAtLeast: 2 }] },
    src: [at(BURY, 1012, 1014), at(BURY, 1058, 1060), at(BURY, 1168, 1171)],
    steps: [
      {
        id: 'medium-high-csc-referral',
        kind: 'referral',
        text: "Where school staff have immediate concerns (medium or high risk, using the Risk Assessment tool) they should, together with their designated teacher, make a referral to children's social care.",
        contacts: [BURY_MASH],
        src: at(BURY, 1058, 1060),
      },
    ],
  },
  {
    id: 'gm-medium-high-csc',
    safety: false,
    when: { all: [{ instrument: ['gm-cse-measurement-tool'] }, { severityAtLeast: 2 }] },
    src: [at(BURY, 1058, 1060), at(GM, 618)],
    steps: [
      {
        id: 'medium-high-csc-referral',
        kind: 'referral',
        text: "Where school staff have immediate concerns (medium or high risk, using the Risk Assessment tool) they should, together with their designated teacher, make a referral to children's social care.",
        contacts: [],
        src: at(BURY, 1058, 1060),
        appAdded:
          'The Greater Manchester handbook prints no action per band; the Bury procedure, which uses the same Phoenix measurement tool, does, in like words for school staff (001 L1058–1060), leisure and community staff (L1012–1014, "Risk Assessment Tool") and voluntary groups (L1168–1171, "Risk Assessment Framework"), each with their own designated person or adviser. The app shows it for every Greater Manchester area and setting as the cautious reading.',
      },
    ],
  },

  // --- Bury screening tool: its own escalation (001 L1087–1092) -----------
  {
    id: 'bury-screening-immediate-concerns',
    safety: false,
    when: { all: [{ instrument: ['bury-cse-initial-screening-tool'] }, { answer: 'immediate-concerns', in: ['yes'] }] },
    src: [at(BURY, 1087, 1089)],
    steps: [
      {
        id: 'bury-screening-csc-referral',
        kind: 'referral',
        text: "Where health professionals have immediate concerns (medium or high risk, using the CSE screening tool; Appendix 1) they should make a referral to children's social care.",
        contacts: [BURY_MASH],
        src: at(BURY, 1087, 1089),
      },
    ],
  },
  {
    id: 'bury-screening-significant-ticked',
    safety: false,
    when: {
      all: [
        { instrument: ['bury-cse-initial-screening-tool'] },
        { ticked: ['s-missing-overnight', 's-vehicles', 's-injury', 's-controlling-adult', 's-money'] },
        // Once the practitioner answers "immediate concerns?" their answer leads (L1087–1092), not the app's suggestion.
        { not: { answer: 'immediate-concerns', in: ['yes', 'no', 'unclear'] } },
      ],
    },
    src: [at(BURY, 1087, 1089), at(BURY, 1292)],
    steps: [
      {
        id: 'bury-screening-significant-suggestion',
        kind: 'referral',
        text: "Significant risk indicators are ticked, and whether the concerns are immediate is not yet answered. The tool prints no rule for them; the app's suggestion is to treat them as immediate concerns and make a referral to children's social care, as the procedure says for medium or high risk on the screening tool, unless your judgement is otherwise.",
        contacts: [BURY_MASH],
        src: at(BURY, 1087, 1089),
        appAdded:
          'The screening tool prints no level, so "medium or high risk, using the CSE screening tool" (001 L1087–1088) cannot be read off it; the app suggests the referral when any significant risk indicator is ticked.',
      },
    ],
  },
  {
    id: 'bury-screening-not-immediate',
    safety: false,
    when: {
      all: [
        { instrument: ['bury-cse-initial-screening-tool'] },
        { answer: 'immediate-concerns', in: ['no', 'unclear'] },
      ],
    },
    src: [at(BURY, 1089, 1092)],
    steps: [
      {
        id: 'bury-screening-discuss',
        kind: 'advice',
        text: 'Where the concerns are not immediate or are unclear, staff should discuss the case with their safeguarding lead. Consideration should be made as to whether the case should be referred to MASH.',
        contacts: [BURY_MASH],
        src: at(BURY, 1089, 1092),
      },
    ],
  },

  // --- A&E checklist: "a referral should be made to MASH regardless" (003 L1349) ---
  // A case study's words, not a rule the toolkit states: shown where a concern is recorded, never for a blank checklist.
  {
    id: 'nn-ae-refer-regardless',
    safety: false,
    when: { all: [{ instrument: ['nscb-ae-cse-indicator-checklist'] }, CONCERN] },
    src: [at(NN, 1349)],
    steps: [
      {
        id: 'nscb-refer-regardless',
        kind: 'referral',
        text: 'If the young person refuses to engage with the assessment, the CSE risk has not gone away and a referral should be made to MASH regardless.',
        contacts: [NN_MASH],
        src: at(NN, 1349),
        appAdded:
          "The app's reading of a case study in the toolkit, two 15-year-olds at A&E after a party (003 L1349), not a rule the toolkit states: the app shows it wherever a concern is recorded on the checklist, whether or not its threshold is met.",
      },
    ],
  },

  // --- Bristol: referral over request for help (004 L398–L404) ------------
  {
    id: 'bristol-referral',
    safety: false,
    when: {
      all: [
        { instrument: ['bristol-cse-risk-factors'] },
        { any: [{ answer: 'evidence-of-exploitation', in: ['yes'] }, { ticked: ['rf-physical'] }, DISCLOSED] },
      ],
    },
    src: [at(BRS, 404)],
    steps: [
      {
        id: 'bristol-referral-first-response',
        kind: 'referral',
        text: 'All agencies should make a referral to First Response whenever there is evidence to suggest that a young person is being sexually exploited and is at risk of significant harm.',
        contacts: [FIRST_RESPONSE],
        src: at(BRS, 404),
        // The standing route holds this sentence too: shown once.
        replaces: ['bristol-first-response'],
      },
    ],
  },
  {
    id: 'bristol-request-for-help',
    safety: false,
    when: {
      all: [
        { instrument: ['bristol-cse-risk-factors'] },
        { not: { any: [{ answer: 'evidence-of-exploitation', in: ['yes'] }, { ticked: ['rf-physical'] }, DISCLOSED] } },
        // "assessed as being at risk" (L398): something is recorded, a risk factor or a fact of the case.
        { any: [{ indicatorTicked: true }, { answer: 'evidence-of-exploitation', in: ['no'] }, FACT_CONCERN] },
      ],
    },
    src: [at(BRS, 398), at(BRS, 400)],
    steps: [
      {
        id: 'bristol-request-for-help',
        kind: 'referral',
        text: 'Any incident or situation in which a young person is assessed as being at risk of sexual exploitation but there is no clear evidence or disclosure of exploitation taking place, should lead to a request for help being made to First Response.',
        contacts: [FIRST_RESPONSE],
        src: at(BRS, 398),
      },
    ],
  },

  // --- WM risk assessment tool, Section 2 (002 L2405–L2409) ---------------
  {
    id: 'wm-rat-section-2',
    safety: false,
    when: {
      all: [{ instrument: ['wm-cse-risk-assessment-tool'] }, { tierTicked: 'section-2' }],
    },
    src: [at(WM, 2405, 2409)],
    steps: [
      {
        id: 'wm-rat-section-2',
        kind: 'referral',
        text: 'If any of the indicators in Section 2 appear to be an issue, particularly if more than one or if compounded by vulnerabilities in Section 1, you should speak to other agencies or family during the assessment and/or use this assessment to support discussion with your Designated Officer or to supplement a CAF or referral to another service including Specialist CSE Team / Children’s Social Care.',
        contacts: [],
        src: at(WM, 2405, 2409),
      },
    ],
  },

  // --- Northamptonshire school timescales (003 L2207–L2235) ---------------
  {
    id: 'nn-school-timescales',
    safety: false,
    when: { all: [{ region: ['northamptonshire'] }, { setting: 'school' }] },
    src: [at(NN, 2207), at(NN, 2228, 2233)],
    steps: [
      {
        id: 'nn-school-dsl-within-hour',
        kind: 'referral',
        text: 'In a school: any issues concerning Child Sexual Exploitation are passed onto the Designated Safeguarding Lead immediately, within the hour. If the Lead is off-site, they must be contacted by telephone.',
        contacts: [],
        src: at(NN, 2207),
        within: 'within the hour',
        appAdded:
          'These timescales are from the toolkit\'s policy template for schools (003 Appendix 1). The app cannot tell whether this assessment is made in a school, so it shows them whenever the tool can be, marked "In a school".',
      },
      {
        id: 'nn-school-dsl-2-hours',
        kind: 'referral',
        text: 'In a school, the DSLs will need to complete the following actions as soon as possible and within 2 hours: speak with the child/young person if appropriate; complete the online CSE assessment; contact the MASH and, if needed, Northants police; submit a referral into MASH with the completed assessment attached.',
        contacts: [NN_MASH],
        src: at(NN, 2228, 2233),
        within: '2 hours',
        appAdded:
          "From the toolkit's policy template for schools (003 Appendix 1); shown whenever the tool can be used in a school.",
      },
    ],
  },
];

export { ALL as ALL_REGIONS };
