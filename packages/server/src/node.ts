import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SessionClaims } from './claims.js';
import { tokenFromHeaders, unauthorizedProblem, verifyToken, type VerifyOptions } from './verify.js';

/**
 * Verifies the session token of a plain Node request (Express, Fastify's raw
 * request, node:http). Throws `TokenError`.
 *
 * @example
 * const claims = await verifyNodeRequest(req, { issuer: 'https://auth.example.com' });
 */
export function verifyNodeRequest(req: IncomingMessage, options: VerifyOptions & { cookieName?: string }): Promise<SessionClaims> {
  return verifyToken(tokenFromHeaders(req.headers.authorization, req.headers.cookie, options.cookieName), options);
}

/**
 * Answers a refused request with the 401 problem+json (503 when the keys could not be fetched).
 *
 * @example
 * try { await verifyNodeRequest(req, opts); } catch (error) { return sendUnauthorized(res, error); }
 */
export function sendUnauthorized(res: ServerResponse, error: unknown): void {
  const problem = unauthorizedProblem(error);
  res.writeHead(problem.status, problem.headers);
  res.end(JSON.stringify(problem.body));
}
