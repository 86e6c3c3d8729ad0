import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { decodeCBOR, decodePartialCBOR, type CBORType } from '@levischuck/tiny-cbor';

/**
 * The steps of WebAuthn Level 3 §7.1 and §7.2 that @simplewebauthn/server (v13)
 * leaves out, checked by the broker before the library's own verification. Each
 * throws an `Error` that names the check; the caller logs it and answers
 * `passkey_rejected` (see `verify.ts`).
 *
 * What the library does not check, read in its source:
 * - `decodeClientDataJSON` parses the JSON and nothing more: `crossOrigin` and
 *   `topOrigin` are never looked at (§7.1 steps 10–11, §7.2 steps 13–14).
 * - `decodeAttestationObject` takes the first CBOR item and drops whatever
 *   follows it (§7.1 step 13 decodes *the* attestation object).
 * - `parseAuthenticatorData` measures the credential public key and the
 *   extensions by encoding them again, not by the bytes they took: a
 *   half-precision float grows by 2 bytes on re-encoding, so 2 trailing bytes
 *   go unseen. It accepts attested credential data in an assertion and
 *   extension outputs that are not a map.
 * - `verifyRegistrationResponse` checks only that the key's `alg` was offered
 *   (§7.1 step 20): not that the key type and curve are that algorithm's, nor
 *   that an EC2 point lies on its curve, so a key no signature can ever verify
 *   against (or one read under the wrong algorithm) would be stored.
 *
 * The broker is never meant to run inside a cross-origin iframe: if it ever
 * is, `crossOrigin: true` and a `topOrigin` become a configured allowlist here.
 */

/** Authenticator data flags that say what follows the counter (WebAuthn §6.1). */
const AT = 0x40;
const ED = 0x80;
/** rpIdHash (32) + flags (1) + signCount (4). */
const AUTH_DATA_HEADER = 37;
/** AAGUID (16) + credentialIdLength (2). */
const ATTESTED_HEADER = 18;
/** §7.1: a credential id longer than this SHOULD fail the registration; the broker fails it. */
const MAX_CREDENTIAL_ID_BYTES = 1023;

/**
 * §7.1 steps 10–11 and §7.2 steps 13–14: `crossOrigin` must be `false` or
 * absent (the broker is not framed by other origins), and `topOrigin`, which a
 * browser sends only from a cross-origin iframe, must be absent. A top-level
 * page in Chromium sends `crossOrigin: false` and no `topOrigin`.
 */
export function checkClientData(clientDataJSON: string): void {
  let clientData: unknown;
  try {
    // UTF-8 decode (a BOM stripped, as §7.1 step 5 asks), then JSON.
    clientData = JSON.parse(new TextDecoder().decode(Buffer.from(clientDataJSON, 'base64url')));
  } catch {
    throw new Error('clientDataJSON is not JSON');
  }
  if (typeof clientData !== 'object' || clientData === null) throw new Error('clientDataJSON is not an object');
  const { crossOrigin, topOrigin } = clientData as { crossOrigin?: unknown; topOrigin?: unknown };
  if (crossOrigin !== undefined && crossOrigin !== false) {
    throw new Error(`clientDataJSON crossOrigin is ${JSON.stringify(crossOrigin)}: the broker does not take ceremonies from cross-origin iframes (WebAuthn §7.1 step 10, §7.2 step 13)`);
  }
  if (topOrigin !== undefined) {
    throw new Error(`clientDataJSON names a topOrigin (${String(topOrigin)}): the broker does not take ceremonies from cross-origin iframes (WebAuthn §7.1 step 11, §7.2 step 14)`);
  }
}

/**
 * §7.1 step 13: the attestation object is one CBOR map of `fmt`, `attStmt` and
 * `authData`, with nothing after it; its authenticator data is checked as a
 * registration's (`checkAuthenticatorData`), and the credential public key in
 * it against `algorithms` (`checkCredentialPublicKey`).
 */
