// West Midlands regional CSE framework, seed 002.
// Sandwell CSE Screening Tool (L1538–L2132) and the CSE Risk Assessment Tool
// (L2399–L2936).
import type { ChoiceItem, Instrument, SourceRef } from '../engine/types.ts';
import { date, lines, number, text, tick, yesNo } from './build.ts';
import { RAISING_ASPIRATIONS, SANDWELL_BARNARDOS, SANDWELL_CONTACTS, SANDWELL_WOMENS_AID } from './directory.ts';

export const WM_FILE = '002_4bf56e93123a467b.txt';
const L = lines(WM_FILE);
/** On a Sandwell number in a tool every West Midlands authority uses. */
const SANDWELL_ONLY =
  'Sandwell’s number, the only one the framework prints: in another West Midlands authority, use your own.';

type Row = [id: string, text: string, line: number, endLine?: number, sourceText?: string];

function tickRows(rows: Row[], header: SourceRef, required: boolean): ChoiceItem[] {
  return rows.map(([id, t, line, end, sourceText]) =>
    tick(id, t, L(line, end), header, required, sourceText ? { sourceText } : {}),
  );
}

// ---------------------------------------------------------------------------
// Sandwell CSE Screening Tool

const CURRENT = L(1667);
const PRIOR = L(1669);

function significant(id: string, t: string, line: number): ChoiceItem {
  return {
    id,
    kind: 'choice',
    text: t,
    required: true,
    src: L(line),
    options: [
      { value: 'current', label: 'Current or during the past 6 months', src: CURRENT },
      { value: 'prior', label: 'Prior to 6 months ago', src: PRIOR },
      {
        value: 'no',
        label: 'Not ticked',
        src: L(1663),
        appAdded:
          'The paper form has two tick columns only. The app asks for an explicit "not ticked" so that a blank row is never read as considered and absent.',
      },
    ],
  };
}

const SIGNIFICANT: [string, string, number][] = [
  ['s-missing', 'Repeat periods of absence/missing (day and/or night)', 1673],
  [
    's-controlling-relationship',
    'Relationship of concern with a controlling adult (male or female) or young person, which might involve physical and/or emotional abuse and/or gang activity',
    1681,
  ],
  ['s-vehicles', 'Entering/leaving vehicles driven by unknown adults (not car theft)', 1689],
  ['s-money', 'Unexplained amounts of money, expensive clothes or other items; including phone credit', 1697],
  ['s-risky-areas', 'Frequenting areas known for risky activities', 1705],
  [
    's-online-grooming',
    'Groomed/abused via the Internet and mobile technology and/or excessive use of mobile phone including late at night',
    1713,
  ],
  ['s-hotels-taxis', 'Having unexplained contact with hotels, taxi companies or fast food outlets', 1721],
  ['s-stis-terminations', 'Recurring sexually transmitted infections/repeat terminations', 1729],
];

const RISK_HEADER = L(1747);
const RISK: Row[] = [
  ['r-whereabouts', 'Whereabouts unclear or unknown – day and/or night', 1751],
  ['r-school', 'Absences/exclusion from school or not engaged in school/college/ training/work', 1757],
  ['r-unknown-contacts', 'Regular/Multiple contacts from unknown adults/young people', 1763],
  ['r-injuries', 'Physical injuries without plausible explanation', 1769],
  ['r-stis-pregnancy', 'Sexually transmitted infections/ Pregnancies / termination of pregnancies', 1775],
  ['r-drugs', 'Drugs Misuse', 1781],
  ['r-alcohol', 'Alcohol Misuse', 1787],
  ['r-self-harm', 'Self-harming/ suicide attempts/ eating disorders/aggression', 1793],
  ['r-mobile', 'Use of a mobile phone which causes concern – including sexting/multiple phones/sims', 1799],
  ['r-internet', 'Unsafe use of internet', 1805],
  ['r-sexually-assaulted', 'Has been sexually assaulted', 1811],
  ['r-withdrawn-disclosure', 'Disclosure of sexual/physical assault followed by withdrawal of allegation', 1817],
  ['r-sexual-behaviour', 'Risky/inappropriate sexual behaviour', 1823],
  ['r-awareness', 'Lack of awareness/understanding of being safe', 1829],
  ['r-peers', 'Peers involved in sexual exploitation/risky or concerning behaviours', 1835],
  [
    'r-living-independently',
    'Living independently and failing to respond to attempts by workers to keep in touch',
    1841,
  ],
  ['r-ae-attendance', 'A&E attendance because of alcohol/drug misuse', 1847],
  ['r-accompanied', 'Being accompanied to appointments by an unknown person that causes concern', 1853],
  ['r-gang', 'Association with gang members that suggests sexual exploitation is a possibility', 1859],
  ['r-volatile', 'Volatile behaviour/hostility in relationships with parents/carers and other family members', 1865],
];

