// The inbox's domain without HTTP: ranking by the server's own re-score,
// sessions' idle timeout, the throttle per address, and passwords.
import { describe, expect, it } from 'vitest';
import { readFacts, score, screenedOn } from '../../src/domain/index.ts';
import { getInstrument } from '../../src/domain/instruments/catalogue.ts';
import { readingOf } from '../../src/receiver/domain/accept.ts';
import { hashPassword, verifyPassword } from '../../src/inbox-server/passwords.ts';
import { inboxPlugin } from '../../src/inbox-server/plugin.ts';
import { CHAIN_PAGE } from '../../src/inbox-server/routes/referrals.ts';
import { InboxService } from '../../src/inbox-server/service.ts';
import Fastify from 'fastify';
import { migrate } from '../../src/receiver/store/migrations.ts';
import { SqliteSql } from '../../src/receiver/store/sqlite.ts';
import type { StoredSubmission, SubmissionSource } from '../../src/inbox-server/source.ts';
import type { Submission } from '../../src/contract/submission.ts';
import { scores, spread } from '../helpers/answers.ts';
import { gmReferral } from '../helpers/inbox.ts';
import { makeSubmission } from '../helpers/submission.ts';

/** A fresh in-memory database with every registered migration (the receiver's and the inbox's). */
async function memorySql(): Promise<SqliteSql> {
  const sql = new SqliteSql(':memory:');
  await migrate(sql, (ddl) => sql.exec(ddl));
  return sql;
}

/** The server's reading, as the receiver takes it when it accepts a submission (no device area). */
const assess = (sub: Submission) => readingOf(sub, null).reading;
const childAge = (sub: Submission) => readFacts(sub.answers, screenedOn(sub)).age;

class ListSource implements SubmissionSource {
  rows: StoredSubmission[] = [];
  add(body: Submission, receivedAt: string, area?: string) {
    const r = { ...assess(body), ...(area ? { area, needsArea: false } : {}) };
    this.rows.push({
      id: body.id,
      seq: this.rows.length + 1,
      receivedAt,
      receipt: `R-${this.rows.length}`,
      body,
      reading: { ...r, readingVersion: 'test' },
    });
  }
  async after(seq: number, limit: number) {
    return this.rows.filter((r) => r.seq > seq).slice(0, limit);
  }
  async get(id: string) {
    return this.rows.find((r) => r.id === id);
  }
  async getMany(ids: string[]) {
    return new Map(this.rows.filter((r) => ids.includes(r.id)).map((r) => [r.id, r]));
  }
}

const nscbAssessment = (age: number, cats: number, pj: number) => {
  const id = 'nscb-cse-assessment';
  const inst = getInstrument(id);
  if (!inst) throw new Error('no NSCB assessment');
  const answers = scores(id, spread(cats), pj, { age });
  return makeSubmission({ instrument: { id, version: inst.version }, result: score(inst, answers) }, answers);
};

