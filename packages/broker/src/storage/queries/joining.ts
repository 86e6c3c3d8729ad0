import type { Db } from '../storage.js';

/**
 * Joining an organization (issue 24 §2; migrations/014_org_management.sql):
 * invitations by email, invite links, access requests and domain enrolment.
 * Every single-use value and counter changes by one conditional statement, so
 * parallel requests find one winner on PostgreSQL as on PGlite.
 */

/** How a membership came to be (`memberships.source`); joining writes these three and `domain`. */
export type JoinSource = 'invitation' | 'link' | 'request' | 'domain';

// Roles and memberships, as joining needs them

/** A custom role's permissions, or undefined when the organization has no role of that key. */
export async function findCustomRolePermissions(db: Db, orgId: string, key: string): Promise<string[] | undefined> {
  return (await db.query<{ permissions: string[] }>(`SELECT permissions FROM org_roles WHERE org_id = $1 AND key = $2`, [orgId, key]))[0]?.permissions;
}

/** Whether the account with this (normalized) address is a member of the organization. */
export async function isMemberByEmail(db: Db, orgId: string, email: string): Promise<boolean> {
  const rows = await db.query(`SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 AND u.email = $2`, [orgId, email]);
  return rows.length > 0;
}

/**
 * Makes the user a member unless they are one: true when this call made the
 * membership. The primary key decides, so of parallel calls for one user one
 * inserts (a second on PostgreSQL waits for the first to commit, then finds it).
 */
