import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type { PasskeyAssertionJSON, PasskeyCreationOptionsJSON, PasskeyRegistrationJSON, PasskeyRequestOptionsJSON, PasskeyTransport } from '@latchkey/client';

/**
 * A software WebAuthn authenticator and client for tests: ES256, EdDSA or RS256
 * keys from node:crypto, a `none` attestation, and every field a test may want
 * to forge (origin, RP ID hash, challenge, type, client data members, flags,
 * counter, user handle, signature, the COSE key, extension and trailing bytes),
 * so each hostile case is built the way an attacker would build it.
 */

type CborValue = number | string | Uint8Array | CborValue[] | Map<CborValue, CborValue>;

function cborHead(major: number, length: number): number[] {
  if (length < 24) return [(major << 5) | length];
  if (length < 0x100) return [(major << 5) | 24, length];
  if (length < 0x10000) return [(major << 5) | 25, length >> 8, length & 0xff];
  return [(major << 5) | 26, (length >>> 24) & 0xff, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff];
}

/** The few CBOR (RFC 8949) items an attestation object and a COSE key need: integers, byte and text strings, arrays, maps. */
export function encodeCbor(value: CborValue): Uint8Array {
  const out: number[] = [];
  const write = (item: CborValue) => {
    if (typeof item === 'number') {
      if (!Number.isInteger(item)) throw new Error('only integers');
      out.push(...(item >= 0 ? cborHead(0, item) : cborHead(1, -1 - item)));
    } else if (typeof item === 'string') {
      const bytes = new TextEncoder().encode(item);
      out.push(...cborHead(3, bytes.length), ...bytes);
    } else if (item instanceof Uint8Array) {
      out.push(...cborHead(2, item.length), ...item);
    } else if (Array.isArray(item)) {
      out.push(...cborHead(4, item.length));
      item.forEach(write);
    } else {
      out.push(...cborHead(5, item.size));
      for (const [key, entry] of item) {
        write(key);
        write(entry);
      }
    }
  };
  write(value);
  return Uint8Array.from(out);
}

const b64url = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();

/** Authenticator data flags (WebAuthn §6.1). */
export interface Flags {
  /** Attested credential data included: set by a registration, clear in an assertion unless forged. */
  at: boolean;
  /** Extension data included: set when `authDataExtensions` are sent, unless forged. */
  ed: boolean;
  /** User present. */
  up: boolean;
  /** User verified (PIN, biometrics). */
  uv: boolean;
  /** Backup eligible: a synced ("multi-device") passkey. */
  be: boolean;
  /** Backed up. */
  bs: boolean;
}

const flagsByte = (f: Flags) => (f.up ? 0x01 : 0) | (f.uv ? 0x04 : 0) | (f.be ? 0x08 : 0) | (f.bs ? 0x10 : 0) | (f.at ? 0x40 : 0) | (f.ed ? 0x80 : 0);

/** The signature algorithms it can make keys for (COSE, RFC 9053 and RFC 8812). */
export type SoftAlgorithm = 'ES256' | 'EdDSA' | 'RS256';

/** A new key pair and its COSE_Key: each key type with the labels RFC 9053 §7 (EC2, OKP) and RFC 8230 §4 (RSA) give it. */
function makeKey(algorithm: SoftAlgorithm): { privateKey: KeyObject; coseKey: Map<CborValue, CborValue> } {
  const bytes = (value: string | undefined) => Buffer.from(value!, 'base64url');
  if (algorithm === 'EdDSA') {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const { x } = publicKey.export({ format: 'jwk' });
    // kty OKP (1), alg EdDSA (-8), crv Ed25519 (6), x.
    return { privateKey, coseKey: new Map<CborValue, CborValue>([[1, 1], [3, -8], [-1, 6], [-2, bytes(x)]]) };
  }
  if (algorithm === 'RS256') {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const { n, e } = publicKey.export({ format: 'jwk' });
    // kty RSA (3), alg RS256 (-257), n, e.
    return { privateKey, coseKey: new Map<CborValue, CborValue>([[1, 3], [3, -257], [-1, bytes(n)], [-2, bytes(e)]]) };
  }
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { x, y } = publicKey.export({ format: 'jwk' });
  // kty EC2 (2), alg ES256 (-7), crv P-256 (1), x, y.
  return { privateKey, coseKey: new Map<CborValue, CborValue>([[1, 2], [3, -7], [-1, 1], [-2, bytes(x)], [-3, bytes(y)]]) };
}

/** ES256 and RS256 sign SHA-256 of the data (ES256 DER-encoded, WebAuthn §6.5.5); EdDSA signs the data itself. */
const signWith = (algorithm: SoftAlgorithm, data: Buffer, key: KeyObject) => sign(algorithm === 'EdDSA' ? null : 'sha256', data, key);

