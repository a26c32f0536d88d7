// Sign in, and set a password from a one-time link.
import { useEffect, useState } from 'preact/hooks';
import { ErrorSummary } from '../shared-ui/error-summary.tsx';
import { TextField } from '../shared-ui/text-field.tsx';
import { ApiError, api, type SessionUser } from './api.ts';
import { href } from './router.ts';

export function SignIn({ onSignedIn }: { onSignedIn: (u: SessionUser) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [tries, setTries] = useState(0);
  const [busy, setBusy] = useState(false);
  return (
    <>
      <h1 tabIndex={-1}>Sign in to the CSE inbox</h1>
      <p>
        Referrals sent by practitioners' devices, for the MASH and the specialist CSE teams. Every look at a referral is
        recorded.
      </p>
      <ErrorSummary errors={error ? [{ itemId: 'email', message: error }] : []} focusKey={tries} />
      <form
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          setTries((t) => t + 1);
          if (!email.trim() || !password) return setError('Enter your e-mail address and password.');
          setBusy(true);
          try {
            const { user } = await api<{ user: SessionUser }>('POST', '/session', { email, password });
            setPassword('');
            onSignedIn(user);
          } catch (err) {
            setError((err as ApiError).message);
          } finally {
            setBusy(false);
          }
        }}
      >
        <TextField
          id="email"
          label="E-mail address"
          type="email"
          autocomplete="username"
          value={email}
          onInput={setEmail}
          error={error}
        />
        <TextField
          id="password"
          label="Password"
          type="password"
          autocomplete="current-password"
          value={password}
          onInput={setPassword}
        />
        <button type="submit" class="button" disabled={busy}>
          Sign in
        </button>
      </form>
      <p class="hint">No password yet, or forgotten it? Ask your administrator for a set-password link.</p>
    </>
  );
}

export function SetPassword({ token }: { token: string }) {
  const [email, setEmail] = useState<string>();
  const [linkError, setLinkError] = useState<string>();
  const [a, setA] = useState('');
  const [b, setB] = useState('');
  const [error, setError] = useState<string>();
  const [tries, setTries] = useState(0);
  const [done, setDone] = useState(false);
  useEffect(() => {
    api<{ email: string }>('POST', '/set-password/check', { token }).then(
      (r) => setEmail(r.email),
      (e) => setLinkError((e as ApiError).message),
    );
  }, [token]);
  if (linkError)
    return (
      <>
        <h1 tabIndex={-1}>This link cannot be used</h1>
        <p>{linkError}</p>
      </>
    );
  if (done)
    return (
      <>
        <h1 tabIndex={-1}>Your password is set</h1>
        <p>
          <a href={href({ name: 'list' })} onClick={() => history.replaceState(null, '', '/inbox/#/')}>
            Sign in
          </a>{' '}
          with {email} and your new password.
        </p>
      </>
    );
  return (
    <>
      <h1 tabIndex={-1}>Set your password</h1>
      {email && <p>For the account {email}. This link works once.</p>}
      <ErrorSummary errors={error ? [{ itemId: 'new-password', message: error }] : []} focusKey={tries} />
      <form
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          setTries((t) => t + 1);
          if (a.length < 12) return setError('Use at least 12 characters.');
          if (a !== b) return setError('The two passwords are not the same.');
          try {
            await api('POST', '/set-password', { token, password: a });
            setA('');
            setB('');
            setDone(true);
          } catch (err) {
            setError((err as ApiError).message);
          }
        }}
      >
        {/* A hidden username lets password managers file the new password under the right account. */}
        <input type="email" autocomplete="username" value={email ?? ''} readOnly hidden />
        <TextField
          id="new-password"
          label="New password"
          type="password"
          autocomplete="new-password"
          value={a}
          onInput={setA}
          error={error}
          hint="At least 12 characters. A few unrelated words are easy to remember and hard to guess."
        />
        <TextField
          id="confirm-password"
          label="New password again"
          type="password"
          autocomplete="new-password"
          value={b}
          onInput={setB}
        />
        <button type="submit" class="button">
          Set password
        </button>
      </form>
    </>
  );
}
