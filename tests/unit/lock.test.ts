// @vitest-environment jsdom
// The lock timer with a fake clock, and the passcode attempt policy.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { keyring } from '../../src/crypto/keyring.ts';
import { LockTimer } from '../../src/security/lock-timer.ts';
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { createPbkdf2Vault } from '../../src/crypto/vault.ts';
import { passcodeWeakness } from '../../src/security/passcode-rules.ts';
import {
  ERASE_AFTER,
  attemptState,
  eraseAfterFailures,
  erasedNotice,
  restoreHeaderFromCopy,
  retryDelaySeconds,
  setEraseAfterFailures,
  setUpPasscode,
  unlock,
  vaultState,
} from '../../src/security/passcode.ts';
import { CseDb } from '../../src/store/db.ts';
import { createDraft } from '../../src/store/records.ts';

describe('lock timer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  const make = (onLock: () => void) =>
    new LockTimer({
      now: () => Date.now(),
      setTimer: (f, ms) => setTimeout(f, ms),
      clearTimer: (t) => clearTimeout(t as number),
      idleMs: 5 * 60_000,
      onLock,
    });

  it('locks after 5 minutes idle, not before', () => {
    const onLock = vi.fn();
    make(onLock);
    vi.advanceTimersByTime(5 * 60_000 - 1);
    expect(onLock).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onLock).toHaveBeenCalledTimes(1);
  });

  it('activity restarts the idle period', () => {
    const onLock = vi.fn();
    const t = make(onLock);
    vi.advanceTimersByTime(4 * 60_000);
    t.activity();
    vi.advanceTimersByTime(4 * 60_000);
    expect(onLock).not.toHaveBeenCalled();
    vi.advanceTimersByTime(60_000);
    expect(onLock).toHaveBeenCalledTimes(1);
  });

  it('locks on return when hidden for longer than the idle time', () => {
    const onLock = vi.fn();
    const t = make(onLock);
    t.hidden();
    vi.setSystemTime(Date.now() + 6 * 60_000); // time passes with timers throttled
    t.visible();
    expect(onLock).toHaveBeenCalledTimes(1);
  });

  it('locks after the hidden grace period (30 s) while in the background, without waiting for the return', () => {
    const onLock = vi.fn();
    new LockTimer({
      now: () => Date.now(),
      setTimer: (f, ms) => setTimeout(f, ms),
      clearTimer: (t) => clearTimeout(t as number),
      idleMs: 5 * 60_000,
      hiddenGraceMs: 30_000,
      onLock,
    }).hidden();
    vi.advanceTimersByTime(29_999);
    expect(onLock).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onLock).toHaveBeenCalledTimes(1);
  });

  it('activity while hidden does not postpone the background lock', () => {
    const onLock = vi.fn();
    const t = new LockTimer({
      now: () => Date.now(),
      setTimer: (f, ms) => setTimeout(f, ms),
      clearTimer: (x) => clearTimeout(x as number),
      idleMs: 5 * 60_000,
      hiddenGraceMs: 30_000,
      onLock,
    });
    t.hidden();
    vi.advanceTimersByTime(20_000);
    t.activity();
    vi.advanceTimersByTime(10_000);
    expect(onLock).toHaveBeenCalledTimes(1);
  });

  it('does not lock on return after a short absence', () => {
    const onLock = vi.fn();
    const t = make(onLock);
    t.hidden();
    vi.setSystemTime(Date.now() + 60_000);
    t.visible();
    expect(onLock).not.toHaveBeenCalled();
  });
});

const FAST = { memoryKiB: 256, iterations: 1, parallelism: 1 };

async function freshDevice() {
  localStorage.clear();
  keyring.clear();
  for (const name of ['cse-screen', 'cse-screen-vault']) await Dexie.delete(name);
}

