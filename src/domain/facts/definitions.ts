// Case facts: what has happened to the child, as distinct from what a tool's
// indicators record. The pathways turn on them whatever the score (an
// under-13 is referred at once, a disclosed assault goes to the SARC, the
// parents are not consulted where abuse in the family is suspected), so they
// are asked with every tool that screens or measures risk, in a section of
// ordinary items. Their answers live in the record's `answers` under ids
// prefixed `fact-`, so storage, submission and the endpoint's re-score carry
// them unchanged. Every fact is optional: a fact never blocks finishing.
//
// No tool prints these questions as a form field (except the date of birth
// and the date of assessment, which some do): each item says why the app
// asks it (`appAdded`) and cites the seed line that makes it matter (`src`);
// `matters` lists every line a pathway rule takes from it.
import type { Item, SourceRef } from '../engine/types.ts';
import { GM, BURY, WM, NN, at } from '../engine/seed-refs.ts';
import { HOME_AREA_ID } from './home-area.ts';

export const FACT_PREFIX = 'fact-';
export const FACT_SECTION_ID = 'case-facts';
export const FACT_SECTION_TITLE = 'About the child and what has happened';

export interface FactDefinition {
  item: Item;
  /** Items an instrument already asks that hold the same fact (the form's own "DOB"): the fact is not asked twice. */
  aliases: string[];
  /** Every seed line a pathway rule takes from this fact. */
  matters: SourceRef[];
}

const yesNo = (src: SourceRef, why: string) => [
  { value: 'yes', label: 'Yes', src, appAdded: why },
  { value: 'no', label: 'No', src, appAdded: why },
];