const VULN_HEADER = L(1878);
const VULN: Row[] = [
  [
    'v-accommodation',
    'Unsuitable/inappropriate accommodation/ sofa,surfing / financially unsupported/ migrant/refugee',
    1882,
  ],
  ['v-isolated', 'Isolated from peers/family/social networks', 1888],
  ['v-ld-mental-health', 'Learning disabilities/special needs or mental health issues', 1894],
  ['v-la-care', 'History of Local Authority Care/looked after child status', 1900],
  ['v-criminal-gang', 'Involvement in criminal activities and/or at risk of gang involvement', 1906],
  [
    'v-family-conflict',
    'Family conflict/ breakdown, lack of love/security, death, loss, illness of a significant person in child’s life',
    1912,
  ],
  [
    'v-cp-history',
    'History of Child Protection involvement in relation to neglect, physical sexual or emotional abuse',
    1918,
  ],
  [
    'v-family-history',
    'Family history of domestic abuse and/or substance misuse and/or mental health difficulties',
    1924,
  ],
  ['v-forced-marriage', 'Risk of forced marriage', 1930],
  ['v-bereavement', 'Recent bereavement and loss', 1936],
];

const step = (
  id: string,
  t: string,
  line: number,
  end: number,
  kind: 'referral' | 'advice' | 'assessment' | 'information-report' = 'advice',
) => ({
  id,
  kind,
  text: t,
  contacts: [],
  src: L(line, end),
});

