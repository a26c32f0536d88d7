// Exports over real HTTP: CSV (header row, one row per submission, one column
// per item) and FHIR R4 (validated against HL7's official JSON schema).
import { createRequire } from 'node:module';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemsOf } from '../../src/domain/engine/answers.ts';
import { getInstrument } from '../../src/domain/instruments/catalogue.ts';
import { RECORD_COLUMNS } from '../../src/inbox-server/export-csv.ts';
import { startServer } from '../../src/server/main.ts';
import { ticks } from '../helpers/answers.ts';
import { account, enrolledDevice, gmReferral, send, signIn } from '../helpers/inbox.ts';
import { makeSubmission } from '../helpers/submission.ts';

const require = createRequire(import.meta.url);
const JSONSchemaValidator = require('@asymmetrik/fhir-json-schema-validator') as new () => {
  validate(r: unknown, verbose: true): unknown[];
};
const validator = new JSONSchemaValidator();

let server: Awaited<ReturnType<typeof startServer>>;
let base: string;
let cookie: string;
const gm = gmReferral(45, 8, {
  childRef: 'EX-1, "quoted"',
  author: { name: '=HYPERLINK("x")', role: 'School nurse', organisation: 'Trust', contact: '01234' },
});
const nscbId = 'nscb-ae-cse-indicator-checklist';
const nscb = makeSubmission(
  { childRef: 'EX-2', instrument: { id: nscbId, version: getInstrument(nscbId)!.version } },
  { ...ticks(nscbId, ['med-cars']), age: 14 },
);

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cse-inbox-export-'));
  server = await startServer({ port: 0, dataDir: join(dir, 'data'), distDir: join(dir, 'no-dist') });
  base = `http://localhost:${server.address().port}`;
  const device = await enrolledDevice(server, base);
  await account(server.inbox, 'rev@example.org', 'reviewer');
  // The NSCB record needs its own result (makeSubmission scores the GM tool by default).
  const { score } = await import('../../src/domain/index.ts');
  nscb.result = score(getInstrument(nscbId)!, nscb.answers);
  for (const s of [gm, nscb]) expect(await send(base, device, s)).toBe(201);
  cookie = (await signIn(base, 'rev@example.org')).cookie!;
});
afterAll(() => server?.close());

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

describe('CSV', () => {
  it('has a header row and one row per submission, one column per item, and audits each referral exported', async () => {
    const res = await fetch(`${base}/inbox/api/export.csv?ids=${gm.id},${nscb.id}`, { headers: { Cookie: cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="referrals-.*\.csv"/);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 byte-order mark
    const rows = parseCsv(bytes.subarray(3).toString('utf8'));
    expect(rows).toHaveLength(3);
    const [header, ...data] = rows;
    const itemCols = [
      ...itemsOf(getInstrument('gm-cse-measurement-tool')!).map((i) => `gm-cse-measurement-tool.${i.id}`),
      ...itemsOf(getInstrument(nscbId)!).map((i) => `${nscbId}.${i.id}`),
    ];
    expect(header).toEqual([...RECORD_COLUMNS, ...itemCols]);
    for (const r of data) expect(r).toHaveLength(header!.length);
    const col = (r: string[], name: string) => r[header!.indexOf(name)];
    const gmRow = data.find((r) => col(r, 'submission_id') === gm.id)!;
    expect(col(gmRow, 'child_ref')).toBe('EX-1, "quoted"');
    expect(col(gmRow, 'server_level')).toBe('High (41 – 60)');
    expect(col(gmRow, 'server_total')).toBe('53');
    expect(col(gmRow, 'gm-cse-measurement-tool.professional-judgement')).toBe('8');
    expect(col(gmRow, `${nscbId}.med-cars`)).toBe('');
    // A formula is never handed to a spreadsheet to run.
    expect(col(gmRow, 'author_name')).toBe('\'=HYPERLINK("x")');
    const nscbRow = data.find((r) => col(r, 'submission_id') === nscb.id)!;
    expect(col(nscbRow, `${nscbId}.med-cars`)).toBe('yes');
    expect((await server.inbox.audit.list({ action: 'export-csv' })).map((e) => e.submissionId).sort()).toEqual(
      [gm.id, nscb.id].sort(),
    );
  });
});

describe('FHIR R4', () => {
  it('a Bundle with the instruments as Questionnaires, a QuestionnaireResponse and a RiskAssessment per referral, valid against the R4 schema', async () => {
    const res = await fetch(`${base}/inbox/api/export.fhir.json?ids=${gm.id},${nscb.id}`, {
      headers: { Cookie: cookie },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    const bundle = await res.json();
    expect(validator.validate(bundle, true)).toEqual([]);
    for (const e of bundle.entry) expect(validator.validate(e.resource, true)).toEqual([]);
    const types = bundle.entry.map((e: { resource: { resourceType: string } }) => e.resource.resourceType).sort();
    expect(types).toEqual([
      'Questionnaire',
      'Questionnaire',
      'QuestionnaireResponse',
      'QuestionnaireResponse',
      'RiskAssessment',
      'RiskAssessment',
    ]);
    const qr = bundle.entry.find((e: { resource: { id: string } }) => e.resource.id === gm.id).resource;
    const q = bundle.entry.find(
      (e: { resource: { resourceType: string; url: string } }) =>
        e.resource.resourceType === 'Questionnaire' && qr.questionnaire.startsWith(e.resource.url),
    ).resource;
    expect(qr.questionnaire).toBe(`${q.url}|${q.version}`);
    expect(qr.subject.identifier.value).toBe('EX-1, "quoted"');
    const ra = bundle.entry.find(
      (e: { resource: { resourceType: string; basis?: { reference: string }[] } }) =>
        e.resource.resourceType === 'RiskAssessment' && e.resource.basis?.[0]?.reference === `urn:uuid:${gm.id}`,
    ).resource;
    expect(ra.prediction[0].outcome.text).toBe('High (41 – 60)');
    expect(ra.status).toBe('final');
    expect(ra.prediction[0].rationale).toMatch(/53/);
  });

  it('the schema check is real: a broken resource fails it', () => {
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
    expect(validator.validate({ resourceType: 'QuestionnaireResponse', status: 'done' }, true).length).toBeGreaterThan(
      0,
    );
  });
});
