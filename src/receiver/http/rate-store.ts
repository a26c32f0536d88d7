// The request counter of @fastify/rate-limit, kept in the database instead of
// each process's memory, so every instance sharing the database counts the
// same requests (issue 24). One row per route and key in rate_windows,
// counted by one statement (ReceiverStore.takeAllowance); a window opens at a
// key's first request after the last one ended.
import type { ReceiverStore } from '../store/receiver-store.ts';

interface RouteParams {
  routeInfo?: { method?: string | string[]; url?: string };
}

type Incr = (error: Error | null, result?: { current: number; ttl: number }) => void;

/** A store class for the plugin's `store` option, bound to this database. */
export function databaseRateStore(store: ReceiverStore) {
  return class DatabaseRateStore {
    constructor(
      _params?: unknown,
      private readonly route = 'any',
    ) {}

    incr(key: string, done: Incr, timeWindow: number, max: number): void {
      // Counted up to max + 1: a refused request needs no more than "over".
      store.takeAllowance(`${this.route}:${key}`, 1, max + 1, timeWindow).then(
        ({ used, resetsInMs }) => done(null, { current: used, ttl: Math.max(1, resetsInMs) }),
        (e: unknown) => done(e instanceof Error ? e : new Error('The rate-limit count could not be read.')),
      );
    }

    // The plugin hands a child the route's merged limit settings, with the route under `routeInfo`.
    child(params: unknown): DatabaseRateStore {
      const { method, url } = (params as RouteParams).routeInfo ?? {};
      return new DatabaseRateStore(undefined, `${[method ?? ''].flat().join(',')} ${url ?? ''}`.trim());
    }
  };
}