describe('passcode attempts, kept with the vault in IndexedDB', () => {
  beforeEach(freshDevice);

  it('no wait for the first two wrong passcodes, then 30 s, 1, 2, 5 and 15 minutes', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 9].map(retryDelaySeconds)).toEqual([0, 0, 0, 30, 60, 120, 300, 900, 900]);
  });

  it('a wrong passcode is counted, must wait, and the right one unlocks and resets', async () => {
    await setUpPasscode('right-passcode', localStorage, FAST);
    expect((await vaultState()).kind).toBe('ok');
    keyring.clear();
    let t = 1_000_000;
    for (let i = 1; i <= 3; i++)
      expect(await unlock('wrong-passcode', t++)).toMatchObject({ ok: false, reason: 'wrong', failures: i });
    expect(await unlock('right-passcode', t)).toMatchObject({ ok: false, reason: 'wait', waitSeconds: 30 });
    expect(keyring.get()).toBeUndefined();
    t += 30_000;
    expect(await unlock('right-passcode', t)).toEqual({ ok: true, upgraded: false });
    expect(keyring.get()).toHaveLength(32);
    expect(await attemptState()).toEqual({ failures: 0, lastAt: 0 });
  });

  it('clearing localStorage neither resets the count nor loses the vault', async () => {
    await setUpPasscode('right-passcode', localStorage, FAST);
    keyring.clear();
    for (let i = 0; i < 3; i++) await unlock('wrong-passcode', 5000 + i);
    localStorage.clear();
    expect(await attemptState()).toEqual({ failures: 3, lastAt: 5002 });
    expect((await vaultState()).kind).toBe('ok'); // restored from the IndexedDB copy
    expect(await unlock('right-passcode', 6000)).toMatchObject({ ok: false, reason: 'wait', failures: 3 });
  });

  it('counts the try before the passcode is checked: a derivation that dies midway has already used a guess', async () => {
    await setUpPasscode('right-passcode', localStorage, FAST);
    keyring.clear();
    // A header asking for more memory than WebAssembly can give: the derivation throws part-way, as a killed tab would stop it.
    const header = JSON.parse(localStorage.getItem('cse-screen.vault')!);
    localStorage.setItem('cse-screen.vault', JSON.stringify({ ...header, memoryKiB: 2 ** 31 }));
    await expect(unlock('right-passcode', 10)).rejects.toThrow();
    expect(await attemptState()).toEqual({ failures: 1, lastAt: 10 });
  });

  it('keeps the count a previous release left in localStorage', async () => {
    await setUpPasscode('right-passcode', localStorage, FAST);
    keyring.clear();
    localStorage.setItem('cse-screen.unlock-attempts', JSON.stringify({ failures: 4, lastAt: 100 }));
    expect(await unlock('right-passcode', 200)).toMatchObject({ ok: false, reason: 'wait', failures: 4 });
  });
});

describe('the vault header', () => {
  beforeEach(freshDevice);

  it('restores the header from IndexedDB when localStorage lost it (a kill soon after set-up)', async () => {
    await setUpPasscode('right-passcode', localStorage, FAST);
    const key = keyring.require().slice();
    localStorage.clear();
    keyring.clear();
    expect((await vaultState()).kind).toBe('ok');
    expect(localStorage.getItem('cse-screen.vault')).not.toBeNull();
    expect(await unlock('right-passcode', 0)).toMatchObject({ ok: true });
    expect(keyring.get()).toEqual(key);
  });

  it('a damaged header is named, and can be restored from its IndexedDB copy', async () => {
    await setUpPasscode('right-passcode', localStorage, FAST);
    keyring.clear();
    localStorage.setItem('cse-screen.vault', '{"v":1,"kdf":"PBKDF2-SHA-256","salt":"@@@');
    expect(await vaultState()).toEqual({ kind: 'damaged', backup: true });
    await expect(unlock('right-passcode', 0)).rejects.toThrow(/damaged/);
    expect(await restoreHeaderFromCopy()).toBe(true);
    expect(await unlock('right-passcode', 0)).toMatchObject({ ok: true });
  });

  it('a PBKDF2 vault from the current release unlocks, keeps its key, and is Argon2id afterwards', async () => {
    const { header, key } = await createPbkdf2Vault('old-passcode-9', 1000);
    localStorage.setItem('cse-screen.vault', JSON.stringify(header));
    expect(await unlock('old-passcode-9', 0)).toEqual({ ok: true, upgraded: true });
    expect(keyring.get()).toEqual(key);
    const now = await vaultState();
    expect(now.kind === 'ok' && now.header).toMatchObject({ v: 2, kdf: 'Argon2id', memoryKiB: 19_456 });
    keyring.clear();
    localStorage.clear(); // and the IndexedDB copy was upgraded too
    expect(await unlock('old-passcode-9', 1)).toEqual({ ok: true, upgraded: false });
    expect(keyring.get()).toEqual(key);
  });
});

