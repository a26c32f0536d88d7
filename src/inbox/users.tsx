// Users and devices, for admins: add a reviewer or admin (a one-time link to
// set the password is shown once), limit an account to area teams or regions,
// disable it, issue a new link, reset its second factor; whether every account
// must have a second factor; enrol and revoke devices.
import { useEffect, useState } from 'preact/hooks';
import type { RegionId } from '../domain/index.ts';
import { REGION_AREAS, REGIONS } from '../domain/index.ts';
import { ErrorSummary } from '../shared-ui/error-summary.tsx';
import { DutyAlerts } from './alerts.tsx';
import { ApiError, api, type SessionUser } from './api.ts';
import { when } from './format.ts';

interface Device {
  id: string;
  name: string;
  state: 'pending' | 'active' | 'revoked';
  createdAt: string;
  enrolledAt: string | null;
  revokedAt: string | null;
  lastSeenAt: string | null;
  /** The area its screenings go to when they name none. */
  area?: string | null;
  /** Seen from two addresses within minutes: a copy of its browser profile may be in use. */
  cloneSeenAt?: string | null;
  cloneAddresses?: string | null;
}

const DEVICE_STATE: Record<Device['state'], string> = {
  pending: 'link not used yet',
  active: 'enrolled',
  revoked: 'revoked',
};

const splitList = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** What an account may see: its role, and the area teams and regions it is limited to (none: every referral). */
interface Access {
  role: 'reviewer' | 'admin';
  teams: string;
  regions: string[];
}
const NO_LIMIT: Access = { role: 'reviewer', teams: '', regions: [] };
const accessBody = (a: Access) => ({ role: a.role, teams: splitList(a.teams), regions: a.regions });

/** Role, area teams and regions: the same fields when adding a user and when changing one. */
function AccessFields({
  idPrefix,
  access,
  onChange,
}: {
  idPrefix: string;
  access: Access;
  onChange: (a: Access) => void;
}) {
  const { role, teams, regions } = access;
  return (
    <>
      <fieldset class="field">
        <legend>Role</legend>
        <div class="options inline">
          {(['reviewer', 'admin'] as const).map((r) => (
            <label key={r} class={`option${role === r ? ' checked' : ''}`} for={`${idPrefix}-role-${r}`}>
              <input
                type="radio"
                id={`${idPrefix}-role-${r}`}
                name={`${idPrefix}-role`}
                checked={role === r}
                onChange={() => onChange({ ...access, role: r })}
              />
              {r === 'reviewer' ? 'Reviewer: reads and reviews referrals' : 'Admin: also users, devices and the audit'}
            </label>
          ))}
        </div>
      </fieldset>
      <div class="field">
        <label class="label" for={`${idPrefix}-teams`}>
          Area teams (optional)
        </label>
        <div class="hint" id={`${idPrefix}-teams-hint`}>
          Separate with commas, e.g. Bolton, Wigan. Leave this and regions empty for every referral.
        </div>
        <input
          id={`${idPrefix}-teams`}
          class="input input-medium"
          type="text"
          autocomplete="off"
          aria-describedby={`${idPrefix}-teams-hint`}
          value={teams}
          onInput={(e) => onChange({ ...access, teams: (e.target as HTMLInputElement).value })}
        />
      </div>
      <fieldset class="field">
        <legend>Regions (optional)</legend>
        <div class="options">
          {(Object.keys(REGIONS) as RegionId[]).map((r) => (
            <label key={r} class={`option${regions.includes(r) ? ' checked' : ''}`} for={`${idPrefix}-region-${r}`}>
              <input
                type="checkbox"
                id={`${idPrefix}-region-${r}`}
                checked={regions.includes(r)}
                onChange={(e) =>
                  onChange({
                    ...access,
                    regions: (e.target as HTMLInputElement).checked ? [...regions, r] : regions.filter((y) => y !== r),
                  })
                }
              />
              {REGIONS[r].label}
            </label>
          ))}
        </div>
      </fieldset>
    </>
  );
}

