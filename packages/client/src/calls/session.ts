import { request } from '../connection.js';
import { LatchkeyError } from '../errors.js';
import type { CallOptions, Connection } from '../types.js';
import type { CurrentSession, SessionToken } from '../wire/session.js';

/**
 * Who is signed in, or null when nobody is.
 *
 * @example
 * const current = await getSession(conn);
 */
export async function getSession(conn: Connection, options?: CallOptions): Promise<CurrentSession | null> {
  try {
    return await request<CurrentSession>(conn, 'GET', '/v1/session', undefined, options);
  } catch (error) {
    if (error instanceof LatchkeyError && error.code === 'unauthenticated') return null;
    throw error;
  }
}

/**
 * A short-lived token for the host backend (`Authorization: Bearer …`).
 *
 * @example
 * const { token } = await getSessionToken(conn);
 */
export const getSessionToken = (conn: Connection, options?: CallOptions) =>
  request<SessionToken>(conn, 'POST', '/v1/session/token', {}, options);

/**
 * Revokes the session on the broker and clears its cookie.
 *
 * @example
 * await signOut(conn);
 */
export const signOut = (conn: Connection, options?: CallOptions) =>
  request<void>(conn, 'POST', '/v1/sign-out', {}, options);
