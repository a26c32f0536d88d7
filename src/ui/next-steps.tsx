// Next steps with the 999 route first and every phone number tappable.
import type { NextStep, RegionId } from '../engine/types.ts';
import { REGIONS } from '../instruments/directory.ts';

export function NextSteps({ steps, region }: { steps: NextStep[]; region: RegionId }) {
  return (
    <section class="next-steps" aria-labelledby="next-steps-title">
      <h2 id="next-steps-title">What to do next</h2>
      <ol class="steps">
        {steps.map((s) => (
          <li key={s.id} class={`step step-${s.kind}`} data-step={s.id}>
            <p>{s.text}</p>
            {s.contacts.length > 0 && (
              <ul class="contacts">
                {s.contacts.map((c, i) => (
                  <li key={i}>
                    {c.phone ? (
                      <a class={`button ${s.kind === 'emergency' && c.phone === '999' ? 'danger' : 'secondary'} call`} href={`tel:${c.phone.replace(/\s/g, '')}`}>
                        Call {c.phone}
                        <span class="visually-hidden"> – {c.name}</span>
                      </a>
                    ) : null}{' '}
                    <span>{c.name}</span>
                    {c.email && (
                      <>
                        {' '}
                        · <a href={`mailto:${c.email}`}>{c.email}</a>
                      </>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
      <p class="hint">Contact details as printed in the source document ({REGIONS[region].asOf}); confirm them with your local safeguarding team.</p>
    </section>
  );
}
