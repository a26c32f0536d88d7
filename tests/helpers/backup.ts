// What a backup file holds as text, for scans for child data: a SQLite file as
// it is; a pg_dump archive (compressed) as pg_restore writes it out in SQL.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export function backupText(file: string): string {
  if (readFileSync(file).subarray(0, 5).toString('latin1') === 'PGDMP')
    return execFileSync('pg_restore', ['--file=-', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  return readFileSync(file).toString('latin1');
}
