// What every receiver plugin can reach through `app.receiver`: the store,
// the keys, the limits, and the device or reader a request proved to be.
// Another module (the reviewers' inbox) registers its routes as a plugin
// beside these and uses the same decorations.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MAX_BATCH_BYTES } from '../../contract/batch.ts';
import { MAX_SUBMISSION_BYTES } from '../../contract/submission.ts';
import { timingSafeEqual } from 'node:crypto';
import type { EndpointKeys } from '../keys.ts';
import type { Device, ReceiverStore } from '../store/receiver-store.ts';
import { fail } from './errors.ts';
import { PROOF_WINDOW_S, ProofError, verifyProof } from './proof.ts';
import type { SubmissionCounts } from './submission-counts.ts';

export interface Limits {
  /** Submissions a device may make per minute (429 beyond). */
  perDevicePerMinute: number;
  /** Submissions a device may store per UTC day (429 until midnight beyond). */
  dailyQuota: number;
  /** Enrolment attempts per address per minute. */
  enrolPerMinute: number;
  maxConnections: number;
  /** A socket with no traffic for this long is closed. */
  idleTimeoutMs: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  bodyLimit: number;
  /** Body limit of a batch (POST /api/submissions/batch). */
  batchBodyLimit: number;
}

export const DEFAULT_LIMITS: Limits = {
  perDevicePerMinute: 1200,
  dailyQuota: 5000,
  enrolPerMinute: 30,
  maxConnections: 4096,
  idleTimeoutMs: 15_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  bodyLimit: MAX_SUBMISSION_BYTES,
  batchBodyLimit: MAX_BATCH_BYTES,
};

export interface ReceiverContext {
  store: ReceiverStore;
  keys: EndpointKeys;
  adminToken: string;
  /** https://cse.example.org when behind a proxy; proofs must name it. */
  publicOrigin: string | undefined;
  limits: Limits;
  /** What this instance answered on the submission routes (the figures read it). */
  counts: SubmissionCounts;
  /** Test-only fault: after the row is committed, drop the connection without answering. */
  dropAfterStore?: ((id: string) => boolean) | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    receiver: ReceiverContext;
  }
  interface FastifyRequest {
    device?: Device;
    proofJti?: string;
  }
}

/**
 * This server's origin as the request reached it: the scheme it serves and the Host header, or,
 * only from a trusted proxy (CSE_TRUST_PROXY, Fastify's trustProxy), X-Forwarded-Proto and
 * X-Forwarded-Host. A client's own X-Forwarded-Host changes nothing. '' when unreadable.
 */
export function requestOrigin(req: FastifyRequest): string {
  try {
    return new URL(`${req.protocol}://${req.host}`).origin;
  } catch {
    return '';
  }
}

/** The origin a device proof must name: the configured public one, else the request's own. */
export const proofOrigin = (ctx: ReceiverContext, req: FastifyRequest): string =>
  ctx.publicOrigin ?? requestOrigin(req);

/**
 * Proves the request comes from an enrolled, active device, with a fresh
 * proof never seen before. With `deferJti` the proof id is only checked here
 * and recorded by the caller in its own transaction (the submit does, with
 * the row: one disk flush per submission instead of two).
 */
export async function authenticateDevice(
  ctx: ReceiverContext,
  req: FastifyRequest,
  reply: FastifyReply,
  deferJti = false,
): Promise<Device | undefined> {
  const path = req.url.split('?')[0]!;
  let jkt: string;
  let jti: string;
  try {
    ({ jkt, jti } = await verifyProof(req.headers.dpop, req.method, path, proofOrigin(ctx, req)));
  } catch (e) {
    if (e instanceof ProofError) {
      // The server's clock, so a device with a wrong clock can correct its proofs.
      reply.header('Date', new Date().toUTCString());
      fail(reply, e.code, e.message);
      return undefined;
    }
    throw e;
  }
  const device = await ctx.store.deviceByKey(jkt);
  if (!device) {
    fail(
      reply,
      'not-enrolled',
      'This device is not enrolled with this endpoint. Ask your administrator for an enrolment link.',
    );
    return undefined;
  }
  if (device.state !== 'active') {
    fail(reply, 'device-revoked');
    return undefined;
  }
  if (deferJti ? await ctx.store.proofSeen(jti) : !(await ctx.store.rememberProof(jti, device.id))) {
    fail(reply, 'proof-replayed');
    return undefined;
  }
  req.device = device;
  req.proofJti = jti;
  noteDevice(ctx, device.id, req.ip);
  return device;
}

const lastNoted = new Map<string, { address: string; at: number }>();
/**
 * Where and when a device was last seen, in the database: written when its address changes, else
 * at most once a minute per device (a write per request would cost a disk flush each). The database,
 * not this map, decides whether a device has been seen from two addresses within minutes (a copied
 * profile?), so servers sharing it see the same; the flag is audited once (the store tells the inbox).
 */
function noteDevice(ctx: ReceiverContext, deviceId: string, address: string, now = Date.now()): void {
  const last = lastNoted.get(deviceId);
  if (last && last.address === address && last.at > now - 60_000) return;
  lastNoted.set(deviceId, { address, at: now });
  if (lastNoted.size > 10_000) lastNoted.clear();
  void ctx.store
    .deviceSeenFrom(deviceId, address, now)
    .then((seen) => (seen.flagged ? ctx.store.onDeviceFlagged?.({ id: deviceId }, seen.addresses) : undefined))
    .catch(() => {});
}

/**
 * Forgets proof ids older than the window (they would be refused as stale anyway), and rate windows that
 * ended (every limit's window is a minute; two leave a margin for clocks that differ between instances).
 */
export function startProofSweeper(ctx: ReceiverContext): () => void {
  const t = setInterval(() => {
    void ctx.store.forgetProofsBefore(Date.now() - 2 * PROOF_WINDOW_S * 1000).catch(() => {});
    void ctx.store.forgetRateWindowsBefore(Date.now() - 2 * 60_000).catch(() => {});
  }, 60_000);
  t.unref();
  return () => clearInterval(t);
}

export function isAdmin(ctx: ReceiverContext, req: FastifyRequest): boolean {
  const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1]!);
  const b = Buffer.from(ctx.adminToken);
  return a.length === b.length && timingSafeEqual(a, b);
}
