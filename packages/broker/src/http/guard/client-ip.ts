import { isIP } from 'node:net';
import type { Context } from 'hono';

/**
 * The caller's address, or `undefined` when it is not known. IP-keyed limits do not apply to
 * an unknown address (the rate limiter skips those buckets) rather than lumping every such
 * client into one bucket that a single abuser could fill for all of them.
 *
 * - `trustedProxies = 0` (the default): the socket's address from @hono/node-server;
 *   X-Forwarded-For is ignored, since anyone can send it and so pick their own bucket.
 * - `trustedProxies = n`: the n-th X-Forwarded-For entry from the right. Each proxy appends
 *   the address it received from, so the right-most n entries were written by proxies you
 *   run and the n-th is the client as your outermost proxy saw it; anything left of it is
 *   whatever the client sent. A header with fewer than n entries did not come through all
 *   your proxies: the socket's address is used.
 *
 * Only a well-formed address counts; anything else (garbage, a host name, a zone id) makes
 * the address unknown rather than falling back to the proxy's own address, which all clients
 * would share. Accepted forms: IPv4 `203.0.113.7`, IPv6 `2001:db8::1`, either with a port
 * (`203.0.113.7:5160`, `[2001:db8::1]:443`, as some load balancers write), IPv6 in brackets.
 * Ports are dropped, IPv6 is compressed and lower-cased, and an IPv4-mapped IPv6 address
 * (`::ffff:203.0.113.7`, what a dual-stack socket reports) becomes the IPv4 one, so one client
 * has one spelling.
 *
 * @example
 * // Behind one load balancer that appends to X-Forwarded-For:
 * // "X-Forwarded-For: 6.6.6.6, 198.51.100.4" (the client forged 6.6.6.6)
 * clientIp(c, 1); // '198.51.100.4'
 */
export function clientIp(c: Context, trustedProxies: number): string | undefined {
  if (trustedProxies > 0) {
    // Several X-Forwarded-For lines arrive joined with ", "; empty entries are nobody's address.
    const forwarded = (c.req.header('x-forwarded-for') ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
    if (forwarded.length >= trustedProxies) return normalizeAddress(forwarded[forwarded.length - trustedProxies]!);
  }
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  const socket = incoming?.socket?.remoteAddress;
  return socket === undefined ? undefined : normalizeAddress(socket);
}

/** One canonical spelling of an IPv4 or IPv6 address (port and brackets dropped), or undefined. */
export function normalizeAddress(raw: string): string | undefined {
  let address = raw.trim();
  if (address.length === 0 || address.length > 64) return undefined;
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(address);
  if (bracketed) address = bracketed[1]!;
  else if (/^[\d.]+:\d{1,5}$/.test(address)) address = address.slice(0, address.indexOf(':'));
  const version = isIP(address);
  if (version === 4) return address;
  if (version !== 6 || address.includes('%')) return undefined;
  // The WHATWG URL parser compresses and lower-cases IPv6, and spells an IPv4-mapped tail in hex.
  const canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([\da-f]{1,4}):([\da-f]{1,4})$/.exec(canonical);
  if (mapped) {
    const [high, low] = [parseInt(mapped[1]!, 16), parseInt(mapped[2]!, 16)];
    return [high >> 8, high & 255, low >> 8, low & 255].join('.');
  }
  return canonical;
}

/**
 * The bucket an address counts in: an IPv4 address as it is, an IPv6 address
 * by its /64 — one subscriber usually holds a whole /64, so keying by the full
 * address would hand an attacker 2^64 fresh buckets.
 *
 * @example
 * addressBucket('2001:db8:1:2:aaaa::1'); // '2001:db8:1:2::/64'
 */
export function addressBucket(address: string): string {
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
