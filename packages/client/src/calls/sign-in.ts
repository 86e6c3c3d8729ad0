import { request } from '../connection.js';
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
 * Step one of identifier-first sign-in: which methods to offer for this email.
 * The answer is the same whether or not the account exists.
 *
 * @example
 * const step = await identify(conn, { email: 'ada@example.com' });
 */
export const identify = (conn: Connection, body: IdentifyRequest, options?: CallOptions) =>
  request<PasswordStep>(conn, 'POST', '/v1/sign-in/identify', body, options);

/**
 * Signs in with email and password; the broker sets the session cookie.
 *
 * @example
 * const done = await signInWithPassword(conn, { email, password });
 */
export const signInWithPassword = (conn: Connection, body: PasswordSignInRequest, options?: CallOptions) =>
  request<DoneStep>(conn, 'POST', '/v1/sign-in/password', body, options);

/**
 * Mails a sign-in code to the address (if it has an account).
 *
 * @example
 * const step = await startEmailCodeSignIn(conn, { email });
 */
export const startEmailCodeSignIn = (conn: Connection, body: EmailCodeSignInRequest, options?: CallOptions) =>
  request<EmailCodeStep>(conn, 'POST', '/v1/sign-in/email-code', body, options);

/**
 * Signs in with the mailed code.
 *
 * @example
 * const done = await finishEmailCodeSignIn(conn, { flow_id: step.flow_id, code: '123456' });
 */
export const finishEmailCodeSignIn = (conn: Connection, body: VerifyCodeRequest, options?: CallOptions) =>
  request<DoneStep>(conn, 'POST', '/v1/sign-in/email-code/verify', body, options);

/**
 * Mails a fresh code for a flow; the previous code stops working.
 *
 * @example
 * const step = await resendEmailCode(conn, { flow_id: step.flow_id });
 */
export const resendEmailCode = (conn: Connection, body: ResendCodeRequest, options?: CallOptions) =>
  request<EmailCodeStep>(conn, 'POST', '/v1/email-code/resend', body, options);
