import type { SessionInfo, User } from './auth.js';

/** GET /v1/session -> 200 CurrentSession, or 401 `unauthenticated`. */
export interface CurrentSession {
  user: User;
  session: SessionInfo;
}

/** POST /v1/session/token -> 200 SessionToken, or 401 `unauthenticated`. */
export interface SessionToken {
  /** Compact ES256 JWT, header `typ: "lk-session+jwt"`. */
  token: string;
  /** ISO 8601, at most 5 minutes after issue. */
  expires_at: string;
}

/** The claims of a session token, as host backends see them after verification. */
export interface SessionTokenClaims {
  iss: string;
  sub: string;
  sid: string;
  iat: number;
  exp: number;
  amr: string[];
  /** Null until organizations exist. */
  org_id: string | null;
  org_role: string | null;
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
