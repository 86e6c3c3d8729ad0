import { createHash } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey } from 'jose';
import type { Deps } from '../../deps.js';
import { randomId } from '../../random.js';
import {
  findActiveSigningKey,
  findActiveSigningKid,
  findPendingSigningKey,
  findSigningKey,
  insertSigningKey,
  listPublishedSigningKeys,
  lockSigningKeys,
  retireSigningKeysBefore,
  withdrawSigningKeysExcept,
  type SigningKeyRecord,
} from '../../storage/queries/index.js';
import type { Db } from '../../storage/storage.js';
import type { SealingKey } from '../../crypto/sealing.js';
import { keyEncryptionKey, sealPrivateKey, unsealPrivateKey } from './sealed-key.js';

/**
 * ES256 signing keys live in the database so every instance signs with, and
 * publishes, the same keys. The private JWK is sealed at rest (see `sealed-key.ts`).
 *
 * Rotation is staged: the next key is published `PUBLISH_LEAD_MS` before it
 * signs anything, so verifiers that cache the JWKS (jose refetches at most
 * every 30 s, @latchkey/server keeps it up to 10 min) know it before its first
 * token arrives. The old key stays published until its last token expired.
 *
 * Each instance holds the imported signing key and the JWKS in memory (per
 * `Deps`, so two brokers in one process keep apart). A mint re-reads which kid
 * signs at most once every `CHECK_MS` (one index-only query) and imports a key
 * only when that kid changed, so a key withdrawn on one instance stops signing
 * on every instance within a second. The heavier housekeeping (first key,
 * staging the next, retiring replaced ones) runs under an advisory lock at most
 * once every `SETTLE_MS`.
 */
export interface ActiveKey {
  kid: string;
  key: CryptoKey;
}

/** How long a new key is published before it signs. */
export const PUBLISH_LEAD_MS = 60 * 60_000;
/** At most this long after a key is withdrawn elsewhere, an instance still signs with it. */
export const CHECK_MS = 1_000;
/** Key housekeeping under the lock runs at most this often per instance. */
const SETTLE_MS = 60_000;
/** The JWKS in memory is re-read at most this often (one small query), and re-serialized only when the key set changed. */
const JWKS_REFRESH_MS = 1_000;
/** `Cache-Control: max-age` of the JWKS. Rotations are published an hour ahead, so verifiers caching it this long miss nothing. */
export const JWKS_MAX_AGE_SECONDS = 60;

export interface PublishedKeySet {
  /** `{ "keys": [...] }`, serialized once per change. */
  body: string;
  /** A strong ETag of `body`. */
  etag: string;
}

interface KeyState {
  signing?: ActiveKey;
  checkedAt: number;
  settledAt: number;
  refreshing?: Promise<ActiveKey>;
  jwks?: PublishedKeySet & { builtAt: number; kids: string };
  jwksBuilding?: Promise<PublishedKeySet>;
}

const states = new WeakMap<Deps, KeyState>();

function stateOf(deps: Deps): KeyState {
  let state = states.get(deps);
  if (!state) states.set(deps, (state = { checkedAt: -Infinity, settledAt: -Infinity }));
  return state;
}

/** The key-encryption key. Read it before opening a transaction: in dev the secret itself may come from the database. */
async function keyEncryptionKeyOf(deps: Deps): Promise<SealingKey> {
  return keyEncryptionKey(await deps.secret());
}

async function newKey(kek: SealingKey, createdAt: Date, activatesAt: Date): Promise<Omit<SigningKeyRecord, 'retiredAt'>> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = randomId('key');
  return {
    kid,
    alg: 'ES256',
    sealedPrivateKey: sealPrivateKey(kek, kid, { ...(await exportJWK(privateKey)), kid, alg: 'ES256' }),
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' },
    createdAt,
    activatesAt,
  };
}

async function importSigningKey(kek: SealingKey, record: SigningKeyRecord): Promise<ActiveKey> {
  const jwk = unsealPrivateKey(kek, record.kid, record.sealedPrivateKey!);
  return { kid: record.kid, key: (await importJWK(jwk, 'ES256')) as CryptoKey };
}

/**
 * Starts a rotation. By default the new key is published now and signs from
 * `PUBLISH_LEAD_MS` on. `immediate` is for a leaked key: the new key signs at
 * once and every other key leaves the JWKS, so tokens they signed stop
 * verifying; other instances stop signing with them within `CHECK_MS`.
 *
 * @example
 * await rotateSigningKey(deps);                      // planned
 * await rotateSigningKey(deps, { immediate: true }); // the private key leaked
 */
export async function rotateSigningKey(deps: Deps, options: { immediate?: boolean } = {}): Promise<string> {
  const now = deps.clock();
  const record = await newKey(await keyEncryptionKeyOf(deps), now, options.immediate ? now : new Date(now.getTime() + PUBLISH_LEAD_MS));
  await deps.storage.transaction(async (tx) => {
    await lockSigningKeys(tx);
    await insertSigningKey(tx, record);
    if (options.immediate) await withdrawSigningKeysExcept(tx, record.kid);
  });
  const state = stateOf(deps);
  state.checkedAt = -Infinity;
  state.jwks = undefined;
  return record.kid;
}

