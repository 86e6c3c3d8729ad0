import type { TestBroker } from './harness.js';

/** The admin token the admin tests configure (at least 32 characters). */
export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef-xyz';

/**
 * One admin API call as a server makes it: a bearer token, no Origin, no cookies.
 * `token: null` sends no Authorization header.
 */
export async function adminCall(
  b: Pick<TestBroker, 'app'>,
  method: string,
  path: string,
  json?: unknown,
  options: { token?: string | null; headers?: Record<string, string> } = {},
) {
  const token = options.token === undefined ? ADMIN_TOKEN : options.token;
  const headers: Record<string, string> = { ...options.headers };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (json !== undefined) headers['content-type'] ??= 'application/json';
  const response = await b.app.request(`/admin/v1${path}`, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/** Acme as the README's example makes it: domain acme.test and an OIDC connection to the dev IdP. */
export async function createAcme(b: Pick<TestBroker, 'app'>, connection: Record<string, unknown> = {}) {
  const org = await adminCall(b, 'POST', '/organizations', { name: 'Acme' });
  if (org.status !== 201) throw new Error(`create organization: ${JSON.stringify(org.body)}`);
  const domain = await adminCall(b, 'POST', `/organizations/${org.body.id}/domains`, { domain: 'acme.test' });
  if (domain.status !== 201) throw new Error(`claim domain: ${JSON.stringify(domain.body)}`);
  const created = await adminCall(b, 'POST', `/organizations/${org.body.id}/connections`, {
    type: 'oidc',
    issuer: 'http://127.0.0.1:8788/oidc',
    client_id: 'latchkey-acme',
    client_secret: 'acme-dev-secret-0123456789abcdef',
    ...connection,
  });
  if (created.status !== 201) throw new Error(`create connection: ${JSON.stringify(created.body)}`);
  return { org: org.body, connection: created.body };
}
