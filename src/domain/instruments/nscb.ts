// Northamptonshire Tackling CSE Toolkit (NSCB), seed 003.
// Two instruments: the CSE Indicator Checklist for medical staff (A&E),
// L489–L514, and the NSCB CSE Assessment, L477–L631.
import type { Instrument } from '../engine/types.ts';
import { choice, date, lines, number, scored, text, tick } from './build.ts';

export const NSCB_FILE = '003_7eb0d314b11c5981.txt';
const L = lines(NSCB_FILE);

const CHECKLIST_HEADER = L(491);

function indicator(id: string, label: string, line: number) {
  return tick(id, label, L(line), CHECKLIST_HEADER, true);
}

export const nscbAeChecklist: Instrument = {
  id: 'nscb-ae-cse-indicator-checklist',
  version: '1.1.0',
  title: 'CSE Indicator Checklist for use by medical staff (A&E)',
  source: NSCB_FILE,
  region: 'northamptonshire',
  kind: 'indicator-checklist',
  audience: {
    who: {
      text: 'NHS Staff in settings like Accident and Emergency – where they will have limited knowledge of the young person and spend limited time with them',
      src: L(489),
    },
    when: {
      text: 'To decide if the full CSE Assessment needs to be completed by one of their colleagues',
      src: L(489),
    },
  },
  settings: ['medical'],
  sections: [
    {
      id: 'about',
      title: 'About the child',
      src: L(491, 495),
      items: [
        text('child-name', 'Name of child', L(493)),
        text('accompanying-person', 'Person accompanying the child/YP', L(495)),
        number('age', 'Age in years', L(509), 0, 17, {
          appAdded:
            'The checklist has no age field; the app asks it because the toolkit says no child under 13 can be assessed as low risk (L2170).',
          sensitive: true,
        }),
      ],
    },
    {
      id: 'low',
      title: 'Low level indicators',
      src: L(497),
      items: [
        indicator('low-self-esteem', 'Low self-esteem/confidence', 498),
        indicator('low-unknown-adults', 'Associating with unknown adults', 499),
        indicator('low-self-harm', 'Self harming behaviours', 500),
        indicator('low-drugs-alcohol', 'Experimenting with drugs/alcohol', 501),
      ],
    },
    {
      id: 'medium',
      title: 'Medium level indicators',
      src: L(502),
      items: [
        indicator('med-cars', 'Getting into cars with unknown adults', 503),
        indicator('med-peers-at-risk', 'Associating with other YP who are known to be at risk of CSE', 504),
        indicator('med-assault-withdrawn', 'Disclosure of physical assault, withdrawing complaint', 505),
        indicator('med-older-partner', 'Having an older boyfriend / girlfriend', 506),
        indicator('med-multiple-stis', 'Multiple STIs', 507),
      ],
    },
    {
      id: 'higher',
      title: 'Higher level indicators',
      src: L(508),
      items: [
        indicator('high-under-13', 'Child under 13 engaging in sexual activity', 509),
        indicator(
          'high-serious-assault-withdrawn',
          'Disclosure of serious sexual assault followed by withdrawing statement',
          510,
        ),
        indicator('high-terminations', 'Multiple terminations/miscarriages', 511),
        indicator(
          'high-substance-self-harm',
          'Indicators of CSE alongside chronic substance use or serious self harming',
          512,
        ),
      ],
    },
  ],
  scoring: {
    rule: 'indicator-threshold',
    tiers: [
      {
        id: 'low',
        label: 'Low level indicators',
        items: ['low-self-esteem', 'low-unknown-adults', 'low-self-harm', 'low-drugs-alcohol'],
        src: L(497),
      },
      {
        id: 'medium',
        label: 'Medium level indicators',
        items: ['med-cars', 'med-peers-at-risk', 'med-assault-withdrawn', 'med-older-partner', 'med-multiple-stis'],
        src: L(502),
      },
      {
        id: 'higher',
        label: 'Higher level indicators',
        items: ['high-under-13', 'high-serious-assault-withdrawn', 'high-terminations', 'high-substance-self-harm'],
        src: L(508),
      },
    ],
    tickedValues: ['yes'],
    triggers: [
      { tier: 'low', atLeast: 2 },
      { tier: 'medium', atLeast: 1 },
      { tier: 'higher', atLeast: 1 },
    ],
    ruleText: {
      text: 'If two or more low risk or any medium/higher risks are ticked, please complete full CSE Toolkit.',
      src: L(514),
    },
    met: { label: 'Please complete full CSE Toolkit', src: L(514) },
    notMet: {
      label:
        'Checklist threshold not met (this checklist does not grade the child; it decides only whether the full assessment is needed)',
      appWording: true,
    },
  },
  notes: [
    {
      text: 'Some of the indicators mirror normal teenage behaviour but professionals should consider each statement in the context of other concerns.',
      src: L(487),
    },
    {
      text: 'In keeping with statutory guidance, no child under 13 years can be assessed as low risk if behaviours indicate involvement in CSE.',
      src: L(2170),
    },
    {
      text: 'Young people under 16 presenting with a history of sexual assault will be referred to Multiagency Safeguarding Hub (MASH).',
      src: L(1280),
    },
  ],
  ambiguities: [
    {
      id: 'indicator-headings-not-child-risk',
      text: 'The rule speaks of "low risk … medium/higher risks" while the headings label INDICATORS; the checklist says nothing for fewer ticks.',
      reading:
        'The levels describe indicators, never the child; below the threshold the app says only that the threshold is not met, and the referral routes stay open.',
      src: [L(497), L(514)],
    },
    {
      id: 'no-item-for-undrawn-disclosure',
      text: 'No item covers a disclosure of sexual assault that has not been withdrawn (the nearest items need a withdrawal).',
      reading:
        'A referral to MASH is offered whatever the checklist shows; under-16s with a history of sexual assault are referred (L1280).',
      src: [L(505), L(510), L(1280), L(1349)],
    },
    {
      id: 'ae-assessment-undefined',
      text: 'The A&E case studies say "complete the A&E CSE assessment" and attach it to the MASH referral, but the toolkit never defines it.',
      reading: 'Attach this checklist and, where completed, the full NSCB CSE Assessment.',
      src: [L(1349), L(1358), L(1366), L(639)],
    },
  ],
  referencedNotReproduced: [],
  actions: [
    {
      minSeverity: 1,
      step: {
        id: 'nscb-complete-full-assessment',
        kind: 'assessment',
        text: 'Complete the CSE assessment; if CSE risk factors are found, refer to MASH and attach the CSE assessment.',
        contacts: [],
        src: L(1358),
      },
    },
  ],
};

