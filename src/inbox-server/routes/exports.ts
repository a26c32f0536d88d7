// Exports of the referrals a reviewer may see: what the list shows (its view,
// filters and search, within the account's scope), or one referral, as CSV (a
// zip: one file per tool, or the long format) or FHIR R4. One POST names the
// export in its body (never ids in the address); the answer is streamed as it
// is made, a batch of referrals at a time, so memory stays the same at any
// size. The export is audited once: what was asked and how many it holds
// (counted up to the newest referral indexed when it began, which is where it
// stops, so the count is the number sent).
import { getInstrument, type Instrument } from '../../domain/index.ts';
import { LIST_VIEWS, type ListView } from '../../contract/inbox-api.ts';
import {
  answerRows,
  answersHeader,
  eventRows,
  eventsHeader,
  type ExportItem,
  referralRow,
  referralsHeader,
  toolFileName,
  toolHeader,
  toolRow,
} from '../export-csv.ts';
import { bundleOpen, BUNDLE_CLOSE, questionnaireEntry, referralEntries } from '../export-fhir.ts';
import { type ZipFile, zipStream } from '../export-zip.ts';
import { ExportSlots, holdingSlot } from '../export-slots.ts';
import { inScope, type ListFilter, type ReferralRow } from '../referrals.ts';
import type { User } from '../accounts.ts';
import type { InboxService } from '../service.ts';
import { filterFrom, rescore } from './referrals.ts';
import {
  type ApiRequest,
  type ApiResponse,
  type InboxRoute,
  type RouteContext,
  bodyOf,
  fail,
  isReferralId,
  str,
} from './route.ts';

