import type { Db } from '../storage.js';

export type FlowPurpose = 'sign-up' | 'sign-in' | 'password-reset';

export interface EmailFlowRecord {
  id: string;
  purpose: FlowPurpose;
  email: string;
  userId: string | null;
  codeHash: string | null;
  attempts: number;
  data: Record<string, unknown>;
  returnTo: string | null;
  createdAt: Date;
  expiresAt: Date;
  resendAfter: Date;
  consumedAt: Date | null;
}

const columns = `id, purpose, email, user_id AS "userId", code_hash AS "codeHash", attempts, data, return_to AS "returnTo",
  created_at AS "createdAt", expires_at AS "expiresAt", resend_after AS "resendAfter", consumed_at AS "consumedAt"`;

export async function insertEmailFlow(db: Db, flow: Omit<EmailFlowRecord, 'attempts' | 'consumedAt'>): Promise<EmailFlowRecord> {
  const rows = await db.query<EmailFlowRecord>(
    `INSERT INTO email_flows (id, purpose, email, user_id, code_hash, data, return_to, created_at, expires_at, resend_after)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${columns}`,
    [flow.id, flow.purpose, flow.email, flow.userId, flow.codeHash, JSON.stringify(flow.data), flow.returnTo, flow.createdAt, flow.expiresAt, flow.resendAfter],
  );
  return rows[0]!;
}

/** A flow that can still take a code: not consumed, not expired. */
export async function findOpenEmailFlow(db: Db, id: string, now: Date): Promise<EmailFlowRecord | undefined> {
  const rows = await db.query<EmailFlowRecord>(
    `SELECT ${columns} FROM email_flows WHERE id = $1 AND consumed_at IS NULL AND expires_at > $2`,
    [id, now],
  );
  return rows[0];
}

/** Counts one wrong code; returns the attempts so far (atomic, so parallel guesses all count). */
export async function recordWrongCode(db: Db, id: string): Promise<number> {
  const rows = await db.query<{ attempts: number }>(`UPDATE email_flows SET attempts = attempts + 1 WHERE id = $1 RETURNING attempts`, [id]);
  return rows[0]?.attempts ?? Number.MAX_SAFE_INTEGER;
}

/**
 * Marks the flow used. Only one caller can win: a code is good once, even when
 * two requests carry it at the same moment.
 */
export async function consumeEmailFlow(db: Db, id: string, now: Date): Promise<boolean> {
  const rows = await db.query(
    `UPDATE email_flows SET consumed_at = $2 WHERE id = $1 AND consumed_at IS NULL AND expires_at > $2 RETURNING id`,
    [id, now],
  );
  return rows.length === 1;
}

/** Replaces the code (resend); the attempt count is kept so resending does not reset guessing. */
export async function replaceEmailFlowCode(db: Db, id: string, codeHash: string | null, expiresAt: Date, resendAfter: Date): Promise<EmailFlowRecord | undefined> {
  const rows = await db.query<EmailFlowRecord>(
    `UPDATE email_flows SET code_hash = $2, expires_at = $3, resend_after = $4 WHERE id = $1 AND consumed_at IS NULL RETURNING ${columns}`,
    [id, codeHash, expiresAt, resendAfter],
  );
  return rows[0];
}

export async function deleteExpiredEmailFlows(db: Db, before: Date): Promise<void> {
  await db.query(`DELETE FROM email_flows WHERE expires_at < $1`, [before]);
}
