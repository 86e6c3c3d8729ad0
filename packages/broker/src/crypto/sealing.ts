import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Secrets at rest are sealed: AES-256-GCM under a key-encryption key derived
 * (HKDF-SHA-256) from the broker secret with a purpose label, and the id of the
 * row that holds the value as associated data. A database dump alone opens
 * nothing; a value sealed for one purpose does not open for another (another
 * derived key), and a sealed value copied into another row (another id) does
 * not open either.
 *
 * Sealed form: `v1.<iv>.<ciphertext>.<tag>`, each part base64url.
 */
const VERSION = 'v1';
// Domain separation: the same secret also keys the code HMACs, never with this derivation.
const HKDF_SALT = 'latchkey';

/**
 * What a sealed value is for; each purpose has its own derived key. The label is part
 * of the derivation, so renaming one makes every value sealed under it unreadable:
 * add purposes, never rename them. (`signing-key` derives exactly the key the signing
 * keys were sealed under before this helper existed.)
 */
export type SealingPurpose = 'signing-key' | 'connection-secret' | 'totp-secret';

/** A key-encryption key for one purpose; make it with `sealingKey`. */
export interface SealingKey {
  readonly purpose: SealingPurpose;
  readonly key: Buffer;
}

/** Thrown when a sealed value does not open: another secret, another row, another purpose, or tampered bytes. */
export class SealedValueError extends Error {
  constructor(
    readonly purpose: SealingPurpose,
    readonly id: string,
  ) {
    super(`the sealed ${purpose} of ${id} cannot be opened with this broker's secret (was the secret changed, or the value copied from another row?)`);
    this.name = this.constructor.name;
  }
}

/**
 * The 256-bit key-encryption key for `purpose` under `secret` (the configured broker
 * secret, or the generated one in dev mode).
 *
 * @example
 * const kek = sealingKey(await deps.secret(), 'connection-secret');
 */
export function sealingKey(secret: string, purpose: SealingPurpose): SealingKey {
  return { purpose, key: Buffer.from(hkdfSync('sha256', secret, HKDF_SALT, `latchkey ${purpose} sealing v1`, 32)) };
}

/**
 * Seals `plaintext` for the row `id` (a random IV each time).
 *
 * @example
 * const sealed = seal(kek, connectionId, clientSecret);
 */
export function seal(kek: SealingKey, id: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek.key, iv);
  cipher.setAAD(Buffer.from(id, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, ...[iv, ciphertext, cipher.getAuthTag()].map((part) => part.toString('base64url'))].join('.');
}

/**
 * Opens a value sealed for the row `id`. Throws `SealedValueError` for another secret,
 * purpose or id, or any altered byte (GCM authenticates all of them).
 *
 * @example
 * const clientSecret = unseal(kek, connection.id, connection.sealedSecret);
 */
export function unseal(kek: SealingKey, id: string, sealed: string): string {
  const [version, iv, ciphertext, tag, extra] = sealed.split('.');
  if (version !== VERSION || !iv || !ciphertext || !tag || extra !== undefined) throw new SealedValueError(kek.purpose, id);
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek.key, Buffer.from(iv, 'base64url'), { authTagLength: 16 });
    decipher.setAAD(Buffer.from(id, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SealedValueError(kek.purpose, id);
  }
}