describe("ranking by the server's re-score", () => {
  it("a lying device does not lower a referral: the server's level is used", () => {
    const sub = gmReferral(45, 8); // 53: High (41 – 60), 000 L1661
    const lying = { ...sub, result: { ...sub.result, level: 'Lower (10 – 20)', severity: 1, total: 12 } };
    expect(assess(lying)).toMatchObject({ level: 'High (41 – 60)', severity: 3, priority: 3 });
  });

  it('a child under 13 is a safety route: top rank whatever the band', () => {
    const young = nscbAssessment(11, 10, 1);
    const a = assess(young);
    expect(a.safety).toContain('Child under 13');
    expect(a.priority).toBe(3);
    expect(assess(nscbAssessment(15, 10, 1)).safety).not.toContain('Child under 13');
  });

  it('a date of birth with no age or date of assessment: the age on the day the device finished it (its own time zone), under 13 at the top', () => {
    const id = 'nscb-cse-assessment';
    const inst = getInstrument(id)!;
    const answers = { ...scores(id, spread(10), 1), 'yp-dob': '2013-06-15' };
    const at = (time: string, timezone = 'Europe/London') =>
      makeSubmission({ instrument: { id, version: inst.version }, device: { time, timezone } }, answers);
    expect(childAge(at('2026-06-14T10:00:00Z'))).toBe(12); // the day before the 13th birthday (003 L2170: under 13)
    expect(childAge(at('2026-06-15T10:00:00Z'))).toBe(13);
    // 23:30 UTC on the 14th is already the 15th in London (BST): 13 there, as the device read it.
    expect(childAge(at('2026-06-14T23:30:00Z'))).toBe(13);
    expect(childAge(at('2026-06-14T23:30:00Z', 'UTC'))).toBe(12);
    const young = assess(at('2026-06-14T10:00:00Z'));
    expect(young.safety).toContain('Child under 13');
    expect(young.priority).toBe(3);
    // The server's re-score reads the same day: the NSCB under-13 floor lifts it from Green (003 L2170).
    expect(young.level).toBe('Amber (18-42)');
  });

  it('the list: rank first, newest first within, with a cursor that walks every row once', async () => {
    const source = new ListSource();
    const svc = new InboxService({ sql: await memorySql(), source, childSecret: Buffer.alloc(32, 7) });
    const made: [Submission, string][] = [
      [gmReferral(12, 2), '2026-01-01T10:00:00Z'], // Lower
      [gmReferral(45, 8), '2026-01-01T09:00:00Z'], // High, older
      [gmReferral(30, 5), '2026-01-02T10:00:00Z'], // Medium, newest
      [gmReferral(46, 9), '2026-01-01T11:00:00Z'], // High, newer
      [gmReferral(30, 4), '2026-01-01T08:00:00Z'], // Medium, older
    ];
    for (const [s, at] of made) source.add(s, at);
    await svc.referrals.catchUp();
    const order: string[] = [];
    let cursor;
    do {
      const page = await svc.referrals.list({}, { teams: [], regions: [] }, cursor, 2);
      order.push(...page.items.map((i) => i.id));
      cursor = page.next ? JSON.parse(Buffer.from(page.next, 'base64url').toString()) : undefined;
      cursor = cursor && { p: cursor[0], r: cursor[1], i: cursor[2] };
    } while (cursor);
    expect(order).toEqual([made[3]![0].id, made[1]![0].id, made[2]![0].id, made[4]![0].id, made[0]![0].id]);
    // Catching up again adds nothing twice.
    await svc.referrals.catchUp();
    expect((await svc.referrals.list({}, { teams: [], regions: [] }, undefined, 50)).items).toHaveLength(5);
    await svc.sql.close();
  });
});

describe('sessions and throttle', () => {
  it('a session ends after the idle time, and is kept alive by use', async () => {
    let t = 1_000_000;
    const svc = new InboxService({
      sql: await memorySql(),
      source: new ListSource(),
      childSecret: Buffer.alloc(32),
      now: () => t,
      idleMs: 60_000,
    });
    const { user } = await svc.accounts.add({ email: 'a@example.org', role: 'reviewer' });
    const sid = await svc.sessions.create(user.id, '127.0.0.1', true);
    t += 59_000;
    expect(await svc.sessions.touch(sid)).toBeDefined();
    t += 59_000;
    expect(await svc.sessions.touch(sid)).toBeDefined();
    t += 61_000;
    expect(await svc.sessions.touch(sid)).toBeUndefined();
    await svc.sql.close();
  });

  it('per address: many accounts guessed from one address are all refused after the limit', async () => {
    let t = 0;
    const svc = new InboxService({
      sql: await memorySql(),
      source: new ListSource(),
      childSecret: Buffer.alloc(32),
      now: () => t,
      throttle: { account: 5, address: 20, windowMs: 900_000 },
    });
    for (let i = 0; i < 20; i++) {
      expect(await svc.throttle.reserve(`user${i}@example.org`, '10.0.0.9')).toBe(0);
      await svc.throttle.failed();
    }
    expect(await svc.throttle.reserve('someone-else@example.org', '10.0.0.9')).toBeGreaterThan(0);
    expect(await svc.throttle.reserve('someone-else@example.org', '10.0.0.10')).toBe(0);
    await svc.throttle.release('someone-else@example.org', '10.0.0.10');
    t += 900_001;
    expect(await svc.throttle.reserve('someone-else@example.org', '10.0.0.9')).toBe(0);
    await svc.sql.close();
  });
});

