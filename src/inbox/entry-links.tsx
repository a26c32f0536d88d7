// On a referral: each of its registrations, phone numbers, places and persons
// that other referrals hold too ("Also in 2 other referrals"), with links to
// those the reviewer may open; another team's is named only by that team (the
// server records that it was shown). The server matches them without keeping
// them readable; the words here come from this referral's own record.
import { useEffect, useState } from 'preact/hooks';
import type { EntryLink, EntryLinks } from '../contract/entries-api.ts';
import { getInstrument } from '../domain/index.ts';
import { api, type ApiError } from './api.ts';
import { STATE_LABELS, when } from './format.ts';
import { href } from './router.ts';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Where in the record an entry was written: "Vehicle 1", or the free-text question. */
function whereWritten(instrumentId: string, e: EntryLink): string | undefined {
  const item = getInstrument(instrumentId)
    ?.sections.flatMap((s) => s.items)
    .find((i) => i.id === e.item);
  if (!item) return undefined;
  if (item.kind === 'repeat' && e.entry !== null)
    return `${item.entry.charAt(0).toUpperCase()}${item.entry.slice(1)} ${e.entry + 1}`;
  return 'Written in the free text';
}

function OneEntry({ e, instrumentId }: { e: EntryLink; instrumentId: string }) {
  const where = whereWritten(instrumentId, e);
  return (
    <li class="entry-link" data-testid="entry-link" data-kind={e.kind}>
      <p class="entry-link-what">
        <strong>{e.kindLabel}:</strong> {e.text}
        {where && <span class="hint-inline"> ({where})</span>}
      </p>
      <p class="entry-link-count" data-testid="entry-link-count">
        <strong>Also in {plural(e.others, 'other referral', 'other referrals')}</strong>
      </p>
      {e.linked.length > 0 && (
        <ul class="chain">
          {e.linked.map((l) => (
            <li key={l.id}>
              <a href={href({ name: 'referral', id: l.id })}>
                {l.instrumentTitle}, received {when(l.receivedAt)}
              </a>{' '}
              · {l.areaTeam ?? 'no area'} · {l.level ?? 'no level'} · {STATE_LABELS[l.reviewState] ?? l.reviewState}
              {l.partial && <span class="hint-inline"> · matched by the first characters of the registration</span>}
            </li>
          ))}
        </ul>
      )}
      {e.heldElsewhere.map((h) => (
        <p key={h.heldBy} class="hint" data-testid="held-elsewhere">
          {plural(h.count, 'referral', 'referrals')} held by {h.heldBy}: your account cannot open{' '}
          {h.count === 1 ? 'it' : 'them'}. Contact {h.heldBy}'s team if you need to know more. That you were shown this
          is recorded.
        </p>
      ))}
    </li>
  );
}

export function EntryLinksSection({ id, instrumentId }: { id: string; instrumentId: string }) {
  const [links, setLinks] = useState<EntryLinks>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    setLinks(undefined);
    setError(undefined);
    api<EntryLinks>('GET', `/referrals/${id}/links`).then(setLinks, (e) => setError((e as ApiError).message));
  }, [id]);
  if (error)
    return (
      <p class="hint" role="status">
        Whether this record's entries are in other referrals cannot be shown: {error}
      </p>
    );
  if (!links || links.entries.length === 0) return null;
  return (
    <section aria-labelledby="entry-links-title" class="entry-links" data-testid="entry-links">
      <h2 id="entry-links-title">Seen in other referrals</h2>
      <p class="hint">
        The same registration, phone number, place or person written in other referrals (however it was spelt).
      </p>
      <ul class="entry-links-list">
        {links.entries.map((e, i) => (
          <OneEntry key={i} e={e} instrumentId={instrumentId} />
        ))}
      </ul>
    </section>
  );
}
