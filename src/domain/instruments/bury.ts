// Bury (Greater Manchester) CSE procedure, seed 001. The seeds index calls
// this document "Bolton", but the text names Bury throughout (L327, L385,
// L392, L2086, L2094): the app labels it Bury and says so.
// Appendix 1: CSE Initial Screening Tool (L1191–L1312).
// Appendix 2: Phoenix CSE Measurement ("Risk Assessment") Tool (L1314–L1919).
import type { Band, Instrument } from '../engine/types.ts';
import { choice, date, lines, number, scored, text, tick } from './build.ts';

export const BURY_FILE = '001_42afda7db854644d.txt';
const L = lines(BURY_FILE);

const labelNote = {
  id: 'seed-index-says-bolton',
  text: 'The seeds index describes this document as the Bolton procedure, but its text names Bury throughout (Bury Phoenix Team, childwellbeing@bury.gov.uk).',
  reading: 'The app labels the tools and contacts as Bury (Greater Manchester).',
  src: [L(331), L(392), L(2086)],
};

const VULN = L(1240, 1241); // "Tick if relevant"
const RISK = L(1263, 1264);
const SIG = L(1300, 1301);

export const buryInitialScreening: Instrument = {
  id: 'bury-cse-initial-screening-tool',
  version: '1.1.0',
  title: 'CSE Initial Screening Tool (Bury Phoenix)',
  source: BURY_FILE,
  region: 'bury',
  kind: 'screening',
  audience: {
    who: {
      text: 'Practitioners on the Phoenix CSE team will use the screening tool to assist the identification of risk and vulnerabilities',
      src: L(305, 306),
    },
    when: {
      text: 'When a professional has concerns that a child may be at risk of CSE, alongside discussion with a manager or designated safeguarding lead',
      src: L(308, 309),
    },
  },
  settings: ['social-care', 'school', 'youth-work', 'medical'],
  sections: [
    {
      id: 'referral',
      title: 'Referral details',
      src: L(1197),
      items: [
        text('referrer-name', 'Name of person making referral', L(1199, 1200), { sensitive: false }),
        text('organisation', 'Organisation', L(1202), { sensitive: false }),
        text('child-name', "Child's name", L(1204)),
        text('worker-contact', "Worker's contact details", L(1206, 1207), { sensitive: false }),
        number('age', 'Age', L(1209), 0, 17, { sensitive: true }),
        text('local-authority', 'Local authority', L(1211), { sensitive: false }),
        text('ethnicity', 'Ethnicity', L(1213)),
        text('gender', 'Gender', L(1215)),
        text('languages', 'Languages spoken', L(1217)),
        text('disabilities', 'Physical/learning disabilities', L(1219, 1220), {
          sourceText: 'Physical/learnin g disabilities',
        }),
        choice(
          'cp-referral-before',
          'Has a child protection referral previously been made in relation to this child or young person?',
          L(1222, 1225),
          [
            { value: 'yes', label: 'Yes', src: L(1227) },
            { value: 'no', label: 'No', src: L(1229) },
            { value: 'not-known', label: 'Not known', src: L(1234) },
          ],
        ),
        date('cp-referral-when', 'If yes, when', L(1235, 1236)),
        date('level-1-date', 'Date of Level 1 assessment', L(1231, 1232)),
      ],
    },
    {
      id: 'vulnerabilities',
      title: 'Vulnerabilities',
      src: L(1238),
      items: [
        tick('v-la-care', 'History of local authority care', L(1245), VULN, false),
        tick('v-isolated', 'Isolated from peers/social networks', L(1247), VULN, false),
        tick('v-self-esteem', 'Low self-esteem', L(1249), VULN, false),
        tick('v-family-breakdown', 'Breakdown of family relationships', L(1251), VULN, false),
        tick('v-abuse-neglect', 'History of abuse/neglect', L(1253), VULN, false),
        tick('v-no-positive-adult', 'Lack of positive relationship with adult', L(1255), VULN, false),
      ],
    },
    {
      id: 'risk',
      title: 'Risk indicators',
      src: L(1257),
      items: [
        tick('r-exclusion', 'Exclusion from school/not engaged in school/college/training', L(1258, 1260), RISK, false),
        tick('r-absences', 'Unexplained absences from school', L(1261, 1277), RISK, false),
        tick(
          'r-despair',
          'Expressions of despair (self-harm, overdose, eating disorder; challenging behaviour; aggression)',
          L(1267, 1269),
          RISK,
          false,
        ),
        tick(
          'r-sti-pregnancy',
          'Sexually transmitted infections (STI’s), multiple pregnancies/termination of pregnancy',
          L(1270, 1280),
          RISK,
          false,
        ),
        tick('r-substance', 'Substance misuse', L(1281), RISK, false),
        tick('r-callers', 'Multiple callers(unknown adults/older young people)', L(1282, 1283), RISK, false),
        tick('r-out-late', 'Staying out late', L(1285), RISK, false),
        tick(
          'r-withdrawn-disclosure',
          'Disclosure of sexual/physical assault followed by withdrawal of allegation',
          L(1286, 1288),
          RISK,
          false,
        ),
        tick('r-mobile', 'Use of a mobile phone that causes concern', L(1289, 1290), RISK, false),
      ],
    },
    {
      id: 'significant',
      title: 'Significant Risk indicators',
      src: L(1292),
      items: [
        tick('s-missing-overnight', 'Periods of going missing overnight or longer', L(1293, 1294), SIG, false),
        tick('s-vehicles', 'Entering/leaving vehicles driven by unknown adults', L(1295, 1296), SIG, false),
        tick('s-injury', 'Physical injury without plausible explanation', L(1298, 1299), SIG, false),
        tick('s-controlling-adult', 'Older ‘boyfriend’/relationship with controlling adult', L(1304, 1305), SIG, false),
        tick('s-money', 'Unexplained amounts of money, expensive clothing or other items', L(1306, 1307), SIG, false),
      ],
    },
    {
      id: 'concerns',
      title: 'Your concerns',
      src: L(1087, 1090),
      items: [
        choice(
          'immediate-concerns',
          'Do you have immediate concerns (medium or high risk)?',
          L(1087, 1088),
          [
            {
              value: 'yes',
              label: 'Yes – immediate concerns (medium or high risk)',
              src: L(1087, 1088),
              sourceText: 'immediate concerns (medium or high risk',
            },
            {
              value: 'unclear',
              label: 'The concerns are not immediate or are unclear',
              src: L(1089, 1090),
              sourceText: 'the concerns are not immediate or are unclear',
            },
            { value: 'no', label: 'No concerns', src: L(1089), appAdded: 'The app records an explicit "no concerns".' },
          ],
          false,
          {
            appAdded:
              "The screening tool prints no level, but the procedure says immediate concerns (medium or high risk, using the CSE screening tool) mean a referral to children's social care (001 L1087–1089). The app asks for your judgement so that the step follows it.",
          },
        ),
      ],
    },
  ],
  scoring: {
    rule: 'checklist',
    tickedValues: ['yes'],
    outcome: {
      label:
        'Screening recorded: this tool publishes no scoring rule; use professional judgement and discuss with the Phoenix team',
      appWording: true,
    },
  },
  notes: [
    {
      text: 'Advice can be sought from the Project Phoenix CSE Team without necessarily identifying the child in question, to try and determine the level of risk.',
      src: L(309, 311),
    },
  ],
  ambiguities: [
    labelNote,
    {
      id: 'no-screening-rule',
      text: 'The tool groups ticks as vulnerabilities, risk indicators and significant risk indicators, but prints no rule for what a tick in each group means.',
      reading:
        "No level is computed; the result lists the ticks by group and leaves the judgement to the practitioner. The practitioner's answer to \"immediate concerns (medium or high risk)?\" leads to the procedure's own escalation (L1087–1092). While it is unanswered, a ticked significant risk indicator brings the app's suggestion, labelled as such, to refer to children's social care.",
      src: [L(1238), L(1257), L(1292)],
    },
  ],
  referencedNotReproduced: [
    { text: 'Bury Thresholds for Intervention document', src: L(327, 328) },
    { text: 'Child Sexual Exploitation Data Collection Form', src: L(2036) },
  ],
  actions: [
    {
      step: {
        id: 'bury-discuss-with-manager',
        kind: 'advice',
        text: 'Any professional who has concerns should discuss these immediately with a manager or designated safeguarding lead; advice can be sought from the Project Phoenix CSE Team.',
        contacts: [],
        src: L(308, 310),
      },
    },
  ],
};

