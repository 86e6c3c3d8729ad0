import type { Context, MiddlewareHandler } from 'hono';
import type { Deps } from '../../deps.js';
import { deleteRateLimitsBefore, hitRateLimit } from '../../storage/queries/index.js';
import { ProblemError } from '../problem.js';
import { clientIp } from './client-ip.js';

export interface RateWindow {
  limit: number;
  windowSeconds: number;
}

/**
 * Counts one hit for `key` in the current fixed window, in the database so all
 * instances share it, and refuses past the limit with 429 and Retry-After.
 */
export async function consumeRateLimit(deps: Deps, key: string, window: RateWindow): Promise<void> {
  const now = deps.clock().getTime();
  const windowMs = window.windowSeconds * 1000;
  const windowStart = Math.floor(now / windowMs) * windowMs;
  const hits = await hitRateLimit(deps.storage, key, new Date(windowStart));
  // Old windows are swept now and then by whoever happens to be counting.
  if (hits === 1 && Math.random() < 0.01) await deleteRateLimitsBefore(deps.storage, new Date(now - 86_400_000));
  if (hits > window.limit) {
    const retryAfter = Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000));
    throw new ProblemError('rate_limited', { headers: { 'retry-after': String(retryAfter) } });
  }
}

/** Per-account limit for password attempts and mailed codes (key: the normalized email). */
export const limitAccount = (deps: Deps, email: string) => consumeRateLimit(deps, `account:${email}`, deps.config.rateLimits.perAccount);

/** Per-IP limit on every unsafe request. */
export function rateLimitPerIp(deps: Deps): MiddlewareHandler {
  return async function rateLimit(c: Context, next) {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && c.req.method !== 'OPTIONS') {
      await consumeRateLimit(deps, `ip:${clientIp(c, deps.config.trustProxy)}`, deps.config.rateLimits.perIp);
    }
    await next();
  };
}
