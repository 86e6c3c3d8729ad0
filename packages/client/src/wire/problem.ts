/**
 * Every error the broker answers is an RFC 9457 `application/problem+json` body.
 * `type` is `urn:latchkey:problem:<code>` and never changes for a given code;
 * `title` is human text for logs, never shown to end users raw (elements map
 * `code` to a localized message instead).
 */
export const PROBLEM_TYPE_PREFIX = 'urn:latchkey:problem:';

/**
 * The closed set of problem codes. Switch on it; new codes are added here first.
 *
 * - `malformed_json` 400: the body is not JSON.
 * - `invalid_request` 400: the body does not match the schema (`errors` says where).
 * - `payload_too_large` 413, `unsupported_media_type` 415.
 * - `invalid_credentials` 401: wrong password *or* unknown account (deliberately the same).
 * - `invalid_code` 400: the verification code is wrong.
 * - `code_expired` 400: the code's flow is unknown, used, or past its expiry; also a passkey
 *   review (after a password reset) that is unknown, expired or another browser's.
 * - `too_many_attempts` 400: the flow took too many wrong codes; start again.
 * - `rate_limited` 429: too many requests from this IP or for this account (`Retry-After`).
 * - `weak_password` 400: the new password is too short or too easy to guess; its `errors`
 *   entry for `password` says why in `reason` (see `WeakPasswordReason`).
 * - `forbidden_origin` 403: an unsafe request whose `Origin` is missing or not allowed.
 * - `invalid_return_to` 400: `return_to` is not on the allowlist.
 * - `unauthenticated` 401: no valid session (missing, expired or revoked).
 * - `passkey_rejected` 400: a passkey ceremony's answer did not verify (origin, RP ID,
 *   challenge, signature, user verification, counter, or a credential this broker does
 *   not know for this user); start the ceremony again. The log says which.
 * - `passkey_exists` 409: that authenticator already holds a passkey of this account.
 * - `last_sign_in_method` 409: removing it would leave the account no way to sign in.
 * - `not_found` 404, `method_not_allowed` 405.
 * - `unknown_provider` 404: no social provider of that id is configured.
 * - `no_flow` 404: this browser has no sign-in flow to resume (`GET /v1/sign-in/flow`).
 * - `idp_unreachable` 502: the identity provider did not answer in time, or answered too much.
 * - `last_way_in` 409: disconnecting that account would leave no way to sign in.
 * - `sso_required` 403: the address's domain signs in only through its organization's SSO.
 * - `invalid_state` 400: an OAuth callback whose `state` is missing, unknown, used, or another browser's.
 * - `saml_rejected` 400: a SAML response the connection refused (`detail` has the reference the admins can look up).
 * - `reauthentication_required` 403: a sensitive change (password, email, passkeys, second
 *   factors, recovery codes, connected accounts, an organization's security settings) needs an
 *   authentication within the last `stepUp.maxAgeSeconds`, and with a second factor where the
 *   account has one. Prove a factor again (step-up), then retry the same request.
 * - `mfa_required` 409: the user is a member of an organization that
 *   requires MFA, so their last second factor (the authenticator app) cannot be removed.
 * - `account_suspended` 403: an operator suspended the account (admin API). Answered only once a
 *   sign-in's first factor has passed (the right password, code, passkey or IdP answer), so it tells
 *   nobody who could not sign in to the account whether it exists.
 * - Admin API only (`/admin/v1/*`, server to server; never answered to a browser's flow):
 *   `unauthorized` 401: the bearer admin token is missing or wrong (`WWW-Authenticate: Bearer`);
 *   `admin_disabled` 403: no admin token is configured, so every admin route is refused;
 *   `domain_taken` 409: the domain belongs to an organization already;
 *   `slug_taken` 409: another organization has that slug;
 *   `unsupported_connection_type` 501: a connection type this broker cannot store yet (SAML).
 * - Organizations (`/v1/orgs/*`, `/v1/invitations/*`, `/v1/invite-links/*`, `/v1/session/org`):
 *   `forbidden` 403: a member whose role lacks the permission (`detail` names it), or a change
 *   no role may make (one's own role, `owner` granted by a non-owner, a permission the caller lacks);
 *   `last_owner` 409: the organization's only owner cannot leave, be removed or be demoted;
 *   `role_exists` 409, `role_in_use` 409 (members still hold it);
 *   `already_member` 409: the invited address's account is a member already;
 *   `invitation_invalid` 404: an invitation or invite link that is unknown, used, used up, revoked or expired;
 *   `invitation_not_for_you` 403: the invitation is for another address than the signed-in user's verified one;
 *   `request_pending` 409, `already_decided` 409 (access requests);
 *   `public_email_domain` 400: a public mail domain (gmail.com…) cannot be an organization's;
 *   `domain_unverified` 409: the TXT record is not published yet, or automatic enrolment on a domain not verified by DNS;
 *   `no_connection` 409: "require SSO" without an enabled connection;
 *   `org_policy_unmet` 403: this session does not meet the organization's policy (`requirement`, `org_id`).
 * - `service_unavailable` 503: the broker cannot reach its database just now (a restart, a
 *   failover); nothing was acknowledged. Retry the same request after `Retry-After` seconds.
 * - `internal_error` 500: anything else; carries `request_id` and no secrets.
 */
