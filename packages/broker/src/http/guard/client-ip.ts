import type { Context } from 'hono';

/**
 * The caller's IP: the socket's address from @hono/node-server, or the first
 * X-Forwarded-For entry only when the operator says a proxy of theirs sets it
 * (otherwise anyone could pick their own rate-limit bucket).
 */
export function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'unknown';
}