/** A key the authenticator holds. */
export interface SoftCredential {
  rawId: Uint8Array;
  /** base64url of rawId, as the browser sends it. */
  id: string;
  rpId: string;
  /** The user handle it was created with (base64url), returned with each assertion. */
  userHandle: string;
  privateKey: KeyObject;
  algorithm: SoftAlgorithm;
  /** The COSE_Key of the public key. */
  publicKey: Uint8Array;
  counter: number;
}

/** What a ceremony's client data and authenticator data say, each forgeable. */
export interface Forgery {
  origin?: string;
  /** The RP ID whose SHA-256 goes into the authenticator data. */
  rpId?: string;
  challenge?: string;
  type?: string;
  flags?: Partial<Flags>;
  /** The signature counter to report (instead of the authenticator's own). */
  counter?: number;
  /**
   * Members to add to or replace in clientDataJSON, e.g. `{ crossOrigin: true }`
   * (a cross-origin iframe), `{ topOrigin: 'https://evil.example' }`; an
   * `undefined` member is left out.
   */
  clientData?: Record<string, unknown>;
  /** Raw CBOR sent as the authenticator extension outputs (sets ED unless `flags.ed` says otherwise). */
  authDataExtensions?: Uint8Array;
  /** Bytes appended to the authenticator data, after every field. */
  authDataTrailer?: Uint8Array;
}

export interface RegistrationForgery extends Forgery {
  /** Re-register this credential (same id and key) instead of making a new one. */
  reuse?: SoftCredential;
  /**
   * Labels of the new credential's COSE_Key to replace (`kty` 1, `alg` 3, `crv`
   * -1), e.g. an EC2 key that claims RS256; `offCurve` moves an EC2 key's y so
   * the point is no longer on its curve.
   */
  coseKey?: { kty?: number; alg?: number; crv?: number; offCurve?: boolean };
  /** Bytes appended to the attestation object, after its CBOR map. */
  attestationObjectTrailer?: Uint8Array;
  /** The length of the new credential's id in bytes (default 20). */
  credentialIdLength?: number;
}

export interface AssertionForgery extends Forgery {
  /** Sign with this credential, whatever the options allow. */
  credential?: SoftCredential;
  /** The user handle to send (null: none). */
  userHandle?: string | null;
  /** Send this credential id instead of the signing credential's. */
  claimId?: string;
  /** Spoil the signature. */
  badSignature?: boolean;
  /** Put the credential's attested data (AAGUID, id, key) in the authenticator data with AT set, as only a registration does. */
  attestedCredentialData?: boolean;
}

export interface SoftAuthenticatorOptions {
  /** The page the "browser" runs on (clientDataJSON.origin); default the harness's app, http://app.test. */
  origin?: string;
  /** The model's AAGUID, e.g. iCloud Keychain's. */
  aaguid?: string;
  /** A synced passkey (BE and BS set, counter always 0), like iCloud Keychain or Google Password Manager; otherwise device-bound with a counter. */
  synced?: boolean;
  /** What it reports as `transports`. */
  transports?: PasskeyTransport[];
  /** The key type of the credentials it makes; default ES256, as most passkeys. */
  algorithm?: SoftAlgorithm;
}

/**
 * @example
 * const authenticator = new SoftAuthenticator({ synced: true });
 * const credential = authenticator.create(step.options);      // RegistrationResponseJSON
 * const assertion = authenticator.get(signIn.options);          // AuthenticationResponseJSON
 * const forged = authenticator.get(signIn.options, { origin: 'https://evil.test' });
 */
export class SoftAuthenticator {
  readonly credentials: SoftCredential[] = [];
  readonly origin: string;
  readonly aaguid: Uint8Array;
  readonly synced: boolean;
  readonly transports: PasskeyTransport[];
  readonly algorithm: SoftAlgorithm;

  constructor(options: SoftAuthenticatorOptions = {}) {
    this.algorithm = options.algorithm ?? 'ES256';
    this.origin = options.origin ?? 'http://app.test';
    this.aaguid = Buffer.from((options.aaguid ?? '00000000-0000-0000-0000-000000000000').replace(/-/g, ''), 'hex');
    this.synced = options.synced ?? false;
    this.transports = options.transports ?? (this.synced ? ['hybrid', 'internal'] : ['usb']);
  }

