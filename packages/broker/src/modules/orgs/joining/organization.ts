import type { Organization, OrgPolicyRequirement } from '@latchkey/client';
import type { Deps } from '../../../deps.js';
import { ProblemError } from '../../../http/problem.js';
import { findMemberOrganization, type MemberOrganizationRecord } from '../../../storage/queries/joining.js';
import type { SessionRecord } from '../../../storage/queries/index.js';
import type { Db } from '../../../storage/storage.js';
import { SECOND_FACTORS } from '../../sign-in/factors.js';
import { permissionsOf } from '../permissions.js';

/**
 * The `Organization` a join answers: the organization, the user's role in it
 * and what that allows, and which of its policies this session does not meet.
 *
 * MERGE NOTE: the organizations module (GET /v1/orgs) answers the same shape
 * (`toWireOrganization` with `unmetRequirements`, modules/orgs/views.ts and
 * policy.ts on its branch); once it lands on main, use it here and delete this
 * file, so the policy check lives in one place.
 */

/** The requirements of the organization's policies this session does not meet, with the grace period's end. */
export function unmetPolicies(org: MemberOrganizationRecord, session: SessionRecord, now: Date): OrgPolicyRequirement[] {
  const graceUntil = org.policyGraceUntil && org.policyGraceUntil > now ? org.policyGraceUntil.toISOString() : null;
  const factors = session.factors;
  const unmet: OrgPolicyRequirement[] = [];
  // A second factor in the session, or an IdP's MFA its connection trusts: the organizations module's rule.
  if (org.requireMfa && !factors.some((f) => SECOND_FACTORS.has(f.method) || f.idp_mfa === true)) unmet.push({ requirement: 'mfa', grace_until: graceUntil });
  if (org.requirePasskey && !factors.some((f) => f.method === 'passkey')) unmet.push({ requirement: 'passkey', grace_until: graceUntil });
  if (org.requireSso && !factors.some((f) => (f.method === 'oidc' || f.method === 'saml') && f.org === org.id)) unmet.push({ requirement: 'sso', grace_until: graceUntil });
  return unmet;
}

/** The organization as its member `session.userId` sees it; `not_found` when they are not one (left in between). */
export async function memberOrganization(db: Db, deps: Deps, session: SessionRecord, orgId: string): Promise<Organization> {
  const org = await findMemberOrganization(db, orgId, session.userId);
  if (!org) throw new ProblemError('not_found');
  return {
    id: org.id,
    name: org.name,
    slug: org.slug,
    role: org.role,
    permissions: permissionsOf(deps.config, org.role, org.custom),
    policy: { unmet: unmetPolicies(org, session, deps.clock()) },
    created_at: org.createdAt.toISOString(),
  };
}