// ---------------------------------------------------------------------------

/** A Y/N question of the young person's information (L524–L529). */
const yn = (id: string, label: string, line: number) =>
  choice(id, label, L(line), [
    { value: 'yes', label: 'Yes', src: L(line), sourceText: 'Y' },
    { value: 'no', label: 'No', src: L(line), sourceText: 'N' },
  ]); // "Mandatory Field; please complete as fully as possible" is printed on each section.

export const nscbAssessment: Instrument = {
  id: 'nscb-cse-assessment',
  version: '1.2.0',
  title: 'NSCB Child Sexual Exploitation Assessment',
  source: NSCB_FILE,
  region: 'northamptonshire',
  kind: 'risk-measurement',
  audience: {
    who: {
      text: 'Professionals working with children and young people for whom there are concerns that they may be vulnerable to, being targeted for or involved in child sexual exploitation',
      src: L(479),
    },
    when: {
      text: 'After discussing concerns with their designated child protection / safeguarding officers; to be sent with the referral to the MASH',
      src: L(481),
    },
  },
  settings: ['medical', 'school', 'youth-work', 'social-care'],
  sections: [
    {
      id: 'young-person',
      title: "Young Person's Information",
      src: L(518),
      items: [
        text('yp-name', 'Name', L(519)),
        date('yp-dob', 'DOB', L(519), 'date', { sensitive: true }),
        number('age', 'Age in years', L(519), 0, 17, {
          appAdded:
            'The form asks for DOB; the app also asks age so the under-13 rule (L2170) can be applied without storing a full date of birth.',
          sensitive: true,
        }),
        date('assessment-date', 'Date of assessment', L(522)),
        choice('yp-aware', 'Is the YP aware of this referral', L(522), [
          { value: 'yes', label: 'Yes', src: L(522), sourceText: 'Y' },
          { value: 'no', label: 'No', src: L(522), sourceText: 'N' },
        ]),
        text('cp-or-lac', 'Is the child or young person subject to a CP Plan or Looked after?', L(526)),
        text('cp-or-lac-info', 'Further info', L(526)),
        text('contact-no', 'Contact No', L(519)),
        text('address', 'Address', L(520)),
        text('sexuality', 'Sexuality', L(520)),
        text('ethnicity', 'Ethnicity', L(520)),
        text('homophobia', 'Any issues with homophobia', L(521)),
        text('parents-names', 'Name of Parents', L(523)),
        text('parents-contact', "Parents contact no's", L(523)),
        yn('ld-disability', 'Learning Difficulties/Disability', 524),
        text('ld-disability-explain', 'Please explain', L(524)),
        yn('emotional-mental-health', 'Emotional/Mental Health concerns', 525),
        text('emotional-mental-health-explain', 'Please explain', L(525)),
        text('dv', 'Any issues with DV', L(527)),
        text('dv-explain', 'Please explain', L(527)),
        text('loss', 'Any significant loss/bereavement', L(528)),
        text('loss-explain', 'Please explain', L(528)),
        yn('other-services', 'Is the YP open to any other services', 529),
        text('other-services-explain', 'Please explain', L(529)),
      ],
    },
    {
      id: 'referrer',
      title: 'Referrers Details',
      src: L(531),
      items: [
        text('referrer-name', 'Name of referrer', L(532), { sensitive: false }),
        text('referrer-team', 'Service / Team', L(532), { sensitive: false }),
        text('referrer-phone', 'Phone no', L(533), { sensitive: false }),
        text('referrer-email', 'Email address', L(534), { sensitive: false }),
      ],
    },
    {
      id: 'vulnerabilities',
      title: 'Vulnerability descriptors – the 10 core vulnerabilities (each scores 1 to 5, 5 being HIGH RISK)',
      src: L(536, 542),
      items: [
        scored('v1-missing', 'Episodes of missing from home/care', L(559), [
          [1, 'No missing episodes', L(560)],
          [2, 'Stays out late, no missing', L(561)],
          [3, 'Occasionally goes missing , prolonged episodes or occasionally goes missing short episodes', L(562)],
          [4, 'Frequent and short missing episodes', L(563)],
          [5, 'Frequent and prolonged missing episodes', L(564)],
        ]),
        scored('v2-school', 'School/College attendance', L(565), [
          [1, 'Engaged/re-engaged in full time education or training or in work', L(566)],
          [
            2,
            'Registered in fulltime education/irregular attendance or attending PRU /receiving private tuition (FTE), linked with ESW/Connexions, attending college (PT or irregular attendance), is employed on a PT basis',
            L(567),
          ],
          [
            3,
            'Young person excluded from school, no provision being made or undertaking some education/training (P/T). Poor attendance. Or Young person is attending PRU/receiving private tuition (not full time)',
            L(568),
          ],
          [
            4,
            'Not engaged in full time education, training or employment BUT shows an interest in accessing opportunities',
            L(569),
          ],
          [
            5,
            'Not engaged in any time education, training or employment. Shows no interest in accessing educational or training opportunities',
            L(570),
          ],
        ]),
        scored('v3-substances', 'Substance use', L(572), [
          [1, 'No substance use/concerns', L(573)],
          [2, 'Some concerns about drug/alcohol use', L(574)],
          [3, 'Moderate drug or alcohol use - increasing concerns', L(575)],
          [4, 'Problematic drug/alcohol use known or suspected', L(576)],
          [
            5,
            'Young person is dependent on alcohol/ drugs. Known /disclosure. Appears dependant on alcohol/drugs',
            L(577),
          ],
        ]),
        scored('v4-parent-child', 'Parent/Carer - Child Relationships', L(578), [
          [1, 'Significant understanding and good communication between parent/YP', L(579)],
          [2, 'Some mutual understanding and positive communication between parent/YP', L(580)],
          [3, 'Inconsistent understanding and communication', L(581)],
          [4, 'Poor and negative communication, little warmth', L(582)],
          [5, 'Breakdown in relationship between parent/YP or suspected abuse/neglect', L(583)],
        ]),
        scored('v5-accommodation', 'Accommodation', L(585), [
          [1, "Young person is satisfied with accommodation. Meets the young person's needs", L(586)],
          [
            2,
            'Young person is generally satisfied with accommodation, or accommodation meets most of the needs of young person, or some concerns about longer term stability',
            L(587),
          ],
          [3, 'Unstable or unsuitable accommodation. Young person is not satisfied where they are living', L(588)],
          [4, 'In temporary accommodation', L(589)],
          [5, 'Homeless', L(590)],
        ]),
        scored('v6-identify-abuse', 'Ability to identify abusive/exploitive behaviour', L(591), [
          [1, 'Good understanding of exploitative/abusive behaviour', L(592)],
          [2, 'Reasonable understanding of abusive/exploitative behaviour', L(593)],
          [3, 'Some understanding of abusive/exploitative behaviour', L(594)],
          [4, 'Limited recognition of abusive/exploitative behaviour', L(595)],
          [5, 'No recognition of abusive/exploitative behaviour', L(596)],
        ]),
        scored('v7-engagement', 'Engagement with appropriate services', L(598), [
          [1, 'Good engagement', L(599)],
          [2, 'Reasonable engagement, regular contact', L(600)],
          [3, 'Some engagement with service, occasional contact', L(601)],
          [4, 'Brief engagement with service; early stages or sporadic contact', L(602)],
          [5, 'No engaging with service/ no contact', L(603)],
        ]),
        scored('v8-sexual-health', 'Awareness of sexual health services', L(604), [
          [1, 'Good engagement with sexual health issues / no longer at risk', L(605)],
          [2, 'Engaging with sexual health issues / reduced risks to health', L(606)],
          [3, 'Young person is beginning to engage with sexual health issues / decreasing risk to health', L(607)],
          [4, 'Minimal engagement with sexual health issues / health is at risk', L(608)],
          [5, 'No engagement with sexual health issues / health is at high risk', L(609)],
        ]),
        scored('v9-risky-peers', 'Association with risky peers/adults', L(611), [
          [1, 'Young person is no longer at risk through contact with risky adults and peers', L(612)],
          [
            2,
            "Young person's contact with risky adults /peers is reducing and s(he) is developing new and more positive networks",
            L(613),
          ],
          [
            3,
            'Young person recognised adults/peers that pose a risk and is beginning to withdraw from these relationships',
            L(614),
          ],
          [
            4,
            'Young person is developing an awareness or risks/exploitation but contact has not significantly reduced',
            L(615),
          ],
          [
            5,
            'Young person is known to be habitually associating with risky adults and/or peers and does not acknowledge risks',
            L(616),
          ],
        ]),
        scored('v10-abuse-level', 'Current known level of sexual abuse/exploitation', L(617), [
          [1, 'Exited, no longer at risk OR No/minimal risk', L(618)],
          [2, 'Low risk/ preventative work: or Reduction in risk', L(619)],
          [3, 'Medium risk', L(620)],
          [4, 'High Risk (previous history) OR High risk (no previous history)', L(621)],
          [5, 'Experiencing current exploitation: known OR suspected', L(622)],
        ]),
        text('associates', 'Please list all known peer/adult associates of the YP', L(612)),
      ],
    },
    {
      id: 'judgement',
      title: 'Professional Judgement',
      src: L(626),
      items: [
        number(
          'professional-judgement',
          'Professional judgement score 1-10 (with 10 being HIGH RISK and 1 being LOW RISK)',
          L(543),
          1,
          10,
          {
            required: true,
            sensitive: false,
            help: 'Please score this section 1-10 and carry the score forward to your overall score; remember Scoring should inform not determine decision making.',
          },
        ),
        text('judgement-comments', 'Professional Judgement Other Comments', L(628), { multiline: true }),
      ],
    },
  ],
  scoring: {
    rule: 'sum-and-band',
    items: [
      'v1-missing',
      'v2-school',
      'v3-substances',
      'v4-parent-child',
      'v5-accommodation',
      'v6-identify-abuse',
      'v7-engagement',
      'v8-sexual-health',
      'v9-risky-peers',
      'v10-abuse-level',
      'professional-judgement',
    ],
    subtotals: [
      {
        id: 'left',
        label: 'Total (items 1–5)',
        items: ['v1-missing', 'v2-school', 'v3-substances', 'v4-parent-child', 'v5-accommodation'],
        src: L(551),
      },
      {
        id: 'right',
        label: 'Total (items 6–10)',
        items: ['v6-identify-abuse', 'v7-engagement', 'v8-sexual-health', 'v9-risky-peers', 'v10-abuse-level'],
        src: L(551),
      },
      {
        id: 'assessment',
        label: 'Total Assessment Score',
        items: [
          'v1-missing',
          'v2-school',
          'v3-substances',
          'v4-parent-child',
          'v5-accommodation',
          'v6-identify-abuse',
          'v7-engagement',
          'v8-sexual-health',
          'v9-risky-peers',
          'v10-abuse-level',
        ],
        src: L(552),
      },
    ],
    totalLabel: 'Overall Score',
    totalSrc: L(557),
    bands: [
      { label: 'Red (38 and above)', min: 38, severity: 3, src: L(555) },
      { label: 'Amber (18-42)', min: 18, max: 42, severity: 2, src: L(555) },
      { label: 'Green (10-22)', min: 10, max: 22, severity: 1, src: L(555) },
    ],
    alsoBandSubtotal: 'assessment',
    floors: [
      {
        itemId: 'age',
        below: 13,
        minSeverity: 2,
        text: 'In keeping with statutory guidance, no child under 13 years can be assessed as low risk if behaviours indicate involvement in CSE (L2170).',
        src: L(2170),
        ifAnyAboveLowest: [
          'v1-missing',
          'v2-school',
          'v3-substances',
          'v4-parent-child',
          'v5-accommodation',
          'v6-identify-abuse',
          'v7-engagement',
          'v8-sexual-health',
          'v9-risky-peers',
          'v10-abuse-level',
          'professional-judgement',
        ],
      },
    ],
  },
  notes: [
    { text: 'Scoring should inform not determine decision making.', src: L(628) },
    {
      text: 'Once completed and you have identified there is risk, then complete a referral to the multi-agency safeguarding hub and send in your CSE assessment along with your referral.',
      src: L(633),
    },
  ],
  ambiguities: [
    {
      id: 'under-13-floor-condition',
      text: 'No child under 13 "can be assessed as low risk if behaviours indicate involvement in CSE" (L2170). The policy does not say which answers show such behaviour.',
      reading:
        "The app reads any item scored above its lowest score (or a professional judgement above 1) as showing it, and applies the floor; with every item at its lowest it still raises the band, the cautious reading. The sentence is in the toolkit's school policy templates (L2143), not on the assessment form, whose bands (L555) give the lower band: a raised band is always marked as the app's.",
      src: [L(2170), L(555)],
    },
    {
      id: 'which-total',
      text: 'The RAG line does not say whether it bands the Total Assessment Score (10 items, 10–50) or the Overall Score with professional judgement (11–60). The professional judgement is to "determine the final … score" (L543) and be carried "forward to your overall score" (L628), but the Green floor of 10 fits only the 10-item total.',
      reading:
        'The Overall Score is banded; the Total Assessment Score is read against the same bands too, and the more serious of the two is taken.',
      src: [L(543), L(552), L(555), L(557), L(628)],
    },
    {
      id: 'mandatory-vs-partial',
      text: 'Every section is marked "Mandatory Field", yet general practice is told it may not be possible to complete all fields.',
      reading:
        'An incomplete assessment can be saved and sent, clearly marked incomplete. It shows a RAG rating only where the answers given already fix it, whatever the unanswered items score (the result then says so); otherwise it shows none.',
      src: [L(559), L(1439)],
    },
  ],
  referencedNotReproduced: [],
  actions: [
    {
      step: {
        id: 'nscb-refer-with-assessment',
        kind: 'referral',
        text: 'Once completed and you have identified there is risk, then complete a referral to the multi-agency safeguarding hub and send in your CSE assessment along with your referral.',
        contacts: [],
        src: L(633),
      },
    },
  ],
};
