// @vitest-environment jsdom
// The Outbox lists every submission not yet delivered and only the newest delivered ones at
// first (each listed row is read and decrypted with its record); "Show older" adds more.
// Real Dexie on fake-indexeddb, encrypted as on a device.
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import Dexie from 'dexie';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { CseDb } from '../../src/store/db.ts';
import { AppContext } from '../../src/ui/context.ts';
import { OutboxScreen } from '../../src/ui/outbox.tsx';

let db: CseDb;
let name: string;
beforeEach(() => {
  name = `o-${crypto.randomUUID()}`;
  db = new CseDb(name);
});
afterEach(async () => {
  cleanup();
  db.close();
  await Dexie.delete(name);
});

it('lists all waiting and the newest 20 delivered, and shows older ones on request', async () => {
  const row = (i: number, state: 'queued' | 'delivered') => ({
    id: `s${i}`,
    recordId: `r${i}`,
    state,
    payload: '{}',
    contentType: 'application/json',
    attempts: state === 'delivered' ? 1 : 0,
    createdAt: 1000 + i,
    nextAttemptAt: 0,
    ...(state === 'delivered' ? { receipt: `R-${i}`, deliveredAt: 2000 + i } : {}),
  });
  await db.outbox.bulkAdd([
    ...Array.from({ length: 130 }, (_, i) => row(i, 'delivered')),
    ...Array.from({ length: 3 }, (_, i) => row(200 + i, 'queued')),
  ]);
  render(
    <AppContext.Provider value={{ db, setSaveStatus: () => {} }}>
      <OutboxScreen />
    </AppContext.Provider>,
  );
  const rows = () => document.querySelectorAll('[data-testid=outbox-table] tbody tr');
  await waitFor(() => expect(rows()).toHaveLength(23));
  // Newest first: the three waiting (made last), then delivered s129 … s110.
  expect(rows()[3]!.getAttribute('data-outbox-id')).toBe('s129');
  expect(rows()[22]!.getAttribute('data-outbox-id')).toBe('s110');
  // The count of older ones follows the list (counted after the first rows are on screen).
  expect(await screen.findByText(/110 older delivered submissions are not listed/)).toBeTruthy();
  fireEvent.click(screen.getByText('Show 100 older delivered'));
  await waitFor(() => expect(rows()).toHaveLength(123));
  fireEvent.click(await screen.findByText('Show 10 older delivered'));
  await waitFor(() => expect(rows()).toHaveLength(133));
  await waitFor(() => expect(screen.queryByTestId('outbox-more')).toBeNull());
});
