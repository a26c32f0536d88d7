// Reviewer passwords: scrypt (memory-hard, in node:crypto, nothing to
// install). N = 2^15, r = 8 → 32 MiB per hash, ~50–100 ms on one core: slow
// enough to make offline guessing expensive, fast enough for a login. The
// parameters are stored with each hash so they can be raised later.
//
// scrypt runs on libuv's thread pool (4 threads), which also reads the
// server's static files. So every hash passes a HashGate: at most a few at
// once, a short queue behind them, and anything more is refused at once
// (HashBusy) instead of waiting; a queued hash whose client has left is
// dropped before it runs (issue 23).
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';

const N = 1 << 15;
const R = 8;
const P = 1;
const KEYLEN = 32;

function scrypt(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((ok, fail) =>
    scryptCb(password.normalize('NFC'), salt, KEYLEN, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 }, (err, key) =>
      err ? fail(err) : ok(key),
    ),
  );
}

/** A hash not run: the gate's queue was full ('busy'), or the client left while it waited ('gone'). */
export class HashBusy extends Error {
  constructor(readonly reason: 'busy' | 'gone') {
    super(reason === 'busy' ? 'Too many passwords are being checked at once.' : 'The client left.');
  }
}

/** At most `concurrency` hashes at once, `queue` waiting; counts what it ran, refused and dropped. */
export class HashGate {
  private running = 0;
  private waiting: { go: () => void; gone: () => void; signal: AbortSignal | undefined }[] = [];
  readonly stats = { ran: 0, refused: 0, dropped: 0, mostAtOnce: 0 };

  constructor(
    readonly concurrency = 2,
    readonly queue = 8,
  ) {}

  /** Every hashing slot and every waiting place taken: a new hash would be refused. */
  get full(): boolean {
    return this.running >= this.concurrency && this.waiting.length >= this.queue;
  }

  /** Hashes waiting for a turn now. */
  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) {
      this.stats.dropped++;
      throw new HashBusy('gone');
    }
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.queue) {
        this.stats.refused++;
        throw new HashBusy('busy');
      }
      await new Promise<void>((go, fail) => {
        const entry = {
          go,
          gone: () => {
            this.waiting = this.waiting.filter((w) => w !== entry);
            this.stats.dropped++;
            fail(new HashBusy('gone'));
          },
          signal,
        };
        this.waiting.push(entry);
        signal?.addEventListener('abort', entry.gone, { once: true });
      });
    }
    this.running++;
    this.stats.mostAtOnce = Math.max(this.stats.mostAtOnce, this.running);
    this.stats.ran++;
    try {
      return await work();
    } finally {
      this.running--;
      const next = this.waiting.shift();
      if (next) {
        next.signal?.removeEventListener('abort', next.gone);
        next.go();
      }
    }
  }
}

/** The gate every hash in this process passes unless another is given (the thread pool is the process's). */
export const DEFAULT_GATE = new HashGate();

export const MIN_PASSWORD_LENGTH = 12;

/** Why a new password is not acceptable, in words, or undefined. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > 200) return 'Use at most 200 characters.';
  if (/^(.)\1+$/.test(password)) return 'Do not repeat one character.';
  return undefined;
}

export async function hashPassword(password: string, gate = DEFAULT_GATE, signal?: AbortSignal): Promise<string> {
  const salt = randomBytes(16);
  const key = await gate.run(() => scrypt(password, salt, N, R, P), signal);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(
  password: string,
  stored: string | null | undefined,
  gate = DEFAULT_GATE,
  signal?: AbortSignal,
): Promise<boolean> {
  // With no account (or no password yet) still spend the same time, so timing
  // does not tell which e-mail addresses have accounts.
  const parts = (stored ?? '').split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') {
    await gate.run(() => scrypt(password, randomBytes(16), N, R, P), signal);
    return false;
  }
  const [, n, r, p, salt, hash] = parts;
  const want = Buffer.from(hash!, 'base64url');
  const got = await gate.run(
    () => scrypt(password, Buffer.from(salt!, 'base64url'), Number(n), Number(r), Number(p)),
    signal,
  );
  return got.length === want.length && timingSafeEqual(got, want);
}
