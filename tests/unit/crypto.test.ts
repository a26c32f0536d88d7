// The crypto layer: the passcode vault, record sealing, and the Dexie
// middleware that applies them.
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { TamperedError, openJson, sealJson } from '../../src/crypto/cipher.ts';
import { keyring, LockedError } from '../../src/crypto/keyring.ts';
import {
  DEFAULT_ITERATIONS,
  WrongPasscodeError,
  createPbkdf2Vault,
  createVault,
  openVault,
  parseHeader,
} from '../../src/crypto/vault.ts';
import { CseDb } from '../../src/store/db.ts';
import { createDraft, getRecord, saveDraft } from '../../src/store/records.ts';

const FAST = { memoryKiB: 256, iterations: 1, parallelism: 1 }; // Argon2id for the tests; the app uses 19 MiB, 2 passes

describe('vault', () => {
  it('round-trips the data key with the right passcode (Argon2id)', async () => {
    const { header, key } = await createVault('correct horse', FAST);
    expect(header).toMatchObject({ v: 2, kdf: 'Argon2id', memoryKiB: 256, iterations: 1, parallelism: 1 });
    expect(await openVault(header, 'correct horse')).toEqual(key);
  });

  it('refuses a wrong passcode', async () => {
    const { header } = await createVault('correct horse', FAST);
    await expect(openVault(header, 'correct hors')).rejects.toBeInstanceOf(WrongPasscodeError);
  });

  it('refuses a tampered wrapped key, and a header whose Argon2 cost was lowered', async () => {
    const { header } = await createVault('pin-1234', FAST);
    const bad = { ...header, wrappedKey: header.wrappedKey.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) };
    await expect(openVault(bad, 'pin-1234')).rejects.toBeInstanceOf(WrongPasscodeError);
    await expect(openVault({ ...header, memoryKiB: 128 }, 'pin-1234')).rejects.toBeInstanceOf(WrongPasscodeError);
  });

  it("derives with OWASP's Argon2id parameters (19 MiB, 2 passes, 1 lane) when none are given", async () => {
    const { header, key } = await createVault('default-params');
    expect(header).toMatchObject({ kdf: 'Argon2id', memoryKiB: 19_456, iterations: 2, parallelism: 1 });
    expect(await openVault(header, 'default-params')).toEqual(key);
  });

  it('still opens a PBKDF2 vault made by earlier releases (600,000 iterations by default)', async () => {
    const { header, key } = await createPbkdf2Vault('old-release', 1000);
    expect(header).toMatchObject({ v: 1, kdf: 'PBKDF2-SHA-256', iterations: 1000 });
    expect(await openVault(header, 'old-release')).toEqual(key);
    await expect(openVault(header, 'old-releasE')).rejects.toBeInstanceOf(WrongPasscodeError);
    expect(DEFAULT_ITERATIONS).toBe(600_000);
  });

  it('reads only well-formed headers', async () => {
    const { header } = await createVault('x-passcode', FAST);
    expect(parseHeader(JSON.stringify(header))).toEqual(header);
    for (const bad of [
      null,
      '',
      '{',
      'garbage',
      '{"v":2}',
      JSON.stringify({ ...header, kdf: 'MD5' }),
      JSON.stringify({ ...header, salt: 'not base64!' }),
    ])
      expect(parseHeader(bad)).toBeUndefined();
  });
});

describe('record sealing', () => {
  const key = crypto.getRandomValues(new Uint8Array(32));
  it('round-trips', () => {
    const s = sealJson(key, 'records:1', { childRef: 'AB', answers: { x: 'y' } });
    expect(openJson(key, 'records:1', s)).toEqual({ childRef: 'AB', answers: { x: 'y' } });
  });
  it('uses a fresh nonce every time', () => {
    expect(sealJson(key, 'a', 1).iv).not.toBe(sealJson(key, 'a', 1).iv);
  });
  it('rejects tampered ciphertext', () => {
    const s = sealJson(key, 'records:1', { a: 1 });
    const ct = Uint8Array.from(atob(s.ct), (c) => c.charCodeAt(0));
    ct[0]! ^= 1;
    expect(() => openJson(key, 'records:1', { ...s, ct: btoa(String.fromCharCode(...ct)) })).toThrow(TamperedError);
  });
  it('rejects a ciphertext moved onto another record', () => {
    const s = sealJson(key, 'records:1', { a: 1 });
    expect(() => openJson(key, 'records:2', s)).toThrow(TamperedError);
  });
  it('rejects the wrong key', () => {
    const s = sealJson(key, 'x', { a: 1 });
    expect(() => openJson(crypto.getRandomValues(new Uint8Array(32)), 'x', s)).toThrow(TamperedError);
  });
});

