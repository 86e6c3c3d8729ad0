import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { onError } from '../problem.js';
import { requireOrigin } from './origin.js';
import { rateLimit, type RateLimitStore } from './rate-limit.js';

/** A store kept in memory: any store can stand behind the limiter, no route changes. */
function memoryStore(): RateLimitStore & { keys: string[] } {
  const hits = new Map<string, number>();
  return {
    keys: [],
    async take(key, window) {
      this.keys.push(key);
      const n = (hits.get(key) ?? 0) + 1;
      if (n > window.limit) return { ok: false, retryAfterSeconds: window.windowSeconds };
      hits.set(key, n);
      return { ok: true, ticket: { giveBack: async () => void hits.set(key, (hits.get(key) ?? 1) - 1) } };
    },
    sweep: async () => 0,
  };
}

/** Two route groups, each with the guards it chose: a JSON flow, and a form-POST callback from an IdP's own origin. */
function appWith(store: RateLimitStore, key: (ip: string | undefined) => string | undefined) {
  const app = new Hono();
  app.onError(onError);
  app.use('/flow/*', requireOrigin({ trusted: new Set(['https://app.test']) }), rateLimit({ key: (c) => key(c.req.header('x-test-ip')), prefix: 'ip', window: { limit: 2, windowSeconds: 60 }, store, clock: () => new Date() }));
  app.post('/flow/start', (c) => c.json({ ok: true }));
  app.post('/callback/acs', (c) => c.json({ ok: true }));
  return app;
}

describe('guards chosen per route group', () => {
  it('checks the Origin only where the group asked for it', async () => {
    const app = appWith(memoryStore(), (ip) => ip);
    expect((await app.request('/flow/start', { method: 'POST', headers: { origin: 'https://idp.example', 'x-test-ip': '1' } })).status).toBe(403);
    expect((await app.request('/callback/acs', { method: 'POST', headers: { origin: 'https://idp.example', 'content-type': 'application/x-www-form-urlencoded' }, body: 'SAMLResponse=x' })).status).toBe(200);
  });

  it('counts in whatever store it is given, per key, and refuses past the limit with Retry-After', async () => {
    const store = memoryStore();
    const app = appWith(store, (ip) => ip);
    const post = (ip: string) => app.request('/flow/start', { method: 'POST', headers: { origin: 'https://app.test', 'x-test-ip': ip } });
    expect([(await post('1')).status, (await post('1')).status]).toEqual([200, 200]);
    const refused = await post('1');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    // Not CORS-safelisted: without this a page on another origin could not read how long to wait.
    expect(refused.headers.get('access-control-expose-headers')).toBe('retry-after');
    expect((await post('2')).status).toBe(200);
    expect(store.keys).toEqual(['ip:1', 'ip:1', 'ip:1', 'ip:2']);
  });

  it('puts no request whose key is unknown into a bucket shared with strangers', async () => {
    const store = memoryStore();
    const app = appWith(store, () => undefined);
    const warn = console.warn;
    console.warn = () => {};
    try {
      for (let i = 0; i < 5; i++) expect((await app.request('/flow/start', { method: 'POST', headers: { origin: 'https://app.test' } })).status).toBe(200);
    } finally {
      console.warn = warn;
    }
    expect(store.keys).toEqual([]);
  });
});
