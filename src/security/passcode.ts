// Setting up, unlocking and erasing. Everything the lock screen needs lives in
// its own small IndexedDB database (`cse-screen-vault`), readable before the
// key exists: the vault header, the count of wrong passcodes with the time of
// the last one, and the erase policy. The count is written there BEFORE each
// passcode is tried and checked before any attempt, so neither clearing
// localStorage nor closing the tab mid-try gives a free guess.
// The header is also mirrored in localStorage (its historical home); the
// IndexedDB copy restores it when localStorage lost or damaged it.
import { keyring } from '../crypto/keyring.ts';
import {
  type VaultHeader,
  WrongPasscodeError,
  createVault,
  openVault,
  parseHeader,
  rewrapVault,
  type Argon2Params,
} from '../crypto/vault.ts';
import { MIN_PASSCODE, passcodeWeakness } from './passcode-rules.ts';

export { MIN_PASSCODE };

const VAULT = 'cse-screen.vault';
/** Where releases before this one kept the count (still read once, so an upgrade loses no failures). */
const LEGACY_ATTEMPTS = 'cse-screen.unlock-attempts';
const POLICY = 'cse-screen.lock-policy';

/** Wrong passcodes in a row after which the device's records are erased (when the policy is on). */
export const ERASE_AFTER = 10;
/** The lock screen shows how many tries are left from this many failures on. */
export const WARN_FROM = 5;

export interface LockPolicy {
  /** Lock after this long idle (default 5 minutes). */
  idleMinutes: number;
  /** Lock when the app has been in the background this long (default 30 seconds). */
  hiddenGraceSeconds: number;
  /** Remove a delivered record's content after this many days, keeping its receipt (default 7). */
  deliveredRetentionDays: number;
  /** Ask about drafts older than this many days (default 14). */
  draftPromptDays: number;
}

export const DEFAULT_POLICY: LockPolicy = {
  idleMinutes: 5,
  hiddenGraceSeconds: 30,
  deliveredRetentionDays: 7,
  draftPromptDays: 14,
};

export function loadPolicy(store: Storage = localStorage): LockPolicy {
  try {
    return { ...DEFAULT_POLICY, ...JSON.parse(store.getItem(POLICY) ?? '{}') };
  } catch {
    return DEFAULT_POLICY;
  }
}

export function savePolicy(p: LockPolicy, store: Storage = localStorage): void {
  store.setItem(POLICY, JSON.stringify(p));
}

export function passcodeProblem(passcode: string, confirm: string): string | undefined {
  return passcodeWeakness(passcode) ?? (passcode !== confirm ? 'The two passcodes do not match' : undefined);
}

// --- The vault database ------------------------------------------------------

export const VAULT_DB = 'cse-screen-vault';

function vaultDb(): Promise<IDBDatabase> {
  return new Promise((ok, fail) => {
    const open = indexedDB.open(VAULT_DB, 1);
    open.onupgradeneeded = () => open.result.createObjectStore('vault');
    open.onsuccess = () => ok(open.result);
    open.onerror = () => fail(open.error);
  });
}

async function vaultGet<T>(key: string): Promise<T | undefined> {
  const db = await vaultDb();
  try {
    return await new Promise<T | undefined>((ok, fail) => {
      const req = db.transaction('vault').objectStore('vault').get(key);
      req.onsuccess = () => ok(req.result as T | undefined);
      req.onerror = () => fail(req.error);
    });
  } finally {
    db.close();
  }
}

/** Writes (or, with `undefined`, deletes) entries in one durable transaction: committed to disk before it resolves. */
async function vaultPut(entries: Record<string, unknown>): Promise<void> {
  const db = await vaultDb();
  try {
    await new Promise<void>((ok, fail) => {
      const tx = db.transaction('vault', 'readwrite', { durability: 'strict' });
      for (const [k, v] of Object.entries(entries))
        v === undefined ? tx.objectStore('vault').delete(k) : tx.objectStore('vault').put(v, k);
      tx.oncomplete = () => ok();
      tx.onerror = tx.onabort = () => fail(tx.error ?? new Error('The passcode store could not be written.'));
    });
  } finally {
    db.close();
  }
}

// --- The header: present, absent or damaged ----------------------------------

export type VaultState =
  | { kind: 'none' }
  | { kind: 'ok'; header: VaultHeader }
  /** The header in localStorage is not a well-formed header; `backup` when the IndexedDB copy is. */
  | { kind: 'damaged'; backup: boolean };

/**
 * What the device holds. Restores a lost localStorage header from the
 * IndexedDB copy (a kill soon after set-up can lose the lazy localStorage
 * write), and refreshes a missing or damaged IndexedDB copy from a good header.
 */
