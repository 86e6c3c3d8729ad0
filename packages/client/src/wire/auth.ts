import type { IdpErrorStep, SsoRedirectStep } from './federation.js';
import type { MfaEnrollStep, MfaStep } from './mfa.js';
import type { PasskeyRegistrationStep, PasskeyReview, PasskeyStep } from './passkeys.js';

/**
 * Wire types of sign-up, sign-in, email codes and password reset.
 * JSON bodies use snake_case. Every flow answers with the next `Step`.
 */

/**
 * The version of the step protocol below. A new step variant is a compatible
 * change (clients show `unsupported_step` for a variant they do not know); a
 * change to an existing variant's meaning bumps this and the `/v1` path prefix.
 */
export const STEP_PROTOCOL_VERSION = 1;

/**
 * How a user can prove who they are after giving their email. Chosen by the
 * broker's configuration (and, later, by the email's domain for SSO), never by
 * whether the account exists. `passkey` is a discoverable-credential sign-in
 * (no email needed); `sso` joins when that module lands.
 */
export type SignInMethod = 'password' | 'email-code' | 'passkey';

/**
 * The names of every step a flow can be in. The broker sends all but
 * `identifier` (the element's own first step).
 */
export type StepName = Step['step'];

/** Why an email code was sent (`step-up`: a signed-in user proving themself again, see step-up.ts; `email-change`: a new address of the account, see account.ts). */
export type EmailCodePurpose = 'sign-up' | 'sign-in' | 'password-reset' | 'step-up' | 'email-change';

/** Ask for the email address (the first step; never sent by the broker). */
export interface IdentifierStep {
  step: 'identifier';
}

/**
 * Ask for the password for `email`. The same answer for every address, so it
 * never tells whether an account exists; `methods` lists what else the user
 * may choose instead (e.g. `email-code`).
 */
export interface PasswordStep {
  step: 'password';
  email: string;
  methods: SignInMethod[];
  /** Set after a successful password reset, so the UI can say so. */
  notice?: 'password-reset';
  /**
   * After a password reset of an account that has passkeys (and only then):
   * its passkeys, and the handle to remove any of them in the same step
   * (`removePasskeysAfterReset`). Absent for an account without passkeys, so
   * that answer is exactly what it was before.
   */
  review?: PasskeyReview;
}

/** A 6-digit code was mailed (if an account/sign-up warrants it); ask for it. */
export interface EmailCodeStep {
  step: 'email-code';
  flow_id: string;
  email: string;
  purpose: EmailCodePurpose;
  /** The ways this address may sign in, as in the password step (sign-in flows; empty for sign-up and reset). */
  methods: SignInMethod[];
  /** ISO 8601; the code is refused after this. */
  expires_at: string;
  /** ISO 8601; before this, resending is refused with `rate_limited`. */
  resend_after: string;
  /** Wrong codes this flow still takes before it is dead. */
  attempts_left: number;
}

/** Signed in: the session cookie is set. Only ever sent once the broker has nothing more to ask. */
export interface DoneStep {
  step: 'done';
  user: User;
  session: SessionInfo;
  /** The allowlisted URL the host asked to return to, if any. */
  return_to: string | null;
  /**
   * After enrolment during sign-in (`mfa-enroll`) only: the account's new recovery
   * codes, shown this once. Show them, and let the user go on, before leaving the page.
   */
  recovery_codes?: string[];
}

/**
 * The closed union the broker answers every sign-in, sign-up and reset call
 * with. Switch on `step`; the element renders whatever comes back.
 */
export type Step = IdentifierStep | PasswordStep | EmailCodeStep | PasskeyStep | PasskeyRegistrationStep | SsoRedirectStep | IdpErrorStep | MfaStep | MfaEnrollStep | DoneStep;

/** Every step name the broker may send in this protocol version (for clients that check answers). */
export const BROKER_STEPS = ['password', 'email-code', 'passkey', 'passkey-registration', 'sso-redirect', 'idp-error', 'mfa', 'mfa-enroll', 'done'] as const satisfies readonly Exclude<StepName, 'identifier'>[];

/** A user as the broker shows it to the user themself. */
export interface User {
  id: string;
  email: string;
  email_verified: boolean;
  name: string | null;
  created_at: string;
}

/**
 * One factor a session was made with, in the order proven. `method`: `pwd` a
 * password; `email_code` a mailed code; `otp` a TOTP code; `passkey`;
 * `oauth` a social provider (`provider`); `oidc` or `saml` an enterprise
 * connection (`connection`, `org`) or an OIDC social preset (`provider`);
 * `recovery_code` a single-use recovery code.
 */
