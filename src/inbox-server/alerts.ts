// Duty alerts (issue 20, item 6): the MASH duty desk is told by e-mail when an
// urgent referral arrives and when a referral waits past its timescale without
// being picked up, so a child under 13 or a 999-level referral never waits for
// someone to happen to open the inbox.
//
//   who      a duty address per area or per region (inbox_alert_addresses), set with
//            `npm run admin -- alert set --area Bolton duty@…` or by an admin in the inbox;
//            a referral's alert goes to its area's address and its region's (both, when both are set)
//   arrival  when the index takes in a referral of the highest rank (priority 3: a safety flag
//            such as 'Child under 13', 'Missing now', a safety route, or the tool's most serious band)
//   overdue  when a referral is still 'new' past its timescale, once: the tightest `within` of the
//            server's next steps (TIMESCALES below); an urgent referral whose tool gives none
//            gets the app's own, 'within the hour'
//   what     no child data, ever: the level, the flags (the server's and the seed's words), area,
//            region, the time received, the timescale and a link (the referral's opaque id)
//   how      an outbox (inbox_alert_outbox: pending → sending → sent, or failed after
//            MAX_ATTEMPTS), so a restart or an SMTP outage loses none; rows are claimed with
//            UPDATE … RETURNING (FOR UPDATE SKIP LOCKED on PostgreSQL), so instances sharing a
//            database never send one twice; retries back off from 30 s to 30 min; each send,
//            failed try and giving up is audited
//   off      without CSE_SMTP_URL nothing is queued or sent, and the inbox says alerts are off
import nodemailer from 'nodemailer';
import type { ServiceConfig } from '../config/config.ts';
import { REGIONS, checkArea, checkRegion, getInstrument, readSubmission, screenedOn } from '../domain/index.ts';
import type { Sql } from '../receiver/store/sql.ts';
import type { Audit } from './audit.ts';
import type { StoredSubmission } from './source.ts';

export type ScopeKind = 'area' | 'region';

export interface DutyAddress {
  kind: ScopeKind;
  /** The area in the directory's spelling, or the region id. */
  scope: string;
  address: string;
  setBy: string;
  setAt: string;
}

/**
 * The app's reading of the seeds' timescales, in minutes after the referral was received. "Immediately"
 * cannot be zero minutes for a person to pick a referral up: the app gives it 15. Any other "N hours" or
 * "N minutes" is read as written.
 */
export const TIMESCALES: Readonly<Record<string, number>> = {
  immediately: 15,
  'within the hour': 60,
  '2 hours': 120,
  '72 hours': 72 * 60,
};

/** The app's timescale for an urgent referral whose tool and pathways give none. */
export const URGENT_DEFAULT_TIMESCALE = 'within the hour';

export function timescaleMinutes(within: string): number | undefined {
  const w = within.trim().toLowerCase();
  if (TIMESCALES[w] !== undefined) return TIMESCALES[w];
  const m = /^(?:within\s+)?(\d{1,4})\s*(hours?|minutes?|days?)$/.exec(w);
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2]!.startsWith('hour') ? n * 60 : m[2]!.startsWith('day') ? n * 1440 : n;
}

/** The tightest timescale among the server's next steps for a stored submission (undefined: none). */
export function timescaleOf(s: StoredSubmission): { within: string; minutes: number; fromSeed: boolean } | undefined {
  let best: { within: string; minutes: number; fromSeed: boolean } | undefined;
  try {
    const result = readSubmission({
      instrument: getInstrument(s.body.instrument.id),
      instrumentVersion: s.body.instrument.version,
      answers: s.body.answers,
      claimed: s.body.result,
      screenedOn: screenedOn(s.body),
      deviceArea: null,
    }).result;
    for (const step of result?.nextSteps ?? []) {
      const minutes = step.within ? timescaleMinutes(step.within) : undefined;
      if (minutes !== undefined && (!best || minutes < best.minutes))
        best = { within: step.within!, minutes, fromSeed: true };
    }
  } catch {
    // A body that no longer reads: the urgent default below still applies (it is flagged unscored).
  }
  if (!best && s.reading.priority >= 3)
    best = {
      within: URGENT_DEFAULT_TIMESCALE,
      minutes: timescaleMinutes(URGENT_DEFAULT_TIMESCALE)!,
      fromSeed: false,
    };
  return best;
}

