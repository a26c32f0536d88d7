// The receiver's store: one interface, the same SQL on SQLite and PostgreSQL.
// Submissions are stored once per id (the Idempotency-Key); devices are
// enrolled with a one-time code and revoked at once; proof ids (jti) are
// remembered so a proof is never accepted twice.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Envelope } from './envelope.ts';
import { migrate } from './migrations.ts';
import { postgresSql } from './postgres.ts';
import './schema.ts';
import './schema-device-addresses.ts';
import type { Sql } from './sql.ts';
import { SqliteSql } from './sqlite.ts';

export interface StoredReceipt {
  id: string;
  receipt: string;
  receivedAt: string;
  /** The server's own level (its re-score); the device's claim is deviceLevel. */
  level: string | null;
  deviceLevel: string | null;
  disagreement: string | null;
}

/** The server's reading as stored beside a submission (src/domain/reading), apart from its level and disagreement. */
export interface StoredReading {
  severity: number | null;
  priority: number;
  safety: string[];
  region: string;
  area: string | null;
  areaFrom: string;
  needsArea: boolean;
  team: string | null;
  /** The area the sending device was enrolled for when it sent this (re-reading uses it, not the device's area now). */
  deviceArea: string | null;
  readingVersion: string;
}

export interface SubmissionIndex extends StoredReceipt, StoredReading {
  seq: number;
  instrumentId: string;
  instrumentVersion: string;
  kind: string;
  deviceId: string | null;
}

export interface StoredSubmission extends SubmissionIndex {
  body: unknown;
}

export interface NewSubmission extends StoredReading {
  id: string;
  instrumentId: string;
  instrumentVersion: string;
  kind: string;
  level: string | null;
  deviceLevel: string | null;
  disagreement: string | null;
  deviceId: string | null;
  /** The normalised submission as JSON text: sealed before it is written. */
  body: string;
}

export type InsertOutcome = { status: 'created' | 'duplicate' | 'conflict'; stored: StoredReceipt };
/** Not stored: the device has used its daily quota (a repeat of a stored one is never counted). */
export type OverQuota = { status: 'over-quota' };

/** A device's daily allowance, checked inside the insert's transaction so concurrent requests cannot overshoot it. */
export interface Quota {
  deviceId: string;
  /** ISO time from which stored submissions count (the start of the UTC day). */
  since: string;
  limit: number;
}

// Any key for PostgreSQL's transaction-scoped advisory lock that serialises submission writers.
const SUBMISSION_WRITERS_LOCK = 74_201_155;

export type DeviceState = 'pending' | 'active' | 'revoked';

export interface Device {
  id: string;
  name: string;
  state: DeviceState;
  createdAt: string;
  codeExpiresAt: string | null;
  enrolledAt: string | null;
  revokedAt: string | null;
  lastSeenAt: string | null;
  jkt: string | null;
  publicJwk: string | null;
  /** The area the device was enrolled for (a name from the directory), if any. */
  area: string | null;
  /** When it was first seen from two addresses within CLONE_WINDOW_MS (a copied profile?), and which. */
  cloneSeenAt: string | null;
  cloneAddresses: string | null;
}

/** A device seen from two addresses this close together is flagged (a copy of its browser profile may be in use). */
export const CLONE_WINDOW_MS = 5 * 60_000;

export type RedeemOutcome =
  { status: 'enrolled'; device: Device } | { status: 'unknown' | 'used' | 'expired' | 'revoked' | 'key-in-use' };

const RECEIPT_COLS = 'id, receipt, received_at as "receivedAt", level, device_level as "deviceLevel", disagreement';
const READING_COLS =
  'severity, priority, safety, region, area, area_from as "areaFrom", needs_area as "needsArea", team, device_area as "deviceArea", reading_version as "readingVersion"';
const INDEX_COLS = `seq, ${RECEIPT_COLS}, instrument_id as "instrumentId", instrument_version as "instrumentVersion", kind, ${READING_COLS}, device_id as "deviceId"`;
const DEVICE_COLS =
  'id, name, state, created_at as "createdAt", code_expires_at as "codeExpiresAt", enrolled_at as "enrolledAt", revoked_at as "revokedAt", last_seen_at as "lastSeenAt", jkt, public_jwk as "publicJwk", area, clone_seen_at as "cloneSeenAt", clone_addresses as "cloneAddresses"';

