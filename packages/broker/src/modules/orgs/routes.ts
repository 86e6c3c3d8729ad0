import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { Deps } from '../../deps.js';
import { readJson } from '../../http/body.js';
import { ProblemError } from '../../http/problem.js';
import { auditRoutes } from '../audit/routes.js';
import { currentSession } from '../sessions/sessions.js';
import { actorOf } from './access.js';
import { orgAccess, pathUserId } from './changes.js';
import { addDomain, listDomains, pathDomain, removeDomain, updateDomainEnrollment, verifyDomain } from './domain-settings.js';
import { changeMemberRole, listMembers, removeMember } from './members.js';
import { createOrganization, deleteOrganization, listMyOrganizations, updateOrganization } from './organizations.js';
import { readPolicies, writePolicies } from './policy-settings.js';
import { readQuery } from './query.js';
import { createRole, deleteRole, listRoles, updateRole } from './roles.js';
import {
  addDomainSchema,
  createOrganizationSchema,
  createRoleSchema,
  emptySchema,
  memberPageSchema,
  policiesSchema,
  roleKeyField,
  updateDomainSchema,
  updateMemberSchema,
  updateOrganizationSchema,
  updateRoleSchema,
} from './schema.js';

/** Nothing an organization route answers is kept by a cache (member lists, policies, the audit log). */
const noStore: MiddlewareHandler = async (c, next) => {
  await next();
  c.header('cache-control', 'no-store');
};

async function signedIn(deps: Deps, c: Context) {
  const current = await currentSession(deps, c);
  if (!current) throw new ProblemError('unauthenticated');
  return current;
}

/** The role key of the path; one that cannot be a key is not found. */
function pathRoleKey(c: Context): string {
  const key = c.req.param('key') ?? '';
  if (!roleKeyField.safeParse(key).success) throw new ProblemError('not_found');
  return key;
}

/**
 * The organization routes (issue 24 §1, §2's domains, §4's settings; wire/orgs.ts).
 * Each `/:org_id/…` handler starts with `requireOrgPermission` (through
 * `orgAccess`): the caller's membership and the route's permission, read for
 * this request; a sensitive change asks for a recent authentication first,
 * before its body is read. Objects are looked up together with the path's
 * organization, so another organization's ids are `not_found`.
 *
 * @example
 * app.route('/v1/orgs', orgRoutes(deps));
 */
export function orgRoutes(deps: Deps) {
  return (
    new Hono()
      .use(noStore)
      // The user's organizations, and a new one
      .get('/', async (c) => c.json(await listMyOrganizations(deps, await signedIn(deps, c))))
      .post('/', async (c) => {
        const current = await signedIn(deps, c);
        if (!deps.config.orgs.allowCreate) throw new ProblemError('forbidden', { detail: 'this app does not let users create organizations' });
        const body = await readJson(c, createOrganizationSchema);
        return c.json(await createOrganization(deps, current, actorOf(c, deps, current.user), body), 201);
      })
      .patch('/:org_id', async (c) => {
        const access = await orgAccess(deps, c, 'org:update');
        return c.json(await updateOrganization(deps, access, await readJson(c, updateOrganizationSchema)));
      })
      .delete('/:org_id', async (c) => {
        await deleteOrganization(deps, await orgAccess(deps, c, 'org:delete', { recent: true }));
        return c.body(null, 204);
      })
      // Members
      .get('/:org_id/members', async (c) => {
        const access = await orgAccess(deps, c, 'members:read');
        return c.json(await listMembers(deps, access, readQuery(c, memberPageSchema)));
      })
      .patch('/:org_id/members/:user_id', async (c) => {
        const access = await orgAccess(deps, c, 'members:manage');
        const { role } = await readJson(c, updateMemberSchema);
        return c.json(await changeMemberRole(deps, access, pathUserId(c), role));
      })
      .delete('/:org_id/members/:user_id', async (c) => {
        // Leaving needs no permission: any member may leave (the last owner excepted).
        const access = await orgAccess(deps, c);
        await removeMember(deps, access, pathUserId(c));
        return c.body(null, 204);
      })
      // Roles
      .get('/:org_id/roles', async (c) => c.json(await listRoles(deps, await orgAccess(deps, c, 'members:read'))))
      .post('/:org_id/roles', async (c) => {
        const access = await orgAccess(deps, c, 'roles:manage', { recent: true });
        return c.json(await createRole(deps, access, await readJson(c, createRoleSchema)), 201);
      })
      .patch('/:org_id/roles/:key', async (c) => {
        const access = await orgAccess(deps, c, 'roles:manage', { recent: true });
        const key = pathRoleKey(c);
        return c.json(await updateRole(deps, access, key, await readJson(c, updateRoleSchema)));
      })
      .delete('/:org_id/roles/:key', async (c) => {
        const access = await orgAccess(deps, c, 'roles:manage', { recent: true });
        await deleteRole(deps, access, pathRoleKey(c));
        return c.body(null, 204);
      })
      // Domains
      .get('/:org_id/domains', async (c) => c.json(await listDomains(deps, await orgAccess(deps, c, 'domains:manage'))))
      .post('/:org_id/domains', async (c) => {
        const access = await orgAccess(deps, c, 'domains:manage', { recent: true });
        const { domain } = await readJson(c, addDomainSchema);
        return c.json(await addDomain(deps, access, domain), 201);
      })
      .post('/:org_id/domains/:domain/verify', async (c) => {
        const access = await orgAccess(deps, c, 'domains:manage', { recent: true });
        const domain = pathDomain(c);
        await readJson(c, emptySchema);
        return c.json(await verifyDomain(deps, access, domain));
      })
      .patch('/:org_id/domains/:domain', async (c) => {
        const access = await orgAccess(deps, c, 'domains:manage', { recent: true });
        const domain = pathDomain(c);
        const { enrollment } = await readJson(c, updateDomainSchema);
        return c.json(await updateDomainEnrollment(deps, access, domain, enrollment!));
      })
      .delete('/:org_id/domains/:domain', async (c) => {
        const access = await orgAccess(deps, c, 'domains:manage', { recent: true });
        await removeDomain(deps, access, pathDomain(c));
        return c.body(null, 204);
      })
      // Security policies
      // Every member reads them: they say what a member must set up.
      .get('/:org_id/policies', async (c) => c.json(await readPolicies(deps, await orgAccess(deps, c))))
      .put('/:org_id/policies', async (c) => {
        const access = await orgAccess(deps, c, 'policies:manage', { recent: true });
        return c.json(await writePolicies(deps, access, await readJson(c, policiesSchema)));
      })
      // The audit log
      .route('/', auditRoutes(deps))
  );
}

/**
 * What the organizations module adds, in one place: `/v1/orgs` and everything
 * under it, with the account routes' guards (a trusted Origin, a small JSON
 * body, a budget per client address on unsafe methods).
 *
 * @example
 * mountOrgs(app, deps, flowGuards);
 */
export function mountOrgs(app: Hono, deps: Deps, guards: MiddlewareHandler[]) {
  app.use('/v1/orgs/*', ...guards);
  app.route('/v1/orgs', orgRoutes(deps));
}
