// Each page carries only what it uses, within its byte budget (read from the build: run after `vite build`).
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIRST_SCREEN_BUDGET, INBOX_BUDGET, firstScreen, inboxPage } from './budgets.ts';

const storage = (m: string) => /^node_modules\/dexie\/|^src\/(store|sync)\//.test(m);

describe('the first screen (the shell and the passcode screen)', () => {
  const page = firstScreen();

  it(`fits its budget of ${FIRST_SCREEN_BUDGET} gzip bytes`, () => {
    expect(page.gzip).toBeLessThanOrEqual(FIRST_SCREEN_BUDGET);
  });

  it('carries no form widgets, no domain and no record storage', () => {
    expect(page.modules).toContain('src/ui/lock.tsx'); // the map is read right: the passcode screen is there
    expect(page.modules.filter((m) => m === 'src/ui/fields.tsx' || m.startsWith('src/domain/'))).toEqual([]);
    expect(page.modules.filter((m) => m.startsWith('node_modules/dexie/'))).toEqual([]);
  });
});

describe("the reviewers' inbox page", () => {
  const page = inboxPage();

  it(`fits its budget of ${INBOX_BUDGET} gzip bytes`, () => {
    expect(page.gzip).toBeLessThanOrEqual(INBOX_BUDGET);
  });

  it("carries none of the device's storage, sync or screens", () => {
    expect(page.modules).toContain('src/inbox/app.tsx');
    expect(page.modules.filter((m) => storage(m) || m.startsWith('src/ui/'))).toEqual([]);
  });
});

it('names every chunk for what it holds (no "index" or "dist" chunks)', () => {
  const names = readdirSync('dist/assets').filter((f) => f.endsWith('.js'));
  expect(names.length).toBeGreaterThan(5);
  expect(names.filter((f) => /^(index|dist|chunk)-/.test(f))).toEqual([]);
});