export const sandwellScreening: Instrument = {
  id: 'sandwell-cse-screening-tool',
  version: '1.1.0',
  title: 'Sandwell Child Sexual Exploitation Screening Tool',
  source: WM_FILE,
  region: 'sandwell',
  kind: 'screening',
  audience: {
    who: {
      text: 'Professionals in all agencies working with children and young people, with their agency’s designated safeguarding advisor',
      src: L(351),
    },
    when: {
      text: 'When a child/young person for whom they have concerns may be at risk of being sexually exploited, to inform their assessment about the risk of harm',
      src: L(351),
    },
  },
  settings: ['medical', 'school', 'youth-work', 'social-care', 'police'],
  sections: [
    {
      id: 'about',
      title: 'About the child and the referrer',
      src: L(1538),
      items: [
        text('child-name', 'Name', L(1540)),
        text('also-known-as', 'Also known as', L(1544), { sourceText: 'Also      known as' }),
        number('age', 'Age in years', L(1550), 0, 17, {
          sensitive: true,
          appAdded: 'The form asks Date of Birth; the app asks age, which is all the tools use, to hold less.',
        }),
        text('referrer-agency', 'Agency', L(1610), { sensitive: false }),
        text('reason', 'Reason for completing screening tool', L(1634), { multiline: true }),
      ],
    },
    {
      id: 'significant',
      title: 'Significant Risk Indicators',
      src: L(1663),
      items: SIGNIFICANT.map(([id, t, line]) => significant(id, t, line)),
    },
    { id: 'risk', title: 'Risk Indicators', src: L(1745), items: tickRows(RISK, RISK_HEADER, true) },
    { id: 'vulnerability', title: 'Vulnerability Factors', src: L(1876), items: tickRows(VULN, VULN_HEADER, true) },
    {
      id: 'category-decision',
      title: 'Your decision on the category of risk',
      src: L(1946),
      note: {
        text: 'The framework includes three categories of risk and is intended to inform appropriate responses in relation to children and young people’s safeguarding needs. Please use your professional judgement to reflect upon the indicators you have ticked above.',
        src: L(1946, 1950),
      },
      items: [
        {
          id: 'category-decision',
          kind: 'choice',
          text: 'Which category of risk do you judge applies to this child?',
          required: false,
          src: L(1946),
          appAdded:
            "The tool prints three categories but no rule from the ticked indicators to a category (002 L353–359, L1946). The category is the practitioner's decision: the app asks for it, shows its own suggestion from the ticks beside it on the result, and the next steps follow the category you choose.",
          help: "Leave blank to see the app's suggestion first; the steps then follow the suggestion, marked as not confirmed.",
          options: [
            {
              value: 'cat1',
              label:
                'Category 1 – Low. At risk of harm: a child who is at risk of being groomed for sexual exploitation.',
              src: L(1964, 1968),
            },
            {
              value: 'cat2',
              label:
                'Category 2 – Medium. Significant risk of harm: a child who is targeted for abuse through exchange of sex for affection, drugs, accommodation and goods etc. The likelihood of coercion and control is significant.',
              src: L(1990, 1996),
            },
            {
              value: 'cat3',
              label:
                'Category 3 – Significant. Serious risk of harm: a child who is entrenched in sexual exploitation, but often does not recognise or self denies the nature of their abuse often in denial, and where coercion/control is implicit.',
              src: L(2020, 2024),
            },
            {
              value: 'none',
              label: 'None of the three categories',
              src: L(1946),
              appAdded: 'The app lets the practitioner record that no category applies.',
            },
          ],
        },
        text('category-reason', "Why? (especially where your decision differs from the app's suggestion)", L(1950), {
          multiline: true,
          appAdded:
            'The app asks for the reason so that a decision that differs from the ticks is explained in the record.',
        }),
      ],
    },
  ],
  scoring: {
    rule: 'highest-category',
    decision: { itemId: 'category-decision', reasonItemId: 'category-reason' },
    categories: [
      {
        id: 'cat1',
        label: 'Category 1 – Low. At risk of harm',
        description: 'A child who is at risk of being groomed for sexual exploitation.',
        severity: 1,
        src: L(1964, 1968),
      },
      {
        id: 'cat2',
        label: 'Category 2 – Medium. Significant risk of harm',
        description:
          'A child who is targeted for abuse through exchange of sex for affection, drugs, accommodation and goods etc. The likelihood of coercion and control is significant.',
        severity: 2,
        src: L(1990, 1996),
      },
      {
        id: 'cat3',
        label: 'Category 3 – Significant. Serious risk of harm',
        description:
          'A child who is entrenched in sexual exploitation, but often does not recognise or self denies the nature of their abuse often in denial, and where coercion/control is implicit.',
        severity: 3,
        src: L(2020, 2024),
      },
    ],
    groups: [
      {
        id: 'significant',
        label: 'Significant risk indicators',
        items: SIGNIFICANT.map(([id]) => id),
        tickedValues: ['current', 'prior'],
        candidates: ['cat2', 'cat3'],
        src: L(1663),
      },
      {
        id: 'risk',
        label: 'Risk indicators',
        items: RISK.map(([id]) => id),
        tickedValues: ['yes'],
        candidates: ['cat1', 'cat2'],
        src: L(1745),
      },
      {
        id: 'vulnerability',
        label: 'Vulnerability factors',
        items: VULN.map(([id]) => id),
        tickedValues: ['yes'],
        candidates: ['cat1'],
        src: L(1876),
      },
    ],
    ruleText: {
      text: 'The framework includes three categories of risk and is intended to inform appropriate responses in relation to children and young people’s safeguarding needs. The presence of one significant risk indicator will necessitate action as set out below.',
      src: L(1946),
    },
    none: {
      label: 'No indicator ticked (the tool gives no category; use your professional judgement)',
      appWording: true,
    },
  },
  notes: [
    {
      text: 'Please use your professional judgement to reflect upon the indicators you have ticked above and consider the health, welfare and safety of the child in question. (NB: A ‘child’ is any person under the age of 18, male and female, and older children can be equally as vulnerable)',
      src: L(1950),
    },
  ],
  ambiguities: [
    {
      id: 'groups-to-categories',
      text: 'The tool has three indicator groups and three categories but never says which group means which category. Read one-to-one, significant risk indicators mean Category 3 and risk indicators Category 2; read by name, "Significant Risk Indicators" match Category 2 ("Significant risk of harm") — yet Category 3 is headed "Significant" too.',
      reading:
        'Both readings are shown; the app takes the more serious one (significant → Category 3, risk → Category 2, vulnerability only → Category 1).',
      src: [L(353, 359), L(1663), L(1745), L(1876), L(1990, 1992), L(2020, 2022)],
    },
    {
      id: 'strategy-meeting-significant-risk',
      text: 'The Category 3 column asks for a multi-agency strategy meeting for children "assessed as at ‘significant risk’" (L2028), but "significant risk of harm" is the name of Category 2 (L1992).',
      reading: 'The strategy meeting step is shown from Category 2 up, the more cautious reading.',
      src: [L(1992), L(2028)],
    },
    {
      id: 'six-month-timing',
      text: 'Significant risk indicators are recorded as "Current or during the past 6 months" or "Prior to 6 months ago", but the tool does not say how the timing changes the category.',
      reading:
        'A past indicator counts as present ("the presence of one significant risk indicator will necessitate action"); the timing is shown in the reasons.',
      src: [L(1667), L(1669), L(1946)],
    },
  ],
  referencedNotReproduced: [
    { text: 'DSCB Safeguarding Procedures for Children at Risk of Sexual Exploitation (Section 34)', src: L(2002) },
    { text: 'Local multi-agency threshold guidance ("map across" to levels of need)', src: L(351) },
  ],
  actions: [
    {
      minSeverity: 1,
      maxSeverity: 1,
      step: step(
        'sandwell-cat1-single-agency',
        'Category 1: delivered as a single agency or integrated into existing multi-agency plan; educate to stay safe; work with children, young people and families to develop an awareness of the risks; ongoing review of risk required.',
        1964,
        1978,
      ),
    },
    {
      minSeverity: 1,
      maxSeverity: 1,
      step: {
        ...step(
          'sandwell-cat1-info-report',
          'Use the police information report form to share information on victims or perpetrators.',
          1982,
          1982,
          'information-report',
        ),
        sourceText: 'Use the police information report form to share information on victim’s or perpertrators',
      },
    },
    {
      minSeverity: 1,
      maxSeverity: 2,
      step: {
        ...step(
          'sandwell-raising-aspirations',
          'Referral will be made to Raising Aspirations who will undertake direct work with the victim on healthy relations and staying safe.',
          1984,
          1984,
          'referral',
        ),
        contacts: [RAISING_ASPIRATIONS],
      },
    },
    {
      minSeverity: 2,
      maxSeverity: 2,
      step: step(
        'sandwell-cat2-marf',
        'Category 2: a Multi Agency Referral Form to be completed along with the screening tool; a multi-agency approach is likely to be needed; follow local procedures (CAF or DSCB Safeguarding Procedures, Section 34).',
        1990,
        2002,
        'referral',
      ),
    },
    {
      minSeverity: 2,
      maxSeverity: 2,
      step: {
        ...step(
          'sandwell-cat2-missing',
          'Discuss with Police missing episodes and Barnardo’s, and referral for return home visits to be completed.',
          2006,
          2006,
        ),
        sourceText:
          'Discuss with Police missing episodes and Barnado’s and referral for return home visits to be completed',
        contacts: [SANDWELL_BARNARDOS],
      },
    },
    {
      minSeverity: 2,
      maxSeverity: 2,
      step: {
        ...step(
          'sandwell-cat2-womens-aid',
          'Intervention by Sandwell Women’s Aid to be completed in order for young people to recognise healthy/unhealthy relationships; they will also support in attending Court.',
          2010,
          2010,
        ),
        contacts: [SANDWELL_WOMENS_AID],
      },
    },
    {
      minSeverity: 2,
      step: step(
        'sandwell-mase',
        'MASE (multi agency sexual exploitation) will be convened and risk assessment form to be completed.',
        2014,
        2014,
        'assessment',
      ),
    },
    {
      minSeverity: 2,
      step: {
        ...step(
          'sandwell-strategy-meeting',
          'A referral will be needed and a multi-agency strategy meeting should be convened in relation to children and young people assessed as at ‘significant risk’.',
          2028,
          2028,
          'referral',
        ),
      },
    },
    {
      minSeverity: 3,
      step: step(
        'sandwell-cat3-strategy',
        'Category 3: follow the DSCB Safeguarding Procedures; participants of the meeting should agree a protection plan; the plan to include actions in relation to perpetrators; joint investigation between Police and Children’s services.',
        2020,
        2036,
        'referral',
      ),
    },
    {
      minSeverity: 3,
      step: {
        ...step(
          'sandwell-cat3-barnardos',
          'Barnardo’s return interviews for young people who go missing, family based interventions, and therapeutic care with the victim.',
          2040,
          2044,
        ),
        sourceText:
          'Barnado’s who will conduct return interviews for young people who go missing; Barnado’s will provide family based interventions; Barnardo’s will provide thereupetic care with the victim',
        contacts: [SANDWELL_BARNARDOS],
      },
    },
    {
      minSeverity: 1,
      step: step(
        'sandwell-inform-coordinator',
        'Inform CSE Co-ordinator of young person considered to be at risk of CSE so this can be captured by SSCB.',
        1980,
        1980,
      ),
    },
  ],
};

