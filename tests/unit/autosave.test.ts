import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createAutosaver,
  discardAllAutosavers,
  type SaveStatus,
  unsavedAutosavers,
  waitingAutosavers,
} from '../../src/store/autosave.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('autosave', () => {
  it('writes the last value once, within the debounce delay', async () => {
    const saved: number[] = [];
    const statuses: SaveStatus[] = [];
    const a = createAutosaver<number>(
      async (v) => void saved.push(v),
      (s) => statuses.push(s),
      300,
    );
    a.change(1);
    a.change(2);
    a.change(3);
    expect(saved).toEqual([]);
    await vi.advanceTimersByTimeAsync(300);
    expect(saved).toEqual([3]);
    expect(statuses.at(-1)).toBe('saved');
  });

  it('during continuous typing it still saves at least every 500 ms', async () => {
    const saved: number[] = [];
    const a = createAutosaver<number>(
      async (v) => void saved.push(v),
      () => {},
      300,
      2000,
      500,
    );
    for (let i = 1; i <= 20; i++) {
      a.change(i);
      await vi.advanceTimersByTimeAsync(100); // a keystroke every 100 ms: the debounce alone would never fire
    }
    expect(saved.length).toBeGreaterThanOrEqual(3);
    expect(saved[0]).toBeLessThanOrEqual(6); // first save no later than ~500 ms in
  });

  it('flush waits for the newest value even when the debounce timer has already started writing it', async () => {
    // The race behind a child reference "S2" stored as "S": the first keystroke's
    // write is slow (the draft is being created), the second keystroke's write is
    // taken by the timer, and Continue's flush must not return before it lands.
    const gates: (() => void)[] = [];
    const saved: string[] = [];
    const a = createAutosaver<string>(
      (v) =>
        new Promise<void>((ok) =>
          gates.push(() => {
            saved.push(v);
            ok();
          }),
        ),
      () => {},
      300,
    );
    a.change('S');
    await vi.advanceTimersByTimeAsync(300); // the first write starts and hangs
    expect(gates).toHaveLength(1);
    a.change('S2');
    await vi.advanceTimersByTimeAsync(300); // the timer's run waits behind the first write
    let flushed = false;
    const flushing = a.flush().then(() => (flushed = true));
    gates[0]!(); // the first write lands; the timer's run takes "S2" and starts writing it
    await vi.advanceTimersByTimeAsync(0);
    expect(gates).toHaveLength(2);
    expect(flushed).toBe(false); // "S2" is not written yet
    gates[1]!();
    await flushing;
    expect(saved).toEqual(['S', 'S2']);
  });

  it('flush writes at once (page hidden or closed)', async () => {
    const saved: number[] = [];
    const a = createAutosaver<number>(
      async (v) => void saved.push(v),
      () => {},
      300,
    );
    a.change(7);
    await a.flush();
    expect(saved).toEqual([7]);
  });

  it('a failed save keeps the value and retries until it is written', async () => {
    let fail = 2;
    const saved: number[] = [];
    const a = createAutosaver<number>(
      async (v) => {
        if (fail-- > 0) throw Object.assign(new Error('full'), { name: 'QuotaExceededError' });
        saved.push(v);
      },
      () => {},
      100,
      1000,
    );
    a.change(5);
    await vi.advanceTimersByTimeAsync(100);
    expect(a.status).toBe('error');
    await vi.advanceTimersByTimeAsync(1000);
    expect(a.status).toBe('error');
    await vi.advanceTimersByTimeAsync(1000);
    expect(saved).toEqual([5]);
    expect(a.status).toBe('saved');
  });

  it('a newer change during a failing save is the one that gets written', async () => {
    let fail = 1;
    const saved: number[] = [];
    const a = createAutosaver<number>(
      async (v) => {
        if (fail-- > 0) throw new Error('x');
        saved.push(v);
      },
      () => {},
      100,
      1000,
    );
    a.change(1);
    await vi.advanceTimersByTimeAsync(100);
    a.change(2);
    await vi.advanceTimersByTimeAsync(100);
    expect(saved).toEqual([2]);
  });
});

describe('a change storage refuses (device full)', () => {
  it('stays in memory, counted as unsaved after its screen is gone, is retried, and is written once space is freed', async () => {
    let full = true;
    const saved: string[] = [];
    const a = createAutosaver<string>(
      async (v) => {
        if (full) throw Object.assign(new Error('full'), { name: 'QuotaExceededError' });
        saved.push(v);
      },
      () => {},
      300,
      2000,
    );
    a.change('typed while full');
    await vi.advanceTimersByTimeAsync(300);
    expect(a.status).toBe('error');
    (a as unknown as { dispose(): void }).dispose(); // the screen unmounts
    expect(unsavedAutosavers()).toBe(1);
    await vi.advanceTimersByTimeAsync(2000);
    expect(saved).toEqual([]);
    full = false;
    await vi.advanceTimersByTimeAsync(2000);
    expect(saved).toEqual(['typed while full']);
    expect(unsavedAutosavers()).toBe(0);
  });

  it('is dropped only when the practitioner discards it', async () => {
    const saved: string[] = [];
    const a = createAutosaver<string>(
      async () => {
        throw Object.assign(new Error('full'), { name: 'QuotaExceededError' });
      },
      () => {},
      300,
      2000,
    );
    a.change('x');
    await vi.advanceTimersByTimeAsync(300);
    expect(unsavedAutosavers()).toBe(1);
    discardAllAutosavers();
    expect(unsavedAutosavers()).toBe(0);
    expect(a.status).toBe('saved');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(saved).toEqual([]);
  });
});

describe('what a move waits for (the leave guard)', () => {
  it('a change in its debounce, and one storage refused; not a write already under way', async () => {
    let full = false;
    let release: () => void = () => {};
    const a = createAutosaver<string>(
      (v) => {
        if (full) return Promise.reject(Object.assign(new Error('full'), { name: 'QuotaExceededError' }));
        return new Promise<void>((ok) => (release = () => ok(void v)));
      },
      () => {},
      300,
      2000,
    );
    a.change('typed');
    expect(waitingAutosavers()).toBe(1); // waiting for its debounce: flushed before the move
    const flushed = a.flush(); // Continue starts the write
    expect(waitingAutosavers()).toBe(0); // under way: the next page opens from it
    expect(unsavedAutosavers()).toBe(1); // still not written, so still shown as saving
    release();
    await flushed;
    expect(unsavedAutosavers()).toBe(0);
    full = true;
    a.change('typed while full');
    await vi.advanceTimersByTimeAsync(300);
    expect(a.status).toBe('error');
    expect(waitingAutosavers()).toBe(1); // refused: the move is held with the prompt
    discardAllAutosavers();
    expect(waitingAutosavers()).toBe(0);
  });
});
