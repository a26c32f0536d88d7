// Sign in (e-mail, password and the code from an authenticator app), and set
// a password and the second factor from a one-time link, which ends by showing
// the recovery codes once.
import { useEffect, useState } from 'preact/hooks';
import { ErrorSummary } from '../shared-ui/error-summary.tsx';
import { TextField } from '../shared-ui/text-field.tsx';
import { ApiError, api, type SessionUser } from './api.ts';
import { href } from './router.ts';

/** The second factor a set-password link offers: the key as text, the otpauth address, its QR code. */
interface SecondFactor {
  secret: string;
  uri: string;
  qrSvg: string;
}

export function SignIn({ onSignedIn }: { onSignedIn: (u: SessionUser) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
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
          // The code may be left empty only where an admin has made the second factor optional: the server says.
          if (!email.trim() || !password) return setError('Enter your e-mail address and password.');
          setBusy(true);
          try {
            const { user } = await api<{ user: SessionUser }>('POST', '/session', { email, password, code });
            setPassword('');
            setCode('');
            onSignedIn(user);
          } catch (err) {
            setError((err as ApiError).message);
            setCode('');
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
        <TextField
          id="code"
          label="Code from your authenticator app"
          type="text"
          autocomplete="one-time-code"
          value={code}
          onInput={setCode}
          hint="The six digits the app shows now for CSE Screen inbox. Without your phone, type one of your recovery codes instead."
        />
        <button type="submit" class="button" disabled={busy}>
          Sign in
        </button>
      </form>
      <p class="hint">
        No password yet, forgotten it, or lost the phone with your authenticator app? Ask your administrator for a
        set-password link.
      </p>
    </>
  );
}

export function SetPassword({ token }: { token: string }) {
  const [email, setEmail] = useState<string>();
  const [factor, setFactor] = useState<SecondFactor>();
  const [linkError, setLinkError] = useState<string>();
  const [a, setA] = useState('');
  const [b, setB] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string>();
  const [tries, setTries] = useState(0);
  const [done, setDone] = useState(false);
  const [required, setRequired] = useState(true);
  const [recoveryCodes, setRecoveryCodes] = useState<string[]>([]);
  useEffect(() => {
    api<{ email: string; secondFactor: SecondFactor; secondFactorRequired: boolean }>('POST', '/set-password/check', {
      token,
    }).then(
      (r) => {
        setEmail(r.email);
        setFactor(r.secondFactor);
        setRequired(r.secondFactorRequired);
      },
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
        {recoveryCodes.length > 0 && (
          <div class="inset" data-testid="recovery-codes">
            <h2>Your recovery codes</h2>
            <p>
              If you do not have your phone, type one of these instead of the app's code. Each works once. Print them or
              write them down and keep them somewhere safe: they are shown only now.
            </p>
            <ul class="recovery-codes">
              {recoveryCodes.map((c) => (
                <li key={c}>
                  <code>{c}</code>
                </li>
              ))}
            </ul>
          </div>
        )}
        <p>
          <a
            href={href({ name: 'list' })}
            onClick={(e) => {
              // The used link leaves the history (Back never returns to it), and the screen follows the new
              // address at once: replacing the address fires no hashchange, so one is sent for the router.
              e.preventDefault();
              const from = location.href;
              history.replaceState(null, '', '/inbox/#/');
              dispatchEvent(new HashChangeEvent('hashchange', { oldURL: from, newURL: location.href }));
            }}
          >
            Sign in
          </a>{' '}
          with {email}, your new password{recoveryCodes.length > 0 ? ' and a code from your authenticator app' : ''}.
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
          if (!/^\s*\d{3}\s?\d{3}\s*$/.test(code) && (required || code.trim()))
            return setError('Enter the six digits your authenticator app shows for CSE Screen inbox.');
          try {
            const r = await api<{ recoveryCodes?: string[] }>('POST', '/set-password', {
              token,
              password: a,
              code: code.replace(/\s+/g, ''),
            });
            setRecoveryCodes(r.recoveryCodes ?? []);
            setA('');
            setB('');
            setCode('');
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
        <fieldset class="second-factor">
          <legend>Your second factor</legend>
          <p>
            {required
              ? 'Every sign-in also asks for a code from an authenticator app on your phone'
              : 'Your administrator has made this optional, but it keeps referrals safe if your password is ever guessed: set up an authenticator app on your phone'}{' '}
            (for example Microsoft or Google Authenticator). Scan this QR code with the app, or type the key below into
            it.
          </p>
          {factor && (
            <>
              <img
                src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(factor.qrSvg)}`}
                width={180}
                height={180}
                alt={`QR code for the authenticator app. The key to type instead is ${factor.secret}.`}
              />
              <p>
                Key: <code data-testid="totp-secret">{factor.secret}</code>
              </p>
            </>
          )}
          <TextField
            id="totp-code"
            label="Code from your authenticator app"
            type="text"
            autocomplete="one-time-code"
            inputMode="numeric"
            value={code}
            onInput={setCode}
            hint={
              required
                ? 'The six digits the app shows now, to show it is set up.'
                : 'The six digits the app shows now, to show it is set up. Leave it empty to use your password alone.'
            }
          />
        </fieldset>
        <button type="submit" class="button">
          Set password
        </button>
      </form>
    </>
  );
}