// ---------------------------------------------------------------------------
// West Midlands CSE Risk Assessment Tool

const S1 = L(2432);
const S2 = L(2577);
const INC = L(2808);

const SECTION1: Row[] = [
  [
    'v-migrant',
    'Migrant/refugee/Asylum Seeker/Trafficked status through NRM',
    2439,
    2443,
    'Migrant/refugee/Asyl um Seeker/Trafficked status through NRM',
  ],
  ['v-known-csc', 'Known to Children’s Social Care/CP Plan/LAC, now or previously?', 2445, 2451],
  ['v-disabilities', 'Physical/Learning Disabilities / communication disorders', 2445, 2451],
  ['v-youth-justice', 'Involvement with the Youth Justice system?', 2453, 2455],
  [
    'v-other-services',
    'Is the child receiving support or services from any other Agency, such as drug & alcohol or mental health services',
    2453,
    2461,
  ],
  [
    'v-cse-previously',
    'Has sexual exploitation previously been identified as a specific issue for this child?',
    2474,
    2479,
  ],
  ['v-neglect', 'Neglect by Parent/Carer/Family member', 2487, 2489],
  [
    'v-domestic-abuse',
    'History of / current family domestic abuse (including risk of forced marriage/risk of honour based violence/familial child sexual abuse)',
    2491,
    2496,
  ],
  ['v-abuse-by-family', 'Physical / emotional/ sexual abuse by Parent/ Carer/ Family member', 2498, 2506],
  ['v-family-substance', 'History of / current substance misuse in family', 2501, 2504],
  ['v-poverty', 'Poverty or Deprivation', 2508, 2509],
  ['v-family-exploitation', 'Family history of exploitation or Prostitution', 2508, 2511],
  [
    'v-accommodation',
    'Unsuitable or inappropriate accommodation (Inc. street homeless, staying with inappropriate adults/hostel/B&B)',
    2513,
    2519,
  ],
  ['v-family-mental-health', 'Family history of mental health difficulties impacting parenting', 2521, 2524],
  ['v-family-breakdown', 'Breakdown of Family relationships', 2526, 2527],
  ['v-family-bereavement', 'Family bereavement', 2529],
  ['v-self-esteem', 'Low self-esteem or history of being bullied or of bullying', 2531, 2533],
  ['v-no-protective-adult', 'Lack of positive relationship with a protective/ nurturing adult', 2535, 2538],
  ['v-recent-bereavement', 'Recent bereavement or loss', 2540, 2541],
  ['v-young-carer', 'Young carer', 2543],
  ['v-disconnecting', 'Disconnecting from support networks i.e. family/friends', 2545, 2547],
  ['v-chaotic-household', 'Living in a chaotic or dysfunctional household', 2549, 2551],
  [
    'v-sexual-orientation',
    'Unsure about their sexual orientation or unable to disclose sexual orientation to their families/friends',
    2564,
    2569,
  ],
  ['v-gang-neighbourhood', 'Living in a gang neighbourhood (postcode gangs)', 2564, 2566],
  ['v-gang-association', 'Gang association either through gang relatives, peers or intimate relationships', 2571, 2575],
  ['v-ethnicity-bullying', 'Ethnicity (bullying or ethnicity)', 2571, 2572],
];

