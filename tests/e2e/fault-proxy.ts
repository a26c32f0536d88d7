// A fault-injecting HTTP proxy on loopback, in front of the app + endpoint.
// Page and asset requests pass straight through; POSTs to /api/ meet the
// configured faults, chosen by a seeded random so a run can be repeated.
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = 'pass' | 'drop-before' | 'error-500' | 'reset-after-store' | 'duplicate' | 'hang';

export interface FaultProxy {
  origin: string;
  /** 'down': every API request is refused; 'faults': drawn from `weights`; 'pass': none. */
  mode: 'pass' | 'down' | 'faults';
  weights: Partial<Record<Fault, number>>;
  /** At most this many 'hang' faults (each costs the client its full timeout). */
  maxHangs: number;
  counts: Record<Fault | 'down' | 'requests', number>;
  close(): Promise<void>;
}

/** Mulberry32: small, seedable, good enough to pick faults. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function forward(
  upstream: string,
  req: IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((ok, fail) => {
    const u = new URL(req.url ?? '/', upstream);
    const r = request(
      u,
      { method: req.method, headers: { ...req.headers, host: u.host, 'x-forwarded-host': req.headers.host ?? '' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => ok({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', fail);
      },
    );
    r.on('error', fail);
    r.end(body);
  });
}

export async function startFaultProxy(upstream: string, seed = 1): Promise<FaultProxy> {
  const random = seeded(seed);
  const proxy: FaultProxy = {
    origin: '',
    mode: 'pass',
    weights: {},
    maxHangs: 2,
    counts: {
      requests: 0,
      down: 0,
      pass: 0,
      'drop-before': 0,
      'error-500': 0,
      'reset-after-store': 0,
      duplicate: 0,
      hang: 0,
    },
    close: async () => {},
  };
  const hanging = new Set<ServerResponse>();

  const pick = (): Fault => {
    const entries = Object.entries(proxy.weights) as [Fault, number][];
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let x = random() * total;
    for (const [f, w] of entries) {
      if ((x -= w) < 0) return f === 'hang' && proxy.counts.hang >= proxy.maxHangs ? 'pass' : f;
    }
    return 'pass';
  };

  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const api = req.method === 'POST' && (req.url ?? '').startsWith('/api/');
    let fault: Fault | 'down' = 'pass';
    if (api) {
      proxy.counts.requests++;
      fault = proxy.mode === 'down' ? 'down' : proxy.mode === 'faults' ? pick() : 'pass';
      proxy.counts[fault]++;
    }
    try {
      if (fault === 'down' || fault === 'drop-before') return void res.socket?.destroy();
      if (fault === 'error-500') {
        res
          .writeHead(500, { 'Content-Type': 'application/json' })
          .end('{"error":{"code":"proxy","message":"injected 500"}}');
        return;
      }
      const first = await forward(upstream, req, body);
      if (fault === 'reset-after-store') return void res.socket?.destroy();
      if (fault === 'hang') {
        hanging.add(res); // stored upstream; the client hears nothing until its own timeout
        return;
      }
      const answer = fault === 'duplicate' ? await forward(upstream, req, body) : first;
      const headers = Object.fromEntries(
        Object.entries(answer.headers).filter(([k]) => !['transfer-encoding', 'connection', 'keep-alive'].includes(k)),
      );
      res.writeHead(answer.status, headers as Record<string, string>).end(answer.body);
    } catch {
      res.socket?.destroy();
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  proxy.origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise((ok) => {
      for (const r of hanging) r.socket?.destroy();
      server.closeAllConnections();
      server.close(() => ok());
    });
  return proxy;
}
