// `npm run drill`: fault drills that print counts.
import { launch } from '../e2e/browser.ts';
import { makeProof } from '../../src/sync/device-proof.ts';
import { enrolDevice } from '../helpers/device.ts';
import { chooseSettingAndRegion, enter, fillInstrument, waitSaved } from '../e2e/app.ts';
import { type FaultProxy, seeded, startFaultProxy } from '../e2e/fault-proxy.ts';
import { ticks } from '../helpers/answers.ts';
import { makeSubmission } from '../helpers/submission.ts';
import { countRaw, installedProfile, median, putRaw, startApp, table } from './harness.ts';
import {
  ARGON2_PARAMS,
  WrongPasscodeError,
  createPbkdf2Vault,
  createVault,
  openVault,
} from '../../src/crypto/vault.ts';

const results: (string | number)[][] = [['drill', 'figure', 'value']];
const random = seeded(Number(process.env.DRILL_SEED ?? 7));
const ONLY = (process.env.DRILLS ?? '1,2,3,4,5,6,7,8,9,10,11,12').split(',');
const progress = (m: string) => console.log(`[drill ${new Date().toISOString().slice(11, 19)}] ${m}`);

// 1. 10,000 malformed payloads at the endpoint: none may crash it or be accepted.
if (ONLY.includes('1')) {
  progress('drill 1 start');
  const { server, origin } = await startApp({ limits: { perDevicePerMinute: 100_000, dailyQuota: 100_000 } });
  const device = (await enrolDevice(origin, (await server.addDevice('Drill 1')).code)).device;
  const valid = makeSubmission();
  const mutations: ((s: Record<string, unknown>) => { body: string; type?: string; key?: string })[] = [
    (s) => ({ body: JSON.stringify(s).slice(0, Math.floor(random() * JSON.stringify(s).length)) }), // truncated
    (s) => ({ body: JSON.stringify({ ...s, id: 'not-a-uuid' }) }),
    (s) => ({ body: JSON.stringify({ ...s, schema: 'other/9' }) }),
    (s) => ({ body: JSON.stringify({ ...s, answers: { 'c1-missing': String(6 + Math.floor(random() * 100)) } }) }),
    (s) => ({ body: JSON.stringify({ ...s, answers: { 'professional-judgement': 10 + random() * 1000 } }) }),
    (s) => ({ body: JSON.stringify({ ...s, answers: { [`x${Math.floor(random() * 1e6)}`]: '1' } }) }),
    (s) => ({
      body: JSON.stringify({ ...s, instrument: { id: `no-${Math.floor(random() * 1e6)}`, version: '1.0.0' } }),
    }),
    (s) => ({ body: JSON.stringify({ ...s, author: { name: '' } }) }),
    (s) => ({ body: JSON.stringify({ ...s, device: { time: 'yesterday', timezone: 'x' } }) }),
    (s) => ({ body: JSON.stringify({ ...s, answers: 'all of them' }) }),
    (s) => ({ body: JSON.stringify([s]) }),
    () => ({ body: Buffer.from(Array.from({ length: 200 }, () => Math.floor(random() * 256))).toString('latin1') }),
    (s) => ({ body: JSON.stringify(s), type: 'text/plain' }),
    (s) => ({ body: JSON.stringify(s), key: 'wrong-key' }),
    (s) => ({ body: JSON.stringify({ ...s, childRef: 'x'.repeat(300_000) }) }),
    (s) => ({ body: 'a.b.c.d.e', type: 'application/jose', key: String(s.id) }),
    (s) => ({ body: JSON.stringify({ ...s, result: { ...(s.result as object), bands: 'none' } }) }),
    (s) => ({
      body: JSON.stringify({
        ...s,
        answers: { persons: [{ name: { $gt: '' } }] },
        instrument: { id: 'gm-information-report', version: '1.1.0' },
      }),
    }),
  ];
  const counts = { sent: 0, accepted: 0, rejected4xx: 0, errors5xx: 0, connectionFailures: 0 };
  const t0 = Date.now();
  const work = Array.from({ length: 10_000 }, (_, i) => i);
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (work.length) {
        work.pop();
        const s = { ...valid, id: crypto.randomUUID() } as Record<string, unknown>;
        const m = mutations[Math.floor(random() * mutations.length)]!(s);
        counts.sent++;
        try {
          const res = await fetch(`${origin}/api/submissions`, {
            method: 'POST',
            headers: {
              DPoP: await makeProof(device.key, 'POST', `${origin}/api/submissions`),
              'Content-Type': m.type ?? 'application/json',
              'Idempotency-Key': m.key ?? String(s.id),
            },
            body: m.body,
          });
          await res.arrayBuffer();
          if (res.status < 300) counts.accepted++;
          else if (res.status < 500) counts.rejected4xx++;
          else counts.errors5xx++;
        } catch {
          counts.connectionFailures++;
        }
      }
    }),
  );
  const health = await fetch(`${origin}/api/health`).then((r) => r.status);
  results.push(['10,000 malformed payloads', 'wrongly accepted', counts.accepted]);
  results.push(['', 'crashes (5xx or dropped connections)', counts.errors5xx + counts.connectionFailures]);
  results.push(['', 'refused with 4xx', counts.rejected4xx]);
  results.push(['', 'rows stored', await server.store.count()]);
  results.push(['', 'endpoint healthy afterwards', health === 200 ? 'yes' : `no (${health})`]);
  results.push(['', 'seconds', Math.round((Date.now() - t0) / 100) / 10]);
  progress(JSON.stringify(counts));
  server.close();
}

