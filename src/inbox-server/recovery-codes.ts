// Recovery codes: ten one-time codes shown once when the second factor is
// enrolled, for the day the phone is not at hand. Each is 10 characters from
// 31 letters and digits without look-alikes (49 random bits), typed in the
// code box instead of the app's six digits. Only a SHA-256 of each (bound to
// the account) is kept: random codes need no slow hash, and guessing one
// online is held by the sign-in throttle like any code. A code is used once
// (an atomic update), and a new enrolment replaces them all.
import { createHash, randomInt } from 'node:crypto';
import type { Sql } from '../receiver/store/sql.ts';

export const RECOVERY_CODES = 10;
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'; // no i, l, o, 0, 1
const LENGTH = 10;

/** A code as typed (any case, spaces or a dash) in its one spelling, or undefined if it cannot be one. */
export function normalRecoveryCode(typed: string): string | undefined {
  const c = typed.toLowerCase().replace(/[\s-]+/g, '');
  return c.length === LENGTH && [...c].every((ch) => ALPHABET.includes(ch)) ? c : undefined;
}

const hashOf = (userId: string, code: string) =>
  createHash('sha256').update(`recovery:${userId}:${code}`).digest('hex');

/** Fresh codes, shown as two groups of five ("abcde-fghjk"). */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODES }, () => {
    const c = Array.from({ length: LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    return `${c.slice(0, 5)}-${c.slice(5)}`;
  });
}

/** Replaces the account's codes with these (inside the caller's transaction). */
export async function storeRecoveryCodes(tx: Sql, userId: string, codes: string[]): Promise<void> {
  await tx.run('delete from inbox_recovery_codes where user_id = ?', [userId]);
  for (const code of codes)
    await tx.run('insert into inbox_recovery_codes (user_id, code_hash) values (?, ?)', [
      userId,
      hashOf(userId, normalRecoveryCode(code)!),
    ]);
}

/** Uses one code: true once for each code of the account, false for anything else. */
export async function useRecoveryCode(sql: Sql, userId: string, typed: string, now: number): Promise<boolean> {
  const code = normalRecoveryCode(typed);
  if (!code) return false;
  const { changes } = await sql.run(
    'update inbox_recovery_codes set used_at = ? where user_id = ? and code_hash = ? and used_at is null',
    [now, userId, hashOf(userId, code)],
  );
  return changes === 1;
}

export async function recoveryCodesLeft(sql: Sql, userId: string): Promise<number> {
  const row = await sql.get<{ n: number | string }>(
    'select count(*) as n from inbox_recovery_codes where user_id = ? and used_at is null',
    [userId],
  );
  return Number(row?.n ?? 0);
}
