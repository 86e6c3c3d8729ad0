import { base64url, fromBase64url, randomBase64url } from './base64url.js';

/**
 * A test double for the browser's WebAuthn, for element tests and stories:
 * `navigator.credentials.create()` / `.get()` and `PublicKeyCredential` answer
 * as a browser with one authenticator would, with scripted outcomes, and what
 * they answer is shaped exactly as `@simplewebauthn/browser` v13 reads it
 * (`rawId`, `response.getTransports()`, `getPublicKey()`,
 * `getAuthenticatorData()`, `authenticatorAttachment`,
 * `getClientExtensionResults()`, `userHandle`…).
 *
 * The bytes are well formed (authenticator data with the RP ID hash and the
 * UP/UV/BE/BS flags, a `none` attestation in CBOR, client data with the
 * challenge and origin), so `FakeBroker` can check the challenge, the flags and
 * the user handle. Signatures are random bytes: nothing here verifies them, as
 * nothing in `FakeBroker` verifies its tokens. The real broker is tested with
 * Chromium's virtual authenticator in e2e/.
 *
 * @example
 * const authenticator = installFakeAuthenticator({ credentials: broker.credentialsFor('ada@example.com') });
 * authenticator.next('cancel'); // the next dialog is closed by the user
 * …
 * authenticator.uninstall();
 */

/** How a ceremony ends. */
export type CeremonyOutcome =
  /** The user verifies: a passkey is made (create) or used (get). */
  | 'succeed'
  /** The user closes the dialog: NotAllowedError at once. */
  | 'cancel'
  /** Nobody answers: NotAllowedError once the options' `timeout` has passed, as browsers do. */
  | 'timeout'
  /** create(): InvalidStateError, as when the authenticator holds one of `excludeCredentials`. */
  | 'already-registered'
  /** The dialog stays open: no answer until the page aborts the request. */
  | 'never'
  /** A browser without WebAuthn: `PublicKeyCredential` is undefined while this outcome is set. */
  | 'unsupported';

/** A passkey the authenticator holds. */
export interface FakeCredential {
  /** Credential id, base64url. */
  id: string;
  /** The account's user handle (`user.id` of the creation options), base64url. */
  userHandle: string;
  /** The RP ID it is bound to (default: this page's host, else `localhost`). */
  rpId?: string;
  /** Synced to a password manager or platform account (flags BE and BS), else bound to this device. Default true. */
  synced?: boolean;
  /** Signature counter; device-bound passkeys count up, synced ones stay at 0. */
  signCount?: number;
}

export interface FakeAuthenticatorOptions {
  /** What every ceremony does until changed (default `succeed`); `next()` scripts single ceremonies. */
  outcome?: CeremonyOutcome;
  /** Passkeys it holds from the start (e.g. `FakeBroker.credentialsFor(email)`). */
  credentials?: FakeCredential[];
  /** Whether passkeys it creates are synced (default) or bound to this device. */
  synced?: boolean;
  /** A platform authenticator (default: Touch ID, Windows Hello, a phone's screen lock) or a security key. */
  attachment?: 'platform' | 'cross-platform';
  /** Milliseconds before a ceremony answers (default 0). */
  delay?: number;
  /** What `PublicKeyCredential.isConditionalMediationAvailable()` answers (passkeys in autofill); default true. */
  autofill?: boolean;
}

/** One call the page made, as the authenticator saw it. */
export interface SeenCeremony {
  kind: 'create' | 'get';
  /** `conditional` for an autofill request. */
  mediation: CredentialMediationRequirement | undefined;
  outcome: CeremonyOutcome;
  publicKey: PublicKeyCredentialCreationOptions | PublicKeyCredentialRequestOptions;
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;
/** ES256: the algorithm every passkey here is made with. */
const COSE_ES256 = -7;
/** Browsers wait this long when the options set no timeout (WebAuthn L3 recommends 300 s). */
const DEFAULT_TIMEOUT_MS = 300_000;

// The messages Chromium gives.
const notAllowed = () => new DOMException('The operation either timed out or was not allowed. See: https://www.w3.org/TR/webauthn-2/#sec-assertion-privacy.', 'NotAllowedError');
const invalidState = () =>
  new DOMException('The user attempted to register an authenticator that contains one of the credentials already registered with the relying party.', 'InvalidStateError');
const notSupported = () => new DOMException('The user agent does not support public key credentials.', 'NotSupportedError');

let active: FakeAuthenticator | undefined;

/**
 * Shaped like the browser's `PublicKeyCredential`: what create() and get() resolve
 * with, and the global `PublicKeyCredential` while a fake is installed (so
 * `instanceof` and its static feature checks work).
 */
class FakePublicKeyCredential {
  readonly type = 'public-key';
  readonly rawId: ArrayBuffer;
  constructor(
    readonly id: string,
    readonly response: object,
    readonly authenticatorAttachment: 'platform' | 'cross-platform',
    private readonly extensions: Record<string, unknown> = {},
  ) {
    this.rawId = fromBase64url(id).buffer;
  }

