// Joining the dots (issue 26), over real HTTP on SQLite and on PostgreSQL:
// three information reports from three devices naming the same car as
// "MA6 7XY", "ma67xy" and the partial "MA6 7" are linked, and one phone number
// written three ways is one entry; a reviewer limited to Bolton sees the link
// to the Wigan report only as "held by Wigan" (no id, no content), and that
// look is audited; the entries seen most and their CSV; and neither the SQLite
// file nor a pg_dump holds any of the registrations or numbers, in any spelling.
// The reports are the Greater Manchester information report (000 L620–L627:
// persons, vehicles, places and numbers "entered one by one"; the area the
// answers name routes it, 000 L635–L645).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntryLinks, SeenMostPage } from '../../src/contract/entries-api.ts';
import { getInstrument, score } from '../../src/domain/index.ts';
import type { Answers } from '../../src/domain/engine/types.ts';
import { EntryIndex } from '../../src/inbox-server/entries.ts';
import { OUTSIDE_ROWS } from '../../src/inbox-server/routes/entries.ts';
import { InboxKeys } from '../../src/inbox-server/sealing.ts';
import { startServer } from '../../src/server/main.ts';
import type { TestDevice } from '../helpers/device.ts';
import { account, enrolledDevice, send, signIn } from '../helpers/inbox.ts';
import { STORE_KINDS, freshDatabaseUrl, stopPostgres, testPostgres } from '../helpers/stores.ts';
import { makeSubmission } from '../helpers/submission.ts';

afterAll(() => stopPostgres());

const GM_REPORT = getInstrument('gm-information-report')!;

/** A GM information report about `area` with the given entries, as a device sends it. */
function report(area: string, childRef: string, entries: Answers) {
  const answers: Answers = {
    'immediate-danger': 'no',
    area,
    'report-datetime': '2026-12-01T19:30',
    'reporter-name': 'Youth worker',
    details: 'Car collecting girls outside the park',
    ...entries,
  };
  return makeSubmission(
    {
      kind: 'information-report',
      instrument: { id: GM_REPORT.id, version: GM_REPORT.version },
      childRef,
      result: score(GM_REPORT, answers),
    },
    answers,
  );
}

const FORMULA = '=HYPERLINK("http://evil.example","Jay")';
// The same car and phone number, three practitioners, three spellings; the third only saw part of the plate.
const youthWorker = report('bolton', 'JD-YW-1', {
  vehicles: [{ registration: 'MA6 7XY', make: 'Ford', colour: 'Silver' }],
  contacts: [{ value: '07700 900123', type: 'phone' }],
  persons: [{ name: FORMULA }],
});
const schoolNurse = report('bolton', 'JD-SN-2', {
  vehicles: [{ registration: 'ma67xy', colour: 'silver' }],
  contacts: [{ value: '+44 7700 900123', type: 'phone' }],
  persons: [{ name: FORMULA }],
});
const aeNurse = report('wigan', 'JD-AE-3', {
  vehicles: [{ registration: 'MA6 7' }],
  contacts: [{ value: '(07700) 900-123', type: 'phone' }],
});
// Another car sharing the first four characters: it is the partial's possible match, never the whole plate's.
const otherCar = report('bolton', 'JD-OT-4', {
  vehicles: [{ registration: 'MA67 XZA' }],
  contacts: [{ value: '07700 900999', type: 'phone' }],
});
const SPELLINGS = [
  'MA6 7XY',
  'MA67XY',
  'ma67xy',
  'MA6 7',
  'MA67XZA',
  'MA67 XZA',
  '07700 900123',
  '07700900123',
  '7700900123',
  '+447700900123',
  '900-123',
  '07700 900999',
  '7700900999',
];

