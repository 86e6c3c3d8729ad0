import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type { PasskeyAssertionJSON, PasskeyCreationOptionsJSON, PasskeyRegistrationJSON, PasskeyRequestOptionsJSON, PasskeyTransport } from '@latchkey/client';

/**
 * A software WebAuthn authenticator and client for tests: ES256 keys from
 * node:crypto, a `none` attestation, and every field a test may want to forge
 * (origin, RP ID hash, challenge, type, flags, counter, user handle, signature),
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
  /** User present. */
  up: boolean;
  /** User verified (PIN, biometrics). */
  uv: boolean;
  /** Backup eligible: a synced ("multi-device") passkey. */
  be: boolean;
  /** Backed up. */
  bs: boolean;
}

const flagsByte = (f: Flags, extra = 0) => (f.up ? 0x01 : 0) | (f.uv ? 0x04 : 0) | (f.be ? 0x08 : 0) | (f.bs ? 0x10 : 0) | extra;

/** A key the authenticator holds. */
export interface SoftCredential {
  rawId: Uint8Array;
  /** base64url of rawId, as the browser sends it. */
  id: string;
  rpId: string;
  /** The user handle it was created with (base64url), returned with each assertion. */
  userHandle: string;
  privateKey: KeyObject;
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
}

export interface RegistrationForgery extends Forgery {
  /** Re-register this credential (same id and key) instead of making a new one. */
  reuse?: SoftCredential;
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

  constructor(options: SoftAuthenticatorOptions = {}) {
    this.origin = options.origin ?? 'http://app.test';
    this.aaguid = Buffer.from((options.aaguid ?? '00000000-0000-0000-0000-000000000000').replace(/-/g, ''), 'hex');
    this.synced = options.synced ?? false;
    this.transports = options.transports ?? (this.synced ? ['hybrid', 'internal'] : ['usb']);
  }

  private flags(forged?: Partial<Flags>): Flags {
    return { up: true, uv: true, be: this.synced, bs: this.synced, ...forged };
  }

  private clientData(type: string, challenge: string, forgery: Forgery): Buffer {
    return Buffer.from(JSON.stringify({ type: forgery.type ?? type, challenge: forgery.challenge ?? challenge, origin: forgery.origin ?? this.origin, crossOrigin: false }));
  }

  /** `navigator.credentials.create()` followed by `toJSON()`. */
  create(options: PasskeyCreationOptionsJSON, forgery: RegistrationForgery = {}): PasskeyRegistrationJSON {
    const rpId = options.rp.id ?? new URL(this.origin).hostname;
    let credential = forgery.reuse;
    if (!credential) {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const jwk = publicKey.export({ format: 'jwk' });
      const rawId = randomBytes(20);
      credential = {
        rawId,
        id: b64url(rawId),
        rpId,
        userHandle: options.user.id,
        privateKey,
        // COSE_Key: kty EC2 (2), alg ES256 (-7), crv P-256 (1), x, y (RFC 9053 §7.1.1).
        publicKey: encodeCbor(new Map<CborValue, CborValue>([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x!, 'base64url')], [-3, Buffer.from(jwk.y!, 'base64url')]])),
        counter: 0,
      };
      this.credentials.push(credential);
    }
    const idLength = Buffer.from([credential.rawId.length >> 8, credential.rawId.length & 0xff]);
    const counter = forgery.counter ?? credential.counter;
    const authData = Buffer.concat([
      sha256(forgery.rpId ?? rpId),
      Buffer.from([flagsByte(this.flags(forgery.flags), 0x40)]), // AT: attested credential data follows
      uint32(counter),
      this.aaguid,
      idLength,
      credential.rawId,
      credential.publicKey,
    ]);
    const attestationObject = encodeCbor(new Map<CborValue, CborValue>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]));
    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64url(this.clientData('webauthn.create', options.challenge, forgery)),
        attestationObject: b64url(attestationObject),
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
    const authData = Buffer.concat([sha256(forgery.rpId ?? rpId), Buffer.from([flagsByte(this.flags(forgery.flags))]), uint32(counter)]);
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, forgery);
    // ES256 signs authenticatorData || SHA-256(clientDataJSON), DER-encoded (WebAuthn §6.3.3, §8.2).
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), credential.privateKey);
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
