// The inbox's own small secrets at rest: the child reference kept beside the
// index (so the list needs no body opened) and the reviewers' notes, each
// sealed with AES-256-GCM under a key derived from the inbox key (kept in the
// secrets folder, never with the data), bound to its submission id. The
// child-reference hash for search and chains uses a second derived key.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

interface Derived {
  enc: Buffer;
  mac: Buffer;
  entryMac: Buffer;
}

const derive = (secret: Buffer): Derived => ({
  enc: Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'cse-inbox seal', 32)),
  mac: Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'cse-inbox child key', 32)),
  entryMac: Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'cse-inbox entry key', 32)),
});

function gcmOpen(key: Buffer, sealed: string, boundTo: string): string {
  const buf = Buffer.from(sealed, 'base64');
  const d = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
  d.setAAD(Buffer.from(boundTo));
  d.setAuthTag(buf.subarray(buf.length - 16));
  return Buffer.concat([d.update(buf.subarray(12, buf.length - 16)), d.final()]).toString('utf8');
}

/**
 * The inbox key and, while it is being rotated (./rotate-inbox-key.ts), the
 * previous one: what is sealed is sealed with the current key, and opens with
 * either. With a `source` (the key files) the ring re-reads them when they
 * may have changed (at most once a second when sealing, at once when a value
 * opens with none of the keys held), so a running server takes a new inbox
 * key without a restart.
 */
export class InboxKeys {
  private keys: Derived[];
  private held: string;
  private checkedAt = 0;
  constructor(
    secret: Buffer,
    previous: Buffer[] = [],
    private readonly source?: () => Buffer[],
  ) {
    this.keys = [secret, ...previous].map(derive);
    this.held = [secret, ...previous].map((b) => b.toString('base64')).join();
  }

  private reload(force = false): boolean {
    if (!this.source) return false;
    const now = Date.now();
    if (!force && now - this.checkedAt < 1000) return false;
    this.checkedAt = now;
    try {
      const next = this.source();
      const held = next.map((b) => b.toString('base64')).join();
      if (!next.length || held === this.held) return false;
      this.keys = next.map(derive);
      this.held = held;
      return true;
    } catch {
      return false;
    }
  }

  /**
   * A report's entry (a registration, a number, a place, a person: issue 26), already in its one form
   * (src/domain/entries), as a keyed hash under the current key: equal entries give equal hashes, and without the
   * inbox key none can be read back or guessed by trying plates or numbers. Its kind is part of what is hashed.
   * A rotation of the inbox key rebuilds the entries' index under the new key (./rotate-inbox-key.ts).
   */
  entryKey(kind: string, normalised: string): string {
    this.reload();
    return createHmac('sha256', this.keys[0]!.entryMac).update(`${kind}\n${normalised}`).digest('hex').slice(0, 40);
  }

  /** Names the current entry key without revealing it: the entries' index records which key its hashes are under. */
  entryKeyId(): string {
    this.reload();
    return createHmac('sha256', this.keys[0]!.entryMac).update('entry key id').digest('hex').slice(0, 12);
  }

  /** The same for every spelling of one reference (case and spaces aside); meaningless without the key. */
  childKey(childRef: string): string {
    return this.childKeys(childRef)[0]!;
  }

  /** The reference's hash under every key held (a search during a rotation finds rows of both). */
  childKeys(childRef: string): string[] {
    const text = childRef.trim().replace(/\s+/g, ' ').toUpperCase();
    return this.keys.map((k) => createHmac('sha256', k.mac).update(text).digest('hex').slice(0, 40));
  }

  seal(text: string, boundTo: string): string {
    this.reload();
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.keys[0]!.enc, iv);
    c.setAAD(Buffer.from(boundTo));
    const ct = Buffer.concat([c.update(text, 'utf8'), c.final()]);
    return Buffer.concat([iv, ct, c.getAuthTag()]).toString('base64');
  }

  open(sealed: string, boundTo: string): string {
    for (let attempt = 0; attempt < 2; attempt++) {
      for (const k of this.keys) {
        try {
          return gcmOpen(k.enc, sealed, boundTo);
        } catch {
          /* not this key */
        }
      }
      if (attempt === 0 && !this.reload(true)) break;
    }
    throw new Error('A sealed value opens with none of the inbox keys held');
  }

  /** True when the value is sealed with the current key (a rotation has nothing to do for it). */
  isCurrent(sealed: string, boundTo: string): boolean {
    try {
      gcmOpen(this.keys[0]!.enc, sealed, boundTo);
      return true;
    } catch {
      return false;
    }
  }
}
