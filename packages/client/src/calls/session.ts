import { LatchkeyError } from '../errors.js';
import { request } from '../internal/request.js';
import type { CallOptions, Connection } from '../types.js';
import type { CurrentSession, SessionToken } from '../wire/session.js';

/**
 * Who is signed in (`GET /v1/session`, 200), or null when nobody is (401
 * `unauthenticated`). Other failures throw.
 *
 * @example
 * const current = await getSession(conn);
 * greet(current ? current.user.email : 'guest');
 */
export async function getSession(conn: Connection, options?: CallOptions): Promise<CurrentSession | null> {
  try {
    return await request<CurrentSession>(conn, { method: 'GET', path: '/v1/session' }, options);
  } catch (error) {
    if (error instanceof LatchkeyError && error.code === 'unauthenticated') return null;
    throw error;
  }
}

/**
 * Mints a short-lived token for the host backend (`POST /v1/session/token`,
 * 200; 401 `unauthenticated` without a session). Send it as
 * `Authorization: Bearer <token>`. A new token every call: prefer the session
 * store's `getToken()`, which reuses one until shortly before it expires.
 *
 * @example
 * const { token } = await getSessionToken(conn);
 * await fetch('/api/me', { headers: { authorization: `Bearer ${token}` } });
 */
export function getSessionToken(conn: Connection, options?: CallOptions): Promise<SessionToken> {
  return request(conn, { method: 'POST', path: '/v1/session/token' }, options);
}

/**
 * Revokes the session on the broker and clears its cookie (`POST /v1/sign-out`, 204).
 *
 * @example
 * await signOut(conn);
 * location.assign('/');
 */
export async function signOut(conn: Connection, options?: CallOptions): Promise<void> {
  await request(conn, { method: 'POST', path: '/v1/sign-out', noContent: true }, options);
}
