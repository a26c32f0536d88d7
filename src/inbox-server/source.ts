// Where the inbox reads submissions from: the receiver's store. The inbox
// keeps only its own index (inbox_referrals) and reads bodies through this
// interface, so it does not depend on how the receiver stores or encrypts
// them. `seq` is the store's insertion order, so the index can catch up with
// whatever arrived since it last looked, and nothing is ever missed. Each
// comes with the server's reading, taken once when it was accepted
// (src/domain/reading): the inbox lists, scopes and alerts from that alone.
import type { ReceiverStore } from '../receiver/store/receiver-store.ts';
import type { Submission } from '../contract/submission.ts';

/** The server's reading of a submission, as the receiver stored it. */
export interface ServerReading {
  level: string | null;
  severity: number | null;
  priority: number;
  safety: string[];
  region: string;
  area: string | null;
  areaFrom: string;
  needsArea: boolean;
  disagreement: string | null;
  readingVersion: string;
}

export interface StoredSubmission {
  id: string;
  seq: number;
  receivedAt: string;
  receipt: string;
  body: Submission;
  reading: ServerReading;
  /** The enrolled device that sent it (its name and id), when the store knows. */
  device?: string | null;
}

export interface SubmissionSource {
  /** Submissions stored after `seq`, in insertion order. */
  after(seq: number, limit: number): Promise<StoredSubmission[]>;
  get(id: string): Promise<StoredSubmission | undefined>;
  getMany(ids: string[]): Promise<Map<string, StoredSubmission>>;
}

/** The receiver's store (SQLite or PostgreSQL; bodies opened from their envelope). */
export class ReceiverStoreSource implements SubmissionSource {
  private names = new Map<string, string>();
  constructor(private store: ReceiverStore) {}

  private async deviceName(id: string | null): Promise<string | null> {
    if (!id) return null;
    if (!this.names.has(id)) {
      const d = await this.store.device(id);
      if (d) this.names.set(id, `${d.name} (${d.id})`);
    }
    return this.names.get(id) ?? id;
  }

  private async row(s: Awaited<ReturnType<ReceiverStore['get']>> & object): Promise<StoredSubmission> {
    return {
      id: s.id,
      seq: Number(s.seq),
      receivedAt: s.receivedAt,
      receipt: s.receipt,
      body: s.body as Submission,
      reading: {
        level: s.level,
        severity: s.severity,
        priority: s.priority,
        safety: s.safety,
        region: s.region,
        area: s.area,
        areaFrom: s.areaFrom,
        needsArea: s.needsArea,
        disagreement: s.disagreement,
        readingVersion: s.readingVersion,
      },
      device: await this.deviceName(s.deviceId),
    };
  }

  async after(seq: number, limit: number): Promise<StoredSubmission[]> {
    return Promise.all((await this.store.list(seq, limit)).map((s) => this.row(s)));
  }

  async get(id: string): Promise<StoredSubmission | undefined> {
    const s = await this.store.get(id);
    return s && this.row(s);
  }

  async getMany(ids: string[]): Promise<Map<string, StoredSubmission>> {
    const rows = await Promise.all(ids.map((id) => this.get(id)));
    return new Map(rows.filter((r): r is StoredSubmission => !!r).map((r) => [r.id, r]));
  }
}