  /** The authenticator data (WebAuthn §6.1): RP ID hash, flags, counter, then attested credential data and extensions where there are any. */
  private authData(rpId: string, counter: number, attested: SoftCredential | undefined, forgery: Forgery): Buffer {
    const flags: Flags = { up: true, uv: true, be: this.synced, bs: this.synced, at: attested !== undefined, ed: forgery.authDataExtensions !== undefined, ...forgery.flags };
    return Buffer.concat([
      sha256(rpId),
      Buffer.from([flagsByte(flags)]),
      uint32(counter),
      ...(attested ? [this.aaguid, Buffer.from([attested.rawId.length >> 8, attested.rawId.length & 0xff]), attested.rawId, attested.publicKey] : []),
      forgery.authDataExtensions ?? new Uint8Array(),
      forgery.authDataTrailer ?? new Uint8Array(),
    ]);
  }

  /** What a top-level page's browser sends (`crossOrigin: false`, no `topOrigin`), with the forged members. */
  private clientData(type: string, challenge: string, forgery: Forgery): Buffer {
    return Buffer.from(
      JSON.stringify({ type: forgery.type ?? type, challenge: forgery.challenge ?? challenge, origin: forgery.origin ?? this.origin, crossOrigin: false, ...forgery.clientData }),
    );
  }

  private newCredential(rpId: string, userHandle: string, forged: RegistrationForgery['coseKey'] = {}, idLength = 20): SoftCredential {
    const { privateKey, coseKey } = makeKey(this.algorithm);
    if (forged.kty !== undefined) coseKey.set(1, forged.kty);
    if (forged.alg !== undefined) coseKey.set(3, forged.alg);
    if (forged.crv !== undefined) coseKey.set(-1, forged.crv);
    if (forged.offCurve) {
      const y = Uint8Array.from(coseKey.get(-3) as Uint8Array);
      y[y.length - 1]! ^= 0x01;
      coseKey.set(-3, y);
    }
    const rawId = randomBytes(idLength);
    return { rawId, id: b64url(rawId), rpId, userHandle, privateKey, algorithm: this.algorithm, publicKey: encodeCbor(coseKey), counter: 0 };
  }

  /** `navigator.credentials.create()` followed by `toJSON()`. */
  create(options: PasskeyCreationOptionsJSON, forgery: RegistrationForgery = {}): PasskeyRegistrationJSON {
    const rpId = options.rp.id ?? new URL(this.origin).hostname;
    let credential = forgery.reuse;
    if (!credential) {
      credential = this.newCredential(rpId, options.user.id, forgery.coseKey, forgery.credentialIdLength);
      this.credentials.push(credential);
    }
    const authData = this.authData(forgery.rpId ?? rpId, forgery.counter ?? credential.counter, credential, forgery);
    const attestationObject = encodeCbor(new Map<CborValue, CborValue>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]));
    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64url(this.clientData('webauthn.create', options.challenge, forgery)),
        attestationObject: b64url(Buffer.concat([attestationObject, forgery.attestationObjectTrailer ?? new Uint8Array()])),
        transports: this.transports,
      },
      authenticatorAttachment: this.synced ? 'platform' : 'cross-platform',
      clientExtensionResults: {},
    };
  }

  /**
   * `navigator.credentials.get()` followed by `toJSON()`: with an empty
   * `allowCredentials` (discoverable) it picks its newest credential for the RP ID.
   */
  get(options: PasskeyRequestOptionsJSON, forgery: AssertionForgery = {}): PasskeyAssertionJSON {
    const rpId = options.rpId ?? new URL(this.origin).hostname;
    const allowed = options.allowCredentials?.map((c) => c.id) ?? [];
    const credential =
      forgery.credential ?? [...this.credentials].reverse().find((c) => c.rpId === rpId && (allowed.length === 0 || allowed.includes(c.id)));
    if (!credential) throw new Error('NotAllowedError: no credential for this RP');
    if (forgery.counter === undefined && !this.synced) credential.counter++;
    const counter = forgery.counter ?? (this.synced ? 0 : credential.counter);
    const authData = this.authData(forgery.rpId ?? rpId, counter, forgery.attestedCredentialData ? credential : undefined, forgery);
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, forgery);
    // The signature covers authenticatorData || SHA-256(clientDataJSON) (WebAuthn §6.3.3).
    const signature = signWith(credential.algorithm, Buffer.concat([authData, sha256(clientDataJSON)]), credential.privateKey);
    if (forgery.badSignature) signature[signature.length - 1]! ^= 0x01;
    const userHandle = forgery.userHandle === undefined ? credential.userHandle : forgery.userHandle;
    return {
      id: forgery.claimId ?? credential.id,
      rawId: forgery.claimId ?? credential.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        ...(userHandle === null ? {} : { userHandle }),
      },
      authenticatorAttachment: this.synced ? 'platform' : 'cross-platform',
      clientExtensionResults: {},
    };
  }
}

function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value >>> 0);
  return bytes;
}
