// The receiver's own tables. Only non-identifying columns are in clear: ids,
// times, the instrument, the server's level, the area team, the device. The
// body (child, answers, author) is sealed (see envelope.ts).
import { type Migration, registerMigrations } from './migrations.ts';

const submissionsCommon = `
  id text not null unique,
  receipt text not null unique,
  received_at text not null,
  instrument_id text not null,
  instrument_version text not null,
  kind text not null,
  level text,
  device_level text,
  disagreement text,
  area text,
  team text,
  device_id text,
  body_mac text not null,
  body_enc text not null,
  dek_wrapped text not null,
  kek_id text not null`;

const devicesAndProofs = `
create table devices (
  id text primary key,
  name text not null,
  state text not null,
  code_hash text unique,
  code_expires_at text,
  created_at text not null,
  enrolled_at text,
  revoked_at text,
  jkt text unique,
  public_jwk text,
  last_seen_at text
);
create table proof_jti (
  jti text primary key,
  device_id text not null,
  seen_at text not null
);
create index proof_jti_seen on proof_jti (seen_at);
create index submissions_device_day on submissions (device_id, received_at)`;

// The server's reading, stored with each submission (src/domain/reading): severity,
// priority, safety flags, region, where the area came from and whether the referral
// waits for one, the area the device was enrolled for when it sent it, and the version
// of the reading (rows read under an older one are re-read at start, by the same
// function: receiver/domain/reread.ts). Devices get the area they were enrolled for.
const reading = [
  'alter table submissions add column severity integer',
  'alter table submissions add column priority integer',
  "alter table submissions add column safety text not null default '[]'",
  'alter table submissions add column region text',
  "alter table submissions add column area_from text not null default 'none'",
  'alter table submissions add column needs_area integer not null default 0',
  'alter table submissions add column device_area text',
  'alter table submissions add column reading_version text',
  'alter table devices add column area text',
].join(';\n');

export const RECEIVER_MIGRATIONS: Migration[] = [
  {
    id: '001-submissions-devices',
    sqlite: `create table submissions (seq integer primary key autoincrement, ${submissionsCommon});\n${devicesAndProofs}`,
    postgres: `create table submissions (seq bigserial primary key, ${submissionsCommon});\n${devicesAndProofs}`,
  },
  { id: '002-reading-and-device-area', sqlite: reading, postgres: reading },
  // Rate windows shared by every instance on this database (issue 24): one row per key (a device's submissions,
  // an address's enrolment attempts), counted by one statement, so two instances cannot both spend the last one.
  {
    id: '003-shared-rate-windows',
    sqlite:
      'create table rate_windows (key text primary key, window_start integer not null, used integer not null, granted integer not null)',
    postgres:
      'create table rate_windows (key text primary key, window_start bigint not null, used integer not null, granted integer not null)',
  },
];

registerMigrations('receiver', RECEIVER_MIGRATIONS);
