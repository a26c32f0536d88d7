// Project Phoenix Handbook, Greater Manchester (2014), seed 000.
// Four instruments: the front-door CSE question (L142–L159), the CSE
// Measurement Tool (L1588–L1809), the Information Report (L672–L707, structure
// only: the full form is the information-report feature) and the Information
// Sharing Checklist (L1330–L1347).
import type { Band, Instrument, Section } from '../engine/types.ts';
import { GM_AREA_TEAMS } from './directory.ts';
import { choice, date, lines, number, repeat, scored, text, yesNo } from './build.ts';

export const GM_FILE = '000_c46dad1176f597fe.txt';
const L = lines(GM_FILE);

export const gmFrontDoorQuestion: Instrument = {
  id: 'gm-front-door-cse-question',
  version: '1.1.0',
  title: "Front-door CSE screening question (Children's Services)",
  source: GM_FILE,
  region: 'greater-manchester',
  kind: 'front-door-question',
  audience: {
    who: {
      text: 'all staff working at the front door screening referrals should have received comprehensive training in CSE',
      src: L(152),
    },
    when: { text: 'At the point of screening every referral about a child', src: L(152) },
  },
  settings: ['social-care'],
  sections: [
    {
      id: 'screening',
      title: 'Screening',
      src: L(149),
      items: [
        choice('current-caf', 'Is there a current CAF for this child?', L(157), [
          { value: 'yes', label: 'Yes', src: L(157) },
          { value: 'no', label: 'No', src: L(157) },
          { value: 'not-applicable', label: 'Not Applicable', src: L(157) },
        ]),
        yesNo('caf-sent', 'Was a CAF sent with this Contact?', L(158), L(158)),
        choice(
          'cse-concerns',
          'Does anything contained in the information gathered thus far raise concerns regarding Child Sexual Exploitation?',
          L(159),
          [
            { value: 'yes', label: 'Yes', src: L(159), sourceText: 'Ves' },
            { value: 'no', label: 'No', src: L(159) },
          ],
          true,
        ),
      ],
    },
  ],
  scoring: {
    rule: 'checklist',
    tickedValues: ['yes'],
    outcome: { label: 'Screening question answered', appWording: true },
  },
  notes: [{ text: "If you can't rule it out, rule it in.", src: L(430) }],
  ambiguities: [
    {
      id: 'referral-flowcharts-missing',
      text: 'The referral process after a "Yes" is given only as two flowcharts (open / not open to Children\'s Services) that are missing from the text.',
      reading:
        "The app offers the standing routes (999, children's social care referral, information report) and does not reconstruct the flowcharts.",
      src: [L(163), L(164, 169)],
    },
  ],
  referencedNotReproduced: [
    {
      text: "Cases currently open to Children's Services; Cases NOT currently open to Children's Services",
      src: L(15, 17),
    },
  ],
  actions: [],
};

// ---------------------------------------------------------------------------
// CSE Measurement Tool

const GUIDANCE_BEST_DESCRIBES = L(1670);

const lowerNote = {
  text: "A 'lower' risk score does NOT mean that no action needs to be taken as the earlier the intervention the better the chances of stopping the young person slipping further into sexual exploitation or could even prevent it from occurring.",
  src: L(1592),
};

export const GM_BANDS: Band[] = [
  { label: 'High (41 – 60)', min: 41, max: 60, severity: 3, src: L(1661) },
  { label: 'Medium (21 – 40)', min: 21, max: 40, severity: 2, src: L(1661) },
  { label: 'Lower (10 – 20)', min: 10, max: 20, severity: 1, src: L(1661), notes: [lowerNote] },
];

const reflections = (id: string, line: number) =>
  text(`${id}-reflections`, 'Assessor reflections', L(line), { multiline: true });

