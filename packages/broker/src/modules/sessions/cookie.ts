import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { BrokerConfig } from '../../config.js';

/**
 * Over https the cookie is `__Host-` prefixed and Secure: bound to the broker's
 * exact origin, no Domain attribute possible. Plain-http localhost (dev) cannot
 * hold a Secure cookie, so it gets a plain name there.
 */
export function sessionCookie(config: BrokerConfig) {
  const secure = config.publicUrl.startsWith('https:');
  const name = secure ? '__Host-lk_session' : 'lk_session';
  const attributes = { path: '/', httpOnly: true, secure, sameSite: 'Lax' as const };
  return {
    name,
    read: (c: Context) => getCookie(c, name),
    write: (c: Context, secret: string, maxAgeSeconds: number) => setCookie(c, name, secret, { ...attributes, maxAge: maxAgeSeconds }),
    clear: (c: Context) => deleteCookie(c, name, attributes),
  };
}