type RawIndex = Omit<SubmissionIndex, 'safety' | 'needsArea'> & { safety: string; needsArea: number };
/** A row as the database gives it, with its numbers and lists read. */
function toIndex<T extends RawIndex>(
  r: T,
): Omit<T, 'safety' | 'needsArea'> & Pick<SubmissionIndex, 'safety' | 'needsArea'> {
  return {
    ...r,
    seq: Number(r.seq),
    severity: r.severity === null ? null : Number(r.severity),
    priority: Number(r.priority ?? 0),
    safety: JSON.parse(r.safety ?? '[]') as string[],
    needsArea: Number(r.needsArea) === 1,
  };
}

export function hashCode(code: string): string {
  return createHash('sha256').update(`cse-enrol:${code}`).digest('base64url');
}

export interface StoreConfig {
  /** postgres://… for PostgreSQL; otherwise the SQLite file (or ':memory:'). */
  database: string;
  envelope: Envelope;
}

export class ReceiverStore {
  private constructor(
    /** The SQL surface, for modules that add their own tables (see migrations.ts). */
    readonly sql: Sql,
    private readonly envelope: Envelope,
  ) {}

  static async open(cfg: StoreConfig): Promise<ReceiverStore> {
    if (/^postgres(ql)?:\/\//.test(cfg.database)) {
      const pg = postgresSql(cfg.database);
      await migrate(pg);
      return new ReceiverStore(pg, cfg.envelope);
    }
    const lite = new SqliteSql(cfg.database);
    await migrate(lite);
    return new ReceiverStore(lite, cfg.envelope);
  }

  get dialect() {
    return this.sql.dialect;
  }

  // ── submissions ──────────────────────────────────────────────────────────

  /**
   * Stores a submission once. A repeat with the same body gets the same
   * receipt; a different body under the same id is a conflict. With `proof`,
   * the proof id is recorded in the same transaction (one disk flush per
   * submission): a jti already seen makes it a 'replay' and nothing is written.
   */
  async insertOnce(input: NewSubmission): Promise<InsertOutcome>;
  async insertOnce(
    input: NewSubmission,
    proof: { jti: string; deviceId: string },
    quota?: Quota,
  ): Promise<InsertOutcome | OverQuota | { status: 'replay' }>;
  async insertOnce(
    input: NewSubmission,
    proof?: { jti: string; deviceId: string },
    quota?: Quota,
  ): Promise<InsertOutcome | OverQuota | { status: 'replay' }> {
    const out = await this.insertMany([input], proof, quota);
    return 'status' in out ? out : out[0]!;
  }

