// `npm run admin -- rotate kek | endpoint-key | inbox-key` against a running
// server over HTTP, on SQLite and PostgreSQL: submissions keep arriving and
// every one stays readable; the old key opens nothing afterwards (the KEK, the
// inbox key) or only for its grace period (the endpoint key); each audited.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../../src/admin/main.ts';
import { InboxKeys } from '../../src/inbox-server/sealing.ts';
import type { EndpointKeyFile } from '../../src/receiver/keys.ts';
import { Envelope } from '../../src/receiver/store/envelope.ts';
import { startServer } from '../../src/server/main.ts';
import { sealTo } from '../../src/sync/seal.ts';
import { makeProof } from '../../src/sync/device-proof.ts';
import { account, enrolledDevice, gmReferral, send, signIn } from '../helpers/inbox.ts';
import { signedPost } from '../helpers/device.ts';
import { STORE_KINDS, freshDatabaseUrl, stopPostgres } from '../helpers/stores.ts';

afterAll(() => stopPostgres());

async function running(kind: (typeof STORE_KINDS)[number]) {
  const db = await freshDatabaseUrl(kind);
  const dataDir = join(db.dataDir, 'data');
  const secretsDir = join(db.dataDir, 'secrets');
  const database = kind === 'postgres' ? db.database : join(dataDir, 'receiver.sqlite');
  const server = await startServer({ port: 0, dataDir, secretsDir, database, distDir: join(db.dataDir, 'no-dist') });
  const base = `http://localhost:${server.address().port}`;
  const env = { CSE_DATA_DIR: dataDir, CSE_SECRETS_DIR: secretsDir, CSE_DATABASE_URL: database };
  return { server, base, env, secretsDir };
}

const admin = async (args: string[], env: Record<string, string>) => {
  const out: string[] = [];
  const code = await runAdmin(args, (s) => out.push(s), env);
  return { code, out: out.join('\n') };
};