const gmCategories: Section = {
  id: 'categories',
  title: 'The ten categories: circle the score which best describes the current situation for the young person',
  src: GUIDANCE_BEST_DESCRIBES,
  items: [
    scored(
      'c1-missing',
      'Episodes of missing from home/care',
      L(1672),
      [
        [1, 'No missing episodes.', L(1673)],
        [2, 'Stays out late, no missing.', L(1674)],
        [3, 'Occasionally goes missing, whether for short or prolonged episodes', L(1675)],
        [4, 'Frequent and short missing episodes', L(1676)],
        [5, 'Frequent and prolonged missing episodes', L(1677)],
      ],
      { help: 'Times missing? Where do they go? Why do they go? Is carer aware of missing episode?' },
    ),
    reflections('c1', 1672),
    scored('c2-school', 'School/College attendance', L(1679), [
      [1, 'Engaged / re-engaged in education or training, or In work or actively seeking employment', L(1680, 1681)],
      [
        2,
        'Is participating in education or employment but attendance is a concern. Education could include: Is on a roll at a school or PRU; Is on a roll at a school or PRU with alternative provision in place; Is on roll at a college; Is employed with training',
        L(1682, 1686),
      ],
      [
        3,
        'Is on a reduced timetable, or Is persistently absent from school, or Sudden noticeable change in attendance, performance or behaviour at school',
        L(1687, 1689),
      ],
      [
        4,
        'Young person is excluded from school with no planned provision, or A NEET (not in education, employment or training) But where the young person is showing an interest in accessing opportunities.',
        L(1690, 1692),
      ],
      [
        5,
        'Young person is not attending school or is a NEET and shows no interest in accessing educational or training opportunities.',
        L(1693),
      ],
    ]),
    reflections('c2', 1679),
    scored(
      'c3-substances',
      'Misuse of Drugs or Alcohol',
      L(1697),
      [
        [1, 'No concerns', L(1698)],
        [2, 'Some concerns about drugs or alcohol (or cigarettes in younger children)', L(1699)],
        [3, 'Uses drugs or alcohol—increasing concerns', L(1700)],
        [4, 'Alcohol/drug dependency suspected', L(1701)],
        [
          5,
          'Young person is dependent on alcohol / drugs. Known / disclosure or appears dependent on alcohol/ drugs.',
          L(1702),
        ],
      ],
      {
        sourceText: 'Visuse of Drugs or Alcohol',
        help: 'Where do they take them? How do they fund it? Who with? Type / class of substance?',
      },
    ),
    reflections('c3', 1697),
    scored('c4-parent-carer', 'Parent/Carer – Young Person Relationships', L(1704), [
      [
        1,
        'Parent/Carer and young person have a positive relationship and communicate effectively. Carer demonstrates emotional warmth and provides stability for young person. Young person responds to boundaries.',
        L(1705),
      ],
      [
        2,
        'Parent/Carer and young person generally have a positive relationship. Appropriate boundaries are in place. The young person does not always adhere to them.',
        L(1706),
      ],
      [
        3,
        'Sudden negative change in quality of relationship, or Relationship between parent/carer and young person is strained',
        L(1707),
      ],
      [
        4,
        'Historic abuse in family (emotional, neglect, physical or sexual) or Poor or negative communication with young person not responding to boundaries',
        L(1708),
      ],
      [
        5,
        'Current / suspected abuse in family (emotional, neglect, physical or sexual) or Poor communication, low warmth, attachment or trust. Parent/Carer does not implement age appropriate boundaries.',
        L(1709),
      ],
    ]),
    reflections('c4', 1704),
    scored('c5-accommodation', 'Accommodation', L(1713), [
      [
        1,
        "Young person and Assessor are satisfied accommodation meets the young person's needs ie: the environment is a stable place where the young person feels safe.",
        L(1714),
      ],
      [
        2,
        'Young person and Assessor are generally satisfied with accommodation and accommodation meets most of the needs of young person, or some concerns about longer term stability.',
        L(1715),
      ],
      [
        3,
        'Unstable or unsuitable accommodation. Young person and assessor are not satisfied where the young person is living, Or Recent placement change',
        L(1716),
      ],
      [4, 'Frequent placement changes', L(1717)],
      [5, 'Temporary Accommodation / sofa surfing / Homeless', L(1718)],
    ]),
    reflections('c5', 1713),
    scored(
      'c6-identify-abuse',
      'Ability to identify abusive/exploitive behaviour both young person and parent/carer',
      L(1720),
      [
        [
          1,
          'Young person has a good understanding of exploitative / abusive behaviour and can use it to keep themselves safe',
          L(1721),
        ],
        [2, 'Reasonable understanding of abusive / exploitative behaviour', L(1722)],
        [
          3,
          'Some understanding of abusive / exploitative behaviour. May recognise risks in theory or risks to their peers but cannot apply it to keep themselves safe.',
          L(1723),
        ],
        [4, 'Very limited recognition of abusive / exploitative behaviour', L(1724)],
        [
          5,
          "No recognition of abusive / exploitative behaviour, or The young person's parent/carer cannot identify or recognise the risk of abuse or exploitation",
          L(1725),
        ],
      ],
    ),
    reflections('c6', 1720),
    scored('c7-engagement', 'Engagement with appropriate services', L(1729), [
      [1, 'Good engagement with all appropriate services', L(1730)],
      [
        2,
        'Reasonable engagement with all relevant services, or Good engagement with a single service provider but less so with others',
        L(1731, 1732),
      ],
      [3, 'Some engagement with services, occasional contact.', L(1733)],
      [4, 'Brief engagement with service: early stages or sporadic contact', L(1734)],
      [5, 'Not engaging with service / no contact', L(1735)],
    ]),
    reflections('c7', 1729),
    scored(
      'c8-sexual-health',
      'Sexual Health Activities and Awareness',
      L(1737),
      [
        [
          1,
          'Is not sexually active but is aware of where to get support and advice when needed. No concerns re: sexual health',
          L(1738),
        ],
        [
          2,
          "Young person is sexually active and in an equal consensual relationship with a peer. Young person does not feel pressured, they feel they can say 'no' and is following 'safe sex' advice.",
          L(1739),
        ],
        [
          3,
          'Is not sexually active but is feeling pressured to become sexually active, or There are some sexual health concerns',
          L(1740, 1741),
        ],
        [4, 'Young person is sexually active but is not receiving support from any sexual health services.', L(1742)],
        [
          5,
          'Young person feels pressured to have sex or to perform sexual acts in exchange for status/protection, possessions, substances or affection, or Young person is in a sexual relationship with an adult / there is a wide age gap, or Young person is under 13 and sexually active, or Young person has many sexual partners / many tests for STIs or pregnancy, or Sex is non-consensual – young person is experiencing violence or coercion with sex, or are unable to consent due to intoxication, or Young person is made to watch sexual acts being performed on others.',
          L(1743, 1747),
        ],
      ],
      {
        help: 'Consider referring young person for a full Sexual Health Assessment if they have not been referred in via this route.',
      },
    ),
    reflections('c8', 1737),
    scored(
      'c9-risky-associates',
      'Association with gangs/criminals or adults and peers who pose a risk',
      L(1753),
      [
        [
          1,
          'Young person not at risk. May have some contact with vulnerable peers but has other positive networks.',
          L(1754),
        ],
        [2, 'Young person is aware of gang activity in their area but is not actively involved.', L(1755)],
        [3, 'Young person socialises with vulnerable peers or is in contact with peers who pose a risk', L(1756)],
        [
          4,
          'Young person is in contact with risky adults. They are developing an awareness of risks/exploitation but contact has not significantly reduced',
          L(1757),
        ],
        [
          5,
          'Young person is known to be habitually associating with risky adults and/or peers and does not act on this, or Young person is actively involved with a gang or criminal group or associated to gang members through peers or family.',
          L(1758, 1759),
        ],
      ],
      {
        sourceText: 'Association with gangs/criminals or ults and peers who pose a risk',
        help: "In this context 'risky' means that they either present a direct risk to the young person or they are likely to draw the young person towards other adults / peers who present this risk.",
      },
    ),
    reflections('c9', 1753),
    scored('c10-social-media', 'Social Media (Internet and mobile usage)', L(1765), [
      [
        1,
        'Young person uses the internet and or has an instant messaging account e.g. whatsapp, BBM, Snapchat etc. They have good awareness of potential risks / danger of internet use and there are suitable parental controls in place',
        L(1766),
      ],
      [
        2,
        "Young person has accessed one or more social networking sites and may have links to, or is 'friends' to numbers of unknown people (ie: doesn't know them in real world)",
        L(1767),
      ],
      [
        3,
        'Unmonitored / secretive use of internet Young person receives texts / calls from unknown people In possession of a mobile phone which parent / carer has no or only limited knowledge of.',
        L(1768),
      ],
      [
        4,
        'Young person proactively exposes themselves to online dangers – for example facebook, dating sites, tinder, broadcasts pin on BBM etc. Or regularly posts inappropriate images of themselves online unprompted.',
        L(1769),
      ],
      [
        5,
        'Young person has posted inappropriate language / information / sexual pictures when contacted by an adult / older peer / unknown person. Does not acknowledge the risks of this, or Young person plans to meet face to face person they only know online',
        L(1770, 1771),
      ],
    ]),
    reflections('c10', 1765),
  ],
};

