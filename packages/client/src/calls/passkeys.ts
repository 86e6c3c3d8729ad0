import { request, requestStep } from '../internal/request.js';
import type { CallOptions, Connection } from '../types.js';
import { BROKER_STEPS, type Step } from '../wire/auth.js';
import type {
  Passkey,
  PasskeyList,
  PasskeyRegistrationRequest,
  PasskeyRegistrationStep,
  PasskeyRenameRequest,
  PasskeyReviewRemoval,
  PasskeyReviewRemoveRequest,
  PasskeySignInOptionsRequest,
  PasskeySignInRequest,
  PasskeyStep,
  SignUpPasskeyOptionsRequest,
} from '../wire/passkeys.js';

/**
 * Starts a passkey sign-in (`POST /v1/passkeys/sign-in/options`, 200): the
 * options for `navigator.credentials.get()`, with no email asked (passkeys are
 * discoverable). Used by the "Sign in with a passkey" button and by autofill.
 *
 * @example
 * const step = await startPasskeySignIn(conn, {});
 * const credential = await startAuthentication({ optionsJSON: step.options });
 * const next = await finishPasskeySignIn(conn, { flow_id: step.flow_id, credential });
 */
export function startPasskeySignIn(conn: Connection, body: PasskeySignInOptionsRequest, options?: CallOptions): Promise<PasskeyStep> {
  return requestStep(conn, { method: 'POST', path: '/v1/passkeys/sign-in/options', body, steps: ['passkey'] }, options);
}

/** Sends the assertion (`POST /v1/passkeys/sign-in/verify`, 200); the answer is the next step, `done` once nothing more is needed. */
export function finishPasskeySignIn(conn: Connection, body: PasskeySignInRequest, options?: CallOptions): Promise<Step> {
  return requestStep(conn, { method: 'POST', path: '/v1/passkeys/sign-in/verify', body, steps: BROKER_STEPS }, options);
}

/** Asks again for a passkey-first sign-up's creation options (`POST /v1/sign-up/passkey/options`), after a cancelled dialog. */
export function restartPasskeySignUp(conn: Connection, body: SignUpPasskeyOptionsRequest, options?: CallOptions): Promise<PasskeyRegistrationStep> {
  return requestStep(conn, { method: 'POST', path: '/v1/sign-up/passkey/options', body, steps: ['passkey-registration'] }, options);
}

/** Finishes a passkey-first sign-up (`POST /v1/sign-up/passkey`, 201): the account and its passkey, then `done`. */
export function finishPasskeySignUp(conn: Connection, body: PasskeyRegistrationRequest, options?: CallOptions): Promise<Step> {
  return requestStep(conn, { method: 'POST', path: '/v1/sign-up/passkey', body, steps: BROKER_STEPS }, options);
}

/** The signed-in user starts adding a passkey (`POST /v1/passkeys/options`, 200). */
export function startAddPasskey(conn: Connection, options?: CallOptions): Promise<PasskeyRegistrationStep> {
  return requestStep(conn, { method: 'POST', path: '/v1/passkeys/options', body: {}, steps: ['passkey-registration'] }, options);
}

/** Adds the new credential to the signed-in account (`POST /v1/passkeys`, 201). */
export function addPasskey(conn: Connection, body: PasskeyRegistrationRequest, options?: CallOptions): Promise<Passkey> {
  return request(conn, { method: 'POST', path: '/v1/passkeys', body }, options);
}

/** The signed-in user's passkeys (`GET /v1/passkeys`). */
export function listPasskeys(conn: Connection, options?: CallOptions): Promise<PasskeyList> {
  return request(conn, { method: 'GET', path: '/v1/passkeys' }, options);
}

/** Renames one (`PATCH /v1/passkeys/:id`). */
export function renamePasskey(conn: Connection, id: string, body: PasskeyRenameRequest, options?: CallOptions): Promise<Passkey> {
  return request(conn, { method: 'PATCH', path: `/v1/passkeys/${encodeURIComponent(id)}`, body }, options);
}

/** Deletes one (`DELETE /v1/passkeys/:id`, 204); `last_sign_in_method` when it is the account's only way in. */
export function deletePasskey(conn: Connection, id: string, options?: CallOptions): Promise<void> {
  return request(conn, { method: 'DELETE', path: `/v1/passkeys/${encodeURIComponent(id)}`, noContent: true }, options);
}

/**
 * Removes passkeys the owner does not recognise, right after a password reset
 * (`POST /v1/password-reset/passkeys/remove`, 200), with the `review` the reset
 * answered; no session needed, only the browser that finished the reset. The
 * answer is the review with what is left. Standalone (not on `createClient`),
 * so `lk-sign-in` pays for it only where it renders the review.
 *
 * @example
 * const next = await client.finishPasswordReset({ flow_id, code, password });
 * if (next.step === 'password' && next.review) {
 *   const left = await removePasskeysAfterReset(client.connection, { flow_id: next.review.flow_id, passkey_ids: [strangers.id] });
 * }
 */
export function removePasskeysAfterReset(conn: Connection, body: PasskeyReviewRemoveRequest, options?: CallOptions): Promise<PasskeyReviewRemoval> {
  return request(conn, { method: 'POST', path: '/v1/password-reset/passkeys/remove', body }, options);
}
