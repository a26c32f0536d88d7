// The inbox's own tables, in their own SQLite file beside the receiver's
// store (so neither's migrations can break the other). Numbered migrations,
// applied once each inside a transaction; user_version records how far.
//
// The audit table is append-only in the database itself: triggers abort any
// UPDATE or DELETE, so no code path in the service (nor a bug in one) can
// change what was recorded.
import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

const MIGRATIONS: string[] = [
  `
  create table users (
    id text primary key,
    email text not null unique collate nocase,
    role text not null check (role in ('reviewer', 'admin')),
    teams text not null default '[]',
    regions text not null default '[]',
    password_hash text,
    created_at text not null,
    disabled_at text
  );
  create table set_password_tokens (
    token_hash text primary key,
    user_id text not null references users(id),
    expires_at integer not null,
    used_at integer
  );
  create table sessions (
    id_hash text primary key,
    user_id text not null references users(id),
    created_at integer not null,
    last_seen integer not null,
    address text not null
  );
  create index sessions_user on sessions(user_id);
  create table login_failures (
    key text not null,
    at integer not null
  );
  create index login_failures_key on login_failures(key, at);

  -- One row per stored submission: only non-identifying columns in clear.
  -- The child reference is kept as a keyed hash, to search and to chain.
  create table referrals (
    submission_id text primary key,
    source_seq integer not null unique,
    received_at text not null,
    priority integer not null,
    severity integer,
    level text,
    safety text not null default '[]',
    instrument_id text not null,
    kind text not null,
    region text not null,
    area_team text,
    child_key text not null,
    disagreement integer not null default 0,
    review_state text not null default 'new' check (review_state in ('new', 'in-review', 'actioned', 'needs-information')),
    review_by text,
    review_at text
  );
  -- The list's order, and the same order under each filter it offers.
  create index referrals_order on referrals(priority desc, received_at desc, submission_id desc);
  create index referrals_state on referrals(review_state, priority desc, received_at desc, submission_id desc);
  create index referrals_team on referrals(area_team, priority desc, received_at desc, submission_id desc);
  create index referrals_region on referrals(region, priority desc, received_at desc, submission_id desc);
  create index referrals_instrument on referrals(instrument_id, priority desc, received_at desc, submission_id desc);
  create index referrals_level on referrals(level, priority desc, received_at desc, submission_id desc);
  create index referrals_child on referrals(child_key, received_at);
  create index referrals_received on referrals(received_at);

  create table review_events (
    id integer primary key autoincrement,
    submission_id text not null references referrals(submission_id),
    from_state text not null,
    to_state text not null,
    user_id text not null,
    user_email text not null,
    note text not null,
    at text not null
  );
  create index review_events_submission on review_events(submission_id, id);

  create table audit (
    id integer primary key autoincrement,
    at text not null,
    actor_id text,
    actor text not null,
    action text not null,
    submission_id text,
    detail text,
    address text not null
  );
  create index audit_submission on audit(submission_id, id);
  create trigger audit_no_update before update on audit begin select raise(abort, 'the audit is append-only'); end;
  create trigger audit_no_delete before delete on audit begin select raise(abort, 'the audit is append-only'); end;
  -- Review history is part of the record: it is appended to, never rewritten.
  create trigger review_events_no_update before update on review_events begin select raise(abort, 'review history is append-only'); end;
  create trigger review_events_no_delete before delete on review_events begin select raise(abort, 'review history is append-only'); end;
  `,
];

export function openInboxDb(file: string): Database.Database {
  if (file !== ':memory:') {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  }
  const fresh = file !== ':memory:' && !existsSync(file);
  const db = new Database(file);
  if (fresh) chmodSync(file, 0o600);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  const at = db.pragma('user_version', { simple: true }) as number;
  for (let i = at; i < MIGRATIONS.length; i++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[i]!);
      db.pragma(`user_version = ${i + 1}`);
    })();
  }
  return db;
}
