/**
 * Wire types of multi-factor authentication (issue 23): the second-factor step of a
 * sign-in, enrolment in the account, and recovery codes.
 */

/** A second factor a user can answer with. `passkey` only where the account has one. */
export type MfaMethod = 'totp' | 'recovery-code' | 'passkey';

/**
 * The first factor passed and the account has a second factor: ask for it. No
 * session exists yet; `flow_id` is the pending sign-in (bound to this browser).
 * `methods` are what this account can answer with, most convenient first.
 */
export interface MfaStep {
  step: 'mfa';
  flow_id: string;
  methods: MfaMethod[];
  /** Wrong codes this sign-in still takes before it is dead. */
  attempts_left: number;
}

/**
 * The first factor passed, the user is a member of an organization that requires
 * MFA, and the account has no second factor: enrol an authenticator app now,
 * before any session opens. `flow_id` is the pending sign-in (bound to this
 * browser); `secret` and `uri` stay the same for it (asking again shows the same
 * key). Answer with `MfaEnrollRequest`; the `done` that follows carries the new
 * recovery codes, to be shown before the user goes on.
 */
export interface MfaEnrollStep {
  step: 'mfa-enroll';
  flow_id: string;
  /** The name of the organization that requires it, for the explanation. */
  organization: string;
  /** Base32 (RFC 4648, no padding), for typing in by hand. */
  secret: string;
  /** `otpauth://totp/…` (SHA1, 6 digits, 30 s), for the QR code. */
  uri: string;
  /** Wrong codes this sign-in still takes before it is dead. */
  attempts_left: number;
}

/** POST /v1/sign-in/mfa/enroll -> 200 Step: the app's first code confirms it. */
export interface MfaEnrollRequest {
  flow_id: string;
  /** Six digits. */
  code: string;
}

/**
 * POST /v1/sign-in/mfa -> 200 Step (`done` sets the session cookie). A wrong code
 * fails with `invalid_code` and `attempts_left`; a used or unknown recovery code
 * likewise; a TOTP code is never taken twice.
 */
export interface MfaVerifyRequest {
  flow_id: string;
  method: 'totp' | 'recovery-code';
  /** TOTP: six digits. Recovery code: as shown (`xxxxx-xxxxx`; case, spaces and dashes ignored). */
  code: string;
}

/**
 * POST /v1/sign-in/mfa/passkey/options -> 200 `PasskeyStep` for the account's own
 * passkeys; then POST /v1/sign-in/mfa/passkey with `PasskeySignInRequest` (that
 * step's `flow_id` and the assertion) -> 200 Step (`done` sets the session cookie).
 */
export interface MfaPasskeyOptionsRequest {
  /** The pending sign-in: the `mfa` step's `flow_id`. */
  flow_id: string;
}

/** An authenticator app enrolled as a second factor. */
export interface TotpFactor {
  id: string;
  type: 'totp';
  created_at: string;
  last_used_at: string | null;
}

/** GET /v1/mfa -> the signed-in user's second factors. */
export interface MfaStatus {
  /** Authenticator apps (at most one today). */
  factors: TotpFactor[];
  /** Unused recovery codes left, and when they were made (null: none made yet). */
  recovery_codes: { remaining: number; created_at: string | null };
  /** The user's passkeys count as a second factor too. */
  passkeys: number;
}

/**
 * POST /v1/mfa/totp -> 200: a new secret to put in an authenticator app. Nothing is
 * enrolled until a first code from it confirms it (`TotpConfirmRequest`).
 */
export interface TotpEnrollment {
  enrollment_id: string;
  /** Base32 (RFC 4648, no padding), for typing in by hand. */
  secret: string;
  /** `otpauth://totp/…` (SHA1, 6 digits, 30 s), for the QR code. */
  uri: string;
  expires_at: string;
}

/** POST /v1/mfa/totp/confirm -> 201 TotpConfirmation */
export interface TotpConfirmRequest {
  enrollment_id: string;
  code: string;
}

/** The factor, and recovery codes when this was the account's first second factor (shown once). */
export interface TotpConfirmation {
  factor: TotpFactor;
  recovery_codes: string[] | null;
}

/** POST /v1/mfa/recovery-codes -> 201: ten new codes; the old ones stop working. Shown once. */
export interface RecoveryCodes {
  codes: string[];
  created_at: string;
}