const SECTION2: Row[] = [
  // The first row of the two-column table (L2584–L2594) is read column by
  // column: "Change in behaviour - being more secretive / withdrawn /
  // isolated from peers or not mixing with usual friends" and "Increasingly
  // disruptive, hostile or physically aggressive at home or school Inc. use
  // of sexualised language". (Version 1.0.0 split it after "Change in
  // behaviour -"; the ids keep their indicators.)
  [
    'r-secretive',
    'Change in behaviour - being more secretive / withdrawn / isolated from peers or not mixing with usual friends',
    2584,
    2594,
  ],
  [
    'r-behaviour-change',
    'Increasingly disruptive, hostile or physically aggressive at home or school Inc. use of sexualised language',
    2584,
    2591,
  ],
  [
    'r-older-men-women',
    'Associating / relationship with significantly older men or women who encourage emotional dependence, loyalty and isolation from safe relationships (record details of adults i.e. occupation/ description)',
    2596,
    2608,
  ],
  [
    'r-abuse-by-partner',
    'Physical or emotional abuse by a boyfriend / girlfriend or controlling adult including use of emotional manipulation, violence and/or threats',
    2596,
    2601,
  ],
  ['r-exploited-peers', 'Associating with other sexually exploited children', 2610, 2612],
  [
    'r-multiple-callers',
    'Multiple callers (unknown adults/older young people) - (record description/names etc.)',
    2610,
    2614,
  ],
  ['r-estranged', 'Estranged from family', 2627, 2628],
  [
    'r-missing',
    'Regularly coming home late or going missing from home, care or education for any period of time (whether reported or not).',
    2630,
    2636,
  ],
  ['r-well-cared-for', 'Returning home after long intervals appearing well cared for', 2638, 2640],
  ['r-appearance', 'Change in physical appearance (new clothes, more/less make-up, weight gain/loss)', 2644, 2648],
  ['r-health-problems', 'Increased health / sexual health related problems', 2650, 2652],
  ['r-marks', 'Marks or scars or physical injuries on the body or face which they try to conceal', 2654, 2658],
  [
    'r-despair',
    'Expressions of despair (Inc. depression, mental ill health, self-harm, suicide thoughts/ attempts, overdose, eating disorder)',
    2660,
    2665,
  ],
  ['r-branding', 'Branding (i.e. of gang logos)', 2667, 2668],
  [
    'r-pregnancy',
    'Repeat/unplanned pregnancy or pregnancies (including ending in termination/ miscarriage(s))',
    2670,
    2674,
  ],
  [
    'r-stis',
    'Sexually Transmitted Infections (STI’s) and/or repeat tests particularly with negative results',
    2687,
    2691,
  ],
  [
    'r-internet',
    'Concealed / concerning use of the internet including web-cam, online gaming (via X-box, PlayStation), chat rooms etc.',
    2695,
    2701,
  ],
  [
    'r-school',
    'Exclusion from school or unexplained absences from, or not engaged in school/ college/ training/ work',
    2703,
    2707,
  ],
  [
    'r-disengaging',
    'Failing to respond to attempts to keep in touch by workers/carer or recent disengagement',
    2709,
    2714,
  ],
  ['r-hotels', 'Reports of being taken to hotels, nightclubs, takeaways or out of area by unknown adults', 2716, 2719],
  [
    'r-sexualised-risk',
    'Sexualised risk-taking, including on internet or mobile phone, such as sexting (sending explicit messages or photos to adults or peers)',
    2721,
    2728,
  ],
  ['r-exploring-sexuality', 'Young gay/bisexual exploring sexuality in unsupported way', 2730, 2732],
  ['r-gangs', 'Association with gangs', 2734, 2735],
  ['r-drugs-alcohol', 'Increasing use of drugs or alcohol or misuse of drugs or alcohol', 2737, 2739],
  ['r-gang-victimisation', 'Fear of victimisation from other gangs due to gang affiliation or rivalry', 2741, 2744],
  ['r-gang-rules', 'Constrained by ‘rules’ of a gang', 2746, 2747],
  ['r-gang-exit', 'Inability to negotiate exit from a gang due to fear/dependency', 2760, 2762],
  ['r-harassment', 'Displaying signs of harassment/unwanted attention', 2764, 2766],
  ['r-gang-leaders', 'Fear of gang leaders', 2768],
  [
    'r-sexual-bullying',
    'Evidence of sexual bullying and/or vulnerability through the internet and/or social networking sites',
    2770,
    2774,
  ],
  ['r-offending', 'Involved in criminal offending activity (i.e. ASB/criminal damage/theft)', 2776, 2779],
  ['r-adult-groups', 'Unusual association with groups of adults', 2781, 2782],
  [
    'r-money',
    'Unexplained amounts of money, mobiles, credit, expensive clothing, jewellery or other items/gifts',
    2786,
    2791,
  ],
  ['r-sexualised-dress', 'Overt sexualised dress', 2793],
  [
    'r-phones',
    'Having multiple mobile phones, sim cards or use of a phone that causes concern — multiple callers or more texts/pings than usual',
    2795,
    2802,
  ],
  ['r-hotel-keys', 'Possession of hotel keys/cards or keys to unknown premises', 2804, 2806],
];

