import type { SessionInfo, User } from './auth.js';

/** GET /v1/session -> 200 CurrentSession when a session cookie is live. */
export interface CurrentSession {
  user: User;
  session: SessionInfo;
}

/**
 * GET /v1/session -> always 200 (`cache-control: no-store`): `CurrentSession`
 * when signed in, `{ "user": null }` for a signed-out visitor (no cookie, or an
 * expired, revoked or unknown one). Signed out is an answer, not an error, so a
 * page load logs no failed request. Brokers before 0.2 answered 401 `unauthenticated`.
 */
export type SessionAnswer = CurrentSession | { user: null };

/**
 * POST /v1/session/token[?audience=][&org=] -> 200 SessionToken, 401 `unauthenticated`
 * without a session, 400 `invalid_request` for an audience the broker does not serve.
 * `org`: the browser tab's active organization (an id, or `personal` for none);
 * without it, the session's own (`SessionInfo.org_id`, where its first factor came
 * through). 404 `not_found` when the user is not a member of it (any more), 403
 * `org_policy_unmet` when this session does not meet its policy (see `OrgSwitchRequest`),
 * 403 `forbidden` for `personal` where the host allows none.
 */
export interface SessionToken {
  /** Compact ES256 JWT, header `typ: "lk-session+jwt"`. */
  token: string;
  /** ISO 8601, at most 5 minutes after issue. */
  expires_at: string;
}

/** The claims of a session token, as host backends see them after verification. */
export interface SessionTokenClaims {
  /** The broker's public URL. */
  iss: string;
  /**
   * The one host app the token is for: `?audience=` when asked and configured,
   * else the requesting page's origin when it is a configured audience, else the
   * broker's first `token.audiences` entry. Verifiers must check it.
   */
  aud: string;
  sub: string;
  sid: string;
  /** A random id per token (`tok_…`). */
  jti: string;
  iat: number;
  exp: number;
  /** As `SessionInfo.amr`. */
  amr: string[];
  /** As `SessionInfo.aal`: the authentication assurance level of the session (1 or 2). */
  aal: 1 | 2;
  /** The organization the token acts in: the tab's (`?org=`), else the session's (`SessionInfo.org_id`); null for a personal account. */
  org_id: string | null;
  /** The user's role in `org_id` now (read at each mint); null without one. */
  org_role: string | null;
  /** What that role allows in `org_id` (the broker's and the host's permissions); empty without one. */
  org_permissions: string[];
}

/** POST /v1/sign-out -> 204; revokes the session and clears the cookie. */
export type SignOutResponse = void;

/** GET /dev/outbox (dev mode only) -> 200 OutboxMessage[], newest first. */
export interface OutboxMessage {
  id: string;
  to: string;
  subject: string;
  text: string;
  created_at: string;
}