export async function vaultState(store: Storage = localStorage): Promise<VaultState> {
  const text = store.getItem(VAULT);
  const good = text === null ? undefined : parseHeader(text);
  if (good) {
    // The usual case answers at once, without opening IndexedDB first (on a phone's first open after a
    // restart that is the passcode screen's longest wait): the copy is checked, and refreshed if it is
    // missing or damaged, in the background.
    void vaultGet<string>('header')
      .then((copyText) => (copyText !== text && !parseHeader(copyText) ? vaultPut({ header: text! }) : undefined))
      .catch(() => {});
    return { kind: 'ok', header: good };
  }
  const copyText = await vaultGet<string>('header').catch(() => undefined);
  const copy = parseHeader(copyText);
  if (text === null) {
    if (!copy) return copyText ? { kind: 'damaged', backup: false } : { kind: 'none' };
    store.setItem(VAULT, copyText!);
    return { kind: 'ok', header: copy };
  }
  return { kind: 'damaged', backup: copy !== undefined }; // a header is there, and not a well-formed one
}

/** The way out of a damaged header: put the IndexedDB copy back. */
export async function restoreHeaderFromCopy(store: Storage = localStorage): Promise<boolean> {
  const copyText = await vaultGet<string>('header');
  if (!parseHeader(copyText)) return false;
  store.setItem(VAULT, copyText!);
  return true;
}

async function saveHeader(header: VaultHeader, store: Storage): Promise<void> {
  const text = JSON.stringify(header);
  await vaultPut({ header: text });
  store.setItem(VAULT, text);
}

export async function setUpPasscode(
  passcode: string,
  store: Storage = localStorage,
  params?: Argon2Params,
): Promise<void> {
  const weak = passcodeWeakness(passcode);
  if (weak) throw new Error(weak);
  const { header, key } = await createVault(passcode, params);
  await saveHeader(header, store);
  await vaultPut({ attempts: { failures: 0, lastAt: 0 }, erased: undefined });
  store.removeItem(LEGACY_ATTEMPTS);
  keyring.set(key);
}

// --- Attempts and the erase policy -------------------------------------------

/** Seconds to wait before the next try after `failures` wrong passcodes in a row: none for the first 2, then 30 s, 1, 2, 5 and 15 minutes. */
export function retryDelaySeconds(failures: number): number {
  if (failures < 3) return 0;
  return [30, 60, 120, 300][failures - 3] ?? 900;
}

export interface AttemptState {
  failures: number;
  lastAt: number;
}

function legacyAttempts(store: Storage): AttemptState {
  try {
    const s = JSON.parse(store.getItem(LEGACY_ATTEMPTS) ?? '{}');
    return { failures: Number(s.failures) || 0, lastAt: Number(s.lastAt) || 0 };
  } catch {
    return { failures: 0, lastAt: 0 };
  }
}

/** The count as the vault database holds it (and the count a previous release left in localStorage, if higher). */
export async function attemptState(store: Storage = localStorage): Promise<AttemptState> {
  const s = await vaultGet<AttemptState>('attempts');
  const stored = { failures: Number(s?.failures) || 0, lastAt: Number(s?.lastAt) || 0 };
  const legacy = legacyAttempts(store);
  return legacy.failures > stored.failures ? legacy : stored;
}

/** Whether ten wrong passcodes erase the device's records. On unless turned off in Settings (only reachable unlocked). */
export async function eraseAfterFailures(): Promise<boolean> {
  return (await vaultGet<{ erase?: boolean }>('erase-policy').catch(() => undefined))?.erase !== false;
}

export async function setEraseAfterFailures(on: boolean): Promise<void> {
  if (!keyring.get()) throw new Error('Unlock the app to change this.');
  await vaultPut({ 'erase-policy': { erase: on } });
}

/** Set when the device's records were erased after too many wrong passcodes: shown on the set-up screen. */
export async function erasedNotice(): Promise<{ at: number; drafts: number } | undefined> {
  return vaultGet<{ at: number; drafts: number }>('erased').catch(() => undefined);
}

export type UnlockOutcome =
  | { ok: true; upgraded: boolean }
  | {
      ok: false;
      reason: 'wrong' | 'wait';
      failures: number;
      waitSeconds: number;
      /** Tries left before the erase, when the policy is on. */ remaining: number | undefined;
    }
  | { ok: false; reason: 'erased'; drafts: number };