/** Change an existing account's role, area teams and regions (audited by the server; takes effect on its next request). */
function ChangeAccess({ user, onSaved }: { user: SessionUser; onSaved: () => void }) {
  const [access, setAccess] = useState<Access>({
    role: user.role as Access['role'],
    teams: user.teams.join(', '),
    regions: user.regions,
  });
  const [error, setError] = useState<string>();
  const [tries, setTries] = useState(0);
  const id = `u-${user.id.slice(0, 8)}`;
  return (
    <details class="change-access" data-testid="change-access">
      <summary>
        Change role and areas<span class="visually-hidden"> for {user.email}</span>
      </summary>
      <form
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          setTries((t) => t + 1);
          try {
            await api('PATCH', `/users/${user.id}`, accessBody(access));
            setError(undefined);
            onSaved();
          } catch (err) {
            setError((err as ApiError).message);
          }
        }}
      >
        <ErrorSummary errors={error ? [{ itemId: `${id}-teams`, message: error }] : []} focusKey={tries} />
        <AccessFields idPrefix={id} access={access} onChange={setAccess} />
        <button type="submit" class="button">
          Save changes<span class="visually-hidden"> for {user.email}</span>
        </button>
      </form>
    </details>
  );
}

function AddUser({ onAdded }: { onAdded: (email: string, link: string) => void }) {
  const [email, setEmail] = useState('');
  const [access, setAccess] = useState<Access>(NO_LIMIT);
  const [error, setError] = useState<string>();
  const [tries, setTries] = useState(0);
  return (
    <form
      noValidate
      aria-labelledby="add-user-title"
      onSubmit={async (e) => {
        e.preventDefault();
        setTries((t) => t + 1);
        try {
          const r = await api<{ user: SessionUser; link: string }>('POST', '/users', { email, ...accessBody(access) });
          setEmail('');
          setAccess(NO_LIMIT);
          setError(undefined);
          onAdded(r.user.email, r.link);
        } catch (err) {
          setError((err as ApiError).message);
        }
      }}
    >
      <h2 id="add-user-title">Add a user</h2>
      <ErrorSummary errors={error ? [{ itemId: 'new-email', message: error }] : []} focusKey={tries} />
      <div class={`field${error ? ' has-error' : ''}`} id="field-new-email">
        <label class="label" for="new-email">
          E-mail address
        </label>
        <input
          id="new-email"
          class="input input-medium"
          type="email"
          autocomplete="off"
          spellcheck={false}
          value={email}
          onInput={(e) => setEmail((e.target as HTMLInputElement).value)}
        />
      </div>
      <AccessFields idPrefix="new" access={access} onChange={setAccess} />
      <button type="submit" class="button">
        Add user
      </button>
    </form>
  );
}

