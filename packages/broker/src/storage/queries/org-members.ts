import type { Db } from '../storage.js';
import type { MembershipSource } from './org-management.js';

/**
 * An organization's members as its members page shows and changes them
 * (modules/orgs/members.ts). Every change runs in a transaction that holds the
 * organization's row lock (`lockOrganization`), and the statements that could
 * take away the last owner are conditional besides, so no organization is ever
 * left without one.
 */

export interface OrgMemberRecord {
  userId: string;
  email: string;
  name: string | null;
  role: string;
  source: MembershipSource;
  joinedAt: Date;
}

/** What a member set up, for the "out of policy" column (see modules/orgs/policy.ts `enrolledFactors`). */
export interface OrgMemberEnrolment {
  secondFactor: boolean;
  passkey: boolean;
  sso: boolean;
  ssoWithIdpMfa: boolean;
}

const MEMBER = `m.user_id AS "userId", u.email, u.name, m.role, m.source, m.created_at AS "joinedAt"`;

/**
 * What each member enrolled, computed beside their row: an authenticator app or
 * a passkey; a passkey; an identity through one of this organization's
 * connections; one whose connection trusts the IdP's MFA.
 */
const ENROLMENT = `
  (EXISTS (SELECT 1 FROM totp_factors t WHERE t.user_id = m.user_id) OR EXISTS (SELECT 1 FROM passkeys p WHERE p.user_id = m.user_id)) AS "secondFactor",
  EXISTS (SELECT 1 FROM passkeys p WHERE p.user_id = m.user_id) AS passkey,
  EXISTS (SELECT 1 FROM identities i JOIN connections c ON c.id = i.connection_id WHERE i.user_id = m.user_id AND c.org_id = m.org_id) AS sso,
  EXISTS (SELECT 1 FROM identities i JOIN connections c ON c.id = i.connection_id
          WHERE i.user_id = m.user_id AND c.org_id = m.org_id AND c.config ? 'idpMfa') AS "ssoWithIdpMfa"`;

/**
 * A page of the organization's members by email (`after`: the previous page's
 * last email), with what each enrolled when `withEnrolment` (only for callers
 * who see who is out of policy).
 */
export async function listOrgMembers(
  db: Db,
  orgId: string,
  page: { after?: string; limit: number },
  withEnrolment: boolean,
): Promise<Array<OrgMemberRecord & { enrolment?: OrgMemberEnrolment }>> {
  const rows = await db.query<OrgMemberRecord & Partial<OrgMemberEnrolment>>(
    `SELECT ${MEMBER}${withEnrolment ? `, ${ENROLMENT}` : ''}
     FROM memberships m JOIN users u ON u.id = m.user_id
     WHERE m.org_id = $1 AND ($2::text IS NULL OR u.email > $2) ORDER BY u.email LIMIT $3`,
    [orgId, page.after ?? null, page.limit],
  );
  return rows.map(({ secondFactor, passkey, sso, ssoWithIdpMfa, ...member }) =>
    withEnrolment ? { ...member, enrolment: { secondFactor: secondFactor!, passkey: passkey!, sso: sso!, ssoWithIdpMfa: ssoWithIdpMfa! } } : member,
  );
}

/** One member of this organization (another organization's member is not found), with their enrolment. */
export async function findOrgMember(db: Db, orgId: string, userId: string): Promise<(OrgMemberRecord & { enrolment: OrgMemberEnrolment }) | undefined> {
  const row = (
    await db.query<OrgMemberRecord & OrgMemberEnrolment>(
      `SELECT ${MEMBER}, ${ENROLMENT} FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 AND m.user_id = $2`,
      [orgId, userId],
    )
  )[0];
  if (!row) return undefined;
  const { secondFactor, passkey, sso, ssoWithIdpMfa, ...member } = row;
  return { ...member, enrolment: { secondFactor, passkey, sso, ssoWithIdpMfa } };
}

/** Owners of the organization other than `userId`. */
export async function countOtherOwners(db: Db, orgId: string, userId: string): Promise<number> {
  return (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM memberships WHERE org_id = $1 AND role = 'owner' AND user_id <> $2`, [orgId, userId]))[0]!.n;
}

/** Keeps an owner unless another owner remains: the condition both writes below carry. */
const KEEPS_AN_OWNER = `(role <> 'owner' OR EXISTS (SELECT 1 FROM memberships o WHERE o.org_id = $1 AND o.role = 'owner' AND o.user_id <> $2))`;

/**
 * Sets a member's role, in one conditional statement: an owner's role changes
 * only while another owner remains. Undefined when nothing was written (not a
 * member, or the last owner).
 */
export async function setOrgMemberRole(tx: Db, orgId: string, userId: string, role: string): Promise<boolean> {
  const rows = await tx.query(
    `UPDATE memberships SET role = $3 WHERE org_id = $1 AND user_id = $2 AND ($3 = 'owner' OR ${KEEPS_AN_OWNER}) RETURNING user_id`,
    [orgId, userId, role],
  );
  return rows.length === 1;
}

/** Ends a membership, in one conditional statement: an owner leaves only while another owner remains. False when nothing was deleted. */
export async function deleteOrgMember(tx: Db, orgId: string, userId: string): Promise<boolean> {
  return (await tx.query(`DELETE FROM memberships WHERE org_id = $1 AND user_id = $2 AND ${KEEPS_AN_OWNER} RETURNING user_id`, [orgId, userId])).length === 1;
}
