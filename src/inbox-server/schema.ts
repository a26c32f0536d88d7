// The inbox's tables, in the receiver's database (SQLite or PostgreSQL), as
// migrations registered with the receiver's store before it opens. Names are
// prefixed inbox_. Only non-identifying columns are in clear: the child
// reference is kept as a keyed hash (to search and to chain records).
//
// The audit and the review history are append-only in the database itself:
// triggers abort any UPDATE or DELETE (and, on PostgreSQL, TRUNCATE), so no
// code path in the service, nor a bug in one, can change what was recorded.
// (Each statement stays on one line: the migration runner splits at ";\n".)
import { type Migration, registerMigrations } from '../receiver/store/migrations.ts';

const tables = (serial: string) => `
create table inbox_users (id text primary key, email text not null unique, role text not null check (role in ('reviewer', 'admin')), teams text not null default '[]', regions text not null default '[]', password_hash text, created_at text not null, disabled_at text);
create table inbox_set_password_tokens (token_hash text primary key, user_id text not null references inbox_users(id), expires_at bigint not null, used_at bigint);
create table inbox_sessions (id_hash text primary key, user_id text not null references inbox_users(id), created_at bigint not null, last_seen bigint not null, address text not null);
create index inbox_sessions_user on inbox_sessions (user_id);
create table inbox_login_failures (key text not null, at bigint not null);
create index inbox_login_failures_key on inbox_login_failures (key, at);
create table inbox_referrals (submission_id text primary key, source_seq bigint not null unique, received_at text not null, priority integer not null, severity integer, level text, safety text not null default '[]', instrument_id text not null, kind text not null, region text not null, area_team text, child_key text not null, child_ref_sealed text not null, disagreement integer not null default 0, review_state text not null default 'new' check (review_state in ('new', 'in-review', 'actioned', 'needs-information')), review_by text, review_at text);
create index inbox_referrals_order on inbox_referrals (priority desc, received_at desc, submission_id desc);
create index inbox_referrals_state on inbox_referrals (review_state, priority desc, received_at desc, submission_id desc);
create index inbox_referrals_team on inbox_referrals (area_team, priority desc, received_at desc, submission_id desc);
create index inbox_referrals_region on inbox_referrals (region, priority desc, received_at desc, submission_id desc);
create index inbox_referrals_instrument on inbox_referrals (instrument_id, priority desc, received_at desc, submission_id desc);
create index inbox_referrals_level on inbox_referrals (level, priority desc, received_at desc, submission_id desc);
create index inbox_referrals_child on inbox_referrals (child_key, received_at);
create index inbox_referrals_received on inbox_referrals (received_at);
create table inbox_review_events (id ${serial}, submission_id text not null references inbox_referrals(submission_id), from_state text not null, to_state text not null, user_id text not null, user_email text not null, note_sealed text not null, at text not null);
create index inbox_review_events_submission on inbox_review_events (submission_id, id);
create table inbox_audit (id ${serial}, at text not null, actor_id text, actor text not null, action text not null, submission_id text, detail text, address text not null);
create index inbox_audit_submission on inbox_audit (submission_id, id);
create index inbox_audit_action on inbox_audit (action, id)`;

const areaColumns = (serial: string) => `
alter table inbox_referrals add column area_from text not null default 'none';
alter table inbox_referrals add column needs_area integer not null default 0;
alter table inbox_referrals add column area_set text;
alter table inbox_referrals add column reading_version text;
create index inbox_referrals_no_area on inbox_referrals (needs_area, priority desc, received_at desc, submission_id desc);
create table inbox_area_changes (id ${serial}, submission_id text not null references inbox_referrals(submission_id), from_area text, to_area text not null, user_id text, user_email text not null, note_sealed text not null, at text not null);
create index inbox_area_changes_submission on inbox_area_changes (submission_id, id)`;

// The triage queue (issue 20): 'closed' (no further action, with a reason) among the review states; who has
// the referral (assignee); what the queue shows and orders by without opening a body, filled at indexing time:
// the child's age (a number, not the reference: only the reference's keyed hash is searchable), the referrer
// and their organisation (practitioner data), the seed's timescale of the first time-bound step, the
// view group and the triage rank (0 most urgent: safety routes, under 13, missing now, then the level).
// Review events gain a kind (a state change, a note without one, an assignment) and the assignee.
// The index rows are re-read at the next catch-up (reading_version null) to fill the new columns.
const referralsV3 = `create table inbox_referrals (submission_id text primary key, source_seq bigint not null unique, received_at text not null, priority integer not null, severity integer, level text, safety text not null default '[]', instrument_id text not null, kind text not null, region text not null, area_team text, child_key text not null, child_ref_sealed text not null, disagreement integer not null default 0, review_state text not null default 'new' check (review_state in ('new', 'in-review', 'actioned', 'needs-information', 'closed')), review_by text, review_at text, area_from text not null default 'none', needs_area integer not null default 0, area_set text, reading_version text, queue text not null default 'decide' check (queue in ('decide', 'review', 'actioned', 'closed')), triage_rank integer not null default 127, age integer, timescale text, referrer text, referrer_org text, assignee_id text, assignee text)`;
const OLD_COLUMNS =
  'submission_id, source_seq, received_at, priority, severity, level, safety, instrument_id, kind, region, area_team, child_key, child_ref_sealed, disagreement, review_state, review_by, review_at, area_from, needs_area, area_set';
