// `npm run admin -- backup <file>` and `restore <file>`, on SQLite and on
// PostgreSQL, against a running server: the backup holds no child data in
// clear and no secret; a restore goes into an empty store only; after it,
// with the secrets kept apart, every acknowledged referral reads in the inbox.
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../../src/admin/main.ts';
import { startServer } from '../../src/server/main.ts';
import { backupText } from '../helpers/backup.ts';
import { account, enrolledDevice, gmReferral, send, signIn } from '../helpers/inbox.ts';
import { STORE_KINDS, freshDatabaseUrl, stopPostgres } from '../helpers/stores.ts';

afterAll(() => stopPostgres());

describe.each(STORE_KINDS)('backup and restore on %s', (kind) => {
  it('backs up while serving, holds no child data or secret in clear, and restores only into an empty store, readable', async () => {
    const db = await freshDatabaseUrl(kind);
    const dataDir = join(db.dataDir, 'data');
    const secretsDir = join(db.dataDir, 'secrets');
    const database = kind === 'postgres' ? db.database : join(dataDir, 'receiver.sqlite');
    const server = await startServer({ port: 0, dataDir, secretsDir, database, distDir: join(db.dataDir, 'no-dist') });
    const base = `http://localhost:${server.address().port}`;
    const env = { CSE_DATA_DIR: dataDir, CSE_SECRETS_DIR: secretsDir, CSE_DATABASE_URL: database };
    const refs = Array.from({ length: 12 }, (_, i) => `BKP-CHILD-${i}-${Math.random().toString(36).slice(2, 8)}`);
    const subs = refs.map((childRef, i) =>
      gmReferral(30, 5, { childRef, author: { ...AUTHOR, name: `Nurse N${i}X` } }),
    );
    const out: string[] = [];
    try {
      const device = await enrolledDevice(server, base, 'Bolton nurse', 'Bolton');
      await account(server.inbox, 'lead@example.org', 'admin');
      for (const s of subs) expect(await send(base, device, s)).toBe(201);
      const file = join(mkdtempSync(join(tmpdir(), 'cse-backup-')), 'cse.backup');

      expect(await runAdmin(['backup', file], (s) => out.push(s), env)).toBe(0);
      expect(out.join('\n')).toMatch(/Backup written .*12 submissions/);
      expect(statSync(file).mode & 0o077).toBe(0);
      expect((await server.inbox.audit.list({ action: 'backup' })).map((a) => a.detail)).toEqual([
        `${kind} backup written (12 submissions)`,
      ]);
      // A second backup to the same name is refused: nothing overwritten.
      expect(await runAdmin(['backup', file], (s) => out.push(s), env)).toBe(1);
      expect(out.at(-1)).toMatch(/already exists/);

      // The file alone: no child reference, no author, no secret.
      const text = backupText(file);
      expect(text).toContain('submissions'); // the scan reads the tables (a scan of noise proves nothing)
      for (const r of refs) expect(text).not.toContain(r);
      for (let i = 0; i < subs.length; i++) expect(text).not.toContain(`Nurse N${i}X`);
      for (const f of readdirSync(secretsDir)) {
        const secret = readFileSync(join(secretsDir, f), 'utf8').trim();
        expect(text).not.toContain(secret.slice(0, 40));
      }

      // Into the running (non-empty) store: refused, clearly.
      expect(await runAdmin(['restore', file], (s) => out.push(s), env)).toBe(1);
      expect(out.at(-1)).toMatch(/not empty.*Nothing was restored/);
      await server.close();

      // Into an empty store, with the secrets kept apart (never in the backup) given back.
      const fresh = await freshDatabaseUrl(kind);
      const dataDir2 = join(fresh.dataDir, 'data');
      const database2 = kind === 'postgres' ? fresh.database : join(dataDir2, 'receiver.sqlite');
      const env2 = { CSE_DATA_DIR: dataDir2, CSE_SECRETS_DIR: secretsDir, CSE_DATABASE_URL: database2 };
      expect(await runAdmin(['restore', file], (s) => out.push(s), env2)).toBe(0);
      expect(out.at(-2)).toBe('Restored 12 submissions into the empty store.');
      const again = await startServer({
        port: 0,
        dataDir: dataDir2,
        secretsDir,
        database: database2,
        distDir: join(db.dataDir, 'no-dist'),
      });
      try {
        const base2 = `http://localhost:${again.address().port}`;
        // The account came back too: its password and second factor.
        const { cookie } = await signIn(base2, 'lead@example.org');
        expect(cookie).toBeTruthy();
        for (const s of subs) {
          const res = await fetch(`${base2}/inbox/api/referrals/${s.id}`, { headers: { Cookie: cookie! } });
          expect(res.status).toBe(200);
          const body = (await res.json()) as { referral: { childRef: string }; submission: { childRef: string } };
          expect(body.submission.childRef).toBe(s.childRef);
          expect(body.referral.childRef).toBe(s.childRef);
        }
        const actions = (await again.inbox.audit.list({ limit: 1000 })).map((a) => a.action);
        // The restore is audited in the restored store; the backup in the store it was taken from (after the copy).
        expect(actions).toContain('restore');
      } finally {
        await again.close();
      }
    } finally {
      await server.close().catch(() => {});
    }
  }, 120_000);
});

const AUTHOR = { name: 'Sam Nurse', role: 'School nurse', organisation: 'Test Trust', contact: '01234 567890' };

describe('restore refuses what it cannot restore, changing nothing', () => {
  it('a file that is not a backup, and a backup of the other kind of store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cse-restore-'));
    const env = { CSE_DATA_DIR: join(dir, 'data'), CSE_SECRETS_DIR: join(dir, 'secrets') };
    const out: string[] = [];
    writeFileSync(join(dir, 'notes.txt'), 'not a backup at all');
    expect(await runAdmin(['restore', join(dir, 'notes.txt')], (s) => out.push(s), env)).toBe(1);
    expect(out.at(-1)).toMatch(/is not a backup made by this service/);
    expect(await runAdmin(['restore', join(dir, 'missing.backup')], (s) => out.push(s), env)).toBe(1);
    expect(out.at(-1)).toMatch(/There is no backup file/);
    // A pg_dump archive's first bytes, offered to a SQLite store.
    writeFileSync(join(dir, 'pg.backup'), Buffer.concat([Buffer.from('PGDMP'), Buffer.alloc(64)]));
    expect(await runAdmin(['restore', join(dir, 'pg.backup')], (s) => out.push(s), env)).toBe(1);
    expect(out.at(-1)).toMatch(/a backup of a PostgreSQL store, but the configured store is SQLite/);
    expect(existsSync(join(dir, 'data', 'receiver.sqlite'))).toBe(false);
    expect(await runAdmin(['backup'], (s) => out.push(s), env)).toBe(2);
    expect(out.at(-1)).toMatch(/npm run admin -- rotate inbox-key/);
  });
});