const CONSULTEES: [string, string, number][] = [
  ['yos', 'YOS', 1780],
  ['health', 'Health (GP, Mental Health etc)', 1781],
  ['education', 'Education / College / EWO / Connexions', 1782],
  ['area-social-worker', 'Area social worker', 1783],
  ['parent-carer', 'Parent / Carer', 1784],
  ['young-person', 'Young person', 1785],
  ['housing', 'Housing', 1786],
  ['residential-home', 'Residential care Home', 1787],
  ['foster-carer', 'Foster Carer', 1788],
  ['sexual-health-advisor', 'Sexual Health Advisor', 1789],
  ['police-cse-team', 'Police/CSE team', 1790],
  ['alcohol-drug-services', 'Alcohol/Drug Services', 1794],
  ['other-la', 'Other Local Authority', 1795],
  ['other', 'Other', 1796],
];

const VULNERABILITY_PROMPTS: [string, string, number][] = [
  [
    'chaotic-household',
    'Living in a chaotic or dysfunctional household (ie: parental substance misuse, mental health issues, domestic violence etc)',
    1604,
  ],
  ['residential-care', 'Living in residential care', 1605],
  ['homeless', 'Homeless or living in hostel or temporary bed and breakfast accommodation', 1606],
  ['abuse-history', 'Have a history of abuse or neglect', 1607],
  ['bereavement', 'Experienced a recent bereavement or loss', 1608],
  ['self-esteem', 'Low self-esteem', 1609],
  ['ld-mental-health', 'Learning disabilities or poor mental health', 1610],
  ['gang', 'Gang associations or living in a gang neighbourhood', 1611],
  ['exploited-friends', 'Friends with other sexually exploited young people or going to school with them', 1612],
  ['lacking-friends', 'Lacking friends from the same age group', 1613],
  [
    'sexual-orientation',
    'Unsure about their sexual orientation or unable to disclose sexual orientation to their families',
    1614,
  ],
  ['young-carer', 'Young Carer', 1615],
];