const INCIDENCES: Row[] = [
  [
    'i-under-13-penetrative',
    'Child under 13 engaging in penetrative sex with someone over 15 years',
    2817,
    2825,
    'Child under 13 engagingin penetrative sex with someone over 15 years',
  ],
  ['i-vehicles', 'Entering/leaving vehicles cars with unknown adults', 2817, 2821],
  ['i-selling-sex', 'Child meeting different adults and exchanging or ‘selling’ sexual activity', 2827, 2835],
  ['i-sex-work-areas', 'Frequenting areas known for on/off street sex work', 2827, 2831],
  ['i-introducing-peers', 'Receiving rewards of money or goods for introducing peers to CSE adults.', 2837, 2843],
  ['i-withdrawn-disclosure', 'Disclosure of sexual/physical assault followed by withdrawal of allegation', 2837, 2843],
  ['i-unknown-towns', 'Knowledge of towns or cities they have no previous connection with', 2845, 2851],
  ['i-clubs-hotels', 'Being taken to clubs or hotels and engaging in sexual activity', 2845, 2849],
  ['i-abduction', 'Abduction or forced imprisonment', 2853, 2855],
  ['i-taxi-takeaway', 'Association with taxi firms/takeaway owners (night-time economy)', 2853, 2856],
  ['i-brothels', 'Being taken to brothels/ massage parlours', 2858, 2862],
  ['i-hotspots', 'Seen in CSE hotspots (certain flats, recruiting areas, cars or houses)', 2858, 2862],
];

