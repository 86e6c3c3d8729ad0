import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { BrokerConfig } from '../../config.js';

/**
 * A cookie of the broker's (`lk_session`, `lk_flow`, `lk_device`): HttpOnly,
 * SameSite=Lax (the broker and its host pages are same-site by design) and, over
 * https, `__Host-` prefixed and Secure: bound to the broker's exact origin, no
 * Domain attribute possible. Plain-http localhost (dev) cannot hold a Secure
 * cookie, so it gets a plain name there.
 */
export function brokerCookie(config: BrokerConfig, baseName: string) {
  const secure = config.publicUrl.startsWith('https:');
  return { name: secure ? `__Host-${baseName}` : baseName, attributes: { path: '/', httpOnly: true, secure, sameSite: 'Lax' as const } };
}

/** The session cookie: the opaque secret of a server-side session. */
export function sessionCookie(config: BrokerConfig) {
  const { name, attributes } = brokerCookie(config, 'lk_session');
  return {
    name,
    read: (c: Context) => getCookie(c, name),
    write: (c: Context, secret: string, maxAgeSeconds: number) => setCookie(c, name, secret, { ...attributes, maxAge: maxAgeSeconds }),
    clear: (c: Context) => deleteCookie(c, name, attributes),
  };
}
