import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createVerifier, TokenError, tokenFromRequest, verifyToken, type TokenErrorCode, type VerifyOptions } from './index.js';
import { AUDIENCE, b64json, newKey, nowSeconds, startFakeBroker, type FakeBroker } from './testing/fake-broker.js';

let broker: FakeBroker;
beforeEach(async () => {
  broker = await startFakeBroker();
});
afterEach(async () => {
  vi.useRealTimers();
  await broker.close();
});

/** The code `verifyToken` refuses a token with, or 'verified'. */
async function outcome(token: string | undefined, options: Partial<Parameters<typeof verifyToken>[1]> = {}): Promise<TokenErrorCode | 'verified'> {
  try {
    await verifyToken(token, { issuer: broker.issuer, audience: AUDIENCE, ...options });
    return 'verified';
  } catch (error) {
    expect(error).toBeInstanceOf(TokenError);
    expect((error as TokenError).name).toBe('TokenError');
    return (error as TokenError).code;
  }
}

describe('a host backend verifying session tokens', () => {
  it('accepts a token the broker signed and gets its claims', async () => {
    const token = await broker.sign();
    const iat = nowSeconds();
    await expect(verifyToken(token, { issuer: broker.issuer, audience: AUDIENCE })).resolves.toEqual({
      iss: broker.issuer,
      aud: AUDIENCE,
      sub: 'usr_ada',
      sid: 'ses_1',
      jti: expect.stringMatching(/^tok_/),
      iat: expect.closeTo(iat, 1),
      exp: expect.closeTo(iat + 300, 1),
      amr: ['pwd'],
      aal: 1,
      org_id: null,
      org_role: null,
      org_permissions: [],
    });
  });

  it("exposes the token's organization permissions, and reads a token without any (an older broker) as none", async () => {
    const inAcme = await broker.sign({ claims: { org_id: 'org_acme', org_role: 'billing', org_permissions: ['org:read', 'invoices:read'] } });
    await expect(verifyToken(inAcme, { issuer: broker.issuer, audience: AUDIENCE })).resolves.toMatchObject({ org_id: 'org_acme', org_role: 'billing', org_permissions: ['org:read', 'invoices:read'] });
    const older = await broker.sign({ claims: { org_id: 'org_acme', org_role: 'admin', org_permissions: undefined } });
    await expect(verifyToken(older, { issuer: broker.issuer, audience: AUDIENCE })).resolves.toMatchObject({ org_id: 'org_acme', org_role: 'admin', org_permissions: [] });
  });

  it('says aal 1 for a token without one (a broker from before it), and refuses an aal it does not know', async () => {
    const older = await broker.sign({ claims: { aal: undefined } });
    await expect(verifyToken(older, { issuer: broker.issuer, audience: AUDIENCE })).resolves.toMatchObject({ aal: 1 });
    const passkey = await broker.sign({ claims: { aal: 2, amr: ['hwk', 'user'] } });
    await expect(verifyToken(passkey, { issuer: broker.issuer, audience: AUDIENCE })).resolves.toMatchObject({ aal: 2 });
    for (const aal of [3, '2', null]) {
      await expect(verifyToken(await broker.sign({ claims: { aal } }), { issuer: broker.issuer, audience: AUDIENCE })).rejects.toMatchObject({ code: 'invalid_token' });
    }
  });

  it('accepts the issuer written with a trailing slash', async () => {
    expect(await outcome(await broker.sign(), { issuer: `${broker.issuer}/` })).toBe('verified');
  });

  it('fetches the broker keys once, not on every request', async () => {
    for (let i = 0; i < 5; i++) expect(await outcome(await broker.sign())).toBe('verified');
    expect(broker.jwksFetches).toBe(1);
  });

  it('reads the keys from another jwksUrl when told to', async () => {
    const elsewhere = await startFakeBroker();
    try {
      const token = await elsewhere.sign({ claims: { iss: broker.issuer } });
      expect(await outcome(token, { jwksUrl: `${elsewhere.issuer}/.well-known/jwks.json` })).toBe('verified');
      expect(broker.jwksFetches).toBe(0);
    } finally {
      await elsewhere.close();
    }
  });

  it('says missing_token when the request carried none', async () => {
    expect(await outcome(undefined)).toBe('missing_token');
    expect(await outcome('')).toBe('missing_token');
  });
});

