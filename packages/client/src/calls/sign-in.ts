import { requestStep } from '../internal/request.js';
import type { CallOptions, Connection } from '../types.js';
import {
  BROKER_STEPS,
  type EmailCodeSignInRequest,
  type EmailCodeStep,
  type IdentifyRequest,
  type PasswordSignInRequest,
  type ResendCodeRequest,
  type Step,
  type VerifyCodeRequest,
} from '../wire/auth.js';

/**
 * Step one of identifier-first sign-in (`POST /v1/sign-in/identify`, 200): the
 * broker answers the next step for this email, the same whether or not the
 * account exists. Today that is `password` (its `methods` list the
 * alternatives) or, when the broker signs in by email code first, `email-code`
 * (the code is already on its way).
 *
 * @example
 * const step = await identify(conn, { email: 'ada@example.com' });
 * if (step.step === 'password' && step.methods.includes('email-code')) showCodeOption();
 */
export function identify(conn: Connection, body: IdentifyRequest, options?: CallOptions): Promise<Step> {
  return requestStep(conn, { method: 'POST', path: '/v1/sign-in/identify', body, steps: BROKER_STEPS }, options);
}

/**
 * Signs in with email and password (`POST /v1/sign-in/password`, 200). The
 * answer is the next step: `done` (the broker set the session cookie) or,
 * later, a second factor. A wrong password and an unknown account both fail
 * with `invalid_credentials`.
 *
 * @example
 * const step = await signInWithPassword(conn, { email: 'ada@example.com', password });
 * if (step.step === 'done') location.assign(step.return_to ?? '/');
 */
export function signInWithPassword(conn: Connection, body: PasswordSignInRequest, options?: CallOptions): Promise<Step> {
  return requestStep(conn, { method: 'POST', path: '/v1/sign-in/password', body, steps: BROKER_STEPS }, options);
}

/**
 * Mails a sign-in code to the address if it has an account
 * (`POST /v1/sign-in/email-code`, 202). The answer does not say whether it does.
 *
 * @example
 * const step = await startEmailCodeSignIn(conn, { email: 'ada@example.com' });
 * showCodeInput(step.flow_id, step.expires_at);
 */
export function startEmailCodeSignIn(conn: Connection, body: EmailCodeSignInRequest, options?: CallOptions): Promise<EmailCodeStep> {
  return requestStep(conn, { method: 'POST', path: '/v1/sign-in/email-code', body, steps: ['email-code'] }, options);
}

/**
 * Sends the mailed code (`POST /v1/sign-in/email-code/verify`, 200); the
 * answer is the next step, `done` once nothing more is needed. A wrong code
 * fails with `invalid_code` and `problem.attempts_left`.
 *
 * @example
 * const step = await finishEmailCodeSignIn(conn, { flow_id: codeStep.flow_id, code: '123456' });
 */
export function finishEmailCodeSignIn(conn: Connection, body: VerifyCodeRequest, options?: CallOptions): Promise<Step> {
  return requestStep(conn, { method: 'POST', path: '/v1/sign-in/email-code/verify', body, steps: BROKER_STEPS }, options);
}

/**
 * Mails a fresh code for any email-code flow (sign-in, sign-up, password reset)
 * (`POST /v1/email-code/resend`, 202); the previous code stops working. Before
 * `resend_after` it fails with `rate_limited`.
 *
 * @example
 * const next = await resendEmailCode(conn, { flow_id: step.flow_id });
 */
export function resendEmailCode(conn: Connection, body: ResendCodeRequest, options?: CallOptions): Promise<EmailCodeStep> {
  return requestStep(conn, { method: 'POST', path: '/v1/email-code/resend', body, steps: ['email-code'] }, options);
}