  getClientExtensionResults() {
    return this.extensions;
  }

  static isConditionalMediationAvailable = async () => active?.autofill ?? false;
  static isUserVerifyingPlatformAuthenticatorAvailable = async () => active?.attachment === 'platform';
}

/**
 * Installs the fake in place of the browser's WebAuthn (replacing one installed
 * before). `uninstall()` gives the page its own back.
 */
export function installFakeAuthenticator(options: FakeAuthenticatorOptions = {}): FakeAuthenticator {
  active?.uninstall();
  return new FakeAuthenticator(options);
}

export class FakeAuthenticator {
  /** Passkeys it holds; create() adds to it. */
  readonly credentials: FakeCredential[];
  /** Every create() and get() the page called, oldest first. */
  readonly ceremonies: SeenCeremony[] = [];
  readonly synced: boolean;
  readonly attachment: 'platform' | 'cross-platform';
  readonly autofill: boolean;
  private readonly delay: number;
  private current: CeremonyOutcome;
  private readonly queue: CeremonyOutcome[] = [];
  private readonly pendingAutofill = new Set<(credentialId: string | undefined) => void>();
  private readonly restore: Array<() => void> = [];

  constructor(options: FakeAuthenticatorOptions) {
    this.credentials = (options.credentials ?? []).map((c) => ({ ...c }));
    this.synced = options.synced ?? true;
    this.attachment = options.attachment ?? 'platform';
    this.autofill = options.autofill ?? true;
    this.delay = options.delay ?? 0;
    this.current = options.outcome ?? 'succeed';
    active?.uninstall();
    active = this;
    this.install();
  }

  /** What every ceremony does from now on; `unsupported` takes `PublicKeyCredential` away, any other gives it back. */
  get outcome(): CeremonyOutcome {
    return this.current;
  }

  set outcome(outcome: CeremonyOutcome) {
    this.current = outcome;
    this.definePublicKeyCredential();
  }

  /** The next ceremonies end so, one outcome each, before `outcome` applies again. */
  next(...outcomes: CeremonyOutcome[]): this {
    this.queue.push(...outcomes);
    return this;
  }

  /**
   * The user picks a passkey from the email field's suggestions: answers a
   * pending autofill request (`mediation: 'conditional'`) with the held
   * credential `id` (default: the first one for the RP).
   */
  pickAutofill(id?: string) {
    for (const answer of [...this.pendingAutofill]) answer(id);
  }

  /** Puts the browser's own WebAuthn back. */
  uninstall() {
    for (const undo of this.restore.splice(0).reverse()) undo();
    if (active === this) active = undefined;
  }

  private install() {
    // navigator.credentials exists only in secure contexts; an own property shadows its prototype's methods.
    const owner = navigator as Navigator & { credentials?: CredentialsContainer };
    if (owner.credentials) {
      for (const name of ['create', 'get'] as const) {
        Object.defineProperty(owner.credentials, name, { configurable: true, writable: true, value: this[name] });
        const container = owner.credentials;
        this.restore.push(() => void delete (container as unknown as Record<string, unknown>)[name]);
      }
    } else {
      Object.defineProperty(navigator, 'credentials', { configurable: true, value: { create: this.create, get: this.get } });
      this.restore.push(() => void delete (navigator as unknown as Record<string, unknown>).credentials);
    }
    const original = Object.getOwnPropertyDescriptor(globalThis, 'PublicKeyCredential');
    this.restore.push(() => (original ? Object.defineProperty(globalThis, 'PublicKeyCredential', original) : void delete (globalThis as Record<string, unknown>).PublicKeyCredential));
    this.definePublicKeyCredential();
  }

  private definePublicKeyCredential() {
    if (active !== this) return;
    Object.defineProperty(globalThis, 'PublicKeyCredential', {
      configurable: true,
      writable: true,
      value: this.current === 'unsupported' ? undefined : FakePublicKeyCredential,
    });
  }

