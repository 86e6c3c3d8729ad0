/**
 * The claims of a verified Latchkey session token.
 *
 * Mirrors `SessionTokenClaims` in @latchkey/client's wire types
 * (`packages/client/src/wire/session.ts`). It is copied, not imported, so a host
 * backend installs this package without the browser client; change both together.
 *
 * @example
 * function audit(claims: SessionClaims) {
 *   console.log(`user ${claims.sub} (session ${claims.sid}, token ${claims.jti} for ${claims.aud}) signed in with ${claims.amr.join('+')}`);
 * }
 */
export interface SessionClaims {
  /** The broker's public URL. */
  iss: string;
  /** The app the token was minted for (one of the broker's `token.audiences`); checked against `audience`. */
  aud: string;
  /** The user id. */
  sub: string;
  /** The session id; revoking the session stops new tokens for it. */
  sid: string;
  /** This token's random id: a replay cache or an audit log can key on it. */
  jti: string;
  /** Issued at, seconds since the epoch. */
  iat: number;
  /** Expires at, seconds since the epoch; at most 5 minutes after `iat`. */
  exp: number;
  /**
   * RFC 8176 authentication methods: `pwd` a password, `email` an emailed code
   * (a private value: RFC 8176 has none, and it is never `otp`, which means
   * TOTP), `otp` TOTP, `hwk`/`swk` with `user` a passkey, `fed` an identity
   * provider, `rc` a recovery code.
   */
  amr: string[];
  /**
   * Authentication assurance level (NIST SP 800-63B-4) of the session: 2 for a
   * passkey, or a password with TOTP or a recovery code; else 1. Tokens of a
   * broker from before it was minted say 1 here (the lowest, never more than was proven).
   */
  aal: 1 | 2;
  /** The organization the token acts in (the browser tab's, or the session's own), or null for a personal account. */
  org_id: string | null;
  /** The user's role in `org_id` when the token was minted, or null. */
  org_role: string | null;
  /**
   * What that role allows in `org_id` (the broker's permissions such as
   * `members:manage`, and the host's own, `resource:action`); empty without a
   * role. Tokens of a broker from before organizations had roles carry none:
   * read as empty here, so a check grants nothing it cannot see.
   */
  org_permissions: string[];
}
