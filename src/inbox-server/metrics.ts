// GET /metrics: the service's figures in Prometheus' text format (prom-client), for the council's IT team,
// behind the admin token (Authorization: Bearer <CSE_ADMIN_TOKEN>). No child data and no ids in any label:
// labels are review states, alert states and the error catalogue's codes only.
//
// What must be true whichever instance is scraped (what is stored, referrals by review state, the oldest
// unreviewed referral, alerts, sign-in failures) is read from the database when scraped. What one instance
// saw (submissions it answered, refusals by code, its process) is its own: scrape every instance and add
// them up (sum by (code) (cse_submissions_refused_total)).
import type { FastifyPluginAsync } from 'fastify';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { isAdmin } from '../receiver/http/context.ts';
import { fail } from '../receiver/http/errors.ts';
import type { InboxService } from './service.ts';

const REVIEW_STATES = ['new', 'in-review', 'needs-information', 'actioned', 'closed'] as const;
const ALERT_STATES = ['pending', 'sending', 'sent', 'failed'] as const;

/** A counter whose value is read when scraped (from the database or this instance's counts). */
function readCounter(
  registry: Registry,
  name: string,
  help: string,
  read: () => Promise<number> | number,
): Counter<string> {
  return new Counter({
    name,
    help,
    registers: [registry],
    async collect() {
      this.reset();
      this.inc(await read());
    },
  });
}

export function metricsPlugin(svc: InboxService): FastifyPluginAsync {
  return async (app) => {
    const ctx = app.receiver;
    const sql = svc.sql;
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'cse_' });
    const count = async (text: string, params: (string | number)[] = []) =>
      Number((await sql.get<{ n: number | null }>(text, params))?.n ?? 0);
    const audited = (...actions: string[]) =>
      count(`select count(*) as n from inbox_audit where action in (${actions.map(() => '?').join(', ')})`, actions);

    // This instance's own.
    readCounter(
      registry,
      'cse_submissions_received_total',
      'Submissions this instance answered (a batch item counts one; a batch refused whole counts one).',
      () => ctx.counts.received,
    );
    new Counter({
      name: 'cse_submissions_refused_total',
      help: 'Submissions this instance refused, by the error code it answered with.',
      labelNames: ['code'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [code, n] of ctx.counts.refused) this.inc({ code }, n);
      },
    });

    // The database's: the same whichever instance answers.
    new Gauge({
      name: 'cse_submissions_stored',
      help: 'Submissions stored (every instance).',
      registers: [registry],
      async collect() {
        this.set(await count('select count(*) as n from submissions'));
      },
    });
    new Gauge({
      name: 'cse_referrals',
      help: 'Referrals in the inbox by review state.',
      labelNames: ['state'],
      registers: [registry],
      async collect() {
        // Submissions not yet taken into the inbox's index are taken in first, as the inbox's list does.
        await svc.referrals.catchUp();
        const rows = await sql.all<{ state: string; n: number }>(
          'select review_state as state, sum(n) as n from inbox_state_counts group by review_state',
        );
        const by = new Map(rows.map((r) => [r.state, Number(r.n)]));
        for (const state of REVIEW_STATES) this.set({ state }, by.get(state) ?? 0);
      },
    });
    new Gauge({
      name: 'cse_oldest_unreviewed_referral_age_seconds',
      help: 'How long the oldest referral still New (not picked up) has waited; 0 when none waits.',
      registers: [registry],
      async collect() {
        const oldest = await sql.get<{ at: string }>(
          "select received_at as at from inbox_referrals where review_state = 'new' order by received_at limit 1",
        );
        this.set(oldest ? Math.max(0, Math.round((svc.now() - Date.parse(oldest.at)) / 1000)) : 0);
      },
    });
    new Gauge({
      name: 'cse_alert_emails',
      help: 'Duty alert e-mails by state (failed: given up after every retry).',
      labelNames: ['state'],
      registers: [registry],
      async collect() {
        const rows = await sql.all<{ state: string; n: number }>(
          'select state, count(*) as n from inbox_alert_outbox group by state',
        );
        const by = new Map(rows.map((r) => [r.state, Number(r.n)]));
        for (const state of ALERT_STATES) this.set({ state }, by.get(state) ?? 0);
      },
    });
    readCounter(registry, 'cse_alert_sends_total', 'Duty alert e-mails sent.', () => audited('alert-sent'));
    readCounter(registry, 'cse_alert_send_failures_total', 'Failed tries to send a duty alert e-mail.', () =>
      audited('alert-retry', 'alert-failed'),
    );
    readCounter(registry, 'cse_sign_in_failures_total', 'Failed sign-ins to the inbox (password or code).', () =>
      audited('login-failed'),
    );

    app.get('/metrics', async (req, reply) => {
      // A device's proof or anything but the admin token: refused, with nothing about the service.
      if (!isAdmin(ctx, req)) return fail(reply, 'unauthorised', 'The figures need the admin token.');
      const text = await registry.metrics();
      return reply.header('Content-Type', registry.contentType).header('Cache-Control', 'no-store').send(text);
    });
  };
}
