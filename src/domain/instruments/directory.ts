// Contacts and referral routes per region, as the seeds print them.
// These are dated (GM "correct at the time of writing, July 2014", 000 L424;
// the others about 2014–2017) and must be confirmed locally before use: the
// app shows `asOf` beside every contact. Data only, so a local authority can
// replace it without touching the engine.
import type { Region, Contact, NextStep, RegionId, SourceRef } from '../engine/types.ts';
import { GM, BURY, WM, NN, BRS, at } from '../engine/seed-refs.ts';

export interface AreaTeam {
  area: string;
  team?: string;
  email: string;
  phone: string;
  src: SourceRef;
}

/** The GM specialist CSE teams an information report goes to (000 L635–L645). */
export const GM_AREA_TEAMS: AreaTeam[] = [
  { area: 'Bolton', email: 'Phoenix.Exit@gmp.police.uk', phone: '01204 337195', src: at(GM, 636) },
  { area: 'Bury', email: 'buryphoenix.cse@gmp.police.uk', phone: '0161 856 8002', src: at(GM, 637) },
  {
    area: 'Manchester',
    team: 'Phoenix – Protect',
    email: 'protect.team@gmp.police.uk',
    phone: '0161 856 6020',
    src: at(GM, 638),
  },
  { area: 'Oldham', email: 'Operation.Messenger@gmp.police.uk', phone: '0161 856 4552', src: at(GM, 639) },
  { area: 'Rochdale', email: 'sunrise.rochdale@gmp.police.uk', phone: '0161 856 3376', src: at(GM, 640) },
  {
    area: 'Salford',
    team: 'Phoenix – Protect',
    email: 'protect.team@gmp.police.uk',
    phone: '0161 856 6020',
    src: at(GM, 641),
  },
  { area: 'Stockport', email: 'Phoenix.stockport@gmp.police.uk', phone: '07810 832457', src: at(GM, 642) },
  { area: 'Tameside', email: 'cse.tameside@gmp.police.uk', phone: '0161 856 9359', src: at(GM, 643) },
  { area: 'Trafford', email: 'phoenix.trafford@gmp.police.uk', phone: '0161 856 7782', src: at(GM, 644) },
  { area: 'Wigan', email: 'WiganPhoenixCSETeam@gmp.police.uk', phone: '07818 510492', src: at(GM, 645) },
];

export type { Region } from '../engine/types.ts';

/** The seven West Midlands metropolitan authorities the regional framework covers (002 L4). */
export const WM_AUTHORITIES: { area: string; src: SourceRef }[] = [
  'Sandwell',
  'Birmingham',
  'Dudley',
  'Walsall',
  'Coventry',
  'Solihull',
  'Wolverhampton',
].map((area) => ({ area, src: at(WM, 4) }));

/**
 * The areas a region's referrals are routed by. Greater Manchester routes by its ten area
 * teams and the West Midlands (the Sandwell tools) by its seven authorities; Bury is one of
 * Greater Manchester's areas, so everything from its own tools goes to Bury; Northamptonshire
 * and Bristol have one queue each, the region's.
 */
export const REGION_AREAS: Record<RegionId, readonly string[]> = {
  'greater-manchester': GM_AREA_TEAMS.map((t) => t.area),
  bury: ['Bury'],
  sandwell: WM_AUTHORITIES.map((t) => t.area),
  northamptonshire: [],
  bristol: [],
};

/** Sandwell's out-of-hours service shares a row with the MASH number; the seed leaves open whether that number reaches it. */
export const EDT_NOTE =
  'The table prints the Emergency Duty Team (Out of Hours) in the same row as this number (002 L2292–2306) and gives it no number of its own; it does not say whether this number reaches it out of hours.';

