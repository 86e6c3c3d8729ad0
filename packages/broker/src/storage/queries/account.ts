import { isUniqueViolation, type Db } from '../storage.js';
import { idleParam, liveSession } from './sessions.js';

/** A live session as the account page lists it (no secret, no factors). */
export interface ListedSession {
  id: string;
  amr: string[];
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
}

/** The user's live sessions (not revoked, not expired, not idle past `idleTimeoutSeconds`), most recently used first. */
export async function listLiveUserSessions(db: Db, userId: string, now: Date, idleTimeoutSeconds: number): Promise<ListedSession[]> {
  return db.query<ListedSession>(
    `SELECT id, amr, created_at AS "createdAt", last_seen_at AS "lastSeenAt", expires_at AS "expiresAt", ip, user_agent AS "userAgent"
     FROM sessions WHERE user_id = $1 AND ${liveSession('', '$2', '$3')}
     ORDER BY last_seen_at DESC, created_at DESC, id`,
    [userId, now, idleParam(idleTimeoutSeconds)],
  );
}

/**
 * Revokes one live session of `userId`, in one conditional statement: another
 * user's id, an unknown one and one revoked already change nothing and answer false.
 */
export async function revokeUserSession(db: Db, userId: string, id: string, at: Date): Promise<boolean> {
  const rows = await db.query(`UPDATE sessions SET revoked_at = $3 WHERE id = $2 AND user_id = $1 AND revoked_at IS NULL AND expires_at > $3 RETURNING id`, [userId, id, at]);
  return rows.length === 1;
}

/** Revokes every live session of `userId` but `keepId` (this browser's); answers how many. */
export async function revokeOtherUserSessions(db: Db, userId: string, keepId: string, at: Date): Promise<number> {
  const rows = await db.query(`UPDATE sessions SET revoked_at = $3 WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL AND expires_at > $3 RETURNING id`, [userId, keepId, at]);
  return rows.length;
}

/**
 * Gives the user a new, proven address. False when another account took the
 * address meanwhile: the unique index decides, so two parallel changes to one
 * address give it to one account (the other's transaction is then rolled back).
 */
export async function changeUserEmail(db: Db, userId: string, email: string, at: Date): Promise<boolean> {
  const rows = await db.query(
    `UPDATE users SET email = $2, email_verified_at = $3, updated_at = $3
     WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM users WHERE email = $2) RETURNING id`,
    [userId, email, at],
  ).catch((error: unknown) => (isUniqueViolation(error) ? [] : Promise.reject(error)));
  return rows.length === 1;
}
