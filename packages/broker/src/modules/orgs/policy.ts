import type { OrgPolicyRequirement } from '@latchkey/client';
import { twoFactors } from '../mfa/requirement.js';
import type { Factor } from '../sign-in/factors.js';

/**
 * An organization's security policies (issue 24 §4) against what a session
 * was made with. Pure: the token mint, the switch, the members page and the
 * engine at sign-in all ask this one function, so "meets the policy" means
 * the same everywhere.
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
 * The requirements of `policy` that `factors` do not meet, in the order a
 * member best meets them: `sso` first (signing in again through the
 * organization's connection makes a new session, so a factor proven before it
 * would be lost), then `mfa`, then `passkey`. Each carries its grace deadline
 * while the grace period runs (`grace_until` in the future), else null:
 * enforced now.
 * - `mfa`: two factors (see `twoFactors`: a second factor besides the first, a
 *   passkey with user verification, or an IdP's MFA its connection trusts);
 * - `passkey`: a passkey among the factors;
 * - `sso`: a factor that came through one of the organization's connections.
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
  if (policy.requireSso && !factors.some((factor) => throughOrgConnection(factor, policy.orgId))) unmet.push({ requirement: 'sso', grace_until });
  if (policy.requireMfa && !twoFactors(factors, userVerification)) unmet.push({ requirement: 'mfa', grace_until });
  if (policy.requirePasskey && !factors.some((factor) => factor.method === 'passkey')) unmet.push({ requirement: 'passkey', grace_until });
  return unmet;
}

/** The requirements enforced now: unmet, and out of their grace period. */
export const enforcedNow = (unmet: readonly OrgPolicyRequirement[]) => unmet.filter((requirement) => requirement.grace_until === null);
