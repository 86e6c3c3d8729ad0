import type { JWK } from 'jose';
import type { Db } from '../storage.js';

export interface SigningKeyRecord {
  kid: string;
  alg: 'ES256';
  privateJwk: JWK;
  publicJwk: JWK;
  createdAt: Date;
  activatesAt: Date;
  retiredAt: Date | null;
}

const columns = `kid, alg, private_jwk AS "privateJwk", public_jwk AS "publicJwk", created_at AS "createdAt",
  activates_at AS "activatesAt", retired_at AS "retiredAt"`;

/** The newest key that signs at `now`: active, not retired. */
export async function findActiveSigningKey(db: Db, now: Date): Promise<SigningKeyRecord | undefined> {
  const rows = await db.query<SigningKeyRecord>(
    `SELECT ${columns} FROM signing_keys WHERE retired_at IS NULL AND activates_at <= $1 ORDER BY activates_at DESC, kid LIMIT 1`,
    [now],
  );
  return rows[0];
}

/** A key published but not yet signing (the next one, in a staged rotation). */
export async function findPendingSigningKey(db: Db, now: Date): Promise<SigningKeyRecord | undefined> {
  const rows = await db.query<SigningKeyRecord>(`SELECT ${columns} FROM signing_keys WHERE retired_at IS NULL AND activates_at > $1 LIMIT 1`, [now]);
  return rows[0];
}

/** Keys to publish: every key not retired (pending ones too) and those retired after `retiredSince`. */
export async function listPublishedSigningKeys(db: Db, retiredSince: Date): Promise<SigningKeyRecord[]> {
  return db.query<SigningKeyRecord>(
    `SELECT ${columns} FROM signing_keys WHERE retired_at IS NULL OR retired_at > $1 ORDER BY activates_at DESC`,
    [retiredSince],
  );
}

export async function insertSigningKey(db: Db, key: Omit<SigningKeyRecord, 'retiredAt'>): Promise<void> {
  await db.query(
    `INSERT INTO signing_keys (kid, alg, private_jwk, public_jwk, created_at, activates_at) VALUES ($1, $2, $3, $4, $5, $6)`,
    [key.kid, key.alg, JSON.stringify(key.privateJwk), JSON.stringify(key.publicJwk), key.createdAt, key.activatesAt],
  );
}

/** Retires every active key older than `newestKid`: once a newer key signs, they only verify. */
export async function retireSigningKeysBefore(db: Db, newestKid: string, now: Date, at: Date): Promise<void> {
  await db.query(`UPDATE signing_keys SET retired_at = $3 WHERE kid <> $1 AND retired_at IS NULL AND activates_at <= $2`, [newestKid, now, at]);
}

/** Serializes key creation across instances for the rest of the transaction. */
export async function lockSigningKeys(db: Db): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(7306546)`);
}
