import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { JWK } from 'jose';

/**
 * Private signing keys are sealed at rest: AES-256-GCM under a key-encryption
 * key derived (HKDF-SHA-256) from the broker secret, with the key's `kid` as
 * associated data. A database dump alone yields no signing key, and a sealed key
 * copied into another row (another kid) does not open.
 *
 * Sealed form: `v1.<iv>.<ciphertext>.<tag>`, each part base64url.
 */
const VERSION = 'v1';
// Domain separation: the same secret also keys the code HMACs, never with this derivation.
const HKDF_SALT = 'latchkey';
const HKDF_INFO = 'latchkey signing-key sealing v1';

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
 * The 256-bit key-encryption key for `secret` (the configured broker secret, or
 * the generated one in dev mode).
 *
 * @example
 * const kek = keyEncryptionKey(await deps.secret());
 */
export function keyEncryptionKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, HKDF_SALT, HKDF_INFO, 32));
}

/**
 * Seals a private JWK for storage.
 *
 * @example
 * const sealed = sealPrivateKey(kek, kid, await exportJWK(privateKey));
 */
export function sealPrivateKey(kek: Buffer, kid: string, jwk: JWK): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, iv);
  cipher.setAAD(Buffer.from(kid, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(jwk), 'utf8'), cipher.final()]);
  return [VERSION, iv, ciphertext, cipher.getAuthTag()].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
}

/**
 * Opens a sealed private JWK. Throws `SealedKeyError` for another secret,
 * another kid or any altered byte (GCM authenticates all of them).
 *
 * @example
 * const jwk = unsealPrivateKey(kek, record.kid, record.sealedPrivateKey);
 */
export function unsealPrivateKey(kek: Buffer, kid: string, sealed: string): JWK {
  const [version, iv, ciphertext, tag, extra] = sealed.split('.');
  if (version !== VERSION || !iv || !ciphertext || !tag || extra !== undefined) throw new SealedKeyError(kid);
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(iv, 'base64url'), { authTagLength: 16 });
    decipher.setAAD(Buffer.from(kid, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const plain = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as JWK;
  } catch {
    throw new SealedKeyError(kid);
  }
}
