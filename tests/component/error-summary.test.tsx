// @vitest-environment jsdom
// The error summary must take focus when it appears (and on a new submit),
// never on a re-render: when it stole focus on every render, typing into the
// unlock box after one wrong passcode let only the first character in, and
// every try counted as another failure.
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { useState } from 'preact/hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorSummary } from '../../src/shared-ui/error-summary.tsx';

afterEach(cleanup);

/** A form shaped like the unlock screen: one input, an error after each submit. */
function Harness() {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string>();
  const [tries, setTries] = useState(0);
  return (
    <>
      {error && <ErrorSummary errors={[{ itemId: 'code', message: error }]} focusKey={tries} />}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setError(`That is not right (${value})`);
          setTries((n) => n + 1);
        }}
      >
        <div id="field-code">
          <label for="code">Passcode</label>
          <input id="code" value={value} onInput={(e) => setValue((e.target as HTMLInputElement).value)} />
        </div>
        <button type="submit">Go</button>
      </form>
    </>
  );
}

/** Types as a person does: the field keeps focus, one character at a time. */
function typeKeyByKey(input: HTMLInputElement, text: string) {
  for (const ch of text) {
    // A real keystroke lands in whatever has focus: if focus moved away, the character is lost.
    if (document.activeElement !== input) continue;
    input.value += ch;
    fireEvent.input(input);
  }
}

describe('ErrorSummary focus', () => {
  it('is focused when it appears after a submit', async () => {
    render(<Harness />);
    fireEvent.submit(screen.getByRole('button', { name: 'Go' }).closest('form')!);
    const summary = await screen.findByRole('alert');
    expect(document.activeElement).toBe(summary);
  });

  it('leaves focus in the field while the user types after an error, so every key gets in', async () => {
    render(<Harness />);
    fireEvent.submit(screen.getByRole('button', { name: 'Go' }).closest('form')!);
    await screen.findByRole('alert');
    const input = screen.getByLabelText('Passcode') as HTMLInputElement;
    input.focus();
    typeKeyByKey(input, 'right-passcode');
    expect(input.value).toBe('right-passcode');
    expect(document.activeElement).toBe(input);
  });

  it('takes focus again on the next submit, even when the summary was already shown', async () => {
    render(<Harness />);
    const form = screen.getByRole('button', { name: 'Go' }).closest('form')!;
    fireEvent.submit(form);
    await screen.findByRole('alert');
    const input = screen.getByLabelText('Passcode') as HTMLInputElement;
    input.focus();
    typeKeyByKey(input, 'abc');
    expect(document.activeElement).toBe(input);
    fireEvent.submit(form);
    await screen.findByText('That is not right (abc)');
    expect(document.activeElement).toBe(screen.getByRole('alert'));
  });
});
