import { request } from '../internal/request.js';
import type { CallOptions, Connection } from '../types.js';
import type { SessionInfo } from '../wire/auth.js';
import type {
  StepUpChallenge,
  StepUpCodeRequest,
  StepUpEmailCodeRequest,
  StepUpEmailCodeStep,
  StepUpPasskeyOptions,
  StepUpPasskeyRequest,
  StepUpPasswordRequest,
} from '../wire/step-up.js';

/**
 * Starts a step-up for the signed-in user (`POST /v1/step-up`, 200): what the
 * account can prove itself with, and the flow the answers name. Call it when a
 * sensitive change failed with `reauthentication_required`, prove one method,
 * then retry the change.
 *
 * @example
 * const challenge = await startStepUp(conn);
 * if (challenge.methods.includes('password')) await stepUpWithPassword(conn, { flow_id: challenge.flow_id, password });
 */
export function startStepUp(conn: Connection, options?: CallOptions): Promise<StepUpChallenge> {
  return request(conn, { method: 'POST', path: '/v1/step-up', body: {} }, options);
}

/** Proves the password again (`POST /v1/step-up/password`); answers the session with the new factor. */
export function stepUpWithPassword(conn: Connection, body: StepUpPasswordRequest, options?: CallOptions): Promise<SessionInfo> {
  return request(conn, { method: 'POST', path: '/v1/step-up/password', body }, options);
}

/** Proves an authenticator-app or recovery code (`POST /v1/step-up/code`); answers the session with the new factor. */
export function stepUpWithCode(conn: Connection, body: StepUpCodeRequest, options?: CallOptions): Promise<SessionInfo> {
  return request(conn, { method: 'POST', path: '/v1/step-up/code', body }, options);
}

/** A passkey challenge for the user's own passkeys (`POST /v1/step-up/passkey/options`); hand `options` to the browser. */
export function startStepUpPasskey(conn: Connection, options?: CallOptions): Promise<StepUpPasskeyOptions> {
  return request(conn, { method: 'POST', path: '/v1/step-up/passkey/options', body: {} }, options);
}

/** Proves a passkey (`POST /v1/step-up/passkey`, the step's `flow_id` and the assertion); answers the session with the new factor. */
export function stepUpWithPasskey(conn: Connection, body: StepUpPasskeyRequest, options?: CallOptions): Promise<SessionInfo> {
  return request(conn, { method: 'POST', path: '/v1/step-up/passkey', body }, options);
}

/** Mails a code to the account's own address (`POST /v1/step-up/email-code`); each call sends a new one. */
export function sendStepUpEmailCode(conn: Connection, options?: CallOptions): Promise<StepUpEmailCodeStep> {
  return request(conn, { method: 'POST', path: '/v1/step-up/email-code', body: {} }, options);
}

/** Proves the mailed code (`POST /v1/step-up/email-code/verify`); answers the session with the new factor. */
export function stepUpWithEmailCode(conn: Connection, body: StepUpEmailCodeRequest, options?: CallOptions): Promise<SessionInfo> {
  return request(conn, { method: 'POST', path: '/v1/step-up/email-code/verify', body }, options);
}
