import type { MiddlewareHandler } from 'hono';
import type { SessionClaims } from './claims.js';
import { TokenError } from './errors.js';
import { refusal } from './internal/problem.js';
import { createVerifier, tokenFromRequest, type VerifyOptions } from './verify.js';

declare module 'hono' {
  interface ContextVariableMap {
    /** The verified session token's claims, set by `latchkeyAuth()`. */
    latchkey: SessionClaims;
  }
}

/**
 * Options of `latchkeyAuth`: how to verify, and optionally a cookie to read the token from.
 *
 * @example
 * const options: LatchkeyAuthOptions = { issuer: 'https://auth.example.com', audience: 'https://app.example.com', cookieName: 'lk_token' };
 */
export type LatchkeyAuthOptions = VerifyOptions & { cookieName?: string };

/**
 * Hono middleware: lets a request through only with a valid session token and
 * puts its claims at `c.get('latchkey')`. Otherwise it answers 401
 * `application/problem+json` (`code: 'unauthenticated'`) with
 * `WWW-Authenticate: Bearer error="invalid_token"` — a token minted for another
 * audience included — or 503 when the broker's keys could not be fetched.
 * Holds its own verifier (and JWKS cache); options that cannot work (no
 * `audience`, a `jwksUrl` that is not a URL) throw a `TypeError` when the app is
 * set up. Errors that are not about the token go to the app's `onError`.
 *
 * @example
 * import { latchkeyAuth } from '@latchkey/server/hono';
 * app.use('/api/*', latchkeyAuth({ issuer: 'https://auth.example.com', audience: 'https://app.example.com' }));
 * app.get('/api/me', (c) => c.json({ user: c.get('latchkey').sub }));
 */
export function latchkeyAuth(options: LatchkeyAuthOptions): MiddlewareHandler<{ Variables: { latchkey: SessionClaims } }> {
  const verifier = createVerifier(options);
  return async function latchkeyAuth(c, next) {
    try {
      c.set('latchkey', await verifier.verify(tokenFromRequest(c.req.raw, options)));
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      const { status, headers, body } = refusal(error);
      return c.body(JSON.stringify(body), status, headers);
    }
    await next();
  };
}
