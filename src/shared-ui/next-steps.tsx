// Next steps with the 999 route first and every phone number tappable.
// Steps of kind 'emergency' and 'warning' are "what to do now": shown first,
// on the first screen, never folded away. A step the app proposes on its own
// account is labelled as the app's, with its reason; a timescale is shown.
import type { NextStep, RegionId } from '../domain/index.ts';
import { REGIONS } from '../domain/index.ts';
import { withoutRefs } from './sources.ts';

const ORDER: Record<NextStep['kind'], number> = {
  emergency: 0,
  warning: 1,
  referral: 2,
  'information-report': 2,
  assessment: 2,
  advice: 2,
  note: 2,
};

/** 999 first, then warnings, then the rest in the engine's order. */
export function ordered(steps: NextStep[]): NextStep[] {
  return steps
    .map((s, i) => ({ s, i }))
    .sort((a, b) => ORDER[a.s.kind] - ORDER[b.s.kind] || a.i - b.i)
    .map((x) => x.s);
}

export const isNow = (s: NextStep) => s.kind === 'emergency' || s.kind === 'warning';

function Step({ step, file, print }: { step: NextStep; file: string; print?: boolean | undefined }) {
  return (
    <li class={`step step-${step.kind}${step.appAdded ? ' step-app' : ''}`} data-step={step.id}>
      {step.appAdded && (
        <p class="app-label" data-testid="app-suggests">
          <strong>The app suggests</strong>{' '}
          <span class="hint-inline">(not the tool’s words: {withoutRefs(step.appAdded, file)})</span>
        </p>
      )}
      <p>
        {step.kind === 'warning' && <strong>Important: </strong>}
        {withoutRefs(step.text, file)}
      </p>
      {step.within && (
        <p class="within" data-testid="within">
          <strong>When:</strong> within {step.within.replace(/^within\s+/i, '')}
        </p>
      )}
      {step.contacts.length > 0 && (
        <ul class="contacts">
          {step.contacts.map((c, i) => (
            <li key={i}>
              {c.phone && !print ? (
                <a
                  class={`button ${step.kind === 'emergency' && c.phone === '999' ? 'danger' : 'secondary'} call`}
                  href={`tel:${c.phone.replace(/\s/g, '')}`}
                >
                  Call {c.phone}
                  <span class="visually-hidden"> – {c.name}</span>
                </a>
              ) : null}{' '}
              <span>{c.name}</span>
              {c.phone && print && <> · {c.phone}</>}
              {c.email && (
                <>
                  {' '}
                  ·{' '}
                  <a class="email" href={`mailto:${c.email}`}>
                    {c.email}
                  </a>
                </>
              )}
              {c.note && <span class="hint-inline"> ({withoutRefs(c.note, file)})</span>}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

/** A list of steps; `start` numbers them on from an earlier list. */
export function StepList({
  steps,
  file,
  start = 1,
  print,
}: {
  steps: NextStep[];
  file: string;
  start?: number;
  print?: boolean;
}) {
  return (
    <ol class="steps" start={start}>
      {steps.map((s) => (
        <Step key={s.id} step={s} file={file} print={print} />
      ))}
    </ol>
  );
}

export function ContactsAsOf({ region, file }: { region: RegionId; file: string }) {
  return (
    <p class="hint">
      Contact details as printed in the source document, dated {withoutRefs(REGIONS[region].asOf, file)}: confirm them
      with your local safeguarding team.
    </p>
  );
}

/** Every step, 999 first: the whole list in one section (used where there is no "now" panel). */
export function NextSteps({ steps, region, file }: { steps: NextStep[]; region: RegionId; file: string }) {
  return (
    <section class="next-steps" aria-labelledby="next-steps-title">
      <h2 id="next-steps-title">What to do next</h2>
      <StepList steps={ordered(steps)} file={file} />
      <ContactsAsOf region={region} file={file} />
    </section>
  );
}
