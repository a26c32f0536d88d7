// Retention (issue 24): the periods a council sets per kind of record, and the
// index of what the daily job removed (ids, kinds, times: never child data).
// Registered under its own owner, after the inbox's migrations.
// (Each statement stays on one line: the migration runner splits at ";\n".)
import { type Migration, registerMigrations } from '../receiver/store/migrations.ts';

const ddl = `
create table ops_retention (kind text primary key check (kind in ('screening', 'information-report')), days integer not null check (days > 0), set_by text not null, set_at text not null);
create table ops_retention_removed (submission_id text primary key, receipt text not null, kind text not null, instrument_id text not null, received_at text not null, review_state text not null, removed_at text not null);
create index ops_retention_removed_at on ops_retention_removed (removed_at)`;

export const OPERATIONS_MIGRATIONS: Migration[] = [{ id: '001-retention', sqlite: ddl, postgres: ddl }];

registerMigrations('operations', OPERATIONS_MIGRATIONS);