  private readonly create = (options?: CredentialCreationOptions) => this.ceremony('create', options);
  private readonly get = (options?: CredentialRequestOptions) => this.ceremony('get', options);

  private ceremony(kind: 'create' | 'get', options: CredentialCreationOptions | CredentialRequestOptions = {}): Promise<FakePublicKeyCredential> {
    const publicKey = options.publicKey;
    if (!publicKey) return Promise.reject(new DOMException('publicKey is required', 'NotSupportedError'));
    const outcome = this.queue.shift() ?? this.current;
    const mediation = (options as CredentialRequestOptions).mediation;
    this.ceremonies.push({ kind, mediation, outcome, publicKey });
    const signal = options.signal;
    return new Promise((resolve, reject) => {
      const timers: ReturnType<typeof setTimeout>[] = [];
      let answerAutofill: ((id: string | undefined) => void) | undefined;
      const finish = () => {
        timers.forEach(clearTimeout);
        if (answerAutofill) this.pendingAutofill.delete(answerAutofill);
        signal?.removeEventListener('abort', onAbort);
      };
      const settle = (run: () => Promise<FakePublicKeyCredential>) => {
        run().then(resolve, reject).finally(finish);
      };
      // Browsers reject with the signal's reason (simplewebauthn aborts with an Error named AbortError).
      const onAbort = () => {
        finish();
        reject(signal!.reason ?? new DOMException('The operation was aborted.', 'AbortError'));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      const later = (ms: number, run: () => Promise<FakePublicKeyCredential>) => timers.push(setTimeout(() => settle(run), ms));
      switch (outcome) {
        case 'never':
          return;
        case 'unsupported':
          return later(0, async () => Promise.reject(notSupported()));
        case 'cancel':
          return later(this.delay, async () => Promise.reject(notAllowed()));
        case 'timeout':
          return later(publicKey.timeout ?? DEFAULT_TIMEOUT_MS, async () => Promise.reject(notAllowed()));
        case 'already-registered':
          if (kind === 'create') return later(this.delay, async () => Promise.reject(invalidState()));
          break;
        case 'succeed':
          break;
      }
      if (kind === 'create') return later(this.delay, () => this.makeCredential(publicKey as PublicKeyCredentialCreationOptions, options.signal));
      if (mediation === 'conditional') {
        // Autofill: nothing happens until the user picks a suggestion.
        answerAutofill = (id) => settle(() => this.getAssertion(publicKey as PublicKeyCredentialRequestOptions, id));
        this.pendingAutofill.add(answerAutofill);
        return;
      }
      later(this.delay, () => this.getAssertion(publicKey as PublicKeyCredentialRequestOptions));
    });
  }

  private async makeCredential(publicKey: PublicKeyCredentialCreationOptions, _signal?: AbortSignal | null): Promise<FakePublicKeyCredential> {
    const rpId = publicKey.rp.id ?? pageHost();
    const excluded = new Set((publicKey.excludeCredentials ?? []).map((d) => base64url(bytesOf(d.id))));
    // An authenticator refuses to make a second passkey for an account it already holds one of (WebAuthn §6.3.2 step 3).
    if (this.credentials.some((c) => (c.rpId ?? pageHost()) === rpId && excluded.has(c.id))) throw invalidState();
    const credential: FakeCredential = { id: randomBase64url(16), userHandle: base64url(bytesOf(publicKey.user.id)), rpId, synced: this.synced, signCount: 0 };
    this.credentials.push(credential);
    const x = crypto.getRandomValues(new Uint8Array(32));
    const y = crypto.getRandomValues(new Uint8Array(32));
    const credentialId = fromBase64url(credential.id);
    const attested = concat(
      new Uint8Array(16), // AAGUID: all zeros, as an authenticator that does not say its model
      new Uint8Array([credentialId.length >> 8, credentialId.length & 0xff]),
      credentialId,
      cbor(new Map<number, CborValue>([[1, 2], [3, COSE_ES256], [-1, 1], [-2, x], [-3, y]])),
    );
    const authData = await authenticatorData(rpId, this.flags(credential) | FLAG_AT, 0, attested);
    const attestationObject = cbor(new Map<string, CborValue>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]));
    const clientDataJSON = clientData('webauthn.create', publicKey.challenge);
    const spki = concat(hex('3059301306072a8648ce3d020106082a8648ce3d030107034200'), new Uint8Array([4]), x, y);
    const response = {
      clientDataJSON,
      attestationObject: attestationObject.buffer,
      getTransports: () => this.transports(),
      getPublicKey: () => spki.buffer,
      getPublicKeyAlgorithm: () => COSE_ES256,
      getAuthenticatorData: () => authData.buffer,
    };
    const extensions = publicKey.extensions?.credProps ? { credProps: { rk: true } } : {};
    return new FakePublicKeyCredential(credential.id, response, this.attachment, extensions);
  }

