import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Deps } from '../../deps.js';
import { randomId } from '../../random.js';
import {
  findActiveSigningKey,
  findPendingSigningKey,
  insertSigningKey,
  listPublishedSigningKeys,
  lockSigningKeys,
  retireSigningKeysBefore,
  type SigningKeyRecord,
} from '../../storage/queries/index.js';
import type { Db } from '../../storage/storage.js';

/**
 * ES256 signing keys live in the database so every instance signs with, and
 * publishes, the same keys. The private JWK is stored as is: production should
 * encrypt it at rest (a KMS or a key-wrapping secret) — not done yet.
 *
 * Rotation is staged: the next key is published `PUBLISH_LEAD_MS` before it
 * signs anything, so verifiers that cache the JWKS (jose refetches at most
 * every 30 s, @latchkey/server keeps it up to 10 min) know it before its first
 * token arrives. The old key stays published until its last token expired.
 */
export interface ActiveKey {
  kid: string;
  key: CryptoKey;
}

/** How long a new key is published before it signs. */
export const PUBLISH_LEAD_MS = 60 * 60_000;
/** Instances re-read the active key this often; an activation elsewhere is picked up within it. */
const KEY_CACHE_MS = 60_000;
const cache = new WeakMap<Deps, { key: ActiveKey; readAt: number }>();

async function newKey(createdAt: Date, activatesAt: Date): Promise<Omit<SigningKeyRecord, 'retiredAt'>> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = randomId('key');
  return {
    kid,
    alg: 'ES256',
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256' },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' },
    createdAt,
    activatesAt,
  };
}

/**
 * Starts a rotation. By default the new key is published now and signs from
 * `PUBLISH_LEAD_MS` on. `immediate` is for a leaked key: the new key signs at
 * once and every other key leaves the JWKS, so tokens they signed stop verifying.
 *
 * @example
 * await rotateSigningKey(deps);                      // planned
 * await rotateSigningKey(deps, { immediate: true }); // the private key leaked
 */
export async function rotateSigningKey(deps: Deps, options: { immediate?: boolean } = {}): Promise<string> {
  const now = deps.clock();
  const record = await newKey(now, options.immediate ? now : new Date(now.getTime() + PUBLISH_LEAD_MS));
  await deps.storage.transaction(async (tx) => {
    await lockSigningKeys(tx);
    await insertSigningKey(tx, record);
    // Retired "long ago": out of the JWKS at once.
    if (options.immediate) await retireSigningKeysBefore(tx, record.kid, now, new Date(0));
  });
  cache.delete(deps);
  return record.kid;
}

/**
 * Under the lock: makes sure a key signs now (the very first one signs at once),
 * stages the next one when the current one is due, and retires keys a newer one replaced.
 */
async function settleKeys(tx: Db, deps: Deps): Promise<SigningKeyRecord> {
  const now = deps.clock();
  await lockSigningKeys(tx);
  let active = await findActiveSigningKey(tx, now);
  if (!active) {
    const first = await newKey(now, now);
    await insertSigningKey(tx, first);
    active = { ...first, retiredAt: null };
  }
  await retireSigningKeysBefore(tx, active.kid, now, now);
  const dueAt = active.activatesAt.getTime() + deps.config.keys.rotateAfterDays * 86_400_000 - PUBLISH_LEAD_MS;
  if (now.getTime() >= dueAt && !(await findPendingSigningKey(tx, now))) {
    await insertSigningKey(tx, await newKey(now, new Date(now.getTime() + PUBLISH_LEAD_MS)));
  }
  return active;
}

/** The key to sign with now. Key housekeeping runs at most once a minute per instance. */
export async function activeSigningKey(deps: Deps): Promise<ActiveKey> {
  const now = deps.clock().getTime();
  const cached = cache.get(deps);
  if (cached && now - cached.readAt < KEY_CACHE_MS) return cached.key;
  const record = await deps.storage.transaction((tx) => settleKeys(tx, deps));
  const key = { kid: record.kid, key: (await importJWK(record.privateJwk, 'ES256')) as CryptoKey };
  cache.set(deps, { key, readAt: now });
  return key;
}

/** The public keys for /.well-known/jwks.json: pending, signing, and retired too recently to drop. */
export async function publishedKeys(deps: Deps): Promise<{ keys: JWK[] }> {
  // A retired key may still have signed for a cache window; keep it a token lifetime plus slack after that.
  const keepMs = (deps.config.token.ttlSeconds + 600) * 1000 + KEY_CACHE_MS;
  const records = await listPublishedSigningKeys(deps.storage, new Date(deps.clock().getTime() - keepMs));
  return { keys: records.map((r) => r.publicJwk) };
}