describe('an attacker presenting a forged or altered token', () => {
  it('is refused after changing the payload (say, to another user)', async () => {
    const [header, , signature] = (await broker.sign()).split('.');
    const forged = b64json({ iss: broker.issuer, aud: AUDIENCE, sub: 'usr_admin', sid: 'ses_1', jti: 'tok_x', iat: nowSeconds(), exp: nowSeconds() + 300, amr: ['pwd'], org_id: null, org_role: null });
    expect(await outcome(`${header}.${forged}.${signature}`)).toBe('invalid_token');
  });

  it('is refused after altering the signature', async () => {
    const [header, payload, signature] = (await broker.sign()).split('.');
    const bytes = Buffer.from(signature!, 'base64url');
    bytes[10]! ^= 0x01;
    expect(await outcome(`${header}.${payload}.${bytes.toString('base64url')}`)).toBe('invalid_token');
  });

  it('is refused with an unsigned token (alg none)', async () => {
    const header = b64json({ alg: 'none', kid: broker.key.kid, typ: 'lk-session+jwt' });
    const payload = b64json({ iss: broker.issuer, sub: 'usr_admin', sid: 'ses_1', iat: nowSeconds(), exp: nowSeconds() + 300, amr: ['pwd'], org_id: null, org_role: null });
    expect(await outcome(`${header}.${payload}.`)).toBe('invalid_token');
    expect(broker.jwksFetches).toBe(0);
  });

  it('is refused with HS256 keyed by the broker public key (algorithm confusion)', async () => {
    const secrets = [await exportSPKI(broker.key.publicKey), JSON.stringify(broker.key.jwk), JSON.stringify(await exportJWK(broker.key.publicKey))];
    for (const secret of secrets) {
      const token = await new SignJWT({ iss: broker.issuer, sub: 'usr_admin', sid: 'ses_1', amr: ['pwd'], org_id: null, org_role: null })
        .setProtectedHeader({ alg: 'HS256', kid: broker.key.kid, typ: 'lk-session+jwt' })
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(secret));
      expect(await outcome(token)).toBe('invalid_token');
    }
  });

  it('is refused with an RS256 token, even one whose key the JWKS lists', async () => {
    const rsa = await generateKeyPair('RS256', { extractable: true });
    broker.published.push({ ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' });
    const token = await broker.sign({ key: { kid: 'rsa-1', privateKey: rsa.privateKey, publicKey: rsa.publicKey, jwk: {} }, header: { alg: 'RS256' } });
    expect(await outcome(token)).toBe('invalid_token');
  });

  it('is refused with another kind of JWT signed by the same key (an ID token, or no typ)', async () => {
    expect(await outcome(await broker.sign({ header: { typ: 'JWT' } }))).toBe('invalid_token');
    expect(await outcome(await broker.sign({ header: { typ: undefined } }))).toBe('invalid_token');
  });

  it('is refused with a token from another issuer', async () => {
    expect(await outcome(await broker.sign({ claims: { iss: 'https://evil.example' } }))).toBe('invalid_token');
    expect(await outcome(await broker.sign({ claims: { iss: undefined } }))).toBe('invalid_token');
  });

  it('is refused with a token signed by a key the broker never published', async () => {
    const stranger = await newKey('key-stranger');
    expect(await outcome(await broker.sign({ key: stranger }))).toBe('invalid_token');
  });

  it("is refused with its own key passed off under the broker's kid", async () => {
    const impostor = { ...(await newKey('ignored')), kid: broker.key.kid };
    expect(await outcome(await broker.sign({ key: impostor }))).toBe('invalid_token');
  });

  it('is refused with a token that names no key', async () => {
    expect(await outcome(await broker.sign({ header: { kid: undefined } }))).toBe('invalid_token');
  });

  it('is refused with a token the same broker minted for another app', async () => {
    expect(await outcome(await broker.sign({ claims: { aud: 'https://admin.example.com' } }))).toBe('invalid_token');
    expect(await outcome(await broker.sign(), { audience: 'https://admin.example.com' })).toBe('invalid_token');
  });

  it('is refused with a token that names no audience, or several at once', async () => {
    expect(await outcome(await broker.sign({ claims: { aud: undefined } }))).toBe('invalid_token');
    expect(await outcome(await broker.sign({ claims: { aud: '' } }))).toBe('invalid_token');
    expect(await outcome(await broker.sign({ claims: { aud: [AUDIENCE, 'https://admin.example.com'] } }))).toBe('invalid_token');
  });

  it.each([
    ['no sub', { sub: undefined }],
    ['an empty sub', { sub: '' }],
    ['no sid', { sid: undefined }],
    ['a numeric sid', { sid: 42 }],
    ['amr as a string', { amr: 'pwd' }],
    ['amr holding a number', { amr: ['pwd', 1] }],
    ['an org_id that is not a string', { org_id: 7 }],
    ['no org_role', { org_role: undefined }],
    ['org_permissions as a string', { org_id: 'org_acme', org_permissions: 'members:manage' }],
    ['org_permissions holding a number', { org_id: 'org_acme', org_permissions: ['org:read', 7] }],
    ['org_permissions as an object', { org_id: 'org_acme', org_permissions: { 'org:delete': true } }],
    ['org_permissions without an organization', { org_id: null, org_permissions: ['org:delete'] }],
    ['no exp', { exp: undefined }],
    ['no iat', { iat: undefined }],
    ['no jti', { jti: undefined }],
    ['an empty jti', { jti: '' }],
  ])('is refused with a token that has %s', async (_what, claims) => {
    expect(await outcome(await broker.sign({ claims }))).toBe('invalid_token');
  });

  it('is refused with a token that claims to live longer than 5 minutes', async () => {
    expect(await outcome(await broker.sign({ claims: { exp: nowSeconds() + 3600 } }))).toBe('invalid_token');
  });

  it('is refused with a token issued in the future', async () => {
    expect(await outcome(await broker.sign({ claims: { iat: nowSeconds() + 120, exp: nowSeconds() + 300 } }))).toBe('invalid_token');
  });

  it('is refused with strings that are not JWTs at all, without fetching any key', async () => {
    for (const junk of ['nonsense', 'a.b.c', 'e30.e30.', '...']) expect(await outcome(junk)).toBe('invalid_token');
    expect(broker.jwksFetches).toBe(0);
  });
});

describe('a host app naming its audience', () => {
  it('accepts a token for any of the audiences it names', async () => {
    const forAdmin = await broker.sign({ claims: { aud: 'https://admin.example.com' } });
    expect(await outcome(forAdmin, { audience: [AUDIENCE, 'https://admin.example.com'] })).toBe('verified');
  });

  it('cannot be set up without an audience: a TypeError, not a refused user', async () => {
    const token = await broker.sign();
    for (const audience of [undefined, '', [], [''], [AUDIENCE, 7]]) {
      const options = { issuer: broker.issuer, audience } as unknown as VerifyOptions;
      await expect(verifyToken(token, options)).rejects.toThrow(TypeError);
      expect(() => createVerifier(options)).toThrow(/audience/);
    }
    expect(broker.jwksFetches).toBe(0);
  });
});

describe('createVerifier', () => {
  it('verifies with a key cache of its own, fetched once', async () => {
    const verifier = createVerifier({ issuer: broker.issuer, audience: AUDIENCE });
    for (let i = 0; i < 3; i++) await expect(verifier.verify(await broker.sign())).resolves.toMatchObject({ sub: 'usr_ada', aud: AUDIENCE });
    expect(broker.jwksFetches).toBe(1);
    const another = createVerifier({ issuer: broker.issuer, audience: AUDIENCE });
    await another.verify(await broker.sign());
    expect(broker.jwksFetches).toBe(2);
  });

  it('refuses what verifyToken refuses, with the same codes', async () => {
    const verifier = createVerifier({ issuer: broker.issuer, audience: AUDIENCE });
    await expect(verifier.verify(undefined)).rejects.toMatchObject({ code: 'missing_token' });
    await expect(verifier.verify(await broker.sign({ claims: { aud: 'https://admin.example.com' } }))).rejects.toMatchObject({ code: 'invalid_token' });
    const iat = nowSeconds() - 400;
    await expect(verifier.verify(await broker.sign({ claims: { iat, exp: iat + 300 } }))).rejects.toMatchObject({ code: 'expired_token' });
  });

  it('throws at once for a jwksUrl that is not a URL, or a key-set max age that is not a number of seconds', () => {
    expect(() => createVerifier({ issuer: broker.issuer, audience: AUDIENCE, jwksUrl: 'jwks.json' })).toThrow(TypeError);
    for (const jwksMaxAgeSeconds of [-1, Number.NaN, Infinity]) {
      expect(() => createVerifier({ issuer: broker.issuer, audience: AUDIENCE, jwksMaxAgeSeconds })).toThrow(/jwksMaxAgeSeconds/);
    }
  });
});

describe('a token that is too old', () => {
  it('is refused as expired_token once exp has passed', async () => {
    const iat = nowSeconds() - 400;
    expect(await outcome(await broker.sign({ claims: { iat, exp: iat + 300 } }))).toBe('expired_token');
  });

  it('is still accepted a few seconds past exp, within the clock tolerance', async () => {
    const iat = nowSeconds() - 303;
    const token = await broker.sign({ claims: { iat, exp: iat + 300 } });
    expect(await outcome(token)).toBe('verified');
    expect(await outcome(token, { clockToleranceSeconds: 0 })).toBe('expired_token');
  });

  it('is refused when issued longer ago than maxTokenAgeSeconds, whatever exp says', async () => {
    const iat = nowSeconds() - 120;
    const token = await broker.sign({ claims: { iat, exp: iat + 300 } });
    expect(await outcome(token)).toBe('verified');
    expect(await outcome(token, { maxTokenAgeSeconds: 60 })).toBe('expired_token');
  });
});

describe('broker key rotation and outages', () => {
  it('picks up a key the broker rotated to, without a restart', async () => {
    vi.useFakeTimers({ toFake: ['Date'] }); // only the clock: sockets and jose's fetch timeout stay real
    expect(await outcome(await broker.sign())).toBe('verified'); // the key set is cached now
    const next = await newKey('key-2');
    broker.published.unshift(next.jwk);
    // jose waits out a 30 s cooldown between fetches, so a flood of unknown kids cannot hammer the broker.
    vi.setSystemTime(Date.now() + 31_000);
    expect(await outcome(await broker.sign({ key: next }))).toBe('verified');
    expect(await outcome(await broker.sign())).toBe('verified'); // the old key still verifies until withdrawn
    expect(broker.jwksFetches).toBe(2);
  });

  it('accepts at once a token signed by a key published after the key set was cached (rotate-keys --now)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] }); // the clock stands still: nothing here waits for a cooldown
    const verifier = createVerifier({ issuer: broker.issuer, audience: AUDIENCE });
    await expect(verifier.verify(await broker.sign())).resolves.toMatchObject({ sub: 'usr_ada' });
    const next = await newKey('key-2');
    broker.published.splice(0, broker.published.length, next.jwk); // the new key signs at once, the old one leaves
    await expect(verifier.verify(await broker.sign({ key: next }))).resolves.toMatchObject({ sub: 'usr_ada' });
    expect(await outcome(await broker.sign())).toBe('invalid_token'); // verifyToken's own set, fetched now
    expect(broker.jwksFetches).toBe(3);
  });

  it('fetches the keys at most once a second however many unknown kids an attacker sends, in parallel or not', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const forged = await Promise.all(Array.from({ length: 60 }, async (_, i) => broker.sign({ key: await newKey(`random-${i}`) })));
    expect(await outcome(await broker.sign())).toBe('verified');
    expect(broker.jwksFetches).toBe(1);
    // 50 at once share one refetch; the rest, right after it, are refused without fetching.
    expect(await Promise.all(forged.slice(0, 50).map((token) => outcome(token)))).toEqual(Array(50).fill('invalid_token'));
    for (const token of forged.slice(50, 55)) expect(await outcome(token)).toBe('invalid_token');
    expect(broker.jwksFetches).toBe(2);
    vi.setSystemTime(Date.now() + 999);
    expect(await outcome(forged[55])).toBe('invalid_token');
    expect(broker.jwksFetches).toBe(2);
    vi.setSystemTime(Date.now() + 1);
    for (const token of forged.slice(56)) expect(await outcome(token)).toBe('invalid_token');
    expect(broker.jwksFetches).toBe(3);
  });

  it('keeps accepting a key the broker withdrew until the cached set is 10 minutes old, or jwksMaxAgeSeconds', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const verifier = createVerifier({ issuer: broker.issuer, audience: AUDIENCE });
    const quick = createVerifier({ issuer: broker.issuer, audience: AUDIENCE, jwksMaxAgeSeconds: 60 });
    for (const v of [verifier, quick]) await v.verify(await broker.sign());
    const next = await newKey('key-2');
    broker.published.splice(0, broker.published.length, next.jwk); // key-1 leaked and withdrawn
    const started = Date.now();
    vi.setSystemTime(started + 59_000);
    for (const v of [verifier, quick]) await expect(v.verify(await broker.sign())).resolves.toMatchObject({ sub: 'usr_ada' });
    vi.setSystemTime(started + 60_000);
    await expect(quick.verify(await broker.sign())).rejects.toMatchObject({ code: 'invalid_token' });
    await expect(verifier.verify(await broker.sign())).resolves.toMatchObject({ sub: 'usr_ada' });
    vi.setSystemTime(started + 599_000);
    await expect(verifier.verify(await broker.sign())).resolves.toMatchObject({ sub: 'usr_ada' });
    vi.setSystemTime(started + 600_000);
    await expect(verifier.verify(await broker.sign())).rejects.toMatchObject({ code: 'invalid_token' });
    await expect(verifier.verify(await broker.sign({ key: next }))).resolves.toMatchObject({ sub: 'usr_ada' });
  });

  it('stops accepting a key the broker withdrew once the cached key set ages out', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    expect(await outcome(await broker.sign())).toBe('verified');
    const next = await newKey('key-2');
    broker.published.splice(0, broker.published.length, next.jwk); // key-1 compromised and removed
    vi.setSystemTime(Date.now() + 11 * 60_000);
    expect(await outcome(await broker.sign())).toBe('invalid_token');
    expect(await outcome(await broker.sign({ key: next }))).toBe('verified');
  });

  it('keeps verifying with the cached keys while the broker is down', async () => {
    expect(await outcome(await broker.sign())).toBe('verified');
    broker.answerJwksWith('server-error');
    expect(await outcome(await broker.sign())).toBe('verified');
  });

  it.each([
    ['answers 500', 'server-error'],
    ['answers a page that is not JSON', 'not-json'],
    ['answers JSON that is not a key set', 'not-a-key-set'],
  ] as const)('says jwks_unavailable, not invalid_token, when the JWKS endpoint %s', async (_what, answer) => {
    broker.answerJwksWith(answer);
    expect(await outcome(await broker.sign())).toBe('jwks_unavailable');
  });

  it('says jwks_unavailable when nothing listens at the JWKS URL', async () => {
    const token = await broker.sign();
    await broker.close();
    const error = await verifyToken(token, { issuer: broker.issuer, audience: AUDIENCE }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenError);
    expect(error).toMatchObject({ code: 'jwks_unavailable' });
    expect((error as TokenError).cause).toBeDefined();
    broker = await startFakeBroker(); // for afterEach
  });

  it('throws the configuration mistake itself for a jwksUrl that is not a URL', async () => {
    const error = await verifyToken(await broker.sign(), { issuer: broker.issuer, audience: AUDIENCE, jwksUrl: 'jwks.json' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(error).not.toBeInstanceOf(TokenError);
  });
});

