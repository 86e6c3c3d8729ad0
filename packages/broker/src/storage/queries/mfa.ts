import type { Db } from '../storage.js';

/** An authenticator app enrolled as a second factor (see migrations/011_mfa.sql). */
export interface TotpFactorRecord {
  id: string;
  userId: string;
  /** The base32 secret, sealed for this row (purpose `totp-secret`). */
  sealedSecret: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

const totpColumns = `id, user_id AS "userId", sealed_secret AS "sealedSecret", created_at AS "createdAt", last_used_at AS "lastUsedAt"`;

/** The account's authenticator app, if it has one. */
export async function findTotpFactor(db: Db, userId: string): Promise<TotpFactorRecord | undefined> {
  return (await db.query<TotpFactorRecord>(`SELECT ${totpColumns} FROM totp_factors WHERE user_id = $1`, [userId]))[0];
}

/**
 * Stores a confirmed authenticator app, the step its confirming code was for
 * already used. One per account: when the account has one already nothing is
 * written and undefined comes back (two parallel confirmations store one).
 */
export async function insertTotpFactor(db: Db, factor: Omit<TotpFactorRecord, 'lastUsedAt'> & { usedStep: number }): Promise<TotpFactorRecord | undefined> {
  const rows = await db.query<TotpFactorRecord>(
    `INSERT INTO totp_factors (id, user_id, sealed_secret, last_used_step, created_at, last_used_at) VALUES ($1, $2, $3, $4, $5, $5)
     ON CONFLICT (user_id) DO NOTHING RETURNING ${totpColumns}`,
    [factor.id, factor.userId, factor.sealedSecret, factor.usedStep, factor.createdAt],
  );
  return rows[0];
}

/**
 * Takes time step `step` of the factor, in one conditional statement: only when
 * no code of this or a later step was accepted before. Of any number of
 * parallel requests with codes of one step, one wins; a code is never taken
 * twice, nor one older than a code already taken (RFC 6238 §5.2).
 */
export async function useTotpStep(db: Db, id: string, step: number, at: Date): Promise<boolean> {
  const rows = await db.query(
    `UPDATE totp_factors SET last_used_step = $2, last_used_at = $3 WHERE id = $1 AND (last_used_step IS NULL OR last_used_step < $2) RETURNING id`,
    [id, step, at],
  );
  return rows.length === 1;
}

/** Removes the account's authenticator app `id`; false when it has none of that id. */
export async function deleteTotpFactor(db: Db, id: string, userId: string): Promise<boolean> {
  return (await db.query(`DELETE FROM totp_factors WHERE id = $1 AND user_id = $2 RETURNING id`, [id, userId])).length === 1;
}

/** How many of the account's recovery codes are unused, and when its batch was made (null: none). */
export interface RecoveryCodeCount {
  remaining: number;
  createdAt: Date | null;
}

export async function countRecoveryCodes(db: Db, userId: string): Promise<RecoveryCodeCount> {
  const rows = await db.query<RecoveryCodeCount>(
    `SELECT count(*) FILTER (WHERE used_at IS NULL)::int AS remaining, max(created_at) AS "createdAt" FROM recovery_codes WHERE user_id = $1`,
    [userId],
  );
  return rows[0] ?? { remaining: 0, createdAt: null };
}

/**
 * Replaces the account's recovery codes with a new batch (their hashes). Two
 * statements: run it in a transaction, so the old codes stop working exactly
 * when the new ones start.
 */
export async function replaceRecoveryCodes(tx: Db, userId: string, codeHashes: readonly string[], at: Date): Promise<void> {
  await tx.query(`DELETE FROM recovery_codes WHERE user_id = $1`, [userId]);
  await tx.query(`INSERT INTO recovery_codes (user_id, code_hash, created_at) SELECT $1, h, $3 FROM unnest($2::text[]) AS h`, [userId, codeHashes, at]);
}

/** Removes the account's recovery codes (its last second factor is gone). */
export async function deleteRecoveryCodes(db: Db, userId: string): Promise<void> {
  await db.query(`DELETE FROM recovery_codes WHERE user_id = $1`, [userId]);
}

/**
 * Uses the account's recovery code of hash `codeHash`, in one conditional
 * statement: of any number of parallel uses of one code, one wins.
 */
export async function useRecoveryCode(db: Db, userId: string, codeHash: string, at: Date): Promise<boolean> {
  const rows = await db.query(`UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING user_id`, [userId, codeHash, at]);
  return rows.length === 1;
}