export function checkAttestationObject(attestationObject: string, algorithms: readonly number[]): void {
  let decoded: CBORType;
  try {
    decoded = decodeCBOR(ownBuffer(Buffer.from(attestationObject, 'base64url')));
  } catch (error) {
    throw new Error(`the attestation object is not exactly one CBOR item (${(error as Error).message})`);
  }
  if (!(decoded instanceof Map)) throw new Error('the attestation object is not a CBOR map');
  const authData = decoded.get('authData');
  if (typeof decoded.get('fmt') !== 'string' || !(decoded.get('attStmt') instanceof Map) || !(authData instanceof Uint8Array)) {
    throw new Error('the attestation object lacks fmt, attStmt or authData');
  }
  const { credentialPublicKey } = checkAuthenticatorData(authData, 'registration');
  checkCredentialPublicKey(credentialPublicKey!, algorithms);
}

/** §7.2 steps 15–17 read an assertion's authenticator data: checked as `checkAuthenticatorData` does. */
export function checkAssertionAuthenticatorData(authenticatorData: string): void {
  checkAuthenticatorData(Buffer.from(authenticatorData, 'base64url'), 'assertion');
}

/** tiny-cbor reads a Uint8Array's whole ArrayBuffer from 0: a view into Buffer's shared pool must be copied out first. */
const ownBuffer = (bytes: Uint8Array) => (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : Uint8Array.from(bytes));

/**
 * §6.1: authenticator data is the 37-byte header, then attested credential data
 * exactly when AT is set (§6.5.1: always in a registration, never in an
 * assertion, §6.3.3), then a CBOR map of extension outputs exactly when ED is
 * set, and nothing more. Each CBOR item is measured by the bytes the decoder
 * took, never by encoding it again.
 */
function checkAuthenticatorData(authData: Uint8Array, ceremony: 'registration' | 'assertion'): { credentialPublicKey?: Map<string | number, CBORType> } {
  if (authData.length < AUTH_DATA_HEADER) throw new Error(`the authenticator data is ${authData.length} bytes, shorter than its header`);
  const flags = authData[32]!;
  const attested = (flags & AT) !== 0;
  if (ceremony === 'registration' && !attested) throw new Error('the authenticator data of a registration has AT clear: no credential');
  if (ceremony === 'assertion' && attested) throw new Error('the authenticator data of an assertion has AT set: attested credential data belongs to a registration only');
  let offset = AUTH_DATA_HEADER;
  let credentialPublicKey: Map<string | number, CBORType> | undefined;
  if (attested) {
    if (authData.length < offset + ATTESTED_HEADER) throw new Error('the authenticator data ends inside its attested credential data');
    const idLength = (authData[offset + 16]! << 8) | authData[offset + 17]!;
    if (idLength > MAX_CREDENTIAL_ID_BYTES) throw new Error(`the credential id is ${idLength} bytes, over ${MAX_CREDENTIAL_ID_BYTES} (WebAuthn §7.1)`);
    offset += ATTESTED_HEADER + idLength;
    const [key, length] = cborItemAt(authData, offset, 'credential public key');
    if (!(key instanceof Map)) throw new Error('the credential public key is not a CBOR map');
    credentialPublicKey = key;
    offset += length;
  }
  if ((flags & ED) !== 0) {
    if (offset >= authData.length) throw new Error('the authenticator data has ED set but no extension outputs');
    const [extensions, length] = cborItemAt(authData, offset, 'extension outputs');
    if (!(extensions instanceof Map)) throw new Error('the authenticator data extension outputs are not a CBOR map');
    offset += length;
  }
  if (offset !== authData.length) {
    throw new Error(`the authenticator data has ${authData.length - offset} bytes after its last field${(flags & ED) === 0 ? ' (ED clear: no extension outputs)' : ''}`);
  }
  return { credentialPublicKey };
}

/** The CBOR item at `offset` and the bytes it took; an item running past the end is refused. */
function cborItemAt(bytes: Uint8Array, offset: number, what: string): [CBORType, number] {
  let item: [CBORType, number];
  try {
    item = decodePartialCBOR(ownBuffer(bytes), offset);
  } catch (error) {
    throw new Error(`the authenticator data ${what} is not CBOR (${(error as Error).message})`);
  }
  // tiny-cbor shortens a byte string that claims more bytes than there are, and counts the claim.
  if (offset + item[1] > bytes.length) throw new Error(`the authenticator data ${what} runs past its end`);
  return item;
}

