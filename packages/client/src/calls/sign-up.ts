import { request } from '../connection.js';
import type { CallOptions, Connection } from '../types.js';
import type {
  DoneStep,
  EmailCodeStep,
  PasswordResetFinishRequest,
  PasswordResetStartRequest,
  PasswordStep,
  SignUpRequest,
  VerifyCodeRequest,
} from '../wire/auth.js';

/**
 * Starts a sign-up: the broker mails a verification code; the account is made on verify.
 *
 * @example
 * const step = await startSignUp(conn, { email, password });
 */
export const startSignUp = (conn: Connection, body: SignUpRequest, options?: CallOptions) =>
  request<EmailCodeStep>(conn, 'POST', '/v1/sign-up', body, options);

/**
 * Verifies the mailed code, creates the account and signs in.
 *
 * @example
 * const done = await finishSignUp(conn, { flow_id: step.flow_id, code });
 */
export const finishSignUp = (conn: Connection, body: VerifyCodeRequest, options?: CallOptions) =>
  request<DoneStep>(conn, 'POST', '/v1/sign-up/verify', body, options);

/**
 * Mails a password-reset code (the same answer for unknown addresses).
 *
 * @example
 * const step = await startPasswordReset(conn, { email });
 */
export const startPasswordReset = (conn: Connection, body: PasswordResetStartRequest, options?: CallOptions) =>
  request<EmailCodeStep>(conn, 'POST', '/v1/password-reset', body, options);

/**
 * Sets the new password with the mailed code; every session of the account is revoked.
 *
 * @example
 * const step = await finishPasswordReset(conn, { flow_id, code, password: newPassword });
 */
export const finishPasswordReset = (conn: Connection, body: PasswordResetFinishRequest, options?: CallOptions) =>
  request<PasswordStep>(conn, 'POST', '/v1/password-reset/finish', body, options);
