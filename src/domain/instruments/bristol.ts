// Bristol CSE practice guidance and procedure (KCS, 2015, updated 2017), seed 004.
// The document gives its risk, push and pull factors in full (L125–L166); the
// NWG checklist (adapted), SERAF and Spotting the Signs are named but not
// reproduced, and the decision-making flowchart (L524) is an image missing from
// the text. KCS standards (L278–L304) forbid using a tool as an assessment of
// threshold, so this checklist informs judgement and never grades the child.
import type { ChoiceItem, Instrument } from '../engine/types.ts';
import { lines, tick } from './build.ts';

export const BRISTOL_FILE = '004_b216337c376b5ea8.txt';
const L = lines(BRISTOL_FILE);

const rows = (header: number, list: [string, string, number][]): ChoiceItem[] =>
  list.map(([id, t, line]) => tick(id, t, L(line), L(header), false));

export const bristolRiskFactors: Instrument = {
  id: 'bristol-cse-risk-factors',
  version: '1.1.0',
  title: "CSE risk factors: 'push' and 'pull' (Bristol KCS)",
  source: BRISTOL_FILE,
  region: 'bristol',
  kind: 'screening',
  audience: {
    who: { text: 'All professionals working with young people', src: L(321) },
    when: {
      text: 'As a working guide in the identification of risk; where a tool informs professional thought it should then trigger a referral to First Response',
      src: L(168, 280),
    },
  },
  settings: ['medical', 'school', 'youth-work', 'social-care'],
  sections: [
    {
      id: 'risk-factors',
      title: 'Risk Factors',
      src: L(129),
      items: rows(129, [
        ['rf-missing', 'Going missing – the most immediate indicator of vulnerability to sexual exploitation', 131],
        ['rf-education', 'Disengagement from education', 132],
        ['rf-dependency', 'Drug and/or alcohol dependency', 133],
        [
          'rf-physical',
          'Physical symptoms e.g. sexually transmitted infections, miscarriage, abortion, bruising or marks indicating physical or sexual assault',
          134,
        ],
        [
          'rf-attention',
          'Young people who have not received appropriate levels of attention from concerned adults',
          135,
        ],
        ['rf-older-men', "Associating with older men or other 'risky' adults", 136],
        [
          'rf-unfunded-activities',
          'Accounts of social activities with no plausible explanation of the source of the money to fund these activities',
          137,
        ],
        [
          'rf-possessions',
          'New possessions, acquisition of money, expensive clothes, drugs or other possessions without plausible explanation about their source',
          138,
        ],
        ['rf-alienated', 'Being alienated from family or community', 139],
        ['rf-care-breakdown', 'Being in care and having placement breakdown', 140],
        ['rf-exploited-peers', 'Associating with other young people who are known to be victims of exploitation', 141],
        ['rf-offending', 'Some kinds of offending behaviour', 142],
      ]),
    },
    {
      id: 'push',
      title: 'Push Factors',
      src: L(146),
      items: rows(146, [
        [
          'push-abuse',
          'Children who have been the victim of physical abuse, sexual abuse, neglect and emotional abuse',
          148,
        ],
        [
          'push-domestic-violence',
          'Children from households where domestic violence and abuse has been a feature',
          149,
        ],
        [
          'push-parents',
          'Children of parents with a high level of vulnerabilities (e.g. drug and/or alcohol abuse, mental illness, learning disability, their own history of an abusive childhood)',
          150,
        ],
        ['push-family-breakdown', 'Family breakdown / disrupted family life / problematic parenting', 151],
        ['push-immigration', 'Insecure immigration status', 152],
        ['push-impairments', 'Children who have physical or learning impairments', 153],
      ]),
    },
    {
      id: 'pull',
      title: 'Pull Factors',
      src: L(157),
      items: rows(157, [
        ['pull-older', 'Being liked by someone older', 159],
        ['pull-stranger-number', 'Being liked/fancied enough that a stranger asks for their mobile number', 160],
        ['pull-internet', 'Meeting someone who thinks they are special on the internet', 161],
        ['pull-gifts', 'Receiving alcohol, drugs, money or gifts', 162],
        ['pull-buzz', 'Getting a buzz and the excitement of risk taking/forbidden behaviour', 163],
        ['pull-no-rules', 'Being offered somewhere to stay where there are no rules/boundaries', 164],
        [
          'pull-adult-venues',
          'Being taken along to adult entertainment venues, red light or gay cruising areas (public sex environments)',
          165,
        ],
        ['pull-lifts', 'Being given lifts, taken to new places, and having adventures with a casual acquaintance', 166],
      ]),
    },
    {
      id: 'evidence',
      title: 'Evidence of exploitation',
      src: L(398, 404),
      items: [
        {
          id: 'evidence-of-exploitation',
          kind: 'choice',
          text: 'Is there evidence to suggest that the young person is being sexually exploited and is at risk of significant harm?',
          required: false,
          src: L(404),
          appAdded:
            'The checklist has no such question; the procedure turns on it: a referral to First Response where there is evidence (L404), a request for help where there is risk but no clear evidence or disclosure (L398). The app asks so that the right route is shown.',
          options: [
            { value: 'yes', label: 'Yes – there is evidence', src: L(404), appAdded: 'The app records the answer.' },
            {
              value: 'no',
              label: 'No clear evidence or disclosure of exploitation',
              src: L(398),
              sourceText: 'no clear evidence or disclosure of exploitation',
            },
          ],
        },
      ],
    },
  ],
  scoring: {
    rule: 'checklist',
    tickedValues: ['yes'],
    outcome: {
      label:
        'Factors recorded: a working guide, never an assessment of threshold; use professional judgement and consider a request for help to First Response',
      appWording: true,
    },
  },
  notes: [
    {
      text: "Professionals should bear in mind, however, that they are neither definitive nor prescriptive, given that each child's exploitation may be unique and change over time.",
      src: L(168),
    },
    {
      text: 'Tools should never be used as an assessment. Assessments should be undertaken using the existing holistic statutory assessment frameworks.',
      src: L(280),
    },
  ],
  ambiguities: [
    {
      id: 'physical-signs-are-evidence',
      text: 'The procedure separates risk without clear evidence (request for help, L398) from evidence of exploitation and risk of significant harm (referral, L404), and says a referral may be necessary where the risks are particularly high (L400), but does not say which ticks are evidence.',
      reading:
        'Physical symptoms "indicating physical or sexual assault" (L134), a disclosed assault, or your answer that there is evidence, lead to the referral to First Response; otherwise the request for help is shown.',
      src: [L(134), L(398), L(400), L(404)],
    },
    {
      id: 'flowchart-missing',
      text: 'The "CSE Decision making" flowchart (section 14) is an image that is missing from the text.',
      reading:
        'The app does not reconstruct it; the pathway is built from the procedure text (sections 10 and 11): a request for help to First Response where there is risk without clear evidence, a referral to First Response where there is evidence of exploitation and risk of significant harm, intelligence to the police on 101.',
      src: [L(39), L(524), L(398), L(404), L(491)],
    },
  ],
  referencedNotReproduced: [
    { text: "NWG Checklist (Adapted) – for Children's Social Care", src: L(339) },
    { text: 'SERAF – Avon and Somerset Constabulary', src: L(333) },
    { text: 'Spotting the Signs (Brook and BASHH) – health providers', src: L(335) },
    { text: 'Sexual Behaviours Traffic Light Toolkit', src: L(323) },
    { text: 'CSE Decision Making Flowchart', src: L(39) },
    { text: 'Suspects intelligence sharing form', src: L(594) },
  ],
  // The request for help (L398) or the referral (L404) comes from the pathway rules, by the evidence recorded.
  actions: [],
};
