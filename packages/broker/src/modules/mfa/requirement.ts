import type { MfaMethod, MfaStep } from '@latchkey/client';
import { findTotpFactor, listUserPasskeys } from '../../storage/queries/index.js';
import type { Requirement } from '../sign-in/complete.js';
import { SECOND_FACTORS, type Factor } from '../sign-in/factors.js';
import { hasRecoveryCodes } from './recovery-codes.js';

/**
 * Whether the factors so far are two: a second factor after a first one, or a
 * passkey alone when the authenticator verified its user (PIN, biometrics) —
 * known only while the configuration requires that of every passkey
 * (`passkeys.userVerification: 'required'`, the default); a factor does not
 * record the UV flag, so under `preferred` a lone passkey is one factor.
 */
function twoFactors(factors: readonly Factor[], userVerification: 'required' | 'preferred' | undefined): boolean {
  if (!factors.some((factor) => SECOND_FACTORS.has(factor.method))) return false;
  return factors.length >= 2 || userVerification === 'required';
}

/**
 * The engine's MFA requirement: a user with an authenticator app signs in with
 * a second factor, whatever the first was (password, emailed code, social,
 * OIDC, SAML; a passkey with user verification is two factors already). Being
 * a requirement, it runs wherever a session would open, so no first factor can
 * skip it. It asks with the `mfa` step, whose `flow_id` is the pending sign-in;
 * what the account can answer with comes first the app, then recovery codes
 * while any are left, then passkeys. Reads only through `tx` (see `Requirement`).
 */
export const mfaRequired: Requirement = async (tx, deps, user, pending) => {
  if (twoFactors(pending.data.factors, deps.config.passkeys?.userVerification)) return undefined;
  if (!(await findTotpFactor(tx, user.id))) return undefined;
  const methods: MfaMethod[] = ['totp'];
  if (await hasRecoveryCodes(tx, user.id)) methods.push('recovery-code');
  if (deps.config.passkeys && (await listUserPasskeys(tx, user.id)).length > 0) methods.push('passkey');
  const step: MfaStep = { step: 'mfa', flow_id: pending.id, methods, attempts_left: Math.max(0, pending.maxAttempts - pending.attempts) };
  return step;
};
