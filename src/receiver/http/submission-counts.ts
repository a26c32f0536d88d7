// This instance's count of the submissions it answered, and of those it
// refused by the catalogue's code, for the figures (/metrics). Kept in memory:
// each instance is scraped on its own and Prometheus adds them up (sum by
// code); what must be true across instances (what is stored, reviewed,
// waiting) is read from the database when scraped instead.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { BatchItemResult } from '../../contract/batch.ts';

export class SubmissionCounts {
  /** Submissions answered (a single POST is one, every item of a batch one; a batch refused whole, one). */
  received = 0;
  /** Refusals by code (the catalogue's codes only: no ids, nothing from the request). */
  readonly refused = new Map<string, number>();

  private refuse(code: string, n = 1): void {
    this.refused.set(code, (this.refused.get(code) ?? 0) + n);
  }

  /** Counts a request to a submission route once it is answered. */
  answered(req: FastifyRequest, reply: FastifyReply): void {
    if (req.method !== 'POST') return;
    const items = req.batchResults;
    if (items) {
      this.received += items.length;
      for (const r of items) if (r.status >= 400) this.refuse(r.error?.code ?? 'unknown');
      return;
    }
    this.received++;
    if (reply.statusCode >= 400)
      this.refuse(reply.problemCode ?? (reply.statusCode === 429 ? 'rate-limited' : 'other'));
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** A batch's answers item by item, for the counts. */
    batchResults?: BatchItemResult[];
  }
}