describe.each(STORE_KINDS)('joined entries on %s', (kind) => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let base: string;
  let database: string;
  let dataDir: string;
  let wigan: TestDevice;
  const cookies: Record<string, string> = {};

  beforeAll(async () => {
    const db = await freshDatabaseUrl(kind);
    dataDir = join(db.dataDir, 'data');
    database = kind === 'postgres' ? db.database : join(dataDir, 'receiver.sqlite');
    server = await startServer({ port: 0, dataDir, database, distDir: join(db.dataDir, 'no-dist') });
    base = `http://localhost:${server.address().port}`;
    const devices = [
      await enrolledDevice(server, base, 'Bolton youth worker', 'Bolton'),
      await enrolledDevice(server, base, 'Bolton school nurse', 'Bolton'),
      await enrolledDevice(server, base, 'Wigan A&E nurse', 'Wigan'),
    ];
    expect(await send(base, devices[0]!, youthWorker)).toBe(201);
    expect(await send(base, devices[1]!, schoolNurse)).toBe(201);
    expect(await send(base, devices[2]!, aeNurse)).toBe(201);
    wigan = devices[2]!;
    expect(await send(base, devices[0]!, otherCar)).toBe(201);
    await account(server.inbox, 'admin@example.org', 'admin');
    await account(server.inbox, 'bolton@example.org', 'reviewer', ['Bolton']);
    cookies.admin = (await signIn(base, 'admin@example.org')).cookie!;
    cookies.bolton = (await signIn(base, 'bolton@example.org')).cookie!;
  }, 120_000);
  afterAll(() => server?.close());

  const get = (path: string, who: string) => fetch(`${base}/inbox/api${path}`, { headers: { Cookie: cookies[who]! } });
  const links = async (id: string, who: string) => {
    const res = await get(`/referrals/${id}/links`, who);
    expect(res.status).toBe(200);
    return { text: await res.clone().text(), body: (await res.json()) as EntryLinks };
  };
  const ids = (l: EntryLinks, kind: string) =>
    l.entries
      .find((e) => e.kind === kind)!
      .linked.map((x) => [x.id, x.partial])
      .sort();

  it('the same car as "MA6 7XY", "ma67xy" and the partial "MA6 7" is one, from each report', async () => {
    const a = (await links(youthWorker.id, 'admin')).body;
    const vehicle = a.entries.find((e) => e.kind === 'registration')!;
    expect(vehicle.text).toBe('MA6 7XY');
    expect(vehicle.others).toBe(2);
    expect(ids(a, 'registration')).toEqual(
      [
        [schoolNurse.id, false],
        [aeNurse.id, true],
      ].sort(),
    );
    // From the school nurse's report, the same two; from the partial, both whole plates and the other
    // car that starts the same way (its known characters fit both).
    expect(ids((await links(schoolNurse.id, 'admin')).body, 'registration')).toEqual(
      [
        [youthWorker.id, false],
        [aeNurse.id, true],
      ].sort(),
    );
    expect(ids((await links(aeNurse.id, 'admin')).body, 'registration')).toEqual(
      [
        [youthWorker.id, true],
        [schoolNurse.id, true],
        [otherCar.id, true],
      ].sort(),
    );
    // Two whole plates that share a start are different cars.
    const other = (await links(otherCar.id, 'admin')).body;
    expect(ids(other, 'registration')).toEqual([[aeNurse.id, true]]);
  });

  it('a phone number written three ways is one entry; another number is not', async () => {
    const a = (await links(aeNurse.id, 'admin')).body;
    const phone = a.entries.find((e) => e.kind === 'phone')!;
    expect(phone.text).toBe('(07700) 900-123');
    expect(ids(a, 'phone')).toEqual(
      [
        [youthWorker.id, false],
        [schoolNurse.id, false],
      ].sort(),
    );
    expect((await links(otherCar.id, 'admin')).body.entries.some((e) => e.kind === 'phone')).toBe(false);
  });

  it('a reviewer limited to Bolton sees the Wigan report as "held by Wigan" without its content; the look is audited', async () => {
    const { body, text } = await links(youthWorker.id, 'bolton');
    const vehicle = body.entries.find((e) => e.kind === 'registration')!;
    expect(vehicle.others).toBe(2);
    expect(vehicle.linked.map((x) => x.id)).toEqual([schoolNurse.id]);
    expect(vehicle.heldElsewhere).toEqual([{ heldBy: 'Wigan', count: 1 }]);
    expect(body.entries.find((e) => e.kind === 'phone')!.heldElsewhere).toEqual([{ heldBy: 'Wigan', count: 1 }]);
    // Nothing of the Wigan report: not its id, its child, its tool's words or its entries.
    expect(text).not.toContain(aeNurse.id);
    expect(text).not.toContain('JD-AE-3');
    expect(text).not.toContain('900-123');
    expect(text).not.toContain('"MA6 7"');
    // It still cannot be opened.
    expect((await get(`/referrals/${aeNurse.id}`, 'bolton')).status).toBe(403);
    const audit = (await (await get(`/audit?action=entry-link-outside&limit=50`, 'admin')).json()) as {
      entries: { actor: string; submissionId: string; detail: string }[];
    };
    const rows = audit.entries.filter((r) => r.actor === 'bolton@example.org');
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows[0]!.submissionId).toBe(aeNurse.id);
    expect(rows[0]!.detail).toContain('held by Wigan');
    expect(rows[0]!.detail).toContain(youthWorker.id);
  });

  it('the entries seen most in the reviewer’s area, and their CSV (formula-safe), each export audited', async () => {
    const all = (await (await get('/entries', 'admin')).json()) as SeenMostPage;
    const car = all.items.find((i) => i.kind === 'registration')!;
    expect(car.text).toBe('MA6 7XY');
    expect(car.value).toBe('MA67XY');
    expect(car.referrals).toBe(3);
    expect([...car.ids].sort()).toEqual([youthWorker.id, schoolNurse.id, aeNurse.id].sort());
    expect(all.items.find((i) => i.kind === 'phone')!.referrals).toBe(3);
    // Bolton's view counts only Bolton's referrals, and names no other.
    const bolton = (await (await get('/entries', 'bolton')).json()) as SeenMostPage;
    expect(bolton.items.find((i) => i.kind === 'registration')!.referrals).toBe(2);
    expect(JSON.stringify(bolton)).not.toContain(aeNurse.id);
    // A period with nothing in it.
    const empty = (await (await get('/entries?from=2020-01-01&to=2020-01-31', 'admin')).json()) as SeenMostPage;
    expect(empty.items).toEqual([]);
    expect((await get('/entries?from=2026-13-01&to=2026-12-01', 'admin')).status).toBe(400);

    const res = await get('/entries.csv', 'bolton');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const csv = await res.text();
    const lines = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      'match,entry_kind,entry,entry_one_form,referrals_in_match,referral_id,received_at,tool,area_team,region',
    );
    expect(lines.filter((l) => l.includes('Vehicle registration,MA6 7XY,MA67XY,2,'))).toHaveLength(2);
    expect(csv).not.toContain(aeNurse.id);
    // The name typed as a formula is written so no spreadsheet runs it.
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""Jay"")"`);
    // One audit row for the download, with the period and the count (not one per referral: no flood).
    const audit = (await (await get(`/audit?action=export-entries&limit=50`, 'admin')).json()) as {
      entries: { actor: string; submissionId: string | null; detail: string }[];
    };
    const mine = audit.entries.filter((r) => r.actor === 'bolton@example.org');
    expect(mine).toHaveLength(1);
    expect(mine[0]!.submissionId).toBeNull();
    expect(mine[0]!.detail).toMatch(
      /^entry matches \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}: \d+ entries in 2 referrals$/,
    );
  });

  it('no registration or number is in the database in clear, in any spelling', async () => {
    await server.inbox.referrals.catchUp();
    let text: string;
    if (kind === 'sqlite') {
      // The file and its write-ahead log, as bytes.
      text = readdirSync(dataDir)
        .filter((f) => f.startsWith('receiver.sqlite'))
        .map((f) => readFileSync(join(dataDir, f)).toString('latin1'))
        .join('\n');
    } else {
      text = testPostgres()!.dump(new URL(database).pathname.slice(1));
      expect(text).toContain('inbox_entry_keys');
    }
    expect(text.length).toBeGreaterThan(10_000);
    // The scan reads the live data: the referrer's name is kept in clear in the index (practitioner data).
    expect(text).toContain('Sam Nurse');
    const lower = text.toLowerCase();
    for (const s of SPELLINGS) expect(lower.includes(s.toLowerCase()), s).toBe(false);
    expect(lower.includes('hyperlink')).toBe(false);
  });

  it('referrals indexed before entries were joined are scanned once, at the first look', async () => {
    const { sql, opts } = server.inbox;
    await sql.run('delete from inbox_entry_keys');
    await sql.run('delete from inbox_entry_scans');
    // A process started after the upgrade: its index of entries is empty until the backfill.
    const fresh = new EntryIndex(sql, opts.source, new InboxKeys(opts.childSecret));
    const before = await fresh.links((await opts.source.get(youthWorker.id))!, {
      teams: [],
      regions: [],
      role: 'admin',
    });
    expect(before.entries).toEqual([]);
    await fresh.backfill();
    const after = await fresh.links((await opts.source.get(youthWorker.id))!, {
      teams: [],
      regions: [],
      role: 'admin',
    });
    expect(ids({ entries: after.entries }, 'registration')).toEqual(
      [
        [schoolNurse.id, false],
        [aeNurse.id, true],
      ].sort(),
    );
    const scans = await sql.all<{ n: number }>('select count(*) as n from inbox_entry_scans');
    expect(Number(scans[0]!.n)).toBe(4);
  });

  it("a look at many of another team's matches writes a bounded number of audit rows, with the count", async () => {
    const number = '07700 900777';
    const mine = report('bolton', 'JD-MANY-0', { contacts: [{ value: number, type: 'phone' }] });
    expect(await send(base, wigan, mine)).toBe(201);
    const theirs = Array.from({ length: OUTSIDE_ROWS + 5 }, (_, i) =>
      report('wigan', `JD-MANY-${i + 1}`, { contacts: [{ value: number, type: 'phone' }] }),
    );
    for (const r of theirs) expect(await send(base, wigan, r)).toBe(201);
    const { body } = await links(mine.id, 'bolton');
    expect(body.entries[0]!.others).toBe(OUTSIDE_ROWS + 5);
    expect(body.entries[0]!.heldElsewhere).toEqual([{ heldBy: 'Wigan', count: OUTSIDE_ROWS + 5 }]);
    const rows = (await server.inbox.audit.list({ action: 'entry-link-outside', limit: 1000 })).filter((r) =>
      r.detail?.includes(mine.id),
    );
    expect(rows).toHaveLength(OUTSIDE_ROWS + 1);
    expect(rows.filter((r) => r.submissionId === null).map((r) => r.detail)).toEqual([
      `5 more referrals of other teams shown as held by them, from referral ${mine.id}`,
    ]);
  });

  it("a report's free text where the tool asks for registrations and numbers (002 L1259) joins a structured entry", async () => {
    const WM = getInstrument('wm-information-report')!;
    const answers: Answers = {
      'immediate-danger': 'no',
      'reporter-name': 'School nurse',
      information: 'A black car, ma67xza, waits outside the school; the driver rang her from (07700) 900-999 twice.',
    };
    const wm = makeSubmission(
      {
        kind: 'information-report',
        instrument: { id: WM.id, version: WM.version },
        childRef: 'JD-WM-5',
        result: score(WM, answers),
      },
      answers,
    );
    expect(await send(base, wigan, wm)).toBe(201);
    const { body } = await links(wm.id, 'admin');
    const car = body.entries.find((e) => e.kind === 'registration')!;
    expect(car.text).toBe('MA67XZA');
    expect(car.linked.map((l) => [l.id, l.partial])).toContainEqual([otherCar.id, false]);
    expect(body.entries.find((e) => e.kind === 'phone')!.linked.map((l) => l.id)).toContain(otherCar.id);
  });
});