// 2. 1,000 submissions through a fault-injecting proxy: stored exactly once.
if (ONLY.includes('2')) {
  progress('drill 2 start');
  // The fault proxy in front is a trusted proxy (CSE_TRUST_PROXY): proofs name its address.
  const { server, origin } = await startApp({}, { ...process.env, CSE_TRUST_PROXY: '127.0.0.1' });
  const proxy: FaultProxy = await startFaultProxy(origin.replace('localhost', '127.0.0.1'), 99);
  const { b, page } = await installedProfile(proxy.origin, server);
  const subs = Array.from({ length: 1000 }, (_, i) => makeSubmission({ childRef: `P${i}` }));
  await putRaw(
    page,
    'outbox',
    subs.map((s, i) => ({
      id: s.id,
      recordId: crypto.randomUUID(),
      state: 'queued',
      payload: JSON.stringify(s),
      contentType: 'application/json',
      attempts: 0,
      createdAt: Date.now() + i,
      nextAttemptAt: 0,
    })),
  );
  proxy.mode = 'faults';
  proxy.weights = { pass: 45, 'drop-before': 15, 'error-500': 12, 'reset-after-store': 15, duplicate: 12, hang: 1 };
  proxy.maxHangs = 3;
  await page.goto(`${proxy.origin}/#/outbox`);
  const t0 = Date.now();
  let passes = 0;
  while ((await countRaw(page, 'outbox', 'queued')) + (await countRaw(page, 'outbox', 'sending')) > 0 && passes < 60) {
    passes++;
    progress(`proxy pass ${passes}: stored ${await server.store.count()}, faults ${JSON.stringify(proxy.counts)}`);
    await page.click('text=Send now');
    await page.waitForSelector('.button:not([disabled]):text-is("Send now")', { timeout: 300_000 });
  }
  const stored = await server.store.all();
  const ids = new Set(stored.map((s) => s.id));
  const expected = subs.filter((s) => ids.has(s.id)).length;
  results.push(['1,000 through fault proxy', 'stored', stored.length]);
  results.push(['', 'distinct ids stored', ids.size]);
  results.push(['', 'of the 1,000 stored', expected]);
  results.push(['', 'stored twice', stored.length - ids.size]);
  results.push([
    '',
    'faults: drop / 500 / reset after store / duplicate / hang',
    `${proxy.counts['drop-before']} / ${proxy.counts['error-500']} / ${proxy.counts['reset-after-store']} / ${proxy.counts.duplicate} / ${proxy.counts.hang}`,
  ]);
  results.push([
    '',
    'requests, Send-now passes, seconds',
    `${proxy.counts.requests}, ${passes}, ${Math.round((Date.now() - t0) / 1000)}`,
  ]);
  await b.close();
  await proxy.close();
  server.close();
}