export type AlertKind = 'arrival' | 'overdue';

/** What an alert says: the server's reading and where to open it; nothing about the child. */
export interface AlertFacts {
  kind: AlertKind;
  id: string;
  level: string | null;
  safety: string[];
  area: string | null;
  region: string;
  receivedAt: string;
  timescale?: { within: string; minutes: number; fromSeed: boolean } | undefined;
}

const oneLine = (s: string) => s.replace(/[\r\n\t]+/g, ' ').trim();
const regionLabel = (r: string) => REGIONS[r as keyof typeof REGIONS]?.label ?? r;

export function alertMessage(f: AlertFacts, publicUrl: string): { subject: string; text: string } {
  const what = f.safety[0] ?? (f.level ? `highest rank, ${f.level}` : 'highest rank');
  const where = f.area ?? `${regionLabel(f.region)}, no area yet`;
  const subject = oneLine(
    f.kind === 'arrival'
      ? `Urgent referral: ${what} — ${where}`
      : `Overdue referral (${f.timescale?.within ?? 'past its timescale'}, not picked up): ${what} — ${where}`,
  ).slice(0, 200);
  const timescale = f.timescale
    ? `${f.timescale.within} (alert after ${f.timescale.minutes} minutes${f.timescale.fromSeed ? '' : "; the app's timescale for an urgent referral, the tool gives none"})`
    : 'none given';
  const text = [
    f.kind === 'arrival'
      ? 'An urgent referral has arrived in the CSE Screen inbox.'
      : 'A referral has waited past its timescale and is still new: nobody has picked it up.',
    '',
    `Level:      ${oneLine(f.level ?? 'no level (see the referral)')}`,
    `Flags:      ${f.safety.length ? f.safety.map(oneLine).join('; ') : 'none'}`,
    `Area:       ${f.area ?? "none yet (waiting in the region's queue)"}`,
    `Region:     ${regionLabel(f.region)}`,
    `Received:   ${f.receivedAt}`,
    `Timescale:  ${timescale}`,
    '',
    `Open it:    ${publicUrl}/inbox/#/referral/${f.id}`,
    '',
    'This e-mail holds no child data. Sign in to the inbox to read the referral.',
  ].join('\n');
  return { subject, text };
}

export class AlertError extends Error {
  constructor(
    readonly code: 'area' | 'invalid' | 'not-found',
    message: string,
  ) {
    super(message);
  }
}

const ADDRESS = /^[^\s@<>()",;:\\[\]]+@[^\s@<>()",;:\\[\]]+\.[^\s@<>()",;:\\[\]]+$/;

export function checkAddress(address: string): string {
  const a = address.trim();
  if (a.length > 254 || !ADDRESS.test(a))
    throw new AlertError('invalid', 'Give one e-mail address, such as duty@example.gov.uk.');
  return a;
}

/** An area or region as typed, in the directory's spelling; refused with the valid names. */
export function checkScope(kind: ScopeKind, name: string): string {
  const checked = kind === 'area' ? checkArea(name) : checkRegion(name);
  if (!checked.ok) throw new AlertError('area', checked.message);
  return checked.value;
}

export interface AlertSettings {
  /** From the configuration: null when no SMTP server is set (alerts off). */
  smtp: ServiceConfig['smtp'];
  /** The address links open, without a trailing slash. */
  publicUrl: string;
  /** The alerts' clock (tests move it): due times, overdue checks and retries. */
  now?: () => number;
  /** How often the worker looks (default 1 s). */
  tickMs?: number;
  /** Where worker problems are reported (never a secret or a value: codes only). */
  log?: (message: string) => void;
}

interface OutboxRow {
  id: number;
  kind: AlertKind;
  submissionId: string;
  address: string;
  subject: string;
  body: string;
  attempts: number;
}

export const MAX_ATTEMPTS = 12;
/** Before try n+1: 30 s, 1, 2, 4, 8, 16 min, then every 30 min (about 3.5 hours in all). */
export const backoffMs = (attempts: number) => Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 30 * 60_000);
/** A claimed row not settled within this is taken again (the instance sending it died). */
const LEASE_MS = 2 * 60_000;
const ACTOR = { actor: 'alerts', address: 'server' } as const;

