// One suite, both stores: the same behaviour on SQLite and on PostgreSQL.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReceiverStore } from '../../src/receiver/store/receiver-store.ts';
import {
  STORE_KINDS,
  ensurePostgres,
  freshDatabaseUrl,
  stopPostgres,
  testEnvelope,
  testPostgres,
} from '../helpers/stores.ts';

beforeAll(() => ensurePostgres(), 60_000);
afterAll(() => stopPostgres());

const row = (id: string, body = '{"childRef":"CANARY-Ellie"}') => ({
  id,
  instrumentId: 'gm-cse-measurement-tool',
  instrumentVersion: '1.0.0',
  kind: 'assessment',
  level: 'Medium (21 – 40)',
  deviceLevel: 'No concerns',
  disagreement: 'level differs',
  area: 'Tameside',
  team: null,
  deviceId: 'dev-1',
  severity: 2,
  priority: 2,
  safety: [],
  region: 'greater-manchester',
  areaFrom: 'device',
  needsArea: false,
  deviceArea: 'Tameside',
  readingVersion: 'test',
  body,
});

describe.each(STORE_KINDS)('receiver store on %s', (kind) => {
  const open = async () =>
    ReceiverStore.open({ database: (await freshDatabaseUrl(kind)).database, envelope: testEnvelope() });

  it('stores a submission once: a repeat gets the same receipt, a different body is a conflict', async () => {
    const s = await open();
    const id = crypto.randomUUID();
    const a = await s.insertOnce(row(id));
    expect(a.status).toBe('created');
    const b = await s.insertOnce(row(id));
    expect(b).toEqual({ status: 'duplicate', stored: a.stored });
    expect((await s.insertOnce(row(id, '{"childRef":"other"}'))).status).toBe('conflict');
    expect(await s.count()).toBe(1);
    const got = await s.get(id);
    expect(got).toMatchObject({
      id,
      level: 'Medium (21 – 40)',
      deviceLevel: 'No concerns',
      area: 'Tameside',
      body: { childRef: 'CANARY-Ellie' },
    });
    await s.close();
  });

  it('50 concurrent copies of one submission store one row with one receipt', async () => {
    const s = await open();
    const id = crypto.randomUUID();
    const outs = await Promise.all(Array.from({ length: 50 }, () => s.insertOnce(row(id))));
    expect(outs.filter((o) => o.status === 'created')).toHaveLength(1);
    expect(new Set(outs.map((o) => o.stored.receipt)).size).toBe(1);
    expect(await s.count()).toBe(1);
    await s.close();
  });

  it('concurrent transactions, one failing half-way: its writes are undone and only it fails; the others are all stored', async () => {
    const s = await open();
    const ids = Array.from({ length: 20 }, () => crypto.randomUUID());
    const outs = await Promise.allSettled(
      ids.map((id, i) =>
        i === 7
          ? s.sql.transaction(async (tx) => {
              await tx.run('insert into proof_jti (jti, device_id, seen_at) values (?, ?, ?)', [
                `half-${id}`,
                'dev-1',
                new Date().toISOString(),
              ]);
              throw new Error('failed after its first write');
            })
          : s.insertOnce(row(id)),
      ),
    );
    expect(outs.map((o) => o.status)).toEqual(ids.map((_, i) => (i === 7 ? 'rejected' : 'fulfilled')));
    expect(await s.count()).toBe(19);
    expect(await s.proofSeen(`half-${ids[7]}`)).toBe(false);
    // The store stays usable after the failure.
    expect((await s.insertOnce(row(crypto.randomUUID()))).status).toBe('created');
    await s.close();
  });

  it('pages with a cursor, oldest first, and never holds the body in clear', async () => {
    const s = await open();
    const ids = Array.from({ length: 7 }, () => crypto.randomUUID());
    for (const id of ids) await s.insertOnce(row(id));
    const p1 = await s.list(0, 3);
    const p2 = await s.list(p1.at(-1)!.seq, 3);
    const p3 = await s.list(p2.at(-1)!.seq, 3);
    expect([...p1, ...p2, ...p3].map((r) => r.id)).toEqual(ids);
    expect(p3).toHaveLength(1);
    const raw = await s.sql.all<Record<string, unknown>>('select * from submissions');
    expect(JSON.stringify(raw)).not.toContain('CANARY');
    await s.close();
  });

  it('enrols a device once with its code, refuses reuse and expiry, revokes at once', async () => {
    const s = await open();
    const { device, code } = await s.addDevice('Sam Nurse, Ward 3');
    expect(device.state).toBe('pending');
    const r = await s.redeem(code, 'jkt-1', '{"kty":"EC"}');
    expect(r).toMatchObject({ status: 'enrolled', device: { id: device.id, state: 'active', jkt: 'jkt-1' } });
    expect((await s.redeem(code, 'jkt-2', '{}')).status).toBe('used');
    expect((await s.redeem('no-such-code', 'jkt-3', '{}')).status).toBe('unknown');
    const late = await s.addDevice('Late', 1000, Date.now() - 2000);
    expect((await s.redeem(late.code, 'jkt-4', '{}')).status).toBe('expired');
    const again = await s.addDevice('Same key');
    expect((await s.redeem(again.code, 'jkt-1', '{}')).status).toBe('key-in-use');
    expect((await s.deviceByKey('jkt-1'))?.id).toBe(device.id);
    expect(await s.revoke(device.id)).toBe(true);
    expect((await s.deviceByKey('jkt-1'))?.state).toBe('revoked');
    expect((await s.devices()).map((d) => d.name).sort()).toEqual(['Late', 'Sam Nurse, Ward 3', 'Same key']);
    await s.close();
  });

  it('two racing redemptions of one code: exactly one wins', async () => {
    const s = await open();
    const { code } = await s.addDevice('Race');
    const outs = await Promise.all(Array.from({ length: 8 }, (_, i) => s.redeem(code, `race-${i}`, '{}')));
    expect(outs.filter((o) => o.status === 'enrolled')).toHaveLength(1);
    await s.close();
  });

  it('remembers proof ids: the second sight of a jti is a replay', async () => {
    const s = await open();
    expect(await s.rememberProof('jti-1', 'dev')).toBe(true);
    expect(await s.rememberProof('jti-1', 'dev')).toBe(false);
    expect(await s.proofSeen('jti-1')).toBe(true);
    // Recorded with a submission, in its transaction: a replay writes nothing.
    const id = crypto.randomUUID();
    expect((await s.insertOnce(row(id), { jti: 'jti-2', deviceId: 'dev' })).status).toBe('created');
    expect((await s.insertOnce(row(crypto.randomUUID()), { jti: 'jti-2', deviceId: 'dev' })).status).toBe('replay');
    expect(await s.count()).toBe(1);
    expect(await s.forgetProofsBefore(Date.now() + 1000)).toBe(2);
    await s.close();
  });

  it("counts a device's submissions since a time, for its quota", async () => {
    const s = await open();
    const since = new Date(Date.now() - 1000).toISOString();
    for (let i = 0; i < 3; i++) await s.insertOnce(row(crypto.randomUUID()));
    expect(await s.countForDevice('dev-1', since)).toBe(3);
    expect(await s.countForDevice('dev-2', since)).toBe(0);
    await s.close();
  });

  it('runs each migration once (reopening applies nothing new)', async () => {
    const { database } = await freshDatabaseUrl(kind);
    const env = testEnvelope();
    const a = await ReceiverStore.open({ database, envelope: env });
    const before = await a.sql.all<{ name: string }>('select name from schema_migrations');
    await a.close();
    const b = await ReceiverStore.open({ database, envelope: env });
    expect(await b.sql.all('select name from schema_migrations')).toEqual(before);
    expect(before.map((r) => r.name)).toContain('receiver/001-submissions-devices');
    await b.close();
  });

  it('three processes opening an empty database together all come up, each migration applied once (issue 24)', async () => {
    const { database } = await freshDatabaseUrl(kind);
    const child = join(import.meta.dirname, '../helpers/open-store.child.ts');
    const outs = await Promise.all(
      [1, 2, 3].map(
        () =>
          new Promise<{ code: number | null; out: string }>((ok) => {
            const c = spawn(process.execPath, ['--import', 'tsx', child, database], {
              stdio: ['ignore', 'pipe', 'pipe'],
            });
            let out = '';
            c.stdout.on('data', (d) => (out += d));
            c.stderr.on('data', (d) => (out += d));
            c.on('exit', (code) => ok({ code, out }));
          }),
      ),
    );
    expect(outs).toEqual(Array.from({ length: 3 }, () => ({ code: 0, out: 'opened\n' })));
    const s = await ReceiverStore.open({ database, envelope: testEnvelope() });
    const names = (await s.sql.all<{ name: string }>('select name from schema_migrations')).map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('receiver/003-shared-rate-windows');
    expect(names).toContain('inbox/001-accounts-referrals-audit');
    await s.close();
  }, 60_000);

  it('a rate window shared by two connections grants exactly its limit however the takes interleave', async () => {
    const { database } = await freshDatabaseUrl(kind);
    const env = testEnvelope();
    // Two connections on PostgreSQL; on SQLite one (two in one process would block each other's awaiting
    // transactions: better-sqlite3 waits synchronously), where the single statement is what is under test.
    const a = await ReceiverStore.open({ database, envelope: env });
    const b = kind === 'postgres' ? await ReceiverStore.open({ database, envelope: env }) : a;
    const t0 = Date.now();
    // 60 takes of 7 against a limit of 100: 100 granted in all (the take that crosses it gets the remainder).
    const grants = await Promise.all(
      Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).takeAllowance('submissions:dev-x', 7, 100, 60_000, t0)),
    );
    expect(grants.reduce((n, g) => n + g.granted, 0)).toBe(100);
    expect(grants.filter((g) => g.granted > 0 && g.granted < 7)).toHaveLength(1);
    expect(Math.max(...grants.map((g) => g.used))).toBe(100);
    // Another key has its own window; the window ends 60 s after its first take, then the allowance is whole again.
    expect((await a.takeAllowance('submissions:dev-y', 5, 100, 60_000, t0 + 10_000)).granted).toBe(5);
    const spent = await b.takeAllowance('submissions:dev-x', 1, 100, 60_000, t0 + 59_000);
    expect(spent).toEqual({ granted: 0, used: 100, resetsInMs: 1_000 });
    expect(await a.takeAllowance('submissions:dev-x', 1, 100, 60_000, t0 + 60_000)).toEqual({
      granted: 1,
      used: 1,
      resetsInMs: 60_000,
    });
    expect(await a.forgetRateWindowsBefore(t0 + 30_000)).toBe(1); // dev-y's window, opened at t0 + 10 s
    await a.close();
    if (b !== a) await b.close();
  });

  if (kind === 'postgres')
    it('a pg_dump holds no child data', async () => {
      const { database } = await freshDatabaseUrl(kind);
      const s = await ReceiverStore.open({ database, envelope: testEnvelope() });
      const id = crypto.randomUUID();
      await s.insertOnce(row(id));
      // This test's own database (the default is the empty `postgres` one), shown to hold the row it scans.
      const dump = testPostgres()!.dump(new URL(database).pathname.slice(1));
      expect(dump).toContain(id);
      expect(dump).not.toContain('CANARY');
      await s.close();
    });
});
