import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, openTestStorage, storageKinds, testBroker, type StorageKind } from '../../test/harness.js';
import { addressBucket, clientIp } from './client-ip.js';

/** What clientIp answers for a request from `socket` with these X-Forwarded-For lines. */
async function addressSeen(trustedProxies: number, forwardedFor: string[], socket: string | null = '192.0.2.10') {
  const app = new Hono().get('/', (c) => c.json({ ip: clientIp(c, trustedProxies) ?? null }));
  const headers = new Headers();
  for (const line of forwardedFor) headers.append('x-forwarded-for', line);
  const env = socket === null ? undefined : { incoming: { socket: { remoteAddress: socket } } };
  const response = await app.request('/', { headers }, env);
  return ((await response.json()) as { ip: string | null }).ip;
}

describe('client address', () => {
  it('ignores X-Forwarded-For when no proxy is trusted: anyone can send it', async () => {
    expect(await addressSeen(0, ['203.0.113.99'])).toBe('192.0.2.10');
  });

  it('takes the entry written by the one trusted proxy, not the left-most one the client forged', async () => {
    expect(await addressSeen(1, ['6.6.6.6, 198.51.100.4'])).toBe('198.51.100.4');
    expect(await addressSeen(1, ['6.6.6.6', '7.7.7.7, 198.51.100.4'])).toBe('198.51.100.4');
  });

  it('counts trusted hops from the right behind two proxies', async () => {
    // client forged 6.6.6.6; the outer proxy saw 198.51.100.4; the inner proxy saw the outer one.
    expect(await addressSeen(2, ['6.6.6.6, 198.51.100.4, 10.0.0.2'])).toBe('198.51.100.4');
  });

  it('falls back to the socket when the header has fewer entries than trusted hops', async () => {
    expect(await addressSeen(2, ['198.51.100.4'])).toBe('192.0.2.10');
    expect(await addressSeen(1, [])).toBe('192.0.2.10');
    expect(await addressSeen(1, [' , '])).toBe('192.0.2.10');
  });

  it('knows no address rather than honouring a malformed entry', async () => {
    for (const entry of ['unknown', 'evil.example', '1.2.3.4.5', '999.1.1.1', '<script>', '010.1.1.1', 'fe80::1%eth0', '_hidden']) {
      expect(await addressSeen(1, [`198.51.100.4, ${entry}`]), entry).toBeNull();
    }
  });

  it('spells one client one way: ports, brackets, case and IPv4-mapped IPv6 dropped', async () => {
    expect(await addressSeen(1, ['198.51.100.4:5160'])).toBe('198.51.100.4');
    expect(await addressSeen(1, ['[2001:DB8:0:0::1]:443'])).toBe('2001:db8::1');
    expect(await addressSeen(1, ['2001:db8::1'])).toBe('2001:db8::1');
    expect(await addressSeen(1, ['::ffff:198.51.100.4'])).toBe('198.51.100.4');
    expect(await addressSeen(0, [], '::ffff:127.0.0.1')).toBe('127.0.0.1');
  });

  it('knows no address when there is no socket to ask (mounted in another runtime)', async () => {
    expect(await addressSeen(0, [], null)).toBeNull();
    expect(await addressSeen(1, [], null)).toBeNull();
  });
});

describe.each(storageKinds)('per-address budget behind one trusted proxy on %s', (kind: StorageKind) => {
  it('runs out for a client that forges a new left-most X-Forwarded-For entry on every request', async () => {
    const storage = await openTestStorage(kind);
    try {
      const broker = testBroker(storage, { trustedProxies: 1, rateLimits: { perIp: { limit: 3, windowSeconds: 60 } } });
      const identify = (forwardedFor: string) =>
        broker.app.request(
          '/v1/sign-in/identify',
          { method: 'POST', headers: { origin: APP_ORIGIN, 'content-type': 'application/json', 'x-forwarded-for': forwardedFor }, body: JSON.stringify({ email: 'ada@example.com' }) },
          { incoming: { socket: { remoteAddress: '10.0.0.2' } } },
        );
      const statuses: number[] = [];
      for (let i = 1; i <= 5; i++) statuses.push((await identify(`203.0.113.${i}, 198.51.100.4`)).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      // Another client behind the same proxy keeps its own budget.
      expect((await identify('198.51.100.5')).status).toBe(200);
    } finally {
      await storage.drop();
    }
  });
});

describe('addressBucket', () => {
  it('counts an IPv6 address by its /64, so one subscriber cannot mint fresh buckets', () => {
    expect(addressBucket('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressBucket('::1')).toBe('0:0:0:0::/64');
    expect(addressBucket('2001:db8:1:3::1')).not.toBe(addressBucket('2001:db8:1:2::1'));
    expect(addressBucket('203.0.113.7')).toBe('203.0.113.7');
  });
});