export const FACTS: FactDefinition[] = [
  {
    item: {
      id: 'fact-immediate-danger',
      kind: 'choice',
      text: 'Is the child in immediate danger, or at immediate risk of significant harm, now?',
      required: false,
      src: at(GM, 617),
      appAdded:
        'No tool asks this. The app asks it so that the 999 route is put to you in words (000 L617; 002 L2810–2812; 003 L2174–2175); the 999 step is first on every result whatever the answer.',
      help: 'If yes, call 999 now. You can finish the form afterwards.',
      options: yesNo(at(GM, 617), 'The app records the answer as yes or no.'),
    },
    aliases: [],
    matters: [at(GM, 617), at(WM, 2810, 2812), at(NN, 2174, 2175)],
  },
  {
    item: {
      id: 'fact-dob',
      kind: 'date',
      text: 'Date of birth',
      required: false,
      src: at(NN, 519),
      precision: 'date',
      sensitive: true,
      appAdded:
        "Asked so that the child's age is worked out rather than typed: no child under 13 can be assessed as low risk (003 L2170), concerns about an under-13 must result in an immediate referral (003 L2189), and an under-13 cannot consent (001 L484–486). Where a date of birth is given it is used instead of a typed age.",
    },
    aliases: ['yp-dob'],
    matters: [at(NN, 2170), at(NN, 2189), at(NN, 1280), at(BURY, 480, 487)],
  },
  {
    item: {
      id: 'fact-assessment-date',
      kind: 'date',
      text: 'Date of assessment',
      required: false,
      src: at(NN, 522),
      precision: 'date',
      help: 'Filled in with today; change it if the assessment was on another day.',
      askedWhen: { item: 'fact-dob' },
      appAdded: "Asked so that the child's age on the day of the assessment can be worked out from the date of birth.",
    },
    aliases: ['assessment-date'],
    matters: [at(NN, 522)],
  },
  {
    item: {
      id: 'fact-sexual-assault',
      kind: 'choice',
      text: 'Has the child disclosed a sexual assault or sexual abuse, or is sexual abuse suspected?',
      required: false,
      src: at(NN, 1268),
      sensitive: true,
      appAdded:
        'No tool has an item for a disclosure that stands (the nearest need a withdrawal: 003 L505, L510). The app asks it because a disclosure or suspicion opens the Sexual Assault Referral Centre route (003 L1268–1272) and a referral for under-16s (003 L1280), whatever the score.',
      options: [
        {
          value: 'recent',
          label: 'Yes – the child has disclosed a recent sexual assault',
          src: at(NN, 1268),
          appAdded: 'The app separates a recent assault so that the route is offered at once.',
        },
        {
          value: 'past',
          label: 'Yes – the child has disclosed a sexual assault or abuse that is not recent',
          src: at(NN, 1268),
          appAdded: 'The app asks when it happened.',
        },
        {
          value: 'suspected',
          label: 'Sexual abuse is suspected, with no disclosure',
          src: at(NN, 1268),
          sourceText: 'where sexual abuse is suspected',
        },
        { value: 'no', label: 'No', src: at(NN, 1268), appAdded: 'The app records an explicit no.' },
      ],
    },
    aliases: [],
    matters: [at(NN, 1268, 1272), at(NN, 1280), at(NN, 2225), at(BURY, 314, 316)],
  },
  {
    item: {
      id: 'fact-disclosure-withdrawn',
      kind: 'choice',
      text: 'Has the child withdrawn the disclosure or allegation?',
      required: false,
      src: at(NN, 510),
      sensitive: true,
      askedWhen: { item: 'fact-sexual-assault', values: ['recent', 'past'] },
      appAdded:
        'A withdrawn disclosure is itself an indicator (003 L505, L510; 001 L1286–1288): the app asks it so that a withdrawal never hides the route the disclosure opened.',
      options: yesNo(at(NN, 510), 'The app records the answer as yes or no.'),
    },
    aliases: [],
    matters: [at(NN, 505), at(NN, 510)],
  },
  {
    item: {
      id: 'fact-missing-now',
      kind: 'choice',
      text: 'Is the child missing now?',
      required: false,
      src: at(WM, 520),
      appAdded:
        'Missing children should be reported to the police at the earliest opportunity (002 L520); a child who goes missing during the process means the MASH and the police are contacted immediately (003 L2235). The app asks so that the route is shown.',
      options: yesNo(at(WM, 520), 'The app records the answer as yes or no.'),
    },
    aliases: [],
    matters: [at(WM, 520), at(NN, 2235), at(GM, 889)],
  },
  {
    item: {
      id: 'fact-missing-3-months',
      kind: 'number',
      text: 'How many times has the child gone missing in the last 3 months? (0 if none)',
      required: false,
      src: at(WM, 522),
      min: 0,
      max: 99,
      integer: true,
      appAdded:
        'Children who have gone missing 3 times within a 3 month period are automatically discussed at a MASE meeting (002 L522); every missing episode calls for a return interview within 72 hours (002 L520; 000 L889).',
    },
    aliases: [],
    matters: [at(WM, 520), at(WM, 522), at(GM, 889)],
  },
  {
    item: {
      id: 'fact-trafficking',
      kind: 'choice',
      text: 'Is there a concern that the child may be being trafficked (moved into, within or out of the UK, or from one place to another, for sexual exploitation)?',
      required: false,
      src: at(WM, 569, 574),
      sensitive: true,
      appAdded:
        'Concerns that a child may be trafficked should always be reported to the police, and a referral made to the National Referral Mechanism (002 L574, L576). No tool asks it; the app does so that the route is shown.',
      options: yesNo(at(WM, 574), 'The app records the answer as yes or no.'),
    },
    aliases: [],
    matters: [at(WM, 574), at(WM, 576), at(BURY, 102, 103)],
  },
  {
    item: {
      id: 'fact-suspected-abuse',
      kind: 'multi',
      text: 'Do you suspect that the child is a victim of any of these? (tick any that apply)',
      required: false,
      src: at(BURY, 489, 491),
      sensitive: true,
      appAdded:
        'If the professional suspects any of these, the parents should not be consulted prior to referral (001 L489–493). The app asks so that the warning is shown before anyone contacts the family.',
      options: [
        {
          value: 'intra-familial',
          label: 'Sexual abuse within the family (intra-familial)',
          src: at(BURY, 489, 490),
          sourceText: 'victim of sexual abuse (intra-familial)',
        },
        { value: 'organised', label: 'Organised or multiple abuse', src: at(BURY, 490) },
        {
          value: 'forced-marriage',
          label: "A potential victim of forced marriage (whatever the child's age)",
          src: at(BURY, 490, 491),
          sourceText: 'a potential victim of forced marriage (irrespective of the age)',
        },
      ],
    },
    aliases: [],
    matters: [at(BURY, 489, 493)],
  },
];

export const FACT_IDS = FACTS.map((f) => f.item.id);

/**
 * "Nothing to report on these": the answers one tap records for a child with
 * nothing to report (No to immediate danger, a sexual assault, missing now and
 * trafficking). It fills only what is blank and never the date of birth or the
 * counts, which the practitioner may simply not know.
 */
export const NOTHING_TO_REPORT: Readonly<Record<string, 'no'>> = {
  'fact-immediate-danger': 'no',
  'fact-sexual-assault': 'no',
  'fact-missing-now': 'no',
  'fact-trafficking': 'no',
};
// The child's home area is asked with the facts, but only where the region routes by area (home-area.ts).
const FACT_ID_SET = new Set([...FACT_IDS, HOME_AREA_ID]);

/** A case fact's id (by the list, not the prefix alone: the GM information-sharing checklist has its own "fact-opinion"). */
export function isFactId(id: string): boolean {
  return FACT_ID_SET.has(id);
}
