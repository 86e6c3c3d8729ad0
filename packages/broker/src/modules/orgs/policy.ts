import type { OrgPolicyRequirement } from '@latchkey/client';
import { SECOND_FACTORS, type Factor } from '../sign-in/factors.js';

/**
 * An organization's security policies (issue 24 §4) against what a session
 * was made with, so "meets the policy" means the same everywhere.
 */

/** The policy columns of an organization (`organizations.require_*`, `policy_grace_until`). */
export interface OrgPolicy {
  requireMfa: boolean;
  requirePasskey: boolean;
  requireSso: boolean;
  /** Until then, an unmet requirement lets members in (with a warning); null or past: enforced. */
  graceUntil: Date | null;
  orgId: string;
}

/** Whether a factor came through one of this organization's own connections (an SSO sign-in into it). */
const throughOrgConnection = (factor: Factor, orgId: string) => (factor.method === 'oidc' || factor.method === 'saml') && factor.connection !== undefined && factor.org === orgId;

/**
 * Whether the factors prove a second factor: an authenticator app's code, a
 * recovery code or a passkey, or an IdP's MFA that its connection trusts. A
 * passkey alone counts only while user verification is required of every
 * passkey (`passkeys.userVerification`, 'required' by default; see
 * `twoFactors`): under 'preferred' it may have verified no one.
 */
function provesSecondFactor(factors: readonly Factor[], userVerification: 'required' | 'preferred' | undefined): boolean {
  if (factors.some((factor) => factor.idp_mfa === true)) return true;
  const lonePasskey = factors.length === 1 && factors[0]!.method === 'passkey';
  if (lonePasskey && userVerification === 'preferred') return false;
  return factors.some((factor) => SECOND_FACTORS.has(factor.method));
}

/**
 * The requirements of `policy` that `factors` do not meet, in the order mfa,
 * passkey, sso. Each carries its grace deadline while the grace period runs
 * (`grace_until` in the future), else null: enforced now.
 * - `mfa`: a second factor (see `provesSecondFactor`);
 * - `passkey`: a passkey among the factors;
 * - `sso`: a factor that came through one of this organization's own
 *   connections (SSO into another organization never counts).
 * Pure: the token mint, the switch, the members page and the engine at
 * sign-in all ask it. `factors` may also be what a member has enrolled (one
 * `otp` for an app), for the members page.
 *
 * @example
 * unmetRequirements([{ method: 'pwd', at }], { requireMfa: true, requirePasskey: false, requireSso: false, graceUntil: null, orgId }, now);
 * // [{ requirement: 'mfa', grace_until: null }]
 */
export function unmetRequirements(
  factors: readonly Factor[],
  policy: OrgPolicy,
  now: Date,
  userVerification?: 'required' | 'preferred',
): OrgPolicyRequirement[] {
  const grace_until = policy.graceUntil !== null && policy.graceUntil.getTime() > now.getTime() ? policy.graceUntil.toISOString() : null;
  const unmet: OrgPolicyRequirement[] = [];
  if (policy.requireMfa && !provesSecondFactor(factors, userVerification)) unmet.push({ requirement: 'mfa', grace_until });
  if (policy.requirePasskey && !factors.some((factor) => factor.method === 'passkey')) unmet.push({ requirement: 'passkey', grace_until });
  if (policy.requireSso && !factors.some((factor) => throughOrgConnection(factor, policy.orgId))) unmet.push({ requirement: 'sso', grace_until });
  return unmet;
}

/** The requirements enforced now: unmet, and out of their grace period. */
export const enforcedNow = (unmet: readonly OrgPolicyRequirement[]) => unmet.filter((requirement) => requirement.grace_until === null);