export const gmMeasurementTool: Instrument = {
  id: 'gm-cse-measurement-tool',
  version: '1.1.0',
  title: 'Child Sexual Exploitation Measurement Tool (Greater Manchester)',
  source: GM_FILE,
  region: 'greater-manchester',
  kind: 'risk-measurement',
  audience: {
    who: {
      text: 'A member of the specialist CSE team – preferably a social worker – in consultation with young person and partners',
      src: L(1633),
    },
    when: {
      text: 'On ALL children referred to social services showing indicators of CSE; repeated whenever incidents occur which could change the level of risk, and every 3 months',
      src: L(1596, 1598),
    },
  },
  // Also offered to health staff (the app's reading, in the ambiguity 'who-completes' below): the
  // handbook has them contribute (L1781) and lets the person closest to the young person lead (L1598).
  settings: ['social-care', 'medical'],
  restriction: {
    text: 'This is NOT a screening tool. It is designed to measure the level of risk of CSE once some indicators have already been spotted.',
    src: L(1596),
  },
  sections: [
    {
      id: 'front-sheet',
      title: "Front Summary Sheet – Young Person's Information",
      src: L(1635, 1637),
      items: [
        text('yp-name', 'Name', L(1638)),
        text('yp-dob-age', 'D.O.B / age', L(1638)),
        date('assessment-date', 'Date of Assessment', L(1639)),
        date('date-referred', 'Date Referred', L(1640)),
        text('completed-by', 'Completed by', L(1640), { sensitive: false }),
        text(
          'reason',
          'Reason for assessment (ie: 3 month review or name what incident occurred to cause re-review)',
          L(1642),
          { multiline: true },
        ),
        text('visit-with', 'Visit undertaken with', L(1639)),
        text('contact-number', 'Contact Number', L(1638)),
        text('address', 'Address', L(1639)),
      ],
    },
    gmCategories,
    {
      id: 'consultation',
      title:
        'Consultation – this risk assessment must be carried out in consultation with the young person involved and multi-agency partners',
      src: L(1775),
      items: [
        text('wishes-feelings', 'Wishes and feelings of young person', L(1777), { multiline: true }),
        ...CONSULTEES.flatMap(([id, label, line]) => [
          yesNo(`consulted-${id}`, `${label}: contributed?`, L(line), L(line), false, { sourceText: label }),
          // The comments cell of this consultee's row (the row's line); the column heading, "Contact details
          // and comments: If you have chosen not to consult with them please record why.", is at L1779.
          text(
            `consulted-${id}-comments`,
            `${label}: contact details and comments (if not consulted, record why)`,
            L(line),
            {
              sourceText: label,
            },
          ),
        ]),
      ],
    },
    {
      id: 'judgement',
      title: 'Professional Judgement',
      src: L(1798),
      note: {
        text: 'Evidence shows that some children can be extra vulnerable to CSE; consider these vulnerabilities when analysing the risk. Children without pre-existing vulnerabilities can still be sexually exploited.',
        src: L(1602, 1617),
      },
      items: [
        {
          id: 'vulnerabilities',
          kind: 'multi',
          text: 'Professionals should be especially aware of children who are:',
          required: false,
          src: L(1602),
          options: VULNERABILITY_PROMPTS.map(([value, label, line]) => ({ value, label, src: L(line) })),
          sensitive: true,
        },
        text(
          'judgement-analysis',
          'Analysis of what the information from all agencies is telling you about the young person and their life, including previous referrals (even if NFA) and any gifts received',
          L(1800),
          {
            multiline: true,
            sourceText:
              'Use this section to provide an analysis of what the information you have from all agencies is telling you about the young person and their life',
          },
        ),
        number('professional-judgement', 'Professional Judgement score 1-10 (10 being a higher risk)', L(1798), 1, 10, {
          required: true,
          sourceText: 'Please score this section 1-10 (10 being a higher risk)',
        }),
        text('sw-manager', "SW Manager's signature", L(1805), { sensitive: false }),
      ],
    },
    {
      id: 'history',
      title: 'CSE History',
      src: L(1663),
      items: [
        yesNo(
          'previously-known',
          'CSE History (is this person previously known to your service or any other CSE team?)',
          L(1663),
          L(1663),
          false,
          {},
          'The form prints the question with a blank box; the app records yes or no.',
        ),
        number('previous-score', 'When previously reviewed on this young person had a risk score of', L(1664), 11, 60, {
          help: "The app fills this from the child's previous assessment when there is one.",
        }),
        choice(
          'change-since-last',
          'Since the last review, this assessment shows the risk to this young person has',
          L(1665),
          [
            { value: 'increased', label: 'Increased', src: L(1666) },
            { value: 'decreased', label: 'Decreased', src: L(1666) },
            { value: 'same', label: 'Stayed the same', src: L(1666) },
          ],
        ),
      ],
    },
  ],
  scoring: {
    rule: 'sum-and-band',
    items: [
      'c1-missing',
      'c2-school',
      'c3-substances',
      'c4-parent-carer',
      'c5-accommodation',
      'c6-identify-abuse',
      'c7-engagement',
      'c8-sexual-health',
      'c9-risky-associates',
      'c10-social-media',
      'professional-judgement',
    ],
    subtotals: [
      {
        id: 'assessment',
        label: 'Total Assessment Score',
        items: [
          'c1-missing',
          'c2-school',
          'c3-substances',
          'c4-parent-carer',
          'c5-accommodation',
          'c6-identify-abuse',
          'c7-engagement',
          'c8-sexual-health',
          'c9-risky-associates',
          'c10-social-media',
        ],
        src: L(1655),
      },
    ],
    totalLabel: 'Overall Score (Total from 10 categories plus Professional Judgement Score)',
    totalSrc: L(1657),
    statedRange: { min: 11, max: 60, src: L(1617) },
    bands: GM_BANDS,
  },
  notes: [
    lowerNote,
    {
      text: "The outcome of this measurement will be shared with GMP's CSE Specialist Safeguarding Officers who will be responsible for creating (or updating) the CSE flag on OPUS.",
      src: L(1592),
    },
    {
      text: 'All completed versions need to be kept and NOT overwritten so that the risk to the young person can be monitored over time.',
      src: L(1598),
    },
  ],
  ambiguities: [
    {
      id: 'best-describes-tie',
      text: 'Several descriptors join alternatives with "or" and the guidance says to circle the one score that best describes the situation, with no tie-break.',
      reading:
        'The assessor chooses; where two descriptors fit, record both in the assessor reflections and choose the higher.',
      src: [L(1670)],
    },
    {
      id: 'change-basis',
      text: '"Increased / Decreased / Stayed the same" has no stated basis (Overall Score or band).',
      reading: "The app compares Overall Scores and shows both scores and bands beside the assessor's own choice.",
      src: [L(1665, 1666)],
    },
    {
      id: 'who-completes',
      text: 'The tool is carried out by the specialist CSE team, preferably led by a social worker, in consultation with partners; health is one of the partners it consults; when a young person is hard to engage, the person with the best relationship with them should lead the work with oversight from the social worker.',
      reading:
        "The app offers the tool to health staff too, for when they are that person or are consulted: it is completed with the social worker's oversight, and it is not a screening tool. The handbook prints no screening tool for health staff; for a concern, they have the information report, the information-sharing checklist and a referral to children's social care.",
      src: [L(1596), L(1598), L(1781)],
    },
  ],
  referencedNotReproduced: [
    { text: 'Bedfordshire toolkit', src: L(1621) },
    { text: 'CSE Data Monitoring Tool', src: L(1817) },
  ],
  actions: [
    {
      step: {
        id: 'gm-share-with-gmp-opus',
        kind: 'advice',
        text: "The outcome of this measurement will be shared with GMP's CSE Specialist Safeguarding Officers for the CSE flag on OPUS: the risk level, a general summary of rationale (who, what, why, when, where, how) and the date.",
        contacts: [],
        src: L(1592),
      },
    },
    {
      step: {
        id: 'gm-repeat-3-months',
        kind: 'assessment',
        text: 'The tool should be repeated whenever incidents occur which could change the level of risk to the young person, and as a matter of course every 3 months. All completed versions need to be kept and NOT overwritten.',
        contacts: [],
        src: L(1598),
      },
    },
  ],
};