describe('tokenFromRequest', () => {
  const fetchRequest = (headers: Record<string, string>) => new Request('https://api.example.com/me', { headers });

  it('reads a bearer token whatever the case of the scheme', () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) expect(tokenFromRequest(fetchRequest({ authorization: `${scheme} abc.def.ghi` }))).toBe('abc.def.ghi');
  });

  it('reads Node request headers as well as Fetch ones', () => {
    expect(tokenFromRequest({ headers: { authorization: 'Bearer abc.def.ghi' } })).toBe('abc.def.ghi');
    expect(tokenFromRequest({ headers: { cookie: 'theme=dark; lk_token=abc.def.ghi' } }, { cookieName: 'lk_token' })).toBe('abc.def.ghi');
  });

  it('finds nothing in other schemes, empty bearers or a header with spaces in the token', () => {
    for (const authorization of ['Basic YWRhOnB3', 'Bearer', 'Bearer ', 'Bearerabc.def.ghi', 'Bearer abc def']) {
      expect(tokenFromRequest(fetchRequest({ authorization }))).toBeUndefined();
    }
  });

  it('reads the named cookie only when asked to, and prefers the Authorization header', () => {
    const both = fetchRequest({ authorization: 'Bearer from.header.x', cookie: 'lk_token=from.cookie.x' });
    expect(tokenFromRequest(both, { cookieName: 'lk_token' })).toBe('from.header.x');
    const cookieOnly = fetchRequest({ cookie: 'other=1; lk_token=from%2Ecookie.x' });
    expect(tokenFromRequest(cookieOnly)).toBeUndefined();
    expect(tokenFromRequest(cookieOnly, { cookieName: 'lk_token' })).toBe('from.cookie.x');
    expect(tokenFromRequest(cookieOnly, { cookieName: 'lk' })).toBeUndefined();
  });

  it('finds nothing in a cookie with a broken %-escape, or in repeated Authorization headers', () => {
    expect(tokenFromRequest(fetchRequest({ cookie: 'lk_token=%E0%A4%A' }), { cookieName: 'lk_token' })).toBeUndefined();
    expect(tokenFromRequest({ headers: { authorization: ['Bearer a.b.c', 'Bearer d.e.f'] } })).toBeUndefined();
  });
});
