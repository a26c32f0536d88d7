// The triage queue: by default what needs a decision (new, needs more
// information), the most urgent first (safety routes, under 13, missing now,
// then the level), then the longest waiting; views for in review (mine,
// everyone's), actioned and closed, each with its count; a dense table (child,
// age, tool and level, flags, area, referrer, time waited against the seed's
// timescale, state and who has it); filters and search with the number of
// matches; more pages by cursor; the count of new ones in the tab title.
import { useEffect, useState } from 'preact/hooks';
import { REGIONS } from '../domain/index.ts';
import { getInstrument } from '../domain/index.ts';
import type { RegionId } from '../domain/index.ts';
import { LIST_VIEWS, type ListItem, type ListView, type ListPage as Page } from '../contract/inbox-api.ts';
import { ApiError, type SessionUser, api, download } from './api.ts';
import { STATE_LABELS, timescaleMinutes, timescaleShort, timescaleText, waited, when } from './format.ts';
import { href } from './router.ts';

export type { ListItem };

const FILTERS = ['region', 'team', 'noArea', 'instrument', 'level', 'from', 'to', 'child'] as const;
type Filters = Partial<Record<(typeof FILTERS)[number], string>>;

/** The search as the server takes it, in a POST's body: a child's reference never goes in an address. */
function terms(f: Filters, view: ListView, cursor?: string): Record<string, string> {
  const t: Record<string, string> = { view };
  for (const k of FILTERS) if (f[k]) t[k] = f[k]!;
  if (cursor) t.cursor = cursor;
  return t;
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

/** Short flags for the table; the full words are on the referral. */
function flagsOf(r: ListItem): { text: string; title: string; danger: boolean }[] {
  const out: { text: string; title: string; danger: boolean }[] = [];
  const routes = r.safety.filter((f) => f.startsWith('Safety route:'));
  if (routes.length)
    out.push({
      text: routes.length > 1 ? `${routes.length} safety routes` : 'Safety route',
      title: routes.map((f) => f.replace(/^Safety route:\s*/, '')).join('; '),
      danger: true,
    });
  for (const f of r.safety.filter((x) => !x.startsWith('Safety route:')))
    out.push({
      text: f === 'Child under 13' ? 'Under 13' : f.startsWith('The server could not') ? 'Not scored' : f,
      title: f,
      danger: true,
    });
  if (r.needsArea) out.push({ text: 'No area', title: 'No area: set it from the referral', danger: false });
  if (r.disagreement) out.push({ text: 'Device differs', title: 'The device and the server disagree', danger: true });
  return out;
}

function Waited({ r }: { r: ListItem }) {
  const limit = timescaleMinutes(r.timescale);
  const open = r.reviewState !== 'actioned' && r.reviewState !== 'closed';
  const over = open && limit !== undefined && r.waitedMs / 60_000 > limit;
  return (
    <>
      <span class={over ? 'overdue' : undefined}>{waited(r.waitedMs)}</span>
      {r.timescale && (
        <span class={`due${over ? ' overdue' : ''}`}>
          {over ? ' · overdue: ' : ' · due '}
          {timescaleShort(r.timescale)}
        </span>
      )}
    </>
  );
}

export function ReferralList({ view, me }: { view: ListView; me: SessionUser }) {
  const [filters, setFilters] = useState<Filters>({});
  const [draft, setDraft] = useState<Filters>({});
  const [page, setPage] = useState<Page>();
  const [more, setMore] = useState<ListItem[]>([]);
  const [error, setError] = useState<string>();
  const [note, setNote] = useState<string>();

  const load = (f: Filters) => {
    setError(undefined);
    api<Page>('POST', '/referrals/search', terms(f, view)).then(
      (p) => {
        setPage(p);
        setMore([]);
      },
      (e) => setError((e as ApiError).message),
    );
  };
  useEffect(() => load(filters), [filters, view]);
  useEffect(() => {
    document.title = page ? `(${page.newCount}) New referrals – CSE Inbox` : 'Referrals – CSE Inbox';
  }, [page?.newCount]);

  const items = [...(page?.items ?? []), ...more];
  const set = (k: keyof Filters) => (v: string) => setDraft((d) => ({ ...d, [k]: v || undefined }));
  const facets = page?.facets;
  const filtered = Object.keys(filters).length > 0;
  const viewLabel = LIST_VIEWS.find((v) => v.id === view)!.label;
  // Everything this view holds under these filters, however many: one request, streamed, audited once.
  const total = page?.matches ?? items.length;
  const [exporting, setExporting] = useState<string>();
  const exportAll = async (format: 'csv' | 'csv-long' | 'fhir') => {
    setNote(undefined);
    setError(undefined);
    const these = `${total.toLocaleString('en-GB')} referral${total === 1 ? '' : 's'}`;
    setExporting(`Exporting ${these}…`);
    try {
      const { name, count } = await download({ format, view, filters: filters as Record<string, string> }, (bytes) =>
        setExporting(`Exporting ${these}: ${(bytes / 1_048_576).toFixed(1)} MB received so far…`),
      );
      setNote(
        `Downloaded ${name} (${count.toLocaleString('en-GB')} referral${count === 1 ? '' : 's'}). The export is recorded in the audit.`,
      );
    } catch (e) {
      setError((e as ApiError).message);
    } finally {
      setExporting(undefined);
    }
  };

  return (
    <>
      <div class="queue-head">
        <h1 tabIndex={-1}>Referrals</h1>
        <p data-testid="new-count" class="queue-new">
          <strong>{page?.newCount ?? '…'}</strong> new, not yet picked up
        </p>
      </div>
      <nav class="views" aria-label="Views of the referrals">
        <ul>
          {LIST_VIEWS.map((v) => (
            <li key={v.id}>
              <a
                href={href({ name: 'list', view: v.id })}
                aria-current={v.id === view ? 'page' : undefined}
                data-view={v.id}
              >
                {v.label} <span class="view-count">{page?.counts?.[v.id] ?? '…'}</span>
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <details class="filters-box" open={filtered}>
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
      <p class="matches" role="status" data-testid="matches">
        {page
          ? filtered
            ? `${page.matches ?? items.length} ${(page.matches ?? items.length) === 1 ? 'referral matches' : 'referrals match'} these filters in ${viewLabel.toLowerCase()}.`
            : view === 'queue'
              ? 'Most urgent first: safety routes, under 13, missing now, then the level; then the longest waiting.'
              : `${viewLabel}: most urgent first, then the longest waiting.`
          : 'Loading…'}
      </p>
      {page && items.length === 0 ? (
        <p data-testid="empty">
          {filtered
            ? 'No referrals match these filters here.'
            : view === 'queue'
              ? 'Nothing waits for a decision.'
              : 'None.'}
        </p>
      ) : (
        <div class="table-scroll queue-scroll">
          <table class="queue" data-testid="queue">
            <caption class="visually-hidden">
              {viewLabel}: {page?.matches ?? items.length} referrals, most urgent first, then the longest waiting
            </caption>
            <thead>
              <tr>
                <th scope="col">Child</th>
                <th scope="col">Age</th>
                <th scope="col">Tool and level</th>
                <th scope="col">Flags</th>
                <th scope="col">Area</th>
                <th scope="col">Referred by</th>
                <th scope="col">Waited</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr
                  key={r.id}
                  class={`referral-row priority-${r.priority}`}
                  data-testid="referral"
                  data-id={r.id}
                  data-state={r.reviewState}
                  data-received={r.receivedAt}
                  data-severity={r.severity ?? 0}
                >
                  <td class="col-child">
                    <a href={href({ name: 'referral', id: r.id })} class="referral-link">
                      {r.childRef ?? '(unreadable)'}
                    </a>
                  </td>
                  <td class="col-age" data-testid="age">
                    {r.age ?? (
                      <span title="No age or date of birth in the answers">
                        <span aria-hidden="true">–</span>
                        <span class="visually-hidden">not given</span>
                      </span>
                    )}
                  </td>
                  <td class="col-level" title={`${r.instrumentTitle}: ${r.level ?? 'no level from the tool'}`}>
                    <span class={`referral-level sev-${r.severity ?? 0}`}>{r.level ?? 'No level'}</span>
                    <span class="tool-name"> · {r.instrumentTitle}</span>
                  </td>
                  <td
                    class="col-flags"
                    title={flagsOf(r)
                      .map((f) => f.title)
                      .join('; ')}
                  >
                    {flagsOf(r).map((f) => (
                      <span key={f.text} class={`flag${f.danger ? ' flag-danger' : ''}`} title={f.title}>
                        {f.text}
                      </span>
                    ))}
                  </td>
                  <td class="col-area" title={REGIONS[r.region as RegionId]?.label ?? r.region}>
                    {r.areaTeam ?? (r.needsArea ? 'None yet' : (REGIONS[r.region as RegionId]?.label ?? r.region))}
                  </td>
                  <td class="col-referrer" title={[r.referrer, r.referrerOrg].filter(Boolean).join(', ')}>
                    <span>{r.referrer ?? '—'}</span>
                    {r.referrerOrg && <span class="org">, {r.referrerOrg}</span>}
                  </td>
                  <td
                    class="col-waited"
                    title={`Received ${when(r.receivedAt)}${r.timescale ? `; the tool's timescale: ${timescaleText(r.timescale)}` : ''}`}
                  >
                    <Waited r={r} />
                  </td>
                  <td
                    class="col-state"
                    title={`${STATE_LABELS[r.reviewState] ?? r.reviewState}${r.assignee ? `, with ${r.assignee}` : ''}`}
                  >
                    <span class={`state state-${r.reviewState}`}>{STATE_LABELS[r.reviewState] ?? r.reviewState}</span>
                    {r.assignee && (
                      <span class="assignee" data-testid="assignee">
                        {' · '}
                        {r.assignee}
                        {r.assigneeId === me.id ? ' (you)' : ''}
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div class="button-row">
        {page?.next && (
          <MoreButton
            key={page.next}
            cursor={page.next}
            filters={filters}
            view={view}
            onMore={(it) => setMore((m) => [...m, ...it])}
          />
        )}
        {items.length > 0 && (
          <>
            <button type="button" class="button secondary" disabled={!!exporting} onClick={() => void exportAll('csv')}>
              Export these {total.toLocaleString('en-GB')} as CSV (a file per tool)
            </button>
            <button
              type="button"
              class="button secondary"
              disabled={!!exporting}
              onClick={() => void exportAll('csv-long')}
            >
              Export as CSV, one row per answer
            </button>
            <button
              type="button"
              class="button secondary"
              disabled={!!exporting}
              onClick={() => void exportAll('fhir')}
            >
              Export as FHIR
            </button>
          </>
        )}
        {exporting && (
          <p class="inset" role="status" aria-live="polite" data-testid="export-progress">
            {exporting}
          </p>
        )}
      </div>
    </>
  );
}

function MoreButton({
  cursor,
  filters,
  view,
  onMore,
}: {
  cursor: string;
  filters: Filters;
  view: ListView;
  onMore: (items: ListItem[]) => void;
}) {
  const [next, setNext] = useState<string | null>(cursor);
  if (!next) return null;
  return (
    <button
      type="button"
      class="button secondary"
      onClick={async () => {
        const p = await api<Page>('POST', '/referrals/search', terms(filters, view, next));
        onMore(p.items);
        setNext(p.next);
      }}
    >
      Show more
    </button>
  );
}