export interface SessionFactor {
  method: 'pwd' | 'email_code' | 'otp' | 'passkey' | 'oauth' | 'oidc' | 'saml' | 'recovery_code';
  /** When the broker verified it (ISO 8601). */
  at: string;
  /** The social provider it came through. */
  provider?: string;
  /** The enterprise connection it came through. */
  connection?: string;
  /** The organization it came through. */
  org?: string;
  /** Passkeys: synced (multi-device, amr `swk`) rather than bound to one device (`hwk`). */
  synced?: boolean;
  /**
   * `oidc`/`saml` only: the IdP asserted its own MFA (`amr`/`acr`, or SAML
   * `AuthnContextClassRef`) with a value the connection is set to trust
   * (`trust_idp_mfa`); the factor then counts as two, and `amr` says `mfa`.
   */
  idp_mfa?: boolean;
}

/** The current session, without its secret. */
export interface SessionInfo {
  /** Public session id; the `sid` claim of session tokens. */
  id: string;
  /**
   * RFC 8176 methods, derived from `factors`: `pwd` a password, `email` a mailed
   * code (not registered in RFC 8176; never `otp`, which is TOTP's), `otp` TOTP,
   * `hwk` (device-bound) or `swk` (synced) with `user` a passkey, `fed` an
   * identity provider, `rc` a recovery code.
   */
  amr: string[];
  /** What the session was made with (see `SessionFactor`). */
  factors: SessionFactor[];
  /**
   * Authentication assurance level (NIST SP 800-63B-4) derived from `factors`:
   * 2 for a passkey, or a password with TOTP or a recovery code; else 1.
   */
  aal: 1 | 2;
  /** The organization the session is active in (the first factor that came through one), or null. */
  org_id: string | null;
  created_at: string;
  expires_at: string;
}

/**
 * POST /v1/sign-in/identify -> 200 Step (`password`, or `email-code` when that
 * is the first method; `sso-redirect` when the address's domain belongs to an
 * organization with SSO: that is public by design, and says nothing about
 * whether the user exists).
 */
export interface IdentifyRequest {
  email: string;
  return_to?: string;
  /** The page to come back to after an IdP (see `SocialSignInRequest`). */
  resume_url?: string;
}

/** POST /v1/sign-in/password -> 200 Step (`done` sets the session cookie) */
export interface PasswordSignInRequest {
  email: string;
  password: string;
  return_to?: string;
}

/** POST /v1/sign-in/email-code -> 202 EmailCodeStep (purpose `sign-in`) */
export interface EmailCodeSignInRequest {
  email: string;
  return_to?: string;
}

/**
 * POST /v1/sign-in/email-code/verify -> 200 Step (`done` sets the session cookie)
 * POST /v1/sign-up/verify            -> 201 Step (`done`), or 200 `passkey-registration` for a passkey-first sign-up
 */
export interface VerifyCodeRequest {
  flow_id: string;
  /** Exactly six digits. */
  code: string;
}

/**
 * POST /v1/sign-up -> 202 EmailCodeStep (purpose `sign-up`). With a password the
 * account is made on verify; without one (passkey-first) verify answers a
 * `passkey-registration` step and the account is made with its passkey.
 */
export interface SignUpRequest {
  email: string;
  password?: string;
  name?: string;
  return_to?: string;
}

/** POST /v1/password-reset -> 202 EmailCodeStep (purpose `password-reset`) */
export interface PasswordResetStartRequest {
  email: string;
}

/**
 * POST /v1/password-reset/finish -> 200 Step: `password` with `notice: 'password-reset'`,
 * and `review` when the account has passkeys. Revokes every session of the account and
 * mails its owner that the password was changed; the user then signs in with the new password.
 */
export interface PasswordResetFinishRequest {
  flow_id: string;
  code: string;
  password: string;
}

/** POST /v1/email-code/resend -> 202 EmailCodeStep (a fresh code for the same flow) */
export interface ResendCodeRequest {
  flow_id: string;
}

/** Input limits shared by the broker's schemas and the elements' inputs. */
export const LIMITS = {
  emailMaxLength: 254,
  passwordMinLength: 8,
  passwordMaxLength: 256,
  nameMaxLength: 200,
  codeLength: 6,
  returnToMaxLength: 2048,
} as const;