  /**
   * insertOnce for many (a batch): one transaction, so one disk flush for the
   * lot, and one proof id for all. Outcomes in the order given; with `quota`,
   * new submissions past the device's allowance are 'over-quota' (repeats of
   * stored ones are answered as usual and not counted).
   *
   * Writers are serialised (SQLite: `begin immediate`; PostgreSQL: an advisory
   * lock taken first), so a row's `seq` is taken and committed before the next
   * writer takes one. Readers follow "after the highest seq seen" (the list's
   * cursor, the inbox's catch-up): were a later seq committed first, they
   * would move past an earlier one still in flight and never see it. It also
   * means two batches sharing ids cannot deadlock, and the quota count inside
   * the transaction is exact.
   */
  async insertMany(
    inputs: NewSubmission[],
    proof?: { jti: string; deviceId: string },
    quota?: Quota,
  ): Promise<(InsertOutcome | OverQuota)[] | { status: 'replay' }> {
    // Sealed before the transaction opens: the transaction holds the write lock, and sealing needs none.
    const prepared = inputs.map((input) => ({
      input,
      sealed: this.envelope.seal(input.id, input.body),
      // Every key's MAC: a repeat of a row stored before a KEK rotation is still a duplicate, not a conflict.
      macs: this.envelope.macs(input.body),
    }));
    const at = new Date().toISOString();
    return this.sql.transaction(async (tx): Promise<(InsertOutcome | OverQuota)[] | { status: 'replay' }> => {
      if (tx.dialect === 'postgres') await tx.get('select pg_advisory_xact_lock(?)', [SUBMISSION_WRITERS_LOCK]);
      if (proof) {
        const { changes } = await tx.run(
          'insert into proof_jti (jti, device_id, seen_at) values (?, ?, ?) on conflict (jti) do nothing',
          [proof.jti, proof.deviceId, at],
        );
        if (changes !== 1) return { status: 'replay' };
      }
      let allowance = quota
        ? quota.limit -
          Number(
            (await tx.get<{ n: number }>(
              'select count(*) as n from submissions where device_id = ? and received_at >= ?',
              [quota.deviceId, quota.since],
            ))!.n,
          )
        : Number.POSITIVE_INFINITY;
      const outcomes: (InsertOutcome | OverQuota)[] = [];
      for (const { input, macs, sealed } of prepared) {
        const mac = macs[0]!;
        // Already there (a retry, or an earlier item of this batch): same body → same receipt.
        const existing = await tx.get<StoredReceipt & { mac: string }>(
          `select ${RECEIPT_COLS}, body_mac as mac from submissions where id = ?`,
          [input.id],
        );
        if (existing) {
          const { mac: had, ...prior } = existing;
          outcomes.push({ status: macs.includes(had) ? 'duplicate' : 'conflict', stored: prior });
          continue;
        }
        if (allowance <= 0) {
          outcomes.push({ status: 'over-quota' });
          continue;
        }
        const stored: StoredReceipt = {
          id: input.id,
          receipt: `R-${randomUUID()}`,
          receivedAt: at,
          level: input.level,
          deviceLevel: input.deviceLevel,
          disagreement: input.disagreement,
        };
        await tx.run(
          `insert into submissions (id, receipt, received_at, instrument_id, instrument_version, kind, level, device_level, disagreement, area, team, device_id, body_mac, body_enc, dek_wrapped, kek_id,
             severity, priority, safety, region, area_from, needs_area, device_area, reading_version)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            stored.id,
            stored.receipt,
            stored.receivedAt,
            input.instrumentId,
            input.instrumentVersion,
            input.kind,
            input.level,
            input.deviceLevel,
            input.disagreement,
            input.area,
            input.team,
            input.deviceId,
            mac,
            sealed.bodyEnc,
            sealed.dekWrapped,
            sealed.kekId,
            input.severity,
            input.priority,
            JSON.stringify(input.safety),
            input.region,
            input.areaFrom,
            input.needsArea ? 1 : 0,
            input.deviceArea,
            input.readingVersion,
          ],
        );
        allowance--;
        outcomes.push({ status: 'created', stored });
      }
      return outcomes;
    });
  }

  /** The ids of these that are already stored (a device's retries, which its quota does not count). */
  async storedIds(ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows = await this.sql.all<{ id: string }>(
      `select id from submissions where id in (${ids.map(() => '?').join(', ')})`,
      ids,
    );
    return new Set(rows.map((r) => r.id));
  }

  /** True when a proof id has been seen (a read: the write happens with the submission). */
  async proofSeen(jti: string): Promise<boolean> {
    return !!(await this.sql.get('select jti from proof_jti where jti = ?', [jti]));
  }

  /** One page of the index, oldest first, after the cursor (the last seq seen). */
  async listIndex(after = 0, limit = 100): Promise<SubmissionIndex[]> {
    return (
      await this.sql.all<RawIndex>(`select ${INDEX_COLS} from submissions where seq > ? order by seq limit ?`, [
        after,
        Math.max(1, Math.min(limit, 500)),
      ])
    ).map(toIndex);
  }

  /** One page with bodies opened. */
  async list(after = 0, limit = 100): Promise<StoredSubmission[]> {
    const rows = await this.sql.all<RawIndex & { bodyEnc: string; dekWrapped: string }>(
      `select ${INDEX_COLS}, body_enc as "bodyEnc", dek_wrapped as "dekWrapped" from submissions where seq > ? order by seq limit ?`,
      [after, Math.max(1, Math.min(limit, 500))],
    );
    return rows.map(({ bodyEnc, dekWrapped, ...r }) => ({
      ...toIndex(r),
      body: JSON.parse(this.envelope.open(r.id, { bodyEnc, dekWrapped })),
    }));
  }

  async get(id: string): Promise<StoredSubmission | undefined> {
    const r = await this.sql.get<RawIndex & { bodyEnc: string; dekWrapped: string }>(
      `select ${INDEX_COLS}, body_enc as "bodyEnc", dek_wrapped as "dekWrapped" from submissions where id = ?`,
      [id],
    );
    if (!r) return undefined;
    const { bodyEnc, dekWrapped, ...rest } = r;
    return { ...toIndex(rest), body: JSON.parse(this.envelope.open(r.id, { bodyEnc, dekWrapped })) };
  }

  /**
   * Submissions whose stored reading is not of this version (read before an instrument
   * or the reading's rules changed, or before readings were stored), bodies opened.
   */
  async staleReadings(version: string, afterSeq: number, limit = 200): Promise<StoredSubmission[]> {
    const rows = await this.sql.all<RawIndex & { bodyEnc: string; dekWrapped: string }>(
      `select ${INDEX_COLS}, body_enc as "bodyEnc", dek_wrapped as "dekWrapped" from submissions
        where seq > ? and (reading_version is null or reading_version <> ?) order by seq limit ?`,
      [afterSeq, version, limit],
    );
    return rows.map(({ bodyEnc, dekWrapped, ...r }) => ({
      ...toIndex(r),
      body: JSON.parse(this.envelope.open(r.id, { bodyEnc, dekWrapped })),
    }));
  }

  /** Replaces a submission's stored reading (a re-read), in one transaction for the lot. */
  async updateReadings(
    rows: (StoredReading & {
      id: string;
      level: string | null;
      deviceLevel: string | null;
      disagreement: string | null;
    })[],
  ): Promise<void> {
    await this.sql.transaction(async (tx) => {
      for (const r of rows)
        await tx.run(
          `update submissions set level = ?, device_level = ?, disagreement = ?, severity = ?, priority = ?, safety = ?, region = ?, area = ?,
             area_from = ?, needs_area = ?, team = ?, device_area = ?, reading_version = ? where id = ?`,
          [
            r.level,
            r.deviceLevel,
            r.disagreement,
            r.severity,
            r.priority,
            JSON.stringify(r.safety),
            r.region,
            r.area,
            r.areaFrom,
            r.needsArea ? 1 : 0,
            r.team,
            r.deviceArea,
            r.readingVersion,
            r.id,
          ],
        );
    });
  }

  /** Every stored submission (tests and drills; readers page with list()). */
  async all(): Promise<StoredSubmission[]> {
    const out: StoredSubmission[] = [];
    for (let after = 0; ;) {
      const page = await this.list(after, 500);
      out.push(...page);
      if (page.length < 500) return out;
      after = page.at(-1)!.seq;
    }
  }

  /**
   * A KEK rotation's work: every row whose data key is wrapped by another KEK than the current one gets it
   * re-wrapped (and its MAC made again), a page at a time, each page in one transaction; a row changed
   * meanwhile is left for the next pass. Returns how many were re-wrapped.
   */
  async rewrapAll(pageSize = 200): Promise<number> {
    let done = 0;
    for (let after = 0; ;) {
      const current = this.envelope.kekId;
      const rows = await this.sql.all<{ seq: number; id: string; bodyEnc: string; dekWrapped: string }>(
        'select seq, id, body_enc as "bodyEnc", dek_wrapped as "dekWrapped" from submissions where seq > ? and kek_id <> ? order by seq limit ?',
        [after, current, pageSize],
      );
      if (!rows.length) return done;
      const next = rows.map((r) => ({ r, w: this.envelope.rewrap(r.id, r) }));
      await this.sql.transaction(async (tx) => {
        for (const { r, w } of next)
          done += (
            await tx.run(
              'update submissions set dek_wrapped = ?, kek_id = ?, body_mac = ? where id = ? and dek_wrapped = ?',
              [w.dekWrapped, w.kekId, w.mac, r.id, r.dekWrapped],
            )
          ).changes;
      });
      after = Number(rows.at(-1)!.seq);
    }
  }

  /** Rows whose data key is wrapped by any KEK but the current one (0 once a rotation is finished). */
  async countNotUnderCurrentKek(): Promise<number> {
    return Number(
      (await this.sql.get<{ n: number }>('select count(*) as n from submissions where kek_id <> ?', [
        this.envelope.kekId,
      ]))!.n,
    );
  }

  async count(): Promise<number> {
    return Number((await this.sql.get<{ n: number }>('select count(*) as n from submissions'))!.n);
  }

  /** Submissions a device has sent since `since` (ISO), for its daily quota. */
  async countForDevice(deviceId: string, since: string): Promise<number> {
    return Number(
      (await this.sql.get<{ n: number }>(
        'select count(*) as n from submissions where device_id = ? and received_at >= ?',
        [deviceId, since],
      ))!.n,
    );
  }

  // ── devices ──────────────────────────────────────────────────────────────

  /** A new device enrolment: returns the device and its one-time code (only its hash is stored). */
  async addDevice(
    name: string,
    validForMs = 24 * 3600_000,
    now = Date.now(),
    /** The area it is enrolled for, as the directory spells it (checked by the caller). */
    area: string | null = null,
  ): Promise<{ device: Device; code: string }> {
    const id = `dev-${randomBytes(6).toString('hex')}`;
    const code = randomBytes(24).toString('base64url');
    const createdAt = new Date(now).toISOString();
    const expires = new Date(now + validForMs).toISOString();
    await this.sql.run(
      'insert into devices (id, name, state, code_hash, code_expires_at, created_at, area) values (?, ?, ?, ?, ?, ?, ?)',
      [id, name, 'pending', hashCode(code), expires, createdAt, area],
    );
    return { device: (await this.device(id))!, code };
  }

  async device(id: string): Promise<Device | undefined> {
    return this.sql.get<Device>(`select ${DEVICE_COLS} from devices where id = ?`, [id]);
  }

  async deviceByKey(jkt: string): Promise<Device | undefined> {
    return this.sql.get<Device>(`select ${DEVICE_COLS} from devices where jkt = ?`, [jkt]);
  }

  async devices(): Promise<Device[]> {
    return this.sql.all<Device>(`select ${DEVICE_COLS} from devices order by created_at, id`);
  }

  /** Redeems a one-time code for the key (thumbprint jkt, public JWK): once, before it expires. */
  async redeem(code: string, jkt: string, publicJwk: string, now = Date.now()): Promise<RedeemOutcome> {
    const at = new Date(now).toISOString();
    return this.sql.transaction(async (tx) => {
      const d = await tx.get<Device & { codeHash: string }>(`select ${DEVICE_COLS} from devices where code_hash = ?`, [
        hashCode(code),
      ]);
      if (!d) return { status: 'unknown' };
      if (d.state === 'revoked') return { status: 'revoked' };
      if (d.state !== 'pending') return { status: 'used' };
      if (!d.codeExpiresAt || d.codeExpiresAt <= at) return { status: 'expired' };
      if (await tx.get('select id from devices where jkt = ?', [jkt])) return { status: 'key-in-use' };
      // The state guard makes the redemption single-use even if two requests race.
      const { changes } = await tx.run(
        "update devices set state = 'active', enrolled_at = ?, jkt = ?, public_jwk = ?, last_seen_at = ? where id = ? and state = 'pending'",
        [at, jkt, publicJwk, at, d.id],
      );
      if (changes !== 1) return { status: 'used' };
      return {
        status: 'enrolled',
        device: (await tx.get<Device>(`select ${DEVICE_COLS} from devices where id = ?`, [d.id]))!,
      };
    });
  }

  async revoke(id: string, now = Date.now()): Promise<boolean> {
    const { changes } = await this.sql.run(
      "update devices set state = 'revoked', revoked_at = ?, code_hash = null where id = ? and state <> 'revoked'",
      [new Date(now).toISOString(), id],
    );
    return changes === 1;
  }

  async touchDevice(id: string, now = Date.now()): Promise<void> {
    await this.sql.run('update devices set last_seen_at = ? where id = ?', [new Date(now).toISOString(), id]);
  }

  /**
   * Records that the device was seen from `address` now. If it was last seen from another address
   * within CLONE_WINDOW_MS, it is flagged, once: the atomic conditional update lets exactly one
   * request (on any server sharing the database) do it, and that request is told (to audit it once).
   */
  async deviceSeenFrom(
    id: string,
    address: string,
    now = Date.now(),
  ): Promise<{ flagged: false } | { flagged: true; addresses: string }> {
    const at = address.slice(0, 100);
    return this.sql.transaction(async (tx) => {
      const { changes } = await tx.run(
        "update devices set clone_seen_at = ?, clone_addresses = last_address || ' and ' || ? where id = ? and clone_seen_at is null and last_address is not null and last_address <> ? and last_address_at >= ?",
        [new Date(now).toISOString(), at, id, at, now - CLONE_WINDOW_MS],
      );
      await tx.run('update devices set last_seen_at = ?, last_address = ?, last_address_at = ? where id = ?', [
        new Date(now).toISOString(),
        at,
        now,
        id,
      ]);
      if (changes !== 1) return { flagged: false as const };
      const row = await tx.get<{ a: string }>('select clone_addresses as a from devices where id = ?', [id]);
      return { flagged: true as const, addresses: row?.a ?? at };
    });
  }

  /** Told once when a device is flagged as seen from two addresses (the inbox writes it to its audit). */
  onDeviceFlagged: ((device: { id: string }, addresses: string) => Promise<void>) | undefined;

  /** Records a proof id; false when it was seen before (a replay). */
  async rememberProof(jti: string, deviceId: string, now = Date.now()): Promise<boolean> {
    const { changes } = await this.sql.run(
      'insert into proof_jti (jti, device_id, seen_at) values (?, ?, ?) on conflict (jti) do nothing',
      [jti, deviceId, new Date(now).toISOString()],
    );
    return changes === 1;
  }

  /**
   * Takes up to `wanted` from the allowance of `key` in its current window (`limit` per `windowMs`, a window
   * opening at the key's first use after the last one ended), in one statement: the database's row lock makes
   * the count exact however many instances share it. Returns how many were granted (0 when spent), how many
   * are used in the window, and the milliseconds until it ends.
   */
  async takeAllowance(
    key: string,
    wanted: number,
    limit: number,
    windowMs: number,
    now = Date.now(),
  ): Promise<{ granted: number; used: number; resetsInMs: number }> {
    const [least, greatest] = this.sql.dialect === 'postgres' ? ['least', 'greatest'] : ['min', 'max'];
    const first = Math.max(0, Math.min(wanted, limit));
    // Every SET expression reads the row as it was before this statement ("alive": its window has not ended).
    const alive = 'rate_windows.window_start > excluded.window_start - ?';
    const text = `insert into rate_windows (key, window_start, used, granted) values (?, ?, ?, ?)
       on conflict (key) do update set
         used = case when ${alive} then ${least}(rate_windows.used + ?, ?) else excluded.used end,
         granted = case when ${alive} then ${greatest}(0, ${least}(rate_windows.used + ?, ?) - rate_windows.used) else excluded.used end,
         window_start = case when ${alive} then rate_windows.window_start else excluded.window_start end
       returning window_start as "windowStart", used, granted`;
    const params = [key, now, first, first, windowMs, wanted, limit, windowMs, wanted, limit, windowMs];
    type Row = { windowStart: number; used: number; granted: number };
    // A count lost in a crash costs nothing, so it does not wait for the disk (a flush per submission saved).
    const row =
      this.sql instanceof SqliteSql
        ? await this.sql.getUnflushed<Row>(text, params)
        : await this.sql.transaction(async (tx) => {
            await tx.run('set local synchronous_commit to off');
            return tx.get<Row>(text, params);
          });
    const r = row!;
    return { granted: Number(r.granted), used: Number(r.used), resetsInMs: Number(r.windowStart) + windowMs - now };
  }

  /** Forgets rate windows that ended before `t`. */
  async forgetRateWindowsBefore(t: number): Promise<number> {
    return (await this.sql.run('delete from rate_windows where window_start < ?', [t])).changes;
  }

  /** Forgets proof ids older than the window in which a proof's iat is accepted anyway. */
  async forgetProofsBefore(t: number): Promise<number> {
    return (await this.sql.run('delete from proof_jti where seen_at < ?', [new Date(t).toISOString()])).changes;
  }

  async close(): Promise<void> {
    await this.sql.close();
  }
}
