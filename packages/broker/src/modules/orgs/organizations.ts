import { randomBytes } from 'node:crypto';
import type { Organization, OrganizationList } from '@latchkey/client';
import type { z } from 'zod';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { randomId } from '../../random.js';
import {
  deleteOrganization as deleteOrganizationRow,
  insertOrganizationWithMember,
  listUserOrganizations,
  updateOrganizationInTransaction,
  type LiveSession,
  type SessionUser,
} from '../../storage/queries/index.js';
import { recordAuditEvent, type AuditActor } from '../audit/record.js';
import type { OrgAccess } from './access.js';
import { audit, changeOrganization } from './changes.js';
import type { createOrganizationSchema, updateOrganizationSchema } from './schema.js';
import { toWireOrganization } from './views.js';

/** Organizations themselves (issue 24 §1): the user's list, creating one, renaming, deleting. */

/**
 * `GET /v1/orgs`: the user's organizations by name, each with their role, what
 * it allows and the policies this session does not meet; one query.
 */
export async function listMyOrganizations(deps: Deps, current: { session: LiveSession; user: SessionUser }): Promise<OrganizationList> {
  const now = deps.clock();
  const rows = await listUserOrganizations(deps.storage, current.user.id);
  return {
    organizations: rows.map((row) => toWireOrganization(deps.config, row, row, current.session.factors, now)),
    personal_allowed: deps.config.orgs.allowPersonal,
    create_allowed: deps.config.orgs.allowCreate,
  };
}

/** `name` reduced to a slug (ASCII letters and digits, hyphens between), at most 58 characters (room for a suffix); undefined when nothing is left. */
export function slugFromName(name: string): string | undefined {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 58)
    .replace(/-+$/, '');
  return slug || undefined;
}

/** Five lower-case letters and digits: what tells apart two organizations of the same name. */
const slugSuffix = () => randomBytes(5).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, '0').slice(0, 5);

/**
 * The slugs to try: the one given (only it: taken is `slug_taken`), or the
 * name's, then the name's with a random suffix (two organizations may share a
 * name, and a user who gave no slug should not be told one is taken).
 */
function slugCandidates(body: z.output<typeof createOrganizationSchema>): { slugs: string[]; given: boolean } {
  if (body.slug !== undefined) return { slugs: [body.slug], given: true };
  const base = slugFromName(body.name) ?? 'org';
  return { slugs: [base, ...Array.from({ length: 4 }, () => `${base}-${slugSuffix()}`)], given: false };
}

/**
 * `POST /v1/orgs`: a new organization whose creator is its owner (source
 * `created`), with its `org.created` event, in one transaction. 403
 * `forbidden` where the host allows no creation (`orgs.allowCreate`); 409
 * `slug_taken` for a given slug another organization has.
 */
export async function createOrganization(
  deps: Deps,
  current: { session: LiveSession; user: SessionUser },
  actor: AuditActor,
  body: z.output<typeof createOrganizationSchema>,
): Promise<Organization> {
  const { slugs, given } = slugCandidates(body);
  const now = deps.clock();
  const created = await deps.storage.transaction(async (tx) => {
    for (const slug of slugs) {
      const org = await insertOrganizationWithMember(tx, { id: randomId('org'), name: body.name, slug, createdAt: now }, { userId: current.user.id, role: 'owner', source: 'created' });
      if (!org) continue;
      await recordAuditEvent(tx, { type: 'org.created', orgId: org.id, actor, data: { name: org.name, slug: org.slug }, at: now });
      return org;
    }
    return undefined;
  });
  if (!created) throw new ProblemError('slug_taken', { detail: given ? `another organization has the slug ${body.slug}` : 'choose a slug' });
  return toWireOrganization(deps.config, created, { role: 'owner', custom: null }, current.session.factors, now);
}

/** `PATCH /v1/orgs/{org_id}` (`org:update`): renames it or changes its slug; `org.updated` says what changed from what. */
export async function updateOrganization(deps: Deps, access: OrgAccess, change: z.output<typeof updateOrganizationSchema>): Promise<Organization> {
  return changeOrganization(deps, access, 'org:update', async (tx, locked) => {
    const updated = await updateOrganizationInTransaction(tx, locked.org.id, change, deps.clock());
    if (updated === 'slug_taken') throw new ProblemError('slug_taken', { detail: `another organization has the slug ${change.slug}` });
    if (!updated) throw new ProblemError('not_found');
    const from: Record<string, string> = {};
    const to: Record<string, string> = {};
    for (const field of ['name', 'slug'] as const) {
      if (locked.org[field] !== updated[field]) {
        from[field] = locked.org[field];
        to[field] = updated[field];
      }
    }
    if (Object.keys(to).length > 0) await audit(deps, tx, access, { type: 'org.updated', data: { from, to } });
    return toWireOrganization(deps.config, updated, { role: locked.role, custom: locked.permissions }, access.session.factors, deps.clock());
  });
}

/**
 * `DELETE /v1/orgs/{org_id}` (`org:delete`, a recent authentication): the
 * organization with its memberships, roles, domains, connections, invitations
 * and requests. Its audit log stays (events have no foreign keys) until the
 * retention sweep, ending with `org.deleted`.
 */
export async function deleteOrganization(deps: Deps, access: OrgAccess): Promise<void> {
  await changeOrganization(deps, access, 'org:delete', async (tx, locked) => {
    await audit(deps, tx, access, { type: 'org.deleted', data: { name: locked.org.name, slug: locked.org.slug } });
    if (!(await deleteOrganizationRow(tx, locked.org.id))) throw new ProblemError('not_found');
  });
}
