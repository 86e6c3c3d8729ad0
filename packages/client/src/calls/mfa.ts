import { request, requestStep } from '../internal/request.js';
import type { CallOptions, Connection } from '../types.js';
import { BROKER_STEPS, type Step } from '../wire/auth.js';
import type { MfaEnrollRequest, MfaPasskeyOptionsRequest, MfaStatus, MfaVerifyRequest, RecoveryCodes, TotpConfirmation, TotpConfirmRequest, TotpEnrollment } from '../wire/mfa.js';
import type { PasskeySignInRequest, PasskeyStep } from '../wire/passkeys.js';

/**
 * Answers a sign-in's `mfa` step with a TOTP or recovery code (`POST /v1/sign-in/mfa`, 200);
 * the answer is the next step, `done` once nothing more is needed. A wrong code fails with
 * `invalid_code` and `problem.attempts_left`.
 *
 * @example
 * const step = await verifyMfa(conn, { flow_id: mfaStep.flow_id, method: 'totp', code: '123456' });
 */
export function verifyMfa(conn: Connection, body: MfaVerifyRequest, options?: CallOptions): Promise<Step> {
  return requestStep(conn, { method: 'POST', path: '/v1/sign-in/mfa', body, steps: BROKER_STEPS }, options);
}

/**
 * Answers a sign-in's `mfa-enroll` step with the new app's first code
 * (`POST /v1/sign-in/mfa/enroll`, 200); the next step is `done` with `recovery_codes`.
 *
 * @example
 * const step = await enrollMfa(conn, { flow_id: enrollStep.flow_id, code: '123456' });
 */
export function enrollMfa(conn: Connection, body: MfaEnrollRequest, options?: CallOptions): Promise<Step> {
  return requestStep(conn, { method: 'POST', path: '/v1/sign-in/mfa/enroll', body, steps: BROKER_STEPS }, options);
}

/** The signed-in user's second factors (`GET /v1/mfa`). */
export function getMfaStatus(conn: Connection, options?: CallOptions): Promise<MfaStatus> {
  return request(conn, { method: 'GET', path: '/v1/mfa' }, options);
}

/** Starts adding an authenticator app (`POST /v1/mfa/totp`, 200): its secret and `otpauth://` URI. */
export function startTotpEnrollment(conn: Connection, options?: CallOptions): Promise<TotpEnrollment> {
  return request(conn, { method: 'POST', path: '/v1/mfa/totp', body: {} }, options);
}

/** Confirms the app with its first code (`POST /v1/mfa/totp/confirm`, 201); the first second factor also answers recovery codes. */
export function confirmTotpEnrollment(conn: Connection, body: TotpConfirmRequest, options?: CallOptions): Promise<TotpConfirmation> {
  return request(conn, { method: 'POST', path: '/v1/mfa/totp/confirm', body }, options);
}

/** Removes an authenticator app (`DELETE /v1/mfa/totp/{id}`, 204). */
export function deleteTotp(conn: Connection, id: string, options?: CallOptions): Promise<void> {
  return request(conn, { method: 'DELETE', path: `/v1/mfa/totp/${encodeURIComponent(id)}`, noContent: true }, options);
}

/** Makes ten new recovery codes (`POST /v1/mfa/recovery-codes`, 201); the old ones stop working. */
export function regenerateRecoveryCodes(conn: Connection, options?: CallOptions): Promise<RecoveryCodes> {
  return request(conn, { method: 'POST', path: '/v1/mfa/recovery-codes', body: {} }, options);
}

/**
 * Answers a sign-in's `mfa` step with a passkey, first half (`POST
 * /v1/sign-in/mfa/passkey/options`, 200): the options for
 * `navigator.credentials.get()`, listing the account's own passkeys, for the
 * pending sign-in `flow_id` (the `mfa` step's). Finish with `finishMfaPasskey`.
 *
 * @example
 * const step = await startMfaPasskey(conn, { flow_id: mfaStep.flow_id });
 * const credential = await startAuthentication({ optionsJSON: step.options }); // @simplewebauthn/browser
 * const next = await finishMfaPasskey(conn, { flow_id: step.flow_id, credential }); // `done`
 */
export function startMfaPasskey(conn: Connection, body: MfaPasskeyOptionsRequest, options?: CallOptions): Promise<PasskeyStep> {
  return requestStep(conn, { method: 'POST', path: '/v1/sign-in/mfa/passkey/options', body, steps: ['passkey'] }, options);
}

/** Sends the second factor's assertion (`POST /v1/sign-in/mfa/passkey`, 200), with the ceremony's `flow_id`; the answer is the next step, `done` once nothing more is needed. */
export function finishMfaPasskey(conn: Connection, body: PasskeySignInRequest, options?: CallOptions): Promise<Step> {
  return requestStep(conn, { method: 'POST', path: '/v1/sign-in/mfa/passkey', body, steps: BROKER_STEPS }, options);
}
