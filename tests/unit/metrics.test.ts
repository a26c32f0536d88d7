// Issue 24, item 5: GET /metrics in Prometheus' text format, behind the admin token, on both stores:
// submissions received and refused by code (this instance's), referrals by review state, the oldest
// unreviewed referral's age, alert sends and failures, sign-in failures (the database's); no child data
// and no ids anywhere in the text.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/server/main.ts';
import { asItem, signedBatch, signedPost } from '../helpers/device.ts';
import { account, enrolledDevice, signIn } from '../helpers/inbox.ts';
import { STORE_KINDS, ensurePostgres, freshDatabaseUrl, stopPostgres } from '../helpers/stores.ts';
import { makeSubmission } from '../helpers/submission.ts';

beforeAll(() => ensurePostgres(), 60_000);
afterAll(() => stopPostgres());

/** The value of one sample (`name{labels}`), or undefined when the text has no such line. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe.each(STORE_KINDS)('/metrics on %s', (kind) => {
  let server: RunningServer;
  let base: string;

  beforeAll(async () => {
    const db = await freshDatabaseUrl(kind);
    server = await startServer({
      port: 0,
      dataDir: join(db.dataDir, 'data'),
      database: kind === 'postgres' ? db.database : join(db.dataDir, 'data', 'receiver.sqlite'),
      distDir: join(db.dataDir, 'no-dist'),
      // Three a minute, so the fourth is refused as rate-limited.
      limits: { perDevicePerMinute: 3 },
    });
    base = `http://localhost:${server.address().port}`;
  }, 60_000);
  afterAll(() => server?.close());

  const scrape = async (token = server.adminToken) => {
    const res = await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };

  it('is refused without the admin token, with a wrong one, and to a device', async () => {
    const none = await fetch(`${base}/metrics`);
    expect(none.status).toBe(401);
    expect(await none.text()).not.toContain('cse_');
    expect((await scrape('not-the-token')).status).toBe(401);
    const device = await fetch(`${base}/metrics`, { headers: { DPoP: 'x.y.z' } });
    expect(device.status).toBe(401);
    await device.arrayBuffer();
  });

  it('counts what was received and refused, reads review states, the oldest wait, alerts and sign-in failures', async () => {
    const device = await enrolledDevice(server, base, 'Bolton school nurse', 'Bolton');
    const subs = [
      makeSubmission({ childRef: 'CANARY-REF-1' }),
      makeSubmission({ childRef: 'CANARY-REF-2' }),
      makeSubmission({ childRef: 'CANARY-REF-3' }),
    ];
    for (const s of subs) expect((await signedPost(base, device, s)).status).toBe(201);
    // The fourth this minute: 429 rate-limited. A body that is not a submission: 400 (its own code).
    expect((await signedPost(base, device, makeSubmission())).status).toBe(429);
    const other = await enrolledDevice(server, base, 'Wigan school nurse', 'Wigan');
    const bad = await signedPost(base, other, {
      ...makeSubmission(),
      instrument: { id: 'no-such-tool', version: '1' },
    });
    expect(bad.status).toBe(400);
    const badCode = ((await bad.json()) as { error: { code: string } }).error.code;
    // A batch of two from the second device: one stored, one repeated (a duplicate is not a refusal).
    const batch = await signedBatch(base, other, [asItem(makeSubmission()), asItem(subs[0]!)]);
    expect(batch.status).toBe(200);
    await batch.arrayBuffer();
    // One failed sign-in; a referral picked up; alert sends and failures as the alert sender audits them.
    await account(server.inbox, 'duty@example.org', 'reviewer', ['Bolton', 'Wigan']);
    expect((await signIn(base, 'duty@example.org', 'wrong password entirely')).status).toBe(401);
    await server.inbox.referrals.catchUp();
    const duty = { id: 'cli', email: 'cli' };
    await server.inbox.referrals.setState(subs[1]!.id, 'in-review', duty, 'picked up');
    for (const action of ['alert-sent', 'alert-sent', 'alert-retry', 'alert-failed'] as const)
      await server.inbox.audit.write({ actor: 'alerts', action, address: 'server' });

    const { status, type, text } = await scrape();
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    // 3 + 1 single POSTs, 1 refused whole, 2 batch items: 7 answered; refused: one rate-limited, one bad.
    expect(sample(text, 'cse_submissions_received_total')).toBe(7);
    expect(sample(text, 'cse_submissions_refused_total', 'code="rate-limited"')).toBe(1);
    expect(sample(text, 'cse_submissions_refused_total', `code="${badCode}"`)).toBe(1);
    expect(sample(text, 'cse_submissions_stored')).toBe(4);
    expect(sample(text, 'cse_referrals', 'state="new"')).toBe(3);
    expect(sample(text, 'cse_referrals', 'state="in-review"')).toBe(1);
    expect(sample(text, 'cse_referrals', 'state="closed"')).toBe(0);
    // The oldest still New is the first one sent.
    const first = (await server.store.get(subs[0]!.id))!;
    const waited = (Date.now() - Date.parse(first.receivedAt)) / 1000;
    const age = sample(text, 'cse_oldest_unreviewed_referral_age_seconds')!;
    expect(Math.abs(age - waited)).toBeLessThanOrEqual(2);
    expect(sample(text, 'cse_alert_sends_total')).toBe(2);
    expect(sample(text, 'cse_alert_send_failures_total')).toBe(2);
    expect(sample(text, 'cse_alert_emails', 'state="failed"')).toBe(0);
    expect(sample(text, 'cse_sign_in_failures_total')).toBe(1);
    expect(sample(text, 'cse_process_resident_memory_bytes')).toBeGreaterThan(0);
    // Nothing that names a child, a submission, a device or a person.
    for (const s of subs) {
      expect(text).not.toContain(s.id);
      expect(text).not.toContain(s.childRef);
    }
    for (const d of await server.store.devices()) expect(text).not.toContain(d.id);
    expect(text).not.toContain('duty@example.org');
    expect(text).not.toMatch(/CANARY|Bolton|Wigan/);
  });
});