export const wmRiskAssessmentTool: Instrument = {
  id: 'wm-cse-risk-assessment-tool',
  version: '1.1.0',
  title: 'West Midlands Child Sexual Exploitation (CSE) Risk Assessment Tool',
  source: WM_FILE,
  region: 'sandwell',
  kind: 'risk-measurement',
  audience: {
    who: {
      text: 'This form allows you to explore some of the vulnerabilities and indicators present in a child or young person that you know might be at risk of or experiencing sexual exploitation',
      src: L(2401, 2403),
    },
    when: {
      text: 'When the screening tool shows the child is likely to suffer significant harm from CSE, to update the assessment',
      src: L(305),
    },
  },
  settings: ['social-care', 'youth-work', 'school', 'medical'],
  sections: [
    {
      id: 'general',
      title: 'General details',
      src: L(2411),
      items: [
        text('child-name', 'Child/Young person’s Name/Alias/Known as', L(2419, 2423)),
        number('age', 'Age', L(2428), 0, 17, { sensitive: true }),
        date('yp-dob', 'DOB', L(2428), 'date', { sensitive: true }),
        text('worker', 'Name and role of worker completing assessment', L(2413, 2417), { sensitive: false }),
        text('agency-contact', 'Agency and contact details', L(2413, 2415), { sensitive: false }),
        text('local-authority', 'Local Authority currently living in', L(2419, 2421), { sensitive: false }),
        text('languages', 'Language(s) spoken', L(2425)),
        date('assessment-date', 'Date of Risk Assessment', L(2425, 2426)),
        text('legal-status', 'Legal status', L(2428)),
        text('ethnicity', 'Ethnicity', L(2430)),
        text('gender', 'Gender', L(2430)),
      ],
    },
    {
      id: 'section-1',
      title: 'Section 1. Vulnerabilities',
      src: S1,
      items: [text('sexuality', 'Sexuality (If known)', L(2439)), ...tickRows(SECTION1, S1, false)],
    },
    { id: 'section-2', title: 'Section 2. Risk Indicators', src: S2, items: tickRows(SECTION2, S2, false) },
    { id: 'incidences', title: 'Incidences', src: INC, items: tickRows(INCIDENCES, INC, true) },
    {
      id: 'summary',
      title: 'Risks and actions',
      src: L(2882),
      items: [
        text(
          'additional-information',
          'Please add any additional information that you feel is unusual/ relevant / concerning',
          L(2864, 2869),
          { multiline: true },
        ),
        text('known-suspects', 'Details of known suspects', L(2909), { multiline: true }),
        text(
          'undisclosable-risks',
          'Are there any risks that cannot be disclosed due to confidentiality/data protection? (Consider 5x5x5).',
          L(2911, 2915),
          { multiline: true },
        ),
        yesNo(
          'risk-to-others',
          'Is there a risk present to others, i.e. other child/ vulnerable adult?',
          L(2917, 2919),
          L(2917),
          false,
          {},
          'The form leaves a blank box; the app records yes or no.',
        ),
        text('immediate-risks', 'What immediate risks does the young person face?', L(2921, 2922), { multiline: true }),
      ],
    },
  ],
  scoring: {
    rule: 'indicator-threshold',
    tiers: [
      { id: 'section-1', label: 'Section 1 vulnerabilities', items: SECTION1.map(([id]) => id), src: S1 },
      { id: 'section-2', label: 'Section 2 risk indicators', items: SECTION2.map(([id]) => id), src: S2 },
      { id: 'incidences', label: 'Incidences', items: INCIDENCES.map(([id]) => id), src: INC },
    ],
    tickedValues: ['yes'],
    triggers: [{ tier: 'incidences', atLeast: 1 }],
    ruleText: {
      text: 'If any of these are known to have happened and the Police or Social Care are not yet aware you must refer to the local CSE Team, if there is one, otherwise to Social Care- or direct to the Police in emergencies.',
      src: L(2810, 2812),
    },
    met: {
      label:
        'You must refer to the local CSE Team, if there is one, otherwise to Social Care – or direct to the Police in emergencies',
      src: L(2810, 2812),
    },
    notMet: {
      label: 'No incidence recorded (this tool gives no score or grade; use it to support discussion and referral)',
      appWording: true,
    },
  },
  notes: [
    {
      text: 'If any of the indicators in Section 2 appear to be an issue, particularly if more than one or if compounded by vulnerabilities in Section 1, you should speak to other agencies or family during the assessment and/or use this assessment to support discussion with your Designated Officer or to supplement a CAF or referral to another service including Specialist CSE Team / Children’s Social Care.',
      src: L(2405, 2409),
    },
  ],
  ambiguities: [
    {
      id: 'no-score',
      text: 'The tool prints no score, band or category; it asks the CSE team for an "Initial Summary of Risk Level" without saying how to reach it.',
      reading:
        "The app computes only the one printed rule (any incidence → must refer) and lists the ticks by section for the assessor's summary.",
      src: [L(2924, 2928)],
    },
  ],
  referencedNotReproduced: [{ text: '5x5x5', src: L(2915) }],
  actions: [
    {
      // Any incidence: the tool's own instruction, as a step (its outcome repeats it).
      minSeverity: 1,
      step: {
        id: 'wm-rat-must-refer',
        kind: 'referral',
        text: 'If any of these are known to have happened and the Police or Social Care are not yet aware you must refer to the local CSE Team, if there is one, otherwise to Social Care- or direct to the Police in emergencies.',
        // The framework prints contacts for Sandwell only; each carries the authority's name.
        // The police unit serves every West Midlands authority; the CSE team's and the MASH's numbers are
        // Sandwell's alone, and say so for a practitioner in one of the other six.
        contacts: [SANDWELL_CONTACTS[0]!, SANDWELL_CONTACTS[6]!, SANDWELL_CONTACTS[5]!].map((c, i) => ({
          ...c,
          name: `Sandwell: ${c.name}`,
          ...(i < 2 ? { note: [c.note, SANDWELL_ONLY].filter(Boolean).join(' ') } : {}),
        })),
        src: L(2810, 2812),
      },
    },
    {
      step: {
        id: 'wm-rat-actions',
        kind: 'advice',
        text: 'Action/s already taken or to be taken, done (date) / to be done (timescales): discuss with line manager; initiate CAF; contact local CSE Coordinator; refer to Children’s Social Care; discuss with Police regarding investigation; call strategy meeting / CIN meeting / CP case conference; contact/referral to specialist voluntary sector service.',
        contacts: [],
        src: L(2882, 2904),
      },
    },
  ],
};

// ---------------------------------------------------------------------------
// West Midlands Police Information Report (L1231–L1303)

const WM_REPORT_EMAIL = 'fib@west-midlands.pnn.police.uk';

