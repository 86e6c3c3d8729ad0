import { generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import type { FakeIdp } from '../../test/fake-idp.js';
import { APP_ORIGIN, rowCounts, storageKinds, type TestBroker } from '../../test/harness.js';
import { githubProvider, oidcProvider, tripTo, useOAuthBroker } from './oauth.fixtures.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Nothing of a refused trip is left: no session, no identity, no user (beyond `users` made by the test). */
async function expectNothingWritten(storage: TestBroker['deps']['storage'], users = 0) {
  const counts = await rowCounts(storage);
  expect(counts.sessions).toBe(0);
  expect(counts.users).toBe(users);
  expect((await storage.query(`SELECT id FROM identities`)).length).toBe(0);
}

/** Runs one trip with the IdP steered by `steer` and answers the stored step. */
async function refusedTrip(ctx: { idp: FakeIdp; broker: TestBroker }, provider = 'acme', steer?: () => void) {
  const { callback } = await tripTo(ctx, ctx.broker, provider);
  steer?.();
  const back = await ctx.broker.get(callback);
  expect(back.status).toBe(303);
  expect(ctx.broker.cookies.has('lk_session')).toBe(false);
  return (await ctx.broker.get('/v1/sign-in/flow')).body;
}

describe.each(storageKinds)('OAuth callback under attack (%s)', (kind) => {
  const ctx = useOAuthBroker(kind, (idp) => [oidcProvider(idp, { link_by_email: true }), githubProvider(idp)], { outbound: { timeoutMs: 2000, maxResponseBytes: 64 * 1024 } });

  it('refuses a state that matches no trip, and a callback without state (400 invalid_state)', async () => {
    const { callback } = await tripTo(ctx, ctx.broker, 'acme');
    const forged = callback.replace(/state=[^&]+/, 'state=forged-state-value');
    for (const path of [forged, callback.replace(/&?state=[^&]+/, ''), '/v1/oauth/callback']) {
      const answer = await ctx.broker.get(path);
      expect([answer.status, answer.body.code, answer.body.type]).toEqual([400, 'invalid_state', 'urn:latchkey:problem:invalid_state']);
    }
    await expectNothingWritten(ctx.storage);
  });

  it('refuses the callback in another browser (no lk_flow, or its own), and the right browser still finishes', async () => {
    const { callback } = await tripTo(ctx, ctx.broker, 'acme');
    expect((await ctx.broker.get(callback, { cookie: null })).body.code).toBe('invalid_state');
    const stranger = ctx.broker.browser({ ip: '198.51.100.66' });
    await stranger.post('/v1/sign-in/social', { provider: 'acme' }); // gets an lk_flow of its own
    expect((await stranger.get(callback)).body.code).toBe('invalid_state');
    await expectNothingWritten(ctx.storage);
    expect((await ctx.broker.get(callback)).status).toBe(303);
    expect((await ctx.broker.get('/v1/sign-in/flow')).body.step).toBe('done');
  });

  it('refuses a replayed callback (the code and state a second time)', async () => {
    const { callback } = await tripTo(ctx, ctx.broker, 'acme');
    expect((await ctx.broker.get(callback)).status).toBe(303);
    const replay = await ctx.broker.get(callback);
    expect([replay.status, replay.body.code]).toEqual([400, 'invalid_state']);
    expect((await rowCounts(ctx.storage)).sessions).toBe(1);
  });

  it('opens exactly one session for 50 parallel callbacks with the same state and code', async () => {
    const { callback } = await tripTo(ctx, ctx.broker, 'acme');
    const answers = await Promise.all(Array.from({ length: 50 }, () => ctx.broker.get(callback)));
    expect(answers.filter((a) => a.status === 303)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 400 && a.body.code === 'invalid_state')).toHaveLength(49);
    const counts = await rowCounts(ctx.storage);
    expect([counts.sessions, counts.users]).toEqual([1, 1]);
  });

  it('turns an IdP error response into idp-error access_denied without calling the token endpoint', async () => {
    const { callback } = await tripTo(ctx, ctx.broker, 'acme');
    const calls = ctx.idp.state.tokenCalls;
    const denied = callback.replace(/code=[^&]+/, 'error=access_denied&error_description=no');
    await ctx.broker.get(denied);
    expect((await ctx.broker.get('/v1/sign-in/flow')).body).toMatchObject({ step: 'idp-error', reason: 'access_denied', to: { kind: 'social', name: 'Acme ID' } });
    expect(ctx.idp.state.tokenCalls).toBe(calls);
    await expectNothingWritten(ctx.storage);
  });

  it('refuses a mix-up: an iss response parameter of another issuer, or none from an issuer that promises it', async () => {
    for (const iss of ['https://evil.example', null]) {
      const { callback } = await tripTo(ctx, ctx.broker, 'acme', {}, iss);
      const calls = ctx.idp.state.tokenCalls;
      await ctx.broker.get(callback);
      expect((await ctx.broker.get('/v1/sign-in/flow')).body).toMatchObject({ step: 'idp-error', reason: 'idp_error' });
      expect(ctx.idp.state.tokenCalls).toBe(calls);
    }
    await expectNothingWritten(ctx.storage);
  });

  const badTokens: Array<[string, (idp: FakeIdp) => void]> = [
    ['a missing nonce', (idp) => void (idp.state.idTokenClaims = { nonce: undefined })],
    ['a wrong nonce', (idp) => void (idp.state.idTokenClaims = { nonce: 'someone-elses-nonce' })],
    ['another issuer in the ID token', (idp) => void (idp.state.idTokenClaims = { iss: 'https://evil.example' })],
    ['a wrong audience', (idp) => void (idp.state.idTokenClaims = { aud: 'another-client' })],
    ['several audiences and no azp', (idp) => void (idp.state.idTokenClaims = { aud: [idp.clientId, 'another-client'] })],
    ['several audiences and a wrong azp', (idp) => void (idp.state.idTokenClaims = { aud: [idp.clientId, 'another-client'], azp: 'another-client' })],
    ['an expired token', (idp) => void (idp.state.idTokenClaims = (c) => ({ ...c, iat: (c.iat as number) - 3600, exp: (c.iat as number) - 600 }))],
    [
      'a signature by another key (same kid)',
      (idp) =>
        void (idp.state.sign = async (claims) => {
          const other = await generateKeyPair('ES256');
          return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(other.privateKey);
        }),
    ],
    ['alg none', (idp) => void (idp.state.sign = async (claims) => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`)],
    [
      'HS256 keyed with the public key',
      (idp) =>
        void ((idp.state.discovery = { id_token_signing_alg_values_supported: ['ES256', 'HS256'] }),
        (idp.state.sign = async (claims) =>
          new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).sign(new TextEncoder().encode(JSON.stringify(idp.publicJwk))))),
    ],
  ];
  for (const [what, steer] of badTokens) {
    it(`refuses an ID token with ${what}`, async () => {
      const step = await refusedTrip(ctx, 'acme', () => steer(ctx.idp));
      expect(step).toMatchObject({ step: 'idp-error', reason: 'idp_error' });
      await expectNothingWritten(ctx.storage);
    });
  }

  it('answers idp_unreachable within the timeout when the IdP is slow, and when it answers more than the cap', async () => {
    const { callback } = await tripTo(ctx, ctx.broker, 'acme');
    ctx.idp.state.delayMs = 6000;
    const started = performance.now();
    await ctx.broker.get(callback);
    expect(performance.now() - started).toBeLessThan(2000 + 1500);
    expect((await ctx.broker.get('/v1/sign-in/flow')).body).toMatchObject({ step: 'idp-error', reason: 'idp_unreachable' });
    ctx.idp.state.delayMs = 0;

    const step = await refusedTrip(ctx, 'acme', () => void (ctx.idp.state.oversizedToken = 200 * 1024));
    expect(step).toMatchObject({ step: 'idp-error', reason: 'idp_unreachable' });
    await expectNothingWritten(ctx.storage);
  });

  it('refuses to link an unverified email to an existing account (not_linkable)', async () => {
    await ctx.broker.signUp('ada@example.test');
    const other = ctx.broker.browser({ ip: '198.51.100.70' });
    ctx.idp.state.user = { sub: 'x-1', email: 'ada@example.test', email_verified: false };
    await other.get((await tripTo(ctx, other, 'acme')).callback);
    expect((await other.get('/v1/sign-in/flow')).body).toMatchObject({ step: 'idp-error', reason: 'not_linkable' });
    const counts = await rowCounts(ctx.storage);
    expect([counts.users, counts.sessions]).toEqual([1, 1]); // the owner's own sign-up session only
    expect((await ctx.storage.query(`SELECT id FROM identities`)).length).toBe(0);
  });

  it('never takes a Kelvin sign (U+212A) for k: no link to kelvin@, no account, no session', async () => {
    await ctx.broker.signUp('kelvin@example.test');
    const other = ctx.broker.browser({ ip: '198.51.100.71' });
    ctx.idp.state.user = { sub: 'x-2', email: '\u212Aelvin@example.test', email_verified: true };
    await other.get((await tripTo(ctx, other, 'acme')).callback);
    expect((await other.get('/v1/sign-in/flow')).body).toMatchObject({ step: 'idp-error' });
    expect(other.cookies.has('lk_session')).toBe(false);
    const counts = await rowCounts(ctx.storage);
    expect([counts.users, counts.sessions]).toEqual([1, 1]);
    expect((await ctx.storage.query(`SELECT id FROM identities`)).length).toBe(0);
    // Typed at identify, the same address is refused, not folded into kelvin@.
    expect((await other.post('/v1/sign-in/identify', { email: '\u212Aelvin@example.test' })).status).toBe(400);
  });

  it('refuses a resume_url or return_to off the allowlist at the start, opening no trip', async () => {
    for (const body of [{ resume_url: 'https://evil.example/back' }, { return_to: 'https://evil.example/next' }, { resume_url: 'javascript:alert(1)' }]) {
      const answer = await ctx.broker.post('/v1/sign-in/social', { provider: 'acme', ...body });
      expect([answer.status, answer.body.code]).toEqual([400, 'invalid_return_to']);
    }
    expect((await rowCounts(ctx.storage)).flows).toBe(0);
  });

  it('refuses a start from a foreign Origin, and counts callbacks per address', async () => {
    const foreign = await ctx.broker.post('/v1/sign-in/social', { provider: 'acme' }, { headers: { origin: 'https://evil.example' } });
    expect(foreign.body.code).toBe('forbidden_origin');
    expect((await ctx.storage.query(`SELECT id FROM flows`)).length).toBe(0);
    expect(APP_ORIGIN).toBeTruthy();
  });
});

describe.each(storageKinds)('an unreachable IdP (%s)', (kind) => {
  const ctx = useOAuthBroker(kind, () => [{ id: 'gone', preset: 'oidc', issuer: 'http://127.0.0.1:9', client_id: 'c', client_secret: 's' }], { outbound: { timeoutMs: 400 } });

  it('answers the idp-error step idp_unreachable at the start, opening no trip', async () => {
    const answer = await ctx.broker.post('/v1/sign-in/social', { provider: 'gone' });
    expect(answer.body).toMatchObject({ step: 'idp-error', reason: 'idp_unreachable', to: { kind: 'social', name: 'OpenID' } });
    expect((await rowCounts(ctx.storage)).flows).toBe(0);
  });
});

describe.each(storageKinds)('the callback budget (%s)', (kind) => {
  const ctx = useOAuthBroker(kind, (idp) => [oidcProvider(idp)], { rateLimits: { perIp: { limit: 3, windowSeconds: 60 } } });

  it('counts GET callbacks per address: the fourth in a window is 429', async () => {
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await ctx.broker.get('/v1/oauth/callback?state=x')).status);
    expect(answers).toEqual([400, 400, 400, 429]);
  });
});

describe.each(storageKinds)("Microsoft's multi-tenant issuer (%s)", (kind) => {
  const TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
  const MS = 'https://login.microsoftonline.com';
  // The broker's injected fetch carries Microsoft's https URLs to the fake IdP on loopback.
  const toFake: typeof fetch = (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    return globalThis.fetch(url.replace(`${MS}/common/v2.0`, ctx.idp.issuer).replace(`${MS}/fake`, ctx.idp.issuer), init);
  };
  const ctx = useOAuthBroker(kind, (idp) => [{ id: 'microsoft', preset: 'microsoft', client_id: idp.clientId, client_secret: 's' }], { fetch: toFake });
  const steer = (iss: string, tid: string) => {
    ctx.idp.state.discovery = {
      issuer: `${MS}/{tenantid}/v2.0`,
      token_endpoint: `${MS}/fake/token`,
      userinfo_endpoint: `${MS}/fake/userinfo`,
      jwks_uri: `${MS}/fake/jwks`,
      authorization_response_iss_parameter_supported: false,
    };
    ctx.idp.state.idTokenClaims = { iss, tid };
  };

  it("takes an ID token whose iss is the template filled with its own tid, and signs in", async () => {
    steer(`${MS}/${TENANT}/v2.0`, TENANT);
    ctx.idp.state.user = { sub: 'ms-1', email: 'ana@contoso.test', email_verified: true };
    await ctx.broker.get((await tripTo(ctx, ctx.broker, 'microsoft', {}, null)).callback);
    expect((await ctx.broker.get('/v1/sign-in/flow')).body).toMatchObject({ step: 'done', user: { email: 'ana@contoso.test' } });
    const [identity] = await ctx.storage.query<{ issuer: string }>(`SELECT issuer FROM identities`);
    expect(identity!.issuer).toBe(`${MS}/${TENANT}/v2.0`);
  });

  it('refuses an ID token whose iss names another tenant than its tid', async () => {
    steer(`${MS}/00000000-0000-0000-0000-000000000001/v2.0`, TENANT);
    await ctx.broker.get((await tripTo(ctx, ctx.broker, 'microsoft', {}, null)).callback);
    expect((await ctx.broker.get('/v1/sign-in/flow')).body).toMatchObject({ step: 'idp-error', reason: 'idp_error' });
    await expectNothingWritten(ctx.storage);
  });
});
