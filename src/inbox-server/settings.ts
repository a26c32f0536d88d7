// The inbox's own settings, kept in the database so every server sharing it
// (and the admin CLI) reads the same: for now one, whether every account must
// have a second factor. Absent means the safe default: required.
import type { Sql } from '../receiver/store/sql.ts';

const REQUIRE_SECOND_FACTOR = 'require-second-factor';

export class InboxSettings {
  constructor(
    private sql: Sql,
    private now: () => number = Date.now,
  ) {}

  /** True unless an admin has turned the requirement off. */
  async secondFactorRequired(): Promise<boolean> {
    const row = await this.sql.get<{ value: string }>('select value from inbox_settings where key = ?', [
      REQUIRE_SECOND_FACTOR,
    ]);
    return row?.value !== 'off';
  }

  async requireSecondFactor(on: boolean, by: string): Promise<void> {
    await this.sql.run(
      'insert into inbox_settings (key, value, set_by, set_at) values (?, ?, ?, ?) on conflict (key) do update set value = excluded.value, set_by = excluded.set_by, set_at = excluded.set_at',
      [REQUIRE_SECOND_FACTOR, on ? 'on' : 'off', by.slice(0, 320), new Date(this.now()).toISOString()],
    );
  }
}
