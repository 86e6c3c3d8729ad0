import { deleteRateLimitsBefore, readLiveRateLimits, writeRateLimits, type RateLimitWindow } from '../../storage/queries/index.js';
import type { Db } from '../../storage/storage.js';
import { backoffMs, retryAfterSeconds, windowStartOf, type RateLimitStore } from './rate-limit.js';

interface Counted {
  key: string;
  hits: number;
  lastHitAt: number;
  windowStart: number;
  windowEnd: number;
}

/** A store in memory, with how many windows it holds (for tests and metrics). */
export interface MemoryRateLimitStore extends RateLimitStore {
  readonly size: number;
  /** Writes the windows changed since the last write to the database now (nothing without `writeBehind`). */
  flush(): Promise<void>;
  /** Stops the timer and writes what is left; call before the database closes. */
  close(): Promise<void>;
}

/** Windows held at most by default: ~40 MB with long keys (measured: ~380 bytes a window). */
export const DEFAULT_MAX_WINDOWS = 100_000;

/** How often changed windows are written behind by default: what a crash may forget. */
export const DEFAULT_FLUSH_INTERVAL_MS = 1000;

/** Windows per write-behind statement, so one flush never holds the database for long. */
const FLUSH_BATCH = 5000;

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
 * With `writeBehind`, budgets survive a restart without a statement per take:
 * changed windows are written to the `rate_limits` table at most
 * `flushIntervalMs` after they change (one upsert per batch, of each window's
 * count as it stands, so a window written twice counts nothing twice and a hit
 * taken during a write is written by the next), and on `close`. The first take
 * waits for the windows that have not ended at its time to be read back. A
 * crash forgets at most the last `flushIntervalMs` of hits.
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
 * const store = memoryRateLimitStore({ writeBehind: { db: storage } });
 * const taken = await store.take(`ip:${ip}`, { limit: 300, windowSeconds: 60 }, new Date());
 * await store.close(); // before storage.close()
 */
export function memoryRateLimitStore(options: { maxWindows?: number; writeBehind?: { db: Db; flushIntervalMs?: number } } = {}): MemoryRateLimitStore {
  const maxWindows = options.maxWindows ?? DEFAULT_MAX_WINDOWS;
  if (!Number.isInteger(maxWindows) || maxWindows < 1) throw new RangeError('memoryRateLimitStore: maxWindows must be a positive integer');
  // Iteration order is least recently taken first: a take moves its window to the end.
  const windows = new Map<string, Counted>();
  let newSinceScan = Infinity;
  const writer = options.writeBehind && writeBehind(options.writeBehind.db, options.writeBehind.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS);
  let restored = !writer;
  let restoring: Promise<void> | undefined;

  function makeRoom(now: number) {
    if (windows.size < maxWindows) return;
    if (newSinceScan >= maxWindows / 10) {
      newSinceScan = 0;
      for (const [id, counted] of windows) if (counted.windowEnd <= now) windows.delete(id);
    }
    while (windows.size >= maxWindows) windows.delete(windows.keys().next().value!);
  }

  /** Reads back the windows still open at `now`, once, before the first take counts. */
  async function restore(db: Db, now: Date) {
    for (const row of await readLiveRateLimits(db, now, maxWindows)) {
      const id = `${row.windowStart.getTime()}|${row.key}`;
      if (windows.has(id)) continue;
      const counted = { key: row.key, hits: row.hits, lastHitAt: row.lastHitAt.getTime(), windowStart: row.windowStart.getTime(), windowEnd: row.windowEnd.getTime() };
      windows.set(id, counted);
    }
    restored = true;
  }

  return {
    get size() {
      return windows.size;
    },
    async take(key, window, now) {
      if (!restored) await (restoring ??= restore(writer!.db, now).finally(() => (restoring = undefined)));
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
        counted = { key, hits: 1, lastHitAt: at, windowStart: windowStart.getTime(), windowEnd: windowStart.getTime() + window.windowSeconds * 1000 };
        windows.set(id, counted);
      }
      writer?.changed(id, counted);
      return {
        ok: true,
        ticket: {
          async giveBack() {
            const current = windows.get(id);
            if (current && current.hits > 0) {
              current.hits--;
              writer?.changed(id, current);
            }
          },
        },
      };
    },
    async sweep(before) {
      let swept = 0;
      for (const [id, counted] of windows) {
        if (counted.windowStart < before.getTime()) {
          windows.delete(id);
          writer?.forget(id);
          swept++;
        }
      }
      return Math.max(swept, (await writer?.sweep(before)) ?? 0);
    },
    flush: async () => writer?.flush(),
    close: async () => writer?.close(),
  };
}

/**
 * The write-behind half of the memory store: which windows changed since
 * they were last written, a timer (not keeping the process alive) that writes
 * them `intervalMs` after the first change, and one queue so writes and
 * deletes reach the database in the order they were asked for.
 */
function writeBehind(db: Db, intervalMs: number) {
  // The window objects themselves: a write takes their counts as they are when it runs,
  // and a window evicted from memory before its write is still written.
  const changed = new Map<string, Counted>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let queue: Promise<unknown> = Promise.resolve();

  const inOrder = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work);
    queue = run.catch(() => {});
    return run;
  };

  function schedule() {
    if (timer || closed || changed.size === 0) return;
    timer = setTimeout(() => {
      timer = undefined;
      flush().catch((error: unknown) => console.error(`[latchkey] writing rate limits behind failed, retrying: ${error instanceof Error ? error.name : 'error'}`));
    }, intervalMs);
    timer.unref();
  }

  const flush = () =>
    inOrder(async () => {
      // Taken in one synchronous step: a hit after this point marks its window again.
      const batch = [...changed];
      changed.clear();
      for (let from = 0; from < batch.length; from += FLUSH_BATCH) {
        const part = batch.slice(from, from + FLUSH_BATCH);
        const rows: RateLimitWindow[] = part.map(([, c]) => ({
          key: c.key,
          windowStart: new Date(c.windowStart),
          windowEnd: new Date(c.windowEnd),
          hits: c.hits,
          lastHitAt: new Date(c.lastHitAt),
        }));
        try {
          await writeRateLimits(db, rows);
        } catch (error) {
          // Not written: mark them again (a newer change already marked keeps its place).
          for (const [id, counted] of batch.slice(from)) if (!changed.has(id)) changed.set(id, counted);
          schedule();
          throw error;
        }
      }
    });

  return {
    db,
    changed(id: string, counted: Counted) {
      changed.set(id, counted);
      schedule();
    },
    forget(id: string) {
      changed.delete(id);
    },
    sweep: (before: Date) => inOrder(() => deleteRateLimitsBefore(db, before)),
    flush,
    async close() {
      closed = true;
      clearTimeout(timer);
      timer = undefined;
      await flush();
    },
  };
}
