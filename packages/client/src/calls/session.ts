import { LatchkeyError } from '../errors.js';
import { request } from '../internal/request.js';
import type { CallOptions, Connection } from '../types.js';
import type { CurrentSession, SessionAnswer, SessionToken } from '../wire/session.js';

/**
 * Who is signed in (`GET /v1/session`), or null when nobody is: the broker
 * answers 200 `{ "user": null }` then (an older broker's 401 `unauthenticated`
 * reads as null too). Other failures throw.
 *
 * @example
 * const current = await getSession(conn);
 * greet(current ? current.user.email : 'guest');
 */
export async function getSession(conn: Connection, options?: CallOptions): Promise<CurrentSession | null> {
  try {
    const answer = await request<SessionAnswer>(conn, { method: 'GET', path: '/v1/session' }, options);
    return answer.user === null ? null : answer;
  } catch (error) {
    if (error instanceof LatchkeyError && error.code === 'unauthenticated') return null;
    throw error;
  }
}

/** Options of `getSessionToken`. */
export interface SessionTokenOptions extends CallOptions {
  /**
   * The `aud` to mint for, one of the broker's `token.audiences` (400
   * `invalid_request` otherwise). Without it the broker mints for this page's
   * origin when that is a configured audience, else for the first one.
   */
  audience?: string;
  /**
   * The organization the token acts in (`?org=`): an id, or null for the
   * personal account; without it (undefined), the session's own. 404
   * `not_found` when the user is not a member of it, 403 `org_policy_unmet`
   * when the session does not meet its policy, 403 `forbidden` for a personal
   * account where the host allows none. The session store passes the tab's.
   */
  org?: string | null;
}

/**
 * Mints a short-lived token for the host backend (`POST /v1/session/token`,
 * 200; 401 `unauthenticated` without a session). Send it as
 * `Authorization: Bearer <token>`. A new token every call: prefer the session
 * store's `getToken()`, which reuses one until shortly before it expires and
 * asks for the tab's organization.
 *
 * @example
 * const { token } = await getSessionToken(conn);
 * await fetch('/api/me', { headers: { authorization: `Bearer ${token}` } });
 * // For an API that is not this page's origin (listed in the broker's token.audiences):
 * const forApi = await getSessionToken(conn, { audience: 'https://api.example.com' });
 * // Acting in an organization:
 * const inAcme = await getSessionToken(conn, { org: 'org_acme' });
 */
export function getSessionToken(conn: Connection, options?: SessionTokenOptions): Promise<SessionToken> {
  const params: string[] = [];
  if (options?.audience !== undefined) params.push(`audience=${encodeURIComponent(options.audience)}`);
  if (options?.org !== undefined) params.push(`org=${options.org === null ? 'personal' : encodeURIComponent(options.org)}`);
  const query = params.length > 0 ? `?${params.join('&')}` : '';
  return request(conn, { method: 'POST', path: `/v1/session/token${query}` }, options);
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
