import { placeholders, type Db } from '../storage.js';

/** A sign-in transaction of any kind (see migrations/002_flows.sql). `data` is typed by the kind's module. */
export interface FlowRecord<Data = Record<string, unknown>> {
  id: string;
  kind: string;
  userId: string | null;
  data: Data;
  attempts: number;
  maxAttempts: number;
  createdAt: Date;
  expiresAt: Date;
  consumedAt: Date | null;
}

/** Which open flow a statement is about: its id, its kind, and the browser it is bound to. */
export interface FlowKey {
  id: string;
  kind: string;
  bindingHash: string;
  now: Date;
}

const columns = `id, kind, user_id AS "userId", data, attempts, max_attempts AS "maxAttempts",
  created_at AS "createdAt", expires_at AS "expiresAt", consumed_at AS "consumedAt"`;

/** Open, bound to this browser, of this kind: the condition of every statement on a flow ($1–$4, see `flowKeyParams`). */
export const OPEN_FLOW = `id = $1 AND kind = $2 AND binding_hash = $3 AND consumed_at IS NULL AND expires_at > $4`;
export const flowKeyParams = (key: FlowKey) => [key.id, key.kind, key.bindingHash, key.now];

/** A flow to store. */
export type NewFlow<Data> = Omit<FlowRecord<Data>, 'attempts' | 'consumedAt'> & { bindingHash: string; secretHash: string | null };

/** The columns of a new flow and its values in their order (`insertFlow`, and statements that store a flow alongside another write). */
export const NEW_FLOW_COLUMNS = `id, kind, binding_hash, user_id, secret_hash, data, max_attempts, created_at, expires_at`;
export const newFlowValues = <Data>(f: NewFlow<Data>) => [f.id, f.kind, f.bindingHash, f.userId, f.secretHash, JSON.stringify(f.data), f.maxAttempts, f.createdAt, f.expiresAt];

/** Stores a new flow. The record comes back as written, not read again: nothing in it is the database's to choose. */
export async function insertFlow<Data>(db: Db, flow: NewFlow<Data>): Promise<FlowRecord<Data>> {
  await db.query(`INSERT INTO flows (${NEW_FLOW_COLUMNS}) VALUES (${placeholders(1, 9)})`, newFlowValues(flow));
  return { id: flow.id, kind: flow.kind, userId: flow.userId, data: flow.data, attempts: 0, maxAttempts: flow.maxAttempts, createdAt: flow.createdAt, expiresAt: flow.expiresAt, consumedAt: null };
}

/** The flow if it is open and bound to this browser. */
export async function findOpenFlow<Data>(db: Db, key: FlowKey): Promise<FlowRecord<Data> | undefined> {
  return (await db.query<FlowRecord<Data>>(`SELECT ${columns} FROM flows WHERE ${OPEN_FLOW}`, flowKeyParams(key)))[0];
}

/**
 * One attempt at a flow's secret, in one statement: it counts the attempt only
 * while attempts remain, compares, and consumes the flow when the secret
 * matches. Fifty parallel guesses therefore compare at most `max_attempts`
 * times, and a matching secret is accepted once. The comparison is of HMAC
 * outputs under a key the caller never sees, so it leaks nothing by timing.
 * Returns the row as it is after the attempt, or undefined when the attempt was
 * not made (gone, used, expired, another browser's, or out of attempts).
 */
export async function attemptFlow<Data>(db: Db, key: FlowKey, secretHash: string): Promise<(FlowRecord<Data> & { accepted: boolean }) | undefined> {
  const rows = await db.query<FlowRecord<Data> & { accepted: boolean }>(
    `UPDATE flows SET attempts = attempts + 1, consumed_at = CASE WHEN secret_hash = $5 THEN $4::timestamptz END
     WHERE ${OPEN_FLOW} AND attempts < max_attempts
     RETURNING ${columns}, consumed_at IS NOT NULL AS accepted`,
    [...flowKeyParams(key), secretHash],
  );
  return rows[0];
}

/** What a consumed flow is still good for: whose it was and what it carried. */
export type ConsumedFlow<Data> = Pick<FlowRecord<Data>, 'id' | 'userId' | 'data'>;

/** Consumes an open flow without a secret (a pending sign-in that is now done). Only one caller wins. */
export async function consumeFlow<Data>(db: Db, key: FlowKey): Promise<ConsumedFlow<Data> | undefined> {
  return (await db.query<ConsumedFlow<Data>>(`UPDATE flows SET consumed_at = $4 WHERE ${OPEN_FLOW} RETURNING id, user_id AS "userId", data`, flowKeyParams(key)))[0];
}

/**
 * Appends `item` to the array at `data[field]` of an open flow bound to this
 * browser, in one conditional statement (a pending sign-in keeps each factor a
 * step proved while another step is still asked). Appending to what the row
 * holds, not to a copy read earlier, keeps a parallel step's item too. False
 * when the flow is not open (gone, consumed, expired, another browser's).
 */
