import type { Role, RoleList } from '@latchkey/client';
import type { z } from 'zod';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { countRoleHolders, deleteUnusedOrgRole, findOrgRole, insertOrgRole, listOrgRoles, updateOrgRole } from '../../storage/queries/index.js';
import type { OrgAccess } from './access.js';
import { audit, changeOrganization, type LockedOrg } from './changes.js';
import { allPermissions, BUILT_IN_ROLES, holdsAll, isBuiltInRole, permissionsOf } from './permissions.js';
import type { createRoleSchema, updateRoleSchema } from './schema.js';
import { toWireRole } from './views.js';

/**
 * Custom roles (issue 24 §1): named sets of the broker's and the host's
 * permissions, per organization. The built-in roles are listed but never
 * changed (403 `forbidden`). Nobody makes a role holding a permission they do
 * not hold themselves, nor changes one that holds such a permission.
 */

const BUILT_IN_NAMES: Record<string, string> = { owner: 'Owner', admin: 'Admin', member: 'Member' };

/** `GET /v1/orgs/{org_id}/roles` (`members:read`): the built-in roles, then the custom ones by key, each with how many members hold it. */
export async function listRoles(deps: Deps, access: OrgAccess): Promise<RoleList> {
  const [custom, holders] = [await listOrgRoles(deps.storage, access.org.id), await countRoleHolders(deps.storage, access.org.id)];
  return {
    roles: [
      ...BUILT_IN_ROLES.map((key) => toWireRole({ key, name: BUILT_IN_NAMES[key]!, permissions: permissionsOf(deps.config, key, null) }, true, holders.get(key) ?? 0)),
      ...custom.map((role) => toWireRole({ ...role, permissions: permissionsOf(deps.config, role.key, role.permissions) }, false, holders.get(role.key) ?? 0)),
    ],
    permissions: allPermissions(deps.config),
  };
}

/** 400 `invalid_request` naming each permission the configuration does not know. */
function requireKnown(deps: Deps, permissions: string[]) {
  const known = allPermissions(deps.config);
  const errors = permissions.flatMap((p, i) => (known.includes(p) ? [] : [{ path: `permissions.${i}`, message: `unknown permission ${p}` }]));
  if (errors.length > 0) throw new ProblemError('invalid_request', { errors });
}

function requireHolds(locked: LockedOrg, permissions: string[]) {
  const missing = permissions.filter((p) => !locked.permissions.includes(p));
  if (!holdsAll(locked.permissions, permissions)) throw new ProblemError('forbidden', { detail: `the role would hold permissions you do not: ${missing.join(', ')}` });
}

const builtInRefused = () => new ProblemError('forbidden', { detail: 'the built-in roles cannot be changed' });

/** `POST /v1/orgs/{org_id}/roles` (`roles:manage`, a recent authentication) -> 201 Role; 409 `role_exists`. */
export async function createRole(deps: Deps, access: OrgAccess, body: z.output<typeof createRoleSchema>): Promise<Role> {
  if (isBuiltInRole(body.key)) throw new ProblemError('role_exists', { detail: `${body.key} is a built-in role` });
  requireKnown(deps, body.permissions);
  return changeOrganization(deps, access, 'roles:manage', async (tx, locked) => {
    requireHolds(locked, body.permissions);
    const role = await insertOrgRole(tx, locked.org.id, { key: body.key, name: body.name, permissions: body.permissions, createdAt: deps.clock() });
    if (!role) throw new ProblemError('role_exists');
    await audit(deps, tx, access, { type: 'role.created', target: { type: 'role', id: role.key, label: role.name }, data: { permissions: role.permissions } });
    return toWireRole(role, false, 0);
  });
}

/** `PATCH /v1/orgs/{org_id}/roles/{key}` (`roles:manage`, a recent authentication): its name and permissions. */
export async function updateRole(deps: Deps, access: OrgAccess, key: string, body: z.output<typeof updateRoleSchema>): Promise<Role> {
  if (isBuiltInRole(key)) throw builtInRefused();
  if (body.key !== undefined && body.key !== key) throw new ProblemError('invalid_request', { errors: [{ path: 'key', message: 'a role keeps its key' }] });
  requireKnown(deps, body.permissions);
  return changeOrganization(deps, access, 'roles:manage', async (tx, locked) => {
    const current = await findOrgRole(tx, locked.org.id, key);
    if (!current) throw new ProblemError('not_found');
    const held = permissionsOf(deps.config, key, current.permissions);
    requireHolds(locked, held);
    requireHolds(locked, body.permissions);
    const updated = (await updateOrgRole(tx, locked.org.id, key, { name: body.name, permissions: body.permissions }, deps.clock()))!;
    if (current.name !== updated.name || held.join() !== body.permissions.join()) {
      await audit(deps, tx, access, {
        type: 'role.updated',
        target: { type: 'role', id: key, label: updated.name },
        data: { from: { name: current.name, permissions: held }, to: { name: updated.name, permissions: updated.permissions } },
      });
    }
    const holders = await countRoleHolders(tx, locked.org.id);
    return toWireRole(updated, false, holders.get(key) ?? 0);
  });
}

/** `DELETE /v1/orgs/{org_id}/roles/{key}` (`roles:manage`, a recent authentication); 409 `role_in_use` while members hold it. */
export async function deleteRole(deps: Deps, access: OrgAccess, key: string): Promise<void> {
  if (isBuiltInRole(key)) throw builtInRefused();
  await changeOrganization(deps, access, 'roles:manage', async (tx, locked) => {
    const current = await findOrgRole(tx, locked.org.id, key);
    const outcome = await deleteUnusedOrgRole(tx, locked.org.id, key);
    if (outcome === 'not_found' || !current) throw new ProblemError('not_found');
    if (outcome === 'in_use') throw new ProblemError('role_in_use');
    await audit(deps, tx, access, { type: 'role.deleted', target: { type: 'role', id: key, label: current.name }, data: { permissions: current.permissions } });
  });
}
