import type { Connection } from './types.js';

/**
 * Says where the broker is. Every call takes a connection first, so an app
 * bundles only the calls it imports.
 *
 * @param options.url The broker's base URL; a trailing slash is dropped.
 * @param options.fetch A fetch to use instead of the global one (tests, proxies).
 *   It is always called with `credentials: 'include'`, because the session is a cookie.
 *
 * @example
 * import { connect, identify } from '@latchkey/client';
 * const conn = connect({ url: 'https://auth.example.com' });
 * const step = await identify(conn, { email: 'ada@example.com' });
 */
export function connect(options: { url: string | URL; fetch?: typeof fetch }): Connection {
  const given = options.fetch;
  return {
    url: String(options.url).replace(/\/+$/, ''),
    // Wrapped so `conn.fetch(…)` never runs fetch with the connection as `this`:
    // browsers throw "Illegal invocation" for `{ fetch: window.fetch }`. The page's
    // fetch is looked up per call, so a polyfill or test stub installed later is used.
    fetch: given ? (input, init) => given(input, init) : (input, init) => fetch(input, init),
  };
}