export const EXPORT_FORMATS = ['csv', 'csv-long', 'fhir'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** What an export takes: a view of the list (or every state) and its filters, or one referral. */
interface ExportScope {
  view: ListView | undefined;
  filter: ListFilter;
  user: User;
  upToSeq: number;
}

/** Text handed on in pieces of about this size: few writes, little held. */
const CHUNK = 64 * 1024;

async function* chunked(parts: AsyncIterable<string>): AsyncGenerator<string> {
  let buf = '';
  for await (const p of parts) {
    buf += p;
    if (buf.length >= CHUNK) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}

const encoder = new TextEncoder();
async function* utf8(parts: AsyncIterable<string>): AsyncGenerator<Uint8Array> {
  for await (const p of chunked(parts)) yield encoder.encode(p);
}

/** The referrals of an export with their stored submissions and the server's result, a batch at a time. */
async function* exportItems(
  svc: InboxService,
  scope: ExportScope,
  filter: ListFilter = scope.filter,
  withEvents = true,
): AsyncGenerator<ExportItem> {
  for await (const rows of svc.referrals.exportBatches(scope.view, filter, scope.user, scope.upToSeq)) {
    // A referral another area sets out of the account's scope meanwhile is not exported (the SQL scope holds too).
    const visible = rows.filter((r) => inScope(scope.user, r));
    const ids = visible.map((r) => r.id);
    const [bodies, events] = await Promise.all([
      svc.opts.source.getMany(ids),
      withEvents ? svc.referrals.eventsOf(ids) : Promise.resolve(new Map<string, ExportItem['events']>()),
    ]);
    for (const row of visible) {
      const stored = bodies.get(row.id);
      if (!stored) continue;
      yield { stored, row, server: rescore(row.instrumentId, stored.body), events: events.get(row.id) ?? [] };
    }
  }
}

/** review-events.csv: one row per review event of every referral exported. */
function eventsFile(svc: InboxService, scope: ExportScope): ZipFile {
  return {
    name: 'review-events.csv',
    chunks: () =>
      chunked(
        (async function* () {
          yield eventsHeader();
          for await (const rows of svc.referrals.exportBatches(scope.view, scope.filter, scope.user, scope.upToSeq)) {
            const visible = rows.filter((r: ReferralRow) => inScope(scope.user, r));
            const events = await svc.referrals.eventsOf(visible.map((r) => r.id));
            for (const r of visible) yield eventRows(r, events.get(r.id) ?? []);
          }
        })(),
      ),
  };
}

/** CSV by tool: one file per tool with its own columns, then the review events. */
function csvByTool(svc: InboxService, scope: ExportScope, instruments: string[]): ZipFile[] {
  return [
    ...instruments.map((id) => {
      const inst = getInstrument(id);
      return {
        name: toolFileName(id),
        chunks: () =>
          chunked(
            (async function* () {
              yield toolHeader(inst);
              for await (const it of exportItems(svc, scope, { ...scope.filter, instrument: id }, false))
                yield toolRow(inst, it);
            })(),
          ),
      };
    }),
    eventsFile(svc, scope),
  ];
}

/** CSV long: every referral under the same columns, one row per answer, then the review events. */
function csvLong(svc: InboxService, scope: ExportScope): ZipFile[] {
  return [
    {
      name: 'referrals.csv',
      chunks: () =>
        chunked(
          (async function* () {
            yield referralsHeader();
            for await (const it of exportItems(svc, scope, scope.filter, false)) yield referralRow(it);
          })(),
        ),
    },
    {
      name: 'answers.csv',
      chunks: () =>
        chunked(
          (async function* () {
            yield answersHeader();
            for await (const it of exportItems(svc, scope, scope.filter, false))
              yield answerRows(getInstrument(it.stored.body.instrument.id), it);
          })(),
        ),
    },
    eventsFile(svc, scope),
  ];
}

/** The FHIR Bundle, entry by entry; the Questionnaires the responses name come last. */
async function* fhirBundle(svc: InboxService, scope: ExportScope): AsyncGenerator<string> {
  yield bundleOpen(new Date(svc.now()));
  let first = true;
  const tools = new Map<string, { id: string; version: string }>();
  const instruments = new Map<string, Instrument | undefined>();
  const tool = (id: string) => {
    if (!instruments.has(id)) instruments.set(id, getInstrument(id));
    return instruments.get(id);
  };
  for await (const it of exportItems(svc, scope, scope.filter, false)) {
    const { id, version } = it.stored.body.instrument;
    tools.set(`${id}|${version}`, { id, version });
    for (const e of referralEntries(it, tool(id))) {
      yield `${first ? '' : ','}\n${JSON.stringify(e)}`;
      first = false;
    }
  }
  for (const { id, version } of tools.values()) {
    yield `${first ? '' : ','}\n${JSON.stringify(questionnaireEntry(id, version, tool(id)))}`;
    first = false;
  }
  yield BUNDLE_CLOSE;
}

const isView = (v: string | undefined): v is ListView => !!v && LIST_VIEWS.some((x) => x.id === v);

/** The audit's words for an export: the format, the view and the filters by name (never a child's reference). */
function described(format: ExportFormat, scope: ExportScope, count: number, referral?: string): string {
  const f = Object.entries(scope.filter)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => (k === 'child' ? 'child reference' : k === 'noArea' ? 'no area' : `${k}=${String(v)}`));
  const what = referral ? 'one referral' : `view ${scope.view ?? 'every state'}${f.length ? `; ${f.join(', ')}` : ''}`;
  return `${format}: ${count} referral${count === 1 ? '' : 's'}; ${what}`;
}

export function exportRoutes(ctx: RouteContext, slots = new ExportSlots()): InboxRoute[] {
  const { svc, audit } = ctx;
  return [
    {
      method: 'POST',
      url: '/export',
      guard: 'reviewer',
      audits: ['export-csv', 'export-fhir', 'forbidden'],
      handler: async (req, caller) => {
        const user = caller!.user;
        const b = bodyOf(req);
        const format = str(b.format, 20) as ExportFormat | undefined;
        if (!format || !EXPORT_FORMATS.includes(format))
          return fail('invalid', 'Choose the export: csv (a file per tool), csv-long (one row per answer) or fhir.');
        const view = str(b.view, 20);
        if (view !== undefined && !isView(view)) return fail('invalid', 'No such view of the list.');
        const raw = b.filters && typeof b.filters === 'object' ? (b.filters as Record<string, unknown>) : {};
        const filter = filterFrom(
          new URLSearchParams(
            Object.entries(raw).flatMap(([k, v]) =>
              typeof v === 'string' || typeof v === 'boolean' ? [[k, String(v === true ? '1' : v)]] : [],
            ),
          ),
        );
        // A slot before any work: refused at once (not queued) when the account or the server has its share running.
        const release = slots.take(user.id);
        if (!release) return fail('export-busy', undefined, { 'Retry-After': '5' });
        try {
          const made = await exportOf(req, user, format, view, filter, b);
          if (!made.stream) release();
          return made.stream ? { ...made, stream: holdingSlot(made.stream, release, req.signal) } : made;
        } catch (e) {
          release();
          throw e;
        }
      },
    },
  ];

  /** The export asked for, checked against the account's scope and audited once, as a stream. */
  async function exportOf(
    req: ApiRequest,
    user: User,
    format: ExportFormat,
    view: ListView | undefined,
    filter: ListFilter,
    b: Record<string, unknown>,
  ): Promise<ApiResponse> {
    await svc.referrals.catchUp();
    const referral = str(b.referral, 100);
    let scope: ExportScope = { view, filter, user, upToSeq: await svc.referrals.lastSeq() };
    if (referral !== undefined) {
      // One referral (its own page's export): refused, and audited, when it is outside the account's scope.
      if (!isReferralId(referral)) return fail('not-found', 'No such referral.');
      const row = await svc.referrals.get(referral);
      if (!row) return fail('not-found', 'No such referral.');
      if (!inScope(user, row)) {
        await audit(req, user, 'forbidden', referral, "export outside the account's area");
        return fail('out-of-scope');
      }
      scope = { ...scope, view: undefined, filter: { id: referral } };
    }
    const { count, instruments } = await svc.referrals.exportExtent(scope.view, scope.filter, user, scope.upToSeq);
    await audit(
      req,
      user,
      format === 'fhir' ? 'export-fhir' : 'export-csv',
      referral ?? null,
      described(format, scope, count, referral),
    );
    const stamp = new Date(svc.now()).toISOString().slice(0, 19).replace(/[:T]/g, '-');
    const headers = {
      'Content-Disposition': `attachment; filename="referrals-${stamp}${format === 'fhir' ? '.fhir.json' : format === 'csv-long' ? '-long.zip' : '.zip'}"`,
      'X-Export-Count': String(count),
    };
    if (format === 'fhir')
      return {
        status: 200,
        type: 'application/fhir+json; charset=utf-8',
        headers,
        stream: utf8(fhirBundle(svc, scope)),
      };
    const files = format === 'csv' ? csvByTool(svc, scope, instruments) : csvLong(svc, scope);
    return { status: 200, type: 'application/zip', headers, stream: zipStream(files) };
  }
}
