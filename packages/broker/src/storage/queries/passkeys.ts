import { placeholders, type Db } from '../storage.js';
import { NEW_FLOW_COLUMNS, OPEN_FLOW, flowKeyParams, newFlowValues, type ConsumedFlow, type FlowKey, type NewFlow } from './flows.js';
import { NEW_SESSION_COLUMNS, newSessionValues, type NewSession, type SessionUser } from './sessions.js';

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

/** A ceremony's flow with the credential an assertion names and its account (both undefined when it is not registered). */
export interface FlowWithPasskey<Data> {
  flow: ConsumedFlow<Data>;
  passkey?: AssertedPasskey;
  user?: SessionUser;
}

type FlowWithPasskeyRow<Data> = { flowId: string; flowUserId: string | null; flowData: Data; passkeyId: string | null } & Omit<AssertedPasskey, 'id'> & Omit<SessionUser, 'id'>;

const FLOW_WITH_PASSKEY = `flow.id AS "flowId", flow.user_id AS "flowUserId", flow.data AS "flowData",
  p.id AS "passkeyId", p.user_id AS "userId", p.credential_id AS "credentialId", p.public_key AS "publicKey", p.counter,
  u.email, u.email_verified_at AS "emailVerifiedAt", u.name, u.created_at AS "createdAt"
  FROM flow LEFT JOIN (passkeys p JOIN users u ON u.id = p.user_id) ON p.credential_id = $5`;

function toFlowWithPasskey<Data>(row: FlowWithPasskeyRow<Data> | undefined): FlowWithPasskey<Data> | undefined {
  if (!row) return undefined;
  const flow = { id: row.flowId, userId: row.flowUserId, data: row.flowData };
  if (row.passkeyId === null) return { flow };
  return {
    flow,
    passkey: { id: row.passkeyId, userId: row.userId, credentialId: row.credentialId, publicKey: row.publicKey, counter: row.counter },
    user: { id: row.userId, email: row.email, emailVerifiedAt: row.emailVerifiedAt, name: row.name, createdAt: row.createdAt },
  };
}

/**
 * The open flow (see `findOpenFlow`) with the credential an assertion names
 * and its account, in one query; undefined when the flow is not open. Reads
 * only: whoever acts on it consumes the flow with a conditional statement
 * (`finishPasskeySignInOnce`).
 */
export async function findOpenFlowWithPasskey<Data>(db: Db, key: FlowKey, credentialId: string): Promise<FlowWithPasskey<Data> | undefined> {
  const rows = await db.query<FlowWithPasskeyRow<Data>>(
    `WITH flow AS (SELECT id, user_id, data FROM flows WHERE ${OPEN_FLOW}) SELECT ${FLOW_WITH_PASSKEY}`,
    [...flowKeyParams(key), credentialId],
  );
  return toFlowWithPasskey(rows[0]);
}

/**
 * Consumes an open flow (as `consumeFlow` does: one conditional UPDATE, one
 * winner) and, in the same statement, reads the credential an assertion names
 * with its account, for a finish inside a transaction (a second factor).
 * Undefined when the flow is not open (nothing consumed); without `passkey`
 * when the credential is not registered — the flow is consumed then, and the
 * caller's transaction gives it back when it refuses.
 */
export async function consumeFlowWithPasskey<Data>(db: Db, key: FlowKey, credentialId: string): Promise<FlowWithPasskey<Data> | undefined> {
  const rows = await db.query<FlowWithPasskeyRow<Data>>(
    `WITH flow AS (UPDATE flows SET consumed_at = $4 WHERE ${OPEN_FLOW} RETURNING id, user_id, data) SELECT ${FLOW_WITH_PASSKEY}`,
    [...flowKeyParams(key), credentialId],
  );
  return toFlowWithPasskey(rows[0]);
}

/** A verified assertion's use of a passkey: the counter it signed, and whether the key is backed up now. */
export interface PasskeyUse {
  id: string;
  counter: number;
  backedUp: boolean;
  at: Date;
}

