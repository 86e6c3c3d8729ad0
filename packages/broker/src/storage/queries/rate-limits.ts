import type { Db } from '../storage.js';

/** Exponential backoff between hits once `free` hits are used: base·2^(hits−free) seconds, at most `maxSeconds`. */
export interface Backoff {
  free: number;
  baseSeconds: number;
  maxSeconds: number;
}

/**
 * Takes one unit of `key`'s window, in one conditional upsert: only while the
 * window holds fewer than `limit` hits and, with a backoff, only once the wait
 * after the last hit has passed. Fifty parallel takers get at most `limit`
 * units. Returns the hits after taking, or undefined when refused.
 */
export async function takeRateLimit(db: Db, key: string, windowStart: Date, now: Date, limit: number, backoff?: Backoff): Promise<number | undefined> {
  const free = backoff?.free ?? limit;
  const rows = await db.query<{ hits: number }>(
    `INSERT INTO rate_limits (key, window_start, hits, last_hit_at) VALUES ($1, $2, 1, $3)
     ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limits.hits + 1, last_hit_at = $3
     WHERE rate_limits.hits < $4
       AND (rate_limits.hits < $5
            OR rate_limits.last_hit_at + make_interval(secs => LEAST($7::float8, $6::float8 * power(2, rate_limits.hits - $5))) <= $3)
     RETURNING hits`,
    [key, windowStart, now, limit, free, backoff?.baseSeconds ?? 0, backoff?.maxSeconds ?? 0],
  );
  return rows[0]?.hits;
}

/** Hands back a unit taken for an attempt that succeeded: only failures count. */
export async function giveBackRateLimit(db: Db, key: string, windowStart: Date): Promise<void> {
  await db.query(`UPDATE rate_limits SET hits = hits - 1 WHERE key = $1 AND window_start = $2 AND hits > 0`, [key, windowStart]);
}

/** The window's state, to tell a refused caller how long to wait. */
export async function peekRateLimit(db: Db, key: string, windowStart: Date): Promise<{ hits: number; lastHitAt: Date | null } | undefined> {
  const rows = await db.query<{ hits: number; lastHitAt: Date | null }>(
    `SELECT hits, last_hit_at AS "lastHitAt" FROM rate_limits WHERE key = $1 AND window_start = $2`,
    [key, windowStart],
  );
  return rows[0];
}

export async function deleteRateLimitsBefore(db: Db, before: Date): Promise<number> {
  const rows = await db.query<{ n: number }>(`WITH gone AS (DELETE FROM rate_limits WHERE window_start < $1 RETURNING 1) SELECT count(*)::int AS n FROM gone`, [before]);
  return rows[0]!.n;
}

/** A window's counts as the memory store holds them, to write behind or read back. */
export interface RateLimitWindow {
  key: string;
  windowStart: Date;
  windowEnd: Date;
  hits: number;
  lastHitAt: Date;
}

/**
 * Writes windows as they now stand, in one statement (an upsert from arrays):
 * each row gets the memory store's count, not an increment, so writing a window
 * twice counts nothing twice.
 */
export async function writeRateLimits(db: Db, windows: readonly RateLimitWindow[]): Promise<void> {
  if (windows.length === 0) return;
  await db.query(
    `INSERT INTO rate_limits (key, window_start, window_end, hits, last_hit_at)
     SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::int[], $5::timestamptz[])
     ON CONFLICT (key, window_start) DO UPDATE SET window_end = EXCLUDED.window_end, hits = EXCLUDED.hits, last_hit_at = EXCLUDED.last_hit_at`,
    [windows.map((w) => w.key), windows.map((w) => w.windowStart), windows.map((w) => w.windowEnd), windows.map((w) => w.hits), windows.map((w) => w.lastHitAt)],
  );
}

/** The `max` most recently hit windows still open at `now` (an ended one limits nothing), least recent first. */
export async function readLiveRateLimits(db: Db, now: Date, max: number): Promise<RateLimitWindow[]> {
  const rows = await db.query<RateLimitWindow>(
    `SELECT key, window_start AS "windowStart", window_end AS "windowEnd", hits, last_hit_at AS "lastHitAt"
     FROM rate_limits WHERE window_end > $1 AND last_hit_at IS NOT NULL ORDER BY last_hit_at DESC LIMIT $2`,
    [now, max],
  );
  return rows.reverse();
}