function Devices() {
  const [devices, setDevices] = useState<Device[]>();
  const [unavailable, setUnavailable] = useState<string>();
  const [name, setName] = useState('');
  const [area, setArea] = useState('');
  const [link, setLink] = useState<string>();
  const [error, setError] = useState<string>();
  const load = () =>
    api<{ devices: Device[] }>('GET', '/devices').then(
      (r) => setDevices(r.devices),
      (e) =>
        (e as ApiError).status === 501 ? setUnavailable((e as ApiError).message) : setError((e as ApiError).message),
    );
  useEffect(() => void load(), []);
  return (
    <section aria-labelledby="devices-title">
      <h2 id="devices-title">Devices</h2>
      {unavailable ? (
        <p class="inset">{unavailable}</p>
      ) : (
        <>
          {error && (
            <p class="field-error" role="alert">
              {error}
            </p>
          )}
          {devices?.length === 0 && <p>No devices yet.</p>}
          <ul class="record-list plain" data-testid="devices">
            {(devices ?? []).map((d) => (
              <li key={d.id} class="device">
                <strong>{d.name}</strong>
                {d.area ? ` · ${d.area}` : ''} · {DEVICE_STATE[d.state]} · added {when(d.createdAt)}
                {d.lastSeenAt && d.state === 'active' ? ` · last seen ${when(d.lastSeenAt)}` : ''}
                {d.revokedAt ? ` · revoked ${when(d.revokedAt)}` : ''}
                {d.cloneSeenAt && (
                  <p class="field-error" data-testid="device-clone">
                    Seen from two addresses within 5 minutes ({d.cloneAddresses}) on {when(d.cloneSeenAt)}. A copy of
                    this device's browser files may be in use elsewhere. Ask {d.name} whether they changed network (for
                    example Wi-Fi to mobile data); if not, revoke it and enrol the device again.
                  </p>
                )}
                {d.state !== 'revoked' && (
                  <button
                    type="button"
                    class="button danger"
                    onClick={() =>
                      void api('POST', `/devices/${d.id}/revoke`).then(load, (e) => setError((e as ApiError).message))
                    }
                  >
                    Revoke<span class="visually-hidden"> {d.name}</span>
                  </button>
                )}
              </li>
            ))}
          </ul>
          <form
            noValidate
            onSubmit={async (e) => {
              e.preventDefault();
              try {
                const r = await api<{ id: string; link: string }>('POST', '/devices', {
                  name,
                  ...(area ? { area } : {}),
                });
                setLink(r.link);
                setName('');
                setArea('');
                void load();
              } catch (err) {
                setError((err as ApiError).message);
              }
            }}
          >
            <div class="field">
              <label class="label" for="device-name">
                Enrol a device for
              </label>
              <div class="hint" id="device-name-hint">
                The practitioner or team who will use it.
              </div>
              <input
                id="device-name"
                class="input input-medium"
                type="text"
                autocomplete="off"
                aria-describedby="device-name-hint"
                value={name}
                onInput={(e) => setName((e.target as HTMLInputElement).value)}
              />
            </div>
            <div class="field">
              <label class="label" for="device-area">
                Area (optional)
              </label>
              <div class="hint" id="device-area-hint">
                Where its screenings go when they name no area. Without one, in a region with several areas they wait in
                the region's queue for a reviewer to set it.
              </div>
              <select
                id="device-area"
                class="input select"
                aria-describedby="device-area-hint"
                value={area}
                onChange={(e) => setArea((e.target as HTMLSelectElement).value)}
              >
                <option value="">None</option>
                {(Object.keys(REGION_AREAS) as RegionId[])
                  .filter((r) => REGION_AREAS[r].length > 1)
                  .map((r) => (
                    <optgroup key={r} label={REGIONS[r].label}>
                      {REGION_AREAS[r].map((a) => (
                        <option key={a} value={a}>
                          {a}
                        </option>
                      ))}
                    </optgroup>
                  ))}
              </select>
            </div>
            <button type="submit" class="button">
              Create enrolment link
            </button>
          </form>
          {link && (
            <p class="inset" role="status">
              Open this link on the device, once: <code class="link-text">{link}</code>
            </p>
          )}
        </>
      )}
    </section>
  );
}

/** Whether every account must sign in with a second factor (on by default; audited by the server). */
function SecondFactorSetting({ required, onSaved }: { required: boolean; onSaved: () => void }) {
  const [on, setOn] = useState(required);
  const [error, setError] = useState<string>();
  return (
    <form
      noValidate
      aria-labelledby="second-factor-title"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          await api('PATCH', '/settings', { secondFactorRequired: on });
          setError(undefined);
          onSaved();
        } catch (err) {
          setError((err as ApiError).message);
        }
      }}
    >
      <h2 id="second-factor-title">Second factor</h2>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <div class="options">
        <label class={`option${on ? ' checked' : ''}`} for="require-second-factor">
          <input
            type="checkbox"
            id="require-second-factor"
            checked={on}
            onChange={(e) => setOn((e.target as HTMLInputElement).checked)}
          />
          Every account must sign in with a code from an authenticator app (recommended)
        </label>
      </div>
      <p class="hint">
        When this is off, accounts without an app sign in with their password alone, and people can still set one up
        with a set-password link. Accounts that have an app always need its code.
      </p>
      <button type="submit" class="button secondary">
        Save the second factor setting
      </button>
    </form>
  );
}

