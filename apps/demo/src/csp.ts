import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A strict Content-Security-Policy for the demo pages: no inline script, no
 * eval, no inline style. It proves the elements work where a careful host
 * locks its pages down. `ws:` is only for Vite's dev reload channel.
 */
export function strictCsp(brokerUrl: string, dev: boolean) {
  const policy = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${brokerUrl}${dev ? ' ws: wss:' : ''}`,
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
  return function contentSecurityPolicy(_req: IncomingMessage, res: ServerResponse, next: () => void) {
    res.setHeader('content-security-policy', policy);
    next();
  };
}
