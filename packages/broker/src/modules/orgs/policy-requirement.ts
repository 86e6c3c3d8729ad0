import type { OrgPolicyRequirement, OrgPolicyUnmet } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { findOrgPolicy } from '../../storage/queries/org-policies.js';
import type { Requirement } from '../sign-in/complete.js';
import { orgOf } from '../sign-in/factors.js';
import { unmetRequirements } from './policy.js';

/** The requirements enforced now: unmet, and out of their grace period (`grace_until` null). */
export const enforcedNow = (unmet: readonly OrgPolicyRequirement[]) => unmet.filter((requirement) => requirement.grace_until === null);

/**
 * The `org_policy_unmet` refusal for the first requirement enforced now, as the
 * wire names it (`OrgPolicyUnmet`): an unmet `mfa` is `mfa-enroll` for an account
 * with no second factor to prove (it enrols one, which proves it), else `mfa`
 * (a step-up proves it).
 */
export function policyUnmet(orgId: string, requirement: OrgPolicyRequirement['requirement'], canProveSecondFactor: boolean): ProblemError {
  const named: OrgPolicyUnmet['requirement'] = requirement === 'mfa' && !canProveSecondFactor ? 'mfa-enroll' : requirement;
  return new ProblemError('org_policy_unmet', { detail: `the organization requires ${requirement === 'sso' ? 'its single sign-on' : requirement === 'mfa' ? 'a second factor' : 'a passkey'}`, policy: { requirement: named, org_id: orgId } });
}

/**
 * The engine's requirement for the policies of the organization a session
 * opens in (issue 24 §4; `orgOf`: the organization of the connection the first
 * factor came through): a required SSO or passkey that the factors so far do
 * not meet, out of its grace period, refuses the sign-in with 403
 * `org_policy_unmet` and the caller's transaction writes nothing. It runs after
 * the MFA requirements, so a passkey proven at the `mfa` step counts.
 * `require_mfa` stays `orgMfaRequired`'s: it holds for any membership, not only
 * the organization the session opens in, and lets a member enrol during sign-in.
 * A sign-in that opens in no organization (a password, a code, a passkey, a
 * social provider) meets its organizations' policies when it switches into one.
 */
export const orgPolicyRequired: Requirement = async (tx, deps: Deps, _user, pending) => {
  const orgId = orgOf(pending.data.factors);
  if (orgId === null) return undefined;
  const policy = await findOrgPolicy(tx, orgId);
  if (!policy || (!policy.requireSso && !policy.requirePasskey)) return undefined;
  const [first] = enforcedNow(unmetRequirements(pending.data.factors, { ...policy, requireMfa: false }, deps.clock(), deps.config.passkeys?.userVerification));
  if (first) throw policyUnmet(orgId, first.requirement, true);
  return undefined;
};
