// "What must happen now" on a referral's first screen (issue 20, item 4): 999, the warnings, the safety
// routes and the time-bound steps, each in its lead sentence with its calls beside it, so that a
// child under 13 who is also missing still has every one of them on a 1366×768 screen. Where a step's
// words are cut, an ellipsis says so; every step is listed whole further down the page. A step that is
// the app's (a route borrowed from another region's guidance) keeps its badge, the reason folded.
import type { Contact, NextStep } from '../domain/index.ts';
import { AppBadge } from '../shared-ui/next-steps.tsx';
import { withoutRefs } from '../shared-ui/sources.ts';
import { timescaleText } from '../shared-ui/timescale.ts';

const LEAD_MAX = 175;

/** The step's first sentence, at most LEAD_MAX characters; "…" wherever anything is left out. */
export function leadSentence(text: string): string {
  const whole = text.trim();
  const first = /^.*?[.!?](?=\s+[A-Z(]|$)/s.exec(whole)?.[0] ?? whole;
  let lead = first;
  if (lead.length > LEAD_MAX) {
    const cut = lead.slice(0, LEAD_MAX);
    lead = cut.slice(0, Math.max(cut.lastIndexOf(' '), LEAD_MAX / 2)).replace(/[\s,;:]+$/, '');
  }
  return lead.length < whole.length ? `${lead.replace(/[.]$/, '')}…` : lead;
}

/** "Police, non-emergency (101: …)" → "Police, non-emergency": the full name is in the step further down. */
const shortName = (c: Contact) => c.name.split(' (')[0]!;

function Contacts({ step }: { step: NextStep }) {
  if (!step.contacts.length) return null;
  return (
    <span class="now-contacts">
      {step.contacts.map((c, i) =>
        c.phone ? (
          <a
            key={i}
            class={`button ${step.kind === 'emergency' && c.phone === '999' ? 'danger' : 'secondary'} call`}
            href={`tel:${c.phone.replace(/\s/g, '')}`}
          >
            Call {c.phone}
            <span class="now-contact-name"> · {shortName(c)}</span>
          </a>
        ) : c.email ? (
          <a key={i} class="email" href={`mailto:${c.email}`}>
            {shortName(c)}
          </a>
        ) : null,
      )}
    </span>
  );
}

export function NowSteps({ steps, file }: { steps: NextStep[]; file: string }) {
  return (
    <ol class="steps now-brief">
      {steps.map((s) => (
        <li key={s.id} class={`step step-${s.kind}${s.appAdded ? ' step-app' : ''}`} data-step={s.id}>
          <div class="now-line">
            <p>
              {s.kind === 'warning' && <strong>Important: </strong>}
              {leadSentence(withoutRefs(s.text, file))}
              {s.within && (
                <strong class="within" data-testid="within">
                  {' '}
                  When: {timescaleText(s.within)}
                </strong>
              )}
            </p>
            <Contacts step={s} />
            {s.appAdded && <AppBadge reason={withoutRefs(s.appAdded, file)} />}
          </div>
        </li>
      ))}
    </ol>
  );
}
