import { z } from 'zod';
import { emailField } from '../../email/schema.js';

/**
 * Request schemas of joining (wire/orgs.ts), checked at the edge: strict
 * objects, so an unknown field is a 400 rather than silently dropped.
 */

/** A role key as roles are named: a built-in role or a custom role's key (checked against the organization afterwards). */
const roleField = z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'A role is owner, admin, member or a custom role’s key');

/** A token as presented: any short string (one not of our shape is answered as unknown, never as malformed). */
const tokenField = z.string().min(1).max(200);

/** A reason or message shown to people: 1 to 500 characters, trimmed. */
const noteField = z.string().trim().min(1, 'Say why, in a few words').max(500);

/** POST /v1/orgs/{org_id}/invitations */
export const invitationSchema = z.strictObject({ email: emailField, role: roleField });

/** POST /v1/orgs/{org_id}/invite-links */
export const inviteLinkSchema = z.strictObject({
  role: roleField,
  max_uses: z.int().min(1).max(100_000).nullable().optional(),
  expires_in: z.int().min(60).max(365 * 86_400).nullable().optional(),
});

/** POST /v1/invitations/accept, POST /v1/invite-links/join */
export const tokenSchema = z.strictObject({ token: tokenField });

/** POST /v1/orgs/{org_id}/join: no input. */
export const emptySchema = z.strictObject({});

/** POST /v1/orgs/{org_id}/access-requests */
export const accessRequestSchema = z.strictObject({ message: z.string().trim().max(500).optional() });

/** POST …/access-requests/{id}/approve: the role (default `member`) and an optional note to the requester. */
export const approveSchema = z.strictObject({ role: roleField.optional(), reason: noteField.optional() });

/** POST …/access-requests/{id}/deny: the reason is required; it is recorded and shown to the requester. */
export const denySchema = z.strictObject({ reason: noteField });

/** Path ids of joining's objects: malformed is as unknown as another organization's (404). */
export const INVITATION_ID = /^inv_[\w-]{1,60}$/;
export const INVITE_LINK_ID = /^lnk_[\w-]{1,60}$/;
export const ACCESS_REQUEST_ID = /^req_[\w-]{1,60}$/;