// ---------------------------------------------------------------------------
// Information Report (structure; the full form with persons and vehicles is the information-report feature)

const reliability = (id: string, label: string, line: number, scaleLine: number, anchors: Record<number, string>) =>
  choice(
    id,
    label,
    L(line),
    [1, 2, 3, 4, 5].map((n) => ({
      value: String(n),
      label: anchors[n] ? `${n} = ${anchors[n]}` : String(n),
      src: L(scaleLine),
    })),
    false,
    { help: "Points 2 and 3 have no label on the form. Please do not guess if you don't know the answer." },
  );

const WHY_ENTRIES =
  'The form asks for "names/descriptions/nicknames/ vehicle details/addresses etc." in one box (L707); the app lets each person, vehicle, place and number be entered on its own, using the fields the handbook lists for police requests (L621–L631), so the police can search them.';

export const gmInformationReport: Instrument = {
  id: 'gm-information-report',
  version: '1.0.0',
  title: 'Information Report (Greater Manchester)',
  source: GM_FILE,
  region: 'greater-manchester',
  kind: 'information-report',
  audience: {
    who: { text: 'any professional has information about child sexual exploitation', src: L(615) },
    when: { text: 'When the information is not about a child in immediate or near danger', src: L(620) },
  },
  settings: ['medical', 'school', 'youth-work', 'social-care'],
  sections: [
    {
      id: 'danger',
      title: 'Is a child in immediate danger?',
      src: L(617),
      note: {
        text: 'If a child is deemed at immediate risk of significant harm i.e. physical, sexual, emotional harm or neglect, contact the police on 999 and provide as much information as possible so that police can put in place an immediate response.',
        src: L(617),
      },
      items: [
        choice(
          'immediate-danger',
          'Is a child at immediate risk of significant harm?',
          L(617),
          [
            {
              value: 'yes',
              label: 'Yes – call 999 now',
              src: L(617),
              sourceText: 'immediate risk of significant harm contact the police on 999',
            },
            {
              value: 'no',
              label: 'No – this is information or intelligence',
              src: L(620),
              sourceText: 'If the information is not about a child in immediate or near danger',
            },
          ],
          true,
          { sourceText: 'If a child is deemed at immediate risk of significant harm', sensitive: false },
        ),
        choice(
          'area',
          'Which area does the information concern?',
          L(620),
          GM_AREA_TEAMS.map((t) => ({ value: t.area.toLowerCase(), label: t.area, src: t.src })),
          true,
          {
            sourceText: 'the information should be forwarded to the local team appropriate to the intelligence',
            sensitive: false,
            help: "It goes to that area's specialist CSE team (e.g. a Manchester City Centre takeaway goes to Phoenix – Protect).",
          },
        ),
      ],
    },
    {
      id: 'entries',
      title: 'Who and what was seen',
      src: L(707),
      items: [
        repeat(
          'persons',
          'Persons',
          L(622, 631),
          'person',
          [
            { id: 'name', label: 'Name', src: L(622) },
            { id: 'nicknames', label: 'Nicknames', src: L(622) },
            { id: 'description', label: 'Description', src: L(707) },
            { id: 'dob-or-age', label: 'Date of birth or age', src: L(623) },
            { id: 'seen', label: 'When seen', shape: 'datetime', src: L(631) },
          ],
          WHY_ENTRIES,
        ),
        repeat(
          'vehicles',
          'Vehicles',
          L(627),
          'vehicle',
          [
            { id: 'registration', label: 'Registration', shape: 'uk-registration', src: L(707) },
            { id: 'make', label: 'Make', src: L(707) },
            { id: 'model', label: 'Model', src: L(707) },
            { id: 'colour', label: 'Colour', src: L(707) },
            { id: 'seen', label: 'When seen', shape: 'datetime', src: L(631) },
          ],
          WHY_ENTRIES,
        ),
        repeat(
          'locations',
          'Locations',
          L(625),
          'location',
          [
            { id: 'place', label: 'Address or description of the place', src: L(625) },
            { id: 'coordinates', label: 'Coordinates (only if you choose to add them)', src: L(625) },
            { id: 'seen', label: 'When seen there', shape: 'datetime', src: L(631) },
          ],
          WHY_ENTRIES,
        ),
        repeat(
          'contacts',
          'Phone numbers and online handles',
          L(626),
          'number or handle',
          [
            {
              id: 'value',
              label: 'Number or handle',
              shape: 'phone',
              shapeWhen: { field: 'type', equals: 'phone' },
              src: L(626),
            },
            {
              id: 'type',
              label: 'What it is',
              options: [
                { value: 'phone', label: 'Phone number' },
                { value: 'handle', label: 'Online handle or account' },
              ],
              src: L(626),
            },
            { id: 'seen', label: 'When seen or used', shape: 'datetime', src: L(631) },
          ],
          WHY_ENTRIES,
        ),
      ],
    },
    {
      id: 'report',
      title: 'Information Report',
      src: L(672),
      items: [
        date('report-datetime', 'Date/Time of report', L(685), 'datetime', { required: true }),
        date('aware-datetime', 'The time and date that you became aware of this information', L(676), 'datetime'),
        date(
          'incident-datetime',
          'The time and date of when the incident occurred (if different to above)',
          L(677),
          'datetime',
        ),
        text('reporter-name', 'Your Name', L(686), { required: true }),
        text('reporter-job', 'Your Job Title', L(687)),
        text('reporter-org', 'Your Organisation', L(688)),
        text('reporter-contact', 'Contact details', L(689)),
        choice(
          'source-type',
          'How the information was obtained',
          L(690),
          [
            { value: 'witnessed', label: 'Witnessed Incident', src: L(690) },
            { value: 'member-of-public', label: 'Member of Public', src: L(690) },
            { value: 'other-professional', label: 'Other Professional', src: L(690) },
          ],
          false,
          { sourceText: 'Witnessed Incident Member of Public Other Professional' },
        ),
        text(
          'information-from',
          'Who the information is from, including their full name, date of birth, addresses and contact details (if you have them)',
          L(679),
        ),
        text('how-came-to-light', 'How did this information come to light?', L(680)),
        text('who-else-aware', 'Who else is aware of this information and has it been recorded elsewhere?', L(681)),
        reliability(
          'source-reliability',
          'If the information was supplied by someone other than yourself, on a scale of 1-5 how reliable do you think they are?',
          692,
          696,
          {
            1: 'Always Reliable',
            4: 'Unreliable',
            5: 'cannot be judged/Untested',
          },
        ),
        reliability('information-accuracy', 'How accurate is the information on a scale of 1-5?', 699, 701, {
          1: 'Known to be true beyond doubt',
          4: 'suspected to be false',
          5: 'cannot be judged',
        }),
        choice(
          'third-party-willing',
          'If the information is from a 3rd party would they be willing to engage with the Police?',
          L(703),
          [
            { value: 'yes', label: 'YES', src: L(705) },
            { value: 'no', label: 'NO', src: L(705) },
            { value: 'dont-know', label: "DON'T KNOW", src: L(705) },
          ],
        ),
        text(
          'details',
          'Please include as much detail as possible regarding names/descriptions/nicknames/ vehicle details/addresses etc.',
          L(707),
          { multiline: true, required: true },
        ),
      ],
    },
  ],
  routing: {
    itemId: 'area',
    teams: GM_AREA_TEAMS.map((t) => ({
      value: t.area.toLowerCase(),
      area: t.area,
      ...(t.team ? { team: t.team } : {}),
      email: t.email,
      phone: t.phone,
      src: t.src,
    })),
  },
  scoring: { rule: 'checklist', tickedValues: [], outcome: { label: 'Information report recorded', appWording: true } },
  notes: [
    {
      text: 'The reliability assessment is to allow the police to assess the value of the intelligence and will be treated as confidential.',
      src: L(694),
    },
  ],
  ambiguities: [
    {
      id: 'scale-anchors',
      text: 'The reliability and accuracy scales label only points 1, 4 and 5; points 2 and 3 have no words.',
      reading: 'The app shows 2 and 3 as bare numbers and invents no labels.',
      src: [L(696), L(701)],
    },
    {
      id: 'scales-differ-from-west-midlands',
      text: 'The West Midlands report grades the other way round (reliability 1 = Unreliable … 3 = Always reliable; accuracy 1 = Suspected to be false … 4 = Known to be true), while here 1 = Always Reliable and 1 = Known to be true beyond doubt.',
      reading:
        'Each form keeps its own scale with its words beside every number; the numbers are never compared across forms.',
      src: [L(696), L(701)],
    },
  ],
  referencedNotReproduced: [],
  actions: [],
};