/** What each algorithm the broker offers needs of its COSE key (RFC 9053 §2.1, §2.2, §7; RFC 8230 §4; RFC 8812 §2). */
const KEY_SHAPES: Record<number, { name: string; kty: number; crv?: number; jwk: (key: Map<string | number, CBORType>) => JsonWebKey }> = {
  [-7]: { name: 'ES256', kty: 2, crv: 1, jwk: (key) => ({ kty: 'EC', crv: 'P-256', x: coordinate(key, -2, 32), y: coordinate(key, -3, 32) }) },
  [-8]: { name: 'EdDSA', kty: 1, crv: 6, jwk: (key) => ({ kty: 'OKP', crv: 'Ed25519', x: coordinate(key, -2, 32) }) },
  [-257]: { name: 'RS256', kty: 3, jwk: (key) => ({ kty: 'RSA', n: coordinate(key, -1), e: coordinate(key, -2) }) },
};

// NIST P-256 (SEC 2 §2.4.2, FIPS 186-5 / SP 800-186 §3.2.1.3): y² = x³ − 3x + b over GF(p).
const P256_P = 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n;
const P256_B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;
const bigintOf = (base64url: string) => BigInt(`0x${Buffer.from(base64url, 'base64url').toString('hex')}`);

/**
 * Whether (x, y) is a point of P-256 (SEC 1 §3.2.2.1 public key validation): both
 * coordinates reduced and on the curve. The cofactor is 1, so every such point but
 * infinity (which has no affine coordinates) is in the prime-order group.
 */
export function onP256(x: string, y: string): boolean {
  const [px, py] = [bigintOf(x), bigintOf(y)];
  if (px >= P256_P || py >= P256_P) return false;
  return (py * py - (px * px * px - 3n * px + P256_B)) % P256_P === 0n;
}

/** A key parameter as base64url for a JWK: a byte string (of `length` bytes, when given). */
function coordinate(key: Map<string | number, CBORType>, label: number, length?: number): string {
  const value = key.get(label);
  if (!(value instanceof Uint8Array) || value.length === 0 || (length !== undefined && value.length !== length)) {
    throw new Error(`the credential public key's parameter ${label} is not a byte string${length ? ` of ${length} bytes` : ''}`);
  }
  return Buffer.from(value).toString('base64url');
}

/**
 * RFC 9053 / RFC 8152 §7: the key type (`kty`, label 1) and curve (`crv`,
 * label -1) must be those of the algorithm (`alg`, label 3), one the broker
 * offers: EC2 on P-256 for ES256, OKP on Ed25519 for EdDSA, RSA for RS256. The
 * key must then import as that algorithm's public key: OpenSSL refuses an EC
 * point that is not on its curve, and parameters of the wrong length.
 */
function checkCredentialPublicKey(key: Map<string | number, CBORType>, algorithms: readonly number[]): void {
  const kty = key.get(1);
  const alg = key.get(3);
  const crv = key.get(-1);
  if (typeof alg !== 'number' || !algorithms.includes(alg)) throw new Error(`the credential public key's alg ${String(alg)} is not one the broker offers`);
  const shape = KEY_SHAPES[alg];
  // Fails closed: an algorithm offered before its key shape is written here registers nothing.
  if (!shape) throw new Error(`the credential public key's alg ${alg} has no key shape to check it against`);
  if (kty !== shape.kty) throw new Error(`the credential public key has kty ${String(kty)} with alg ${alg} (${shape.name} needs kty ${shape.kty})`);
  if (shape.crv !== undefined && crv !== shape.crv) throw new Error(`the credential public key has crv ${String(crv)} with alg ${alg} (${shape.name} needs crv ${shape.crv})`);
  const jwk = shape.jwk(key);
  try {
    // P-256 by its curve equation (~2 µs); OpenSSL's import of the JWK checks the same in ~90–180 µs.
    if (alg === -7) {
      if (!onP256(jwk.x!, jwk.y!)) throw new Error('off the curve');
    } else createPublicKey({ key: jwk, format: 'jwk' });
  } catch {
    throw new Error(`the credential public key is not a valid ${shape.name} public key (for EC2: its point is not on the curve)`);
  }
}
