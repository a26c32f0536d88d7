// Builds valid submissions the way the app does: answers scored by the engine.
import { score } from '../../src/domain/index.ts';
import type { Answers } from '../../src/domain/engine/types.ts';
import { getInstrument } from '../../src/domain/instruments/catalogue.ts';
import { SUBMISSION_SCHEMA, type Submission } from '../../src/contract/submission.ts';
import { scores } from './answers.ts';

export function makeSubmission(over: Partial<Submission> = {}, answers?: Answers): Submission {
  // An unknown instrument id (for the endpoint's negative tests) is scored as the GM tool.
  const inst =
    getInstrument(over.instrument?.id ?? 'gm-cse-measurement-tool') ?? getInstrument('gm-cse-measurement-tool')!;
  const a = answers ?? scores('gm-cse-measurement-tool', [3, 3, 3, 3, 3, 3, 3, 3, 3, 3], 5);
  let result: Submission['result'];
  try {
    result = score(inst, a);
  } catch {
    result = score(inst, {}); // invalid answers, for the endpoint to refuse
  }
  return {
    schema: SUBMISSION_SCHEMA,
    id: crypto.randomUUID(),
    kind: 'assessment',
    instrument: { id: inst.id, version: inst.version },
    childRef: 'AB-12',
    answers: a,
    result,
    author: { name: 'Sam Nurse', role: 'School nurse', organisation: 'Test Trust', contact: '01234 567890' },
    device: { time: new Date().toISOString(), timezone: 'Europe/London' },
    app: { version: '0.1.0' },
    ...over,
  };
}
