// The list: most serious first (the server's own re-score, and any safety
// route), newest first within; filters, search by child reference, more
// pages by cursor, how long each has waited, and the count of new ones in
// the tab title.
import { useEffect, useState } from 'preact/hooks';
import { REGIONS } from '../domain/index.ts';
import { getInstrument } from '../domain/index.ts';
import type { RegionId } from '../domain/index.ts';
import type { ListItem, ListPage as Page } from '../contract/inbox-api.ts';
import { ApiError, api, download } from './api.ts';
import { STATE_LABELS, waited, when } from './format.ts';
import { href } from './router.ts';

export type { ListItem };

const FILTERS = ['state', 'region', 'team', 'noArea', 'instrument', 'level', 'from', 'to', 'child'] as const;
type Filters = Partial<Record<(typeof FILTERS)[number], string>>;

function query(f: Filters, cursor?: string): string {
  const q = new URLSearchParams();
  for (const k of FILTERS) if (f[k]) q.set(k, f[k]!);
  if (cursor) q.set('cursor', cursor);
  const s = q.toString();
  return s ? `?${s}` : '';
}

function Select(props: {
  id: string;
  label: string;
  value: string | undefined;
  options: { value: string; label: string }[];
  onChange: (v: string) => void;
}) {
  return (
    <div class="filter">
      <label class="label" for={props.id}>
        {props.label}
      </label>
      <select
        id={props.id}
        class="input select"
        value={props.value ?? ''}
        onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}
      >
        <option value="">Any</option>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function ReferralList() {
  const [filters, setFilters] = useState<Filters>({});
  const [draft, setDraft] = useState<Filters>({});
  const [page, setPage] = useState<Page>();
  const [more, setMore] = useState<ListItem[]>([]);
  const [error, setError] = useState<string>();
  const [note, setNote] = useState<string>();

  const load = (f: Filters) => {
    setError(undefined);
    api<Page>('GET', `/referrals${query(f)}`).then(
      (p) => {
        setPage(p);
        setMore([]);
      },
      (e) => setError((e as ApiError).message),
    );
  };
  useEffect(() => load(filters), [filters]);
  useEffect(() => {
    document.title = page ? `(${page.newCount}) New referrals – CSE Inbox` : 'Referrals – CSE Inbox';
  }, [page?.newCount]);

  const items = [...(page?.items ?? []), ...more];
  const set = (k: keyof Filters) => (v: string) => setDraft((d) => ({ ...d, [k]: v || undefined }));
  const facets = page?.facets;
  const exportAll = async (kind: 'csv' | 'fhir.json') => {
    setNote(undefined);
    try {
      const name = await download(`/export.${kind}?ids=${items.map((i) => i.id).join(',')}`);
      setNote(
        `Downloaded ${name} (${items.length} referral${items.length === 1 ? '' : 's'}). The export is recorded in the audit.`,
      );
    } catch (e) {
      setError((e as ApiError).message);
    }
  };

  return (
    <>
      <h1 tabIndex={-1}>Referrals</h1>
      <p data-testid="new-count">
        <strong>{page?.newCount ?? '…'}</strong> new, not yet picked up. Most serious first (the server's own scoring,
        and any safety route), newest first within.
      </p>
      <details class="filters-box" open={Object.keys(filters).length > 0}>
        <summary>Filter and search</summary>
        <form
          class="filters"
          role="search"
          aria-label="Filter referrals"
          onSubmit={(e) => {
            e.preventDefault();
            setFilters(Object.fromEntries(Object.entries(draft).filter(([, v]) => v)) as Filters);
          }}
        >
          <div class="filter">
            <label class="label" for="f-child">
              Child reference
            </label>
            <input
              id="f-child"
              class="input"
              type="search"
              autocomplete="off"
              spellcheck={false}
              value={draft.child ?? ''}
              onInput={(e) => set('child')((e.target as HTMLInputElement).value)}
            />
          </div>
          <Select
            id="f-state"
            label="Review state"
            value={draft.state}
            options={Object.entries(STATE_LABELS).map(([value, label]) => ({ value, label }))}
            onChange={set('state')}
          />
          <Select
            id="f-region"
            label="Region"
            value={draft.region}
            options={(facets?.regions ?? []).map((r) => ({ value: r, label: REGIONS[r as RegionId]?.label ?? r }))}
            onChange={set('region')}
          />
          <Select
            id="f-team"
            label="Area team"
            value={draft.team}
            options={(facets?.teams ?? []).map((t) => ({ value: t, label: t }))}
            onChange={set('team')}
          />
          <div class="filter">
            <input
              id="f-no-area"
              type="checkbox"
              checked={draft.noArea === '1'}
              onChange={(e) => set('noArea')((e.target as HTMLInputElement).checked ? '1' : '')}
            />{' '}
            <label for="f-no-area">
              Only those with no area (waiting for a reviewer covering the region to set it)
            </label>
          </div>
          <Select
            id="f-instrument"
            label="Tool"
            value={draft.instrument}
            options={(facets?.instruments ?? []).map((i) => ({ value: i, label: getInstrument(i)?.title ?? i }))}
            onChange={set('instrument')}
          />
          <Select
            id="f-level"
            label="Level (server's)"
            value={draft.level}
            options={(facets?.levels ?? []).map((l) => ({ value: l, label: l }))}
            onChange={set('level')}
          />
          <div class="filter">
            <label class="label" for="f-from">
              Received from
            </label>
            <input
              id="f-from"
              class="input"
              type="date"
              value={draft.from ?? ''}
              onInput={(e) => set('from')((e.target as HTMLInputElement).value)}
            />
          </div>
          <div class="filter">
            <label class="label" for="f-to">
              Received up to
            </label>
            <input
              id="f-to"
              class="input"
              type="date"
              value={draft.to ?? ''}
              onInput={(e) => set('to')((e.target as HTMLInputElement).value)}
            />
          </div>
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
      {note && (
        <p class="inset" role="status">
          {note}
        </p>
      )}
      {page && items.length === 0 && (
        <p>No referrals{Object.keys(filters).length ? ' match these filters' : ' yet'}.</p>
      )}
      <ol class="referral-list" aria-label="Referrals, most serious first">
        {items.map((r) => (
          <li key={r.id} class={`referral-card priority-${r.priority}`} data-testid="referral" data-id={r.id}>
            <a href={href({ name: 'referral', id: r.id })} class="referral-link">
              <span class="referral-level">{r.level ?? 'No level from the tool'}</span>
              <span class="referral-child">Child reference {r.childRef ?? '(unreadable)'}</span>
            </a>
            {r.safety.length > 0 && (
              <ul class="tags" aria-label="Safety routes">
                {r.safety.map((s) => (
                  <li key={s} class="tag tag-danger">
                    {s}
                  </li>
                ))}
              </ul>
            )}
            {r.needsArea && (
              <span class="tag" data-testid="no-area">
                No area: set it from the referral
              </span>
            )}
            <span class="tool-meta">
              {r.instrumentTitle}
              {r.areaTeam ? ` · ${r.areaTeam}` : ''} · {REGIONS[r.region as RegionId]?.label ?? r.region}
            </span>
            <span class="tool-meta">
              Received {when(r.receivedAt)} · waited <strong>{waited(r.waitedMs)}</strong>
            </span>
            <span class="tool-meta">
              <span class={`state state-${r.reviewState}`}>{STATE_LABELS[r.reviewState] ?? r.reviewState}</span>
              {r.reviewBy && ` by ${r.reviewBy}`}
              {r.disagreement && <strong class="disagree-flag"> · device and server disagree</strong>}
            </span>
          </li>
        ))}
      </ol>
      <div class="button-row">
        {page?.next && (
          <MoreButton
            key={page.next}
            cursor={page.next}
            filters={filters}
            onMore={(it) => setMore((m) => [...m, ...it])}
          />
        )}
        {items.length > 0 && (
          <>
            <button type="button" class="button secondary" onClick={() => void exportAll('csv')}>
              Export these as CSV
            </button>
            <button type="button" class="button secondary" onClick={() => void exportAll('fhir.json')}>
              Export these as FHIR
            </button>
          </>
        )}
      </div>
    </>
  );
}

function MoreButton({
  cursor,
  filters,
  onMore,
}: {
  cursor: string;
  filters: Filters;
  onMore: (items: ListItem[]) => void;
}) {
  const [next, setNext] = useState<string | null>(cursor);
  if (!next) return null;
  return (
    <button
      type="button"
      class="button secondary"
      onClick={async () => {
        const p = await api<Page>('GET', `/referrals${query(filters, next)}`);
        onMore(p.items);
        setNext(p.next);
      }}
    >
      Show more
    </button>
  );
}
