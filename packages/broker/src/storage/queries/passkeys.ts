import type { Db } from '../storage.js';
import { OPEN_FLOW, flowKeyParams, type ConsumedFlow, type FlowKey } from './flows.js';
import type { SessionUser } from './sessions.js';

/** A registered WebAuthn credential (see migrations/004_passkeys.sql). */
export interface PasskeyRecord {
  id: string;
  userId: string;
  /** base64url of the raw credential id. */
  credentialId: string;
  /** The COSE public key. */
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
  aaguid: string;
  name: string;
  deviceType: 'single-device' | 'multi-device';
  backedUp: boolean;
  createdAt: Date;
  lastUsedAt: Date | null;
  counterRegressions: number;
}

const columns = `id, user_id AS "userId", credential_id AS "credentialId", public_key AS "publicKey", counter, transports, aaguid, name,
  device_type AS "deviceType", backed_up AS "backedUp", created_at AS "createdAt", last_used_at AS "lastUsedAt",
  counter_regressions AS "counterRegressions"`;

/**
 * Stores a new credential, unless its credential id is registered already (to
 * anyone): then nothing is written and undefined comes back. One statement, so
 * two parallel registrations of one credential store it once.
 */
export async function insertPasskey(db: Db, passkey: Omit<PasskeyRecord, 'lastUsedAt' | 'counterRegressions'>): Promise<PasskeyRecord | undefined> {
  const rows = await db.query(
    `INSERT INTO passkeys (id, user_id, credential_id, public_key, counter, transports, aaguid, name, device_type, backed_up, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (credential_id) DO NOTHING RETURNING id`,
    [
      passkey.id, passkey.userId, passkey.credentialId, Buffer.from(passkey.publicKey), passkey.counter, passkey.transports,
      passkey.aaguid, passkey.name, passkey.deviceType, passkey.backedUp, passkey.createdAt,
    ],
  );
  // As written, not read again: nothing in a new passkey is the database's to choose.
  return rows.length === 1 ? { ...passkey, lastUsedAt: null, counterRegressions: 0 } : undefined;
}

export async function findPasskeyByCredentialId(db: Db, credentialId: string): Promise<PasskeyRecord | undefined> {
  return (await db.query<PasskeyRecord>(`SELECT ${columns} FROM passkeys WHERE credential_id = $1`, [credentialId]))[0];
}

/** What an assertion needs of the credential it names: the key, the counter, and whose it is. */
export type AssertedPasskey = Pick<PasskeyRecord, 'id' | 'userId' | 'credentialId' | 'publicKey' | 'counter'>;

/**
 * Consumes an open flow (as `consumeFlow` does: one conditional UPDATE, one
 * winner) and, in the same statement, reads the credential an assertion names
 * with its account: a passkey ceremony's finish needs all three, in one round
 * trip. Undefined when the flow is not open (nothing consumed); `passkey`
 * undefined when the credential is not registered — the flow is consumed
 * then, and the caller's transaction gives it back when it refuses.
 */
export async function consumeFlowWithPasskey<Data>(
  db: Db,
  key: FlowKey,
  credentialId: string,
): Promise<{ flow: ConsumedFlow<Data>; passkey?: AssertedPasskey; user?: SessionUser } | undefined> {
  const rows = await db.query<{ flowId: string; flowUserId: string | null; flowData: Data; passkeyId: string | null } & Omit<AssertedPasskey, 'id'> & Omit<SessionUser, 'id'>>(
    `WITH flow AS (UPDATE flows SET consumed_at = $4 WHERE ${OPEN_FLOW} RETURNING id, user_id, data)
     SELECT flow.id AS "flowId", flow.user_id AS "flowUserId", flow.data AS "flowData",
       p.id AS "passkeyId", p.user_id AS "userId", p.credential_id AS "credentialId", p.public_key AS "publicKey", p.counter,
       u.email, u.email_verified_at AS "emailVerifiedAt", u.name, u.created_at AS "createdAt"
     FROM flow LEFT JOIN (passkeys p JOIN users u ON u.id = p.user_id) ON p.credential_id = $5`,
    [...flowKeyParams(key), credentialId],
  );
  const row = rows[0];
  if (!row) return undefined;
  const flow = { id: row.flowId, userId: row.flowUserId, data: row.flowData };
  if (row.passkeyId === null) return { flow };
  return {
    flow,
    passkey: { id: row.passkeyId, userId: row.userId, credentialId: row.credentialId, publicKey: row.publicKey, counter: row.counter },
    user: { id: row.userId, email: row.email, emailVerifiedAt: row.emailVerifiedAt, name: row.name, createdAt: row.createdAt },
  };
}

