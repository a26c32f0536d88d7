// Exports at once: one account cannot stall the inbox by starting dozens (each streams a whole view,
// scored and sealed again). The route itself is called, on a real inbox service, with streams left
// unread so their exports stay running; then read, or abandoned by the client.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORTS_AT_ONCE, EXPORTS_PER_ACCOUNT, ExportSlots } from '../../src/inbox-server/export-slots.ts';
import type { User } from '../../src/inbox-server/accounts.ts';
import { exportRoutes } from '../../src/inbox-server/routes/exports.ts';
import { type ApiRequest, type ApiResponse, routeContext } from '../../src/inbox-server/routes/route.ts';
import { startServer } from '../../src/server/main.ts';
import { account } from '../helpers/inbox.ts';

describe('export slots', () => {
  it('two per account and four in all; a release frees one, and only once', () => {
    const slots = new ExportSlots(2, 4);
    const a1 = slots.take('a')!;
    const a2 = slots.take('a')!;
    expect(slots.take('a')).toBeUndefined();
    const b1 = slots.take('b')!;
    expect(slots.take('c')).toBeDefined();
    expect(slots.take('d')).toBeUndefined(); // the server's four are running
    a1();
    a1(); // twice: still one slot freed
    expect(slots.inFlight).toBe(3);
    expect(slots.take('a')).toBeDefined();
    expect(slots.take('a')).toBeUndefined();
    a2();
    b1();
    expect(slots.inFlight).toBe(2);
  });
});

describe('the export route with its slots', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let alice: User;
  let bob: User;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cse-export-slots-'));
    server = await startServer({ port: 0, dataDir: join(dir, 'data'), distDir: join(dir, 'no-dist') });
    alice = await account(server.inbox, 'alice@example.org', 'admin');
    bob = await account(server.inbox, 'bob@example.org', 'admin');
  }, 60_000);
  afterAll(() => server?.close());

  const request = (signal?: AbortSignal): ApiRequest => ({
    method: 'POST',
    path: '/export',
    params: {},
    query: new URLSearchParams(),
    headers: {},
    body: { format: 'csv', view: 'all' },
    address: '127.0.0.1',
    origin: 'http://localhost',
    ...(signal ? { signal } : {}),
  });
  const drain = async (r: ApiResponse) => {
    let bytes = 0;
    for await (const chunk of r.stream!) bytes += chunk.length;
    return bytes;
  };

  it(`an account's third export at once is refused with a clear message; reading one lets the next start`, async () => {
    const [route] = exportRoutes(routeContext(server.inbox), new ExportSlots());
    const call = (user: User, signal?: AbortSignal) => route!.handler(request(signal), { user, sid: undefined });
    const running = [await call(alice), await call(alice)];
    expect(running.map((r) => r.status)).toEqual([200, 200]);
    expect(EXPORTS_PER_ACCOUNT).toBe(2);
    const third = await call(alice);
    expect(third.status).toBe(429);
    expect(third.headers?.['Retry-After']).toBe('5');
    expect(JSON.stringify(third.json)).toContain('Your other exports are still being made');
    // Another account is not held up by Alice's.
    const bobs = await call(bob);
    expect(bobs.status).toBe(200);
    // One of Alice's read to its end (a zip, so not empty): her next one starts.
    expect(await drain(running[0]!)).toBeGreaterThan(22);
    const fourth = await call(alice);
    expect(fourth.status).toBe(200);
    await Promise.all([drain(running[1]!), drain(bobs), drain(fourth)]);
  });

  it('a client that leaves before reading frees its slot; the server makes at most four at once', async () => {
    const [route] = exportRoutes(routeContext(server.inbox), new ExportSlots());
    const call = (user: User, signal?: AbortSignal) => route!.handler(request(signal), { user, sid: undefined });
    const gone = new AbortController();
    const left = await call(alice, gone.signal);
    const kept = await call(alice);
    expect((await call(alice)).status).toBe(429);
    gone.abort(); // the browser closed before the first chunk
    const again = await call(alice);
    expect(again.status).toBe(200);
    // Four accounts' exports fill the server; a fifth account waits.
    const others = await Promise.all(
      ['c', 'd'].map(async (n) => call(await account(server.inbox, `${n}@example.org`, 'admin'))),
    );
    expect(EXPORTS_AT_ONCE).toBe(4);
    expect(others.map((r) => r.status)).toEqual([200, 200]);
    expect((await call(bob)).status).toBe(429);
    await Promise.all([kept, again, ...others].map(drain));
    expect((await call(bob)).status).toBe(200);
    void left;
  });
});