// 3. Schema upgrade (v3 → v4, encryption) with 500 records queued: none lost.
if (ONLY.includes('3')) {
  progress('drill 3 start');
  const { server, origin } = await startApp();
  const b = await launch();
  const page = await b.context.newPage();
  await page.goto(`${origin}/drill-same-origin.txt`); // a 404 on the app's origin, to reach its IndexedDB
  const subs = Array.from({ length: 500 }, (_, i) => makeSubmission({ childRef: `U${i}` }));
  await page.evaluate(
    (rows) =>
      new Promise<void>((ok, fail) => {
        const open = indexedDB.open('cse-screen', 30); // Dexie version 3
        open.onupgradeneeded = () => {
          const db = open.result;
          const records = db.createObjectStore('records', { keyPath: 'id' });
          for (const i of ['state', 'updatedAt', 'childRef', 'instrumentId']) records.createIndex(i, i);
          records.createIndex('[childRef+instrumentId]', ['childRef', 'instrumentId']);
          db.createObjectStore('meta', { keyPath: 'key' });
          const outbox = db.createObjectStore('outbox', { keyPath: 'id' });
          for (const i of ['state', 'nextAttemptAt', 'recordId']) outbox.createIndex(i, i);
        };
        open.onerror = () => fail(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction(['records', 'outbox'], 'readwrite');
          rows.forEach((r, i) => {
            tx.objectStore('records').put({
              id: r.recordId,
              instrumentId: 'gm-cse-measurement-tool',
              instrumentVersion: '1.0.0',
              state: 'final',
              childRef: r.childRef,
              answers: r.answers,
              result: r.result,
              section: 0,
              createdAt: i,
              updatedAt: i,
              finalisedAt: i,
            });
            tx.objectStore('outbox').put({
              id: r.id,
              recordId: r.recordId,
              state: 'queued',
              payload: r.payload,
              contentType: 'application/json',
              attempts: 0,
              createdAt: i,
              nextAttemptAt: 0,
            });
          });
          tx.oncomplete = () => {
            open.result.close();
            ok();
          };
        };
      }),
    subs.map((s) => ({
      id: s.id,
      recordId: crypto.randomUUID(),
      childRef: s.childRef,
      answers: s.answers,
      result: s.result,
      payload: JSON.stringify(s),
    })),
  );
  // Nothing is sent during the check: this profile has no endpoint configured.
  await page.goto(origin);
  await enter(page); // first run of the new version: passcode, then the upgrade with the key
  await page.goto(`${origin}/#/outbox`);
  await page.waitForSelector('[data-testid=outbox-table]');
  const rowsShown = await page.$$eval('[data-testid=outbox-table] tbody tr', (r) => r.length);
  const queued = await countRaw(page, 'outbox', 'queued');
  const records = await countRaw(page, 'records');
  const encrypted = await page.evaluate(
    () =>
      new Promise<number>((ok) => {
        const open = indexedDB.open('cse-screen');
        open.onsuccess = () => {
          const all = open.result.transaction('records').objectStore('records').getAll();
          all.onsuccess = () =>
            ok(
              all.result.filter((r: { _enc?: unknown; childRef?: unknown }) => r._enc && r.childRef === undefined)
                .length,
            );
        };
      }),
  );
  results.push(['schema upgrade with 500 queued', 'submissions lost', 500 - queued]);
  results.push(['', 'records lost', 500 - records]);
  results.push(['', 'records now encrypted at rest', encrypted]);
  results.push(['', 'shown in the outbox after upgrade', rowsShown]);
  await b.close();
  server.close();
}

