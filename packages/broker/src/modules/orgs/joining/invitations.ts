import type { Context } from 'hono';
import type { Invitation, InvitationList, InvitationPreview, Organization } from '@latchkey/client';
import type { Deps } from '../../../deps.js';
import { ProblemError } from '../../../http/problem.js';
import { randomId } from '../../../random.js';
import type { LiveSession, SessionUser } from '../../../storage/queries/index.js';
import {
  acceptInvitation as acceptStoredInvitation,
  findUsableInvitation,
  insertInvitation,
  insertMembershipIfNone,
  isMemberByEmail,
  listPendingInvitations,
  lockOrganizationInvitations,
  revokeInvitation as revokeStoredInvitation,
  revokePendingInvitationsFor,
  type InvitationRecord,
} from '../../../storage/queries/joining.js';
import { recordAuditEvent, type AuditActor } from '../../audit/record.js';
import { invitationMail } from '../../email/messages.js';
import type { OrgAccess } from '../access.js';
import { checkGrant, roleStillGranted } from './grants.js';
import { memberOrganization } from './organization.js';
import { joinLink, joinTokenHash, newJoinToken } from './tokens.js';

/**
 * Invitations by email (issue 24 §2): single-use, expiring, revocable, for an
 * address with or without an account, accepted only by that address verified.
 */

export const toWireInvitation = (invitation: InvitationRecord): Invitation => ({
  id: invitation.id,
  email: invitation.email,
  role: invitation.role,
  invited_by: invitation.invitedBy,
  created_at: invitation.createdAt.toISOString(),
  expires_at: invitation.expiresAt.toISOString(),
});

export async function listInvitations(deps: Deps, access: OrgAccess): Promise<InvitationList> {
  return { invitations: (await listPendingInvitations(deps.storage, access.org.id, deps.clock())).map(toWireInvitation) };
}

/**
 * Invites `email` with `role`. The role must be one the inviter may grant
 * (`checkGrant`). An address whose account is a member already is 409
 * `already_member`; any other address, with an account or without, gets the
 * same answer and the same mail. In one transaction, under the organization's
 * row lock (parallel invitations of one address replace each other in turn):
 * the address's pending invitation is revoked (inviting again replaces it), the
 * new one stored (its token only as a hash) and both recorded; the mail leaves
 * after the commit.
 */
export async function createInvitation(deps: Deps, c: Context, access: OrgAccess, body: { email: string; role: string }): Promise<Invitation> {
  await checkGrant(deps.storage, deps, c, access, body.role);
  const now = deps.clock();
  const { token, tokenHash } = newJoinToken();
  const invitation = await deps.storage.transaction(async (tx) => {
    if (!(await lockOrganizationInvitations(tx, access.org.id))) throw new ProblemError('not_found');
    if (await isMemberByEmail(tx, access.org.id, body.email)) throw new ProblemError('already_member');
    for (const replaced of await revokePendingInvitationsFor(tx, access.org.id, body.email, now)) {
      await recordAuditEvent(tx, { type: 'invitation.revoked', orgId: access.org.id, actor: access.actor, target: { type: 'invitation', id: replaced, label: body.email }, data: { replaced: true }, at: now });
    }
    const stored = await insertInvitation(tx, {
      id: randomId('inv'),
      orgId: access.org.id,
      email: body.email,
      role: body.role,
      tokenHash,
      invitedBy: access.user.id,
      createdAt: now,
      expiresAt: new Date(now.getTime() + deps.config.orgs.invitationTtlSeconds * 1000),
    });
    if (!stored) throw new Error('a pending invitation of this address appeared under the lock');
    await recordAuditEvent(tx, { type: 'invitation.created', orgId: access.org.id, actor: access.actor, target: { type: 'invitation', id: stored.id, label: stored.email }, data: { role: stored.role }, at: now });
    return stored;
  });
  deps.mail.deliver(
    invitationMail(invitation.email, {
      organization: access.org.name,
      invitedBy: access.user.email,
      role: invitation.role,
      url: joinLink(deps.config, 'lk_invitation', token),
      expiresAt: invitation.expiresAt,
    }),
  );
  return toWireInvitation(invitation);
}

/** Revokes a pending invitation of this organization; another organization's id, or one accepted or revoked, is `not_found`. */
export async function revokeInvitation(deps: Deps, access: OrgAccess, id: string): Promise<void> {
  await deps.storage.transaction(async (tx) => {
    const now = deps.clock();
    const revoked = await revokeStoredInvitation(tx, access.org.id, id, now);
    if (!revoked) throw new ProblemError('not_found');
    await recordAuditEvent(tx, { type: 'invitation.revoked', orgId: access.org.id, actor: access.actor, target: { type: 'invitation', id, label: revoked.email }, at: now });
  });
}

/** What an invitation's token is for; unknown, used, revoked and expired all answer `invitation_invalid`. */
export async function previewInvitation(deps: Deps, token: string): Promise<InvitationPreview> {
  const hash = joinTokenHash(token);
  const invitation = hash && (await findUsableInvitation(deps.storage, hash, deps.clock()));
  if (!invitation) throw new ProblemError('invitation_invalid');
  return { organization: { id: invitation.orgId, name: invitation.orgName }, email: invitation.email, role: invitation.role, expires_at: invitation.expiresAt.toISOString() };
}

/**
 * The signed-in user accepts an invitation. Only the invited address, verified,
 * accepts: any other answers 403 `invitation_not_for_you` and leaves the
 * invitation usable. One conditional UPDATE consumes it (of parallel accepts
 * one wins) and, in the same transaction, the membership is made with the
 * invitation's role. A user who is a member already keeps their membership and
 * role (an invitation never changes a role: that is `members:manage`'s), and the
 * invitation is consumed all the same.
 */
export async function acceptInvitation(deps: Deps, current: { session: LiveSession; user: SessionUser }, actor: AuditActor, token: string): Promise<Organization> {
  const hash = joinTokenHash(token);
  if (!hash) throw new ProblemError('invitation_invalid');
  const { user, session } = current;
  return deps.storage.transaction(async (tx) => {
    const now = deps.clock();
    // An unverified address proves nothing about whose mailbox it is: it accepts nothing.
    const accepted = user.emailVerifiedAt === null ? undefined : await acceptStoredInvitation(tx, hash, user.email, user.id, now);
    if (!accepted) {
      // Nothing was written: say why, without changing anything.
      throw new ProblemError((await findUsableInvitation(tx, hash, now)) ? 'invitation_not_for_you' : 'invitation_invalid');
    }
    const role = await roleStillGranted(tx, accepted.orgId, accepted.role);
    const joined = await insertMembershipIfNone(tx, { orgId: accepted.orgId, userId: user.id, role, source: 'invitation', createdAt: now });
    const target = { type: 'invitation', id: accepted.id, label: accepted.email };
    await recordAuditEvent(tx, { type: 'invitation.accepted', orgId: accepted.orgId, actor, target, data: { role, already_member: !joined }, at: now });
    if (joined) {
      await recordAuditEvent(tx, { type: 'member.added', orgId: accepted.orgId, actor, target: { type: 'user', id: user.id, label: user.email }, data: { source: 'invitation', role, invitation: accepted.id }, at: now });
    }
    return memberOrganization(tx, deps, session, accepted.orgId);
  });
}