export const wmInformationReport: Instrument = {
  id: 'wm-information-report',
  version: '1.0.1',
  title: 'West Midlands Police Information Report',
  source: WM_FILE,
  region: 'sandwell',
  kind: 'information-report',
  audience: {
    who: {
      text: 'front line practitioners to share information with regard to Child Sexual Exploitation',
      src: L(635),
    },
    when: {
      text: 'Use the police information report form to share information on victim’s or perpertrators',
      src: L(1982),
    },
  },
  settings: ['medical', 'school', 'youth-work', 'social-care'],
  sections: [
    {
      id: 'danger',
      title: 'Is a child in immediate danger?',
      src: L(2810, 2812),
      note: { text: 'In emergencies, direct to the Police.', src: L(2811, 2812) },
      items: [
        {
          id: 'immediate-danger',
          kind: 'choice',
          text: 'Is a child in immediate danger?',
          required: true,
          src: L(2811, 2812),
          sourceText: 'direct to the Police in emergencies',
          options: [
            {
              value: 'yes',
              label: 'Yes – call 999 now',
              src: L(2811, 2812),
              sourceText: 'direct to the Police in emergencies',
            },
            {
              value: 'no',
              label: 'No – this is information or intelligence',
              src: L(1982),
              sourceText: 'Use the police information report form to share information',
            },
          ],
        },
      ],
    },
    {
      id: 'professional',
      title: 'Details of Professional submitting',
      src: L(1239),
      items: [
        text('reporter-name', 'Name', L(1241), { required: true, sensitive: false }),
        text('reporter-job', 'Post/Job Title', L(1244), { sensitive: false }),
        text('reporter-agency', 'Agency', L(1247), { sensitive: false }),
        text('reporter-phone', 'Contact Details - Telephone', L(1250), { sensitive: false }),
        text('reporter-email', 'Email', L(1251), { sensitive: false }),
      ],
    },
    {
      id: 'information',
      title: 'Information to be submitted',
      src: L(1257),
      note: {
        text: 'Please provide as much detail as possible. If you are not able to answer any of the questions please state ‘not known’ rather than guessing.',
        src: L(1237),
      },
      items: [
        text(
          'information',
          'Please provide clear and accurate information. Include as much detail as possible such as names, dates of birth, descriptions, nicknames, vehicle details and registration numbers, phone numbers, addresses etc.',
          L(1259),
          { multiline: true, required: true },
        ),
        date('received', 'Date/time information received', L(1268), 'datetime'),
        {
          id: 'source-reliability',
          kind: 'choice',
          text: 'If the information was supplied by someone other than yourself, on a scale of 1-3 how reliable do you think they are?',
          required: false,
          src: L(1274),
          options: [
            { value: '1', label: '1 = Unreliable', src: L(1276) },
            { value: '2', label: '2 = Usually reliable', src: L(1276) },
            { value: '3', label: '3 = Always reliable', src: L(1276) },
            { value: 'not-known', label: 'Not known', src: L(1276) },
          ],
        },
        {
          id: 'information-accuracy',
          kind: 'choice',
          text: 'How accurate do you think the information is on a scale of 1-4?',
          required: false,
          src: L(1282),
          options: [
            { value: '1', label: '1 = Suspected to be false', src: L(1284) },
            { value: '2', label: '2 = Not known to source, but suspected to be true', src: L(1284) },
            { value: '3', label: '3 = Believed to be true', src: L(1284) },
            { value: '4', label: '4 = Known to be true beyond doubt', src: L(1285) },
            { value: 'not-known', label: 'Not known', src: L(1285) },
          ],
        },
        yesNo(
          'third-party-willing',
          'If the information is from a 3rd party source, would they be willing to engage with the police?',
          L(1291),
          L(1293),
        ),
        text(
          'third-party-contact',
          'If Yes, please provide preferred contact details for the individual providing the information',
          L(1294),
        ),
        yesNo(
          'licensed-premise',
          'Does this information involve a licensed premise (e.g. newsagents, takeaways, pubs, off-licenses)',
          L(1300),
          L(1302),
        ),
        text('premise', 'If Yes, please provide the trading name and address of premise', L(1303)),
      ],
    },
  ],
  scoring: { rule: 'checklist', tickedValues: [], outcome: { label: 'Information report recorded', appWording: true } },
  notes: [
    {
      text: 'The answers will help us determine how reliable, how accurate, and how old the information is.',
      src: L(1237),
    },
  ],
  ambiguities: [
    {
      id: 'scales-differ-from-gm',
      text: 'This form grades reliability 1–3 (1 = Unreliable) and accuracy 1–4 (1 = Suspected to be false): the opposite direction to the Greater Manchester report, where 1 = Always Reliable and 1 = Known to be true beyond doubt.',
      reading:
        'Each form keeps its own scale with its words beside every number; the numbers are never compared across forms.',
      src: [L(1276), L(1284, 1285)],
    },
  ],
  referencedNotReproduced: [],
  actions: [
    {
      step: {
        id: 'wm-send-to-fib',
        kind: 'information-report',
        text: 'Please send completed form to fib@west-midlands.pnn.police.uk',
        contacts: [{ name: 'West Midlands Police (intelligence)', email: WM_REPORT_EMAIL, src: L(1235) }],
        src: L(1235),
      },
    },
  ],
};
