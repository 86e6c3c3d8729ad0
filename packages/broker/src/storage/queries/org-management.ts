import { isUniqueViolation, type Db } from '../storage.js';
import type { OrganizationRecord } from './organizations.js';

/**
 * Organizations as their own members manage them (issue 24, modules/orgs):
 * the user's organizations, creating one with its owner, renaming, the
 * security policies, and the row lock every change of members, roles,
 * domains and policies takes first.
 */

/** An organization with its security policies (migrations 013 and 014). */
export interface ManagedOrganizationRecord extends OrganizationRecord {
  requirePasskey: boolean;
  requireSso: boolean;
  /** Days a newly required policy lets members in who do not meet it yet. */
  policyGraceDays: number;
  policyGraceUntil: Date | null;
}

/** How a membership came to be (`memberships.source`). */
export type MembershipSource = 'created' | 'invitation' | 'link' | 'request' | 'domain' | 'sso' | 'admin';

const MANAGED_ORG = (alias = '') => {
  const a = alias ? `${alias}.` : '';
  return `${a}id, ${a}name, ${a}slug, ${a}require_mfa AS "requireMfa", ${a}require_passkey AS "requirePasskey", ${a}require_sso AS "requireSso",
  ${a}policy_grace_days AS "policyGraceDays", ${a}policy_grace_until AS "policyGraceUntil", ${a}created_at AS "createdAt", ${a}updated_at AS "updatedAt"`;
};

export async function findManagedOrganization(db: Db, id: string): Promise<ManagedOrganizationRecord | undefined> {
  return (await db.query<ManagedOrganizationRecord>(`SELECT ${MANAGED_ORG()} FROM organizations WHERE id = $1`, [id]))[0];
}

/**
 * Locks the organization's row to the end of the transaction and reads it.
 * Every change to its members, roles, domains or policies takes this lock
 * first, so two of them never decide on the same state: of two owners
 * demoting each other at once, the second sees the first's change (under READ
 * COMMITTED each statement after the wait reads what was committed).
 */
export async function lockOrganization(tx: Db, id: string): Promise<ManagedOrganizationRecord | undefined> {
  return (await tx.query<ManagedOrganizationRecord>(`SELECT ${MANAGED_ORG()} FROM organizations WHERE id = $1 FOR UPDATE`, [id]))[0];
}

/** One of the user's organizations with their role and, for a custom role, its stored permissions (null when no such role exists). */
export interface UserOrganizationRecord extends ManagedOrganizationRecord {
  role: string;
  custom: string[] | null;
}

/** The organizations `userId` is a member of, by name then id, with their role: one query. */
export async function listUserOrganizations(db: Db, userId: string): Promise<UserOrganizationRecord[]> {
  return db.query<UserOrganizationRecord>(
    `SELECT ${MANAGED_ORG('o')}, m.role, r.permissions AS custom
     FROM memberships m JOIN organizations o ON o.id = m.org_id
     LEFT JOIN org_roles r ON r.org_id = m.org_id AND r.key = m.role
     WHERE m.user_id = $1 ORDER BY o.name, o.id`,
    [userId],
  );
}

/** `userId`'s membership of `orgId` as `listUserOrganizations` shows it; undefined when not a member. */
export async function findUserOrganization(db: Db, orgId: string, userId: string): Promise<UserOrganizationRecord | undefined> {
  return (
    await db.query<UserOrganizationRecord>(
      `SELECT ${MANAGED_ORG('o')}, m.role, r.permissions AS custom
       FROM memberships m JOIN organizations o ON o.id = m.org_id
       LEFT JOIN org_roles r ON r.org_id = m.org_id AND r.key = m.role
       WHERE m.org_id = $1 AND m.user_id = $2`,
      [orgId, userId],
    )
  )[0];
}

/**
 * Stores a new organization and its first member, in the caller's transaction.
 * Undefined (nothing written) when the slug is taken: `ON CONFLICT DO NOTHING`
 * decides, so a parallel creation with the same slug is caught without failing
 * the transaction.
 */
