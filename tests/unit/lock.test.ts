// @vitest-environment jsdom
// The lock timer with a fake clock, and the passcode attempt policy.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { keyring } from '../../src/crypto/keyring.ts';
import { LockTimer } from '../../src/security/lock-timer.ts';
import 'fake-indexeddb/auto';
import { hasVault, restoreVault, retryDelaySeconds, setUpPasscode, unlock } from '../../src/security/passcode.ts';

describe('lock timer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  const make = (onLock: () => void) =>
    new LockTimer({ now: () => Date.now(), setTimer: (f, ms) => setTimeout(f, ms), clearTimer: (t) => clearTimeout(t as number), idleMs: 5 * 60_000, onLock });

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

  it('does not lock on return after a short absence', () => {
    const onLock = vi.fn();
    const t = make(onLock);
    t.hidden();
    vi.setSystemTime(Date.now() + 60_000);
    t.visible();
    expect(onLock).not.toHaveBeenCalled();
  });
});

describe('passcode attempts', () => {
  beforeEach(() => localStorage.clear());
  it('slows down after three wrong passcodes, doubling to a 5-minute cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 12].map(retryDelaySeconds)).toEqual([0, 0, 0, 2, 4, 8, 16, 300]);
  });

  it('a wrong passcode is counted, must wait, and the right one unlocks and resets', async () => {
    await setUpPasscode('right-passcode', localStorage, 1000);
    expect(hasVault()).toBe(true);
    keyring.clear();
    let t = 1_000_000;
    for (let i = 1; i <= 3; i++) expect(await unlock('wrong', t++)).toMatchObject({ ok: false, reason: 'wrong', failures: i });
    expect(await unlock('right-passcode', t)).toMatchObject({ ok: false, reason: 'wait', waitSeconds: 2 });
    expect(keyring.get()).toBeUndefined();
    t += 2000;
    expect(await unlock('right-passcode', t)).toEqual({ ok: true });
    expect(keyring.get()).toHaveLength(32);
  });

  it('restores the vault from IndexedDB when localStorage lost it (a kill soon after set-up)', async () => {
    await setUpPasscode('right-passcode', localStorage, 1000);
    const key = keyring.require().slice();
    localStorage.clear(); // the lazy localStorage write never reached the disk
    keyring.clear();
    expect(hasVault()).toBe(false);
    await restoreVault();
    expect(hasVault()).toBe(true);
    expect(await unlock('right-passcode', 0)).toEqual({ ok: true });
    expect(keyring.get()).toEqual(key);
  });

  it('offers the wipe after the configured number of failures', async () => {
    await setUpPasscode('right-passcode', localStorage, 1000);
    localStorage.setItem('cse-screen.lock-policy', JSON.stringify({ maxAttempts: 2 }));
    expect(await unlock('x', 0)).toMatchObject({ wipeOffered: false });
    expect(await unlock('y', 1)).toMatchObject({ wipeOffered: true });
  });
});
