// The instrument catalogue: every definition, validated once at load.
// Adding a region's tool is one module here and its tests; no UI change.
import { validateInstrument } from '../engine/schema.ts';
import type { Instrument, Setting, RegionId } from '../engine/types.ts';
import { withFacts } from '../facts/section.ts';
import { bristolRiskFactors } from './bristol.ts';
import { buryInitialScreening, buryRiskAssessmentTool } from './bury.ts';
import { gmFrontDoorQuestion, gmInformationReport, gmInformationSharingChecklist, gmMeasurementTool } from './gm.ts';
import { nscbAeChecklist, nscbAssessment } from './nscb.ts';
import { sandwellScreening, wmInformationReport, wmRiskAssessmentTool } from './west-midlands.ts';

export const INSTRUMENTS: readonly Instrument[] = [
  gmFrontDoorQuestion,
  gmMeasurementTool,
  gmInformationReport,
  gmInformationSharingChecklist,
  buryInitialScreening,
  buryRiskAssessmentTool,
  sandwellScreening,
  wmRiskAssessmentTool,
  wmInformationReport,
  nscbAeChecklist,
  nscbAssessment,
  bristolRiskFactors,
]
  // Every tool that screens or measures risk also asks the facts of the case.
  .map(withFacts)
  .map(validateInstrument);

const byId = new Map(INSTRUMENTS.map((i) => [i.id, i]));
if (byId.size !== INSTRUMENTS.length) throw new Error('Two instruments share an id');

export function getInstrument(id: string): Instrument | undefined {
  return byId.get(id);
}

/** Instruments offered for a setting and region, screening tools first. */
export function instrumentsFor(setting: Setting, region: RegionId): Instrument[] {
  const order = [
    'indicator-checklist',
    'screening',
    'front-door-question',
    'risk-measurement',
    'information-report',
    'information-sharing',
  ];
  return INSTRUMENTS.filter(
    (i) =>
      i.settings.includes(setting) && (i.region === region || (region === 'bury' && i.region === 'greater-manchester')),
  ).sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
}
