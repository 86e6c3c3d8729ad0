import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { latchkeyAuth } from './hono.js';
import { AUDIENCE, nowSeconds, startFakeBroker, type FakeBroker } from './testing/fake-broker.js';

let broker: FakeBroker;
let app: Hono;
beforeEach(async () => {
  broker = await startFakeBroker();
  app = new Hono();
  app.use('/api/*', latchkeyAuth({ issuer: broker.issuer, audience: AUDIENCE, cookieName: 'lk_token' }));
  app.get('/api/me', (c) => {
    const claims = c.get('latchkey'); // typed SessionClaims through ContextVariableMap
    return c.json({ sub: claims.sub, sid: claims.sid, amr: claims.amr });
  });
  app.get('/public', (c) => c.text('hello'));
  app.onError((_error, c) => c.text('operator, look at the logs', 500));
});
afterEach(() => broker.close());

const unauthenticated = { type: 'urn:latchkey:problem:unauthenticated', code: 'unauthenticated', title: 'Not signed in', status: 401 };

async function expectRefused(response: Response) {
  expect(response.status).toBe(401);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  expect(await response.json()).toEqual(unauthenticated);
}

describe('latchkeyAuth on a Hono app', () => {
  it('lets a signed-in user through and hands the route their claims', async () => {
    const response = await app.request('/api/me', { headers: { authorization: `Bearer ${await broker.sign()}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sub: 'usr_ada', sid: 'ses_1', amr: ['pwd'] });
  });

  it('takes the token from the named cookie too', async () => {
    const response = await app.request('/api/me', { headers: { cookie: `lk_token=${await broker.sign()}` } });
    expect(response.status).toBe(200);
  });

  it('answers 401 problem+json to a request without a token', async () => {
    await expectRefused(await app.request('/api/me'));
  });

  it('answers 401 problem+json to a forged, expired or foreign token, without saying which', async () => {
    const iat = nowSeconds() - 600;
    const tokens = ['nonsense', await broker.sign({ claims: { iat, exp: iat + 300 } }), await broker.sign({ header: { typ: 'JWT' } }), await broker.sign({ claims: { aud: 'https://admin.example.com' } })];
    for (const token of tokens) await expectRefused(await app.request('/api/me', { headers: { authorization: `Bearer ${token}` } }));
  });

  it('answers 503, not 401, when the broker keys cannot be fetched, so the app does not sign the user out', async () => {
    broker.answerJwksWith('server-error');
    const response = await app.request('/api/me', { headers: { authorization: `Bearer ${await broker.sign()}` } });
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('www-authenticate')).toBeNull();
    expect(await response.json()).toMatchObject({ code: 'jwks_unavailable', status: 503 });
  });

  it('leaves routes it does not guard alone', async () => {
    expect(await (await app.request('/public')).text()).toBe('hello');
  });

  it('answers 401 to a token the same broker minted for another app', async () => {
    await expectRefused(await app.request('/api/me', { headers: { authorization: `Bearer ${await broker.sign({ claims: { aud: 'https://admin.example.com' } })}` } }));
  });

  it('stops the app at set-up for a configuration mistake, instead of blaming every user later', () => {
    expect(() => latchkeyAuth({ issuer: broker.issuer, audience: AUDIENCE, jwksUrl: 'not a url' })).toThrow(TypeError);
    expect(() => latchkeyAuth({ issuer: broker.issuer } as never)).toThrow(/audience/);
  });
});
