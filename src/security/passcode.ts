// Setting up, unlocking and wiping. The vault header (salt and wrapped key,
// useless without the passcode) and the policy live in localStorage because
// they are needed before IndexedDB can be opened with the key.
import { keyring } from '../crypto/keyring.ts';
import { type VaultHeader, WrongPasscodeError, createVault, openVault } from '../crypto/vault.ts';

const VAULT = 'cse-screen.vault';
const ATTEMPTS = 'cse-screen.unlock-attempts';
const POLICY = 'cse-screen.lock-policy';

export interface LockPolicy {
  /** Lock after this long idle, or hidden (default 5 minutes). */
  idleMinutes: number;
  /** After this many wrong passcodes in a row, offer to wipe the device's data (default 10). */
  maxAttempts: number;
  /** Remove a delivered record's content after this many days, keeping its receipt (default 7). */
  deliveredRetentionDays: number;
  /** Ask about drafts older than this many days (default 14). */
  draftPromptDays: number;
}

export const DEFAULT_POLICY: LockPolicy = { idleMinutes: 5, maxAttempts: 10, deliveredRetentionDays: 7, draftPromptDays: 14 };
export const MIN_PASSCODE = 6;

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

export function hasVault(store: Storage = localStorage): boolean {
  return store.getItem(VAULT) !== null;
}

export function passcodeProblem(passcode: string, confirm: string): string | undefined {
  if (passcode.length < MIN_PASSCODE) return `Use at least ${MIN_PASSCODE} characters`;
  if (passcode !== confirm) return 'The two passcodes do not match';
  return undefined;
}

// localStorage is written to disk lazily: a process killed soon after set-up
// can lose the write, and with it every record's key (the drill found this).
// So the header is also kept in IndexedDB, whose commits are durable, and
// copied back at start-up when localStorage has lost it.
const VAULT_DB = 'cse-screen-vault';

function vaultDb(): Promise<IDBDatabase> {
  return new Promise((ok, fail) => {
    const open = indexedDB.open(VAULT_DB, 1);
    open.onupgradeneeded = () => open.result.createObjectStore('vault');
    open.onsuccess = () => ok(open.result);
    open.onerror = () => fail(open.error);
  });
}

async function writeVaultDurably(header: string): Promise<void> {
  if (typeof indexedDB === 'undefined') return;
  const db = await vaultDb();
  await new Promise<void>((ok, fail) => {
    const tx = db.transaction('vault', 'readwrite', { durability: 'strict' });
    tx.objectStore('vault').put(header, 'header');
    tx.oncomplete = () => ok();
    tx.onerror = () => fail(tx.error);
  });
  db.close();
}

/** At start-up: if localStorage lost the vault header, restore it from IndexedDB. */
export async function restoreVault(store: Storage = localStorage): Promise<void> {
  if (store.getItem(VAULT) !== null || typeof indexedDB === 'undefined') return;
  const db = await vaultDb();
  const header = await new Promise<string | undefined>((ok) => {
    const req = db.transaction('vault').objectStore('vault').get('header');
    req.onsuccess = () => ok(req.result as string | undefined);
    req.onerror = () => ok(undefined);
  });
  db.close();
  if (header) store.setItem(VAULT, header);
}

export async function setUpPasscode(passcode: string, store: Storage = localStorage, iterations?: number): Promise<void> {
  const { header, key } = await createVault(passcode, iterations);
  await writeVaultDurably(JSON.stringify(header));
  store.setItem(VAULT, JSON.stringify(header));
  store.removeItem(ATTEMPTS);
  keyring.set(key);
}

/** Seconds to wait before the next try after `failures` wrong passcodes in a row: none for the first 3, then 2, 4, 8 … up to 5 minutes. */
export function retryDelaySeconds(failures: number): number {
  return failures < 3 ? 0 : Math.min(300, 2 ** (failures - 2));
}

export interface AttemptState {
  failures: number;
  lastAt: number;
}

export function attemptState(store: Storage = localStorage): AttemptState {
  try {
    return { failures: 0, lastAt: 0, ...JSON.parse(store.getItem(ATTEMPTS) ?? '{}') };
  } catch {
    return { failures: 0, lastAt: 0 };
  }
}

export type UnlockOutcome = { ok: true } | { ok: false; reason: 'wrong' | 'wait'; failures: number; waitSeconds: number; wipeOffered: boolean };

export async function unlock(passcode: string, now = Date.now(), store: Storage = localStorage): Promise<UnlockOutcome> {
  const header = JSON.parse(store.getItem(VAULT) ?? 'null') as VaultHeader | null;
  if (!header) throw new Error('No passcode has been set on this device.');
  const policy = loadPolicy(store);
  const state = attemptState(store);
  const wait = retryDelaySeconds(state.failures) * 1000 - (now - state.lastAt);
  if (wait > 0) return { ok: false, reason: 'wait', failures: state.failures, waitSeconds: Math.ceil(wait / 1000), wipeOffered: state.failures >= policy.maxAttempts };
  try {
    keyring.set(await openVault(header, passcode));
    store.removeItem(ATTEMPTS);
    return { ok: true };
  } catch (e) {
    if (!(e instanceof WrongPasscodeError)) throw e;
    const failures = state.failures + 1;
    store.setItem(ATTEMPTS, JSON.stringify({ failures, lastAt: now }));
    return { ok: false, reason: 'wrong', failures, waitSeconds: retryDelaySeconds(failures), wipeOffered: failures >= policy.maxAttempts };
  }
}

/** Erases everything this app keeps on the device. */
export async function wipeDevice(dbName: string, store: Storage = localStorage): Promise<void> {
  keyring.clear();
  for (const k of [VAULT, ATTEMPTS, POLICY, 'cse-screen.prefs']) store.removeItem(k);
  for (const name of [dbName, VAULT_DB])
    await new Promise<void>((ok) => {
      const req = indexedDB.deleteDatabase(name);
      req.onsuccess = req.onerror = req.onblocked = () => ok();
    });
}