/** Why a send failed, as a code (nodemailer's and the server's reply code): never the message, which can echo addresses. */
function failureCode(e: unknown): string {
  const err = e as { code?: unknown; responseCode?: unknown };
  const code = typeof err?.code === 'string' ? err.code.slice(0, 40) : 'error';
  return typeof err?.responseCode === 'number' ? `${code} ${err.responseCode}` : code;
}

export class Alerts {
  readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private transport: ReturnType<typeof nodemailer.createTransport> | undefined;

  constructor(
    private sql: Sql,
    private audit: Audit,
    private settings: AlertSettings,
  ) {
    this.now = settings.now ?? Date.now;
  }

  /** Links in alerts open this address (the server's own, when CSE_PUBLIC_URL names none). */
  linkTo(publicUrl: string): void {
    this.settings = { ...this.settings, publicUrl: publicUrl.replace(/\/+$/, '') };
  }

  /** True when an SMTP server is configured. */
  get enabled(): boolean {
    return this.settings.smtp !== null;
  }

  // --- Duty addresses -------------------------------------------------------

  async addresses(): Promise<DutyAddress[]> {
    return this.sql.all<DutyAddress>(
      'select scope_kind as kind, scope, address, set_by as "setBy", set_at as "setAt" from inbox_alert_addresses order by scope_kind, scope',
    );
  }

  /** Sets (or replaces) the duty address of an area or region; returns it in the directory's spelling. */
  async setAddress(kind: ScopeKind, name: string, address: string, by: string): Promise<DutyAddress> {
    const scope = checkScope(kind, name);
    const a = checkAddress(address);
    const at = new Date(this.now()).toISOString();
    await this.sql.run(
      'insert into inbox_alert_addresses (scope_kind, scope, address, set_by, set_at) values (?, ?, ?, ?, ?) on conflict (scope_kind, scope) do update set address = excluded.address, set_by = excluded.set_by, set_at = excluded.set_at',
      [kind, scope, a, by.slice(0, 320), at],
    );
    return { kind, scope, address: a, setBy: by, setAt: at };
  }

  async removeAddress(kind: ScopeKind, name: string): Promise<string> {
    const scope = checkScope(kind, name);
    const { changes } = await this.sql.run('delete from inbox_alert_addresses where scope_kind = ? and scope = ?', [
      kind,
      scope,
    ]);
    if (!changes) throw new AlertError('not-found', `No duty address is set for ${scope}.`);
    return scope;
  }

  private async recipients(sql: Sql, area: string | null, region: string): Promise<string[]> {
    const rows = await sql.all<{ address: string }>(
      "select address from inbox_alert_addresses where (scope_kind = 'area' and scope = ?) or (scope_kind = 'region' and scope = ?) order by scope_kind",
      [area ?? '', region],
    );
    // Once each, when the area's and the region's are the same desk (compared without case; sent as set).
    const seen = new Set<string>();
    return rows.map((r) => r.address).filter((a) => !seen.has(a.toLowerCase()) && seen.add(a.toLowerCase()));
  }

  private async enqueue(sql: Sql, f: AlertFacts): Promise<number> {
    const to = await this.recipients(sql, f.area, f.region);
    const { subject, text } = alertMessage(f, this.settings.publicUrl);
    const at = this.now();
    let queued = 0;
    for (const address of to)
      queued += (
        await sql.run(
          `insert into inbox_alert_outbox (kind, submission_id, address, subject, body, state, attempts, next_try_at, created_at)
           values (?, ?, ?, ?, ?, 'pending', 0, ?, ?) on conflict (submission_id, kind, address) do nothing`,
          [f.kind, f.id, address, subject, text, at, new Date(at).toISOString()],
        )
      ).changes;
    return queued;
  }