export async function insertMembershipIfNone(db: Db, membership: { orgId: string; userId: string; role: string; source: JoinSource; createdAt: Date }): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO memberships (org_id, user_id, role, created_at, source) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (org_id, user_id) DO NOTHING RETURNING user_id`,
    [membership.orgId, membership.userId, membership.role, membership.createdAt, membership.source],
  );
  return rows.length === 1;
}

// Invitations by email

export interface InvitationRecord {
  id: string;
  orgId: string;
  email: string;
  role: string;
  invitedBy: string | null;
  createdAt: Date;
  expiresAt: Date;
  acceptedAt: Date | null;
  acceptedBy: string | null;
  revokedAt: Date | null;
}

const INVITATION = `id, org_id AS "orgId", email, role, invited_by AS "invitedBy", created_at AS "createdAt", expires_at AS "expiresAt",
  accepted_at AS "acceptedAt", accepted_by AS "acceptedBy", revoked_at AS "revokedAt"`;

/**
 * Holds the organization's invitations still until the transaction ends: parallel
 * invitations of one address then replace each other in turn (each revoke sees the
 * one before it committed) instead of colliding on the one-pending-per-address index.
 * `FOR NO KEY UPDATE` leaves the row to joins (a membership's foreign key takes only `KEY SHARE`).
 * False when the organization is gone (deleted since the request's access check).
 */
export async function lockOrganizationInvitations(db: Db, orgId: string): Promise<boolean> {
  return (await db.query(`SELECT id FROM organizations WHERE id = $1 FOR NO KEY UPDATE`, [orgId])).length === 1;
}

/** Revokes the address's pending invitation to the organization (inviting again replaces it); the ids revoked. */
export async function revokePendingInvitationsFor(db: Db, orgId: string, email: string, at: Date): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `UPDATE org_invitations SET revoked_at = $3 WHERE org_id = $1 AND email = $2 AND accepted_at IS NULL AND revoked_at IS NULL RETURNING id`,
    [orgId, email, at],
  );
  return rows.map((row) => row.id);
}

/**
 * Stores a new invitation; undefined (nothing written) when the address has a
 * pending one already (the partial unique index decides, without aborting the
 * transaction; `lockOrganizationInvitations` keeps parallel invitations from getting here).
 */
export async function insertInvitation(db: Db, invitation: Omit<InvitationRecord, 'acceptedAt' | 'acceptedBy' | 'revokedAt'> & { tokenHash: string }): Promise<InvitationRecord | undefined> {
  return (
    await db.query<InvitationRecord>(
      `INSERT INTO org_invitations (id, org_id, email, role, token_hash, invited_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (org_id, email) WHERE accepted_at IS NULL AND revoked_at IS NULL DO NOTHING RETURNING ${INVITATION}`,
      [invitation.id, invitation.orgId, invitation.email, invitation.role, invitation.tokenHash, invitation.invitedBy, invitation.createdAt, invitation.expiresAt],
    )
  )[0];
}

/** The organization's invitations that can still be accepted, newest first. */
export async function listPendingInvitations(db: Db, orgId: string, now: Date): Promise<InvitationRecord[]> {
  return db.query<InvitationRecord>(
    `SELECT ${INVITATION} FROM org_invitations WHERE org_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2
     ORDER BY created_at DESC, id LIMIT 1000`,
    [orgId, now],
  );
}

/** Revokes one pending invitation of this organization; undefined when it has none of that id (another organization's included). */
export async function revokeInvitation(db: Db, orgId: string, id: string, at: Date): Promise<InvitationRecord | undefined> {
  return (
    await db.query<InvitationRecord>(
      `UPDATE org_invitations SET revoked_at = $3 WHERE id = $1 AND org_id = $2 AND accepted_at IS NULL AND revoked_at IS NULL RETURNING ${INVITATION}`,
      [id, orgId, at],
    )
  )[0];
}

/** A usable invitation (unused, unrevoked, unexpired) by its token's hash, with its organization's name. */
export async function findUsableInvitation(db: Db, tokenHash: string, now: Date): Promise<(InvitationRecord & { orgName: string }) | undefined> {
  return (
    await db.query<InvitationRecord & { orgName: string }>(
      `SELECT i.id, i.org_id AS "orgId", i.email, i.role, i.invited_by AS "invitedBy", i.created_at AS "createdAt", i.expires_at AS "expiresAt",
         i.accepted_at AS "acceptedAt", i.accepted_by AS "acceptedBy", i.revoked_at AS "revokedAt", o.name AS "orgName"
       FROM org_invitations i JOIN organizations o ON o.id = i.org_id
       WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $2`,
      [tokenHash, now],
    )
  )[0];
}

/**
 * Accepts an invitation for the address it was sent to, in one conditional
 * statement: only while unused, unrevoked and unexpired, so of parallel
 * accepts one wins. Undefined when nothing was written (for another address,
 * or no longer usable: `findUsableInvitation` tells which).
 */
export async function acceptInvitation(db: Db, tokenHash: string, email: string, userId: string, now: Date): Promise<InvitationRecord | undefined> {
  return (
    await db.query<InvitationRecord>(
      `UPDATE org_invitations SET accepted_at = $4, accepted_by = $3
       WHERE token_hash = $1 AND email = $2 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $4 RETURNING ${INVITATION}`,
      [tokenHash, email, userId, now],
    )
  )[0];
}

// Invite links

export interface InviteLinkRecord {
  id: string;
  orgId: string;
  role: string;
  uses: number;
  maxUses: number | null;
  expiresAt: Date | null;
  createdBy: string | null;
  createdAt: Date;
  revokedAt: Date | null;
}

const INVITE_LINK = `id, org_id AS "orgId", role, uses, max_uses AS "maxUses", expires_at AS "expiresAt", created_by AS "createdBy",
  created_at AS "createdAt", revoked_at AS "revokedAt"`;

/** Whether a link can be used at `$2`: unrevoked, unexpired, uses left (the same test in the read and in the counting write). */
const USABLE_LINK = `revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2) AND (max_uses IS NULL OR uses < max_uses)`;

export async function insertInviteLink(db: Db, link: Omit<InviteLinkRecord, 'uses' | 'revokedAt'> & { tokenHash: string }): Promise<InviteLinkRecord> {
  return (
    await db.query<InviteLinkRecord>(
      `INSERT INTO org_invite_links (id, org_id, role, token_hash, max_uses, expires_at, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       RETURNING ${INVITE_LINK}`,
      [link.id, link.orgId, link.role, link.tokenHash, link.maxUses, link.expiresAt, link.createdBy, link.createdAt],
    )
  )[0]!;
}

/** The organization's links, newest first (revoked and used-up ones too: the page shows what happened to them). */
export async function listInviteLinks(db: Db, orgId: string): Promise<InviteLinkRecord[]> {
  return db.query<InviteLinkRecord>(`SELECT ${INVITE_LINK} FROM org_invite_links WHERE org_id = $1 ORDER BY created_at DESC, id LIMIT 1000`, [orgId]);
}

/**
 * Revokes one of this organization's links. `revoked`: this call revoked it;
 * `already`: it was revoked before; undefined: no such link of this organization.
 */
export async function revokeInviteLink(db: Db, orgId: string, id: string, at: Date): Promise<{ revoked?: InviteLinkRecord; already?: true } | undefined> {
  const rows = await db.query<InviteLinkRecord & { revokedNow: boolean }>(
    `WITH revoked AS (UPDATE org_invite_links SET revoked_at = $3 WHERE id = $1 AND org_id = $2 AND revoked_at IS NULL RETURNING ${INVITE_LINK})
     SELECT *, true AS "revokedNow" FROM revoked
     UNION ALL SELECT ${INVITE_LINK}, false FROM org_invite_links WHERE id = $1 AND org_id = $2 AND revoked_at IS NOT NULL`,
    [id, orgId, at],
  );
  const row = rows[0];
  if (!row) return undefined;
  const { revokedNow, ...link } = row;
  return revokedNow ? { revoked: link } : { already: true };
}

/** A usable link by its token's hash, with its organization's name. */
export async function findUsableInviteLink(db: Db, tokenHash: string, now: Date): Promise<(InviteLinkRecord & { orgName: string }) | undefined> {
  return (
    await db.query<InviteLinkRecord & { orgName: string }>(
      `SELECT l.id, l.org_id AS "orgId", l.role, l.uses, l.max_uses AS "maxUses", l.expires_at AS "expiresAt", l.created_by AS "createdBy",
         l.created_at AS "createdAt", l.revoked_at AS "revokedAt", o.name AS "orgName"
       FROM org_invite_links l JOIN organizations o ON o.id = l.org_id
       WHERE l.token_hash = $1 AND l.revoked_at IS NULL AND (l.expires_at IS NULL OR l.expires_at > $2) AND (l.max_uses IS NULL OR l.uses < l.max_uses)`,
      [tokenHash, now],
    )
  )[0];
}

/**
 * Counts one use of a link, in one conditional statement: only while it is
 * usable, so of parallel joins at the limit exactly `max_uses` are counted (on
 * PostgreSQL a waiting UPDATE re-checks the row another one changed). The uses
 * now, or undefined when nothing was counted.
 */
export async function spendInviteLinkUse(db: Db, tokenHash: string, now: Date): Promise<number | undefined> {
  const rows = await db.query<{ uses: number }>(`UPDATE org_invite_links SET uses = uses + 1 WHERE token_hash = $1 AND ${USABLE_LINK} RETURNING uses`, [tokenHash, now]);
  return rows[0]?.uses;
}

// Domain enrolment and access requests

/** One of an organization's domains as joining reads it. */
export interface EnrollmentDomainRecord {
  orgId: string;
  orgName: string;
  domain: string;
  verification: 'dns' | 'admin' | null;
  verifiedAt: Date | null;
  enrollment: 'manual' | 'request' | 'automatic';
}

/** The organization's domain `domain` (an address's domain), or undefined. */
export async function findEnrollmentDomain(db: Db, orgId: string, domain: string): Promise<EnrollmentDomainRecord | undefined> {
  return (
    await db.query<EnrollmentDomainRecord>(
      `SELECT d.org_id AS "orgId", o.name AS "orgName", d.domain, d.verification, d.verified_at AS "verifiedAt", d.enrollment
       FROM organization_domains d JOIN organizations o ON o.id = d.org_id WHERE d.org_id = $1 AND d.domain = $2`,
      [orgId, domain],
    )
  )[0];
}

export interface AccessRequestRecord {
  id: string;
  orgId: string;
  orgName: string;
  userId: string;
  userEmail: string;
  userName: string | null;
  message: string | null;
  status: 'pending' | 'approved' | 'denied';
  reason: string | null;
  decidedBy: string | null;
  createdAt: Date;
  decidedAt: Date | null;
}

const ACCESS_REQUEST = `r.id, r.org_id AS "orgId", o.name AS "orgName", r.user_id AS "userId", u.email AS "userEmail", u.name AS "userName",
  r.message, r.status, r.reason, r.decided_by AS "decidedBy", r.created_at AS "createdAt", r.decided_at AS "decidedAt"`;
const ACCESS_REQUEST_FROM = `org_access_requests r JOIN organizations o ON o.id = r.org_id JOIN users u ON u.id = r.user_id`;

/**
 * The organizations whose verified domain `domain` is and whose enrolment lets
 * its addresses join (`automatic`, DNS-verified only) or ask (`request`), that
 * `userId` is not a member of; with the user's latest request to each.
 */
export async function listJoinableOrganizations(
  db: Db,
  userId: string,
  domain: string,
): Promise<Array<{ id: string; name: string; domain: string; enrollment: 'automatic' | 'request'; request: AccessRequestRecord | null }>> {
  const rows = await db.query<{ id: string; name: string; domain: string; enrollment: 'automatic' | 'request'; requestId: string | null }>(
    `SELECT o.id, o.name, d.domain, d.enrollment, latest.id AS "requestId"
     FROM organization_domains d JOIN organizations o ON o.id = d.org_id
     LEFT JOIN LATERAL (SELECT id FROM org_access_requests WHERE org_id = d.org_id AND user_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1) latest ON true
     WHERE d.domain = $2 AND d.verified_at IS NOT NULL
       AND (d.enrollment = 'request' OR (d.enrollment = 'automatic' AND d.verification = 'dns'))
       AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.org_id = d.org_id AND m.user_id = $1)
     ORDER BY o.name, o.id`,
    [userId, domain],
  );
  const requestIds = rows.flatMap((row) => (row.requestId ? [row.requestId] : []));
  const requests = requestIds.length
    ? await db.query<AccessRequestRecord>(`SELECT ${ACCESS_REQUEST} FROM ${ACCESS_REQUEST_FROM} WHERE r.id = ANY($1::text[])`, [requestIds])
    : [];
  return rows.map(({ requestId, ...org }) => ({ ...org, request: requests.find((r) => r.id === requestId) ?? null }));
}

/** Stores a pending request; undefined (nothing written) when the user has one pending for the organization already. */
export async function insertAccessRequest(db: Db, request: { id: string; orgId: string; userId: string; message: string | null; createdAt: Date }): Promise<AccessRequestRecord | undefined> {
  const rows = await db.query<{ id: string }>(
    `INSERT INTO org_access_requests (id, org_id, user_id, message, created_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (org_id, user_id) WHERE status = 'pending' DO NOTHING RETURNING id`,
    [request.id, request.orgId, request.userId, request.message, request.createdAt],
  );
  return rows[0] ? findAccessRequest(db, request.orgId, rows[0].id) : undefined;
}

/** One of this organization's requests; another organization's id finds nothing. */
export async function findAccessRequest(db: Db, orgId: string, id: string): Promise<AccessRequestRecord | undefined> {
  return (await db.query<AccessRequestRecord>(`SELECT ${ACCESS_REQUEST} FROM ${ACCESS_REQUEST_FROM} WHERE r.id = $1 AND r.org_id = $2`, [id, orgId]))[0];
}

/** The user's own requests, newest first, with their decisions. */
export async function listUserAccessRequests(db: Db, userId: string): Promise<AccessRequestRecord[]> {
  return db.query<AccessRequestRecord>(`SELECT ${ACCESS_REQUEST} FROM ${ACCESS_REQUEST_FROM} WHERE r.user_id = $1 ORDER BY r.created_at DESC, r.id LIMIT 200`, [userId]);
}

/** The organization's requests: pending first (oldest first, as a queue), then the decided ones, newest decision first. */
export async function listOrgAccessRequests(db: Db, orgId: string): Promise<AccessRequestRecord[]> {
  return db.query<AccessRequestRecord>(
    `SELECT ${ACCESS_REQUEST} FROM ${ACCESS_REQUEST_FROM} WHERE r.org_id = $1
     ORDER BY (r.status = 'pending') DESC, CASE WHEN r.status = 'pending' THEN r.created_at END ASC, r.decided_at DESC, r.id LIMIT 1000`,
    [orgId],
  );
}

/**
 * Decides a pending request of this organization, in one conditional statement
 * (`status = 'pending'`): of parallel decisions one wins. Undefined when nothing
 * was written (decided already, or not this organization's: `findAccessRequest` tells).
 */
export async function decideAccessRequest(
  db: Db,
  orgId: string,
  id: string,
  decision: { status: 'approved' | 'denied'; reason: string | null; decidedBy: string; at: Date },
): Promise<AccessRequestRecord | undefined> {
  const rows = await db.query<{ id: string }>(
    `UPDATE org_access_requests SET status = $3, reason = $4, decided_by = $5, decided_at = $6
     WHERE id = $1 AND org_id = $2 AND status = 'pending' RETURNING id`,
    [id, orgId, decision.status, decision.reason, decision.decidedBy, decision.at],
  );
  return rows[0] ? findAccessRequest(db, orgId, id) : undefined;
}

// Factor changes in the audit log

/**
 * Records a change to an account's sign-in factors (`factor.added`,
 * `factor.removed`) in one statement: one event per organization the user is a
 * member of, so each organization's owners and admins see it in their log, or
 * one event without an organization when the user has none. Ids are made in
 * SQL (122 random bits, the `evt_` shape of `randomId`), one per row.
 */
export async function insertFactorEvents(
  db: Db,
  event: { type: 'factor.added' | 'factor.removed'; userId: string; email: string | null; ip: string | null; userAgent: string | null; data: Record<string, unknown>; at: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO audit_events (id, org_id, type, actor_id, actor_email, target_type, target_id, target_label, data, ip, user_agent, created_at)
     SELECT 'evt_' || rtrim(translate(encode(decode(replace(gen_random_uuid()::text, '-', ''), 'hex'), 'base64'), '+/', '-_'), '='),
       orgs.org_id, $1, $2, $3, NULL, NULL, NULL, $4::jsonb, $5, $6, $7
     FROM (
       SELECT org_id FROM memberships WHERE user_id = $2
       UNION ALL SELECT NULL WHERE NOT EXISTS (SELECT 1 FROM memberships WHERE user_id = $2)
     ) orgs`,
    [event.type, event.userId, event.email, JSON.stringify(event.data), event.ip, event.userAgent, event.at],
  );
}
