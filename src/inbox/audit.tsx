// The audit, for admins: every look, print, export, change and sign-in,
// newest first, filtered by who, what, a child reference or a referral, and
// dates. A referral is named by its child's reference where the admin's scope
// covers it. Reading it and downloading it (with the same filters) are
// recorded too.
import { useEffect, useState } from 'preact/hooks';
import { AUDIT_ACTION_WORDS, type AuditLine } from '../contract/inbox-api.ts';
import { ApiError, api, downloadFile } from './api.ts';
import { when } from './format.ts';
import { href } from './router.ts';

type Entry = AuditLine;

const FILTERS = ['actor', 'action', 'child', 'submission', 'from', 'to'] as const;
type Filters = Partial<Record<(typeof FILTERS)[number], string>>;

/** The search as the server takes it, in a POST's body: a child's reference never goes in an address. */
function terms(f: Filters, before?: number): Record<string, string> {
  const t: Record<string, string> = {};
  for (const k of FILTERS) if (f[k]) t[k] = f[k]!;
  if (before) t.before = String(before);
  return t;
}

function Field(props: {
  id: string;
  label: string;
  hint?: string;
  type?: string;
  value: string | undefined;
  onInput: (v: string) => void;
}) {
  return (
    <div class="filter">
      <label class="label" for={props.id}>
        {props.label}
      </label>
      {props.hint && (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
      <input
        id={props.id}
        class="input"
        type={props.type ?? 'text'}
        spellcheck={false}
        aria-describedby={props.hint ? `${props.id}-hint` : undefined}
        value={props.value ?? ''}
        onInput={(e) => props.onInput((e.target as HTMLInputElement).value)}
      />
    </div>
  );
}

export function AuditScreen() {
  const [entries, setEntries] = useState<Entry[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<string>();
  const [filters, setFilters] = useState<Filters>({});
  const [draft, setDraft] = useState<Filters>({});
  const [loaded, setLoaded] = useState(false);
  const load = (f: Filters, before?: number) =>
    api<{ entries: Entry[]; next: number | null }>('POST', '/audit/search', terms(f, before)).then(
      (r) => {
        setEntries((e) => (before ? [...e, ...r.entries] : r.entries));
        setNext(r.next);
        setLoaded(true);
      },
      (e) => setError((e as ApiError).message),
    );
  useEffect(() => {
    document.title = 'Audit – CSE Inbox';
  }, []);
  useEffect(() => {
    setError(undefined);
    void load(filters);
  }, [filters]);
  const set = (k: keyof Filters) => (v: string) => setDraft((d) => ({ ...d, [k]: v || undefined }));
  const filtered = Object.keys(filters).length > 0;
  return (
    <>
      <h1 tabIndex={-1}>Audit</h1>
      <p>Everything done in the inbox, newest first. Nobody can change or delete an entry.</p>
      <details class="filters-box" open={filtered}>
        <summary>Filter the audit</summary>
        <form
          class="filters"
          role="search"
          aria-label="Filter the audit"
          onSubmit={(e) => {
            e.preventDefault();
            setFilters(Object.fromEntries(Object.entries(draft).filter(([, v]) => v)) as Filters);
          }}
        >
          <Field id="a-actor" label="Who (e-mail address)" value={draft.actor} onInput={set('actor')} />
          <div class="filter">
            <label class="label" for="a-action">
              What
            </label>
            <select
              id="a-action"
              class="input select"
              value={draft.action ?? ''}
              onChange={(e) => set('action')((e.target as HTMLSelectElement).value)}
            >
              <option value="">Anything</option>
              {Object.entries(AUDIT_ACTION_WORDS).map(([id, words]) => (
                <option key={id} value={id}>
                  {words}
                </option>
              ))}
            </select>
          </div>
          <Field id="a-child" label="Child reference" value={draft.child} onInput={set('child')} />
          <Field
            id="a-submission"
            label="Referral"
            hint="Its id, as at the end of the referral's address"
            value={draft.submission}
            onInput={set('submission')}
          />
          <Field id="a-from" label="From" type="date" value={draft.from} onInput={set('from')} />
          <Field id="a-to" label="Up to" type="date" value={draft.to} onInput={set('to')} />
          <div class="button-row">
            <button type="submit" class="button">
              Apply
            </button>
            <button
              type="button"
              class="button secondary"
              onClick={() => {
                setDraft({});
                setFilters({});
              }}
            >
              Clear
            </button>
          </div>
        </form>
      </details>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <div class="button-row">
        <button
          type="button"
          class="button secondary"
          onClick={() =>
            void downloadFile('/audit.csv', terms(filters)).catch((e) => setError((e as ApiError).message))
          }
        >
          Download {filtered ? 'these' : 'the latest'} (up to 1,000) as CSV
        </button>
      </div>
      <p role="status" class="matches" data-testid="audit-matches">
        {!loaded ? 'Loading…' : entries.length === 0 ? 'No entries match these filters.' : ''}
      </p>
      <div class="table-scroll" tabIndex={0} role="region" aria-label="Audit entries">
        <table class="table audit-table" data-testid="audit-table">
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
                <td class="nowrap">{when(e.at)}</td>
                <td class="audit-who">{e.actor}</td>
                <td>{AUDIT_ACTION_WORDS[e.action] ?? e.action}</td>
                <td class="nowrap">
                  {e.submissionId ? (
                    <a href={href({ name: 'referral', id: e.submissionId })} data-testid="audit-referral">
                      {e.childRef
                        ? `Child ${e.childRef}`
                        : e.childRefWithheld
                          ? 'Outside your area'
                          : `Referral ${e.submissionId.slice(0, 8)}`}
                      <span class="visually-hidden"> (open referral {e.submissionId})</span>
                    </a>
                  ) : (
                    ''
                  )}
                </td>
                <td>{e.detail}</td>
                <td class="nowrap">{e.address}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {next && (
        <div class="button-row">
          <button type="button" class="button secondary" onClick={() => void load(filters, next)}>
            Older entries
          </button>
        </div>
      )}
    </>
  );
}
