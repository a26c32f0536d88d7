// Next steps with the 999 route first and every phone number tappable.
// Steps of kind 'emergency' and 'warning' are "what to do now": shown first,
// on the first screen, never folded away. A step the app proposes on its own
// account carries one short badge ("The app's suggestion") with its reason
// folded beneath it; a timescale is shown.
import type { Contact, NextStep, RegionId } from '../domain/index.ts';
import { REGIONS } from '../domain/index.ts';
import { withoutRefs } from './sources.ts';
import { timescaleText } from './timescale.ts';

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

/** What the app's own step is marked with: one short badge, its reason folded beneath it. */
export const APP_BADGE = 'The app’s suggestion';

export function AppBadge({ reason, print }: { reason: string; print?: boolean | undefined }) {
  // Printed, nothing unfolds: the badge and its reason in small type.
  if (print)
    return (
      <p class="app-label" data-testid="app-suggests">
        <span class="app-badge-label">{APP_BADGE}</span> <span class="hint-inline">{reason}</span>
      </p>
    );
  return (
    <details class="app-badge" data-testid="app-suggests">
      <summary>
        <span class="app-badge-label">{APP_BADGE}</span>
        <span class="visually-hidden">, not the tool’s words: why</span>
      </summary>
      <p class="hint">Not the tool’s words. {reason}</p>
    </details>
  );
}

/** A contact's note without the source's bookkeeping: what the source prints is in the folded sources. */
export function contactNote(note: string, file: string): string {
  return withoutRefs(note, file)
    .replace(/,\s*as printed\s*\([^)]*\)/i, '')
    .trim();
}

function ContactLine({
  c,
  step,
  file,
  print,
}: {
  c: Contact;
  step: NextStep;
  file: string;
  print?: boolean | undefined;
}) {
  return (
    <li>
      {c.phone && !print ? (
        <a
          class={`button ${step.kind === 'emergency' && c.phone === '999' ? 'danger' : 'secondary'} call`}
          href={`tel:${c.phone.replace(/\s/g, '')}`}
        >
          Call {c.phone}
          <span class="visually-hidden"> – {c.name}</span>
        </a>
      ) : null}{' '}
      <span class="contact-name">{c.name}</span>
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
      {c.note && <span class="contact-note">{contactNote(c.note, file)}</span>}
    </li>
  );
}

function Step({
  step,
  file,
  print,
  callFirst,
}: {
  step: NextStep;
  file: string;
  print?: boolean | undefined;
  callFirst?: boolean | undefined;
}) {
  // On the result's first screen the 999 button leads its step, so it is on screen whatever the words' length.
  const first = callFirst && !print && step.kind === 'emergency' ? step.contacts.filter((c) => c.phone === '999') : [];
  const rest = step.contacts.filter((c) => !first.includes(c));
  return (
    <li class={`step step-${step.kind}${step.appAdded ? ' step-app' : ''}`} data-step={step.id}>
      {first.length > 0 && (
        <ul class="contacts contacts-first">
          {first.map((c, i) => (
            <ContactLine key={i} c={c} step={step} file={file} print={print} />
          ))}
        </ul>
      )}
      {step.appAdded && <AppBadge reason={withoutRefs(step.appAdded, file)} print={print} />}
      <p>
        {step.kind === 'warning' && <strong>Important: </strong>}
        {withoutRefs(step.text, file)}
      </p>
      {step.within && (
        <p class="within" data-testid="within">
          <strong>When:</strong> {timescaleText(step.within)}
        </p>
      )}
      {rest.length > 0 && (
        <ul class="contacts">
          {rest.map((c, i) => (
            <ContactLine key={i} c={c} step={step} file={file} print={print} />
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
  callFirst,
}: {
  steps: NextStep[];
  file: string;
  start?: number;
  print?: boolean;
  /** The 999 button before its step's words (the result's "What to do now"). */
  callFirst?: boolean;
}) {
  return (
    <ol class="steps" start={start}>
      {steps.map((s) => (
        <Step key={s.id} step={s} file={file} print={print} callFirst={callFirst} />
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
