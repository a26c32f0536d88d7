// The GOV.UK error summary, on its own: the passcode screen, the inbox's sign-in
// and every form use it, and the passcode screen must not carry the form widgets.
import { useEffect, useRef } from 'preact/hooks';

/** An error links to a field on this page (`itemId`), or to another page (`href`, e.g. Check answers → the question's page). */
export type SummaryError = { itemId?: string | undefined; href?: string | undefined; message: string };

/**
 * GOV.UK error summary: each error links to its field. It takes focus once,
 * when it appears, and again only when `focusKey` changes (the caller bumps it
 * on each submit). Never on a re-render: an inline ref callback that focused
 * ran on every keystroke and stole focus from the field being typed in, which
 * locked practitioners out of the unlock screen.
 */
export function ErrorSummary({
  errors,
  title = 'There is a problem',
  focusKey,
  takeFocus = true,
}: {
  errors: SummaryError[];
  title?: string;
  focusKey?: number | string;
  /** False where the one field is focused instead (a wrong passcode: the next key goes back into the field). */
  takeFocus?: boolean;
}) {
  if (!errors.length) return null;
  return <ShownSummary errors={errors} title={title} focusKey={focusKey} takeFocus={takeFocus} />;
}

function ShownSummary({
  errors,
  title,
  focusKey,
  takeFocus,
}: {
  errors: SummaryError[];
  title: string;
  focusKey: number | string | undefined;
  takeFocus: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (takeFocus) ref.current?.focus();
  }, [focusKey]);
  return (
    <div class="error-summary" role="alert" tabIndex={-1} ref={ref} aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">{title}</h2>
      <ul>
        {errors.map((e, i) => (
          <li key={i}>
            {e.href ? (
              <a href={e.href}>{e.message}</a>
            ) : e.itemId ? (
              <a
                href={`#field-${e.itemId}`}
                onClick={(ev) => {
                  ev.preventDefault();
                  const el = document.getElementById(`field-${e.itemId}`);
                  el?.scrollIntoView({ block: 'center' });
                  el?.querySelector<HTMLElement>('input, textarea, select')?.focus();
                }}
              >
                {e.message}
              </a>
            ) : (
              e.message
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