describe.each(STORE_KINDS)('key rotation on %s', (kind) => {
  it('rotate kek: every data key re-wrapped while a device keeps sending; all readable; the old key opens nothing', async () => {
    const { server, base, env, secretsDir } = await running(kind);
    try {
      const device = await enrolledDevice(server, base, 'Bolton nurse', 'Bolton');
      const before = Array.from({ length: 10 }, (_, i) => gmReferral(30, 5, { childRef: `KEK-B${i}` }));
      for (const s of before) expect(await send(base, device, s)).toBe(201);
      const oldKek = Buffer.from(readFileSync(join(secretsDir, 'kek'), 'utf8').trim(), 'base64');

      // Sent during the rotation, one after another, until it ends.
      const during: ReturnType<typeof gmReferral>[] = [];
      let rotating = true;
      const sending = (async () => {
        while (rotating) {
          const s = gmReferral(30, 5, { childRef: `KEK-D${during.length}` });
          expect(await send(base, device, s)).toBe(201);
          during.push(s);
        }
      })();
      const r = await admin(['rotate', 'kek'], env);
      rotating = false;
      await sending;
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/Done: \d+ data keys re-wrapped/);
      expect(during.length).toBeGreaterThan(0);
      expect(existsSync(join(secretsDir, 'kek.previous'))).toBe(false);

      const after = gmReferral(30, 5, { childRef: 'KEK-A' });
      expect(await send(base, device, after)).toBe(201);
      const all = [...before, ...during, after];
      // The running server reads every one (it took the new key without a restart)…
      for (const s of all)
        expect(((await server.store.get(s.id))!.body as { childRef: string }).childRef).toBe(s.childRef);
      // …every row is under the new key, and the old key alone opens none of them.
      const newId = (await server.store.sql.all<{ k: string }>('select distinct kek_id as k from submissions')).map(
        (x) => x.k,
      );
      expect(newId).toHaveLength(1);
      const oldOnly = new Envelope(oldKek, 'old');
      const row = (await server.store.sql.get<{ id: string; b: string; d: string }>(
        'select id, body_enc as b, dek_wrapped as d from submissions limit 1',
      ))!;
      expect(() => oldOnly.open(row.id, { bodyEnc: row.b, dekWrapped: row.d })).toThrow();
      // A device's retry of one stored before the rotation is still the same submission (not a conflict).
      const retry = await signedPost(base, device, before[0]);
      expect(retry.status).toBe(200);
      expect(((await retry.json()) as { receipt: string }).receipt).toBeTruthy();

      const rows = await server.inbox.audit.list({ action: 'rotate-kek' });
      expect(rows).toHaveLength(1);
      expect(rows[0]!.detail).toMatch(/data keys re-wrapped, 0 left/);
    } finally {
      await server.close();
    }
  }, 120_000);

  it('rotate endpoint-key: the new key is published at once; what was sealed to the old one opens until its grace ends', async () => {
    const { server, base, env, secretsDir } = await running(kind);
    try {
      const device = await enrolledDevice(server, base, 'Bolton nurse', 'Bolton');
      const oldKey = ((await (await fetch(`${base}/api/key`)).json()) as { jwk: JsonWebKey & { kid: string } }).jwk;
      // Sealed on the device before the rotation, still queued.
      const queued = [gmReferral(30, 5, { childRef: 'EP-Q1' }), gmReferral(30, 5, { childRef: 'EP-Q2' })];
      const sealedOld = await Promise.all(queued.map((s) => sealTo(oldKey)(s)));

      const r = await admin(['rotate', 'endpoint-key', '--grace-days', '14'], env);
      expect(r.code).toBe(0);
      // Published within a second (the server re-reads the key file at most once a second): waited for, with a deadline.
      const published = async () =>
        ((await (await fetch(`${base}/api/key`)).json()) as { jwk: JsonWebKey & { kid: string } }).jwk;
      let newKey = await published();
      for (const deadline = Date.now() + 5000; newKey.kid === oldKey.kid && Date.now() < deadline;)
        newKey = await new Promise((r) => setTimeout(r, 100)).then(published);
      expect(newKey.kid).not.toBe(oldKey.kid);
      expect(r.out).toContain(newKey.kid);

      const post = async (payload: string, id: string) => {
        const url = `${base}/api/submissions`;
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/jose',
            'Idempotency-Key': id,
            DPoP: await makeProof(device.key, 'POST', url),
          },
          body: payload,
        });
        return { status: res.status, body: (await res.json()) as { error?: { code: string } } };
      };
      // The queued one sealed to the old key still arrives (the grace period) …
      expect((await post(sealedOld[0]!.payload as string, queued[0]!.id)).status).toBe(201);
      // … and one sealed to the new key, of course.
      const fresh = gmReferral(30, 5, { childRef: 'EP-N' });
      expect((await post((await sealTo(newKey)(fresh)).payload as string, fresh.id)).status).toBe(201);

      // A device holding the old key: its app's sender delivers the second queued one (sealed to the old key),
      // then takes the new key, to which what it finishes next is sealed.
      // @ts-expect-error: the package's types are not reachable through its exports map
      await import('fake-indexeddb/auto');
      const { CseDb } = await import('../../src/store/db.ts');
      const { sendDue } = await import('../../src/sync/sender.ts');
      const { loadEndpoint, saveEndpoint } = await import('../../src/sync/settings.ts');
      const db = new CseDb(`rotate-${kind}-${crypto.randomUUID()}`, undefined, () => undefined);
      const held = gmReferral(30, 5, { childRef: 'EP-HELD' });
      await db.outbox.add({
        id: held.id,
        recordId: crypto.randomUUID(),
        state: 'queued',
        ...(await sealTo(oldKey)(held)),
        attempts: 0,
        createdAt: 0,
        nextAttemptAt: 0,
      });
      const url = `${base}/api/submissions`;
      await saveEndpoint(db, {
        url,
        publicKey: oldKey,
        device: { id: device.deviceId!, name: 'Bolton nurse', key: device.key, enrolledAt: new Date().toISOString() },
      });
      expect(await sendDue({ db, fetch }, { force: true })).toMatchObject({ delivered: 1 });
      expect(((await loadEndpoint(db))!.publicKey as { kid: string }).kid).toBe(newKey.kid);
      db.close();

      // The grace period over (its end moved to the past, as time would): the old key opens nothing.
      const file = join(secretsDir, 'endpoint-key.json');
      const keys = JSON.parse(readFileSync(file, 'utf8')) as EndpointKeyFile;
      expect(keys.retired?.[0]?.publicJwk.kid).toBe(oldKey.kid);
      keys.retired![0]!.until = new Date(Date.now() - 1000).toISOString();
      writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
      // The server re-reads the key file at most once a second: until it has, a copy sealed to the old key is still
      // taken. Fresh copies are offered until one is refused (the state), with a deadline; then the queued one is.
      for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
        const probe = gmReferral(30, 5, { childRef: 'EP-PROBE' });
        if ((await post((await sealTo(oldKey)(probe)).payload as string, probe.id)).status === 400) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const late = await post(sealedOld[1]!.payload as string, queued[1]!.id);
      expect(late.status).toBe(400);
      expect(late.body.error?.code).toBe('invalid-jwe');

      const rows = await server.inbox.audit.list({ action: 'rotate-endpoint-key' });
      expect(rows.map((x) => x.detail)).toEqual([expect.stringContaining(`${oldKey.kid} → ${newKey.kid}`)]);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('rotate inbox-key: references, notes and second factors sealed again, readable and searchable; the old key opens nothing', async () => {
    const { server, base, env, secretsDir } = await running(kind);
    try {
      const device = await enrolledDevice(server, base, 'Bolton nurse', 'Bolton');
      await account(server.inbox, 'lead@example.org', 'admin');
      const subs = Array.from({ length: 5 }, (_, i) => gmReferral(30, 5, { childRef: `INB-${i}` }));
      for (const s of subs) expect(await send(base, device, s)).toBe(201);
      let cookie = (await signIn(base, 'lead@example.org')).cookie!;
      const note = (id: string, text: string) =>
        fetch(`${base}/inbox/api/referrals/${id}/note`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Origin: base, Cookie: cookie },
          body: JSON.stringify({ note: text }),
        });
      expect((await note(subs[0]!.id, 'Spoke to the school: seen today')).status).toBe(200);
      const oldSecret = Buffer.from(readFileSync(join(secretsDir, 'inbox-key'), 'utf8').trim(), 'base64');

      const r = await admin(['rotate', 'inbox-key'], env);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(
        /Done: \d+ values sealed again with the new inbox key \(referrals 5, users 1, .*review_events 1/,
      );
      expect(existsSync(join(secretsDir, 'inbox-key.previous'))).toBe(false);

      // The same server, no restart: the second factor (sealed again) still signs in; all reads as before.
      cookie = (await signIn(base, 'lead@example.org')).cookie!;
      expect(cookie).toBeTruthy();
      const detail = (await (
        await fetch(`${base}/inbox/api/referrals/${subs[0]!.id}`, { headers: { Cookie: cookie } })
      ).json()) as { referral: { childRef: string }; events: { note: string }[] };
      expect(detail.referral.childRef).toBe('INB-0');
      expect(detail.events.map((e) => e.note)).toContain('Spoke to the school: seen today');
      const found = (await (
        await fetch(`${base}/inbox/api/referrals/search`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Origin: base, Cookie: cookie },
          body: JSON.stringify({ child: 'inb-3' }),
        })
      ).json()) as { items: { id: string }[] };
      expect(found.items.map((i) => i.id)).toEqual([subs[3]!.id]);
      // A note written after the rotation, and the old key opens no stored reference or note.
      expect((await note(subs[1]!.id, 'Second note')).status).toBe(200);
      const old = new InboxKeys(oldSecret);
      const sealed = await server.store.sql.all<{ v: string; b: string }>(
        "select child_ref_sealed as v, submission_id as b from inbox_referrals union all select note_sealed as v, 'note:' || submission_id as b from inbox_review_events",
      );
      expect(sealed.length).toBe(7);
      for (const s of sealed) expect(() => old.open(s.v, s.b)).toThrow();

      const rows = await server.inbox.audit.list({ action: 'rotate-inbox-key' });
      expect(rows).toHaveLength(1);
    } finally {
      await server.close();
    }
  }, 120_000);
});
