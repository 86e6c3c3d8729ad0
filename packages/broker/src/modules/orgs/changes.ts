import type { Context } from 'hono';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { findTotpFactor, findUserOrganization, lockOrganization, type ManagedOrganizationRecord } from '../../storage/queries/index.js';
import type { Db } from '../../storage/storage.js';
import { recordAuditEvent, type AuditEventInput } from '../audit/record.js';
import { isRecent } from '../step-up/recent.js';
import { ID_SHAPE, requireOrgPermission, type OrgAccess } from './access.js';
import { permissionsOf } from './permissions.js';

/**
 * How every change to an organization is made (issue 24 §1): one transaction
 * that first locks the organization's row and reads the caller's membership
 * again under the lock, so a decision is taken on what is true now (a caller
 * demoted or removed a moment ago decides nothing) and two changes never
 * decide on the same state. The change's audit event is written in the same
 * transaction: a change never lands unrecorded, and a refused one records
 * nothing. Nothing in `change` may read through `deps.storage` (on PGlite, one
 * connection, it would wait for this transaction).
 */

/** The path's organization id (`requireOrgPermission` finds no organization for one of another shape). */
export const orgIdOf = (c: Context) => c.req.param('org_id') ?? '';

/** A path id (a member's user id) of an id's shape, else 404 `not_found`. */
export function pathUserId(c: Context): string {
  const id = c.req.param('user_id') ?? '';
  if (!ID_SHAPE.test(id)) throw new ProblemError('not_found');
  return id;
}

/**
 * `requireOrgPermission` for the path's organization.
 *
 * @example
 * const access = await orgAccess(deps, c, 'members:read');
 */
export const orgAccess = (deps: Deps, c: Context, permission?: string, options: { recent?: boolean } = {}) => requireOrgPermission(deps, c, orgIdOf(c), permission, options);

/** The organization and the caller's membership as read under its lock. */
export interface LockedOrg {
  org: ManagedOrganizationRecord;
  role: string;
  permissions: string[];
}

/**
 * Runs `change` in one transaction holding the organization's lock, after
 * checking `permission` again under it (404 `not_found` when the organization
 * or the caller's membership is gone, 403 `forbidden` when the permission is).
 *
 * @example
 * await changeOrganization(deps, access, 'members:manage', async (tx, locked) => { … });
 */
export async function changeOrganization<T>(deps: Deps, access: OrgAccess, permission: string | undefined, change: (tx: Db, locked: LockedOrg) => Promise<T>): Promise<T> {
  return deps.storage.transaction(async (tx) => {
    const org = await lockOrganization(tx, access.org.id);
    if (!org) throw new ProblemError('not_found');
    const membership = await findUserOrganization(tx, org.id, access.user.id);
    if (!membership) throw new ProblemError('not_found');
    const permissions = permissionsOf(deps.config, membership.role, membership.custom);
    if (permission !== undefined && !permissions.includes(permission)) throw new ProblemError('forbidden', { detail: `needs the permission ${permission}` });
    return change(tx, { org, role: membership.role, permissions });
  });
}

/**
 * Records the change's event in its transaction, as the caller of `access`.
 *
 * @example
 * await audit(deps, tx, access, { type: 'role.deleted', target: { type: 'role', id: key } });
 */
export function audit(deps: Deps, tx: Db, access: OrgAccess, event: Pick<AuditEventInput, 'type' | 'target' | 'data'>): Promise<void> {
  return recordAuditEvent(tx, { ...event, orgId: access.org.id, actor: access.actor, at: deps.clock() });
}

/**
 * Whether the caller authenticated recently enough for a sensitive change (the
 * rule of `requireRecentAuth`), read through `db`: for a change whose
 * sensitivity is known only under the lock (granting or taking `owner`).
 */
export async function authenticatedRecently(deps: Deps, db: Db, access: OrgAccess): Promise<boolean> {
  const { factors } = access.session;
  const now = deps.clock();
  const maxAge = deps.config.stepUp.maxAgeSeconds;
  if (isRecent(factors, now, maxAge, true)) return true;
  if (!isRecent(factors, now, maxAge, false)) return false;
  return (await findTotpFactor(db, access.user.id)) === undefined;
}