export function UsersScreen({ me }: { me: SessionUser }) {
  const [users, setUsers] = useState<SessionUser[]>([]);
  const [required, setRequired] = useState<boolean>();
  const [added, setAdded] = useState<{ email: string; link: string; reset?: boolean }>();
  const [error, setError] = useState<string>();
  const load = () =>
    api<{ users: SessionUser[]; secondFactorRequired: boolean }>('GET', '/users').then(
      (r) => {
        setUsers(r.users);
        setRequired(r.secondFactorRequired);
      },
      (e) => setError((e as ApiError).message),
    );
  useEffect(() => {
    document.title = 'Users and devices – CSE Inbox';
    void load();
  }, []);
  const change = (u: SessionUser, body: object) =>
    api('PATCH', `/users/${u.id}`, body).then(load, (e) => setError((e as ApiError).message));
  return (
    <>
      <h1 tabIndex={-1}>Users and devices</h1>
      {added && (
        <div class="inset" role="status" data-testid="new-link">
          <p>
            {added.reset ? (
              <>
                The second factor of <strong>{added.email}</strong> is removed and they are signed out everywhere. Send
                them this link to set up their authenticator app again.
              </>
            ) : (
              <>
                <strong>{added.email}</strong> was added. Send them this link to set their password.
              </>
            )}{' '}
            It works once, for 72 hours, and is not shown again:
          </p>
          <p>
            <code class="link-text" data-testid="set-password-link">
              {added.link}
            </code>
          </p>
        </div>
      )}
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <h2>Users</h2>
      <ul class="record-list plain" data-testid="users">
        {users.map((u) => (
          <li key={u.id} class="user">
            <strong>{u.email}</strong> · {u.role} ·{' '}
            {u.teams.length || u.regions.length
              ? `limited to ${[...u.teams, ...u.regions.map((r) => REGIONS[r as RegionId]?.label ?? r)].join(', ')}`
              : 'every referral'}
            {u.disabled ? ' · disabled' : ''}
            {!u.hasPassword ? ' · no password yet' : ''}
            {u.hasPassword && !u.hasSecondFactor
              ? required === false
                ? ' · no second factor: signs in with the password alone'
                : ' · no second factor: cannot sign in until given a new link'
              : ''}
            {u.id !== me.id && (
              <span class="button-row tight">
                <button
                  type="button"
                  class="button secondary"
                  onClick={() => void change(u, { disabled: !u.disabled })}
                >
                  {u.disabled ? 'Enable' : 'Disable'}
                  <span class="visually-hidden"> {u.email}</span>
                </button>
                <button
                  type="button"
                  class="button secondary"
                  onClick={() =>
                    void api<{ link: string }>('POST', `/users/${u.id}/link`).then(
                      (r) => setAdded({ email: u.email, link: r.link }),
                      (e) => setError((e as ApiError).message),
                    )
                  }
                >
                  New set-password link<span class="visually-hidden"> for {u.email}</span>
                </button>
                {u.hasSecondFactor && (
                  <button
                    type="button"
                    class="button secondary"
                    onClick={() =>
                      void api<{ link: string }>('POST', `/users/${u.id}/second-factor/reset`).then(
                        (r) => {
                          setAdded({ email: u.email, link: r.link, reset: true });
                          void load();
                        },
                        (e) => setError((e as ApiError).message),
                      )
                    }
                  >
                    Reset second factor<span class="visually-hidden"> for {u.email}</span>
                  </button>
                )}
              </span>
            )}
            {u.id !== me.id && (
              <ChangeAccess
                key={`${u.id}:${u.role}:${u.teams.join()}:${u.regions.join()}`}
                user={u}
                onSaved={() => void load()}
              />
            )}
          </li>
        ))}
      </ul>
      {required !== undefined && (
        <SecondFactorSetting key={String(required)} required={required} onSaved={() => void load()} />
      )}
      <AddUser
        onAdded={(email, link) => {
          setAdded({ email, link });
          void load();
        }}
      />
      <Devices />
      <DutyAlerts />
    </>
  );
}
