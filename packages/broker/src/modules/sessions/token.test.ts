import { describe, expect, it } from 'vitest';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { parseBrokerConfig } from '../../config.js';
import { APP_ORIGIN, BROKER_URL, recordStatements as recorded, storageKinds, testBroker, type StorageKind, useTestBroker } from '../../test/harness.js';
import { tokenAudience } from './token.js';


const ADMIN_ORIGIN = 'http://admin.test';
const API_AUDIENCE = 'https://api.app.test';

describe.each(storageKinds)('session token audience on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind);

  /** A broker serving two host apps (and one API), signed in as Ada from the app's page. */
  async function twoApps() {
    const broker = testBroker(t.storage, { allowedOrigins: [APP_ORIGIN, ADMIN_ORIGIN], token: { audiences: [APP_ORIGIN, ADMIN_ORIGIN, API_AUDIENCE] } });
    await broker.signUp('ada@example.com');
    const jwks = createLocalJWKSet((await broker.get('/.well-known/jwks.json')).body);
    const mint = async (path: string, origin = APP_ORIGIN) => broker.post(path, {}, { headers: { origin } });
    const verifyFor = (token: string, audience: string) =>
      jwtVerify(token, jwks, { issuer: BROKER_URL, audience, algorithms: ['ES256'], currentDate: broker.clock.now() });
    return { broker, mint, verifyFor };
  }

  it("gives a token the audience of the page that asked, and another app's backend refuses it", async () => {
    const { mint, verifyFor } = await twoApps();
    const fromApp = (await mint('/v1/session/token')).body.token;
    expect(decodeJwt(fromApp).aud).toBe(APP_ORIGIN);
    await expect(verifyFor(fromApp, APP_ORIGIN)).resolves.toBeTruthy();
    await expect(verifyFor(fromApp, ADMIN_ORIGIN)).rejects.toThrow(/aud/);

    const fromAdmin = (await mint('/v1/session/token', ADMIN_ORIGIN)).body.token;
    expect(decodeJwt(fromAdmin).aud).toBe(ADMIN_ORIGIN);
    await expect(verifyFor(fromAdmin, APP_ORIGIN)).rejects.toThrow(/aud/);
  });

  it('mints for a configured audience named with ?audience=, and for no other', async () => {
    const { mint, verifyFor } = await twoApps();
    const forApi = await mint(`/v1/session/token?audience=${encodeURIComponent(API_AUDIENCE)}`);
    expect(forApi.status).toBe(200);
    expect(decodeJwt(forApi.body.token).aud).toBe(API_AUDIENCE);
    await expect(verifyFor(forApi.body.token, API_AUDIENCE)).resolves.toBeTruthy();

    for (const audience of ['https://evil.test', 'http://app.test/', '', API_AUDIENCE.toUpperCase()]) {
      const refused = await mint(`/v1/session/token?audience=${encodeURIComponent(audience)}`);
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ code: 'invalid_request', errors: [{ path: 'audience' }] });
      expect(refused.body.token).toBeUndefined();
    }
  });

  it('gives the first configured audience when the Origin is none of them', async () => {
    const broker = testBroker(t.storage, { token: { audiences: [API_AUDIENCE, 'https://other-api.app.test'] } });
    await broker.signUp('ada@example.com');
    expect(decodeJwt((await broker.post('/v1/session/token')).body.token).aud).toBe(API_AUDIENCE);
  });

  it('gives every token a jti of its own', async () => {
    await t.broker.signUp('ada@example.com');
    const ids = new Set<unknown>();
    for (let i = 0; i < 5; i++) ids.add(decodeJwt((await t.broker.post('/v1/session/token')).body.token).jti);
    expect(ids.size).toBe(5);
    for (const id of ids) expect(id).toMatch(/^tok_[\w-]{22}$/);
  });
});

describe.each(storageKinds)('the token refresh on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind);

  it('reads the session in one query (no user: a token names it by id) and writes nothing', async () => {
    await t.broker.signUp('ada@example.com');
    const { storage, statements } = recorded(t.storage);
    const broker = testBroker(storage);
    for (const [name, value] of t.broker.cookies) broker.cookies.set(name, value);
    await broker.post('/v1/session/token'); // first mint on this instance loads the key
    statements.length = 0;

    for (let i = 0; i < 20; i++) expect((await broker.post('/v1/session/token')).status).toBe(200);
    expect(statements).toHaveLength(20);
    for (const sql of statements) expect(sql).toMatch(/^SELECT s\.id.*FROM sessions s\s+LEFT JOIN memberships/s);

    statements.length = 0;
    const current = await broker.get('/v1/session');
    expect(current.body.user.email).toBe('ada@example.com');
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/^SELECT s\.id.*FROM sessions s JOIN users u/s);
  });

  it('notes when a session was last seen at most every five minutes', async () => {
    await t.broker.signUp('ada@example.com');
    const { storage, statements } = recorded(t.storage);
    const broker = testBroker(storage);
    for (const [name, value] of t.broker.cookies) broker.cookies.set(name, value);
    const writes = () => statements.filter((sql) => /^\s*(UPDATE|INSERT|DELETE)/i.test(sql) && /sessions/.test(sql));
    await broker.post('/v1/session/token');
    expect(writes()).toEqual([]);
    broker.clock.advance(5 * 60_000 + 1);
    await broker.post('/v1/session/token');
    await broker.post('/v1/session/token');
    expect(writes()).toHaveLength(1);
  });
});

describe('token audiences in the configuration', () => {
  const base = { publicUrl: 'https://auth.example.com' };

  it('default to the allowed origins, else to the broker itself', () => {
    expect(parseBrokerConfig({ ...base, allowedOrigins: ['https://app.example.com', 'https://admin.example.com'] }).token.audiences).toEqual([
      'https://app.example.com',
      'https://admin.example.com',
    ]);
    expect(parseBrokerConfig(base).token.audiences).toEqual(['https://auth.example.com']);
  });

  it('are taken as configured, several allowed, and an empty list is refused', () => {
    expect(parseBrokerConfig({ ...base, token: { audiences: ['https://api.example.com', 'urn:example:billing'] } }).token.audiences).toEqual([
      'https://api.example.com',
      'urn:example:billing',
    ]);
    expect(() => parseBrokerConfig({ ...base, token: { audiences: [] } })).toThrow(/token\.audiences/);
    expect(() => parseBrokerConfig({ ...base, token: { audiences: [''] } })).toThrow(/token\.audiences\.0/);
  });

  it('pick the asked one, else the Origin, else the first', () => {
    const audiences = ['https://a.example', 'https://b.example'];
    expect(tokenAudience(audiences, 'https://b.example', 'https://a.example')).toBe('https://b.example');
    expect(tokenAudience(audiences, undefined, 'https://b.example')).toBe('https://b.example');
    expect(tokenAudience(audiences, undefined, 'https://c.example')).toBe('https://a.example');
    expect(tokenAudience(audiences, undefined, undefined)).toBe('https://a.example');
    expect(() => tokenAudience(audiences, 'https://c.example', 'https://a.example')).toThrow();
  });
});
