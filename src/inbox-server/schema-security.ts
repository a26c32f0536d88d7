// The inbox's security tables and columns (issue 23), registered after the
// inbox's own migrations (./schema.ts) under their own owner, so they never
// collide with another change's numbering there:
// - inbox_login_attempts: one counter per account and per address, bumped
//   atomically BEFORE a password is hashed, so concurrent guesses (and two
//   servers on one PostgreSQL) share one count;
// - the second factor (TOTP, RFC 6238): its secret sealed with the inbox key,
//   the last time step accepted (a code is accepted once), and the secret a
//   set-password link offers until it is used.
// - 002: the second factor a session has passed (a session without it gets no
//   referral, export or audit), recovery codes (hashes only, each used once),
//   and the inbox's settings (whether every account must have a second factor).
// (Each statement stays on one line: the migration runner splits at ";\n".)
import { type Migration, registerMigrations } from '../receiver/store/migrations.ts';

const ddl = `
create table inbox_login_attempts (key text primary key, count integer not null, window_start bigint not null);
alter table inbox_users add column totp_sealed text;
alter table inbox_users add column totp_last_step bigint;
alter table inbox_set_password_tokens add column totp_pending text;
create index inbox_set_password_tokens_user on inbox_set_password_tokens (user_id)`;

const recoveryAndSettings = `
alter table inbox_sessions add column second_factor integer not null default 0;
create table inbox_recovery_codes (user_id text not null references inbox_users(id), code_hash text not null, used_at bigint, primary key (user_id, code_hash));
create table inbox_settings (key text primary key, value text not null, set_by text not null, set_at text not null)`;

export const INBOX_SECURITY_MIGRATIONS: Migration[] = [
  { id: '001-attempts-and-second-factor', sqlite: ddl, postgres: ddl },
  { id: '002-recovery-codes-and-settings', sqlite: recoveryAndSettings, postgres: recoveryAndSettings },
];

registerMigrations('inbox-security', INBOX_SECURITY_MIGRATIONS);
