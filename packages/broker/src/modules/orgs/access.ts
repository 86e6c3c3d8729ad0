import type { Context } from 'hono';
import type { Deps } from '../../deps.js';
import { clientAddress } from '../sign-in/browser.js';
import { ProblemError } from '../../http/problem.js';
import { findUserOrganization, type LiveSession, type SessionUser } from '../../storage/queries/index.js';
import type { AuditActor } from '../audit/record.js';
import { currentSession } from '../sessions/sessions.js';
import { requireRecentAuth } from '../step-up/recent.js';
import { permissionsOf } from './permissions.js';

/**
 * The one check every `/v1/orgs/{org_id}/…` route starts with (issue 24 §1):
 * the signed-in user's membership of the organization in the path, read now,
 * and the permission the route needs. Not a member (or no such organization):
 * 404 `not_found`, the same answer, so ids of other organizations tell nothing.
 * A member whose role lacks the permission: 403 `forbidden`. Objects under the
 * organization are then always looked up together with `org.id`.
 */

/** The shape of ids in paths: what the broker makes (`org_…`, `usr_…`) and what tests and seeds use. */
export const ID_SHAPE = /^[A-Za-z0-9_-]{1,128}$/;

export interface OrgAccess {
  session: LiveSession;
  user: SessionUser;
  org: { id: string; name: string };
  role: string;
  permissions: string[];
  actor: AuditActor;
}


/** The request's actor for audit events: the signed-in user, the client address and browser. */
export function actorOf(c: Context, deps: Deps, user: Pick<SessionUser, 'id' | 'email'> | null): AuditActor {
  return {
    userId: user?.id ?? null,
    email: user?.email ?? null,
    ip: clientAddress(c, deps.config) ?? null,
    userAgent: c.req.header('user-agent')?.slice(0, 512) ?? null,
  };
}

/**
 * The signed-in member of the path's organization holding `permission` (none:
 * any member). `recent: true` also asks for a recent authentication (step-up),
 * checked first, before anything is read, as every sensitive route does.
 *
 * @example
 * const access = await requireOrgPermission(deps, c, c.req.param('org_id'), 'members:manage');
 */
export async function requireOrgPermission(
  deps: Deps,
  c: Context,
  orgId: string,
  permission?: string,
  options: { recent?: boolean } = {},
): Promise<OrgAccess> {
  const current = options.recent ? await requireRecentAuth(deps, c) : await currentSession(deps, c);
  if (!current) throw new ProblemError('unauthenticated');
  // An id no organization can have (a NUL, which PostgreSQL refuses in text, a 10 kB string) is as unknown as any other.
  const membership = ID_SHAPE.test(orgId) ? await findUserOrganization(deps.storage, orgId, current.user.id) : undefined;
  if (!membership) throw new ProblemError('not_found');
  const permissions = permissionsOf(deps.config, membership.role, membership.custom);
  if (permission !== undefined && !permissions.includes(permission)) throw new ProblemError('forbidden', { detail: `needs the permission ${permission}` });
  return {
    session: current.session,
    user: current.user,
    org: { id: orgId, name: membership.name },
    role: membership.role,
    permissions,
    actor: actorOf(c, deps, current.user),
  };
}
