// Duty alerts, for admins (on the Users and devices screen): whether alerts are
// on (without SMTP settings on the server they are off, and this says so), the
// duty address of each area or region, and setting or removing one.
import { useEffect, useState } from 'preact/hooks';
import type { RegionId } from '../domain/index.ts';
import { REGION_AREAS, REGIONS } from '../domain/index.ts';
import { ApiError, api } from './api.ts';
import { when } from './format.ts';

interface DutyAddress {
  kind: 'area' | 'region';
  scope: string;
  address: string;
  setBy: string;
  setAt: string;
}

interface AlertStatus {
  enabled: boolean;
  addresses: DutyAddress[];
  outbox: { pending: number; sent: number; failed: number };
}

const scopeLabel = (a: Pick<DutyAddress, 'kind' | 'scope'>) =>
  a.kind === 'area' ? a.scope : `${REGIONS[a.scope as RegionId]?.label ?? a.scope} (the whole region)`;

export function DutyAlerts() {
  const [status, setStatus] = useState<AlertStatus>();
  const [scope, setScope] = useState('');
  const [address, setAddress] = useState('');
  const [error, setError] = useState<string>();
  const load = () =>
    api<AlertStatus>('GET', '/alerts').then(
      (s) => setStatus(s),
      (e) => setError((e as ApiError).message),
    );
  useEffect(() => void load(), []);
  return (
    <section aria-labelledby="alerts-title">
      <h2 id="alerts-title">Duty alerts</h2>
      {status && (
        <p class={status.enabled ? undefined : 'inset'} data-testid="alerts-state">
          {status.enabled
            ? `Alerts are on: an urgent referral, or one still new past its timescale, is e-mailed to the duty address of its area and region (no child data, a link only). ${status.outbox.pending} waiting to be sent, ${status.outbox.failed} failed.`
            : 'Alerts are off: the server has no SMTP settings (CSE_SMTP_URL, CSE_ALERT_FROM). Nobody is told when an urgent referral arrives; addresses set here are kept for when it has.'}
        </p>
      )}
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      {status?.addresses.length === 0 && <p>No duty addresses yet.</p>}
      <ul class="record-list plain" data-testid="duty-addresses">
        {(status?.addresses ?? []).map((a) => (
          <li key={`${a.kind}:${a.scope}`}>
            <strong>{scopeLabel(a)}</strong> · {a.address} · set by {a.setBy} {when(a.setAt)}
            <button
              type="button"
              class="button secondary"
              onClick={() =>
                void api('DELETE', `/alerts/addresses/${a.kind}/${encodeURIComponent(a.scope)}`).then(load, (e) =>
                  setError((e as ApiError).message),
                )
              }
            >
              Remove<span class="visually-hidden"> the duty address of {scopeLabel(a)}</span>
            </button>
          </li>
        ))}
      </ul>
      <form
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          const [kind, name] = scope.split(':');
          try {
            await api('POST', '/alerts/addresses', { [kind ?? 'area']: name ?? '', address });
            setError(undefined);
            setAddress('');
            void load();
          } catch (err) {
            setError((err as ApiError).message);
          }
        }}
      >
        <div class="field">
          <label class="label" for="alert-scope">
            Alerts for
          </label>
          <select
            id="alert-scope"
            class="input select"
            value={scope}
            onChange={(e) => setScope((e.target as HTMLSelectElement).value)}
          >
            <option value="">Choose an area or a region</option>
            {(Object.keys(REGIONS) as RegionId[]).map((r) => (
              <optgroup key={r} label={REGIONS[r].label}>
                <option value={`region:${r}`}>{REGIONS[r].label} (the whole region)</option>
                {(REGION_AREAS[r] ?? []).map((a) => (
                  <option key={a} value={`area:${a}`}>
                    {a}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </div>
        <div class="field">
          <label class="label" for="alert-address">
            Duty e-mail address
          </label>
          <input
            id="alert-address"
            class="input input-medium"
            type="email"
            autocomplete="off"
            value={address}
            onInput={(e) => setAddress((e.target as HTMLInputElement).value)}
          />
        </div>
        <button type="submit" class="button">
          Set duty address
        </button>
      </form>
    </section>
  );
}
