import { request, requestStep } from '../internal/request.js';
import type { CallOptions, Connection } from '../types.js';
import type { ConnectAccountRequest, ConnectedAccounts, SsoRedirectStep } from '../wire/federation.js';

/**
 * The signed-in user's connected accounts (`GET /v1/identities`, 200): the
 * identities of other providers attached to the account, and the configured
 * social providers not connected yet.
 *
 * @example
 * const { accounts, available } = await listConnectedAccounts(client.connection);
 */
export function listConnectedAccounts(conn: Connection, options?: CallOptions): Promise<ConnectedAccounts> {
  return request(conn, { method: 'GET', path: '/v1/identities' }, options);
}

/**
 * Starts connecting another provider to the signed-in account
 * (`POST /v1/identities/connect`, 200): the step says where to send the whole
 * page. The IdP's callback attaches the identity and sends the browser back to
 * `resume_url` with `lk_resume=1`; `resumeSignIn` (calls/federation.ts) then says how it went.
 * 404 `unknown_provider` for a provider that is not configured.
 *
 * @example
 * const step = await connectAccount(client.connection, { provider: 'devhub', resume_url: location.href });
 * location.assign(step.url);
 */
export function connectAccount(conn: Connection, body: ConnectAccountRequest, options?: CallOptions): Promise<SsoRedirectStep> {
  return requestStep(conn, { method: 'POST', path: '/v1/identities/connect', body, steps: ['sso-redirect'] }, options);
}

/**
 * Disconnects one connected account (`DELETE /v1/identities/{id}`, 204);
 * 409 `last_way_in` when the user would be left with no password, passkey or
 * other identity to sign in with.
 *
 * @example
 * await disconnectAccount(client.connection, account.id);
 */
export function disconnectAccount(conn: Connection, id: string, options?: CallOptions): Promise<void> {
  return request(conn, { method: 'DELETE', path: `/v1/identities/${encodeURIComponent(id)}`, noContent: true }, options);
}
