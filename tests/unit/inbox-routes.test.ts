// Every inbox API route declares who may call it and what it audits; a route without a guard is never registered.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboxPlugin } from '../../src/inbox-server/plugin.ts';
import { startServer } from '../../src/server/main.ts';

let server: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  server = await startServer({ port: 0, dataDir: join(mkdtempSync(join(tmpdir(), 'cse-routes-')), 'data') }, {});
});
afterAll(() => server?.close());

/** The inbox's routes as Fastify registers them: method, url, and the config each carries. */
async function registered() {
  const app = Fastify();
  const routes: { method: string; url: string; guard?: string; audits?: unknown }[] = [];
  app.addHook('onRoute', (r) => {
    if (!r.url.startsWith('/inbox/api')) return;
    for (const method of [r.method].flat())
      routes.push({ method, url: r.url, guard: r.config?.guard, audits: r.config?.audits });
  });
  await app.register(inboxPlugin(server.inbox, { distDir: 'dist' }));
  await app.ready();
  await app.close();
  return routes;
}

describe('the inbox API routes', () => {
  it('each declares a guard and what it audits', async () => {
    const routes = await registered();
    expect(routes.length).toBeGreaterThan(20);
    expect(routes.filter((r) => !r.guard || !r.audits)).toEqual([]);
  });

  it('only sign-in and setting a password are open to anyone; audit, users, devices, settings and subject access are for admins', async () => {
    const routes = await registered();
    const open = routes.filter((r) => r.guard === 'anonymous').map((r) => `${r.method} ${r.url}`);
    expect(open.sort()).toEqual([
      'POST /inbox/api/session',
      'POST /inbox/api/set-password',
      'POST /inbox/api/set-password/check',
    ]);
    for (const r of routes.filter((r) => /^\/inbox\/api\/(audit|users|devices|settings|subject-access)/.test(r.url)))
      expect(`${r.method} ${r.url}: ${r.guard}`).toBe(`${r.method} ${r.url}: admin`);
    for (const r of routes.filter((r) => /^\/inbox\/api\/(referrals|export)/.test(r.url)))
      expect(`${r.method} ${r.url}: ${r.guard}`).toBe(`${r.method} ${r.url}: reviewer`);
  });

  it('a route added without a guard is refused when it is registered', async () => {
    const app = Fastify();
    await expect(
      app
        .register(async (inner) => {
          await inboxPlugin(server.inbox, { distDir: 'dist' })(inner, {});
          inner.get('/inbox/api/unguarded', async () => ({ children: 'all of them' }));
        })
        .ready(),
    ).rejects.toThrow(/GET \/inbox\/api\/unguarded declares no guard/);
    await app.close();
  });

  it('the guards hold over HTTP: no session → 401 on a reviewer route, a reviewer → 403 on an admin route', async () => {
    const base = server.origin;
    expect((await fetch(`${base}/inbox/api/referrals`)).status).toBe(401);
    expect((await fetch(`${base}/inbox/api/audit`)).status).toBe(401);
    expect((await fetch(`${base}/inbox/api/no-such-thing`)).status).toBe(401);
    const res = await fetch(`${base}/inbox/api/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: base },
      body: JSON.stringify({ email: 'nobody@la.example', password: 'wrong-password-here', code: '123456' }),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad-credentials');
  });
});
