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
