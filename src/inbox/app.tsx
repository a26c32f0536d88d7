// The inbox shell: who is signed in, the navigation (admins see the audit,
// users and devices), and the current screen. Without a session, sign-in.
import { useEffect, useState } from 'preact/hooks';
import { api, type SessionUser, whenSignedOut } from './api.ts';
import { SetPassword, SignIn } from './auth.tsx';
import { ReferralList } from './list.tsx';
import { ReferralScreen } from './referral.tsx';
import { href, useRoute } from './router.ts';
import { later } from './later.tsx';

const AuditScreen = later(() => import('./audit.tsx').then((m) => m.AuditScreen));
const SeenMostScreen = later(() => import('./seen-most.tsx').then((m) => m.SeenMostScreen));
const UsersScreen = later(() => import('./users.tsx').then((m) => m.UsersScreen));

export function Inbox() {
  const route = useRoute();
  const [user, setUser] = useState<SessionUser | null>();
  useEffect(() => {
    whenSignedOut(() => setUser(null));
    api<{ user: SessionUser }>('GET', '/session').then(
      (r) => setUser(r.user),
      () => setUser(null),
    );
  }, []);
  useEffect(() => {
    if (user === null) document.title = 'Sign in – CSE Inbox';
  }, [user]);
  const signOut = async (everywhere: boolean) => {
    await api(everywhere ? 'POST' : 'DELETE', everywhere ? '/session/everywhere' : '/session').catch(() => {});
    setUser(null);
    location.hash = '#/';
  };
  const admin = user?.role === 'admin';
  return (
    <>
      <a
        class="skip-link"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to main content
      </a>
      <header class="header">
        <a class="brand" href={href({ name: 'list' })}>
          CSE Inbox
        </a>
        {user && (
          <nav class="nav" aria-label="Main">
            <a
              href={href({ name: 'list' })}
              aria-current={route.name === 'list' || route.name === 'referral' ? 'page' : undefined}
            >
              Referrals
            </a>
            <a href={href({ name: 'entries' })} aria-current={route.name === 'entries' ? 'page' : undefined}>
              Seen in several referrals
            </a>
            {admin && (
              <a href={href({ name: 'audit' })} aria-current={route.name === 'audit' ? 'page' : undefined}>
                Audit
              </a>
            )}
            {admin && (
              <a href={href({ name: 'users' })} aria-current={route.name === 'users' ? 'page' : undefined}>
                Users and devices
              </a>
            )}
            <button type="button" class="nav-button" onClick={() => void signOut(false)}>
              Sign out
            </button>
          </nav>
        )}
        {user && (
          <p class="signed-in">
            Signed in as {user.email} ({user.role}
            {user.teams.length || user.regions.length ? `, ${[...user.teams, ...user.regions].join(', ')}` : ''}).{' '}
            <button type="button" class="link-button" onClick={() => void signOut(true)}>
              Sign out on every device
            </button>
          </p>
        )}
      </header>
      <main id="main" tabIndex={-1} class="main">
        {route.name === 'set-password' ? (
          <SetPassword token={route.token} />
        ) : user === undefined ? (
          <p aria-busy="true">Opening…</p>
        ) : user === null ? (
          <SignIn onSignedIn={setUser} />
        ) : route.name === 'referral' ? (
          <ReferralScreen id={route.id} me={user} />
        ) : route.name === 'entries' ? (
          <SeenMostScreen />
        ) : route.name === 'audit' && admin ? (
          <AuditScreen />
        ) : route.name === 'users' && admin ? (
          <UsersScreen me={user} />
        ) : (
          <ReferralList view={route.name === 'list' ? (route.view ?? 'queue') : 'queue'} me={user} />
        )}
      </main>
    </>
  );
}
