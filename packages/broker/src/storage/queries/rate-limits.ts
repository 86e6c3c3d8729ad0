import type { Db } from '../storage.js';

/** Counts one hit in `key`'s window starting at `windowStart`; returns the hits so far. */
export async function hitRateLimit(db: Db, key: string, windowStart: Date): Promise<number> {
  const rows = await db.query<{ hits: number }>(
    `INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, 1)
     ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limits.hits + 1 RETURNING hits`,
    [key, windowStart],
  );
  return rows[0]!.hits;
}

export async function deleteRateLimitsBefore(db: Db, before: Date): Promise<void> {
  await db.query(`DELETE FROM rate_limits WHERE window_start < $1`, [before]);
}
