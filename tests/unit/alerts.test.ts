// Duty alerts (issue 20, item 6), over real HTTP and real SMTP, on SQLite and on PostgreSQL: a real
// SMTP server runs in-process (smtp-server) and the tests read what arrives. An urgent referral (a child
// under 13) reaches the duty address of its area within 5 s of being stored, holding no child
// reference, name or answer; a referral still new past its timescale is alerted once (the test moves
// the alerts' clock); an SMTP outage is retried later and delivered; without SMTP settings nothing is
// sent and the inbox says alerts are off.
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../../src/admin/main.ts';
import { getInstrument } from '../../src/domain/index.ts';
import { ConfigError, readConfig } from '../../src/config/config.ts';
import { Alerts, alertMessage, backoffMs, timescaleMinutes } from '../../src/inbox-server/alerts.ts';
import type { Sql } from '../../src/receiver/store/sql.ts';
import { startServer } from '../../src/server/main.ts';
import { scores, spread } from '../helpers/answers.ts';
import type { TestDevice } from '../helpers/device.ts';
import { account, enrolledDevice, gmReferral, send, signIn } from '../helpers/inbox.ts';
import { STORE_KINDS, freshDatabaseUrl, stopPostgres } from '../helpers/stores.ts';
import { makeSubmission } from '../helpers/submission.ts';

afterAll(() => stopPostgres());

interface Mail {
  to: string[];
  raw: string;
}

/** A real SMTP server on loopback, collecting every message as it arrived (envelope and raw text). */
class Inbox {
  readonly mails: Mail[] = [];
  private server: SMTPServer | undefined;
  port = 0;

  async start(port = 0): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, session, done) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          this.mails.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          done();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.server.address() as AddressInfo).port;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Messages whose raw text mentions `text` (a referral id, say). */
  about(text: string): Mail[] {
    return this.mails.filter((m) => unfold(m.raw).includes(text));
  }
}

/**
 * The message as a reader sees it: headers unfolded and their encoded words decoded, the body's
 * quoted-printable or base64 undone; so what is asserted absent is really absent, in any encoding.
 */
function unfold(raw: string): string {
  const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
  const headers = head
    .replace(/\r?\n[ \t]+/g, ' ')
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([QB])\?([^?]*)\?=/gi, (_, enc: string, text: string) =>
      enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : qp(text.replace(/_/g, ' ')),
    );
  let body = rest.join('\n\n');
  if (/content-transfer-encoding: quoted-printable/i.test(headers)) body = qp(body.replace(/=\r?\n/g, ''));
  else if (/content-transfer-encoding: base64/i.test(headers)) body = Buffer.from(body, 'base64').toString('utf8');
  return `${headers}\n\n${body.replace(/\r\n/g, '\n')}`;
}
const qp = (s: string) =>
  Buffer.from(
    s.replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  ).toString('utf8');