/**
 * A passkey sign-in's whole write, as one statement, all of it or none: it
 * consumes the ceremony's flow if it is still open, moves the passkey's
 * counter if it still moves forward (or stays at 0 on both sides, as synced
 * passkeys keep it), and stores what the sign-in led to — the new session, or
 * the pending sign-in that waits for another step. The flow's row and then
 * the passkey's are locked before anything is written (in that order, so two
 * finishes never deadlock), and under READ COMMITTED a lock that waited on a
 * parallel finish sees its write: of fifty finishes of one ceremony, or of two
 * assertions signed with one counter, one passes. `open` false: the flow was
 * not open, nothing written. `moved` false (with `open`): the counter did not
 * move forward, nothing written.
 */
export async function finishPasskeySignInOnce<Data>(
  db: Db,
  key: FlowKey,
  use: PasskeyUse,
  // `alongside`: another row that lands with the session, in the same statement (its audit event).
  store: { session: NewSession; alongside?: { table: string; columns: string; values: unknown[] } } | { pendingSignIn: NewFlow<Data> },
): Promise<{ open: boolean; moved: boolean }> {
  const alongside = 'session' in store ? store.alongside : undefined;
  const [table, columns, values] =
    'session' in store ? ['sessions', NEW_SESSION_COLUMNS, newSessionValues(store.session)] : ['flows', NEW_FLOW_COLUMNS, newFlowValues(store.pendingSignIn)];
  const rows = await db.query<{ open: boolean; moved: boolean }>(
    `WITH flow AS MATERIALIZED (SELECT id FROM flows WHERE ${OPEN_FLOW} FOR UPDATE),
       passkey AS MATERIALIZED (
         SELECT id FROM passkeys WHERE id = $5 AND (counter < $6 OR (counter = 0 AND $6::bigint = 0)) AND EXISTS (SELECT 1 FROM flow) FOR UPDATE
       ),
       consumed AS (UPDATE flows SET consumed_at = $4 WHERE id IN (SELECT id FROM flow) AND EXISTS (SELECT 1 FROM passkey)),
       used AS (UPDATE passkeys SET counter = $6, backed_up = $7, last_used_at = $8 WHERE id IN (SELECT id FROM passkey)),
       stored AS (INSERT INTO ${table} (${columns}) SELECT ${placeholders(9, values.length)} FROM passkey)${
         alongside ? `,
       alongside AS (INSERT INTO ${alongside.table} (${alongside.columns}) SELECT ${placeholders(9 + values.length, alongside.values.length)} FROM passkey)` : ''
       }
     SELECT EXISTS (SELECT 1 FROM flow) AS open, EXISTS (SELECT 1 FROM passkey) AS moved`,
    [...flowKeyParams(key), use.id, use.counter, use.backedUp, use.at, ...values, ...(alongside?.values ?? [])],
  );
  return rows[0]!;
}

/**
 * Adds a registered credential to `userId`'s account and consumes the
 * ceremony that account opened, as one statement, both or neither: the flow's
 * row is locked first, the passkey inserted only while the flow is open, and
 * the flow consumed only if the passkey went in — a credential registered
 * already (to anyone) leaves the ceremony open, as any other refusal does.
 * `open` false: the flow was not open (or not this account's), nothing
 * written; `added` false: the credential id is registered already.
 */
