import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { BrokerConfig } from '../../config.js';
import { clientIp } from '../../http/guard/client-ip.js';
import { randomSecret } from '../../random.js';

/**
 * What a flow needs to know of the request, so domain functions never touch
 * Hono's Context: the browser it is bound to, and where it comes from.
 */
export interface Browser {
  /** SHA-256 of the browser's binding cookie: every flow answers only the browser that opened it. */
  bindingHash: string;
  /** The client address, or undefined when unknown (then per-address budgets do not apply). */
  ip: string | undefined;
  userAgent: string | null;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

/**
 * The binding cookie: a random secret per browser, HttpOnly, `__Host-` on
 * https. A flow id copied out of this browser (a leaked log, a shoulder-surfed
 * URL, an attacker who started the flow on the victim's address) is worthless
 * elsewhere. SameSite=Lax: the broker and its host pages are same-site by design.
 */
function bindingCookie(config: BrokerConfig) {
  const secure = config.publicUrl.startsWith('https:');
  return { name: secure ? '__Host-lk_flow' : 'lk_flow', attributes: { path: '/', httpOnly: true, secure, sameSite: 'Lax' as const } };
}

/**
 * The request's browser. A browser without a binding cookie gets one now, so
 * a flow it opens is bound from the start; a cookie that is not one of ours
 * in shape is replaced.
 */
export function browserOf(c: Context, config: BrokerConfig): Browser {
  const cookie = bindingCookie(config);
  let secret = getCookie(c, cookie.name);
  if (!secret || !/^[\w-]{43}$/.test(secret)) {
    secret = randomSecret();
    setCookie(c, cookie.name, secret, cookie.attributes);
  }
  return { bindingHash: sha256(secret), ip: clientAddress(c, config), userAgent: c.req.header('user-agent')?.slice(0, 512) ?? null };
}

/** The client address as the configured proxies report it; undefined when unknown. */
export const clientAddress = (c: Context, config: BrokerConfig) => clientIp(c, config.trustedProxies);