  private async getAssertion(publicKey: PublicKeyCredentialRequestOptions, chosen?: string): Promise<FakePublicKeyCredential> {
    const rpId = publicKey.rpId ?? pageHost();
    const allowed = new Set((publicKey.allowCredentials ?? []).map((d) => base64url(bytesOf(d.id))));
    const candidates = this.credentials.filter((c) => (c.rpId ?? pageHost()) === rpId && (allowed.size === 0 || allowed.has(c.id)));
    const credential = chosen === undefined ? candidates[0] : candidates.find((c) => c.id === chosen);
    // No passkey for this site: the browser's dialog has nothing to offer, and closing it is all the user can do.
    if (!credential) throw notAllowed();
    if (!(credential.synced ?? true)) credential.signCount = (credential.signCount ?? 0) + 1;
    const response = {
      clientDataJSON: clientData('webauthn.get', publicKey.challenge),
      authenticatorData: (await authenticatorData(rpId, this.flags(credential), credential.signCount ?? 0)).buffer,
      signature: crypto.getRandomValues(new Uint8Array(70)).buffer,
      userHandle: fromBase64url(credential.userHandle).buffer,
    };
    return new FakePublicKeyCredential(credential.id, response, this.attachment);
  }

  private flags(credential: FakeCredential) {
    return FLAG_UP | FLAG_UV | ((credential.synced ?? true) ? FLAG_BE | FLAG_BS : 0);
  }

  private transports(): string[] {
    if (this.attachment === 'cross-platform') return ['nfc', 'usb'];
    return this.synced ? ['hybrid', 'internal'] : ['internal'];
  }
}

/** The page's host: the RP ID a browser uses when the options name none. */
function pageHost(): string {
  return globalThis.location?.hostname || 'localhost';
}

function bytesOf(source: BufferSource): Uint8Array {
  return source instanceof ArrayBuffer ? new Uint8Array(source) : new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function hex(text: string): Uint8Array {
  return new Uint8Array(text.match(/../g)!.map((b) => parseInt(b, 16)));
}

/** CollectedClientData (WebAuthn §5.8.1) as the browser serialises it. */
function clientData(type: 'webauthn.create' | 'webauthn.get', challenge: BufferSource): ArrayBuffer {
  const json = JSON.stringify({ type, challenge: base64url(bytesOf(challenge)), origin: globalThis.location?.origin ?? 'http://localhost', crossOrigin: false });
  return new TextEncoder().encode(json).buffer as ArrayBuffer;
}

/** Authenticator data (WebAuthn §6.1): SHA-256 of the RP ID, flags, signature counter, then any attested credential data. */
async function authenticatorData(rpId: string, flags: number, signCount: number, attested = new Uint8Array()): Promise<Uint8Array<ArrayBuffer>> {
  // WebCrypto is there only in secure contexts; the hash is not checked by anything the fake talks to.
  const rpIdHash = crypto.subtle ? new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(rpId))) : new Uint8Array(32);
  const counter = new Uint8Array(4);
  new DataView(counter.buffer).setUint32(0, signCount);
  return concat(rpIdHash, new Uint8Array([flags]), counter, attested);
}

type CborValue = number | string | Uint8Array | Map<number | string, CborValue>;

/** Just enough CBOR (RFC 8949) for an attestation object and a COSE key: integers, byte and text strings, maps. */
function cbor(value: CborValue): Uint8Array<ArrayBuffer> {
  const head = (major: number, n: number): Uint8Array => {
    if (n < 24) return new Uint8Array([(major << 5) | n]);
    if (n < 0x100) return new Uint8Array([(major << 5) | 24, n]);
    if (n < 0x10000) return new Uint8Array([(major << 5) | 25, n >> 8, n & 0xff]);
    throw new RangeError('value too large for this CBOR writer');
  };
  if (typeof value === 'number') return concat(value >= 0 ? head(0, value) : head(1, -1 - value));
  if (typeof value === 'string') {
    const bytes = new TextEncoder().encode(value);
    return concat(head(3, bytes.length), bytes);
  }
  if (value instanceof Uint8Array) return concat(head(2, value.length), value);
  return concat(head(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)]));
}
