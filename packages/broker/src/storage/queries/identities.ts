import type { Db } from '../storage.js';

/** A sign-in identity of another provider, attached to a user (see migrations/008_identities.sql). */
export interface IdentityRecord {
  id: string;
  userId: string;
  issuer: string;
  subject: string;
  provider: string | null;
  connectionId: string | null;
  email: string | null;
  emailVerified: boolean;
  createdAt: Date;
  lastUsedAt: Date | null;
}

const columns = `id, user_id AS "userId", issuer, subject, provider, connection_id AS "connectionId", email,
  email_verified AS "emailVerified", created_at AS "createdAt", last_used_at AS "lastUsedAt"`;

/** The identity an issuer's subject is, if any: the one key an external identity has. */
export async function findIdentity(db: Db, issuer: string, subject: string): Promise<IdentityRecord | undefined> {
  return (await db.query<IdentityRecord>(`SELECT ${columns} FROM identities WHERE issuer = $1 AND subject = $2`, [issuer, subject]))[0];
}

/** A user's identities, oldest first. */
export async function listIdentities(db: Db, userId: string): Promise<IdentityRecord[]> {
  return db.query<IdentityRecord>(`SELECT ${columns} FROM identities WHERE user_id = $1 ORDER BY created_at, id`, [userId]);
}

/** Stores an identity; a second one for the same issuer and subject raises a unique violation. */
export async function insertIdentity(db: Db, identity: Omit<IdentityRecord, 'lastUsedAt'>): Promise<IdentityRecord> {
  await db.query(
    `INSERT INTO identities (id, user_id, issuer, subject, provider, connection_id, email, email_verified, created_at, last_used_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`,
    [identity.id, identity.userId, identity.issuer, identity.subject, identity.provider, identity.connectionId, identity.email, identity.emailVerified, identity.createdAt],
  );
  return { ...identity, lastUsedAt: identity.createdAt };
}

/** Records a sign-in through an identity, and what the provider asserted this time. */
export async function touchIdentity(db: Db, id: string, seen: { email: string | null; emailVerified: boolean; at: Date }): Promise<void> {
  await db.query(`UPDATE identities SET last_used_at = $2, email = $3, email_verified = $4 WHERE id = $1`, [id, seen.at, seen.email, seen.emailVerified]);
}

/**
 * Removes one of a user's identities only while another way in remains: a
 * password, a passkey, or another identity — one conditional statement. Under
 * parallel deletes of different identities each statement re-checks after the
 * row lock of the user (taken first, so they queue): the last way in stays.
 * Answers 'deleted', 'last_way_in', or 'not_found' (no such identity of this user).
 */
export async function deleteIdentityKeepingAWayIn(db: Db, userId: string, id: string): Promise<'deleted' | 'last_way_in' | 'not_found'> {
  return db.transaction(async (tx) => {
    // The user's row lock serializes removals of the same account's ways in (PostgreSQL and PGlite alike).
    const owner = await tx.query(`SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, [userId]);
    if (owner.length === 0) return 'not_found';
    const rows = await tx.query<{ deleted: boolean; found: boolean }>(
      `WITH target AS (SELECT id FROM identities WHERE id = $2 AND user_id = $1),
       gone AS (
         DELETE FROM identities WHERE id IN (SELECT id FROM target)
           AND (EXISTS (SELECT 1 FROM users WHERE id = $1 AND password_hash IS NOT NULL)
             OR EXISTS (SELECT 1 FROM passkeys WHERE user_id = $1)
             OR EXISTS (SELECT 1 FROM identities WHERE user_id = $1 AND id <> $2))
         RETURNING 1)
       SELECT EXISTS (SELECT 1 FROM gone) AS deleted, EXISTS (SELECT 1 FROM target) AS found`,
      [userId, id],
    );
    const { deleted, found } = rows[0]!;
    return deleted ? 'deleted' : found ? 'last_way_in' : 'not_found';
  });
}
