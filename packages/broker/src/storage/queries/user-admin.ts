import type { Db } from '../storage.js';
import type { AuditEventRecord } from './audit.js';
import type { Page } from './organizations.js';
import type { SessionRecord } from './sessions.js';

/**
 * Operator user management (the admin API's `/admin/v1/users`, modules/admin/users.ts):
 * listing, suspension (migrations/015_user_suspension.sql), deletion and the export of
 * everything stored about one account. Reads name their columns: no password hash,
 * sealed secret, code hash or session secret is ever selected here.
 */

/** An account as the operator sees it: no password hash, only whether there is one. */
export interface AdminUserRecord {
  id: string;
  email: string;
  emailVerifiedAt: Date | null;
  name: string | null;
  hasPassword: boolean;
  suspendedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const ADMIN_USER = `id, email, email_verified_at AS "emailVerifiedAt", name, password_hash IS NOT NULL AS "hasPassword",
  suspended_at AS "suspendedAt", created_at AS "createdAt", updated_at AS "updatedAt"`;

/** Accounts in id order, a page at a time; `email` (normalized) narrows the list to that address. */
export async function listAdminUsers(db: Db, page: Page & { email?: string }): Promise<AdminUserRecord[]> {
  return db.query<AdminUserRecord>(
    `SELECT ${ADMIN_USER} FROM users WHERE ($1::text IS NULL OR id > $1) AND ($3::text IS NULL OR email = $3) ORDER BY id LIMIT $2`,
    [page.after ?? null, page.limit, page.email ?? null],
  );
}

export async function findAdminUser(db: Db, id: string): Promise<AdminUserRecord | undefined> {
  return (await db.query<AdminUserRecord>(`SELECT ${ADMIN_USER} FROM users WHERE id = $1`, [id]))[0];
}

/**
 * The account, its row locked to the end of the transaction (suspension and deletion
 * decide on what they read; a sign-in's `isUserSuspended` waits for them).
 */
export async function lockAdminUser(tx: Db, id: string): Promise<AdminUserRecord | undefined> {
  return (await tx.query<AdminUserRecord>(`SELECT ${ADMIN_USER} FROM users WHERE id = $1 FOR UPDATE`, [id]))[0];
}

/** Suspends (`at`) or lifts a suspension (null). */
export async function setUserSuspended(tx: Db, id: string, at: Date | null, now: Date): Promise<AdminUserRecord | undefined> {
  return (await tx.query<AdminUserRecord>(`UPDATE users SET suspended_at = $2, updated_at = $3 WHERE id = $1 RETURNING ${ADMIN_USER}`, [id, at, now]))[0];
}

/**
 * Whether the account is suspended, read with a share lock on its row: in the sign-in
 * transaction that is about to open a session, this waits for a suspension being
 * written (and then sees it), and a suspension waits for the sign-in (and then
 * revokes the session it opened). A vanished account reads as not suspended.
 */
export async function isUserSuspended(db: Db, id: string): Promise<boolean> {
  const rows = await db.query<{ suspended: boolean }>(`SELECT suspended_at IS NOT NULL AS suspended FROM users WHERE id = $1 FOR SHARE`, [id]);
  return rows[0]?.suspended ?? false;
}

/**
 * The organizations where `userId` is the only owner, locked (in id order, so two
 * deletions never wait on each other in a circle): deleting the account would leave
 * them without one (`last_owner`, as the orgs module refuses it).
 */
export async function lockOrganizationsOnlyOwnedBy(tx: Db, userId: string): Promise<Array<{ id: string; name: string }>> {
  const owned = await tx.query<{ id: string; name: string }>(
    `SELECT o.id, o.name FROM organizations o JOIN memberships m ON m.org_id = o.id AND m.user_id = $1 AND m.role = 'owner' ORDER BY o.id FOR UPDATE OF o`,
    [userId],
  );
  if (owned.length === 0) return [];
  const others = await tx.query<{ orgId: string }>(
    `SELECT DISTINCT org_id AS "orgId" FROM memberships WHERE org_id = ANY($1::text[]) AND role = 'owner' AND user_id <> $2`,
    [owned.map((org) => org.id), userId],
  );
  const shared = new Set(others.map((row) => row.orgId));
  return owned.filter((org) => !shared.has(org.id));
}

/**
 * Deletes the account. Its sessions, passkeys, identities, second factors, memberships
 * and access requests go with it (ON DELETE CASCADE); invitations and links it made keep
 * their rows with the user unset. Its flows (no foreign key, migrations/002) are deleted
 * here too. False when there was no such account.
 */
export async function deleteUserAndFlows(tx: Db, id: string): Promise<boolean> {
  await tx.query(`DELETE FROM flows WHERE user_id = $1`, [id]);
  return (await tx.query(`DELETE FROM users WHERE id = $1 RETURNING id`, [id])).length === 1;
}

/** A session as the export shows it: when, where and how, never its id or secret. */
export type ExportedSessionRecord = Omit<SessionRecord, 'id' | 'userId' | 'factors'>;

/** Every session of the account, live or not, oldest first. */
export async function listUserSessionHistory(db: Db, userId: string): Promise<ExportedSessionRecord[]> {
  return db.query<ExportedSessionRecord>(
    `SELECT amr, org_id AS "orgId", created_at AS "createdAt", last_seen_at AS "lastSeenAt", expires_at AS "expiresAt",
       revoked_at AS "revokedAt", ip, user_agent AS "userAgent"
     FROM sessions WHERE user_id = $1 ORDER BY created_at, id`,
    [userId],
  );
}

/** The account's requests to join organizations, oldest first. */
export async function listUserAccessRequests(db: Db, userId: string) {
  return db.query<{ orgId: string; message: string | null; status: string; reason: string | null; createdAt: Date; decidedAt: Date | null }>(
    `SELECT org_id AS "orgId", message, status, reason, created_at AS "createdAt", decided_at AS "decidedAt"
     FROM org_access_requests WHERE user_id = $1 ORDER BY created_at, id`,
    [userId],
  );
}

/**
 * Audit events about the account, in the order they were written: those it acted in,
 * and those that name it as their target. (No index on these columns: an export is rare,
 * and an index would cost every event written.)
 */
export async function listAuditEventsAboutUser(db: Db, userId: string): Promise<AuditEventRecord[]> {
  return db.query<AuditEventRecord>(
    `SELECT id, seq::text AS seq, org_id AS "orgId", type, actor_id AS "actorId", actor_email AS "actorEmail", target_type AS "targetType",
       target_id AS "targetId", target_label AS "targetLabel", data, ip, user_agent AS "userAgent", created_at AS "createdAt"
     FROM audit_events WHERE actor_id = $1 OR (target_type = 'user' AND target_id = $1) ORDER BY audit_events.seq`,
    [userId],
  );
}
