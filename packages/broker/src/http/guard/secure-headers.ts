import type { MiddlewareHandler } from 'hono';

/**
 * What hono's `secureHeaders({ crossOriginResourcePolicy: 'same-site', referrerPolicy: 'no-referrer' })`
 * sends (its defaults otherwise: no COEP, no CSP, no Permissions-Policy), in its
 * order. secure-headers.test.ts keeps the two equal.
 */
const SECURE_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['Cross-Origin-Resource-Policy', 'same-site'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Origin-Agent-Cluster', '?1'],
  ['Referrer-Policy', 'no-referrer'],
  ['Strict-Transport-Security', 'max-age=15552000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-DNS-Prefetch-Control', 'off'],
  ['X-Download-Options', 'noopen'],
  ['X-Frame-Options', 'SAMEORIGIN'],
  ['X-Permitted-Cross-Domain-Policies', 'none'],
  ['X-XSS-Protection', '0'],
];

/**
 * The secure headers of every answer, set before the handler runs. hono's
 * `secureHeaders` sets the same ones on the finished Response, which makes
 * @hono/node-server build a whole Response object to write each answer (about
 * 4 % of a token refresh, measured by `pnpm bench`). Every answer of the broker
 * is made through its Context (`c.json`, `c.body`, `c.redirect`, the error and
 * not-found handlers), which starts from the headers set here. A handler that
 * sets one of them itself keeps its own value; none sets a different one.
 *
 * @example
 * app.use(secureHeaders());
 */
export function secureHeaders(): MiddlewareHandler {
  return async function secureHeaders(c, next) {
    for (const [name, value] of SECURE_HEADERS) c.header(name, value);
    await next();
  };
}
