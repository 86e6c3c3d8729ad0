import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SessionClaims } from './claims.js';
import { refusal } from './internal/problem.js';
import { tokenFromRequest, verifyToken, type VerifyOptions } from './verify.js';

/**
 * Verifies the session token of a Node request (node:http, Express, Connect,
 * Fastify's `request.raw`) for this app's `audience` and returns its claims.
 * Throws `TokenError` (a token for another audience is `invalid_token`).
 *
 * @example
 * import { sendUnauthorized, verifyNodeRequest } from '@latchkey/server/node';
 * const claims = await verifyNodeRequest(req, { issuer: 'https://auth.example.com', audience: 'https://app.example.com' });
 */
export function verifyNodeRequest(req: IncomingMessage, options: VerifyOptions & { cookieName?: string }): Promise<SessionClaims> {
  return verifyToken(tokenFromRequest(req, options), options);
}

/**
 * Answers a refused request: 401 `application/problem+json` with
 * `WWW-Authenticate: Bearer error="invalid_token"`, or 503 when the error is a
 * `TokenError` with code `jwks_unavailable`.
 *
 * @example
 * try {
 *   const claims = await verifyNodeRequest(req, { issuer, audience });
 *   res.end(JSON.stringify({ user: claims.sub }));
 * } catch (error) {
 *   sendUnauthorized(res, error);
 * }
 */
export function sendUnauthorized(res: ServerResponse, error: unknown): void {
  const { status, headers, body } = refusal(error);
  res.writeHead(status, headers);
  res.end(JSON.stringify(body));
}
