import type { Member, OrgDomain, Organization, OrgPolicies, OrgPolicyRequirement, Role } from '@latchkey/client';
import type { BrokerConfig } from '../../config.js';
import type { ManagedOrganizationRecord, OrgDomainRecord, OrgMemberRecord, OrgRoleRecord } from '../../storage/queries/index.js';
import type { Factor } from '../sign-in/factors.js';
import { txtRecordOf } from './dns-verification.js';
import { permissionsOf } from './permissions.js';
import { unmetRequirements, type OrgPolicy } from './policy.js';

/** The wire shapes of the organization routes (wire/orgs.ts), from stored rows. */

const iso = (date: Date | string | null) => (date === null ? null : new Date(date).toISOString());

/** An organization's policies as `unmetRequirements` takes them. */
export const orgPolicyOf = (org: ManagedOrganizationRecord): OrgPolicy => ({
  orgId: org.id,
  requireMfa: org.requireMfa,
  requirePasskey: org.requirePasskey,
  requireSso: org.requireSso,
  graceUntil: org.policyGraceUntil === null ? null : new Date(org.policyGraceUntil),
});

/**
 * An organization as one of its members sees it: their role, what it allows,
 * and whether the session made of `factors` meets its policies now.
 *
 * @example
 * c.json(toWireOrganization(deps.config, org, { role: 'owner', custom: null }, session.factors, deps.clock()));
 */
export function toWireOrganization(
  config: Pick<BrokerConfig, 'orgs'>,
  org: ManagedOrganizationRecord,
  membership: { role: string; custom: string[] | null },
  factors: readonly Factor[],
  now: Date,
): Organization {
  return {
    id: org.id,
    name: org.name,
    slug: org.slug,
    role: membership.role,
    permissions: permissionsOf(config, membership.role, membership.custom),
    policy: { unmet: unmetRequirements(factors, orgPolicyOf(org), now) },
    created_at: iso(org.createdAt)!,
  };
}

export function toWireMember(member: OrgMemberRecord, outOfPolicy: OrgPolicyRequirement[]): Member {
  return {
    user_id: member.userId,
    email: member.email,
    name: member.name,
    role: member.role,
    joined_at: iso(member.joinedAt)!,
    source: member.source,
    out_of_policy: outOfPolicy,
  };
}

export function toWireRole(role: Pick<OrgRoleRecord, 'key' | 'name' | 'permissions'>, builtIn: boolean, members: number): Role {
  return { key: role.key, name: role.name, permissions: role.permissions, built_in: builtIn, members };
}

export function toWireDomain(domain: OrgDomainRecord & { txtToken: string }): OrgDomain {
  return {
    domain: domain.domain,
    verification: domain.verification,
    verified_at: iso(domain.verifiedAt),
    txt_record: txtRecordOf(domain.domain, domain.txtToken),
    enrollment: domain.enrollment,
    sso_required: domain.ssoRequired,
    created_at: iso(domain.createdAt)!,
  };
}

export function toWirePolicies(org: ManagedOrganizationRecord): OrgPolicies {
  return {
    require_mfa: org.requireMfa,
    require_passkey: org.requirePasskey,
    require_sso: org.requireSso,
    grace_days: org.policyGraceDays,
    grace_until: iso(org.policyGraceUntil),
  };
}
