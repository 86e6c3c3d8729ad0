import * as crypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { parseBrokerConfig } from '../../config.js';
import { ADMIN_TOKEN, adminCall } from '../../test/admin.js';
import { APP_ORIGIN, rowCounts, storageKinds, useTestBroker, type StorageKind } from '../../test/harness.js';

// The real timingSafeEqual, watched: every refusal must go through one comparison of two digests.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const organizationCount = async (storage: { query: <R>(sql: string) => Promise<R[]> }) =>
  (await storage.query<{ n: number }>(`SELECT count(*)::int AS n FROM organizations`))[0]!.n;

describe.each(storageKinds)('the admin API refuses callers without the token, on %s', (kind: StorageKind) => {
  const ctx = useTestBroker(kind, undefined, { adminToken: ADMIN_TOKEN });

  it('answers 401 unauthorized with WWW-Authenticate: Bearer to a call without the token, and writes nothing', async () => {
    const before = await rowCounts(ctx.storage);
    const answer = await adminCall(ctx.broker, 'POST', '/organizations', { name: 'Acme' }, { token: null });
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ type: 'urn:latchkey:problem:unauthorized', code: 'unauthorized' });
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="latchkey-admin"');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(await organizationCount(ctx.storage)).toBe(0);
    expect(await rowCounts(ctx.storage)).toEqual(before);
  });

  it('refuses a wrong token, a prefix of it, a longer one, another scheme and a token in the query string', async () => {
    const refused = [
      { token: 'x'.repeat(ADMIN_TOKEN.length) },
      { token: ADMIN_TOKEN.slice(0, -1) },
      { token: `${ADMIN_TOKEN}x` },
      { token: ADMIN_TOKEN.toUpperCase() },
      { token: null, headers: { authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` } },
      { token: null, headers: { authorization: ADMIN_TOKEN } },
    ];
    for (const options of refused) {
      const answer = await adminCall(ctx.broker, 'GET', '/organizations', undefined, options);
      expect(answer.status, JSON.stringify(options)).toBe(401);
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer realm="latchkey-admin"/);
    }
    const wrong = await adminCall(ctx.broker, 'GET', '/organizations', undefined, { token: 'wrong-token' });
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="latchkey-admin", error="invalid_token"');
    expect((await adminCall(ctx.broker, 'GET', `/organizations?token=${ADMIN_TOKEN}`, undefined, { token: null })).status).toBe(401);
    expect((await adminCall(ctx.broker, 'GET', '/organizations')).status).toBe(200);
  });

  it('compares every presented token the same way, whatever its length: one timingSafeEqual of two SHA-256 digests', async () => {
    const compare = vi.mocked(crypto.timingSafeEqual);
    for (const token of [null, 'a', 'x'.repeat(ADMIN_TOKEN.length), `${ADMIN_TOKEN}${'y'.repeat(500)}`, ADMIN_TOKEN]) {
      compare.mockClear();
      const answer = await adminCall(ctx.broker, 'GET', '/organizations', undefined, { token });
      expect(answer.status).toBe(token === ADMIN_TOKEN ? 200 : 401);
      expect(compare).toHaveBeenCalledTimes(1);
      const [presented, expected] = compare.mock.calls[0]! as [Buffer, Buffer];
      expect([presented.length, expected.length]).toEqual([32, 32]);
    }
  });

  it('guards unknown admin paths too, and answers them 404 only with the token', async () => {
    expect((await adminCall(ctx.broker, 'GET', '/nothing-here', undefined, { token: null })).status).toBe(401);
    expect((await adminCall(ctx.broker, 'GET', '/nothing-here')).status).toBe(404);
  });

  it('gives a browser page no CORS grant, not even from an allowed origin, and needs no Origin', async () => {
    const preflight = await ctx.broker.app.request('/admin/v1/organizations', {
      method: 'OPTIONS',
      headers: { origin: APP_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.status).toBe(401);
    const fromPage = await adminCall(ctx.broker, 'GET', '/organizations', undefined, { headers: { origin: APP_ORIGIN } });
    expect(fromPage.status).toBe(200);
    expect(fromPage.headers.get('access-control-allow-origin')).toBeNull();
    expect(fromPage.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses a body over its size limit with 413 before reading it', async () => {
    const answer = await adminCall(ctx.broker, 'POST', '/organizations', { name: 'A', pad: 'x'.repeat(300 * 1024) });
    expect(answer.status).toBe(413);
    expect(await organizationCount(ctx.storage)).toBe(0);
  });
});

describe.each(storageKinds)('the admin API with no token configured, on %s', (kind: StorageKind) => {
  const ctx = useTestBroker(kind);

  it('refuses every admin route with 403 admin_disabled, whatever the caller sends', async () => {
    for (const [method, path] of [['GET', '/organizations'], ['POST', '/organizations'], ['DELETE', '/organizations/org_x'], ['GET', '/nothing-here']] as const) {
      for (const token of [null, ADMIN_TOKEN, '']) {
        const answer = await adminCall(ctx.broker, method, path, method === 'POST' ? { name: 'Acme' } : undefined, { token });
        expect(answer.status, `${method} ${path}`).toBe(403);
        expect(answer.body).toMatchObject({ type: 'urn:latchkey:problem:admin_disabled' });
      }
    }
    expect(await organizationCount(ctx.storage)).toBe(0);
  });
});

describe('adminToken in the configuration', () => {
  it('takes one of at least 32 characters and refuses a shorter one, naming the field', () => {
    expect(parseBrokerConfig({ publicUrl: 'https://auth.example.com', adminToken: ADMIN_TOKEN }).adminToken).toBe(ADMIN_TOKEN);
    expect(() => parseBrokerConfig({ publicUrl: 'https://auth.example.com', adminToken: 'short' })).toThrow(/adminToken: at least 32 characters/);
  });
});
