// Routing every submission, over real HTTP on SQLite and on PostgreSQL (issue 20, items 1 and 2):
// the server's reading, taken once at acceptance and stored, decides where a referral goes; a
// screening goes to the child's home area as answered ("Which area does the child live in?"), else its
// device's enrolled area, an information report to the area its answers name
// (never to the area the device claims); one with no area waits in its region's 'no area' queue
// until a reviewer covering the region (or an admin) sets it, with a note, audited.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getInstrument } from '../../src/domain/instruments/catalogue.ts';
import { score } from '../../src/domain/index.ts';
import { runAdmin } from '../../src/admin/main.ts';
import { startServer } from '../../src/server/main.ts';
import { enrolDevice, signedPost, type TestDevice } from '../helpers/device.ts';
import { account, enrolledDevice, gmReferral, signIn, useLink } from '../helpers/inbox.ts';
import { STORE_KINDS, freshDatabaseUrl, stopPostgres } from '../helpers/stores.ts';
import { makeSubmission } from '../helpers/submission.ts';
import { scores, spread } from '../helpers/answers.ts';
import { makeProof } from '../../src/sync/device-proof.ts';

afterAll(() => stopPostgres());

const GM_REPORT = getInstrument('gm-information-report')!;

/** A GM information report whose answers name `area` and whose routing claims `claimed`. */
function informationReport(area: string, claimed: string) {
  const answers = {
    'immediate-danger': 'no',
    area,
    'report-datetime': '2026-11-22T19:30',
    'reporter-name': 'Youth worker',
    details: 'Silver car collecting girls outside the home',
  };
  return makeSubmission(
    {
      kind: 'information-report',
      instrument: { id: GM_REPORT.id, version: GM_REPORT.version },
      childRef: 'RT-REPORT',
      result: score(GM_REPORT, answers),
      routing: { area: claimed, email: 'WiganPhoenixCSETeam@gmp.police.uk' },
    },
    answers,
  );
}

