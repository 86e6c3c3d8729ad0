import { describe, expect, it, vi } from 'vitest';
import { APP_ORIGIN, rowCounts, storageKinds, testBroker, type StorageKind, useTestBroker } from '../../test/harness.js';
import type { MemoryRateLimitStore } from './memory-rate-limit.js';

describe.each(storageKinds)('guards on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind);

  const signUp = { email: 'ada@example.com', password: 'correct horse battery staple' };

  it('refuses an unsafe request from a foreign origin and writes nothing', async () => {
    const before = await rowCounts(t.storage);
    const response = await t.broker.post('/v1/sign-up', signUp, { headers: { origin: 'https://evil.example' } });
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('forbidden_origin');
    expect(await rowCounts(t.storage)).toEqual(before);
  });

  it('refuses an unsafe request with no Origin at all', async () => {
    const response = await t.broker.app.request('/v1/sign-out', { method: 'POST' });
    expect(response.status).toBe(403);
  });

  it('grants CORS with credentials to allowlisted origins only', async () => {
    const allowed = await t.broker.app.request('/v1/sign-up', { method: 'OPTIONS', headers: { origin: APP_ORIGIN, 'access-control-request-method': 'POST' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    expect(allowed.headers.get('access-control-allow-methods')).toBe('GET, POST, PATCH, DELETE, OPTIONS');
    expect(allowed.headers.get('access-control-allow-headers')).toBe('content-type, authorization');
    const foreign = await t.broker.app.request('/v1/sign-up', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(foreign.headers.get('access-control-allow-credentials')).toBeNull();
    // Real answers carry the grant too, and say they vary by Origin (errors included).
    const answer = await t.broker.post('/v1/sign-in/identify', { email: 'ada@example.com' });
    expect(answer.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(answer.headers.get('vary')).toMatch(/origin/i);
    const problem = await t.broker.post('/v1/sign-in/identify', { email: 'nope' });
    expect(problem.status).toBe(400);
    expect(problem.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
  });

  it('refuses a return_to that is not allowlisted, writing and mailing nothing', async () => {
    const before = await rowCounts(t.storage);
    for (const returnTo of ['https://evil.example/', 'javascript:alert(1)', '//evil.example', 'http://user:pw@app.test/']) {
      const response = await t.broker.post('/v1/sign-up', { ...signUp, return_to: returnTo });
      expect(response.status, returnTo).toBe(400);
      expect(response.body.code).toBe('invalid_return_to');
    }
    expect(await rowCounts(t.storage)).toEqual(before);
  });

  it('limits unsafe requests per client IP', async () => {
    const limited = testBroker(t.storage, { rateLimits: { perIp: { limit: 3, windowSeconds: 60 } } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await limited.post('/v1/sign-in/identify', { email: 'a@example.com' })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    // Every flow route shares the IP's budget, each request counted once.
    expect((await limited.post('/v1/sign-up', { email: 'a@example.com', password: 'correct horse battery' })).status).toBe(429);
    limited.clock.advance(60_000);
    expect((await limited.post('/v1/sign-in/identify', { email: 'a@example.com' })).status).toBe(200);
  });

  it('keeps the token refresh and sign-out out of every rate-limit budget', async () => {
    // The sign-up's two requests use up the address's whole budget.
    const limited = testBroker(t.storage, { rateLimits: { perIp: { limit: 2, windowSeconds: 60 } } });
    await limited.signUp('ada@example.com');
    expect((await limited.post('/v1/sign-in/identify', { email: 'ada@example.com' })).status).toBe(429);
    // Whatever the store (the database on PostgreSQL, memory on PGlite), no budget is taken from, and none written.
    const takes = vi.spyOn(limited.deps.rateLimits, 'take');
    // PGlite's budgets written behind first, so the table holds every count there is.
    await (limited.deps.rateLimits as Partial<MemoryRateLimitStore>).flush?.();
    const before = await t.storage.query(`SELECT key, hits FROM rate_limits ORDER BY key`);
    for (let i = 0; i < 5; i++) expect((await limited.post('/v1/session/token')).status).toBe(200);
    expect((await limited.post('/v1/sign-out')).status).toBe(204);
    expect(takes).not.toHaveBeenCalled();
    expect(await t.storage.query(`SELECT key, hits FROM rate_limits ORDER BY key`)).toEqual(before);
    // The address's budget is still spent.
    expect((await limited.post('/v1/sign-in/identify', { email: 'ada@example.com' })).status).toBe(429);
  });

  it('answers unknown routes with a problem, not an HTML page', async () => {
    const response = await t.broker.get('/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });

  it('turns an unexpected failure into a 500 problem with a request id and no internals', async () => {
    // A database that fails every statement, with a secret in its error.
    const broken = { ...t.storage, query: async () => Promise.reject(new Error('db password is hunter2')) };
    const failing = testBroker(broken);
    const original = console.error;
    console.error = () => {};
    try {
      const response = await failing.post('/v1/sign-up', signUp);
      expect(response.status).toBe(500);
      expect(response.body).toMatchObject({ code: 'internal_error', request_id: expect.any(String) });
      expect(JSON.stringify(response.body)).not.toMatch(/hunter2|Error|at /);
    } finally {
      console.error = original;
    }
  });

  it('sends secure headers', async () => {
    const response = await t.broker.app.request('/health');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=/);
  });

  it('reports ready once the database answers and is migrated', async () => {
    expect((await t.broker.get('/ready')).status).toBe(200);
    expect((await t.broker.get('/health')).body).toEqual({ status: 'ok' });
  });
});
