// Where each device was last seen from, and whether it has been seen from two
// addresses within minutes (issue 23, item 7): a copy of a browser profile
// carries the device's key, so a cloned device can only be made visible, on
// the admin's Devices screen and once in the audit. Registered under its own
// owner after the receiver's migrations (./schema.ts), so it never collides
// with their numbering. (Each statement stays on one line: the runner splits at ";\n".)
import { type Migration, registerMigrations } from './migrations.ts';

const ddl = `
alter table devices add column last_address text;
alter table devices add column last_address_at bigint;
alter table devices add column clone_seen_at text;
alter table devices add column clone_addresses text`;

export const DEVICE_ADDRESS_MIGRATIONS: Migration[] = [{ id: '001-last-address', sqlite: ddl, postgres: ddl }];

registerMigrations('receiver-device-addresses', DEVICE_ADDRESS_MIGRATIONS);
