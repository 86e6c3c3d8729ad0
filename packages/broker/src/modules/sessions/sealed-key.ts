import type { JWK } from 'jose';
import { seal, SealedValueError, sealingKey, unseal, type SealingKey } from '../../crypto/sealing.js';

/**
 * Private signing keys are sealed at rest with the broker's one sealing helper
 * (`crypto/sealing.ts`, purpose `signing-key`): AES-256-GCM under a key derived from
 * the broker secret, with the key's `kid` as associated data. A database dump alone
 * yields no signing key, and a sealed key copied into another row (another kid) does
 * not open.
 */

/** Thrown when a sealed key does not open: another secret, another kid, or tampered bytes. */
export class SealedKeyError extends Error {
  constructor(kid: string) {
    super(
      `signing key ${kid} cannot be unsealed with this broker's secret (was the secret changed? ` +
        'then run `rotate-keys --now` once with the new secret to make a fresh key)',
    );
    this.name = this.constructor.name;
  }
}

/**
 * The key-encryption key of signing keys for `secret` (the configured broker
 * secret, or the generated one in dev mode).
 *
 * @example
 * const kek = keyEncryptionKey(await deps.secret());
 */
export function keyEncryptionKey(secret: string): SealingKey {
  return sealingKey(secret, 'signing-key');
}

/**
 * Seals a private JWK for storage.
 *
 * @example
 * const sealed = sealPrivateKey(kek, kid, await exportJWK(privateKey));
 */
export function sealPrivateKey(kek: SealingKey, kid: string, jwk: JWK): string {
  return seal(kek, kid, JSON.stringify(jwk));
}

/**
 * Opens a sealed private JWK. Throws `SealedKeyError` for another secret,
 * another kid or any altered byte (GCM authenticates all of them).
 *
 * @example
 * const jwk = unsealPrivateKey(kek, record.kid, record.sealedPrivateKey);
 */
export function unsealPrivateKey(kek: SealingKey, kid: string, sealed: string): JWK {
  try {
    return JSON.parse(unseal(kek, kid, sealed)) as JWK;
  } catch (error) {
    if (error instanceof SealedValueError) throw new SealedKeyError(kid);
    throw error;
  }
}
