// The inbox's own small secrets at rest: the child reference kept beside the
// index (so the list needs no body opened) and the reviewers' notes, each
// sealed with AES-256-GCM under a key derived from the inbox key (kept in the
// secrets folder, never with the data), bound to its submission id. The
// child-reference hash for search and chains uses a second derived key.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

export class InboxKeys {
  private readonly enc: Buffer;
  private readonly mac: Buffer;
  private readonly entryMac: Buffer;
  constructor(secret: Buffer) {
    this.enc = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'cse-inbox seal', 32));
    this.mac = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'cse-inbox child key', 32));
    this.entryMac = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'cse-inbox entry key', 32));
  }

  /**
   * A report's entry (a registration, a number, a place, a person: issue 26), already in its one form
   * (src/domain/entries), as a keyed hash: equal entries give equal hashes, and without the inbox key
   * none can be read back or guessed by trying plates or numbers. Its kind is part of what is hashed.
   */
  entryKey(kind: string, normalised: string): string {
    return createHmac('sha256', this.entryMac).update(`${kind}\n${normalised}`).digest('hex').slice(0, 40);
  }

  /** The same for every spelling of one reference (case and spaces aside); meaningless without the key. */
  childKey(childRef: string): string {
    return createHmac('sha256', this.mac)
      .update(childRef.trim().replace(/\s+/g, ' ').toUpperCase())
      .digest('hex')
      .slice(0, 40);
  }

  seal(text: string, boundTo: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.enc, iv);
    c.setAAD(Buffer.from(boundTo));
    const ct = Buffer.concat([c.update(text, 'utf8'), c.final()]);
    return Buffer.concat([iv, ct, c.getAuthTag()]).toString('base64');
  }

  open(sealed: string, boundTo: string): string {
    const buf = Buffer.from(sealed, 'base64');
    const d = createDecipheriv('aes-256-gcm', this.enc, buf.subarray(0, 12));
    d.setAAD(Buffer.from(boundTo));
    d.setAuthTag(buf.subarray(buf.length - 16));
    return Buffer.concat([d.update(buf.subarray(12, buf.length - 16)), d.final()]).toString('utf8');
  }
}