async function until<T>(what: () => T | undefined | Promise<T | undefined>, ms = 5000, step = 50): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await what();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms`);
    await new Promise((r) => setTimeout(r, step));
  }
}
/** How many alerts are queued for a referral (sent or not). */
const queuedFor = async (sql: Sql, id: string) =>
  Number(
    (await sql.get<{ n: number }>('select count(*) as n from inbox_alert_outbox where submission_id = ?', [id]))?.n,
  );

/** A date of birth `years` ago today (the screening is dated today), so the child is that age. */
function bornYearsAgo(years: number): string {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCMonth(0, 1);
  return d.toISOString().slice(0, 10);
}

// What the child's record holds, none of which may appear in an alert.
const CHILD = {
  childRef: 'QX-77-SECRET',
  name: 'Jane Quillfeather',
  address: '14 Larkhill Road',
  reason: 'Seen getting into cars with older men',
  dob: bornYearsAgo(10),
};

/** A GM measurement-tool screening of a child of 10, with her name, address and a reason typed in. */
function under13GM() {
  const answers = scores('gm-cse-measurement-tool', spread(20), 3, {
    'fact-dob': CHILD.dob,
    'yp-name': CHILD.name,
    address: CHILD.address,
    reason: CHILD.reason,
  });
  return makeSubmission({ childRef: CHILD.childRef }, answers);
}

/** A Northamptonshire assessment of a child of 10: its under-13 rule says "immediately" (003 L2189). */
function under13NN(childRef: string) {
  return makeSubmission(
    { instrument: { id: 'nscb-cse-assessment', version: getInstrument('nscb-cse-assessment')!.version }, childRef },
    scores('nscb-cse-assessment', spread(20), 2, { 'yp-dob': bornYearsAgo(10) }),
  );
}

describe('the timescales and the message', () => {
  it("reads the seeds' timescales as the app's minutes", () => {
    expect(timescaleMinutes('immediately')).toBe(15);
    expect(timescaleMinutes('within the hour')).toBe(60);
    expect(timescaleMinutes('2 hours')).toBe(120);
    expect(timescaleMinutes('72 hours')).toBe(4320);
    expect(timescaleMinutes('whenever')).toBeUndefined();
    expect([1, 2, 3, 7, 20].map(backoffMs)).toEqual([30_000, 60_000, 120_000, 1_800_000, 1_800_000]);
  });

  it('a message says level, flags, area, region, time and a link, on one line each', () => {
    const m = alertMessage(
      {
        kind: 'arrival',
        id: '0f8e3c52-8d0e-4a8e-9d3b-3f1a7c2b9e10',
        level: 'High (41 – 60)',
        safety: ['Child under 13'],
        area: 'Bolton',
        region: 'greater-manchester',
        receivedAt: '2026-11-22T14:10:00.000Z',
        timescale: { within: 'immediately', minutes: 15, fromSeed: true },
      },
      'https://cse.example.gov.uk',
    );
    expect(m.subject).toBe('Urgent referral: Child under 13 — Bolton');
    expect(m.text).toContain('Region:     Greater Manchester');
    expect(m.text).toContain(
      'Open it:    https://cse.example.gov.uk/inbox/#/referral/0f8e3c52-8d0e-4a8e-9d3b-3f1a7c2b9e10',
    );
  });

  it('the SMTP settings are checked, and a problem names the variable, never its value', () => {
    const secret = 'hunter2-very-secret';
    const bad = () => readConfig({ CSE_SMTP_URL: `http://user:${secret}@mail`, CSE_ALERT_FROM: 'a@b.example' });
    expect(bad).toThrow(ConfigError);
    try {
      bad();
    } catch (e) {
      expect(String((e as Error).message)).toMatch(/CSE_SMTP_URL: must be smtp:\/\/host:port/);
      expect(String((e as Error).message)).not.toContain(secret);
    }
    expect(() => readConfig({ CSE_SMTP_URL: `smtp://u:${secret}@mail.example:587` })).toThrow(
      /CSE_ALERT_FROM: needed with CSE_SMTP_URL/,
    );
    expect(() => readConfig({ CSE_SMTP_URL: 'smtp://mail.example', CSE_ALERT_FROM: 'not an address' })).toThrow(
      /CSE_ALERT_FROM: must be an e-mail address/,
    );
    expect(
      readConfig({ CSE_SMTP_URL: 'smtps://u:p@mail.example:465', CSE_ALERT_FROM: 'CSE <alerts@x.example>' }).smtp,
    ).toEqual({ url: 'smtps://u:p@mail.example:465', from: 'CSE <alerts@x.example>' });
    expect(readConfig({}).smtp).toBeNull();
  });
});