describe('the encryption middleware', () => {
  it('stores only index fields in clear, and reads back the whole record', async () => {
    const name = `m-${crypto.randomUUID()}`;
    const db = new CseDb(name);
    const d = await createDraft(db, { instrumentId: 'gm-information-report', childRef: 'CANARY-REF' });
    await saveDraft(db, d.id, { details: 'CANARY-TEXT seen at the park' }, 0);
    expect((await getRecord(db, d.id))?.answers).toEqual({ details: 'CANARY-TEXT seen at the park' });
    const raw = await new Promise<Record<string, unknown>>((ok) => {
      const open = indexedDB.open(name);
      open.onsuccess = () => {
        const r = open.result.transaction('records').objectStore('records').get(d.id);
        r.onsuccess = () => {
          open.result.close();
          ok(r.result);
        };
      };
    });
    expect(JSON.stringify(raw)).not.toMatch(/CANARY/);
    expect(raw).toHaveProperty('_enc');
    expect(raw.instrumentId).toBe('gm-information-report');
    db.close();
    await Dexie.delete(name);
  });

  it('while locked: reads give no content, writing content is refused, and clear-field updates keep the ciphertext', async () => {
    const name = `m-${crypto.randomUUID()}`;
    const db = new CseDb(name);
    const d = await createDraft(db, {
      instrumentId: 'gm-information-report',
      childRef: 'R',
      answers: { details: 'secret' },
    });
    const saved = keyring.require().slice();
    keyring.clear();
    const locked = await db.records.get(d.id);
    expect(locked).not.toHaveProperty('answers');
    expect(locked).toHaveProperty('_enc');
    await expect(saveDraft(db, d.id, { details: 'new' }, 0)).rejects.toBeInstanceOf(LockedError);
    await db.records.update(d.id, { section: 2 }); // clear field only: allowed, ciphertext kept
    keyring.set(saved);
    expect(await db.records.get(d.id)).toMatchObject({ section: 2, answers: { details: 'secret' }, childRef: 'R' });
    db.close();
    await Dexie.delete(name);
  });

  it('a corrupted record is marked and does not hide the others', async () => {
    const name = `m-${crypto.randomUUID()}`;
    const db = new CseDb(name);
    const a = await createDraft(db, { instrumentId: 'gm-information-report', childRef: 'A' });
    await createDraft(db, { instrumentId: 'gm-information-report', childRef: 'B' });
    // Flip a byte of A's ciphertext underneath Dexie.
    await new Promise<void>((ok) => {
      const open = indexedDB.open(name);
      open.onsuccess = () => {
        const store = open.result.transaction('records', 'readwrite').objectStore('records');
        const g = store.get(a.id);
        g.onsuccess = () => {
          const row = g.result;
          row._enc.ct = row._enc.ct.slice(0, -4) + (row._enc.ct.endsWith('AAA=') ? 'BBB=' : 'AAA=');
          store.put(row).onsuccess = () => {
            open.result.close();
            ok();
          };
        };
      };
    });
    const all = await db.records.toArray();
    expect(all).toHaveLength(2);
    expect(all.find((r) => r.id === a.id)?._damage).toMatch(/integrity check/);
    expect(all.find((r) => r.id !== a.id)?.childRef).toBe('B');
    db.close();
    await Dexie.delete(name);
  });
});

describe('the middleware keeps every table method', () => {
  it('counts, queries by index and deletes through it', async () => {
    const name = `m-${crypto.randomUUID()}`;
    const db = new CseDb(name);
    await createDraft(db, { instrumentId: 'gm-information-report', childRef: 'A' });
    const b = await createDraft(db, { instrumentId: 'gm-information-report', childRef: 'B' });
    expect(await db.records.where('state').anyOf('draft', 'final').count()).toBe(2);
    const seen: string[] = [];
    await db.records
      .where('state')
      .anyOf('draft', 'final')
      .each((r) => void seen.push(r.childRef)); // walks a cursor
    expect(seen.sort()).toEqual(['A', 'B']);
    expect(await db.records.count()).toBe(2);
    await db.records.delete(b.id);
    expect(
      (await db.records.where('instrumentId').equals('gm-information-report').toArray()).map((r) => r.childRef),
    ).toEqual(['A']);
    db.close();
    await Dexie.delete(name);
  });
});
