// The outcome shown in the runner as soon as the answers decide it, and the
// offer to start the tool an outcome names ("Please complete full CSE
// Toolkit") for the same child, linked in the child's chain.
import { whoseOutcome } from '../shared-ui/labels.ts';
import { useEffect, useRef, useState } from 'preact/hooks';
import { score } from '../domain/index.ts';
import { localDate } from '../domain/index.ts';
import type { Answers, Instrument, Result } from '../domain/index.ts';
import { getInstrument } from '../domain/index.ts';
import { href } from './router.ts';

/**
 * Next steps that say to complete another tool, and the tool they name.
 * 003 L514 "please complete full CSE Toolkit" and L1358 "complete … the CSE
 * assessment": the NSCB CSE Assessment (003 L477–L631).
 */
const FOLLOW_ON: Record<string, string> = {
  'nscb-complete-full-assessment': 'nscb-cse-assessment',
};

/** The tools the result's next steps say to complete, that this app holds. */
export function followOnTools(result: Pick<Result, 'nextSteps'>): Instrument[] {
  const ids = result.nextSteps.map((s) => FOLLOW_ON[s.id]).filter((id): id is string => id !== undefined);
  return [...new Set(ids)].map((id) => getInstrument(id)).filter((i): i is Instrument => i !== undefined);
}

/** Links that start a named tool for the same child, the new record following this one (previousId). */
export function FollowOnLinks({ result, recordId }: { result: Pick<Result, 'nextSteps'>; recordId: string }) {
  const tools = followOnTools(result);
  if (!tools.length) return null;
  return (
    <>
      {tools.map((t) => (
        <a
          key={t.id}
          class="button"
          data-testid="follow-on"
          href={href({ name: 'start', instrumentId: t.id, previousId: recordId })}
        >
          Start the {t.title} for this child
        </a>
      ))}
    </>
  );
}

/**
 * The last draft scored: the form's next page, drawn after Continue with the same answers, reuses it
 * instead of scoring again while the page changes (the engine is still the one that scored it).
 */
let lastScored: { inst: Instrument; on: string; key: string; result: Result | undefined } | undefined;

/** The engine's result for a draft, or undefined while an answer is invalid (the page shows that error). */
export function draftResult(inst: Instrument, answers: Answers): Result | undefined {
  const on = localDate(new Date());
  const key = JSON.stringify(answers);
  if (lastScored && lastScored.inst === inst && lastScored.on === on && lastScored.key === key)
    return lastScored.result;
  let result: Result | undefined;
  try {
    result = score(inst, answers, { on });
  } catch {
    result = undefined;
  }
  lastScored = { inst, on, key, result };
  return result;
}

/** The case facts that change what to do, in a few words. */
export const FACT_WORDS: Record<string, string> = {
  'fact-immediate-danger': 'immediate danger',
  'fact-sexual-assault': 'a sexual assault',
  'fact-missing-now': 'missing now',
  'fact-trafficking': 'trafficking',
};

/** A tool without a published rule has nothing to decide early: its "outcome" is the app's record-keeping wording. */
export function showsLiveOutcome(inst: Instrument, result: Result | undefined): result is Result {
  return !!result && result.decided && result.level !== undefined && inst.scoring.rule !== 'checklist';
}

/**
 * Always in the page, so screen readers announce what appears in it
 * (aria-live="polite": after what the user is doing, never interrupting).
 * 999 comes first, then the outcome in the tool's words.
 */
export function LiveOutcome({
  inst,
  result,
  onCheck,
  factsBlank = [],
  onFacts,
}: {
  inst: Instrument;
  result: Result | undefined;
  onCheck: () => void;
  /** Case facts that change what to do, still blank: while any is, finishing is not offered here. */
  factsBlank?: string[];
  /** Opens the questions about the child (absent when they are on this page). */
  onFacts?: (() => void) | undefined;
}) {
  const shown = showsLiveOutcome(inst, result);
  const emergency = shown ? result.nextSteps.find((s) => s.kind === 'emergency') : undefined;
  const named = shown ? followOnTools(result) : [];
  const box = useRef<HTMLDivElement>(null);
  const [inView, setInView] = useState(false);
  useEffect(() => {
    const el = box.current;
    if (!shown || !el || typeof IntersectionObserver === 'undefined') return;
    const io = new IntersectionObserver(([e]) => setInView(!!e?.isIntersecting), { threshold: 0.25 });
    io.observe(el);
    return () => io.disconnect();
  }, [shown]);
  return (
    <>
      {shown && !inView && (
        // On a phone the outcome can land below the fold as the boxes are ticked: this line stays
        // pinned to the bottom of the screen until the outcome itself scrolls into view. Hidden
        // from screen readers, which hear the outcome from the live region below.
        <p class="live-peek" aria-hidden="true" data-testid="live-peek">
          Outcome below: <strong>{result.level}</strong>
        </p>
      )}
      <div aria-live="polite" data-testid="live-outcome" class="live-outcome-region">
        {shown && (
          <div class={`outcome live-outcome severity-${result.severity ?? 'none'}`} ref={box}>
            {emergency && (
              <p class="live-999">
                <strong>{emergency.text}</strong>{' '}
                <a class="button danger call" href="tel:999">
                  Call 999
                </a>
              </p>
            )}
            <p class="outcome-label">
              {whoseOutcome(result)}
              {result.complete ? '' : ', decided on the answers so far'}
            </p>
            <p class="outcome-level" data-testid="live-level">
              {result.level}
            </p>
            {factsBlank.length > 0 && (
              <>
                <p class="hint" data-testid="live-facts">
                  The outcome is decided. Some questions about the child are not answered yet, and they change what to
                  do: {factsBlank.map((id) => FACT_WORDS[id] ?? id).join(', ')}.
                  {onFacts ? '' : ' They are on this page.'}
                </p>
                {onFacts && (
                  <button type="button" class="button secondary" data-testid="live-facts-open" onClick={onFacts}>
                    Answer the questions about the child
                  </button>
                )}
              </>
            )}
            {!result.complete && factsBlank.length === 0 && (
              <>
                <p class="hint">
                  The {result.missing.length} unanswered {result.missing.length === 1 ? 'item' : 'items'} cannot change
                  this outcome. You can still answer them, or finish now.
                </p>
                <button type="button" class="button secondary" data-testid="live-finish" onClick={onCheck}>
                  Check answers and finish
                </button>
              </>
            )}
            {named.length > 0 && (
              <p class="hint">
                After you finish, you can start the {named.map((t) => t.title).join(' or ')} for this child from the
                result.
              </p>
            )}
          </div>
        )}
      </div>
    </>
  );
}