describe.each(STORE_KINDS)('duty alerts on %s', (kind) => {
  const smtp = new Inbox();
  let server: Awaited<ReturnType<typeof startServer>>;
  let base: string;
  let env: NodeJS.ProcessEnv;
  let bolton: TestDevice;
  let clock = Date.now();
  let admin: string;

  beforeAll(async () => {
    await smtp.start();
    const db = await freshDatabaseUrl(kind);
    env = {
      CSE_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      CSE_ALERT_FROM: 'CSE Screen <alerts@cse.example.gov.uk>',
      CSE_DATA_DIR: join(db.dataDir, 'data'),
      CSE_DATABASE_URL: kind === 'postgres' ? db.database : join(db.dataDir, 'data', 'receiver.sqlite'),
    };
    server = await startServer(
      { port: 0, distDir: join(db.dataDir, 'no-dist'), alerts: { now: () => clock, tickMs: 100 } },
      env,
    );
    base = server.origin;
    env = { ...env, CSE_SECRETS_DIR: server.paths.secretsDir };
    const out: string[] = [];
    const admin_ = (...args: string[]) => runAdmin(['alert', ...args], (s) => out.push(s), env);
    expect(await admin_('set', '--area', 'bolton', 'duty-bolton@example.gov.uk')).toBe(0);
    expect(out.at(-1)).toBe('Alerts for Bolton go to duty-bolton@example.gov.uk.');
    expect(await admin_('set', '--region', 'northamptonshire', 'mash-duty@example.gov.uk')).toBe(0);
    bolton = await enrolledDevice(server, base, 'Bolton school nurse', 'Bolton');
    await account(server.inbox, 'lead@example.org', 'admin');
    admin = (await signIn(base, 'lead@example.org')).cookie!;
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await smtp.stop();
  });

  const get = (path: string) => fetch(`${base}/inbox/api${path}`, { headers: { Cookie: admin } });
  const queued = (id: string) => queuedFor(server.inbox.sql, id);
  // One whole pass of the alerts (overdue check, then sending) at the moved clock, awaited: what the worker does.
  const passAtThisClock = async () => {
    await server.inbox.alerts.checkOverdue();
    await server.inbox.alerts.sendDue();
  };

  const urgent = under13GM();
  it('an under-13 referral reaches the area duty address within 5 s of being stored, with no child data', async () => {
    const sent = Date.now();
    expect(await send(base, bolton, urgent)).toBe(201);
    const mail = await until(() => smtp.about(urgent.id)[0], 5000);
    expect(Date.now() - sent).toBeLessThan(5000);
    expect(mail.to).toEqual(['duty-bolton@example.gov.uk']);
    const text = unfold(mail.raw);
    expect(text).toMatch(/^Subject: Urgent referral: Child under 13 — Bolton$/m);
    expect(text).toContain(`${base}/inbox/#/referral/${urgent.id}`);
    expect(text).toContain('Area:       Bolton');
    expect(text).toMatch(/^Level: {6}Medium \(21 – 40\)$/m);
    expect(text).toMatch(/Flags: +Child under 13/);
    // Nothing about the child: not the reference, name, address, typed reason, date of birth, nor the author.
    for (const secret of [
      CHILD.childRef,
      CHILD.name,
      CHILD.address,
      CHILD.reason,
      CHILD.dob,
      'Sam Nurse',
      '01234 567890',
    ])
      expect(text).not.toContain(secret);
    for (const item of Object.keys(urgent.answers)) expect(text).not.toContain(item);
    // The audit row is written once the SMTP server has answered, which may be a moment after the message arrived.
    const audit = await until(async () => {
      const rows = await server.inbox.audit.list({ submissionId: urgent.id, action: 'alert-sent' });
      return rows.length > 0 ? rows : undefined;
    });
    expect(audit).toMatchObject([{ actor: 'alerts', detail: 'arrival alert to duty-bolton@example.gov.uk (try 1)' }]);
  });

  it('a referral of a lower rank sends no arrival alert', async () => {
    const low = gmReferral(15, 2, { childRef: 'LOW-1' });
    expect(await send(base, bolton, low)).toBe(201);
    await until(async () => (await server.inbox.referrals.get(low.id)) !== undefined);
    // Arrival alerts are queued in the transaction that indexes the referral: indexed with none queued, none is sent.
    expect(await queued(low.id)).toBe(0);
    expect(smtp.about(low.id)).toEqual([]);
  });

  it('a GM information report answering "a child in immediate danger: yes" raises an arrival alert (000 L617)', async () => {
    // "If a child is deemed at immediate risk of significant harm ... contact the police on 999" (000 L617): the
    // report's first question. Its area in the answers is Bolton, whatever the device claims.
    const report = getInstrument('gm-information-report')!;
    const answers = {
      'immediate-danger': 'yes',
      area: 'bolton',
      'report-datetime': '2026-11-22T19:30',
      'reporter-name': 'Youth worker',
      details: CHILD.reason,
    };
    const danger = makeSubmission(
      {
        kind: 'information-report',
        instrument: { id: report.id, version: report.version },
        childRef: 'Information report',
        routing: { area: 'Wigan', email: 'WiganPhoenixCSETeam@gmp.police.uk' },
      },
      answers,
    );
    expect(await send(base, bolton, danger)).toBe(201);
    const mail = await until(() => smtp.about(danger.id)[0], 5000);
    expect(mail.to).toEqual(['duty-bolton@example.gov.uk']);
    const text = unfold(mail.raw);
    expect(text).toMatch(/^Subject: Urgent referral: Immediate danger: 999 — Bolton$/m);
    expect(text).toMatch(/Flags: +Immediate danger: 999/);
    for (const secret of [CHILD.reason, 'Youth worker']) expect(text).not.toContain(secret);
    // The same report answered "no" raises none.
    const calm = makeSubmission(
      {
        kind: 'information-report',
        instrument: { id: report.id, version: report.version },
        childRef: 'Information report',
      },
      { ...answers, 'immediate-danger': 'no' },
    );
    expect(await send(base, bolton, calm)).toBe(201);
    await until(async () => (await server.inbox.referrals.get(calm.id)) !== undefined);
    expect(await queued(calm.id)).toBe(0); // indexed, and no alert queued (see above)
    expect(smtp.about(calm.id)).toEqual([]);
  });

  it('a referral not picked up within its timescale is alerted once; one picked up is not', async () => {
    const waiting = under13NN('NN-WAITS');
    const picked = under13NN('NN-PICKED');
    for (const s of [waiting, picked]) expect(await send(base, bolton, s)).toBe(201);
    // Both arrive (a Northamptonshire referral goes to the region's duty address)…
    await until(() => smtp.about(waiting.id).length === 1 && smtp.about(picked.id).length === 1);
    // …and each is marked sent (its audit row follows the mark): the mail server has a message before the
    // sender hears back, and moving the clock past the send's lease while it is still 'sending' would let the
    // next pass send it again (a failure seen once in a full run).
    const sentRows = async (id: string) =>
      (await server.inbox.audit.list({ submissionId: id, action: 'alert-sent' })).length;
    await until(async () => (await sentRows(waiting.id)) === 1 && (await sentRows(picked.id)) === 1);
    expect(smtp.about(waiting.id)[0]!.to).toEqual(['mash-duty@example.gov.uk']);
    // …one is picked up by a reviewer; the clock passes the seed's "immediately" (the app's 15 minutes).
    const lead = (await server.inbox.accounts.byEmail('lead@example.org'))!;
    await server.inbox.referrals.setState(picked.id, 'in-review', lead, 'On it');
    clock += 14 * 60_000;
    await passAtThisClock();
    expect(smtp.about(waiting.id)).toHaveLength(1);
    clock += 2 * 60_000;
    const overdue = await until(() =>
      smtp.about(waiting.id).find((m) => /Subject: Overdue referral/.test(unfold(m.raw))),
    );
    const text = unfold(overdue.raw);
    expect(text).toMatch(/Subject: Overdue referral \(immediately, not picked up\): Child under 13/);
    expect(text).toContain('Timescale:  immediately (alert after 15 minutes)');
    expect(text).not.toContain('NN-WAITS');
    // Once: time moves on, nothing more for it; nothing for the one picked up.
    clock += 10 * 60_000;
    await passAtThisClock();
    expect(smtp.about(waiting.id)).toHaveLength(2);
    expect(smtp.about(picked.id)).toHaveLength(1);
    // The GM under-13 referral's tool gives no timescale: the app's "within the hour" for an urgent one.
    expect(smtp.about(urgent.id)).toHaveLength(1);
    clock += 40 * 60_000;
    const gm = await until(() => smtp.about(urgent.id).find((m) => /Subject: Overdue/.test(unfold(m.raw))));
    expect(unfold(gm.raw)).toContain("Timescale:  within the hour (alert after 60 minutes; the app's");
    expect(unfold(gm.raw)).not.toContain(CHILD.childRef);
  });

  it('with the SMTP server down, the alert is kept, retried with backoff, audited, and delivered later', async () => {
    clock = Date.now(); // the alerts' clock back with the receiver's, so nothing new is overdue on arrival
    const port = smtp.port;
    await smtp.stop();
    const sub = under13GM();
    expect(await send(base, bolton, sub)).toBe(201);
    const retry = await until(
      async () => (await server.inbox.audit.list({ submissionId: sub.id, action: 'alert-retry' }))[0],
    );
    expect(retry.detail).toMatch(/^arrival alert to duty-bolton@example\.gov\.uk: try 1 failed \(E[A-Z]+/);
    expect((await (await get('/alerts')).json()).outbox.pending).toBeGreaterThanOrEqual(1);
    await smtp.start(port);
    // A whole pass of the sender with the server back: it sends nothing before the next try (30 s on its clock).
    expect(await server.inbox.alerts.sendDue()).toBe(0);
    expect(smtp.about(sub.id)).toEqual([]);
    clock += 31_000;
    await until(() => smtp.about(sub.id).length === 1);
    const sent = await until(async () => {
      const rows = await server.inbox.audit.list({ submissionId: sub.id, action: 'alert-sent' });
      return rows.length > 0 ? rows : undefined;
    });
    expect(sent).toMatchObject([{ detail: 'arrival alert to duty-bolton@example.gov.uk (try 2)' }]);
  });

  it('instances sharing the database never send one alert twice', async () => {
    const ids = Array.from({ length: 20 }, () => crypto.randomUUID());
    for (const id of ids)
      await server.inbox.sql.run(
        `insert into inbox_alert_outbox (kind, submission_id, address, subject, body, state, attempts, next_try_at, created_at)
         values ('arrival', ?, 'duty-bolton@example.gov.uk', 'Urgent referral: test', ?, 'pending', 0, 0, ?)`,
        [id, `Open it: ${id}`, new Date().toISOString()],
      );
    // Three more senders beside the server's own worker, all at once.
    const settings = { smtp: server.paths.smtp, publicUrl: base, now: () => clock };
    const others = [1, 2, 3].map(() => new Alerts(server.inbox.sql, server.inbox.audit, settings));
    await Promise.all(others.map((a) => a.sendDue()));
    await until(() => ids.every((id) => smtp.about(id).length > 0) || undefined);
    // Every row sent and none still being sent: any second copy would have been handed to the SMTP server by now.
    await until(async () => {
      const open = await server.inbox.sql.get<{ n: number }>(
        `select count(*) as n from inbox_alert_outbox where submission_id in (${ids.map(() => '?').join(', ')}) and state <> 'sent'`,
        ids,
      );
      return Number(open?.n) === 0 || undefined;
    });
    for (const id of ids) expect(smtp.about(id)).toHaveLength(1);
    await Promise.all(others.map((a) => a.stop()));
  });

  it('admins see and set the duty addresses in the inbox; names are checked against the directory', async () => {
    const status = await (await get('/alerts')).json();
    expect(status).toMatchObject({
      enabled: true,
      addresses: [
        { kind: 'area', scope: 'Bolton', address: 'duty-bolton@example.gov.uk', setBy: 'cli' },
        { kind: 'region', scope: 'northamptonshire', address: 'mash-duty@example.gov.uk' },
      ],
    });
    expect(status.outbox.sent).toBeGreaterThanOrEqual(25);
    const post = (body: unknown) =>
      fetch(`${base}/inbox/api/alerts/addresses`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: base, Cookie: admin },
        body: JSON.stringify(body),
      });
    const bad = await post({ area: 'Bolten', address: 'x@example.gov.uk' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/"Bolten" is not an area.*Valid areas: Bolton/);
    expect((await post({ area: 'Wigan', address: 'not an address' })).status).toBe(400);
    const ok = await post({ area: 'wigan', address: 'wigan-duty@example.gov.uk' });
    expect(ok.status).toBe(200);
    expect((await ok.json()).address).toMatchObject({ kind: 'area', scope: 'Wigan', setBy: 'lead@example.org' });
    const del = await fetch(`${base}/inbox/api/alerts/addresses/area/Wigan`, {
      method: 'DELETE',
      headers: { Origin: base, Cookie: admin },
    });
    expect(del.status).toBe(200);
    const audit = (await server.inbox.audit.list({})).filter((a) => a.action.startsWith('alert-address'));
    expect(audit.map((a) => [a.actor, a.action, a.detail])).toEqual([
      ['lead@example.org', 'alert-address-remove', 'area Wigan'],
      ['lead@example.org', 'alert-address-set', 'area Wigan: wigan-duty@example.gov.uk'],
      ['cli', 'alert-address-set', 'region northamptonshire: mash-duty@example.gov.uk'],
      ['cli', 'alert-address-set', 'area Bolton: duty-bolton@example.gov.uk'],
    ]);
    // The command line: list, a name not in the directory (the valid ones listed), remove.
    const out: string[] = [];
    expect(await runAdmin(['alert', 'list'], (s) => out.push(s), env)).toBe(0);
    expect(out[0]).toBe('Alerts are on (by e-mail).');
    expect(out.join('\n')).toMatch(/area\tBolton\tduty-bolton@example\.gov\.uk/);
    expect(await runAdmin(['alert', 'set', '--region', 'gm', 'a@b.example'], (s) => out.push(s), env)).toBe(2);
    expect(out.at(-1)).toMatch(/Valid regions: greater-manchester, /);
    expect(await runAdmin(['alert', 'remove', '--area', 'Leeds'], (s) => out.push(s), env)).toBe(2);
    expect(out.at(-1)).toMatch(/"Leeds" is not an area of the directory\. Valid areas: Bolton, /);
    // The SMTP password never shows: not in the API, not in the command's output.
    expect(JSON.stringify(status)).not.toContain(env.CSE_SMTP_URL!);
  });
});

