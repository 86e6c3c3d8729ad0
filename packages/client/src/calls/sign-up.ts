import { requestStep } from '../internal/request.js';
import type { CallOptions, Connection } from '../types.js';
import {
  BROKER_STEPS,
  type EmailCodeStep,
  type PasswordResetFinishRequest,
  type PasswordResetStartRequest,
  type SignUpRequest,
  type Step,
  type VerifyCodeRequest,
} from '../wire/auth.js';

/**
 * Starts a sign-up (`POST /v1/sign-up`, 202). The answer is the next step:
 * today an `email-code` step (the broker mailed a verification code); the
 * account is created only once the code is verified.
 *
 * @example
 * const step = await startSignUp(conn, { email: 'ada@example.com', password, name: 'Ada' });
 * if (step.step === 'email-code') askForCode(step);
 */
export function startSignUp(conn: Connection, body: SignUpRequest, options?: CallOptions): Promise<Step> {
  return requestStep(conn, { method: 'POST', path: '/v1/sign-up', body, steps: BROKER_STEPS }, options);
}

/**
 * Verifies the mailed code and creates the account (`POST /v1/sign-up/verify`,
 * 201); the answer is the next step, `done` once the user is signed in.
 *
 * @example
 * const step = await finishSignUp(conn, { flow_id: codeStep.flow_id, code: '123456' });
 */
export function finishSignUp(conn: Connection, body: VerifyCodeRequest, options?: CallOptions): Promise<Step> {
  return requestStep(conn, { method: 'POST', path: '/v1/sign-up/verify', body, steps: BROKER_STEPS }, options);
}

/**
 * Mails a password-reset code (`POST /v1/password-reset`, 202). Unknown
 * addresses get the same answer, so it never tells whether an account exists.
 *
 * @example
 * const step = await startPasswordReset(conn, { email: 'ada@example.com' });
 */
export function startPasswordReset(conn: Connection, body: PasswordResetStartRequest, options?: CallOptions): Promise<EmailCodeStep> {
  return requestStep(conn, { method: 'POST', path: '/v1/password-reset', body, steps: ['email-code'] }, options);
}

/**
 * Sets the new password with the mailed code (`POST /v1/password-reset/finish`,
 * 200). Every session of the account is revoked; the answer is the next step,
 * today the password step with `notice: 'password-reset'`, so the user signs in again.
 *
 * @example
 * const next = await finishPasswordReset(conn, { flow_id: codeStep.flow_id, code: '123456', password: newPassword });
 */
export function finishPasswordReset(conn: Connection, body: PasswordResetFinishRequest, options?: CallOptions): Promise<Step> {
  return requestStep(conn, { method: 'POST', path: '/v1/password-reset/finish', body, steps: BROKER_STEPS }, options);
}