  // --- When ------------------------------------------------------------------

  /**
   * The index took in these submissions (called in the same transaction, so an alert is queued if and only
   * if the referral is indexed): an urgent one is queued for its duty addresses, and every one with a
   * timescale is watched until it is picked up. Repeats (another instance indexing the same rows) do nothing.
   */
  async arrived(tx: Sql, batch: StoredSubmission[]): Promise<void> {
    if (!this.enabled) return;
    for (const s of batch) {
      const r = s.reading;
      const timescale = timescaleOf(s);
      const facts: AlertFacts = {
        kind: 'arrival',
        id: s.id,
        level: r.level,
        safety: r.safety,
        area: r.area,
        region: r.region,
        receivedAt: s.receivedAt,
        timescale,
      };
      if (r.priority >= 3) await this.enqueue(tx, facts);
      if (timescale)
        await tx.run(
          'insert into inbox_alert_watch (submission_id, due_at, timescale, minutes, from_seed, done) values (?, ?, ?, ?, ?, 0) on conflict (submission_id) do nothing',
          [
            s.id,
            Date.parse(s.receivedAt) + timescale.minutes * 60_000,
            timescale.within,
            timescale.minutes,
            timescale.fromSeed ? 1 : 0,
          ],
        );
    }
  }

  /** Queues an overdue alert, once, for each watched referral still 'new' past its due time. */
  async checkOverdue(): Promise<number> {
    if (!this.enabled) return 0;
    const due = await this.sql.all<{ id: string }>(
      'select submission_id as id from inbox_alert_watch where done = 0 and due_at <= ? order by due_at limit 200',
      [this.now()],
    );
    let queued = 0;
    for (const { id } of due)
      queued += await this.sql.transaction(async (tx) => {
        // The claim: of instances checking at once, one marks it done and alerts.
        const { changes } = await tx.run('update inbox_alert_watch set done = 1 where submission_id = ? and done = 0', [
          id,
        ]);
        if (changes !== 1) return 0;
        const w = await tx.get<{
          state: string;
          level: string | null;
          safety: string;
          area: string | null;
          region: string;
          receivedAt: string;
          within: string;
          minutes: number;
          fromSeed: number;
        }>(
          `select r.review_state as state, r.level, r.safety, r.area_team as area, r.region, r.received_at as "receivedAt",
             w.timescale as within, w.minutes, w.from_seed as "fromSeed"
           from inbox_alert_watch w join inbox_referrals r on r.submission_id = w.submission_id where w.submission_id = ?`,
          [id],
        );
        if (!w || w.state !== 'new') return 0;
        await this.enqueue(tx, {
          kind: 'overdue',
          id,
          level: w.level,
          safety: JSON.parse(w.safety) as string[],
          area: w.area,
          region: w.region,
          receivedAt: w.receivedAt,
          timescale: { within: w.within, minutes: Number(w.minutes), fromSeed: Number(w.fromSeed) === 1 },
        });
        return 1;
      });
    return queued;
  }

  // --- Sending ---------------------------------------------------------------

  private mailer() {
    const smtp = this.settings.smtp;
    if (!smtp) throw new Error('alerts are off');
    this.transport ??= nodemailer.createTransport({
      url: smtp.url,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    } as Parameters<typeof nodemailer.createTransport>[0]);
    return this.transport;
  }

