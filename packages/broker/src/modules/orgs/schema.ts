import { z } from 'zod';

/**
 * Request schemas of the organization routes (`/v1/orgs`, wire/orgs.ts). Every
 * object is strict: an unknown field is a 400 naming it, so a typo
 * (`require_mfaa`) never passes as a silent default. Snake case on the wire.
 * Permissions are checked against the configuration's list in the handlers
 * (the host's own permissions are configuration).
 */

const name = z.string().trim().min(1).max(200);

/** An organization's URL handle: lower-case letters, digits and inner hyphens. */
export const slugField = z
  .string()
  .trim()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, 'lower-case letters, digits and inner hyphens, 1 to 64 characters');

/** A role key: a built-in role (`owner`, `admin`, `member`) or a custom role's key (`org_roles.key`). */
export const roleKeyField = z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'a role key: a lower-case letter, then letters, digits, _ or -, at most 40 characters');

/** A permission's name (`resource:action`); whether the broker knows it is the handler's to say. */
const permissionField = z.string().min(1).max(100);
const permissionsField = z
  .array(permissionField)
  .max(300)
  .refine((list) => new Set(list).size === list.length, 'list each permission once');

/** POST /v1/orgs */
export const createOrganizationSchema = z.strictObject({ name, slug: slugField.optional() });

/** PATCH /v1/orgs/{org_id} */
export const updateOrganizationSchema = z
  .strictObject({ name: name.optional(), slug: slugField.optional() })
  .refine((change) => change.name !== undefined || change.slug !== undefined, 'name or slug: nothing to change');

/** GET /v1/orgs/{org_id}/members?after=&limit= */
export const memberPageSchema = z.strictObject({
  after: z.string().min(1).max(320).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

/** PATCH /v1/orgs/{org_id}/members/{user_id} */
export const updateMemberSchema = z.strictObject({ role: roleKeyField });

/** POST /v1/orgs/{org_id}/roles */
export const createRoleSchema = z.strictObject({ key: roleKeyField, name: z.string().trim().min(1).max(100), permissions: permissionsField });

/** PATCH /v1/orgs/{org_id}/roles/{key}: the key stays (given, it must be the path's). */
export const updateRoleSchema = z.strictObject({ key: roleKeyField.optional(), name: z.string().trim().min(1).max(100), permissions: permissionsField });

/** POST /v1/orgs/{org_id}/domains */
export const addDomainSchema = z.strictObject({ domain: z.string().max(300) });

/** PATCH /v1/orgs/{org_id}/domains/{domain} */
export const updateDomainSchema = z
  .strictObject({ enrollment: z.enum(['manual', 'request', 'automatic']).optional() })
  .refine((change) => change.enrollment !== undefined, 'enrollment: nothing to change');

/** PUT /v1/orgs/{org_id}/policies: the whole policy, every field. */
export const policiesSchema = z.strictObject({
  require_mfa: z.boolean(),
  require_passkey: z.boolean(),
  require_sso: z.boolean(),
  grace_days: z.int().min(0).max(90),
});

/** A body-less POST (`…/verify`) takes `{}` or nothing else. */
export const emptySchema = z.strictObject({});
