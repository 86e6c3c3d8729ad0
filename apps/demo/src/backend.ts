import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendUnauthorized, verifyNodeRequest } from '@latchkey/server/node';
import { demoOrigin } from './ports.js';

/**
 * The demo's own backend: `GET /api/me` trusts the caller only after verifying
 * their Latchkey session token offline against the broker's JWKS — the path a
 * real host backend takes. The demo page asks the broker for its token, so the
 * broker mints it for the page's origin: that is the audience expected here,
 * and a token minted for another app of the same broker is refused.
 */
export function demoBackend(issuer: string, audience: string = demoOrigin) {
  return async function apiMe(req: IncomingMessage, res: ServerResponse, next: () => void) {
    if (req.url?.split('?')[0] !== '/api/me') return next();
    try {
      const claims = await verifyNodeRequest(req, { issuer, audience });
      res.setHeader('content-type', 'application/json');
      res.setHeader('cache-control', 'no-store');
      res.end(JSON.stringify({ verified: true, claims }));
    } catch (error) {
      sendUnauthorized(res, error);
    }
  };
}
