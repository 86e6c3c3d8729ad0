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

/** A connection test: pending until the IdP's response arrives at the ACS, then its report. */
export interface ConnectionTest {
  id: string;
  connectionId: string;
  status: 'pending' | 'passed' | 'failed';
  report: Record<string, unknown> | null;
  createdAt: Date;
  finishedAt: Date | null;
  expiresAt: Date;
}

const CONNECTION_TEST = `id, connection_id AS "connectionId", status, report, created_at AS "createdAt", finished_at AS "finishedAt", expires_at AS "expiresAt"`;

export async function insertConnectionTest(db: Db, test: Pick<ConnectionTest, 'id' | 'connectionId' | 'createdAt' | 'expiresAt'>): Promise<ConnectionTest> {
  return (
    await db.query<ConnectionTest>(
      `INSERT INTO connection_tests (id, connection_id, status, created_at, expires_at) VALUES ($1, $2, 'pending', $3, $4) RETURNING ${CONNECTION_TEST}`,
      [test.id, test.connectionId, test.createdAt, test.expiresAt],
    )
  )[0]!;
}

/** Finishes a pending, unexpired test with its report: one conditional statement (a second response finds nothing). */
export async function finishConnectionTest(db: Db, id: string, outcome: { status: 'passed' | 'failed'; report: Record<string, unknown>; now: Date }): Promise<boolean> {
  const rows = await db.query(
    `UPDATE connection_tests SET status = $2, report = $3, finished_at = $4 WHERE id = $1 AND status = 'pending' AND expires_at > $4 RETURNING id`,
    [id, outcome.status, JSON.stringify(outcome.report), outcome.now],
  );
  return rows.length === 1;
}

/** A test of the connection, if it has not expired. */
export async function findConnectionTest(db: Db, connectionId: string, id: string, now: Date): Promise<ConnectionTest | undefined> {
  return (await db.query<ConnectionTest>(`SELECT ${CONNECTION_TEST} FROM connection_tests WHERE id = $1 AND connection_id = $2 AND expires_at > $3`, [id, connectionId, now]))[0];
}

/** Deletes tests (and their reports) past their time. */
export async function deleteExpiredConnectionTests(db: Db, now: Date): Promise<number> {
  return (await db.query(`DELETE FROM connection_tests WHERE expires_at <= $1 RETURNING 1`, [now])).length;
}
