import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { describeErrorForLog, ProblemError } from '../http/problem.js';
import type { Logger } from './logger.js';
import type { BrokerMetrics } from './metrics.js';

declare module 'hono' {
  interface ContextVariableMap {
    /** This request's id: the caller's well-formed `X-Request-Id`, or one made here. */
    requestId: string;
    /** The request log line will describe an unexpected error, so `onError` need not print it again. */
    errorsLogged: boolean;
  }
}

/**
 * An `X-Request-Id` taken from the caller (a proxy's or a client's): at most 128
 * characters of letters, digits and `_ . : = -`, so it can forge neither a log
 * line nor a header, and any UUID, ULID or trace id fits. Anything else is
 * replaced, not trimmed.
 */
const WELL_FORMED_REQUEST_ID = /^[\w.:=-]{1,128}$/;

/**
 * The route pattern a request is counted and logged under: the handler's that
 * answered or would have (the first route at or after the last one that ran with
 * a method of its own, so a 429 from a guard counts under the route it guarded,
 * not under `/v1/sign-in/*`); for a path no handler takes, the last middleware
 * pattern it passed (`/*`). Never the path itself.
 */
function routeOf(c: Context): string {
  const routes = matchedRoutes(c);
  for (let i = c.req.routeIndex; i < routes.length; i++) if (routes[i]!.method !== 'ALL') return routes[i]!.path;
  return routes[c.req.routeIndex]?.path || '/*';
}

/** This request's id (see `observeRequests`), or undefined outside a broker app. */
export const requestIdOf = (c: Context): string | undefined => c.get('requestId');

/**
 * The first middleware of the broker: gives each request an id (echoed in
 * `X-Request-Id`), counts it in the metrics by its matched route pattern (and a
 * rate-limit refusal by its budget), and,
 * with a logger, writes one line when it is answered:
 * `{ time, level, msg: "request", request_id, method, route, status, duration_ms }`
 * and, for a 500, `error` (as `describeErrorForLog` allows). Level: `info`, `warn` for
 * another 5xx, `error` for an unexpected error.
 *
 * The line names the route pattern (`/v1/invite-links/:token`, see `routeOf`),
 * never the path (which can hold an invite token) or its query string (a `code`,
 * a `state`), and no header or body: no cookie, no Authorization, no token. An
 * unmatched path is named by the last pattern it passed (`/*`), so no route
 * label grows with what callers send.
 *
 * Cheap, as it runs before the token refresh: two clock reads, one header read
 * and one set, a route look-up and a few array increments; the line itself only
 * with a logger.
 *
 * @example
 * app.use(observeRequests({ metrics: deps.metrics, logger: jsonLogger() }));
 */
export function observeRequests(options: { metrics: BrokerMetrics; logger?: Logger | undefined }): MiddlewareHandler {
  const { metrics, logger } = options;
  return async function observeRequests(c, next) {
    const started = performance.now();
    const given = c.req.header('x-request-id');
    const requestId = given !== undefined && WELL_FORMED_REQUEST_ID.test(given) ? given : randomUUID();
    c.set('requestId', requestId);
    if (logger) c.set('errorsLogged', true);
    await next();
    const seconds = (performance.now() - started) / 1000;
    const { status } = c.res;
    const route = routeOf(c);
    c.res.headers.set('x-request-id', requestId);
    metrics.observeRequest(c.req.method, route, status, seconds);
    // A budget that refused says so on its error (`takeOrRefuse`): counted here, where metrics are at hand.
    if (status === 429 && c.error instanceof ProblemError && c.error.extra.budget) metrics.rateLimitRefused(c.error.extra.budget);
    if (!logger) return;
    // An unexpected error (onError's 500) is an error; another 5xx (/ready while draining, an IdP that did not answer) a warning.
    const unexpected = status >= 500 && c.error !== undefined && !(c.error instanceof ProblemError) ? c.error : undefined;
    logger.log({
      level: unexpected ? 'error' : status >= 500 ? 'warn' : 'info',
      msg: 'request',
      request_id: requestId,
      method: c.req.method,
      route,
      status,
      duration_ms: Math.round(seconds * 1e6) / 1e3,
      ...(unexpected ? { error: describeErrorForLog(unexpected) } : {}),
    });
  };
}