export type ProblemCode =
  | 'malformed_json'
  | 'invalid_request'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'invalid_credentials'
  | 'invalid_code'
  | 'code_expired'
  | 'too_many_attempts'
  | 'rate_limited'
  | 'weak_password'
  | 'forbidden_origin'
  | 'invalid_return_to'
  | 'unauthenticated'
  | 'passkey_rejected'
  | 'passkey_exists'
  | 'last_sign_in_method'
  | 'not_found'
  | 'method_not_allowed'
  | 'unknown_provider'
  | 'no_flow'
  | 'idp_unreachable'
  | 'last_way_in'
  | 'sso_required'
  | 'invalid_state'
  | 'saml_rejected'
  | 'reauthentication_required'
  | 'mfa_required'
  | 'unauthorized'
  | 'admin_disabled'
  | 'domain_taken'
  | 'slug_taken'
  | 'unsupported_connection_type'
  | 'forbidden'
  | 'last_owner'
  | 'role_exists'
  | 'role_in_use'
  | 'already_member'
  | 'invitation_invalid'
  | 'invitation_not_for_you'
  | 'request_pending'
  | 'already_decided'
  | 'public_email_domain'
  | 'domain_unverified'
  | 'no_connection'
  | 'org_policy_unmet'
  | 'account_suspended'
  | 'service_unavailable'
  | 'internal_error';

/**
 * Why the broker refused a new password (`weak_password`), judged as a guessing attacker
 * would (NIST SP 800-63B §5.1.1.2). Stable: elements translate each one, so a reason is
 * only ever added here, never renamed.
 *
 * - `too_short`: fewer than `LIMITS.passwordMinLength` characters (code points: four emoji are four).
 * - `common`: a common password or word, or one changed in ways guessers try first
 *   (`Passw0rd!`, `Qwerty123!`, `87654321`, `Summer2024`).
 * - `pattern`: repeated characters, a sequence or a keyboard run (`aaaaaaaa`, `abcdefgh`).
 * - `personal`: built from the service's name (configured `passwords.contextWords`), or the
 *   user's email address, its parts or name (`latchkey2024`, `ada.lovelace1`).
 * - `guessable`: too easy to guess for another reason (too few guesses in all).
 *
 * Too long is not among them: past `LIMITS.passwordMaxLength` a password is bad input
 * (`invalid_request`), which the elements check before sending.
 */
export type WeakPasswordReason = 'too_short' | 'common' | 'pattern' | 'personal' | 'guessable';

/** One field-level reason, for `invalid_request` and `weak_password`. */
export interface ProblemFieldError {
  /** Dotted path of the field in the request body, e.g. `email`. */
  path: string;
  /** English, for logs and developers; elements show their own text (from `reason` where there is one). */
  message: string;
  /** With `weak_password`: why, as a stable value the elements translate. */
  reason?: WeakPasswordReason;
}

/** The problem+json body. */
export interface Problem {
  type: `${typeof PROBLEM_TYPE_PREFIX}${ProblemCode}`;
  code: ProblemCode;
  title: string;
  status: number;
  detail?: string;
  errors?: ProblemFieldError[];
  /** Set on 500s so an operator can find the log line. */
  request_id?: string;
  /** With `invalid_code`: wrong codes the flow still takes before it is dead. */
  attempts_left?: number;
  /** With `org_policy_unmet`: what the session must prove to enter the organization. */
  requirement?: 'mfa' | 'mfa-enroll' | 'passkey' | 'sso';
  /** With `org_policy_unmet`: the organization. */
  org_id?: string;
}
