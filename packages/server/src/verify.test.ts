import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { latchkeyAuth } from './hono.js';
import { sendUnauthorized, verifyNodeRequest } from './node.js';
import { TokenError, verifyToken } from './index.js';

/** A stand-in broker: publishes whatever keys the test puts in `published`. */
let server: Server;
let issuer: string;
const published: JWK[] = [];
let keyA: { privateKey: CryptoKey; kid: string };

async function newKey(kid: string) {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateKey, publicKey, kid, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

const claims = { sid: 'ses_1', amr: ['pwd'], org_id: null, org_role: null };
function sign(key: { privateKey: CryptoKey; kid: string }, opts: { typ?: string; iss?: string; exp?: number; iat?: number; payload?: object } = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...claims, ...opts.payload })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: opts.typ ?? 'lk-session+jwt' })
    .setIssuer(opts.iss ?? issuer)
    .setSubject('usr_1')
    .setIssuedAt(opts.iat ?? now)
    .setExpirationTime(opts.exp ?? now + 300)
    .sign(key.privateKey);
}

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url?.startsWith('/.well-known/jwks.json')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: published }));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const a = await newKey('key-a');
  published.push(a.jwk);
  keyA = a;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const codeOf = (promise: Promise<unknown>) => promise.then(() => 'verified', (e: unknown) => (e instanceof TokenError ? e.code : String(e)));

describe('verifyToken', () => {
  it('verifies a session token and returns its claims', async () => {
    const result = await verifyToken(await sign(keyA), { issuer });
    expect(result).toMatchObject({ iss: issuer, sub: 'usr_1', sid: 'ses_1', amr: ['pwd'], org_id: null, org_role: null });
  });

  it('refuses a token whose payload was tampered with', async () => {
    const [h, , s] = (await sign(keyA)).split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'usr_admin', iss: issuer, iat: 1, exp: 9e9 })).toString('base64url');
    expect(await codeOf(verifyToken(`${h}.${forged}.${s}`, { issuer }))).toBe('invalid_token');
  });

  it('refuses a token whose signature was tampered with', async () => {
    const token = await sign(keyA);
    const flipped = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(await codeOf(verifyToken(flipped, { issuer }))).toBe('invalid_token');
  });

  it('refuses alg none and HS256 signed with the public key', async () => {
    const header = (alg: string) => Buffer.from(JSON.stringify({ alg, kid: 'key-a', typ: 'lk-session+jwt' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ ...claims, sub: 'usr_1', iss: issuer, iat: Math.floor(Date.now() / 1000), exp: 9e9 })).toString('base64url');
    expect(await codeOf(verifyToken(`${header('none')}.${payload}.`, { issuer }))).toBe('invalid_token');
    const hs = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'HS256', kid: 'key-a', typ: 'lk-session+jwt' })
      .setIssuer(issuer)
      .setSubject('usr_1')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JSON.stringify(published[0])));
    expect(await codeOf(verifyToken(hs, { issuer }))).toBe('invalid_token');
  });

  it('refuses another kind of JWT, another issuer, and a token without session claims', async () => {
    expect(await codeOf(verifyToken(await sign(keyA, { typ: 'JWT' }), { issuer }))).toBe('invalid_token');
    expect(await codeOf(verifyToken(await sign(keyA, { iss: 'https://evil.example' }), { issuer }))).toBe('invalid_token');
    expect(await codeOf(verifyToken(await sign(keyA, { payload: { sid: 42 } }), { issuer }))).toBe('invalid_token');
  });

  it('refuses an expired token, and one issued too long ago', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await codeOf(verifyToken(await sign(keyA, { iat: now - 600, exp: now - 300 }), { issuer }))).toBe('expired_token');
    expect(await codeOf(verifyToken(await sign(keyA, { iat: now - 3600, exp: now + 300 }), { issuer }))).toBe('expired_token');
  });

  it('refuses a token signed by a key the broker never published', async () => {
    const stranger = await newKey('key-stranger');
    expect(await codeOf(verifyToken(await sign(stranger), { issuer }))).toBe('invalid_token');
  });

  it('picks up a rotated key it has not seen yet', async () => {
    // No cooldown here: by default a fetch is not repeated for 30 s, and a test should not wait that long.
    const options = { issuer, jwksCooldownSeconds: 0 };
    await verifyToken(await sign(keyA), options); // the key set is cached now
    const b = await newKey('key-b');
    published.unshift(b.jwk);
    await expect(verifyToken(await sign(b), options)).resolves.toMatchObject({ sub: 'usr_1' });
  });

  it('says so when the keys cannot be fetched', async () => {
    expect(await codeOf(verifyToken(await sign(keyA), { issuer: 'http://127.0.0.1:9' }))).toBe('jwks_unavailable');
  });

  it('refuses a request with no token', async () => {
    expect(await codeOf(verifyToken(undefined, { issuer }))).toBe('missing_token');
  });
});

describe('Hono middleware', () => {
  const app = new Hono();
  beforeAll(() => {
    app.use('/api/*', latchkeyAuth({ issuer }));
    app.get('/api/me', (c) => c.json({ sub: c.get('latchkey').sub }));
  });

  it('passes a valid bearer token and exposes its claims', async () => {
    const response = await app.request('/api/me', { headers: { authorization: `Bearer ${await sign(keyA)}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sub: 'usr_1' });
  });

  it('answers 401 problem+json for a bad token', async () => {
    const response = await app.request('/api/me', { headers: { authorization: 'Bearer nonsense' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(await response.json()).toMatchObject({ code: 'unauthenticated', status: 401 });
  });
});

describe('Node helper', () => {
  it('verifies a real HTTP request and refuses one without a token', async () => {
    const app = createServer(async (req, res) => {
      try {
        const verified = await verifyNodeRequest(req, { issuer });
        res.end(JSON.stringify(verified));
      } catch (error) {
        sendUnauthorized(res, error);
      }
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    const port = (app.address() as AddressInfo).port;
    const get = (headers: Record<string, string>) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        httpRequest({ host: '127.0.0.1', port, path: '/', headers }, (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        }).on('error', reject).end();
      });
    try {
      const ok = await get({ authorization: `Bearer ${await sign(keyA)}` });
      expect(ok.status).toBe(200);
      expect(JSON.parse(ok.body).sid).toBe('ses_1');
      expect((await get({})).status).toBe(401);
    } finally {
      await new Promise<void>((resolve) => app.close(() => resolve()));
    }
  });
});
