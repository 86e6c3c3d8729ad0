import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Deps } from '../../deps.js';
import { randomId } from '../../random.js';
import {
  findActiveSigningKey,
  insertSigningKey,
  listPublishedSigningKeys,
  lockSigningKeys,
  retireSigningKeysExcept,
  type SigningKeyRecord,
} from '../../storage/queries/index.js';

/**
 * ES256 signing keys live in the database so every instance signs with, and
 * publishes, the same keys. The private JWK is stored as is: production should
 * encrypt it at rest (a KMS or a key-wrapping secret) — not done yet.
 */
export interface ActiveKey {
  kid: string;
  key: CryptoKey;
}

/** Instances re-read the active key this often; a rotation elsewhere is picked up within it. */
const KEY_CACHE_MS = 60_000;
const cache = new WeakMap<Deps['storage'], { key: ActiveKey; createdAt: Date; readAt: number }>();

async function createKey(deps: Deps): Promise<Omit<SigningKeyRecord, 'retiredAt'>> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = randomId('key');
  const record = {
    kid,
    alg: 'ES256' as const,
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256' },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' },
    createdAt: deps.clock(),
  };
  return record;
}

/**
 * Makes a new key the signing key and retires the others. Retired keys stay in
 * the JWKS until every token they signed has expired.
 *
 * @example
 * await rotateSigningKey(deps);
 */
export async function rotateSigningKey(deps: Deps): Promise<string> {
  const record = await createKey(deps);
  await deps.storage.transaction(async (tx) => {
    await lockSigningKeys(tx);
    await insertSigningKey(tx, record);
    await retireSigningKeysExcept(tx, record.kid, deps.clock());
  });
  cache.delete(deps.storage);
  return record.kid;
}

/**
 * The key to sign with: created on first need, rotated when older than
 * `keys.rotateAfterDays`. The advisory lock stops two instances that start
 * together from both rotating.
 */
export async function activeSigningKey(deps: Deps): Promise<ActiveKey> {
  const now = deps.clock();
  const cached = cache.get(deps.storage);
  const maxAgeMs = deps.config.keys.rotateAfterDays * 86_400_000;
  if (cached && Date.now() - cached.readAt < KEY_CACHE_MS && now.getTime() - cached.createdAt.getTime() < maxAgeMs) return cached.key;

  let record = await findActiveSigningKey(deps.storage);
  if (!record || now.getTime() - record.createdAt.getTime() >= maxAgeMs) {
    const candidate = await createKey(deps);
    record = await deps.storage.transaction(async (tx) => {
      await lockSigningKeys(tx);
      const current = await findActiveSigningKey(tx);
      if (current && now.getTime() - current.createdAt.getTime() < maxAgeMs) return current; // another instance won
      await insertSigningKey(tx, candidate);
      await retireSigningKeysExcept(tx, candidate.kid, now);
      return { ...candidate, retiredAt: null };
    });
  }
  const key = { kid: record.kid, key: (await importJWK(record.privateJwk, 'ES256')) as CryptoKey };
  cache.set(deps.storage, { key, createdAt: record.createdAt, readAt: Date.now() });
  return key;
}

/** The public keys for /.well-known/jwks.json: the signing key and those retired too recently to drop. */
export async function publishedKeys(deps: Deps): Promise<{ keys: JWK[] }> {
  // Keep a retired key for a token lifetime plus the cache window plus slack.
  const keepMs = (deps.config.token.ttlSeconds + 600) * 1000 + KEY_CACHE_MS;
  const records = await listPublishedSigningKeys(deps.storage, new Date(deps.clock().getTime() - keepMs));
  return { keys: records.map((r) => r.publicJwk) };
}
