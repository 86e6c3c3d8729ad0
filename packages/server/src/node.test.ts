import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sendUnauthorized, verifyNodeRequest } from './node.js';
import { AUDIENCE, startFakeBroker, type FakeBroker } from './testing/fake-broker.js';

let broker: FakeBroker;
let api: Server;
let apiUrl: string;

beforeEach(async () => {
  broker = await startFakeBroker();
  // A host backend on plain node:http, as apps/demo's is.
  api = createServer(async (req, res) => {
    try {
      const claims = await verifyNodeRequest(req, { issuer: broker.issuer, audience: AUDIENCE, cookieName: 'lk_token' });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sub: claims.sub, sid: claims.sid }));
    } catch (error) {
      sendUnauthorized(res, error);
    }
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/api/me`;
});
afterEach(async () => {
  await new Promise<void>((resolve) => api.close(() => resolve()));
  await broker.close();
});

describe('a Node backend using verifyNodeRequest and sendUnauthorized', () => {
  it('serves a request that carries a valid bearer token', async () => {
    const response = await fetch(apiUrl, { headers: { authorization: `Bearer ${await broker.sign()}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sub: 'usr_ada', sid: 'ses_1' });
  });

  it('serves a request whose token is in the named cookie', async () => {
    const response = await fetch(apiUrl, { headers: { cookie: `theme=dark; lk_token=${await broker.sign()}` } });
    expect(response.status).toBe(200);
  });

  it('answers 401 problem+json with WWW-Authenticate to a request without a token', async () => {
    const response = await fetch(apiUrl);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(await response.json()).toEqual({ type: 'urn:latchkey:problem:unauthenticated', code: 'unauthenticated', title: 'Not signed in', status: 401 });
  });

  it('answers 401 to a token signed by someone else', async () => {
    const [header, , signature] = (await broker.sign()).split('.');
    const payload = Buffer.from(JSON.stringify({ sub: 'usr_admin' })).toString('base64url');
    const response = await fetch(apiUrl, { headers: { authorization: `Bearer ${header}.${payload}.${signature}` } });
    expect(response.status).toBe(401);
  });

  it('answers 401 to a token the same broker minted for another app', async () => {
    const response = await fetch(apiUrl, { headers: { authorization: `Bearer ${await broker.sign({ claims: { aud: 'https://admin.example.com' } })}` } });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'unauthenticated' });
  });

  it('answers 503 when the broker keys cannot be fetched', async () => {
    broker.answerJwksWith('not-json');
    const response = await fetch(apiUrl, { headers: { authorization: `Bearer ${await broker.sign()}` } });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ code: 'jwks_unavailable' });
  });
});