const triageIndexes = `create index inbox_referrals_order on inbox_referrals (priority desc, received_at desc, submission_id desc);
create index inbox_referrals_state on inbox_referrals (review_state, priority desc, received_at desc, submission_id desc);
create index inbox_referrals_team on inbox_referrals (area_team, priority desc, received_at desc, submission_id desc);
create index inbox_referrals_region on inbox_referrals (region, priority desc, received_at desc, submission_id desc);
create index inbox_referrals_instrument on inbox_referrals (instrument_id, priority desc, received_at desc, submission_id desc);
create index inbox_referrals_level on inbox_referrals (level, priority desc, received_at desc, submission_id desc);
create index inbox_referrals_child on inbox_referrals (child_key, received_at);
create index inbox_referrals_received on inbox_referrals (received_at);
create index inbox_referrals_no_area on inbox_referrals (needs_area, priority desc, received_at desc, submission_id desc);
create index inbox_referrals_queue on inbox_referrals (queue, triage_rank, received_at, submission_id);
create index inbox_referrals_queue_team on inbox_referrals (area_team, queue, triage_rank, received_at, submission_id);
create index inbox_referrals_assignee on inbox_referrals (assignee_id, queue, triage_rank, received_at, submission_id);
alter table inbox_review_events add column kind text not null default 'state';
alter table inbox_review_events add column assignee text;
update inbox_referrals set queue = case review_state when 'in-review' then 'review' when 'actioned' then 'actioned' else 'decide' end`;