describe.each(STORE_KINDS)('routing on %s', (kind) => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let base: string;
  let env: NodeJS.ProcessEnv;
  let bolton: TestDevice;
  let nowhere: TestDevice;
  const cookies: Record<string, string> = {};
  // No area is answered in the measurement tool: it goes to the sending device's area.
  const measurement = gmReferral(30, 5, { childRef: 'RT-MEASURE' });
  const report = informationReport('bolton', 'Wigan');
  // The child's home area answered Wigan, sent from the device enrolled in Bolton: Wigan.
  const livesInWigan = makeSubmission(
    { childRef: 'RT-HOME-WIGAN' },
    scores('gm-cse-measurement-tool', spread(30), 5, { 'fact-home-area': 'Wigan' }),
  );
  const unrouted = gmReferral(45, 8, { childRef: 'RT-NOAREA' });
  const posted: Record<string, Record<string, unknown>> = {};

  beforeAll(async () => {
    const db = await freshDatabaseUrl(kind);
    server = await startServer({
      port: 0,
      dataDir: join(db.dataDir, 'data'),
      database: kind === 'postgres' ? db.database : join(db.dataDir, 'data', 'receiver.sqlite'),
      distDir: join(db.dataDir, 'no-dist'),
    });
    base = `http://localhost:${server.address().port}`;
    env = {
      ...process.env,
      CSE_DATA_DIR: server.paths.dataDir,
      CSE_SECRETS_DIR: server.paths.secretsDir,
      CSE_DATABASE_URL: server.paths.database,
      CSE_PUBLIC_URL: base,
    };
    // `npm run admin -- device add "<name>" --area Bolton` (typed in lower case: kept in the directory's spelling).
    const out: string[] = [];
    expect(await runAdmin(['device', 'add', 'Bolton school nurse', '--area', 'bolton'], (s) => out.push(s), env)).toBe(
      0,
    );
    expect(out[0]).toMatch(/\(Bolton school nurse, Bolton\)/);
    const enrolled = await enrolDevice(base, decodeURIComponent(out[1]!.split('code=')[1]!));
    expect(enrolled.res.status).toBe(201);
    // The device learns its own area from the enrolment answer (the app keeps it to fill in the home area).
    expect(enrolled.body.area).toBe('Bolton');
    bolton = enrolled.device;
    const deviceUrl = `${base}/api/device`;
    const status = await fetch(deviceUrl, { headers: { DPoP: await makeProof(bolton.key, 'GET', deviceUrl) } });
    expect(await status.json()).toMatchObject({ name: 'Bolton school nurse', state: 'active', area: 'Bolton' });
    nowhere = await enrolledDevice(server, base, 'Agency nurse, no area');

    await account(server.inbox, 'admin@example.org', 'admin');
    await account(server.inbox, 'bolton@example.org', 'reviewer', ['Bolton']);
    await account(server.inbox, 'wigan@example.org', 'reviewer', ['Wigan']);
    const { user, token } = await server.inbox.accounts.add({
      email: 'gm@example.org',
      role: 'reviewer',
      regions: ['greater-manchester'],
    });
    await useLink(server.inbox, token, 'correct horse battery');
    expect(user.regions).toEqual(['greater-manchester']);
    for (const who of ['admin', 'bolton', 'wigan', 'gm'])
      cookies[who] = (await signIn(base, `${who}@example.org`)).cookie!;

    for (const [device, sub] of [
      [bolton, measurement],
      [bolton, report],
      [bolton, livesInWigan],
      [nowhere, unrouted],
    ] as const) {
      const res = await signedPost(base, device, sub);
      expect(res.status).toBe(201);
      posted[sub.id] = await res.json();
    }
  }, 60_000);
  afterAll(() => server?.close());

  const get = (path: string, who: string) => fetch(`${base}/inbox/api${path}`, { headers: { Cookie: cookies[who]! } });
  const post = (path: string, who: string, body: unknown) =>
    fetch(`${base}/inbox/api${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: base, Cookie: cookies[who]! },
      body: JSON.stringify(body),
    });
  const listed = async (who: string, query = '') =>
    ((await (await get(`/referrals${query}`, who)).json()).items as { id: string }[]).map((i) => i.id);

  it("stores the server's reading with each submission: the area and where it came from", async () => {
    const m = (await server.store.get(measurement.id))!;
    expect(m).toMatchObject({ area: 'Bolton', areaFrom: 'device', deviceArea: 'Bolton', needsArea: false });
    expect(m).toMatchObject({ region: 'greater-manchester', level: 'Medium (21 – 40)', severity: 2, priority: 2 });
    const w = (await server.store.get(livesInWigan.id))!;
    expect(w).toMatchObject({ area: 'Wigan', areaFrom: 'answers', deviceArea: 'Bolton', needsArea: false });
    expect(posted[livesInWigan.id]!.disagreement).toBeNull();
    const r = (await server.store.get(report.id))!;
    expect(r).toMatchObject({ area: 'Bolton', areaFrom: 'answers', needsArea: false });
    const u = (await server.store.get(unrouted.id))!;
    expect(u).toMatchObject({ area: null, areaFrom: 'none', needsArea: true, priority: 3 });
    // The device's claim of Wigan is a disagreement, named in the directory's words.
    expect(posted[report.id]!.disagreement).toBe('area: device "Wigan", endpoint "Bolton"');
    expect(posted[measurement.id]!.disagreement).toBeNull();
  });

  it('a reviewer limited to Bolton lists and opens both; one limited to Wigan sees neither', async () => {
    expect((await listed('bolton')).sort()).toEqual([measurement.id, report.id].sort());
    for (const id of [measurement.id, report.id]) expect((await get(`/referrals/${id}`, 'bolton')).status).toBe(200);
    expect(await listed('wigan')).toEqual([livesInWigan.id]);
    for (const id of [measurement.id, report.id]) expect((await get(`/referrals/${id}`, 'wigan')).status).toBe(403);
    expect((await get(`/referrals?team=Wigan`, 'admin')).status).toBe(200);
    expect(await listed('admin', '?team=Wigan')).toEqual([livesInWigan.id]);
  });

  it("a measurement answered 'lives in Wigan' from the Bolton device goes to Wigan, not Bolton", async () => {
    expect((await get(`/referrals/${livesInWigan.id}`, 'wigan')).status).toBe(200);
    expect((await get(`/referrals/${livesInWigan.id}`, 'bolton')).status).toBe(403);
    const row = (await (await get('/referrals?team=Wigan', 'admin')).json()).items[0];
    expect(row).toMatchObject({ id: livesInWigan.id, areaTeam: 'Wigan', areaFrom: 'answers', needsArea: false });
  });

  it("a screening with no area from a device with none waits in the region's 'no area' view", async () => {
    const noArea = await (await get('/referrals?noArea=1', 'admin')).json();
    expect(noArea.items.map((i: { id: string }) => i.id)).toEqual([unrouted.id]);
    expect(noArea.items[0]).toMatchObject({ areaTeam: null, areaFrom: 'none', needsArea: true });
    expect(await listed('gm', '?noArea=1')).toEqual([unrouted.id]);
    expect(await listed('bolton', '?noArea=1')).toEqual([]);
    expect(await listed('wigan')).toEqual([livesInWigan.id]);
    const area = await (await get(`/referrals/${unrouted.id}/area`, 'gm')).json();
    expect(area).toMatchObject({ canSet: true, changes: [] });
    expect(area.areas).toHaveLength(10);
  });

  it('only a reviewer covering the region (or an admin) sets it; to an area of the region, with a note', async () => {
    const byBolton = await post(`/referrals/${unrouted.id}/area`, 'bolton', { area: 'Wigan', note: 'Lives in Wigan' });
    expect(byBolton.status).toBe(403);
    const wrong = await post(`/referrals/${unrouted.id}/area`, 'gm', { area: 'Leeds', note: 'Lives in Leeds' });
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).error.message).toMatch(/Valid areas: Bolton, Bury, Manchester, .*Wigan\./);
    const noNote = await post(`/referrals/${unrouted.id}/area`, 'gm', { area: 'Wigan', note: ' ' });
    expect(noNote.status).toBe(400);
    expect(await listed('wigan')).toEqual([livesInWigan.id]);
  });

  it('a region reviewer sets it to Wigan; the Wigan reviewer then sees it; the change is in the audit', async () => {
    const res = await post(`/referrals/${unrouted.id}/area`, 'gm', {
      area: 'wigan',
      note: 'The school says the child lives in Wigan',
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.referral).toMatchObject({ areaTeam: 'Wigan', areaFrom: 'reviewer', needsArea: false });
    expect(body.changes).toMatchObject([
      { from: null, to: 'Wigan', userEmail: 'gm@example.org', note: 'The school says the child lives in Wigan' },
    ]);
    expect((await listed('wigan')).sort()).toEqual([unrouted.id, livesInWigan.id].sort());
    expect((await get(`/referrals/${unrouted.id}`, 'wigan')).status).toBe(200);
    expect(await listed('admin', '?noArea=1')).toEqual([]);
    expect(await listed('bolton')).not.toContain(unrouted.id);
    const audit = await server.inbox.audit.list({ submissionId: unrouted.id, action: 'area-set' });
    expect(audit).toMatchObject([{ actor: 'gm@example.org', detail: 'no area → Wigan' }]);
    // The note is sealed at rest; the history cannot be changed.
    const raw = JSON.stringify(await server.inbox.sql.all('select * from inbox_area_changes'));
    expect(raw).not.toContain('lives in Wigan');
    await expect(server.inbox.sql.run('delete from inbox_area_changes')).rejects.toThrow(/append-only/);
  });

  it('area and region names are checked against the directory wherever they are typed', async () => {
    const out: string[] = [];
    expect(await runAdmin(['device', 'add', 'Somewhere', '--area', 'Leeds'], (s) => out.push(s), env)).toBe(2);
    expect(out.join('\n')).toMatch(/"Leeds" is not an area of the directory\. Valid areas: Bolton, .*Wolverhampton\./);
    const users = await post('/users', 'admin', { email: 'x@example.org', role: 'reviewer', teams: ['Bolten'] });
    expect(users.status).toBe(400);
    expect((await users.json()).error.message).toMatch(/"Bolten" is not an area.*Valid areas: Bolton/);
    const region = await post('/users', 'admin', { email: 'y@example.org', role: 'reviewer', regions: ['gm'] });
    expect((await region.json()).error.message).toMatch(/Valid regions: greater-manchester, bury/);
    const device = await post('/devices', 'admin', { name: 'Ward 3', area: 'Nowhere' });
    expect(device.status).toBe(400);
    const ok = await post('/devices', 'admin', { name: 'Ward 3', area: 'wigan' });
    expect(ok.status).toBe(201);
  });
  it('at start, readings from an older instrument are re-read by the same function; a reviewer-set area stays', async () => {
    // A reading from an older instrument version, in the receiver's table and the inbox's index.
    await server.store.sql.run("update submissions set reading_version = 'old', priority = 0 where id = ?", [
      unrouted.id,
    ]);
    await server.inbox.sql.run(
      "update inbox_referrals set reading_version = 'old', priority = 0 where submission_id = ?",
      [unrouted.id],
    );
    const paths = server.paths;
    await server.close();
    server = await startServer({
      port: 0,
      dataDir: paths.dataDir,
      secretsDir: paths.secretsDir,
      database: paths.database,
      distDir: join(paths.dataDir, 'no-dist'),
    });
    base = `http://localhost:${server.address().port}`;
    expect((await server.store.get(unrouted.id))!).toMatchObject({ priority: 3, needsArea: true, areaFrom: 'none' });
    const rows = (await (await get('/referrals?team=Wigan', 'admin')).json()).items as { id: string }[];
    expect(rows.find((r) => r.id === unrouted.id)).toMatchObject({
      priority: 3,
      areaTeam: 'Wigan',
      areaFrom: 'reviewer',
    });
  });
});
