import type { Member, MemberList } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import {
  countOtherOwners,
  deleteOrgMember,
  findManagedOrganization,
  findOrgMember,
  findOrgRole,
  listOrgMembers,
  setOrgMemberRole,
  type OrgMemberEnrolment,
} from '../../storage/queries/index.js';
import type { Db } from '../../storage/storage.js';
import type { OrgAccess } from './access.js';
import { audit, authenticatedRecently, changeOrganization, type LockedOrg } from './changes.js';
import { holdsAll, isBuiltInRole, permissionsOf } from './permissions.js';
import { enrolledFactors, unmetRequirements, type OrgPolicy } from './policy.js';
import { orgPolicyOf, toWireMember } from './views.js';

/**
 * An organization's members (issue 24 §1): the list, a role change, a removal
 * or leaving. The rules, checked under the organization's lock:
 * - nobody changes their own role;
 * - only an owner grants or takes away `owner`, or removes an owner, and only
 *   after a recent authentication;
 * - a manager grants only a role whose permissions they hold themselves, and
 *   manages only members whose role holds nothing they do not (an admin cannot
 *   demote or remove a custom "super-admin");
 * - the organization keeps an owner: the last one cannot be demoted, removed or
 *   leave (409 `last_owner`).
 */

/** What a role allows in this organization, read through `db` for a custom role (unknown: nothing). */
async function rolePermissions(deps: Deps, db: Db, orgId: string, role: string): Promise<string[] | undefined> {
  if (isBuiltInRole(role)) return permissionsOf(deps.config, role, null);
  const custom = await findOrgRole(db, orgId, role);
  return custom ? permissionsOf(deps.config, role, custom.permissions) : undefined;
}

const outOfPolicy = (policy: OrgPolicy, enrolment: OrgMemberEnrolment | undefined, now: Date) =>
  enrolment ? unmetRequirements(enrolledFactors(enrolment, policy.orgId, now.toISOString()), policy, now) : [];

/**
 * `GET /v1/orgs/{org_id}/members` (`members:read`): a page by email. Who is
 * out of policy is shown only to callers who manage members (`members:manage`):
 * judged by what each member enrolled (see `enrolledFactors`).
 */
export async function listMembers(deps: Deps, access: OrgAccess, page: { after?: string; limit: number }): Promise<MemberList> {
  const manages = access.permissions.includes('members:manage');
  const org = manages ? await findManagedOrganization(deps.storage, access.org.id) : undefined;
  const rows = await listOrgMembers(deps.storage, access.org.id, { after: page.after, limit: page.limit + 1 }, manages);
  const shown = rows.slice(0, page.limit);
  const now = deps.clock();
  const policy = org ? orgPolicyOf(org) : undefined;
  return {
    members: shown.map((member) => toWireMember(member, policy ? outOfPolicy(policy, member.enrolment, now) : [])),
    next: rows.length > page.limit ? shown.at(-1)!.email : null,
  };
}

/** The member of the path, read under the lock, with what their role allows; 404 for anyone else (another organization's member too). */
async function targetOf(deps: Deps, tx: Db, locked: LockedOrg, userId: string) {
  const member = await findOrgMember(tx, locked.org.id, userId);
  if (!member) throw new ProblemError('not_found');
  return { member, permissions: (await rolePermissions(deps, tx, locked.org.id, member.role)) ?? [] };
}

/** Refuses a manager who does not hold every permission of `role` (a role they would grant or a member they would manage). */
function requireHolds(locked: LockedOrg, permissions: string[], what: string) {
  const missing = permissions.filter((p) => !locked.permissions.includes(p));
  if (!holdsAll(locked.permissions, permissions)) throw new ProblemError('forbidden', { detail: `${what} holds permissions you do not: ${missing.join(', ')}` });
}

/** `owner` is the owners' to give and take, after a recent authentication. */
async function requireOwnerChange(deps: Deps, tx: Db, access: OrgAccess, locked: LockedOrg) {
  if (locked.role !== 'owner') throw new ProblemError('forbidden', { detail: 'only an owner grants, takes away or removes owner' });
  if (!(await authenticatedRecently(deps, tx, access))) throw new ProblemError('reauthentication_required');
}

/**
 * `PATCH /v1/orgs/{org_id}/members/{user_id}` (`members:manage`): sets another
 * member's role, with `member.role_changed` (`from`, `to`). The same role
 * again changes and records nothing.
 */
export async function changeMemberRole(deps: Deps, access: OrgAccess, userId: string, role: string): Promise<Member> {
  if (userId === access.user.id) throw new ProblemError('forbidden', { detail: 'nobody changes their own role' });
  return changeOrganization(deps, access, 'members:manage', async (tx, locked) => {
    const target = await targetOf(deps, tx, locked, userId);
    const granted = await rolePermissions(deps, tx, locked.org.id, role);
    if (!granted) throw new ProblemError('invalid_request', { errors: [{ path: 'role', message: 'no such role in this organization' }] });
    if (target.member.role === 'owner' || role === 'owner') await requireOwnerChange(deps, tx, access, locked);
    requireHolds(locked, target.permissions, 'their role');
    requireHolds(locked, granted, 'the role');
    const unchanged = target.member.role === role;
    if (!unchanged) {
      if (!(await setOrgMemberRole(tx, locked.org.id, userId, role))) throw new ProblemError('last_owner');
      await audit(deps, tx, access, { type: 'member.role_changed', target: { type: 'user', id: userId, label: target.member.email }, data: { from: target.member.role, to: role } });
    }
    const policy = locked.permissions.includes('members:manage') ? orgPolicyOf(locked.org) : undefined;
    const now = deps.clock();
    return toWireMember({ ...target.member, role }, policy ? outOfPolicy(policy, target.member.enrolment, now) : []);
  });
}

/**
 * `DELETE /v1/orgs/{org_id}/members/{user_id}`: leaving (one's own id, any
 * member) or removing another member (`members:manage`), with `member.removed`
 * (`role`, and `left` when one left). The last owner stays: 409 `last_owner`.
 */
export async function removeMember(deps: Deps, access: OrgAccess, userId: string): Promise<void> {
  const leaving = userId === access.user.id;
  await changeOrganization(deps, access, leaving ? undefined : 'members:manage', async (tx, locked) => {
    const target = await targetOf(deps, tx, locked, userId);
    if (!leaving) {
      if (target.member.role === 'owner') await requireOwnerChange(deps, tx, access, locked);
      requireHolds(locked, target.permissions, 'their role');
    }
    // The lock makes the count exact; the conditional DELETE would refuse regardless.
    if (target.member.role === 'owner' && (await countOtherOwners(tx, locked.org.id, userId)) === 0) throw new ProblemError('last_owner');
    if (!(await deleteOrgMember(tx, locked.org.id, userId))) throw new ProblemError('last_owner');
    await audit(deps, tx, access, {
      type: 'member.removed',
      target: { type: 'user', id: userId, label: target.member.email },
      data: { role: target.member.role, ...(leaving ? { left: true } : {}) },
    });
  });
}
