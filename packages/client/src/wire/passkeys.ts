/**
 * Wire types of passkeys (WebAuthn Level 3). Options and credentials travel as
 * the JSON forms WebAuthn Level 3 defines (`PublicKeyCredentialCreationOptionsJSON`,
 * `RegistrationResponseJSON`…), which `@simplewebauthn/browser` and
 * `@simplewebauthn/server` read and write; they are declared here structurally
 * so the client needs neither.
 *
 * Every ceremony is a flow of the sign-in engine: its challenge is single-use,
 * expires, and answers only the browser that asked for it (the `lk_flow`
 * binding cookie).
 */

type Base64URL = string;

/**
 * The longest passkey name ("Work laptop"), in UTF-16 code units as the
 * broker's schema counts. Apart from `LIMITS`, whose every member ships with
 * lk-sign-in, which names no passkey.
 */
export const PASSKEY_NAME_MAX_LENGTH = 100;

/** WebAuthn Level 3 hints: which kind of authenticator to suggest first. */
export type PasskeyHint = 'hybrid' | 'security-key' | 'client-device';

export type PasskeyTransport = 'ble' | 'cable' | 'hybrid' | 'internal' | 'nfc' | 'smart-card' | 'usb';

export interface PasskeyDescriptorJSON {
  id: Base64URL;
  type: 'public-key';
  transports?: PasskeyTransport[];
}

/** What `navigator.credentials.get()` is asked, as JSON. `allowCredentials` is empty: passkeys are discoverable. */
export interface PasskeyRequestOptionsJSON {
  challenge: Base64URL;
  timeout?: number;
  rpId?: string;
  allowCredentials?: PasskeyDescriptorJSON[];
  userVerification?: 'required' | 'preferred' | 'discouraged';
  hints?: PasskeyHint[];
  extensions?: Record<string, unknown>;
}

/** What `navigator.credentials.create()` is asked, as JSON. */
export interface PasskeyCreationOptionsJSON {
  rp: { name: string; id?: string };
  user: { id: Base64URL; name: string; displayName: string };
  challenge: Base64URL;
  pubKeyCredParams: Array<{ alg: number; type: 'public-key' }>;
  timeout?: number;
  excludeCredentials?: PasskeyDescriptorJSON[];
  authenticatorSelection?: {
    authenticatorAttachment?: 'platform' | 'cross-platform';
    requireResidentKey?: boolean;
    residentKey?: 'discouraged' | 'preferred' | 'required';
    userVerification?: 'required' | 'preferred' | 'discouraged';
  };
  hints?: PasskeyHint[];
  attestation?: 'none' | 'indirect' | 'direct' | 'enterprise';
  extensions?: Record<string, unknown>;
}

/** A new credential, as `PublicKeyCredential.toJSON()` gives it. */
export interface PasskeyRegistrationJSON {
  id: Base64URL;
  rawId: Base64URL;
  type: 'public-key';
  response: {
    clientDataJSON: Base64URL;
    attestationObject: Base64URL;
    authenticatorData?: Base64URL;
    transports?: PasskeyTransport[];
    publicKeyAlgorithm?: number;
    publicKey?: Base64URL;
  };
  authenticatorAttachment?: 'platform' | 'cross-platform';
  clientExtensionResults: Record<string, unknown>;
}

/** An assertion, as `PublicKeyCredential.toJSON()` gives it. */
export interface PasskeyAssertionJSON {
  id: Base64URL;
  rawId: Base64URL;
  type: 'public-key';
  response: {
    clientDataJSON: Base64URL;
    authenticatorData: Base64URL;
    signature: Base64URL;
    userHandle?: Base64URL;
  };
  authenticatorAttachment?: 'platform' | 'cross-platform';
  clientExtensionResults: Record<string, unknown>;
}

/**
 * Sign in with a passkey: what to ask the browser for. `flow_id` names the
 * ceremony (single-use, expiring, bound to this browser) and goes back with
 * the assertion. Sent by `POST /v1/passkeys/sign-in/options`.
 */
export interface PasskeyStep {
  step: 'passkey';
  flow_id: string;
  options: PasskeyRequestOptionsJSON;
  /** ISO 8601; the assertion is refused after this. */
  expires_at: string;
}

