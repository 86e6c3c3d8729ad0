import type { SessionFactor } from '@latchkey/client';

/**
 * Session factors: what each step of a sign-in proved, kept as data so that
 * `amr` and the assurance level are derived (never typed in by a module), and
 * so that a later policy ("MFA required", an organization's connection) can ask
 * how a session was made rather than parse strings.
 */

/**
 * One factor a session was made with (stored in `sessions.factors`, and in a
 * pending sign-in between steps). Its shape is the wire's `SessionFactor`
 * (`GET /v1/session` shows it), so the two never drift apart:
 * `{ method, at, provider?, connection?, org?, synced? }`. `email_code` and
 * `otp` (TOTP) are kept apart on purpose: only TOTP proves a device.
 *
 * @example
 * const password: Factor = { method: 'pwd', at: deps.clock().toISOString() };
 * const github: Factor = { method: 'oauth', at, provider: 'github' };
 * const acme: Factor = { method: 'oidc', at, connection: 'con_…', org: 'org_…' };
 */
export type Factor = SessionFactor;

/** How a factor was proven. */
export type FactorMethod = Factor['method'];

/**
 * The RFC 8176 `amr` values of one factor. Where RFC 8176 registers no value
 * the broker uses a short private one (RFC 8176 §6.1 lets a token carry
 * unregistered values; relying parties must not guess at them):
 * - `pwd` → `pwd`;
 * - `email_code` → `email`: a mailed code proves access to a mailbox, not a
 *   device, and must never read as `otp` (RFC 4226/6238 one-time passwords,
 *   which TOTP will use);
 * - `otp` (TOTP) → `otp`;
 * - `passkey` → `hwk` (device-bound) or `swk` (synced), with `user` (user
 *   verification is required of every passkey here);
 * - `oauth`, `oidc`, `saml` → `fed`: the identity provider authenticated the
 *   user, by means this broker did not see (`provider`/`connection` in the
 *   factors say which);
 * - `recovery_code` → `rc`: a single-use look-up secret, neither a knowledge
 *   factor (`kba` means security questions) nor an OTP generator.
 */
export function amrOfFactor(factor: Pick<Factor, 'method' | 'synced'>): string[] {
  switch (factor.method) {
    case 'pwd':
      return ['pwd'];
    case 'email_code':
      return ['email'];
    case 'otp':
      return ['otp'];
    case 'passkey':
      return [factor.synced ? 'swk' : 'hwk', 'user'];
    case 'oauth':
    case 'oidc':
    case 'saml':
      return ['fed'];
    case 'recovery_code':
      return ['rc'];
  }
}

/**
 * What proves a second factor: an authenticator app's code, a recovery code, or a
 * passkey. An emailed code is not one (it proves a mailbox, which a password reset
 * reaches too), and neither is a federated sign-in (the IdP's own MFA is not
 * asserted to us).
 */
export const SECOND_FACTORS: ReadonlySet<FactorMethod> = new Set(['otp', 'recovery_code', 'passkey']);

/**
 * A session's `amr`: every factor's values, in the order proven, each once; then
 * `mfa` (RFC 8176) where a second factor passed besides a factor of another method
 * (a password and TOTP, an emailed code and a recovery code, a social sign-in and
 * a passkey), or where an IdP asserted MFA that its connection trusts (`idp_mfa`).
 * A passkey alone says `user` (it verified its user), not `mfa`.
 */
export function amrOf(factors: readonly Factor[]): string[] {
  const amr = [...new Set(factors.flatMap(amrOfFactor))];
  const methods = new Set(factors.map((factor) => factor.method));
  const idpMfa = factors.some((factor) => factor.idp_mfa === true);
  if (idpMfa || (methods.size >= 2 && factors.some((factor) => SECOND_FACTORS.has(factor.method)))) amr.push('mfa');
  return amr;
}

/** An Authentication Assurance Level in NIST SP 800-63B-4 terms, as far as the broker can tell (see `assuranceLevel`). */
export type AssuranceLevel = 1 | 2;

/**
 * What kind of authenticator a factor is, in NIST SP 800-63B-4 terms:
 * `know` a memorized secret; `have` a single-factor authenticator that proves
 * possession of a device or look-up secret (TOTP, recovery codes);
 * `multi` a multi-factor cryptographic authenticator (a passkey with user
 * verification: possession plus a PIN or biometric, phishing-resistant);
 * `single` a factor that counts for AAL1 and adds no second category: an
 * emailed code (800-63B forbids email as an out-of-band authenticator), and a
 * federated sign-in, whose assurance is the IdP's and is not asserted to us.
 */
function categoryOf(method: FactorMethod): 'know' | 'have' | 'multi' | 'single' {
  switch (method) {
    case 'pwd':
      return 'know';
    case 'otp':
    case 'recovery_code':
      return 'have';
    case 'passkey':
      return 'multi';
    case 'email_code':
    case 'oauth':
    case 'oidc':
    case 'saml':
      return 'single';
  }
}

/**
 * The session's `aal`: 2 when it was made with a multi-factor authenticator (a
 * passkey, synced or not: 800-63B-4 accepts syncable authenticators at AAL2) or
 * with a memorized secret plus a possession factor (password + TOTP or a
 * recovery code); otherwise 1. AAL3 is never claimed: it needs a hardware-bound,
 * non-exportable key the broker would have to attest, and passkeys are
 * registered without attestation. A password plus an emailed code stays at 1.
 *
 * @example
 * assuranceLevel([{ method: 'pwd', at }, { method: 'otp', at }]); // 2
 * assuranceLevel([{ method: 'passkey', at, synced: true }]); // 2
 * assuranceLevel([{ method: 'pwd', at }, { method: 'email_code', at }]); // 1
 */
export function assuranceLevel(factors: readonly Factor[]): AssuranceLevel {
  const categories = new Set(factors.map((f) => categoryOf(f.method)));
  if (categories.has('multi') || (categories.has('know') && categories.has('have'))) return 2;
  return 1;
}

/** The organization a session opens in: the `org` of the first factor that came through one, else none. */
export function orgOf(factors: readonly Factor[]): string | null {
  return factors.find((f) => f.org !== undefined)?.org ?? null;
}
