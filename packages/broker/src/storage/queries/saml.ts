import type { Db } from '../storage.js';

/**
 * Remembers an assertion a connection accepted, until `expiresAt`. One conditional
 * statement: true for the first time this assertion is seen, false for a replay (on any
 * instance, however many arrive at once). An expired entry no longer blocks: the
 * assertion itself is no longer valid by then.
 */
export async function rememberAssertion(db: Db, entry: { connectionId: string; assertionId: string; expiresAt: Date; now: Date }): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO saml_assertions (connection_id, assertion_id, expires_at) VALUES ($1, $2, $3)
     ON CONFLICT (connection_id, assertion_id) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE saml_assertions.expires_at <= $4
     RETURNING 1`,
    [entry.connectionId, entry.assertionId, entry.expiresAt, entry.now],
  );
  return rows.length === 1;
}

/** Deletes replay-cache entries that expired before `now`. */
export async function deleteExpiredAssertions(db: Db, now: Date): Promise<number> {
  return (await db.query(`DELETE FROM saml_assertions WHERE expires_at <= $1 RETURNING 1`, [now])).length;
}

/** A response a connection refused: the reason for the organization's admins, the reference for the user. */
export interface ConnectionRejection {
  reference: string;
  connectionId: string;
  reason: string;
  detail: string;
  createdAt: Date;
}

export async function insertConnectionRejection(db: Db, rejection: ConnectionRejection): Promise<void> {
  await db.query(`INSERT INTO connection_rejections (reference, connection_id, reason, detail, created_at) VALUES ($1, $2, $3, $4, $5)`, [
    rejection.reference, rejection.connectionId, rejection.reason, rejection.detail, rejection.createdAt,
  ]);
}

/** A connection's newest rejections first. */
export async function listConnectionRejections(db: Db, connectionId: string, limit: number): Promise<ConnectionRejection[]> {
  return db.query<ConnectionRejection>(
    `SELECT reference, connection_id AS "connectionId", reason, detail, created_at AS "createdAt" FROM connection_rejections
     WHERE connection_id = $1 ORDER BY created_at DESC, reference LIMIT $2`,
    [connectionId, limit],
  );
}