/** The Sandwell table "Where to refer or discuss your concerns" (002 L2122–L2372), as printed. */
export const SANDWELL_CONTACTS: Contact[] = [
  {
    name: 'CSE Co-ordinator, MASH (CSE Team)',
    phone: '0845 352 8690',
    email: 'natalie_shand@sandwell.gov.uk',
    src: at(WM, 2146, 2156),
  },
  {
    name: 'CSE Social Worker (CSE Team)',
    phone: '0121 596 7129',
    email: 'annemarie_bartley@sandwell.gov.uk',
    src: at(WM, 2168, 2174),
  },
  {
    name: 'Targeted Youth Support – Raising Aspirations (Tier 1/2 Service)',
    phone: '0845 352 7701',
    email: 'rachael_hopkinson@sandwell.gov.uk',
    src: at(WM, 2186, 2198),
  },
  { name: 'Sandwell Womens Aid (Tier 2/3 Service)', phone: '0121 553 0090', src: at(WM, 2210, 2222) },
  { name: 'Barnardo’s (Tier 4)', phone: '01922 644 338', src: at(WM, 2240, 2248) },
  { name: 'Police – Child Abuse Investigation Unit', phone: '0121 626 9153', src: at(WM, 2260, 2282) },
  {
    name: 'Children’s Social Care – MASH; Emergency Duty Team (Out of Hours)',
    phone: '0845 351 0131',
    note: EDT_NOTE,
    src: at(WM, 2292, 2306),
  },
  { name: 'Health – Safeguarding Children', phone: '0121 507 2844', src: at(WM, 2314, 2318) },
  {
    name: 'Education – Duty Officer (Safeguarding)',
    phone: '0121 569 4970',
    // The framework prints "0121  0121 569 4970": the area code twice.
    src: at(WM, 2334, 2346),
  },
  {
    name: 'Children’s Social Care – Quality Development Unit',
    phone: '0121 569 8147',
    email: 'elizabeth_johnson@sandwell.gov.uk',
    src: at(WM, 2362, 2372),
  },
  { name: 'PACE – Parents Against Child Sexual Exploitation', note: 'www.paceuk.info', src: at(WM, 2392) },
];

export const RAISING_ASPIRATIONS = SANDWELL_CONTACTS[2]!;
export const SANDWELL_WOMENS_AID = SANDWELL_CONTACTS[3]!;
export const SANDWELL_BARNARDOS = SANDWELL_CONTACTS[4]!;

/** Bristol Appendix 2 and 3 contacts (004 L538–L590). */
export const FIRST_RESPONSE: Contact = {
  name: "Children's Social Care – First Response",
  phone: '0117 903 6444',
  src: at(BRS, 542),
};

const BASE: Contact = {
  name: "BASE (Barnardo's Against Sexual Exploitation)",
  phone: '0117 934 9726',
  src: at(BRS, 546),
};

const police999: Contact = { name: 'Police (emergency)', phone: '999', src: at(GM, 617) };

/** `src` cites the region's own wording; the 999 contact cites a line that prints 999. */
function emergency(text: string, src: SourceRef, extra: Contact[] = [], nines: SourceRef = police999.src): NextStep {
  return { id: 'emergency-999', kind: 'emergency', text, contacts: [{ ...police999, src: nines }, ...extra], src };
}

const GM_EMERGENCY_TEXT =
  'If a child is deemed at immediate risk of significant harm i.e. physical, sexual, emotional harm or neglect, contact the police on 999 and provide as much information as possible so that police can put in place an immediate response.';

const gmRoutes: NextStep[] = [
  {
    id: 'gm-csc-referral',
    kind: 'referral',
    text: "If the child may be a child in need, or the child has suffered significant harm or is likely to do so, a referral should be made immediately to local authority children's social care. This referral can be made by any professional.",
    contacts: [],
    src: at(GM, 618),
  },
  {
    id: 'gm-information-report',
    kind: 'information-report',
    text: 'If the information is not about a child in immediate or near danger then the professional should fill in the information report and e-mail to the appropriate child sexual exploitation team: the local team appropriate to the intelligence.',
    contacts: GM_AREA_TEAMS.map((t) => ({
      name: `${t.area} CSE team${t.team ? ` (${t.team})` : ''}`,
      email: t.email,
      phone: t.phone,
      src: t.src,
    })),
    src: at(GM, 620),
  },
];

