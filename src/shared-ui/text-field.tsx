// One labelled single-line field, GOV.UK-style (label, hint, inline error, the
// input), used where a screen asks for a word rather than a tool's item: the
// passcode on the device, the e-mail and password in the inbox.
import type { Ref } from 'preact';

export function TextField(props: {
  id: string;
  label: string;
  type: 'text' | 'email' | 'password';
  value: string;
  onInput: (v: string) => void;
  autocomplete: string;
  /** 'numeric': a phone shows digits (a one-time code). */
  inputMode?: 'numeric' | undefined;
  error?: string | undefined;
  hint?: string | undefined;
  inputRef?: Ref<HTMLInputElement> | undefined;
}) {
  const { id, error, hint } = props;
  return (
    <div class={`field${error ? ' has-error' : ''}`} id={`field-${id}`}>
      <label class="label" for={id}>
        {props.label}
      </label>
      {hint && (
        <div class="hint" id={`${id}-hint`}>
          {hint}
        </div>
      )}
      {error && (
        <p class="field-error" id={`${id}-error`}>
          <span class="visually-hidden">Error:</span> {error}
        </p>
      )}
      <input
        id={id}
        name={id}
        ref={props.inputRef}
        class="input input-medium"
        type={props.type}
        autocomplete={props.autocomplete}
        inputMode={props.inputMode}
        spellcheck={false}
        aria-describedby={[hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined}
        value={props.value}
        onInput={(e) => props.onInput((e.target as HTMLInputElement).value)}
      />
    </div>
  );
}
