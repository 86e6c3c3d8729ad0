import type { MfaMethod, MfaStep } from '@latchkey/client';
import { findTotpFactor, listUserPasskeys } from '../../storage/queries/index.js';
import type { Deps } from '../../deps.js';
import type { FlowRecord } from '../../storage/queries/index.js';
import type { Db } from '../../storage/storage.js';
import type { PendingSignIn, Requirement } from '../sign-in/complete.js';
import { SECOND_FACTORS, type Factor } from '../sign-in/factors.js';
import { hasRecoveryCodes } from './recovery-codes.js';

/**
 * Whether the factors so far are two: a second factor after a first one, or a
 * passkey alone when the authenticator verified its user (PIN, biometrics) —
 * known only while the configuration requires that of every passkey
 * (`passkeys.userVerification: 'required'`, the default); a factor does not
 * record the UV flag, so under `preferred` a lone passkey is one factor.
 */
export function twoFactors(factors: readonly Factor[], userVerification: 'required' | 'preferred' | undefined): boolean {
  // A federated factor whose IdP asserted MFA that its connection trusts (off by default; see idp-mfa.ts).
  if (factors.some((factor) => factor.idp_mfa === true)) return true;
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
  return mfaStep(tx, deps, user.id, pending, ['totp']);
};

/**
 * The `mfa` step for the pending sign-in, with `first` and then what else the
 * account can answer with: recovery codes while any are left, then passkeys.
 * Undefined when that leaves nothing to answer with.
 */
export async function mfaStep(tx: Db, deps: Deps, userId: string, pending: FlowRecord<PendingSignIn>, first: MfaMethod[]): Promise<MfaStep | undefined> {
  const methods = [...first];
  if (methods.includes('totp') && (await hasRecoveryCodes(tx, userId))) methods.push('recovery-code');
  if (deps.config.passkeys && (await listUserPasskeys(tx, userId)).length > 0) methods.push('passkey');
  if (methods.length === 0) return undefined;
  return { step: 'mfa', flow_id: pending.id, methods, attempts_left: Math.max(0, pending.maxAttempts - pending.attempts) };
}