export const REGIONS: Record<RegionId, Region> = {
  'greater-manchester': {
    id: 'greater-manchester',
    label: 'Greater Manchester',
    asOf: 'July 2014 (000 L424)',
    emergency: emergency(GM_EMERGENCY_TEXT, at(GM, 617)),
    routes: gmRoutes,
  },
  bury: {
    id: 'bury',
    label: 'Bury (Greater Manchester)',
    asOf: 'about 2014 (undated; Greater Manchester Phoenix procedure)',
    // 999 is the Greater Manchester handbook's (000 L617); Bury's own text
    // says "referred to the police" (001 L314–316) and its form prints 101
    // (001 L2068). The pathway rule "bury-999-or-101" shows both.
    emergency: emergency(GM_EMERGENCY_TEXT, at(GM, 617)),
    routes: [
      {
        id: 'bury-mash-referral',
        kind: 'referral',
        text: 'If a professional believes that a child may be suffering or is at risk of suffering from significant harm, involving Child Sexual Exploitation (CSE) they should always refer their concerns to the Multi Agency Safeguarding Hub via the Interagency Referral Form.',
        contacts: [
          { name: 'Bury MASH', phone: '0161 253 5678', email: 'childwellbeing@bury.gov.uk', src: at(BURY, 390, 392) },
        ],
        src: at(BURY, 386, 389),
      },
      {
        id: 'bury-data-collection-form',
        kind: 'information-report',
        text: 'Completed forms should be sent to:- BuryPhoenix.CSE@gmp.police.uk',
        appAdded:
          'The Bury procedure sends intelligence on its Child Sexual Exploitation Data Collection Form (001 Appendix 3, L2036–L2086), which this app does not reproduce: use your local copy, or the Greater Manchester information report, and send it to this address.',
        contacts: [
          { name: 'Bury Phoenix (police)', email: 'BuryPhoenix.CSE@gmp.police.uk', src: at(BURY, 2086) },
          { name: 'Police PPIU (re “soft intelligence”)', phone: '0161 856 8063', src: at(BURY, 2098, 2100) },
          {
            name: 'Police PPIU (re “soft intelligence”), second number',
            phone: '0161 856 8064',
            src: at(BURY, 2098, 2101),
          },
          { name: 'Bury Police Reporting Line', phone: '101', src: at(BURY, 2103, 2105) },
        ],
        src: at(BURY, 2086),
      },
      {
        id: 'bury-contact-details',
        kind: 'advice',
        text: 'Contact Details',
        contacts: [
          { name: 'Multi Agency Safeguarding Hub', phone: '0161 253 5678', src: at(BURY, 2090, 2092) },
          {
            name: 'Bury Children’s Services Safeguarding Children Unit',
            phone: '0161 253 6168',
            src: at(BURY, 2094, 2096),
          },
          { name: 'YPAS', phone: '0161 761 2136', src: at(BURY, 2107, 2109) },
        ],
        src: at(BURY, 2089),
      },
    ],
  },
  sandwell: {
    id: 'sandwell',
    // The framework and its tools are the seven West Midlands authorities' (002 L4); only its contacts are
    // Sandwell's. A practitioner in Birmingham or Walsall looks for their own name in the list.
    label: 'West Midlands (Sandwell, Birmingham, Dudley, Walsall, Coventry, Solihull, Wolverhampton)',
    asOf: 'about 2015 (West Midlands framework)',
    emergency: {
      ...emergency(
        'If a child is at immediate risk of significant harm, call the police on 999: the framework says to go direct to the Police in emergencies.',
        at(WM, 2810, 2812),
      ),
      appAdded:
        'The West Midlands framework says "direct to the Police in emergencies" (002 L2811–2812) but prints no number; the app gives 999.',
    },
    routes: [
      {
        id: 'sandwell-csc-or-police',
        kind: 'referral',
        text: "If the screening tool indicates that the child/young person is likely to be at significant risk or serious risk of harm from sexual exploitation you should contact Children's Social Care or the Police.",
        contacts: [
          {
            name: "Sandwell Children's Social Care MASH; Emergency Duty Team (Out of Hours)",
            phone: '0845 351 0131',
            note: EDT_NOTE,
            src: at(WM, 2292, 2306),
          },
          { name: 'Sandwell CSE Co-ordinator (MASH)', phone: '0845 352 8690', src: at(WM, 2146, 2154) },
          {
            name: 'West Midlands Police Child Abuse Investigation Unit',
            phone: '0121 626 9153',
            src: at(WM, 2260, 2282),
          },
        ],
        src: at(WM, 2132),
      },
      {
        id: 'sandwell-advice',
        kind: 'advice',
        text: 'Anyone who completes a CSE screening tool, or is considering the need to do so, can seek advice from the Designated Safeguarding Advisor in their agency/service/setting, or from the SSCB CSE Co-ordinator.',
        contacts: [
          {
            name: 'SSCB CSE Co-ordinator (MASH)',
            phone: '0845 352 8690',
            email: 'natalie_shand@sandwell.gov.uk',
            src: at(WM, 2146, 2156),
          },
        ],
        src: at(WM, 2124, 2128),
      },
      {
        id: 'sandwell-where-to-refer',
        kind: 'advice',
        text: 'Where to refer or discuss your concerns:',
        contacts: SANDWELL_CONTACTS,
        src: at(WM, 2122),
      },
    ],
  },
  northamptonshire: {
    id: 'northamptonshire',
    label: 'Northamptonshire',
    asOf: 'about 2015 (inferred; the toolkit is undated)',
    emergency: emergency(
      'If a child is at risk of significant harm, contact the MASH 03001261000 or the police 101 or 999 immediately.',
      at(NN, 2174, 2175),
      [
        { name: 'Northamptonshire MASH', phone: '0300 126 1000', src: at(NN, 2174, 2175) },
        // The toolkit prints "101 OR 999" and does not say which applies when: the note is the app's reading.
        {
          name: 'Northamptonshire Police (non-emergency)',
          phone: '101',
          note: "When no one is in immediate danger (the app's reading: the toolkit does not say which number applies when).",
          src: at(NN, 2175),
        },
      ],
      at(NN, 2175),
    ),
    routes: [
      {
        id: 'nn-mash-route-1',
        kind: 'referral',
        text: 'Referral Route 1 – new referrals: in the event of a concern being identified regarding sexual exploitation, practitioners must complete the NSCB CSE Assessment and send the completed document with a Multi-Agency Referral Form to the MASH.',
        contacts: [{ name: 'Northamptonshire MASH', email: 'mash@northamptonshire.gcsx.gov.uk', src: at(NN, 639) }],
        src: at(NN, 635, 639),
      },
      {
        id: 'nn-rise-route-2',
        kind: 'referral',
        text: 'Referral Route 2 – children and young people who have an allocated NCC social worker: the allocated social worker in consultation with their Team Manager must complete a NSCB CSE assessment; request for CSE strategy meeting to be sent to RISE.',
        contacts: [
          { name: 'RISE', email: 'rise@northants.pnn.police.uk', phone: '01604 888345', src: at(NN, 673, 675) },
        ],
        src: at(NN, 644, 650),
      },
      {
        id: 'nn-health-safeguarding',
        kind: 'advice',
        text: 'Liaison regarding safeguarding concerns at any point can be discussed in team clinical practice or with the Trust Safeguarding Team, or with the health MASH team: it is always expected practice to seek safeguarding supervision.',
        contacts: [
          { name: 'Trust Safeguarding Team', email: 'childrensafeguarding@nhft.nhs.uk', src: at(NN, 1330) },
          {
            name: 'Health MASH team',
            phone: '101',
            note: 'Extension 341088, as printed ("101 ext. 341088").',
            src: at(NN, 1330),
          },
        ],
        src: at(NN, 1330),
        appAdded:
          "Written for the Trust's health staff (its section on child and adolescent mental health services) (003 L1285–L1330); the app shows it to every Northamptonshire user, as health staff use the A&E checklist.",
      },
      {
        id: 'nn-police-101',
        kind: 'information-report',
        text: 'If you are concerned about anything suspicious on line you can report it to Northamptonshire Police ringing 101.',
        contacts: [{ name: 'Northamptonshire Police', phone: '101', src: at(NN, 435) }],
        src: at(NN, 435),
      },
    ],
  },
  bristol: {
    id: 'bristol',
    label: 'Bristol',
    asOf: 'December 2015, links and sections updated 12 October 2017 (004 L13–15, L20)',
    emergency: {
      ...emergency('If a child is at immediate risk of significant harm, call the police on 999.', at(GM, 617)),
      appAdded:
        'The Bristol guidance prints no emergency number; the app gives 999 as the Greater Manchester handbook does (000 L617), because every child at immediate risk needs it.',
    },
    routes: [
      {
        id: 'bristol-first-response',
        kind: 'referral',
        text: 'All agencies should make a referral to First Response whenever there is evidence to suggest that a young person is being sexually exploited and is at risk of significant harm; where there is no clear evidence or disclosure of exploitation, a request for help being made to First Response.',
        contacts: [FIRST_RESPONSE],
        src: at(BRS, 398, 404),
      },
      {
        id: 'bristol-police-101',
        kind: 'information-report',
        text: 'Share information as intelligence with the police, especially where there are concerns in relation to CSE, by calling 101.',
        contacts: [{ name: 'Avon and Somerset Police', phone: '101', src: at(BRS, 544) }, BASE],
        src: at(BRS, 491),
      },
      {
        id: 'bristol-further-advice',
        kind: 'advice',
        text: "Further advice can be found from BASE, Police and CYPS – Children's Social Care.",
        contacts: [
          FIRST_RESPONSE,
          { name: 'Police', phone: '101', src: at(BRS, 544) },
          BASE,
          {
            name: 'PACE',
            note: 'http://www.paceuk.info/ – one-to-one telephone support for parents',
            src: at(BRS, 548),
          },
        ],
        src: at(BRS, 540),
      },
      {
        id: 'bristol-base-referral',
        kind: 'referral',
        text: 'Referrals can be made to BASE by anyone concerned about a young person being sexually exploited in Bristol. BASE advise possible referrers to contact the project to discuss possible referrals before making a formal referral.',
        contacts: [BASE],
        src: at(BRS, 477),
      },
      {
        id: 'bristol-other-resources',
        kind: 'advice',
        text: 'Other information and resources.',
        contacts: [
          {
            name: '4YP',
            phone: '0117 900 2424',
            note: 'Training, including awareness of CSE and sexual health/relationship issues',
            src: at(BRS, 556, 557),
          },
          { name: 'Childline', phone: '0800 1111', src: at(BRS, 588, 590) },
        ],
        src: at(BRS, 552),
      },
    ],
  },
};
