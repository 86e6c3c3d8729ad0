import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendUnauthorized, verifyNodeRequest } from '@latchkey/server/node';

/**
 * The demo's own backend: `GET /api/me` trusts the caller only after verifying
 * their Latchkey session token offline against the broker's JWKS — the path a
 * real host backend takes.
 */
export function demoBackend(issuer: string) {
  return async function apiMe(req: IncomingMessage, res: ServerResponse, next: () => void) {
    if (req.url?.split('?')[0] !== '/api/me') return next();
    try {
      const claims = await verifyNodeRequest(req, { issuer });
      res.setHeader('content-type', 'application/json');
      res.setHeader('cache-control', 'no-store');
      res.end(JSON.stringify({ verified: true, claims }));
    } catch (error) {
      sendUnauthorized(res, error);
    }
  };
}