describe('passwords', () => {
  it('scrypt hashes verify only the same password, and carry their parameters', async () => {
    const h = await hashPassword('a long enough passphrase');
    expect(h).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword('a long enough passphrase', h)).toBe(true);
    expect(await verifyPassword('a long enough passphrasE', h)).toBe(false);
    expect(await verifyPassword('anything', null)).toBe(false);
  });
});

describe("a referral's other records for the child", () => {
  it('come a page at a time, newest first, within the account’s areas: 2,400 records, 1,600 in its area', async () => {
    const source = new ListSource();
    const svc = new InboxService({ sql: await memorySql(), source, childSecret: Buffer.alloc(32) });
    // One child reference, 2,400 records: two of every three in Bolton, the third in Wigan; others for another child.
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    for (let i = 0; i < 2400; i++)
      source.add(
        gmReferral(20, 3, { childRef: 'MANY-1' }),
        new Date(t0 + Math.floor(i / 2) * 60_000).toISOString(), // two at each minute: the cursor must split ties
        i % 3 === 2 ? 'Wigan' : 'Bolton',
      );
    for (let i = 0; i < 5; i++)
      source.add(gmReferral(20, 3, { childRef: 'OTHER-2' }), new Date(t0).toISOString(), 'Bolton');
    const { user } = await svc.accounts.add({ email: 'bolton@example.org', role: 'reviewer', teams: ['Bolton'] });
    const sid = await svc.sessions.create(user.id, '127.0.0.1', true);
    const app = Fastify();
    await app.register(inboxPlugin(svc, { distDir: 'dist' }));
    const get = async (url: string) => {
      const res = await app.inject({ method: 'GET', url: `/inbox/api${url}`, headers: { cookie: `cse-inbox=${sid}` } });
      expect(res.statusCode).toBe(200);
      return res.json() as {
        chain: { id: string; receivedAt: string }[];
        chainNext: string | null;
        chainTotal: number;
        chainHidden: number;
      };
    };
    const bolton = source.rows.filter((r, i) => i < 2400 && i % 3 !== 2);
    const first = await get(`/referrals/${bolton[0]!.id}`);
    expect(first.chain).toHaveLength(CHAIN_PAGE);
    expect(first.chainTotal).toBe(1600);
    expect(first.chainHidden).toBe(800);
    // Following "Show more" to the end: every Bolton record once, newest first, no Wigan one, no other child's.
    const seen = [...first.chain];
    let next = first.chainNext;
    let pages = 1;
    while (next) {
      const page = await get(`/referrals/${bolton[0]!.id}/chain?after=${next}`);
      expect(page.chain.length).toBeLessThanOrEqual(CHAIN_PAGE);
      seen.push(...page.chain);
      next = page.chainNext;
      pages++;
    }
    expect(pages).toBe(1600 / CHAIN_PAGE);
    expect(new Set(seen.map((r) => r.id))).toEqual(new Set(bolton.map((r) => r.id)));
    expect(seen).toHaveLength(1600);
    const times = seen.map((r) => r.receivedAt);
    expect([...times].sort().reverse()).toEqual(times);
    // A made-up cursor is refused in words.
    const bad = await app.inject({
      method: 'GET',
      url: `/inbox/api/referrals/${bolton[0]!.id}/chain?after=not-a-cursor`,
      headers: { cookie: `cse-inbox=${sid}` },
    });
    expect(bad.statusCode).toBe(400);
    await app.close();
    await svc.sql.close();
  }, 60_000);
});
