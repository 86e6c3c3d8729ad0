/**
 * Wire types of the account page's own settings (issue 23 §5): the signed-in
 * user's sessions, password and email address. Every route takes the session
 * cookie; the password and the email change need a recent authentication
 * (403 `reauthentication_required` otherwise).
 */

/** One live session of the signed-in user (not revoked, not expired). */
export interface ActiveSession {
  id: string;
  created_at: string;
  /** When the session was last used, to within five minutes (the broker writes it at most that often). */
  last_seen_at: string;
  expires_at: string;
  /** The client address the session was opened from, or null when unknown. */
  ip: string | null;
  /** The browser, from a fixed list ("Chrome", "Firefox", "Safari"…), or null when the User-Agent names none. */
  browser: string | null;
  /** The device's operating system, from a fixed list ("macOS", "iOS", "Windows"…), or null. */
  device: string | null;
  /** How it was made (RFC 8176 `amr`, as the session token carries it). */
  amr: string[];
  /** The session of this very request. */
  current: boolean;
}

/** GET /v1/sessions -> 200, the current session first, then the most recently used. */
export interface ActiveSessionList {
  sessions: ActiveSession[];
}

/** POST /v1/sessions/revoke-others -> 200: every session but the current one is signed out. */
export interface RevokedSessions {
  revoked: number;
}

/** GET /v1/password -> 200 */
export interface PasswordStatus {
  /** False for an account made with a passkey or a provider: "Set a password" rather than "Change password". */
  has_password: boolean;
}

/**
 * POST /v1/password -> 200 PasswordChanged; 400 `weak_password` (with the reason at
 * `password`), 403 `reauthentication_required`, 403 `sso_required` (the address's
 * organization signs it in). The user's other sessions are signed out, and the
 * address is mailed a notice.
 */
export interface PasswordChangeRequest {
  password: string;
}

export interface PasswordChanged {
  /** The account had a password before (changed), or not (set). */
  replaced: boolean;
  /** Other sessions signed out. */
  revoked_sessions: number;
}

/**
 * POST /v1/email -> 202 EmailCodeStep (purpose `email-change`): a code is mailed to
 * the new address. The answer is the same whether or not the address belongs to
 * another account (whose owner is told instead, and whose code never comes).
 * 403 `sso_required`: the new address is at a domain whose organization requires
 * its single sign-on (`errors[0].path` is `email`), or the current one is (the
 * organization manages the address).
 */
export interface EmailChangeRequest {
  email: string;
}

/** POST /v1/email/verify -> 200 `User` with the new address; the old address is mailed a notice. */
export interface EmailChangeVerifyRequest {
  flow_id: string;
  code: string;
}
