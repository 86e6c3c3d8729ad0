/**
 * The claims of a verified Latchkey session token. Mirrors `SessionTokenClaims`
 * in @latchkey/client's wire types; this package depends on neither client nor broker.
 */
export interface SessionClaims {
  iss: string;
  /** The user id. */
  sub: string;
  /** The session id; revoking the session stops new tokens for it. */
  sid: string;
  iat: number;
  exp: number;
  /** RFC 8176 authentication methods: `pwd`, `otp`. */
  amr: string[];
  org_id: string | null;
  org_role: string | null;
}
