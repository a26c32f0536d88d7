// The domain's one door: the instruments, the case facts, the pathway rules and
// the engine that scores and orders what to do next. Everything outside the
// domain (the app's screens, the command line, the receiver, the inbox)
// imports from here and nowhere below; `npm test` holds that (.dependency-cruiser.cjs).
// Pure TypeScript: no DOM, storage, network or Node built-ins.
import { setRegistry } from './engine/registry.ts';
import { REGIONS } from './instruments/directory.ts';
import { pathwaySteps } from './pathways/apply.ts';

// The engine is handed its data once, here, before anything can score.
setRegistry({ regions: REGIONS, pathwaySteps: (ctx) => pathwaySteps(ctx) });

export type * from './engine/types.ts';
export { InvalidAnswersError, ageWorkedOut, score, sourceNotes, type ScoreContext } from './engine/score.ts';
export { nextSteps } from './engine/pathways.ts';
export {
  checkAnswer,
  entryShape,
  isAnswered,
  isAsked,
  isTickItem,
  itemsOf,
  labelOf,
  missingRequired,
  shapeWarning,
  validateAnswers,
  valuesOf,
} from './engine/answers.ts';
export {
  ageOn,
  type CaseFacts,
  factsApplyTo,
  localDate,
  parseDate,
  readFacts,
  screenedOn,
  withDerivedAge,
} from './engine/case-facts.ts';
export { catalogueEntry } from './engine/catalogue-json.ts';
export { validateInstrument } from './engine/schema.ts';
export { carryFacts, localToday } from './facts/carry.ts';
export { FACTS, FACT_IDS, FACT_SECTION_ID, NOTHING_TO_REPORT, isFactId } from './facts/definitions.ts';
export { unansweredFacts, withFacts } from './facts/section.ts';
export { HOME_AREA_ID, HOME_AREA_NOT_KNOWN, answeredHomeArea, homeAreaPrefill } from './facts/home-area.ts';
export { INSTRUMENTS, getInstrument, instrumentsFor } from './instruments/catalogue.ts';
export {
  type AreaTeam,
  FIRST_RESPONSE,
  GM_AREA_TEAMS,
  REGION_AREAS,
  REGIONS,
  SANDWELL_BARNARDOS,
  WM_AUTHORITIES,
} from './instruments/directory.ts';
export { PATHWAY_RULES } from './pathways/rules.ts';
export { isSafetyRouteStep } from './pathways/safety-routes.ts';
export {
  type AreaFrom,
  NOT_A_LEVEL,
  READING_VERSION,
  type ReadOutcome,
  type Reading,
  type ReadingInput,
  SAFETY,
  readSubmission,
} from './reading/reading.ts';
export {
  ALL_AREAS,
  type Checked,
  REGION_IDS,
  areasOf,
  checkArea,
  checkRegion,
  findArea,
  routesByArea,
} from './reading/areas.ts';
export {
  type EntryKind,
  MIN_PLATE_PREFIX,
  isWholePlate,
  normaliseHandle,
  normaliseName,
  normalisePhone,
  normalisePostcode,
  normaliseRegistration,
  registrationPrefixes,
} from './entries/normalise.ts';
export { ENTRY_KIND_LABELS, FREE_TEXT_ENTRIES, type FoundEntry, entriesInText, entriesOf } from './entries/extract.ts';
