import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A code is stored as HMAC-SHA-256(secret, flow id + code): a leaked table
 * neither shows codes nor lets one be tried offline without the secret, and
 * binding the flow id stops a code from one flow being good for another.
 */
export function hashCode(secret: string, flowId: string, code: string): string {
  return createHmac('sha256', secret).update(`${flowId}:${code}`).digest('base64url');
}

/** Constant-time comparison of a submitted code against the stored hash. */
export function codeMatches(secret: string, flowId: string, code: string, storedHash: string | null): boolean {
  const submitted = Buffer.from(hashCode(secret, flowId, code));
  // A flow with no stored code (nothing was mailed) is compared against itself and then refused.
  const stored = Buffer.from(storedHash ?? hashCode(secret, flowId, 'none'));
  return timingSafeEqual(submitted, stored) && storedHash !== null;
}