// ---------------------------------------------------------------------------
// Information Sharing Checklist

const SHARING_QUESTIONS: [string, string, number][] = [
  ['have-consent', 'Do I already have informed consent to share this information?', 1332],
  ['sensitive', 'Is the information sensitive and personal?', 1333],
  ['need-consent', 'Do I need consent to share the information?', 1334],
  ['legal-duty', 'Have I a legal duty or power to share the information?', 1335],
  ['whose-consent', 'Whose consent is needed?', 1336],
  ['whose-information', 'Whose information is this?', 1337],
  [
    'consent-risk',
    'Would seeking consent place someone at risk, prejudice a Police investigation, or lead to unjustifiable delay?',
    1338,
  ],
  [
    'harm-balance',
    'Would sharing the information without consent cause more harm than not sharing the information?',
    1339,
  ],
  ['how-much', 'How much information is it necessary to share in this situation?', 1340],
  ['right-person', 'Am I giving this information to the right person?', 1341],
  ['secure-way', 'Am I sharing this information in a secure way?', 1342],
  ['knows-confidential', 'Does the person I am giving it to know that it is confidential?', 1343],
  ['what-will-they-do', 'What will they do with it?', 1344],
  [
    'service-user-aware',
    'Is the service user aware that the information is being shared (where this would not place someone at risk or prejudice a Police investigation)?',
    1345,
  ],
  ['fact-opinion', 'Have I distinguished between fact and opinion?', 1346],
  [
    'consequences-understood',
    'Does the person who is giving consent understand the possible consequences of sharing the information?',
    1347,
  ],
];