// ---------------------------------------------------------------------------

const lowerNote = {
  text: 'A ‘lower’ risk score does NOT mean that no action needs to be taken as the earlier the intervention the better the chances of stopping the young person slipping further into sexual exploitation or could even prevent it from occurring.',
  src: L(446, 449),
};

const BURY_BANDS: Band[] = [
  { label: 'High (41 – 60)', min: 41, max: 60, severity: 3, src: L(1465, 1466) },
  { label: 'Medium (21 – 40)', min: 21, max: 40, severity: 2, src: L(1472, 1473) },
  { label: 'Lower (10 – 20)', min: 10, max: 20, severity: 1, src: L(1475, 1476), notes: [lowerNote] },
];

const CATS = [
  'b1-missing',
  'b2-school',
  'b3-substances',
  'b4-parent-carer',
  'b5-accommodation',
  'b6-identify-abuse',
  'b7-engagement',
  'b8-sexual-health',
  'b9-risky-associates',
  'b10-social-media',
];

export const buryRiskAssessmentTool: Instrument = {
  id: 'bury-phoenix-risk-assessment-tool',
  version: '1.1.0',
  title: 'Phoenix Risk Assessment Tool – CSE Measurement Tool (Bury)',
  source: BURY_FILE,
  region: 'bury',
  kind: 'risk-measurement',
  audience: {
    who: {
      text: 'Must be completed by a member of the specialist CSE team – preferably a social worker – in consultation with young person and partners',
      src: L(1401, 1403),
    },
    when: {
      text: 'Completed by the Phoenix team social worker within 7 working days; repeated whenever incidents occur and for every CSE review meeting',
      src: L(342, 343),
    },
  },
  settings: ['social-care'],
  restriction: {
    text: 'This is NOT a screening tool but a measurement tool designed to measure the level of risk of CSE once some indicators have already been spotted.',
    src: L(450, 451),
  },
  sections: [
    {
      id: 'front-sheet',
      title: "Young Person's Information",
      src: L(1404),
      items: [
        text('yp-name', 'Name', L(1405)),
        text('yp-dob-age', 'D.O.B / age', L(1406)),
        date('assessment-date', 'Date of Assessment', L(1414, 1415)),
        text(
          'reason',
          'Reason for Assessment (ie: 3 month review or name what incident occurred to cause re-review)',
          L(1411, 1425),
          { multiline: true },
        ),
        text('completed-by', 'Completed by', L(1427, 1428), { sensitive: false }),
      ],
    },
    {
      id: 'categories',
      title: 'Vulnerability descriptors – grading guidance – CSE Core Indicators',
      src: L(1487),
      items: [
        scored(CATS[0]!, 'Episodes of missing from home/care', L(1492), [
          [1, 'No missing episodes.', L(1493)],
          [2, 'Stays out late, no missing.', L(1494, 1496)],
          [
            3,
            'Occasionally goes missing, prolonged episodes or Occasionally goes missing short episodes',
            L(1498, 1503),
          ],
          [4, 'Frequent and short missing episodes', L(1499, 1504)],
          [5, 'Frequent and prolonged missing episodes', L(1506, 1508)],
        ]),
        scored(CATS[1]!, 'School/College attendance', L(1510), [
          [
            1,
            'Engaged / re-engaged in full time education or training. In work or actively seeking employment.',
            L(1511, 1513),
          ],
          [
            2,
            'Registered in full time education / irregular attendance or attending PRU/receiving private tuition (FTE), linked with ESW/Connexions, attending college (PT or irregular attendance), is employed on a PT basis',
            L(1514, 1542),
          ],
          [
            3,
            'Young person excluded from school, no provision being made or undertaking some education / training (part time). OR Poor attendance or episodes of truancy OR Sudden noticeable change in attendance, performance or behaviour at school OR Young person is attending PRU/receiving private tuition (part time)',
            L(1544, 1551),
          ],
          [
            4,
            'Not attending full time education, training or employment BUT shows an interest in accessing opportunities',
            L(1552, 1554),
          ],
          [
            5,
            'Not attending education, training or employment. Shows no interest in accessing educational or training opportunities.',
            L(1555, 1557),
          ],
        ]),
        scored(CATS[2]!, 'Consumption of Controlled Substances', L(1559), [
          [1, 'No concerns', L(1563, 1569)],
          [2, 'Some concerns about drugs or alcohol (or cigarettes in younger children)', L(1570, 1571)],
          [3, 'Socially uses drugs or alcohol– increasing concerns', L(1572, 1577)],
          [4, 'Alcohol/drug dependency suspected', L(1573, 1578)],
          [
            5,
            'Young person is dependent on alcohol / drugs. Known / disclosure. Appears dependent on alcohol/ drugs.',
            L(1579, 1581),
          ],
        ]),
        scored(CATS[3]!, 'Parent/Carer – Young Person Relationships', L(1587), [
          [
            1,
            'Carer and young person have a positive relationship and communicate effectively. Carer demonstrates emotional warmth and provides stability for young person. Young person responds to boundaries.',
            L(1592, 1596),
          ],
          [
            2,
            'Carer and young person generally have a positive relationship. Appropriate boundaries are in place. The young person does not always adhere to them.',
            L(1597, 1600),
          ],
          [
            3,
            'Sudden negative change in quality of relationship OR Relationship between carer and young person is strained.',
            L(1602, 1607),
          ],
          [
            4,
            'Historic abuse in family (emotional, neglect, physical or sexual) OR Poor or negative communication with young person not responding to boundaries.',
            L(1609, 1614),
          ],
          [
            5,
            'Current / suspected abuse in family (emotional, neglect, physical or sexual) OR Poor communication, low warmth, attachment or trust. Parent does not implement age appropriate boundaries.',
            L(1618, 1622),
          ],
        ]),
        scored(CATS[4]!, 'Accommodation', L(1624), [
          [
            1,
            'Young person & Assessor are satisfied accommodation meets the young person’s needs ie: the environment is a stable place where the young person feels safe.',
            L(1631, 1634),
          ],
          [
            2,
            'Young person & Assessor are generally satisfied with accommodation, or Accommodation meets most of the needs of young person, OR some concerns about longer term stability.',
            L(1635, 1639),
          ],
          [
            3,
            'Unstable or unsuitable accommodation. Young person & assessor are not satisfied where the young person is living OR Recent placement change',
            L(1645, 1648),
          ],
          [4, 'Frequent placement changes', L(1649)],
          [5, 'Temporary Accommodation OR Homeless', L(1650)],
        ]),
        scored(
          CATS[5]!,
          'Ability to identify abusive/exploitive behaviour – both young person & parent/carer',
          L(1652, 1654),
          [
            [
              1,
              'Young person has a good understanding of exploitative / abusive behaviour and can use it to keep themselves safe',
              L(1655, 1657),
            ],
            [2, 'Reasonable understanding of abusive / exploitative behaviour', L(1658, 1661)],
            [
              3,
              'Some understanding of abusive / exploitative behaviour. May recognise risks in theory or risks to their peers but cannot apply it to keep themselves safe.',
              L(1663, 1668),
            ],
            [4, 'Very limited recognition of abusive / exploitative behaviour', L(1669, 1672)],
            [
              5,
              'No recognition of abusive / exploitative behaviour OR carer cannot identify the risk of abuse or exploitation to the young person',
              L(1674, 1679),
            ],
          ],
        ),
        scored(CATS[6]!, 'Engagement with appropriate services', L(1681), [
          [1, 'Good engagement with all appropriate services', L(1690, 1691)],
          [
            2,
            'Reasonable engagement with all relevant services OR good engagement with a single service provider but less so with others',
            L(1692, 1694),
          ],
          [3, 'Some engagement with services, occasional contact.', L(1695, 1696)],
          [4, 'Brief engagement with service: early stages or sporadic contact', L(1697, 1698)],
          [5, 'Not engaging with service / no contact', L(1699)],
        ]),
        scored(CATS[7]!, 'Sexual Health Activities and Awareness', L(1702), [
          [
            1,
            'Is not sexually active but is aware of where to get support and advice when needed. No concerns re: sexual health',
            L(1703, 1707),
          ],
          [
            2,
            'Young person is sexually active and in an equal consensual relationship with a peer. Young person does not feel pressured and is following ‘safe sex’ advice.',
            L(1709, 1714),
          ],
          [
            3,
            'Is not sexually active but is feeling pressured to become sexually active. OR there are some sexual health concerns',
            L(1716, 1720),
          ],
          [
            4,
            'Young person is sexually active but is not receiving support from any sexual health services.',
            L(1722, 1726),
          ],
          [
            5,
            'Young person feels pressured to have sex or to perform sexual acts in exchange for status/protection, possessions, substances or affection OR Young person is in a sexual relationship with an adult / there is a wide age gap OR young person is under 13 and sexually active OR young person has many sexual partners / many tests for STIs / pregnancy OR Sex is nonconsensual - they are experiencing violence or coersion with sex, or are unable to consent due to intoxication Or young person is made to watch sexual acts being performed on others.',
            L(1730, 1742),
          ],
        ]),
        scored(CATS[8]!, 'Association with gangs/criminals or adults and peers who pose a risk', L(1749, 1750), [
          [
            1,
            'Young person not at risk. May have some contact with vulnerable peers but has other positive networks.',
            L(1751, 1753),
          ],
          [2, 'Young person is aware of gang activity in their area but is not actively involved.', L(1754, 1755)],
          [
            3,
            'Young person socialises with vulnerable peers or is in contact with peers who pose a risk',
            L(1756, 1757),
          ],
          [
            4,
            'Young person is in contact with risky adults. They are developing an awareness of risks/exploitation but contact has not significantly reduced',
            L(1758, 1761),
          ],
          [
            5,
            'Young person is known to be habitually associating with risky adults and/or peers and does not act on this OR Young person is actively involved with a gang or criminal group or associated to gang members through peers or family.',
            L(1762, 1767),
          ],
        ]),
        scored(CATS[9]!, 'Social Media (Internet and mobile usage)', L(1773), [
          [
            1,
            'Young person uses the internet and or has an instant messaging account e.g. whatsapp, BBM, Snapchat etc. They have good awareness of potential risks / danger of internet use and there are suitable parental controls in place',
            L(1783, 1788),
          ],
          [
            2,
            'Young person has accessed one or more social networking sites and may have links to, or is ‘friends’ to numbers of unknown people (ie: doesn’t know them in real world)',
            L(1789, 1792),
          ],
          [
            3,
            'Unmonitored / secretive use of internet and/or in possession of mobile phone which parent / guardian has no or only limited knowledge of.',
            L(1793, 1795),
          ],
          [
            4,
            'Young person proactively exposes themselves to online dangers – for example facebook, dating sites, tinder, broadcasts pin on BBM etc. Regularly posts inappropriate images of themselves online unprompted.',
            L(1796, 1800),
          ],
          [
            5,
            'Young person posted inappropriate language / information / sexual pictures when contacted by an adult / older peer / unknown person. Does not acknowledge the risks. OR plans to meet face to face person they only know online',
            L(1801, 1806),
          ],
        ]),
      ],
    },
    {
      id: 'judgement',
      title: 'Consultation and Professional Judgement',
      src: L(1807, 1809),
      items: [
        text('wishes-feelings', 'Wishes and feelings of young person', L(1810), { multiline: true }),
        text(
          'judgement-analysis',
          'Analysis of what the information you have from all agencies is telling you about the young person and their life',
          L(1909, 1910),
          { multiline: true },
        ),
        number(
          'professional-judgement',
          'Professional Judgement score 1-10 (10 being a higher risk)',
          L(1907, 1908),
          1,
          10,
          { required: true },
        ),
      ],
    },
    {
      id: 'history',
      title: 'Previous review',
      src: L(1477),
      items: [
        number(
          'previous-score',
          'When previously reviewed this young person had a risk score of',
          L(1477, 1478),
          11,
          60,
        ),
        choice(
          'change-since-last',
          'Since the last review, this assessment shows the risk to this young person has',
          L(1479, 1480),
          [
            { value: 'increased', label: 'Increased', src: L(1481) },
            { value: 'decreased', label: 'Decreased', src: L(1482) },
            { value: 'same', label: 'Stayed the same', src: L(1483) },
          ],
        ),
      ],
    },
  ],
  scoring: {
    rule: 'sum-and-band',
    items: [...CATS, 'professional-judgement'],
    subtotals: [{ id: 'assessment', label: 'Total Assessment Score', items: CATS, src: L(1461) }],
    totalLabel: 'Overall Score (Total from 10 categories plus Professional Judgement Score)',
    totalSrc: L(1468, 1470),
    bands: BURY_BANDS,
  },
  notes: [
    lowerNote,
    {
      text: 'All completed versions need to be kept and NOT overwritten so that the risk to the young person can be monitored over time.',
      src: L(465, 467),
    },
  ],
  ambiguities: [
    labelNote,
    {
      id: 'actions-table-missing',
      text: 'The procedure says "the following action is indicated" for the conclusions reached with the tool, but the text that follows gives only guidance on informing parents; no action per band is printed.',
      reading:
        "No per-band action is invented. The app shows the band-linked rules the text gives: medium or high, meetings chaired by an IRO (L531–533) and a referral to children's social care (L1012–1014, L1058–1060, L1168–1171); and the standing MASH route.",
      src: [L(471, 474), L(531, 533)],
    },
  ],
  referencedNotReproduced: [
    { text: 'Greater Manchester procedure on working with sexually active children under 18 years', src: L(487, 488) },
    { text: 'Child Sexual Exploitation Data Collection Form', src: L(2036) },
  ],
  actions: [
    {
      minSeverity: 2,
      step: {
        id: 'bury-iro-chaired',
        kind: 'advice',
        text: 'All children & young people who score medium – high on the Risk Measurement tool will have their meetings chaired by an IRO irrespective of the pathway they are under.',
        contacts: [],
        src: L(531, 533),
      },
    },
  ],
};