  /** Claims the rows due now: pending ones whose time has come, and any whose sender died mid-send. */
  private async claim(limit = 10): Promise<OutboxRow[]> {
    const now = this.now();
    const due = "((state = 'pending' and next_try_at <= ?) or (state = 'sending' and claimed_until < ?))";
    const lock = this.sql.dialect === 'postgres' ? ' for update skip locked' : '';
    const rows = await this.sql.all<OutboxRow>(
      `update inbox_alert_outbox set state = 'sending', attempts = attempts + 1, claimed_until = ?
       where id in (select id from inbox_alert_outbox where ${due} order by id limit ?${lock}) and ${due}
       returning id, kind, submission_id as "submissionId", address, subject, body, attempts`,
      [now + LEASE_MS, now, now, limit, now, now],
    );
    return rows.map((r) => ({ ...r, id: Number(r.id), attempts: Number(r.attempts) }));
  }

  /** Sends every alert due now; returns how many were sent. */
  async sendDue(): Promise<number> {
    if (!this.enabled) return 0;
    let sent = 0;
    for (let rows = await this.claim(); rows.length; rows = await this.claim()) {
      for (const row of rows) {
        try {
          await this.mailer().sendMail({
            from: this.settings.smtp!.from,
            to: row.address,
            subject: row.subject,
            text: row.body,
            // Not a reply thread, not bulk: plain text only.
            headers: { 'Auto-Submitted': 'auto-generated' },
          });
          await this.sql.run(
            "update inbox_alert_outbox set state = 'sent', sent_at = ?, claimed_until = null, last_error = null where id = ? and state = 'sending'",
            [new Date(this.now()).toISOString(), row.id],
          );
          await this.audit.write({
            ...ACTOR,
            action: 'alert-sent',
            submissionId: row.submissionId,
            detail: `${row.kind} alert to ${row.address} (try ${row.attempts})`,
          });
          sent++;
        } catch (e) {
          const why = failureCode(e);
          const giveUp = row.attempts >= MAX_ATTEMPTS;
          const next = this.now() + backoffMs(row.attempts);
          await this.sql.run(
            "update inbox_alert_outbox set state = ?, next_try_at = ?, claimed_until = null, last_error = ? where id = ? and state = 'sending'",
            [giveUp ? 'failed' : 'pending', next, why, row.id],
          );
          await this.audit.write({
            ...ACTOR,
            action: giveUp ? 'alert-failed' : 'alert-retry',
            submissionId: row.submissionId,
            detail: giveUp
              ? `${row.kind} alert to ${row.address}: not sent after ${row.attempts} tries (${why})`
              : `${row.kind} alert to ${row.address}: try ${row.attempts} failed (${why}); next at ${new Date(next).toISOString()}`,
          });
        }
      }
    }
    return sent;
  }

  /** What the inbox shows: whether alerts are on, the duty addresses, and the outbox's counts. */
  async status(): Promise<{
    enabled: boolean;
    addresses: DutyAddress[];
    outbox: { pending: number; sent: number; failed: number };
  }> {
    const counts = await this.sql.all<{ state: string; n: number }>(
      'select state, count(*) as n from inbox_alert_outbox group by state',
    );
    const n = (s: string[]) => counts.filter((c) => s.includes(c.state)).reduce((t, c) => t + Number(c.n), 0);
    return {
      enabled: this.enabled,
      addresses: await this.addresses(),
      outbox: { pending: n(['pending', 'sending']), sent: n(['sent']), failed: n(['failed']) },
    };
  }

  // --- The worker ------------------------------------------------------------

  /** One pass: follow the store (the index's catch-up queues arrivals), queue overdue alerts, send. */
  tick(follow: () => Promise<void>): Promise<void> {
    this.running ??= (async () => {
      try {
        await follow();
        await this.checkOverdue();
        await this.sendDue();
      } catch (e) {
        (this.settings.log ?? console.error)(`alerts: a pass failed (${failureCode(e)}); trying again`);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** Starts the worker (when alerts are on). `follow` brings the index up to date with the store. */
  start(follow: () => Promise<void>): void {
    if (!this.enabled || this.timer) return;
    this.timer = setInterval(() => void this.tick(follow), this.settings.tickMs ?? 1000);
    this.timer.unref();
    void this.tick(follow);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    this.transport?.close();
    this.transport = undefined;
  }
}