/** Questions answered yes / no; open questions ("Whose consent…") take text. */
const OPEN_QUESTIONS = new Set(['whose-consent', 'whose-information', 'how-much', 'what-will-they-do']);

export const gmInformationSharingChecklist: Instrument = {
  id: 'gm-information-sharing-checklist',
  version: '1.0.0',
  title: 'Information Sharing Checklist',
  source: GM_FILE,
  region: 'greater-manchester',
  kind: 'information-sharing',
  audience: {
    who: {
      text: 'Practitioners should: Only share the information which is necessary for the purpose',
      src: L(1301, 1303),
    },
    when: {
      text: 'Before sharing information; record decisions on sharing and the reasons for doing so or not',
      src: L(1305, 1308),
    },
  },
  settings: ['medical', 'school', 'youth-work', 'social-care'],
  sections: [
    {
      id: 'checklist',
      title: 'Information Sharing Checklist',
      src: L(1330),
      items: SHARING_QUESTIONS.map(([id, q, line]) =>
        OPEN_QUESTIONS.has(id)
          ? text(id, q, L(line), { sensitive: true })
          : yesNo(
              id,
              q,
              L(line),
              L(line),
              false,
              { sensitive: false },
              'The checklist prints questions only; the app records a yes or no answer to each.',
            ),
      ),
    },
    {
      id: 'record',
      title: 'Record of the decision',
      src: L(1307, 1308),
      items: [
        text(
          'decision-reasons',
          'Record decisions on sharing information and the reasons for doing so or not',
          L(1307),
          { multiline: true },
        ),
        text(
          'shared-what-with-whom',
          'If deciding to share the information, record what was shared and with whom',
          L(1308),
          { multiline: true },
        ),
      ],
    },
  ],
  scoring: {
    rule: 'checklist',
    tickedValues: [],
    outcome: { label: 'Information sharing decision recorded', appWording: true },
  },
  notes: [
    {
      text: 'Where there is a clear risk of significant harm to a child the public interest test will almost certainly be satisfied.',
      src: L(1278),
    },
  ],
  ambiguities: [],
  referencedNotReproduced: [],
  actions: [],
};
