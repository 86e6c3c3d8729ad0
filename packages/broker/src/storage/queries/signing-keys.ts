import type { JWK } from 'jose';
import type { Db } from '../storage.js';

export interface SigningKeyRecord {
  kid: string;
  alg: 'ES256';
  privateJwk: JWK;
  publicJwk: JWK;
  createdAt: Date;
  retiredAt: Date | null;
}

const columns = `kid, alg, private_jwk AS "privateJwk", public_jwk AS "publicJwk", created_at AS "createdAt", retired_at AS "retiredAt"`;

/** The newest key that still signs. */
export async function findActiveSigningKey(db: Db): Promise<SigningKeyRecord | undefined> {
  return (await db.query<SigningKeyRecord>(`SELECT ${columns} FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC, kid LIMIT 1`))[0];
}

/** Keys to publish: the signing ones and those retired after `retiredSince` (their tokens may still be live). */
export async function listPublishedSigningKeys(db: Db, retiredSince: Date): Promise<SigningKeyRecord[]> {
  return db.query<SigningKeyRecord>(
    `SELECT ${columns} FROM signing_keys WHERE retired_at IS NULL OR retired_at > $1 ORDER BY created_at DESC`,
    [retiredSince],
  );
}

export async function insertSigningKey(db: Db, key: Omit<SigningKeyRecord, 'retiredAt'>): Promise<void> {
  await db.query(
    `INSERT INTO signing_keys (kid, alg, private_jwk, public_jwk, created_at) VALUES ($1, $2, $3, $4, $5)`,
    [key.kid, key.alg, JSON.stringify(key.privateJwk), JSON.stringify(key.publicJwk), key.createdAt],
  );
}

/** Retires every signing key but `keepKid`. */
export async function retireSigningKeysExcept(db: Db, keepKid: string, at: Date): Promise<void> {
  await db.query(`UPDATE signing_keys SET retired_at = $2 WHERE kid <> $1 AND retired_at IS NULL`, [keepKid, at]);
}

/** Serializes key creation across instances for the rest of the transaction. */
export async function lockSigningKeys(db: Db): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(7306546)`);
}
