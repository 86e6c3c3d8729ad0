import type { MiddlewareHandler } from 'hono';
import type { SessionClaims } from './claims.js';
import { tokenFromHeaders, unauthorizedProblem, verifyToken, type VerifyOptions } from './verify.js';

declare module 'hono' {
  interface ContextVariableMap {
    latchkey: SessionClaims;
  }
}

/**
 * Hono middleware: lets a request through only with a valid session token and
 * puts its claims at `c.get('latchkey')`; otherwise answers 401 problem+json.
 *
 * @example
 * app.use('/api/*', latchkeyAuth({ issuer: 'https://auth.example.com' }));
 * app.get('/api/me', (c) => c.json({ user: c.get('latchkey').sub }));
 */
export function latchkeyAuth(options: VerifyOptions & { cookieName?: string }): MiddlewareHandler {
  return async function latchkeyAuthMiddleware(c, next) {
    try {
      const token = tokenFromHeaders(c.req.header('authorization'), c.req.header('cookie'), options.cookieName);
      c.set('latchkey', await verifyToken(token, options));
    } catch (error) {
      const problem = unauthorizedProblem(error);
      return c.body(JSON.stringify(problem.body), problem.status as 401, problem.headers);
    }
    await next();
  };
}
