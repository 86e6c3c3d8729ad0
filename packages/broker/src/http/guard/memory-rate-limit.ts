import { backoffMs, retryAfterSeconds, windowStartOf, type RateLimitStore } from './rate-limit.js';

interface Counted {
  hits: number;
  lastHitAt: number;
  windowStart: number;
  windowEnd: number;
}

/** A store in memory, with how many windows it holds (for tests and metrics). */
export interface MemoryRateLimitStore extends RateLimitStore {
  readonly size: number;
}

/** Windows held at most by default: ~40 MB with long keys (measured: ~380 bytes a window). */
export const DEFAULT_MAX_WINDOWS = 100_000;

/**
 * Budgets counted in this process's memory, with the database store's
 * semantics: the same fixed windows, limits and backoff, the same `Retry-After`
 * answers, a unit given back only within its window, `sweep` forgetting windows
 * that started before a time. A take reads and writes its window with no await
 * in between, so fifty parallel takers get exactly `limit` units.
 *
 * Only for a store no other instance shares (PGlite: an embedded database in
 * the broker's own process); several instances on PostgreSQL must keep the
 * database store, or each would grant its own budget.
 *
 * Memory is bounded by `maxWindows` (one window per key and window start).
 * A new window at the cap first makes room from windows that have ended
 * (dropped in one pass, at most once every `maxWindows / 10` new windows, so a
 * full store of live windows costs no scan per request); if none has, the
 * least recently taken window is evicted. The store never refuses to count
 * and never lets a request through uncounted: at worst, a flood of new keys
 * (at least `maxWindows` live windows between two attempts of the same key,
 * which each address's own budget makes costly) forgets the quietest budgets
 * early. A key being hammered is taken again and again, so it stays among the
 * most recent and is evicted last.
 *
 * @example
 * const store = memoryRateLimitStore();
 * const taken = await store.take(`ip:${ip}`, { limit: 300, windowSeconds: 60 }, new Date());
 */
export function memoryRateLimitStore(options: { maxWindows?: number } = {}): MemoryRateLimitStore {
  const maxWindows = options.maxWindows ?? DEFAULT_MAX_WINDOWS;
  if (!Number.isInteger(maxWindows) || maxWindows < 1) throw new RangeError('memoryRateLimitStore: maxWindows must be a positive integer');
  // Iteration order is least recently taken first: a take moves its window to the end.
  const windows = new Map<string, Counted>();
  let newSinceScan = Infinity;

  function makeRoom(now: number) {
    if (windows.size < maxWindows) return;
    if (newSinceScan >= maxWindows / 10) {
      newSinceScan = 0;
      for (const [id, counted] of windows) if (counted.windowEnd <= now) windows.delete(id);
    }
    while (windows.size >= maxWindows) windows.delete(windows.keys().next().value!);
  }

  return {
    get size() {
      return windows.size;
    },
    async take(key, window, now) {
      const windowStart = windowStartOf(now, window);
      const id = `${windowStart.getTime()}|${key}`;
      const at = now.getTime();
      let counted = windows.get(id);
      if (counted) {
        windows.delete(id);
        windows.set(id, counted);
        // The database store's condition: units left, and past the free ones only once the backoff has passed.
        const { backoff } = window;
        const free = backoff?.free ?? window.limit;
        const waited = backoff !== undefined && counted.lastHitAt + backoffMs(backoff, counted.hits) <= at;
        if (!(counted.hits < window.limit && (counted.hits < free || waited))) {
          return { ok: false, retryAfterSeconds: retryAfterSeconds(window, windowStart, now, { hits: counted.hits, lastHitAt: new Date(counted.lastHitAt) }) };
        }
        counted.hits++;
        counted.lastHitAt = at;
      } else {
        makeRoom(at);
        newSinceScan++;
        counted = { hits: 1, lastHitAt: at, windowStart: windowStart.getTime(), windowEnd: windowStart.getTime() + window.windowSeconds * 1000 };
        windows.set(id, counted);
      }
      return {
        ok: true,
        ticket: {
          async giveBack() {
            const current = windows.get(id);
            if (current && current.hits > 0) current.hits--;
          },
        },
      };
    },
    async sweep(before) {
      let swept = 0;
      for (const [id, counted] of windows) {
        if (counted.windowStart < before.getTime()) {
          windows.delete(id);
          swept++;
        }
      }
      return swept;
    },
  };
}