describe('without SMTP settings', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cse-noalerts-'));
    server = await startServer({ port: 0, dataDir: join(dir, 'data'), distDir: join(dir, 'no-dist') }, {});
  }, 60_000);
  afterAll(() => server?.close());

  it('the inbox works and says alerts are off; nothing is queued', async () => {
    const base = server.origin;
    await account(server.inbox, 'lead@example.org', 'admin');
    const cookie = (await signIn(base, 'lead@example.org')).cookie!;
    const status = await (await fetch(`${base}/inbox/api/alerts`, { headers: { Cookie: cookie } })).json();
    expect(status).toMatchObject({ enabled: false, addresses: [], outbox: { pending: 0, sent: 0, failed: 0 } });
    const device = await enrolledDevice(server, base, 'Bolton nurse', 'Bolton');
    const sub = under13GM();
    expect(await send(base, device, sub)).toBe(201);
    const list = await (await fetch(`${base}/inbox/api/referrals`, { headers: { Cookie: cookie } })).json();
    expect(list.items.map((i: { id: string }) => i.id)).toEqual([sub.id]);
    expect(await server.inbox.sql.all('select * from inbox_alert_outbox')).toEqual([]);
    const out: string[] = [];
    const env = { CSE_DATA_DIR: server.paths.dataDir, CSE_SECRETS_DIR: server.paths.secretsDir };
    expect(await runAdmin(['alert', 'set', '--area', 'Bolton', 'duty@example.gov.uk'], (s) => out.push(s), env)).toBe(
      0,
    );
    expect(out.at(-1)).toMatch(/^Alerts are off: no SMTP server is set/);
  });
});
