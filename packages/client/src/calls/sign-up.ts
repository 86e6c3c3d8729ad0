import { request } from '../internal/request.js';
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
 * Starts a sign-up (`POST /v1/sign-up`, 202): the broker mails a verification
 * code; the account is created only when the code is verified.
 *
 * @example
 * const step = await startSignUp(conn, { email: 'ada@example.com', password, name: 'Ada' });
 */
export function startSignUp(conn: Connection, body: SignUpRequest, options?: CallOptions): Promise<EmailCodeStep> {
  return request(conn, { method: 'POST', path: '/v1/sign-up', body }, options);
}

/**
 * Verifies the mailed code, creates the account and signs in
 * (`POST /v1/sign-up/verify`, 201).
 *
 * @example
 * const done = await finishSignUp(conn, { flow_id: step.flow_id, code: '123456' });
 */
export function finishSignUp(conn: Connection, body: VerifyCodeRequest, options?: CallOptions): Promise<DoneStep> {
  return request(conn, { method: 'POST', path: '/v1/sign-up/verify', body }, options);
}

/**
 * Mails a password-reset code (`POST /v1/password-reset`, 202). Unknown
 * addresses get the same answer, so it never tells whether an account exists.
 *
 * @example
 * const step = await startPasswordReset(conn, { email: 'ada@example.com' });
 */
export function startPasswordReset(conn: Connection, body: PasswordResetStartRequest, options?: CallOptions): Promise<EmailCodeStep> {
  return request(conn, { method: 'POST', path: '/v1/password-reset', body }, options);
}

/**
 * Sets the new password with the mailed code (`POST /v1/password-reset/finish`,
 * 200). Every session of the account is revoked; the answer is the password
 * step with `notice: 'password-reset'`, so the user signs in again.
 *
 * @example
 * const step = await finishPasswordReset(conn, { flow_id: step.flow_id, code: '123456', password: newPassword });
 */
export function finishPasswordReset(conn: Connection, body: PasswordResetFinishRequest, options?: CallOptions): Promise<PasswordStep> {
  return request(conn, { method: 'POST', path: '/v1/password-reset/finish', body }, options);
}