// 4. The browser killed at 20 random moments during entry.
if (ONLY.includes('4')) {
  progress('drill 4 start');
  const { server, origin } = await startApp();
  const installed = await installedProfile(origin, server);
  let { b, page } = installed;
  const { profile } = installed;
  const id = 'nscb-ae-cse-indicator-checklist';
  const text = 'Older male in a grey car, says he is her cousin, left at ten past two, would not give a name.';
  let finished = 0;
  const lostChars: number[] = [];
  const lostMs: number[] = [];
  const perChar: number[] = [];
  for (let i = 0; i < 20; i++) {
    await page.goto(`${origin}/#/`);
    await chooseSettingAndRegion(page, 'medical', 'northamptonshire');
    await fillInstrument(page, id, `FIN${i}`, { ...ticks(id, []), age: 14 });
    await page.click('text=Finish and see the result');
    await page.waitForSelector('h1:text-is("Result")');
    finished++;
    await page.goto(`${origin}/#/`);
    await page.click(`a[data-instrument="${id}"]`);
    await page.waitForSelector('#accompanying-person');
    await page.fill('#child-ref', `K${i}`);
    await page.fill('#accompanying-person', 'x');
    await waitSaved(page);
    let sent = 1;
    const killAfter = 200 + Math.floor(random() * 1800);
    const t0 = Date.now();
    const typing = (async () => {
      for (const c of text) {
        await page.keyboard.type(c, { delay: 0 });
        sent++;
        await new Promise((r) => setTimeout(r, 20));
      }
    })().catch(() => {});
    await page.click('#accompanying-person').catch(() => {});
    await new Promise((r) => setTimeout(r, killAfter));
    const typedMs = Date.now() - t0;
    await b.kill();
    await typing;
    perChar.push(typedMs / Math.max(1, sent));
    ({ b } = { b: await launch(profile) });
    page = await b.context.newPage();
    await page.goto(origin);
    await enter(page);
    await page.waitForSelector('[data-testid=recent]');
    await page.click(`[data-testid=recent] a:has-text("K${i}")`, { timeout: 5000 }).catch(async (e) => {
      progress(`recent list: ${await page.textContent('[data-testid=recent]')}`);
      throw e;
    });
    const restored = await page.inputValue('#accompanying-person');
    const lost = Math.max(0, sent - restored.length);
    lostChars.push(lost);
    lostMs.push(Math.round(lost * (typedMs / Math.max(1, sent))));
    progress(`kill ${i + 1}: typed ${sent}, restored ${restored.length}`);
  }
  const finals = await countRaw(page, 'records', 'final');
  results.push(['browser killed at 20 random moments', 'finished records lost', finished - finals]);
  results.push(['', 'longest span of typing lost (characters)', Math.max(...lostChars)]);
  results.push(['', 'longest span of typing lost (ms, at the measured typing rate)', Math.max(...lostMs)]);
  results.push(['', 'kills with nothing lost', lostChars.filter((l) => l === 0).length]);
  await b.close();
  server.close();
}

// 5–8. The receiver attacked: idle connections, slow bodies, a flooding device, SIGKILL mid-load; on both stores.
if (ONLY.some((d) => ['5', '6', '7', '8'].includes(d))) {
  const { receiverDrills } = await import('./receiver-drills.ts');
  results.push(...(await receiverDrills(ONLY)));
}

// 9. A stolen vault header: what one offline passcode guess costs the attacker, before (PBKDF2) and after (Argon2id).
if (ONLY.includes('9')) {
  progress('drill 9 start');
  const guesses = Number(process.env.DRILL_GUESSES ?? 7);
  const cost = async (header: Parameters<typeof openVault>[0]) => {
    const ms: number[] = [];
    for (let i = 0; i < guesses; i++) {
      const t0 = performance.now();
      await openVault(header, `${100000 + i}`).catch((e) => {
        if (!(e instanceof WrongPasscodeError)) throw e;
      });
      ms.push(performance.now() - t0);
    }
    return median(ms);
  };
  const before = await cost((await createPbkdf2Vault('the real passcode')).header);
  const after = await cost((await createVault('the real passcode')).header);
  const coreHours = (ms: number) => Math.round(((ms * 1e6) / 3_600_000) * 10) / 10;
  results.push([
    'offline guess at a stolen header (Node, one core)',
    'before: PBKDF2-SHA-256, 600,000 iterations (ms per guess)',
    Math.round(before),
  ]);
  results.push([
    '',
    `after: Argon2id m=${ARGON2_PARAMS.memoryKiB / 1024} MiB t=${ARGON2_PARAMS.iterations} p=${ARGON2_PARAMS.parallelism} (ms per guess)`,
    Math.round(after),
  ]);
  results.push(['', 'memory per guess, before / after', `≈0 / ${ARGON2_PARAMS.memoryKiB / 1024} MiB`]);
  results.push([
    '',
    'every 6-digit passcode (10^6), core-hours, before / after',
    `${coreHours(before)} / ${coreHours(after)}`,
  ]);
  results.push(['', 'guesses the device allows before erasing', 10]);
}

// 10. Three instances behind HAProxy on one PostgreSQL (issue 24).
if (ONLY.includes('10')) {
  progress('drill 10 start');
  const { instancesDrill } = await import('./instances-drill.ts');
  results.push(...(await instancesDrill()));
}

// 11–12. Run as a council runs it: backup and restore, key rotation; on both stores.
if (ONLY.some((d) => ['11', '12'].includes(d))) {
  const ops = await import('./ops-drills.ts');
  if (ONLY.includes('11')) results.push(...(await ops.backupDrill()));
  if (ONLY.includes('12')) results.push(...(await ops.rotationDrill()));
  ops.stopDrillPostgres();
}

table('Fault drills', results);
process.exit(0);
