// Subject access: everything held for one child reference, for an admin
// answering a request (UK GDPR art. 15): every submission naming it (the
// answers, the referrer, the outcome), the server's reading, the review and
// area history with their notes, and the receipt. Scope holds: an admin
// limited to some areas or regions gets only theirs, told how many more are
// held elsewhere. Records removed under retention are no longer held, and say
// so. JSON for the record, and a printable page (the browser prints it, or
// saves it as PDF).
import { getInstrument } from '../domain/index.ts';
import type { User } from './accounts.ts';
import { inScope } from './referrals.ts';
import type { InboxService } from './service.ts';

export interface SubjectAccessRecord {
  id: string;
  receipt: string;
  receivedAt: string;
  kind: string;
  tool: string;
  level: string | null;
  region: string;
  area: string | null;
  reviewState: string;
  submission: unknown;
  review: { at: string; by: string; from: string; to: string; note: string }[];
  areaChanges: { at: string; by: string; from: string | null; to: string; note: string }[];
}

export interface SubjectAccessExport {
  childRef: string;
  generatedAt: string;
  generatedBy: string;
  records: SubjectAccessRecord[];
  /** Held for this reference outside the account's areas (not included). */
  outsideScope: number;
  note: string;
}

export async function subjectAccess(svc: InboxService, user: User, childRef: string): Promise<SubjectAccessExport> {
  await svc.referrals.catchUp();
  const rows = await svc.referrals.forChild(childRef);
  const mine = rows.filter((r) => inScope(user, r));
  const records: SubjectAccessRecord[] = [];
  for (const r of mine) {
    const stored = await svc.opts.source.get(r.id);
    records.push({
      id: r.id,
      receipt: stored?.receipt ?? '',
      receivedAt: r.receivedAt,
      kind: r.kind,
      tool: getInstrument(r.instrumentId)?.title ?? r.instrumentId,
      level: r.level,
      region: r.region,
      area: r.areaTeam,
      reviewState: r.reviewState,
      submission: stored?.body ?? null,
      review: (await svc.referrals.events(r.id)).map((e) => ({
        at: e.at,
        by: e.userEmail,
        from: e.from,
        to: e.to,
        note: e.note,
      })),
      areaChanges: (await svc.referrals.areaChanges(r.id)).map((e) => ({
        at: e.at,
        by: e.userEmail,
        from: e.from,
        to: e.to,
        note: e.note,
      })),
    });
  }
  return {
    childRef,
    generatedAt: new Date(svc.now()).toISOString(),
    generatedBy: user.email,
    records,
    outsideScope: rows.length - mine.length,
    note: 'Records removed when their retention period ended are no longer held and are not listed.',
  };
}

const esc = (s: unknown): string =>
  String(s ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** The item's question in the tool's words, where the tool has it. */
function question(instrumentId: string, itemId: string): string {
  for (const s of getInstrument(instrumentId)?.sections ?? []) {
    const item = s.items.find((i) => i.id === itemId);
    if (item) return item.text;
  }
  return itemId;
}

const answerText = (v: unknown): string =>
  Array.isArray(v) ? v.map(answerText).join(', ') : typeof v === 'object' && v ? JSON.stringify(v) : String(v);

/** A printable page (no script, no external resource): print it, or save it as PDF. */
export function subjectAccessHtml(x: SubjectAccessExport): string {
  const rec = (r: SubjectAccessRecord) => {
    const sub = (r.submission ?? {}) as {
      instrument?: { id: string };
      answers?: Record<string, unknown>;
      author?: Record<string, string>;
    };
    const answers = Object.entries(sub.answers ?? {})
      .map(
        ([k, v]) =>
          `<tr><th scope="row">${esc(question(sub.instrument?.id ?? '', k))}</th><td>${esc(answerText(v))}</td></tr>`,
      )
      .join('');
    const history = [
      ...r.review.map((e) => `<li>${esc(e.at)}: ${esc(e.by)}, ${esc(e.from)} → ${esc(e.to)}. ${esc(e.note)}</li>`),
      ...r.areaChanges.map(
        (e) => `<li>${esc(e.at)}: ${esc(e.by)}, area ${esc(e.from ?? 'none')} → ${esc(e.to)}. ${esc(e.note)}</li>`,
      ),
    ].join('');
    const a = sub.author ?? {};
    return `<section><h2>${esc(r.tool)}, received ${esc(r.receivedAt.slice(0, 10))}</h2>
<p>Outcome: ${esc(r.level ?? 'not scored')}. Area: ${esc(r.area ?? 'none')} (${esc(r.region)}). Review: ${esc(r.reviewState)}. Receipt ${esc(r.receipt)}.</p>
<p>Referred by ${esc(a.name)}${a.role ? `, ${esc(a.role)}` : ''}${a.organisation ? `, ${esc(a.organisation)}` : ''}${a.contact ? ` (${esc(a.contact)})` : ''}.</p>
<table><caption>Every answer</caption><tbody>${answers}</tbody></table>
${history ? `<h3>Review and area history</h3><ul>${history}</ul>` : ''}</section>`;
  };
  return `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Subject access: ${esc(x.childRef)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:50em;margin:1em auto;padding:0 1em;color:#0b0c0c}table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #b1b4b6;padding:.3em;text-align:left;vertical-align:top}th{width:55%;font-weight:normal}section{break-inside:avoid-page;margin-top:2em}</style></head>
<body><h1>Everything held for child reference ${esc(x.childRef)}</h1>
<p>Made ${esc(x.generatedAt)} by ${esc(x.generatedBy)}. ${x.records.length} record${x.records.length === 1 ? '' : 's'}.${x.outsideScope ? ` ${x.outsideScope} more held for areas outside this account's: ask an administrator covering them.` : ''}</p>
<p>${esc(x.note)}</p>
${x.records.map(rec).join('\n')}
</body></html>`;
}
