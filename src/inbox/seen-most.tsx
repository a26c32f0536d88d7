// The entries seen in the most referrals in the reviewer's area over a chosen
// period (issue 26): the same car, number, place or person reported by
// different practitioners, with links to each referral; and the matches as a
// CSV for the police analyst. Only referrals the account may open count.
import { useEffect, useState } from 'preact/hooks';
import type { SeenMostPage } from '../contract/entries-api.ts';
import { api, type ApiError, downloadFile } from './api.ts';
import { when } from './format.ts';
import { href } from './router.ts';

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function SeenMostScreen() {
  const [period, setPeriod] = useState({ from: day(Date.now() - 29 * 86_400_000), to: day(Date.now()) });
  const [draft, setDraft] = useState(period);
  const [page, setPage] = useState<SeenMostPage>();
  const [error, setError] = useState<string>();
  const [note, setNote] = useState<string>();
  const query = `from=${encodeURIComponent(period.from)}&to=${encodeURIComponent(period.to)}`;
  useEffect(() => {
    document.title = 'Seen in several referrals – CSE Inbox';
    setPage(undefined);
    setError(undefined);
    api<SeenMostPage>('GET', `/entries?${query}`).then(setPage, (e) => setError((e as ApiError).message));
  }, [query]);
  return (
    <>
      <h1 tabIndex={-1}>Seen in several referrals</h1>
      <p>
        Registrations, phone numbers, places and persons written in more than one referral your account can open
        (however each was spelt; a part of a registration counts with the whole one it starts).
      </p>
      <form
        class="filters-box"
        onSubmit={(e) => {
          e.preventDefault();
          setPeriod(draft);
        }}
      >
        <div class="filter">
          <label class="label" for="seen-from">
            Received from
          </label>
          <input
            id="seen-from"
            class="input"
            type="date"
            value={draft.from}
            onInput={(e) => setDraft({ ...draft, from: (e.target as HTMLInputElement).value })}
          />
        </div>
        <div class="filter">
          <label class="label" for="seen-to">
            Received up to
          </label>
          <input
            id="seen-to"
            class="input"
            type="date"
            value={draft.to}
            onInput={(e) => setDraft({ ...draft, to: (e.target as HTMLInputElement).value })}
          />
        </div>
        <div class="button-row">
          <button type="submit" class="button">
            Show
          </button>
          <button
            type="button"
            class="button secondary"
            onClick={async () => {
              try {
                setNote(
                  `Downloaded ${await downloadFile(`/entries.csv?${query}`)}. The export is recorded in the audit.`,
                );
              } catch (e) {
                setNote((e as ApiError).message);
              }
            }}
          >
            Download the matches as CSV
          </button>
        </div>
      </form>
      {note && (
        <p class="inset" role="status">
          {note}
        </p>
      )}
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      {!page && !error && <p aria-busy="true">Looking…</p>}
      {page && page.items.length === 0 && (
        <p data-testid="seen-none">Nothing was written in more than one referral in this period.</p>
      )}
      {page && page.items.length > 0 && (
        <div class="table-scroll" tabIndex={0} role="region" aria-label="Entries seen in several referrals">
          <table class="table seen-most" data-testid="seen-most">
            <thead>
              <tr>
                <th scope="col">What</th>
                <th scope="col">Entry</th>
                <th scope="col">Referrals</th>
                <th scope="col">First and last</th>
                <th scope="col">Open</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((it) => (
                <tr key={`${it.kind}:${it.value}`}>
                  <td>{it.kindLabel}</td>
                  <td>{it.text}</td>
                  <td>{it.referrals}</td>
                  <td>
                    {when(it.first)} to {when(it.last)}
                  </td>
                  <td>
                    <ul class="chain">
                      {it.ids.map((id, i) => (
                        <li key={id}>
                          <a href={href({ name: 'referral', id })}>
                            Referral {i + 1}
                            <span class="visually-hidden"> holding {it.text}</span>
                          </a>
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
