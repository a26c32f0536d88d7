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

export class Envelope {
  private readonly macKey: Buffer;
  constructor(
    private readonly kek: Buffer,
    readonly kekId: string,
  ) {
    if (kek.length !== 32) throw new Error('The key-encryption key must be 32 bytes');
    this.macKey = Buffer.from(hkdfSync('sha256', kek, Buffer.alloc(0), 'cse-screen body mac', 32));
  }

  seal(rowId: string, plaintext: string): SealedBody {
    const dek = randomBytes(32);
    try {
      return {
        bodyEnc: gcmSeal(dek, Buffer.from(plaintext, 'utf8'), rowId),
        dekWrapped: gcmSeal(this.kek, dek, `dek:${rowId}`),
        kekId: this.kekId,
      };
    } finally {
      dek.fill(0);
    }
  }

  open(rowId: string, s: Pick<SealedBody, 'bodyEnc' | 'dekWrapped'>): string {
    const dek = gcmOpen(this.kek, s.dekWrapped, `dek:${rowId}`);
    try {
      return gcmOpen(dek, s.bodyEnc, rowId).toString('utf8');
    } finally {
      dek.fill(0);
    }
  }

  mac(text: string): string {
    return createHmac('sha256', this.macKey).update(text).digest('base64url');
  }
}