export async function addPasskeyOnce(
  db: Db,
  key: FlowKey,
  passkey: Omit<PasskeyRecord, 'lastUsedAt' | 'counterRegressions'>,
): Promise<{ open: boolean; added: PasskeyRecord | undefined }> {
  const rows = await db.query<{ open: boolean; added: boolean }>(
    `WITH flow AS MATERIALIZED (SELECT id FROM flows WHERE ${OPEN_FLOW} AND user_id = $6 FOR UPDATE),
       added AS (
         INSERT INTO passkeys (id, user_id, credential_id, public_key, counter, transports, aaguid, name, device_type, backed_up, created_at)
         SELECT $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15 FROM flow
         ON CONFLICT (credential_id) DO NOTHING RETURNING id
       ),
       consumed AS (UPDATE flows SET consumed_at = $4 WHERE id IN (SELECT id FROM flow) AND EXISTS (SELECT 1 FROM added))
     SELECT EXISTS (SELECT 1 FROM flow) AS open, EXISTS (SELECT 1 FROM added) AS added`,
    [
      ...flowKeyParams(key),
      passkey.id, passkey.userId, passkey.credentialId, Buffer.from(passkey.publicKey), passkey.counter, passkey.transports,
      passkey.aaguid, passkey.name, passkey.deviceType, passkey.backedUp, passkey.createdAt,
    ],
  );
  const { open, added } = rows[0]!;
  // As written, not read again: nothing in a new passkey is the database's to choose.
  return { open, added: added ? { ...passkey, lastUsedAt: null, counterRegressions: 0 } : undefined };
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
 * (no password, no other passkey, no connected identity). It takes the
 * account's row lock first — as disconnecting an identity does
 * (`deleteIdentityKeepingAWayIn`) — so removals of different kinds of ways in
 * queue and each decides on what the one before it left; then it locks the
 * account's passkeys (in id order, so two deletes never deadlock): under READ
 * COMMITTED a lock that waited on a concurrent delete skips the deleted row,
 * so of two parallel deletes of an account's last two passkeys the second
 * counts one left and refuses. True when it deleted.
 */
export async function deletePasskeyUnlessLast(db: Db, id: string, userId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.query(`SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, [userId]);
    const rows = await tx.query(
      `WITH mine AS MATERIALIZED (SELECT id FROM passkeys WHERE user_id = $2 ORDER BY id FOR UPDATE)
       DELETE FROM passkeys
       WHERE id = $1 AND user_id = $2 AND id IN (SELECT id FROM mine)
         AND ((SELECT count(*) FROM mine) > 1
           OR EXISTS (SELECT 1 FROM users WHERE id = $2 AND password_hash IS NOT NULL)
           OR EXISTS (SELECT 1 FROM identities WHERE user_id = $2))
       RETURNING id`,
      [id, userId],
    );
    return rows.length === 1;
  });
}

/** A passkey review (after a password reset) as a removal found it open. */
export interface ReviewedPasskeys {
  userId: string;
  /** The ids the review listed when the reset opened it. */
  listed: string[];
  expiresAt: Date;
  /** The ids this statement deleted, in code-point order (as JavaScript sorts them, whatever the database's collation). */
  removed: string[];
}

/**
 * Deletes, of `ids`, the passkeys an open review flow (`key`: open, bound to
 * this browser, of the review's kind) listed for its account, in one
 * statement: an id the review did not list — another account's, a made-up
 * one, one added since — is left alone, and so is everything when the flow is
 * not open. As with `deletePasskeyUnlessLast`, the account keeps a way in: it
 * deletes only while the account has a password (a reset has just set one).
 * Of fifty parallel removals of one id, the first deletes it and the rest,
 * having waited on its row lock, find it gone. Undefined when the flow is not open.
 */
export async function deleteReviewedPasskeys(db: Db, key: FlowKey, ids: string[]): Promise<ReviewedPasskeys | undefined> {
  const rows = await db.query<ReviewedPasskeys>(
    `WITH flow AS MATERIALIZED (SELECT user_id, data->'passkey_ids' AS listed, expires_at FROM flows WHERE ${OPEN_FLOW}),
       removed AS (
         DELETE FROM passkeys
         WHERE id = ANY($5::text[])
           AND user_id = (SELECT user_id FROM flow)
           AND id IN (SELECT jsonb_array_elements_text(listed) FROM flow)
           AND EXISTS (SELECT 1 FROM users u JOIN flow ON u.id = flow.user_id WHERE u.password_hash IS NOT NULL)
         RETURNING id
       )
     SELECT user_id AS "userId", listed, expires_at AS "expiresAt", ARRAY(SELECT id FROM removed ORDER BY id COLLATE "C") AS removed FROM flow`,
    [...flowKeyParams(key), ids],
  );
  return rows[0];
}
