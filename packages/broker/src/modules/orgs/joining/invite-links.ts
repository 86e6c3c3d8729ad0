import type { Context } from 'hono';
import type { InviteLink, InviteLinkList, InviteLinkPreview, Organization } from '@latchkey/client';
import type { Deps } from '../../../deps.js';
import { ProblemError } from '../../../http/problem.js';
import { randomId } from '../../../random.js';
import type { LiveSession, SessionUser } from '../../../storage/queries/index.js';
import {
  findUsableInviteLink,
  insertInviteLink,
  insertMembershipIfNone,
  listInviteLinks as listStoredInviteLinks,
  revokeInviteLink as revokeStoredInviteLink,
  spendInviteLinkUse,
  type InviteLinkRecord,
} from '../../../storage/queries/joining.js';
import { recordAuditEvent, type AuditActor } from '../../audit/record.js';
import type { OrgAccess } from '../access.js';
import { checkGrant, roleStillGranted } from './grants.js';
import { memberOrganization } from './organization.js';
import { joinLink, joinTokenHash, newJoinToken } from './tokens.js';

/**
 * Invite links (issue 24 §2): multi-use, with an expiry, a use limit and a
 * role, revocable; no email. The URL (with the token) is shown once, in the
 * answer that made the link: the database keeps only the token's hash.
 */

export const toWireInviteLink = (link: InviteLinkRecord, url?: string): InviteLink => ({
  id: link.id,
  role: link.role,
  ...(url ? { url } : {}),
  uses: link.uses,
  max_uses: link.maxUses,
  expires_at: link.expiresAt?.toISOString() ?? null,
  revoked_at: link.revokedAt?.toISOString() ?? null,
  created_at: link.createdAt.toISOString(),
});

export async function listInviteLinks(deps: Deps, access: OrgAccess): Promise<InviteLinkList> {
  return { links: (await listStoredInviteLinks(deps.storage, access.org.id)).map((link) => toWireInviteLink(link)) };
}

/** Makes a link granting `role` (one the creator may grant: `checkGrant`), recorded in the same transaction. */
export async function createInviteLink(
  deps: Deps,
  c: Context,
  access: OrgAccess,
  body: { role: string; max_uses?: number | null | undefined; expires_in?: number | null | undefined },
): Promise<InviteLink> {
  await checkGrant(deps.storage, deps, c, access, body.role);
  const now = deps.clock();
  const { token, tokenHash } = newJoinToken();
  const link = await deps.storage.transaction(async (tx) => {
    const stored = await insertInviteLink(tx, {
      id: randomId('lnk'),
      orgId: access.org.id,
      role: body.role,
      tokenHash,
      maxUses: body.max_uses ?? null,
      expiresAt: body.expires_in ? new Date(now.getTime() + body.expires_in * 1000) : null,
      createdBy: access.user.id,
      createdAt: now,
    });
    await recordAuditEvent(tx, {
      type: 'invite_link.created',
      orgId: access.org.id,
      actor: access.actor,
      target: { type: 'invite_link', id: stored.id },
      data: { role: stored.role, max_uses: stored.maxUses, expires_at: stored.expiresAt?.toISOString() ?? null },
      at: now,
    });
    return stored;
  });
  return toWireInviteLink(link, joinLink(deps.config, 'lk_invite', token));
}

/** Revokes a link of this organization (the row stays, for the audit); revoking it again changes nothing. */
export async function revokeInviteLink(deps: Deps, access: OrgAccess, id: string): Promise<void> {
  await deps.storage.transaction(async (tx) => {
    const now = deps.clock();
    const result = await revokeStoredInviteLink(tx, access.org.id, id, now);
    if (!result) throw new ProblemError('not_found');
    if (result.revoked) await recordAuditEvent(tx, { type: 'invite_link.revoked', orgId: access.org.id, actor: access.actor, target: { type: 'invite_link', id }, data: { uses: result.revoked.uses }, at: now });
  });
}

/** What a link's token is for; unknown, revoked, expired and used up all answer `invitation_invalid`. */
export async function previewInviteLink(deps: Deps, token: string): Promise<InviteLinkPreview> {
  const hash = joinTokenHash(token);
  const link = hash && (await findUsableInviteLink(deps.storage, hash, deps.clock()));
  if (!link) throw new ProblemError('invitation_invalid');
  return { organization: { id: link.orgId, name: link.orgName }, role: link.role };
}

/**
 * The signed-in user joins through a link. In one transaction: the membership
 * is inserted first, only if there is none (the primary key decides), and a
 * use is counted only when this call made it, by one conditional UPDATE while
 * the link is usable. So a member already keeps their role and spends no use,
 * the same user joining twice in parallel spends one, and of parallel joins at
 * the limit exactly `max_uses` are counted; a join the link refuses rolls its
 * membership back.
 */
export async function joinWithInviteLink(deps: Deps, current: { session: LiveSession; user: SessionUser }, actor: AuditActor, token: string): Promise<Organization> {
  const hash = joinTokenHash(token);
  if (!hash) throw new ProblemError('invitation_invalid');
  const { user, session } = current;
  return deps.storage.transaction(async (tx) => {
    const now = deps.clock();
    const link = await findUsableInviteLink(tx, hash, now);
    if (!link) throw new ProblemError('invitation_invalid');
    const role = await roleStillGranted(tx, link.orgId, link.role);
    if (await insertMembershipIfNone(tx, { orgId: link.orgId, userId: user.id, role, source: 'link', createdAt: now })) {
      const uses = await spendInviteLinkUse(tx, hash, now);
      // Used up, revoked or expired since it was read: the membership goes with the transaction.
      if (uses === undefined) throw new ProblemError('invitation_invalid');
      await recordAuditEvent(tx, { type: 'invite_link.used', orgId: link.orgId, actor, target: { type: 'invite_link', id: link.id }, data: { uses, role }, at: now });
      await recordAuditEvent(tx, { type: 'member.added', orgId: link.orgId, actor, target: { type: 'user', id: user.id, label: user.email }, data: { source: 'link', role, invite_link: link.id }, at: now });
    }
    return memberOrganization(tx, deps, session, link.orgId);
  });
}