export async function appendToFlowArray(db: Db, key: FlowKey, field: string, item: unknown): Promise<boolean> {
  const rows = await db.query(
    `UPDATE flows SET data = jsonb_set(data, ARRAY[$5::text], coalesce(data->$5, '[]'::jsonb) || jsonb_build_array($6::jsonb))
     WHERE ${OPEN_FLOW} RETURNING id`,
    [...flowKeyParams(key), field, JSON.stringify(item)],
  );
  return rows.length === 1;
}

/**
 * Gives an open flow a new secret and expiry and merges `data` into its data,
 * only while attempts remain and `notBefore` (a timestamp inside data, e.g.
 * `resend_after`) has passed — one conditional statement, so two resends at the
 * same moment mail one code.
 */
export async function renewFlow<Data>(
  db: Db,
  key: FlowKey,
  renewal: { secretHash: string | null; expiresAt: Date; data: Partial<Data>; notBeforeField: string },
): Promise<FlowRecord<Data> | undefined> {
  const rows = await db.query<FlowRecord<Data>>(
    `UPDATE flows SET secret_hash = $5, expires_at = $6, data = data || $7::jsonb
     WHERE ${OPEN_FLOW} AND attempts < max_attempts AND (data->>$8)::timestamptz <= $4
     RETURNING ${columns}`,
    [...flowKeyParams(key), renewal.secretHash, renewal.expiresAt, JSON.stringify(renewal.data), renewal.notBeforeField],
  );
  return rows[0];
}

/** Flows that expired before `before` are of no use to anyone. */
export async function deleteExpiredFlows(db: Db, before: Date): Promise<number> {
  const rows = await db.query<{ n: number }>(`WITH gone AS (DELETE FROM flows WHERE expires_at < $1 RETURNING 1) SELECT count(*)::int AS n FROM gone`, [before]);
  return rows[0]!.n;
}

/**
 * Consumes the open flow of `kind` whose secret hashes to `secretHash` and that
 * is bound to this browser, in one conditional statement (an OAuth callback's
 * `state`): only one of any number of parallel callers wins, and a state
 * carried to another browser finds nothing.
 */
export async function consumeFlowBySecret<Data>(db: Db, key: { kind: string; secretHash: string; bindingHash: string; now: Date }): Promise<ConsumedFlow<Data> | undefined> {
  const rows = await db.query<ConsumedFlow<Data>>(
    `UPDATE flows SET consumed_at = $4
     WHERE secret_hash = $2 AND kind = $1 AND binding_hash = $3 AND consumed_at IS NULL AND expires_at > $4
     RETURNING id, user_id AS "userId", data`,
    [key.kind, key.secretHash, key.bindingHash, key.now],
  );
  return rows[0];
}

/**
 * Consumes the open flow of `kind` whose secret hashes to `secretHash`, whichever browser it
 * is bound to, and answers that binding: for a SAML ACS, a cross-site POST that carries no
 * `lk_flow` cookie. The binding goes on with the result, and is checked where the browser
 * arrives next (a same-site GET). One conditional statement: one of any number of parallel
 * callers wins.
 */
export async function consumeFlowBySecretForAnyBrowser<Data>(db: Db, key: { kind: string; secretHash: string; now: Date }): Promise<(ConsumedFlow<Data> & { bindingHash: string }) | undefined> {
  const rows = await db.query<ConsumedFlow<Data> & { bindingHash: string }>(
    `UPDATE flows SET consumed_at = $3
     WHERE secret_hash = $2 AND kind = $1 AND consumed_at IS NULL AND expires_at > $3
     RETURNING id, user_id AS "userId", data, binding_hash AS "bindingHash"`,
    [key.kind, key.secretHash, key.now],
  );
  return rows[0];
}

/** Consumes this browser's newest open flow of `kind` (a result waiting after a redirect), once. */
export async function consumeNewestFlow<Data>(db: Db, key: { kind: string; bindingHash: string; now: Date }): Promise<ConsumedFlow<Data> | undefined> {
  const rows = await db.query<ConsumedFlow<Data>>(
    `UPDATE flows SET consumed_at = $3
     WHERE id = (SELECT id FROM flows WHERE kind = $1 AND binding_hash = $2 AND consumed_at IS NULL AND expires_at > $3 ORDER BY created_at DESC, id LIMIT 1)
       AND consumed_at IS NULL
     RETURNING id, user_id AS "userId", data`,
    [key.kind, key.bindingHash, key.now],
  );
  return rows[0];
}

/**
 * Counts one attempt on an open flow of this browser, in one conditional
 * statement, only while attempts remain (a second factor checked by the caller,
 * e.g. a TOTP code, which has no stored hash to compare). Fifty parallel guesses
 * count at most `max_attempts`. The row stays locked to the end of the caller's
 * transaction, so what the attempt proves is written before the next is counted.
 * Undefined when no attempt was made (gone, used, expired, another browser's, or
 * out of attempts).
 */
export async function countFlowAttempt<Data>(db: Db, key: FlowKey): Promise<FlowRecord<Data> | undefined> {
  const rows = await db.query<FlowRecord<Data>>(`UPDATE flows SET attempts = attempts + 1 WHERE ${OPEN_FLOW} AND attempts < max_attempts RETURNING ${columns}`, flowKeyParams(key));
  return rows[0];
}
