import type { JWK } from 'jose';
import type { Db } from '../storage.js';

export interface SigningKeyRecord {
  kid: string;
  alg: 'ES256';
  /** The private JWK sealed under the key-encryption key (see `sessions/sealed-key.ts`); null once dropped. */
  sealedPrivateKey: string | null;
  publicJwk: JWK;
  createdAt: Date;
  activatesAt: Date;
  retiredAt: Date | null;
}

/** A published key, as /.well-known/jwks.json needs it. */
export type PublishedSigningKey = Pick<SigningKeyRecord, 'kid' | 'publicJwk' | 'retiredAt'>;

const columns = `kid, alg, sealed_private_key AS "sealedPrivateKey", public_jwk AS "publicJwk", created_at AS "createdAt",
  activates_at AS "activatesAt", retired_at AS "retiredAt"`;

// "Signs at `now`": active, not retired, and holding a private part.
const signingAt = `retired_at IS NULL AND sealed_private_key IS NOT NULL AND activates_at <= $1`;

/** The newest key that signs at `now`. */
export async function findActiveSigningKey(db: Db, now: Date): Promise<SigningKeyRecord | undefined> {
  const rows = await db.query<SigningKeyRecord>(`SELECT ${columns} FROM signing_keys WHERE ${signingAt} ORDER BY activates_at DESC, kid LIMIT 1`, [now]);
  return rows[0];
}

/**
 * Only the kid of the key that signs at `now`: the cheap per-mint freshness
 * check (an index-only read of `signing_keys_signing`).
 */
export async function findActiveSigningKid(db: Db, now: Date): Promise<string | undefined> {
  const rows = await db.query<{ kid: string }>(`SELECT kid FROM signing_keys WHERE ${signingAt} ORDER BY activates_at DESC, kid LIMIT 1`, [now]);
  return rows[0]?.kid;
}

/** One key by kid, if it still signs at `now`. */
export async function findSigningKey(db: Db, kid: string, now: Date): Promise<SigningKeyRecord | undefined> {
  const rows = await db.query<SigningKeyRecord>(`SELECT ${columns} FROM signing_keys WHERE kid = $2 AND ${signingAt}`, [now, kid]);
  return rows[0];
}

/** A key published but not yet signing (the next one, in a staged rotation). */
export async function findPendingSigningKey(db: Db, now: Date): Promise<SigningKeyRecord | undefined> {
  const rows = await db.query<SigningKeyRecord>(`SELECT ${columns} FROM signing_keys WHERE retired_at IS NULL AND activates_at > $1 LIMIT 1`, [now]);
  return rows[0];
}

/** Keys to publish: every key not retired (pending ones too) and those retired after `retiredSince`. */
export async function listPublishedSigningKeys(db: Db, retiredSince: Date): Promise<PublishedSigningKey[]> {
  return db.query<PublishedSigningKey>(
    `SELECT kid, public_jwk AS "publicJwk", retired_at AS "retiredAt" FROM signing_keys
     WHERE retired_at IS NULL OR retired_at > $1 ORDER BY activates_at DESC, kid`,
    [retiredSince],
  );
}

export async function insertSigningKey(db: Db, key: Omit<SigningKeyRecord, 'retiredAt'>): Promise<void> {
  await db.query(
    `INSERT INTO signing_keys (kid, alg, sealed_private_key, public_jwk, created_at, activates_at) VALUES ($1, $2, $3, $4, $5, $6)`,
    [key.kid, key.alg, key.sealedPrivateKey, JSON.stringify(key.publicJwk), key.createdAt, key.activatesAt],
  );
}

/**
 * Retires every active key older than `newestKid`: once a newer key signs, they
 * only verify, so their private part is dropped.
 */
export async function retireSigningKeysBefore(db: Db, newestKid: string, now: Date): Promise<void> {
  await db.query(
    `UPDATE signing_keys SET retired_at = $2, sealed_private_key = NULL WHERE kid <> $1 AND retired_at IS NULL AND activates_at <= $2`,
    [newestKid, now],
  );
}

/**
 * Withdraws every key but `keepKid` at once, pending ones too (a leaked key or
 * secret): retired "long ago", so out of the JWKS, and their private part dropped.
 */
export async function withdrawSigningKeysExcept(db: Db, keepKid: string): Promise<void> {
  await db.query(`UPDATE signing_keys SET retired_at = $2, sealed_private_key = NULL WHERE kid <> $1 AND (retired_at IS NULL OR retired_at > $2)`, [
    keepKid,
    new Date(0),
  ]);
}

/** Serializes key creation across instances for the rest of the transaction. */
export async function lockSigningKeys(db: Db): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(7306546)`);
}