/** One of `userId`'s passkeys; another account's id finds nothing. */
export async function findUserPasskey(db: Db, id: string, userId: string): Promise<PasskeyRecord | undefined> {
  return (await db.query<PasskeyRecord>(`SELECT ${columns} FROM passkeys WHERE id = $1 AND user_id = $2`, [id, userId]))[0];
}

/** The account's passkeys, oldest first. */
export async function listUserPasskeys(db: Db, userId: string): Promise<PasskeyRecord[]> {
  return db.query<PasskeyRecord>(`SELECT ${columns} FROM passkeys WHERE user_id = $1 ORDER BY created_at, id`, [userId]);
}

export async function renamePasskey(db: Db, id: string, userId: string, name: string): Promise<PasskeyRecord | undefined> {
  return (await db.query<PasskeyRecord>(`UPDATE passkeys SET name = $3 WHERE id = $1 AND user_id = $2 RETURNING ${columns}`, [id, userId, name]))[0];
}

/**
 * Records a sign-in with the passkey, only if its counter moves forward (or
 * stays at 0 on both sides, as synced passkeys keep it): one conditional
 * statement, so two assertions carrying the same counter — a cloned
 * authenticator, or one assertion replayed into two ceremonies — pass once.
 * False when the counter did not move forward.
 */
export async function recordPasskeyUse(db: Db, id: string, use: { counter: number; backedUp: boolean; at: Date }): Promise<boolean> {
  const rows = await db.query(
    `UPDATE passkeys SET counter = $2, backed_up = $3, last_used_at = $4
     WHERE id = $1 AND (counter < $2 OR (counter = 0 AND $2::bigint = 0)) RETURNING id`,
    [id, use.counter, use.backedUp, use.at],
  );
  return rows.length === 1;
}

/** Counts a signed assertion whose counter went backwards (WebAuthn §7.2 step 21: a possible clone). */
export async function recordCounterRegression(db: Db, id: string, at: Date): Promise<void> {
  await db.query(`UPDATE passkeys SET counter_regressions = counter_regressions + 1, last_counter_regression_at = $2 WHERE id = $1`, [id, at]);
}

/**
 * Deletes one of `userId`'s passkeys unless it is the account's last way in
 * (no password and no other passkey), decided by this one statement. It locks
 * the account's passkeys first (in id order, so two deletes never deadlock);
 * under READ COMMITTED a lock that waited on a concurrent delete skips the
 * deleted row, so of two parallel deletes of an account's last two passkeys
 * the second counts one left and refuses. True when it deleted.
 */
export async function deletePasskeyUnlessLast(db: Db, id: string, userId: string): Promise<boolean> {
  const rows = await db.query(
    `WITH mine AS MATERIALIZED (SELECT id FROM passkeys WHERE user_id = $2 ORDER BY id FOR UPDATE)
     DELETE FROM passkeys
     WHERE id = $1 AND user_id = $2 AND id IN (SELECT id FROM mine)
       AND ((SELECT count(*) FROM mine) > 1 OR EXISTS (SELECT 1 FROM users WHERE id = $2 AND password_hash IS NOT NULL))
     RETURNING id`,
    [id, userId],
  );
  return rows.length === 1;
}