export const INBOX_MIGRATIONS: Migration[] = [
  {
    id: '001-accounts-referrals-audit',
    sqlite: `${tables('integer primary key autoincrement')};
create trigger inbox_audit_no_update before update on inbox_audit begin select raise(abort, 'the audit is append-only'); end;
create trigger inbox_audit_no_delete before delete on inbox_audit begin select raise(abort, 'the audit is append-only'); end;
create trigger inbox_review_events_no_update before update on inbox_review_events begin select raise(abort, 'review history is append-only'); end;
create trigger inbox_review_events_no_delete before delete on inbox_review_events begin select raise(abort, 'review history is append-only'); end`,
    postgres: `${tables('bigserial primary key')};
create function inbox_append_only() returns trigger language plpgsql as $$ begin raise exception '% is append-only', tg_table_name; end $$;
create trigger inbox_audit_append_only before update or delete on inbox_audit for each row execute function inbox_append_only();
create trigger inbox_audit_no_truncate before truncate on inbox_audit for each statement execute function inbox_append_only();
create trigger inbox_review_events_append_only before update or delete on inbox_review_events for each row execute function inbox_append_only();
create trigger inbox_review_events_no_truncate before truncate on inbox_review_events for each statement execute function inbox_append_only()`,
  },
  {
    // The index takes the server's stored reading (where the area came from, whether the referral waits for one);
    // an area set by a reviewer is kept apart (area_set) so a re-read never undoes it; its history is append-only.
    id: '002-reading-and-area',
    sqlite: `${areaColumns('integer primary key autoincrement')};
create trigger inbox_area_changes_no_update before update on inbox_area_changes begin select raise(abort, 'area history is append-only'); end;
create trigger inbox_area_changes_no_delete before delete on inbox_area_changes begin select raise(abort, 'area history is append-only'); end`,
    postgres: `${areaColumns('bigserial primary key')};
create trigger inbox_area_changes_append_only before update or delete on inbox_area_changes for each row execute function inbox_append_only();
create trigger inbox_area_changes_no_truncate before truncate on inbox_area_changes for each statement execute function inbox_append_only()`,
  },
  {
    // SQLite cannot change a CHECK constraint in place: the table is rebuilt in the migration's transaction.
    // Its children (review events, area changes) keep their rows: foreign keys are deferred to the commit,
    // by which time every parent row is back under the same name.
    id: '003-triage-queue',
    sqlite: `PRAGMA defer_foreign_keys = ON;
create table inbox_referrals_v2 as select * from inbox_referrals;
drop table inbox_referrals;
${referralsV3};
insert into inbox_referrals (${OLD_COLUMNS}) select ${OLD_COLUMNS} from inbox_referrals_v2;
drop table inbox_referrals_v2;
${triageIndexes}`,
    postgres: `alter table inbox_referrals drop constraint inbox_referrals_review_state_check;
alter table inbox_referrals add constraint inbox_referrals_review_state_check check (review_state in ('new', 'in-review', 'actioned', 'needs-information', 'closed'));
alter table inbox_referrals add column queue text not null default 'decide' check (queue in ('decide', 'review', 'actioned', 'closed'));
alter table inbox_referrals add column triage_rank integer not null default 127;
alter table inbox_referrals add column age integer;
alter table inbox_referrals add column timescale text;
alter table inbox_referrals add column referrer text;
alter table inbox_referrals add column referrer_org text;
alter table inbox_referrals add column assignee_id text;
alter table inbox_referrals add column assignee text;
update inbox_referrals set reading_version = null;
${triageIndexes
  .split('\n')
  .filter((l) => /queue|assignee|alter table inbox_review_events|^update/.test(l))
  .join('\n')}`,
  },
  {
    // The queue's counts without counting: the number of referrals in each review state, region and area,
    // kept by triggers on inbox_referrals (so every insert, state change or area change, whatever makes it,
    // moves them). A view's count for an account is the sum over its areas and regions: a few rows.
    id: '004-queue-counts',
    sqlite: `create table inbox_state_counts (review_state text not null, region text not null, area_team text not null, n bigint not null, primary key (review_state, region, area_team));
insert into inbox_state_counts (review_state, region, area_team, n) select review_state, region, coalesce(area_team, ''), count(*) from inbox_referrals group by review_state, region, coalesce(area_team, '');
create trigger inbox_referrals_count_insert after insert on inbox_referrals begin insert into inbox_state_counts (review_state, region, area_team, n) values (new.review_state, new.region, coalesce(new.area_team, ''), 1) on conflict (review_state, region, area_team) do update set n = n + 1; end;
create trigger inbox_referrals_count_delete after delete on inbox_referrals begin update inbox_state_counts set n = n - 1 where review_state = old.review_state and region = old.region and area_team = coalesce(old.area_team, ''); end;
create trigger inbox_referrals_count_update after update of review_state, region, area_team on inbox_referrals begin update inbox_state_counts set n = n - 1 where review_state = old.review_state and region = old.region and area_team = coalesce(old.area_team, ''); insert into inbox_state_counts (review_state, region, area_team, n) values (new.review_state, new.region, coalesce(new.area_team, ''), 1) on conflict (review_state, region, area_team) do update set n = n + 1; end`,
    postgres: `create table inbox_state_counts (review_state text not null, region text not null, area_team text not null, n bigint not null, primary key (review_state, region, area_team));
insert into inbox_state_counts (review_state, region, area_team, n) select review_state, region, coalesce(area_team, ''), count(*) from inbox_referrals group by review_state, region, coalesce(area_team, '');
create function inbox_state_count() returns trigger language plpgsql as $$ begin if tg_op in ('UPDATE', 'DELETE') then update inbox_state_counts set n = n - 1 where review_state = old.review_state and region = old.region and area_team = coalesce(old.area_team, ''); end if; if tg_op in ('INSERT', 'UPDATE') then insert into inbox_state_counts (review_state, region, area_team, n) values (new.review_state, new.region, coalesce(new.area_team, ''), 1) on conflict (review_state, region, area_team) do update set n = inbox_state_counts.n + 1; end if; return null; end $$;
create trigger inbox_referrals_state_count after insert or delete or update of review_state, region, area_team on inbox_referrals for each row execute function inbox_state_count()`,
  },
];

registerMigrations('inbox', INBOX_MIGRATIONS);

// Duty alerts (src/inbox-server/alerts.ts), under their own owner so their ids never meet the inbox's:
// the duty address of each area or region; the referrals watched until they are picked up or overdue;
// and the outbox of alert e-mails (no child data: the server's reading, the area, a link). The address
// table and the outbox hold e-mail addresses of duty desks, never of a child.
const alertTables = (serial: string) => `
create table inbox_alert_addresses (scope_kind text not null check (scope_kind in ('area', 'region')), scope text not null, address text not null, set_by text not null, set_at text not null, primary key (scope_kind, scope));
create table inbox_alert_watch (submission_id text primary key, due_at bigint not null, timescale text not null, minutes integer not null, from_seed integer not null, done integer not null default 0);
create index inbox_alert_watch_due on inbox_alert_watch (done, due_at);
create table inbox_alert_outbox (id ${serial}, kind text not null check (kind in ('arrival', 'overdue')), submission_id text not null, address text not null, subject text not null, body text not null, state text not null check (state in ('pending', 'sending', 'sent', 'failed')), attempts integer not null default 0, next_try_at bigint not null, claimed_until bigint, created_at text not null, sent_at text, last_error text, unique (submission_id, kind, address));
create index inbox_alert_outbox_due on inbox_alert_outbox (state, next_try_at)`;

export const ALERT_MIGRATIONS: Migration[] = [
  {
    id: '001-duty-addresses-watch-outbox',
    sqlite: alertTables('integer primary key autoincrement'),
    postgres: alertTables('bigserial primary key'),
  },
];

registerMigrations('inbox-alerts', ALERT_MIGRATIONS);
