import { request } from '../internal/request.js';
import type { CallOptions, Connection } from '../types.js';
import type {
  DoneStep,
  EmailCodeSignInRequest,
  EmailCodeStep,
  IdentifyRequest,
  PasswordSignInRequest,
  PasswordStep,
  ResendCodeRequest,
  VerifyCodeRequest,
} from '../wire/auth.js';

/**
 * Step one of identifier-first sign-in (`POST /v1/sign-in/identify`, 200):
 * which methods to offer for this email. The answer is the same whether or
 * not the account exists.
 *
 * @example
 * const step = await identify(conn, { email: 'ada@example.com' });
 * if (step.methods.includes('email-code')) showCodeOption();
 */
export function identify(conn: Connection, body: IdentifyRequest, options?: CallOptions): Promise<PasswordStep> {
  return request(conn, { method: 'POST', path: '/v1/sign-in/identify', body }, options);
}

/**
 * Signs in with email and password (`POST /v1/sign-in/password`, 200); the
 * broker sets the session cookie. A wrong password and an unknown account both
 * fail with `invalid_credentials`.
 *
 * @example
 * const done = await signInWithPassword(conn, { email: 'ada@example.com', password });
 * location.assign(done.return_to ?? '/');
 */
export function signInWithPassword(conn: Connection, body: PasswordSignInRequest, options?: CallOptions): Promise<DoneStep> {
  return request(conn, { method: 'POST', path: '/v1/sign-in/password', body }, options);
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
  return request(conn, { method: 'POST', path: '/v1/sign-in/email-code', body }, options);
}

/**
 * Signs in with the mailed code (`POST /v1/sign-in/email-code/verify`, 200).
 *
 * @example
 * const done = await finishEmailCodeSignIn(conn, { flow_id: step.flow_id, code: '123456' });
 */
export function finishEmailCodeSignIn(conn: Connection, body: VerifyCodeRequest, options?: CallOptions): Promise<DoneStep> {
  return request(conn, { method: 'POST', path: '/v1/sign-in/email-code/verify', body }, options);
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
  return request(conn, { method: 'POST', path: '/v1/email-code/resend', body }, options);
}