/**
 * Create a passkey: what to ask the browser for. Sent after the mailed code of
 * a passkey-first sign-up (`POST /v1/sign-up/verify`; the account is made only
 * with its passkey), and by `POST /v1/passkeys/options` for a signed-in user
 * adding one.
 */
export interface PasskeyRegistrationStep {
  step: 'passkey-registration';
  flow_id: string;
  options: PasskeyCreationOptionsJSON;
  /** ISO 8601; the credential is refused after this. */
  expires_at: string;
}

/** POST /v1/passkeys/sign-in/options -> 200 PasskeyStep. No email: the authenticator offers the user's passkeys. */
export interface PasskeySignInOptionsRequest {
  return_to?: string;
}

/** POST /v1/passkeys/sign-in/verify -> 200 Step (`done` sets the session cookie; `amr` `["hwk"|"swk", "user"]`) */
export interface PasskeySignInRequest {
  flow_id: string;
  credential: PasskeyAssertionJSON;
}

/** POST /v1/passkeys/options -> 200 PasskeyRegistrationStep: the signed-in user adds a passkey (session cookie). No body. */

/**
 * POST /v1/sign-up/passkey/options -> 200 PasskeyRegistrationStep: a passkey-first
 * sign-up whose code was verified asks again (after a cancelled dialog or a timeout).
 */
export interface SignUpPasskeyOptionsRequest {
  flow_id: string;
}

/**
 * POST /v1/sign-up/passkey -> 201 Step (`done`): the account and its passkey
 * are made together, so an account never exists without a way in.
 * POST /v1/passkeys         -> 201 Passkey: added to the signed-in account (session cookie).
 */
export interface PasskeyRegistrationRequest {
  flow_id: string;
  credential: PasskeyRegistrationJSON;
  /** A name for it ("Work laptop"); default: the authenticator model's name from its AAGUID, else "Passkey". */
  name?: string;
}

/** One of the user's passkeys, as the account page lists it. */
export interface Passkey {
  id: string;
  name: string;
  created_at: string;
  /** ISO 8601, or null when never used to sign in. */
  last_used_at: string | null;
  /** Synced (`multi-device`: backed up to a password manager or a platform account) or bound to one device. */
  device_type: 'single-device' | 'multi-device';
  backed_up: boolean;
  transports: PasskeyTransport[];
  /** The authenticator model's AAGUID (all zeros when it does not say). */
  aaguid: string;
}

/** GET /v1/passkeys -> 200 (session cookie) */
export interface PasskeyList {
  passkeys: Passkey[];
}

/** PATCH /v1/passkeys/:id -> 200 Passkey (session cookie) */
export interface PasskeyRenameRequest {
  name: string;
}

// DELETE /v1/passkeys/:id -> 204 (session cookie). Refused with `last_sign_in_method`
// when the account would have no way left to sign in (no password, no other passkey).

/**
 * The account's passkeys as a password reset found them, and the handle that
 * lets the browser which finished the reset remove any of them without a
 * session: a flow of the sign-in engine (kind `passkey-review`), bound to
 * that browser (`lk_flow`), open for 15 minutes, good only for the passkeys
 * listed here. A copied session cookie can add a passkey silently, and a
 * passkey outlives the reset that revokes every session: this is where the
 * owner sees it and takes it away. Sent only when the account has passkeys
 * (see `PasswordStep.review`).
 */
export interface PasskeyReview {
  flow_id: string;
  /** ISO 8601; a removal is refused after this (`code_expired`). */
  expires_at: string;
  /** The listed passkeys still on the account, oldest first: the same items as `GET /v1/passkeys`. */
  passkeys: Passkey[];
}

/**
 * POST /v1/password-reset/passkeys/remove -> 200 PasskeyReviewRemoval (no session; the review's browser only).
 * Ids the review did not list (another account's, a made-up one, one added after the reset)
 * are ignored, exactly like one removed already. `code_expired` when the review is unknown,
 * expired or another browser's.
 */
export interface PasskeyReviewRemoveRequest {
  flow_id: string;
  /** 1 to 100 passkey ids from `review.passkeys`. */
  passkey_ids: string[];
}

/** The review after a removal: what is left, and which ids this call removed (a parallel call that removed one first is not counted here). */
export interface PasskeyReviewRemoval extends PasskeyReview {
  removed: string[];
}