describe('erase after ten wrong passcodes', () => {
  beforeEach(freshDevice);

  async function deviceWithRecords() {
    await setUpPasscode('right-passcode', localStorage, FAST);
    const db = new CseDb();
    await db.open();
    await createDraft(db, { instrumentId: 'nscb-ae-cse-indicator-checklist', childRef: 'DRAFT-1' });
    await createDraft(db, { instrumentId: 'nscb-ae-cse-indicator-checklist', childRef: 'DRAFT-2' });
    const base = { attempts: 0, createdAt: 1, nextAttemptAt: 0 };
    await db.outbox.bulkAdd([
      {
        ...base,
        id: 'sealed',
        recordId: 'r1',
        state: 'queued',
        payload: 'aaa.bbb.ccc.ddd.eee',
        contentType: 'application/jose',
      },
      {
        ...base,
        id: 'plain',
        recordId: 'r2',
        state: 'queued',
        payload: '{"childRef":"PLAIN"}',
        contentType: 'application/json',
      },
    ]);
    await db.meta.bulkPut([
      { key: 'endpoint', value: { url: 'https://e.example/api' } },
      { key: 'settings', value: { author: 'Sam' } },
    ]);
    db.close();
    keyring.clear();
  }

  it('destroys the vault, records, drafts and encrypted settings; keeps sealed submissions and the endpoint', async () => {
    await deviceWithRecords();
    expect(await eraseAfterFailures()).toBe(true);
    let t = 0;
    for (let i = 1; i < ERASE_AFTER; i++) {
      const r = await unlock('wrong-passcode', t);
      expect(r).toMatchObject({ ok: false, reason: 'wrong', failures: i, remaining: ERASE_AFTER - i });
      t += 3_600_000; // an hour between tries: past every wait
    }
    expect(await unlock('wrong-passcode', t)).toEqual({ ok: false, reason: 'erased', drafts: 2 });
    expect(await vaultState()).toEqual({ kind: 'none' });
    expect(await erasedNotice()).toEqual({ at: t, drafts: 2 });
    const db = new CseDb();
    await db.open();
    expect(await db.records.count()).toBe(0);
    expect((await db.outbox.toArray()).map((o) => o.id)).toEqual(['sealed']);
    expect((await db.meta.toArray()).map((m) => m.key)).toEqual(['endpoint']);
    db.close();
  });

  it('with the policy turned off (only possible unlocked), ten wrong passcodes erase nothing', async () => {
    await deviceWithRecords();
    await expect(setEraseAfterFailures(false)).rejects.toThrow(/Unlock/);
    await unlock('right-passcode', 0);
    await setEraseAfterFailures(false);
    keyring.clear();
    let t = 1;
    for (let i = 1; i <= ERASE_AFTER + 1; i++, t += 3_600_000)
      expect(await unlock('wrong-passcode', t)).toMatchObject({ reason: 'wrong', failures: i, remaining: undefined });
    expect(await unlock('right-passcode', t)).toMatchObject({ ok: true });
    const db = new CseDb();
    await db.open();
    expect(await db.records.count()).toBe(2);
    db.close();
  });
});

describe('passcode rules', () => {
  it('refuses short, common, repeated and sequential passcodes; accepts a passphrase', () => {
    for (const bad of [
      '12345',
      '123456',
      '654321',
      '111111',
      'aaaaaaa',
      '234567',
      '987654',
      'password',
      'Qwerty123',
      'iloveyou',
    ])
      expect(passcodeWeakness(bad), bad).toBeDefined();
    expect(passcodeWeakness('123456')).toMatch(/in order/);
    for (const good of ['blue kettle river', 'tiger-lamp-77', '482916'])
      expect(passcodeWeakness(good), good).toBeUndefined();
  });

  it('set-up refuses 123456', async () => {
    await expect(setUpPasscode('123456', localStorage, FAST)).rejects.toThrow(/in order/);
  });
});
