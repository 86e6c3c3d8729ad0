import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { problemResponse } from '../../http/problem.js';

/** The digest a token is kept as and compared by (`adminTokenMatches`). */
export const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1); undefined for anything else. */
export function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer +([\x21-\x7e]+) *$/i.exec(header ?? '')?.[1];
}

/**
 * Whether `presented` is the admin token, in time that does not depend on where they
 * differ or on how long `presented` is: both sides are hashed to 32 bytes first, so
 * `timingSafeEqual` always compares two equal-length digests — no early answer for a
 * missing, short or long token.
 */
export function adminTokenMatches(expectedDigest: Buffer, presented: string | undefined): boolean {
  return timingSafeEqual(sha256(presented ?? ''), expectedDigest);
}

/**
 * The admin API's only guard besides the body limit: a bearer token from the
 * configuration (`adminToken`, env LATCHKEY_ADMIN_TOKEN). No token configured: every
 * admin route answers 403 `admin_disabled` (the API is off, and says so to the operator
 * calling it). A missing or wrong token: 401 `unauthorized` with `WWW-Authenticate:
 * Bearer` (RFC 6750 §3). No Origin check and no CORS: a bearer token is not a cookie a
 * browser sends by itself, and the API is for servers.
 *
 * @example
 * app.use('*', requireAdminToken(deps.config.adminToken));
 */
export function requireAdminToken(token: string | undefined): MiddlewareHandler {
  const expected = token === undefined ? undefined : sha256(token);
  return async function requireAdminToken(c, next) {
    if (expected === undefined) return problemResponse(c, 'admin_disabled', { detail: 'Set LATCHKEY_ADMIN_TOKEN (adminToken) to turn the admin API on.' });
    const presented = bearerToken(c.req.header('authorization'));
    if (!adminTokenMatches(expected, presented)) {
      c.header('www-authenticate', presented === undefined ? 'Bearer realm="latchkey-admin"' : 'Bearer realm="latchkey-admin", error="invalid_token"');
      return problemResponse(c, 'unauthorized');
    }
    await next();
  };
}
