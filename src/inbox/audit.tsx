// The audit, for admins: every look, print, export, change and sign-in,
// newest first. Reading it and downloading it are recorded too.
import { useEffect, useState } from 'preact/hooks';
import type { AuditLine } from '../contract/inbox-api.ts';
import { ApiError, api, downloadFile } from './api.ts';
import { when } from './format.ts';
import { href } from './router.ts';

type Entry = AuditLine;

export function AuditScreen() {
  const [entries, setEntries] = useState<Entry[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<string>();
  const load = (before?: number) =>
    api<{ entries: Entry[]; next: number | null }>('GET', `/audit${before ? `?before=${before}` : ''}`).then(
      (r) => {
        setEntries((e) => (before ? [...e, ...r.entries] : r.entries));
        setNext(r.next);
      },
      (e) => setError((e as ApiError).message),
    );
  useEffect(() => {
    document.title = 'Audit – CSE Inbox';
    void load();
  }, []);
  return (
    <>
      <h1 tabIndex={-1}>Audit</h1>
      <p>Everything done in the inbox, newest first. Nobody can change or delete an entry.</p>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <div class="button-row">
        <button
          type="button"
          class="button secondary"
          onClick={() => void downloadFile('/audit.csv').catch((e) => setError((e as ApiError).message))}
        >
          Download the latest 1,000 as CSV
        </button>
      </div>
      <div class="table-scroll" tabIndex={0} role="region" aria-label="Audit entries">
        <table class="table" data-testid="audit-table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">Referral</th>
              <th scope="col">Detail</th>
              <th scope="col">From</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} data-action={e.action}>
                <td>{when(e.at)}</td>
                <td>{e.actor}</td>
                <td>{e.action}</td>
                <td>
                  {e.submissionId ? (
                    <a href={href({ name: 'referral', id: e.submissionId })}>
                      {e.submissionId.slice(0, 8)}
                      <span class="visually-hidden"> (open referral)</span>
                    </a>
                  ) : (
                    ''
                  )}
                </td>
                <td>{e.detail}</td>
                <td>{e.address}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {next && (
        <div class="button-row">
          <button type="button" class="button secondary" onClick={() => void load(next)}>
            Older entries
          </button>
        </div>
      )}
    </>
  );
}
