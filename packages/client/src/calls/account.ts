import { request, requestStep } from '../internal/request.js';
import type { CallOptions, Connection } from '../types.js';
import type { EmailCodeStep, User } from '../wire/auth.js';
import type {
  ActiveSessionList,
  EmailChangeRequest,
  EmailChangeVerifyRequest,
  PasswordChanged,
  PasswordChangeRequest,
  PasswordStatus,
  RevokedSessions,
} from '../wire/account.js';

/**
 * The signed-in user's live sessions (`GET /v1/sessions`, 200), this one first and marked `current`.
 *
 * @example
 * const { sessions } = await listSessions(client.connection);
 */
export function listSessions(conn: Connection, options?: CallOptions): Promise<ActiveSessionList> {
  return request(conn, { method: 'GET', path: '/v1/sessions' }, options);
}

/** Signs one of the user's sessions out (`DELETE /v1/sessions/:id`, 204); another user's or an unknown one is `not_found`. */
export function revokeSession(conn: Connection, id: string, options?: CallOptions): Promise<void> {
  return request(conn, { method: 'DELETE', path: `/v1/sessions/${encodeURIComponent(id)}`, noContent: true }, options);
}

/** Signs out every session of the user but this one (`POST /v1/sessions/revoke-others`, 200). */
export function revokeOtherSessions(conn: Connection, options?: CallOptions): Promise<RevokedSessions> {
  return request(conn, { method: 'POST', path: '/v1/sessions/revoke-others', body: {} }, options);
}

/** Whether the account has a password (`GET /v1/password`, 200). */
export function getPasswordStatus(conn: Connection, options?: CallOptions): Promise<PasswordStatus> {
  return request(conn, { method: 'GET', path: '/v1/password' }, options);
}

/**
 * Sets or changes the password (`POST /v1/password`, 200) after a recent authentication;
 * the user's other sessions are signed out.
 *
 * @example
 * await changePassword(client.connection, { password: 'a brand new battery staple' });
 */
export function changePassword(conn: Connection, body: PasswordChangeRequest, options?: CallOptions): Promise<PasswordChanged> {
  return request(conn, { method: 'POST', path: '/v1/password', body }, options);
}

/**
 * Starts changing the address (`POST /v1/email`, 202) after a recent authentication: a code
 * goes to the new address; `resendEmailCode` sends another.
 *
 * @example
 * const step = await startEmailChange(client.connection, { email: 'ada@new.example' });
 * const user = await finishEmailChange(client.connection, { flow_id: step.flow_id, code });
 */
export function startEmailChange(conn: Connection, body: EmailChangeRequest, options?: CallOptions): Promise<EmailCodeStep> {
  return requestStep(conn, { method: 'POST', path: '/v1/email', body, steps: ['email-code'] }, options);
}

/** Proves the new address with its code (`POST /v1/email/verify`, 200): the user with the new address. */
export function finishEmailChange(conn: Connection, body: EmailChangeVerifyRequest, options?: CallOptions): Promise<User> {
  return request(conn, { method: 'POST', path: '/v1/email/verify', body }, options);
}
