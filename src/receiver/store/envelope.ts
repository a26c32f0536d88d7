// Encryption at rest, envelope style: every submission body gets its own
// random data key (AES-256-GCM); the data key is stored wrapped by the
// key-encryption key (KEK), which never sits in the data folder (CSE_KEK_FILE
// or CSE_KEK). A copy of the database alone reads as noise. Duplicate
// detection uses an HMAC under a key derived from the KEK, not a bare hash,
// so the clear column cannot be used to guess a body.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

export interface SealedBody {
  /** base64: iv(12) | ciphertext | tag(16), AES-256-GCM under the data key, aad = row id. */
  bodyEnc: string;
  /** base64: the data key wrapped by the KEK (iv | ciphertext | tag), aad = row id. */
  dekWrapped: string;
  kekId: string;
}

function gcmSeal(key: Buffer, plain: Buffer, aad: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([c.update(plain), c.final()]);
  return Buffer.concat([iv, ct, c.getAuthTag()]).toString('base64');
}

function gcmOpen(key: Buffer, sealed: string, aad: string): Buffer {
  const buf = Buffer.from(sealed, 'base64');
  const d = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
  d.setAAD(Buffer.from(aad));
  d.setAuthTag(buf.subarray(buf.length - 16));
  return Buffer.concat([d.update(buf.subarray(12, buf.length - 16)), d.final()]);
}

/** One key-encryption key and what is derived from it. */
interface Kek {
  kek: Buffer;
  kekId: string;
  macKey: Buffer;
}

function kekOf(kek: Buffer, kekId: string): Kek {
  if (kek.length !== 32) throw new Error('The key-encryption key must be 32 bytes');
  return { kek, kekId, macKey: Buffer.from(hkdfSync('sha256', kek, Buffer.alloc(0), 'cse-screen body mac', 32)) };
}

/** The keys as the secrets folder holds them now: the current one first, then any previous one still kept. */
export type KekSource = () => { kek: Buffer; kekId: string }[];

/**
 * A key ring: new bodies are sealed under the current KEK; stored ones open
 * under whichever KEK wrapped their data key. During a rotation (see
 * ../rotation.ts) the ring holds the new key and the previous one, and is
 * re-read from its source when it may have changed (at most once a second
 * when sealing, and whenever a stored data key opens under none of the keys
 * held), so a running server takes a new KEK without a restart.
 */
export class Envelope {
  private keys: Kek[];
  private checkedAt = 0;
  constructor(
    kek: Buffer,
    kekId: string,
    previous: { kek: Buffer; kekId: string }[] = [],
    private readonly source?: KekSource,
  ) {
    this.keys = [kekOf(kek, kekId), ...previous.map((p) => kekOf(p.kek, p.kekId))];
  }

  /** The current key's id (stored with each row it wraps). */
  get kekId(): string {
    return this.keys[0]!.kekId;
  }

  /** Every key held, current first. */
  get kekIds(): string[] {
    return this.keys.map((k) => k.kekId);
  }

  /** Re-reads the source (at most once a second unless forced); keeps the keys held if it cannot be read. */
  reload(force = false): boolean {
    if (!this.source) return false;
    const now = Date.now();
    if (!force && now - this.checkedAt < 1000) return false;
    this.checkedAt = now;
    try {
      const next = this.source();
      if (!next.length || next.map((k) => k.kekId).join() === this.kekIds.join()) return false;
      this.keys = next.map((k) => kekOf(k.kek, k.kekId));
      return true;
    } catch {
      return false;
    }
  }

  seal(rowId: string, plaintext: string): SealedBody {
    this.reload();
    const current = this.keys[0]!;
    const dek = randomBytes(32);
    try {
      return {
        bodyEnc: gcmSeal(dek, Buffer.from(plaintext, 'utf8'), rowId),
        dekWrapped: gcmSeal(current.kek, dek, `dek:${rowId}`),
        kekId: current.kekId,
      };
    } finally {
      dek.fill(0);
    }
  }

  /** The data key, unwrapped by whichever key held wrapped it (the ring re-read once if none does). */
  private unwrap(rowId: string, dekWrapped: string): Buffer {
    for (let attempt = 0; attempt < 2; attempt++) {
      for (const k of this.keys) {
        try {
          return gcmOpen(k.kek, dekWrapped, `dek:${rowId}`);
        } catch {
          /* not this key */
        }
      }
      if (attempt === 0 && !this.reload(true)) break;
    }
    throw new Error('A stored data key opens under none of the key-encryption keys held');
  }

  open(rowId: string, s: Pick<SealedBody, 'bodyEnc' | 'dekWrapped'>): string {
    const dek = this.unwrap(rowId, s.dekWrapped);
    try {
      return gcmOpen(dek, s.bodyEnc, rowId).toString('utf8');
    } finally {
      dek.fill(0);
    }
  }

  /**
   * The same body under the current KEK: its data key re-wrapped (the body itself is not re-encrypted),
   * and its duplicate-detection MAC made again under the current key.
   */
  rewrap(rowId: string, s: Pick<SealedBody, 'bodyEnc' | 'dekWrapped'>): SealedBody & { mac: string } {
    const current = this.keys[0]!;
    const dek = this.unwrap(rowId, s.dekWrapped);
    try {
      const plain = gcmOpen(dek, s.bodyEnc, rowId).toString('utf8');
      return {
        bodyEnc: s.bodyEnc,
        dekWrapped: gcmSeal(current.kek, dek, `dek:${rowId}`),
        kekId: current.kekId,
        mac: this.mac(plain),
      };
    } finally {
      dek.fill(0);
    }
  }

  mac(text: string): string {
    return createHmac('sha256', this.keys[0]!.macKey).update(text).digest('base64url');
  }

  /** The MAC under every key held: a row written before a rotation still matches its repeat. */
  macs(text: string): string[] {
    return this.keys.map((k) => createHmac('sha256', k.macKey).update(text).digest('base64url'));
  }
}
