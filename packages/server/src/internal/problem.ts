import { TokenError } from '../errors.js';

/**
 * The RFC 9457 answer to a refused request, shared by the Hono and Node helpers,
 * in the broker's problem shape. A missing or bad token is 401 with
 * `WWW-Authenticate` (RFC 6750 §3). Keys that could not be fetched are a 503:
 * the token may be fine, and a 401 would make host apps sign users out
 * whenever the broker is briefly down.
 */
export function refusal(error: unknown): { status: 401 | 503; headers: Record<string, string>; body: Record<string, unknown> } {
  if (error instanceof TokenError && error.code === 'jwks_unavailable') {
    return {
      status: 503,
      headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', 'retry-after': '30' },
      body: { type: 'urn:latchkey:problem:jwks_unavailable', code: 'jwks_unavailable', title: 'Sign-in cannot be checked right now', status: 503 },
    };
  }
  return {
    status: 401,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', 'www-authenticate': 'Bearer error="invalid_token"' },
    body: { type: 'urn:latchkey:problem:unauthenticated', code: 'unauthenticated', title: 'Not signed in', status: 401 },
  };
}
