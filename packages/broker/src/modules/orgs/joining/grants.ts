import type { Context } from 'hono';
import type { Deps } from '../../../deps.js';
import { ProblemError } from '../../../http/problem.js';
import { findCustomRolePermissions } from '../../../storage/queries/joining.js';
import type { Db } from '../../../storage/storage.js';
import { requireRecentAuth } from '../../step-up/recent.js';
import type { OrgAccess } from '../access.js';
import { holdsAll, isBuiltInRole, permissionsOf } from '../permissions.js';

/**
 * What a member may hand out by inviting, sharing a link or approving a
 * request (issue 24 §1–2): a built-in role or one of this organization's
 * custom roles (another organization's key is as unknown as none), holding
 * only permissions the granter holds; `owner` only from an owner, who also
 * proves a recent sign-in for it (a new owner is a change to the
 * organization's security, as demoting one is).
 *
 * @example
 * await checkGrant(deps.storage, deps, c, access, body.role);
 */
export async function checkGrant(db: Db, deps: Deps, c: Context, access: OrgAccess, role: string): Promise<void> {
  const custom = isBuiltInRole(role) ? null : await findCustomRolePermissions(db, access.org.id, role);
  if (!isBuiltInRole(role) && custom === undefined) {
    throw new ProblemError('invalid_request', { errors: [{ path: 'role', message: 'No such role in this organization' }] });
  }
  if (role === 'owner' && access.role !== 'owner') throw new ProblemError('forbidden', { detail: 'only an owner grants the role owner' });
  if (!holdsAll(access.permissions, permissionsOf(deps.config, role, custom ?? null))) {
    throw new ProblemError('forbidden', { detail: 'the role holds a permission you do not hold' });
  }
  if (role === 'owner') await requireRecentAuth(deps, c);
}

/**
 * The role a join grants, read when it happens: an invitation's or a link's
 * custom role deleted since is no longer granted, and the newcomer becomes a
 * `member` (the least role) rather than a holder of a role that allows nothing.
 */
export async function roleStillGranted(db: Db, orgId: string, role: string): Promise<string> {
  if (isBuiltInRole(role)) return role;
  return (await findCustomRolePermissions(db, orgId, role)) === undefined ? 'member' : role;
}