/**
 * Under the lock: makes sure a key signs now (the very first one signs at once),
 * stages the next one when the current one is due, and retires keys a newer one replaced.
 */
async function settleKeys(tx: Db, deps: Deps, kek: SealingKey, now: Date): Promise<SigningKeyRecord> {
  await lockSigningKeys(tx);
  let active = await findActiveSigningKey(tx, now);
  if (!active) {
    const first = await newKey(kek, now, now);
    await insertSigningKey(tx, first);
    active = { ...first, retiredAt: null };
  }
  await retireSigningKeysBefore(tx, active.kid, now);
  const dueAt = active.activatesAt.getTime() + deps.config.keys.rotateAfterDays * 86_400_000 - PUBLISH_LEAD_MS;
  if (now.getTime() >= dueAt && !(await findPendingSigningKey(tx, now))) {
    await insertSigningKey(tx, await newKey(kek, now, new Date(now.getTime() + PUBLISH_LEAD_MS)));
  }
  return active;
}

async function refreshSigningKey(deps: Deps, state: KeyState, at: number): Promise<ActiveKey> {
  const now = new Date(at);
  const kek = await keyEncryptionKeyOf(deps);
  if (state.signing && at - state.settledAt < SETTLE_MS) {
    // The cheap path: is the key we hold still the one that signs?
    const kid = await findActiveSigningKid(deps.storage, now);
    if (kid === state.signing.kid) {
      state.checkedAt = at;
      return state.signing;
    }
    const record = kid === undefined ? undefined : await findSigningKey(deps.storage, kid, now);
    if (record) {
      state.signing = await importSigningKey(kek, record);
      state.checkedAt = at;
      return state.signing;
    }
    // No key signs (or it vanished meanwhile): settle under the lock below.
  }
  const record = await deps.storage.transaction((tx) => settleKeys(tx, deps, kek, now));
  if (record.kid !== state.signing?.kid) state.signing = await importSigningKey(kek, record);
  state.settledAt = state.checkedAt = at;
  return state.signing!;
}

/**
 * The key to sign with now. From memory, except at most once a second (is it
 * still the signing key?) and once a minute (housekeeping under the lock).
 * Concurrent mints share one re-read.
 *
 * @example
 * const { kid, key } = await activeSigningKey(deps);
 */
export function activeSigningKey(deps: Deps): Promise<ActiveKey> {
  const state = stateOf(deps);
  const at = deps.clock().getTime();
  if (state.signing && at - state.checkedAt < CHECK_MS && at - state.settledAt < SETTLE_MS) return Promise.resolve(state.signing);
  return (state.refreshing ??= refreshSigningKey(deps, state, at).finally(() => {
    state.refreshing = undefined;
  }));
}

/**
 * Makes sure a signing key exists (creating the first one) and that it opens
 * with the configured secret. `latchkey-broker` (src/cli) calls it before listening, so the
 * JWKS is never empty once the broker answers, and a wrong secret stops
 * start-up instead of the first mint.
 *
 * @example
 * await ensureSigningKey(app.deps);
 * serve({ fetch: app.fetch, port: 8787 });
 */
export async function ensureSigningKey(deps: Deps): Promise<void> {
  await activeSigningKey(deps);
}

async function buildKeySet(deps: Deps, state: KeyState, at: number): Promise<PublishedKeySet> {
  // A retired key may have signed until CHECK_MS after it was replaced; keep it a token lifetime plus slack after that.
  const keepMs = (deps.config.token.ttlSeconds + 600) * 1000 + CHECK_MS;
  const list = () => listPublishedSigningKeys(deps.storage, new Date(at - keepMs));
  let records = await list();
  // First use on a fresh database (or after every key was retired): make the key that will sign, so the set is never without it.
  if (!records.some((record) => record.retiredAt === null)) {
    await ensureSigningKey(deps);
    records = await list();
  }
  const kids = records.map((record) => record.kid).join(' ');
  if (state.jwks?.kids !== kids) {
    const body = JSON.stringify({ keys: records.map((record) => record.publicJwk) });
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    state.jwks = { body, etag, kids, builtAt: at };
  } else {
    state.jwks.builtAt = at;
  }
  return state.jwks;
}

/**
 * The public keys for /.well-known/jwks.json: pending, signing, and retired too
 * recently to drop; served from memory, re-read at most once a second. While
 * the database cannot be read, the last set read is served: verifiers keep
 * working through a blip (a withdrawal reaches them once it answers again).
 *
 * @example
 * const { body, etag } = await publishedKeys(deps);
 */
export function publishedKeys(deps: Deps): Promise<PublishedKeySet> {
  const state = stateOf(deps);
  const at = deps.clock().getTime();
  if (state.jwks && at - state.jwks.builtAt < JWKS_REFRESH_MS) return Promise.resolve(state.jwks);
  return (state.jwksBuilding ??= buildKeySet(deps, state, at)
    .catch((error: unknown) => {
      if (state.jwks) return state.jwks;
      throw error;
    })
    .finally(() => {
      state.jwksBuilding = undefined;
    }));
}
