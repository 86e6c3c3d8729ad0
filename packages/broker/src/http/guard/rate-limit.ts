import type { Context, MiddlewareHandler } from 'hono';
import { deleteRateLimitsBefore, giveBackRateLimit, peekRateLimit, takeRateLimit, type Backoff } from '../../storage/queries/index.js';
import type { Db } from '../../storage/storage.js';
import { ProblemError } from '../problem.js';

/** A budget: `limit` units per fixed window, optionally with backoff between units. */
export interface RateWindow {
  limit: number;
  windowSeconds: number;
  backoff?: Backoff;
}

/** A unit taken from a budget; give it back when the attempt it paid for succeeded. */
export interface RateTicket {
  giveBack(): Promise<void>;
}

/**
 * Where budgets are counted. Every instance must see the same counts, so on
 * PostgreSQL they live in the database; PGlite, one process by construction,
 * counts them in memory and writes them behind to its table
 * (`memoryRateLimitStore`, owned by the PGlite storage). Another store (Redis)
 * can replace either without touching a route.
 */
export interface RateLimitStore {
  /** Takes one unit of `key`'s budget atomically; refused with the seconds to wait. */
  take(key: string, window: RateWindow, now: Date): Promise<{ ok: true; ticket: RateTicket } | { ok: false; retryAfterSeconds: number }>;
  /** Forgets windows that started before `before`. */
  sweep(before: Date): Promise<number>;
}

/** The fixed window `now` falls in: windows start at whole multiples of their length. */
export const windowStartOf = (now: Date, window: RateWindow) => {
  const ms = window.windowSeconds * 1000;
  return new Date(Math.floor(now.getTime() / ms) * ms);
};

/** The wait after the `hits`-th hit before the next unit, in ms: base·2^(hits−free) seconds, at most `maxSeconds` (as `takeRateLimit`'s SQL). */
export const backoffMs = ({ free, baseSeconds, maxSeconds }: Backoff, hits: number) => Math.min(maxSeconds, baseSeconds * 2 ** (hits - free)) * 1000;

/**
 * Seconds a refused taker waits: to the window's end, or sooner when only the
 * backoff after the last hit refused it (units left in the window). At least 1.
 */
export function retryAfterSeconds(window: RateWindow, windowStart: Date, now: Date, seen: { hits: number; lastHitAt: Date | null } | undefined): number {
  const windowEnd = windowStart.getTime() + window.windowSeconds * 1000;
  let until = windowEnd;
  if (window.backoff && seen && seen.hits < window.limit && seen.lastHitAt) {
    until = Math.min(windowEnd, seen.lastHitAt.getTime() + backoffMs(window.backoff, seen.hits));
  }
  return Math.max(1, Math.ceil((until - now.getTime()) / 1000));
}

/**
 * The database store: one conditional upsert per take, so fifty parallel
 * attempts get at most `limit` units on PostgreSQL as on PGlite.
 *
 * @example
 * const store = databaseRateLimitStore(storage);
 * const taken = await store.take(`ip:${ip}`, { limit: 300, windowSeconds: 60 }, new Date());
 */
export function databaseRateLimitStore(db: Db): RateLimitStore {
  return {
    async take(key, window, now) {
      const windowStart = windowStartOf(now, window);
      const hits = await takeRateLimit(db, key, windowStart, now, window.limit, window.backoff);
      if (hits !== undefined) return { ok: true, ticket: { giveBack: () => giveBackRateLimit(db, key, windowStart) } };
      return { ok: false, retryAfterSeconds: retryAfterSeconds(window, windowStart, now, await peekRateLimit(db, key, windowStart)) };
    },
    sweep: (before) => deleteRateLimitsBefore(db, before),
  };
}

/**
 * Takes a unit or refuses the request with 429 and `Retry-After`. The refusal
 * names its budget (the key's prefix: `ip`, `pwd`, `code`, `mail`, `cb`…, never
 * the address or email after it), which the request's metrics count
 * (`latchkey_rate_limit_refusals_total`, see ops/observe.ts); the answer does not show it.
 */
export async function takeOrRefuse(store: RateLimitStore, key: string, window: RateWindow, now: Date): Promise<RateTicket> {
  const taken = await store.take(key, window, now);
  if (!taken.ok) throw new ProblemError('rate_limited', { retryAfterSeconds: taken.retryAfterSeconds, budget: key.slice(0, Math.max(0, key.indexOf(':'))) || 'other' });
  return taken.ticket;
}

let warnedUnknownKey = false;

/**
 * A rate-limit middleware for one route group. `key` names the bucket of a
 * request; a request it cannot key (no known client address) is not counted
 * in a bucket shared with strangers — the per-account budgets still hold — and
 * the operator is told once.
 *
 * @example
 * app.use('/v1/sign-in/*', rateLimit({ key: (c) => clientIp(c, hops), prefix: 'ip', window: { limit: 300, windowSeconds: 60 }, store, clock }));
 */
export function rateLimit(options: {
  key: (c: Context) => string | undefined;
  prefix: string;
  window: RateWindow;
  store: RateLimitStore;
  clock: () => Date;
  /** Count GET and HEAD too: a redirect callback does its work on a top-level GET. */
  countSafeMethods?: boolean;
}): MiddlewareHandler {
  return async function rateLimit(c, next) {
    if (c.req.method !== 'OPTIONS' && (options.countSafeMethods || (c.req.method !== 'GET' && c.req.method !== 'HEAD'))) {
      const key = options.key(c);
      if (key === undefined) {
        if (!warnedUnknownKey) console.warn(`[latchkey] rate limit ${options.prefix}: the client address is unknown, so per-address limits do not apply (behind a proxy? set trusted proxies)`);
        warnedUnknownKey = true;
      } else {
        await takeOrRefuse(options.store, `${options.prefix}:${key}`, options.window, options.clock());
      }
    }
    await next();
  };
}