export async function insertOrganizationWithMember(
  tx: Db,
  org: { id: string; name: string; slug: string; createdAt: Date },
  member: { userId: string; role: string; source: MembershipSource },
): Promise<ManagedOrganizationRecord | undefined> {
  const created = (
    await tx.query<ManagedOrganizationRecord>(
      `INSERT INTO organizations (id, name, slug, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
       ON CONFLICT (slug) DO NOTHING RETURNING ${MANAGED_ORG()}`,
      [org.id, org.name, org.slug, org.createdAt],
    )
  )[0];
  if (!created) return undefined;
  await tx.query(`INSERT INTO memberships (org_id, user_id, role, created_at, source) VALUES ($1, $2, $3, $4, $5)`, [
    created.id,
    member.userId,
    member.role,
    org.createdAt,
    member.source,
  ]);
  return created;
}

/**
 * Runs one statement that may break a unique key inside a transaction, under a
 * savepoint: on PostgreSQL a failed statement would otherwise end the whole
 * transaction. Answers 'unique_violation' (and the transaction goes on) instead.
 */
async function underSavepoint<T>(tx: Db, name: string, statement: () => Promise<T>): Promise<T | 'unique_violation'> {
  await tx.query(`SAVEPOINT ${name}`);
  try {
    const result = await statement();
    await tx.query(`RELEASE SAVEPOINT ${name}`);
    return result;
  } catch (error) {
    await tx.query(`ROLLBACK TO SAVEPOINT ${name}`);
    if (isUniqueViolation(error)) return 'unique_violation';
    throw error;
  }
}

/**
 * Renames an organization and/or changes its slug (and, for the admin API, its
 * "MFA required"), in the caller's transaction. `'slug_taken'` when another
 * organization has the slug (the unique key decides, so a parallel change is
 * caught too, and the transaction goes on); undefined when there is no such
 * organization.
 */
export async function updateOrganizationInTransaction(
  tx: Db,
  id: string,
  change: { name?: string; slug?: string; requireMfa?: boolean },
  at: Date,
): Promise<ManagedOrganizationRecord | 'slug_taken' | undefined> {
  const result = await underSavepoint(tx, 'org_slug', async () =>
    (
      await tx.query<ManagedOrganizationRecord>(
        `UPDATE organizations SET name = COALESCE($2, name), slug = COALESCE($3, slug), require_mfa = COALESCE($5, require_mfa), updated_at = $4
         WHERE id = $1 RETURNING ${MANAGED_ORG()}`,
        [id, change.name ?? null, change.slug ?? null, at, change.requireMfa ?? null],
      )
    )[0],
  );
  return result === 'unique_violation' ? 'slug_taken' : result;
}

/** What `PUT /v1/orgs/{id}/policies` writes. */
export interface OrgPolicySettings {
  requireMfa: boolean;
  requirePasskey: boolean;
  requireSso: boolean;
  policyGraceDays: number;
  policyGraceUntil: Date | null;
}

/** Writes an organization's policies (the caller holds its lock). */
export async function setOrganizationPolicies(tx: Db, id: string, policies: OrgPolicySettings, at: Date): Promise<ManagedOrganizationRecord | undefined> {
  return (
    await tx.query<ManagedOrganizationRecord>(
      `UPDATE organizations SET require_mfa = $2, require_passkey = $3, require_sso = $4, policy_grace_days = $5, policy_grace_until = $6, updated_at = $7
       WHERE id = $1 RETURNING ${MANAGED_ORG()}`,
      [id, policies.requireMfa, policies.requirePasskey, policies.requireSso, policies.policyGraceDays, policies.policyGraceUntil, at],
    )
  )[0];
}

/** Whether the organization has a connection members can sign in through now (required before "SSO required"). */
export async function hasEnabledConnection(db: Db, orgId: string): Promise<boolean> {
  return (await db.query(`SELECT 1 FROM connections WHERE org_id = $1 AND enabled LIMIT 1`, [orgId])).length === 1;
}