export async function unlock(
  passcode: string,
  now = Date.now(),
  store: Storage = localStorage,
): Promise<UnlockOutcome> {
  const vault = await vaultState(store);
  if (vault.kind !== 'ok')
    throw new Error(
      vault.kind === 'none'
        ? 'No passcode has been set on this device.'
        : 'The passcode header on this device is damaged.',
    );
  const erase = await eraseAfterFailures();
  const state = await attemptState(store);
  const remainingAfter = (failures: number) => (erase ? Math.max(0, ERASE_AFTER - failures) : undefined);
  const wait = retryDelaySeconds(state.failures) * 1000 - (now - state.lastAt);
  if (wait > 0)
    return {
      ok: false,
      reason: 'wait',
      failures: state.failures,
      waitSeconds: Math.ceil(wait / 1000),
      remaining: remainingAfter(state.failures),
    };
  // Counted before the try: a tab closed during the derivation still used a guess.
  const failures = state.failures + 1;
  await vaultPut({ attempts: { failures, lastAt: now } });
  store.removeItem(LEGACY_ATTEMPTS);
  let key: Uint8Array;
  try {
    key = await openVault(vault.header, passcode);
  } catch (e) {
    if (!(e instanceof WrongPasscodeError)) throw e;
    if (erase && failures >= ERASE_AFTER) return { ok: false, reason: 'erased', drafts: await eraseDevice(now) };
    return {
      ok: false,
      reason: 'wrong',
      failures,
      waitSeconds: retryDelaySeconds(failures),
      remaining: remainingAfter(failures),
    };
  }
  await vaultPut({ attempts: { failures: 0, lastAt: 0 } });
  // A vault from an earlier release (PBKDF2): re-wrap the same data key with Argon2id, so nothing is lost.
  let upgraded = false;
  if (vault.header.kdf !== 'Argon2id') {
    try {
      await saveHeader(await rewrapVault(key, passcode), store);
      upgraded = true;
    } catch {
      // Storage refused the new header: the old one still opens; try again at the next unlock.
    }
  }
  keyring.set(key);
  return { ok: true, upgraded };
}

// --- Erasing ------------------------------------------------------------------

export const APP_DB = 'cse-screen';

function openAppDb(): Promise<IDBDatabase | undefined> {
  return new Promise((ok) => {
    const open = indexedDB.open(APP_DB);
    // Never create the app's database from here: Dexie must create it with its schema.
    open.onupgradeneeded = () => open.transaction?.abort();
    open.onsuccess = () => ok(open.result);
    open.onerror = () => ok(undefined);
  });
}

/** What an erase would destroy, for the warning before the last tries. */
export async function atRisk(): Promise<{ drafts: number; unsealed: number }> {
  const db = await openAppDb();
  if (!db) return { drafts: 0, unsealed: 0 };
  try {
    return await new Promise((ok) => {
      const tx = db.transaction(['records', 'outbox']);
      let drafts = 0;
      let unsealed = 0;
      const byState = tx.objectStore('records').index('state').count('draft');
      byState.onsuccess = () => (drafts = byState.result);
      const all = tx.objectStore('outbox').getAll();
      all.onsuccess = () =>
        (unsealed = (all.result as { state?: string; contentType?: string }[]).filter(
          (o) => o.state !== 'delivered' && o.contentType !== 'application/jose',
        ).length);
      tx.oncomplete = () => ok({ drafts, unsealed });
      tx.onerror = tx.onabort = () => ok({ drafts, unsealed });
    });
  } catch {
    return { drafts: 0, unsealed: 0 };
  } finally {
    db.close();
  }
}

/**
 * The erase after too many wrong passcodes: the vault, every record and every
 * draft, and every setting encrypted with the key, are destroyed. Outbox rows
 * sealed to the endpoint's key (JWE) are opaque on the device and stay, with
 * the endpoint's address, so finished referrals are still delivered. Returns
 * how many drafts were destroyed.
 */
export async function eraseDevice(now = Date.now(), store: Storage = localStorage): Promise<number> {
  keyring.clear();
  const { drafts } = await atRisk();
  await vaultPut({ header: undefined, attempts: { failures: 0, lastAt: 0 }, erased: { at: now, drafts } });
  for (const k of [VAULT, LEGACY_ATTEMPTS, 'cse-screen.prefs']) store.removeItem(k);
  const db = await openAppDb();
  if (db) {
    try {
      await new Promise<void>((ok, fail) => {
        const tx = db.transaction(['records', 'outbox', 'meta'], 'readwrite', { durability: 'strict' });
        tx.objectStore('records').clear();
        tx.objectStore('outbox').openCursor().onsuccess = function () {
          const c = this.result;
          if (!c) return;
          const row = c.value as { contentType?: string; payload?: unknown };
          if (!(row.contentType === 'application/jose' && typeof row.payload === 'string')) c.delete();
          c.continue();
        };
        tx.objectStore('meta').openCursor().onsuccess = function () {
          const c = this.result;
          if (!c) return;
          if ('_enc' in (c.value as object)) c.delete(); // sealed with the key now destroyed
          c.continue();
        };
        tx.oncomplete = () => ok();
        tx.onerror = tx.onabort = () => fail(tx.error);
      });
    } finally {
      db.close();
    }
  }
  return drafts;
}

/** Erases everything this app keeps on the device (the practitioner's own choice on the lock screen). */
export async function wipeDevice(dbName: string, store: Storage = localStorage): Promise<void> {
  keyring.clear();
  for (const k of [VAULT, LEGACY_ATTEMPTS, POLICY, 'cse-screen.prefs']) store.removeItem(k);
  for (const name of [dbName, VAULT_DB])
    await new Promise<void>((ok) => {
      const req = indexedDB.deleteDatabase(name);
      req.onsuccess = req.onerror = req.onblocked = () => ok();
    });
}
