import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { BrokerConfig } from '../../config.js';
import { addressBucket, clientIp } from '../../http/guard/client-ip.js';
import { randomSecret } from '../../random.js';
import { brokerCookie } from '../sessions/cookie.js';
import { deviceCookie, parseDeviceCookie, type DeviceEntry } from './device.js';

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
  /** The entries of the browser's device cookie as sent, none checked yet (see `trustedDevice`). */
  devices: DeviceEntry[];
  /** A binding secret made for this request, for the route to set as a cookie if the call succeeds. */
  newBinding?: string;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

/**
 * The binding cookie: a random secret per browser (see `brokerCookie`). A flow
 * id copied out of this browser (a leaked log, a shoulder-surfed URL, an
 * attacker who started the flow on the victim's address) is worthless elsewhere.
 */
const bindingCookie = (config: BrokerConfig) => brokerCookie(config, 'lk_flow');

/**
 * The request's browser. A browser without a binding cookie (or with one not
 * of our shape) gets a new secret, so a flow it opens is bound from the start;
 * `keepBinding` sets it as a cookie once the call has succeeded — a refused
 * request sets nothing.
 */
export function browserOf(c: Context, config: BrokerConfig): Browser {
  const secret = getCookie(c, bindingCookie(config).name);
  const known = secret !== undefined && /^[\w-]{43}$/.test(secret);
  const binding = known ? secret : randomSecret();
  return {
    bindingHash: sha256(binding),
    ip: clientAddress(c, config),
    userAgent: c.req.header('user-agent')?.slice(0, 512) ?? null,
    devices: parseDeviceCookie(getCookie(c, deviceCookie(config).name)),
    ...(known ? {} : { newBinding: binding }),
  };
}

/** Sets the binding cookie a browser was just given (see `browserOf`). */
export function keepBinding(c: Context, config: BrokerConfig, browser: Browser) {
  if (!browser.newBinding) return;
  const cookie = bindingCookie(config);
  setCookie(c, cookie.name, browser.newBinding, cookie.attributes);
}

/** The client address as the configured proxies report it; undefined when unknown. */
export const clientAddress = (c: Context, config: BrokerConfig) => clientIp(c, config.trustedProxies);

/** The rate-limit bucket of the client's address (an IPv6 address counts by its /64); undefined when unknown. */
export function clientBucket(c: Context, config: BrokerConfig): string | undefined {
  const address = clientAddress(c, config);
  return address === undefined ? undefined : addressBucket(address);
}
