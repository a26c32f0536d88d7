// Enrolment: the administrator's link opens this screen (#/enrol?code=…). The
// code is taken out of the address bar at once; one tap enrols the device.
// Also the enrolment state Settings shows in place of a token field.
import { useLayoutEffect, useState } from 'preact/hooks';
import { enrolThisDevice } from '../sync/enrolment.ts';
import { type Endpoint, authorProblem, loadAuthor } from '../sync/settings.ts';
import { useApp } from './context.ts';
import { ErrorSummary } from '../shared-ui/error-summary.tsx';
import { href } from './router.ts';

export function EnrolmentState({ endpoint }: { endpoint: Endpoint }) {
  if (endpoint.withdrawn)
    return (
      <div class="inset" data-testid="enrolment-state" data-state="withdrawn">
        <p>
          <strong>This device's access was withdrawn; ask your administrator.</strong>
        </p>
        <p>
          Finished records stay on this device. When your administrator gives you a new enrolment link, open it here and
          they will be sent.
        </p>
      </div>
    );
  if (!endpoint.device)
    return (
      <div class="inset" data-testid="enrolment-state" data-state="not-enrolled">
        <p>
          <strong>This device is not enrolled yet.</strong> Finished records are kept here, safely, until it is.
        </p>
        <p>Ask your administrator for an enrolment link (or QR code) and open it on this device.</p>
      </div>
    );
  return (
    <div class="inset" data-testid="enrolment-state" data-state="enrolled">
      <p>
        Enrolled as <strong>{endpoint.device.name}</strong> with {new URL(endpoint.url).host}, since{' '}
        {new Date(endpoint.device.enrolledAt).toLocaleDateString('en-GB')}.
      </p>
      <p class="hint">
        This device can send finished records there and nothing else.{' '}
        {endpoint.publicKey ? 'Each is locked before it is queued, so only the receiving team can open it.' : ''}
      </p>
    </div>
  );
}

export function EnrolScreen({ code }: { code: string | undefined }) {
  const { db, sync } = useApp();
  const [held] = useState(code);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<{ name: string; needsName: boolean }>();
  // The code is a one-time secret: keep it out of the address bar (and so out of later history entries),
  // before the screen is first painted (a layout effect; an effect ran a frame later, after the button showed).
  useLayoutEffect(() => {
    if (location.hash.includes('code=')) history.replaceState(null, '', '#/enrol');
  }, []);

  if (done)
    return (
      <>
        <h1 tabIndex={-1}>This device is enrolled</h1>
        <p class="inset" role="status" data-testid="enrolled">
          Enrolled as <strong>{done.name}</strong>. Finished records will be sent to {location.host}.
        </p>
        {done.needsName && (
          <p>
            Before anything is sent, <a href={href({ name: 'settings' })}>add your name in Settings</a> so the receiving
            team knows who sent it.
          </p>
        )}
        <p>
          <a class="button" href={href({ name: 'home' })}>
            Screen a child
          </a>
        </p>
      </>
    );

  return (
    <>
      <h1 tabIndex={-1}>Enrol this device</h1>
      {error && <ErrorSummary errors={[{ message: error }]} />}
      {!held ? (
        <p>
          This link has no enrolment code. Open the whole link your administrator gave you, or scan its QR code again.
        </p>
      ) : (
        <>
          <p>
            Your administrator's link lets this device send finished records to the MASH inbox at{' '}
            <strong>{location.host}</strong>. The device can send and nothing else: it cannot read anything stored
            there.
          </p>
          <p>The link works once. This device makes its own key, which never leaves it.</p>
          <button
            type="button"
            class="button"
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              setError(undefined);
              const out = await enrolThisDevice(db, location.origin, held);
              setBusy(false);
              if (!out.ok) {
                setError(out.message);
                return;
              }
              const author = await loadAuthor(db).catch(() => undefined);
              setDone({ name: out.endpoint.device!.name, needsName: !!authorProblem(author) });
              void sync?.sendNow();
            }}
          >
            Enrol this device
          </button>
        </>
      )}
    </>
  );
}
