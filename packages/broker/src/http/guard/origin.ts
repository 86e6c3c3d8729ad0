import type { Context, MiddlewareHandler } from 'hono';
import type { BrokerConfig } from '../../config.js';
import { ProblemError } from '../problem.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The origins trusted with credentials: the broker's own and the configured host pages. */
export function trustedOrigins(config: BrokerConfig): Set<string> {
  return new Set([new URL(config.publicUrl).origin, ...config.allowedOrigins]);
}

/**
 * CORS with credentials, for allowlisted origins only; other origins get no
 * CORS headers. Every header is set before the handler runs: hono/cors adds
 * `Vary` after it, which makes @hono/node-server rebuild each answer the slow
 * way — about 40 % of a token refresh's CPU (measured by `pnpm bench`).
 */
export function corsAllowlist(config: BrokerConfig): MiddlewareHandler {
  const trusted = trustedOrigins(config);
  return async function cors(c, next) {
    const origin = c.req.header('origin');
    const preflight = c.req.method === 'OPTIONS' && c.req.header('access-control-request-method') !== undefined;
    c.header('vary', 'Origin');
    if (origin !== undefined && trusted.has(origin)) {
      c.header('access-control-allow-origin', origin);
      c.header('access-control-allow-credentials', 'true');
      if (preflight) {
        c.header('access-control-allow-methods', 'GET, POST, PATCH, DELETE, OPTIONS');
        c.header('access-control-allow-headers', 'content-type, authorization');
        c.header('access-control-max-age', '600');
      }
    }
    // A preflight is answered here; a foreign origin's gets no grant, so the browser stops.
    if (preflight) return c.body(null, 204);
    await next();
  };
}

/**
 * CSRF defence for a route group: every unsafe request must say where it
 * comes from, and that must be a trusted origin. A missing Origin is refused
 * too (browsers always send one on POST; when in doubt, reject). A SAML ACS or
 * an OAuth callback, which a foreign site posts or redirects to, binds its own
 * state instead and does not take this guard.
 *
 * @example
 * app.use('/v1/sign-in/*', requireOrigin({ trusted: trustedOrigins(config) }));
 */
export function requireOrigin(options: { trusted: Set<string> }): MiddlewareHandler {
  return async function requireOrigin(c: Context, next) {
    if (!SAFE_METHODS.has(c.req.method)) {
      const origin = c.req.header('origin');
      if (!origin || !options.trusted.has(origin)) throw new ProblemError('forbidden_origin');
    }
    await next();
  };
}

/**
 * For a GET that spends something (the flow's result, answered once): a
 * cross-site page must not be able to use it up. The element calls it with
 * `fetch`, so a cross-origin call carries Origin, which must be trusted. A
 * same-origin fetch GET carries none; then Fetch Metadata decides: a top-level
 * navigation (`Sec-Fetch-Mode: navigate`, e.g. a link on another site) or any
 * cross-site request without Origin (an image, a no-cors fetch) is refused. A
 * client that sends neither header (not a browser) has only its own cookie.
 */
export function requireOriginOnRead(options: { trusted: Set<string> }): MiddlewareHandler {
  return async function requireOriginOnRead(c: Context, next) {
    const origin = c.req.header('origin');
    if (origin !== undefined) {
      if (!options.trusted.has(origin)) throw new ProblemError('forbidden_origin');
    } else if (c.req.header('sec-fetch-mode') === 'navigate' || (c.req.header('sec-fetch-site') ?? 'same-origin') !== 'same-origin') {
      throw new ProblemError('forbidden_origin');
    }
    await next();
  };
}

/** Checks an optional `return_to` against the trusted origins; refuses anything else. */
export function checkReturnTo(config: BrokerConfig, returnTo: string | undefined): string | null {
  if (returnTo === undefined) return null;
  let url: URL;
  try {
    url = new URL(returnTo);
  } catch {
    throw new ProblemError('invalid_return_to');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !trustedOrigins(config).has(url.origin) || url.username || url.password) {
    throw new ProblemError('invalid_return_to');
  }
  return url.href;
}

/**
 * The page a trip to an identity provider comes back to: `given` when allowlisted
 * (400 `invalid_return_to` otherwise), or the calling page's origin (already checked
 * by the Origin guard), or the broker's own public URL.
 *
 * @example
 * const resumeUrl = resumeUrlOf(deps.config, c.req.header('origin'), body.resume_url);
 */
export function resumeUrlOf(config: BrokerConfig, origin: string | undefined, given: string | undefined): string {
  if (given !== undefined) return checkReturnTo(config, given)!;
  return checkReturnTo(config, origin ? `${origin}/` : `${config.publicUrl}/`)!;
}
