import { decodeJwt, generateKeyPair, exportJWK, importJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, adminCall } from '../../test/admin.js';
import { createPostgresStorage } from '../../storage/postgres.js';
import { APP_ORIGIN, rowCounts, storageKinds, testBroker, type TestBroker } from '../../test/harness.js';
import type { FakeIdpUser } from '../../test/fake-idp.js';
import { githubProvider, useOAuthBroker } from './oauth.fixtures.js';

const ANA: FakeIdpUser = { sub: 'ana-1', email: 'ana@acme.test', email_verified: true, name: 'Ana' };
type Browser = Pick<TestBroker, 'post' | 'get' | 'cookies'>;
const SECRET = 'acme-client-secret-0123456789abcdef';

/**
 * Enterprise OIDC end to end on the real broker and a fake IdP: home-realm
 * discovery at identify, the stored connection's credential at the token endpoint,
 * JIT membership, the organization active in the session, the linking rule, the
 * organization-domain rule (A never reaches B) and "SSO required".
 */
describe.each(storageKinds)('enterprise OIDC (%s)', (kind) => {
  const ctx = useOAuthBroker(kind, (idp) => [githubProvider(idp)], { adminToken: ADMIN_TOKEN });
  const admin = (method: string, path: string, json?: unknown) => adminCall(ctx.broker, method, path, json);

  /** An organization with a verified domain and an OIDC connection to the fake IdP. */
  async function org(name: string, domain: string, connection: Record<string, unknown> = {}, domainFlags: Record<string, unknown> = {}) {
    const created = await admin('POST', '/organizations', { name });
    expect(created.status).toBe(201);
    expect((await admin('POST', `/organizations/${created.body.id}/domains`, { domain, ...domainFlags })).status).toBe(201);
    const con = await admin('POST', `/organizations/${created.body.id}/connections`, { type: 'oidc', issuer: ctx.idp.issuer, client_id: ctx.idp.clientId, client_secret: SECRET, ...connection });
    expect(con.status).toBe(201);
    return { id: created.body.id as string, connection: con.body as { id: string; public_jwk?: Record<string, unknown> } };
  }

  /** Types `email` into the identify step and, when it goes to an IdP, lets the fake IdP sign `user` in and visits the callback. */
  async function ssoSignIn(browser: Browser, email: string, user = ANA) {
    const started = await browser.post('/v1/sign-in/identify', { email, resume_url: `${APP_ORIGIN}/sign-in` });
    expect([started.status, started.body.step]).toEqual([200, 'sso-redirect']);
    ctx.idp.state.user = user;
    const back = await browser.get(ctx.idp.authorize(started.body.url));
    expect([back.status, back.headers.get('location')]).toEqual([303, `${APP_ORIGIN}/sign-in?lk_resume=1`]);
    return (await browser.get('/v1/sign-in/flow')).body;
  }
  const claims = async (browser: Browser) => decodeJwt((await browser.post('/v1/session/token')).body.token);
  const members = async (orgId: string) => (await admin('GET', `/organizations/${orgId}/memberships`)).body.data;

  it('sends ana@acme.test straight to Acme’s IdP, the same step for a known and an unknown address', async () => {
    const acme = await org('Acme', 'acme.test');
    await ctx.broker.signUp('someone@acme.test');
    const stranger = ctx.broker.browser();
    for (const email of ['someone@acme.test', 'nobody@acme.test']) {
      const step = (await stranger.post('/v1/sign-in/identify', { email })).body;
      expect(Object.keys(step).sort()).toEqual(['step', 'to', 'url']);
      expect(step).toMatchObject({ step: 'sso-redirect', to: { kind: 'sso', name: 'Acme' } });
      const url = new URL(step.url);
      expect(url.origin + url.pathname).toBe(`${ctx.idp.issuer}/authorize`);
      expect(url.searchParams.get('client_id')).toBe(ctx.idp.clientId);
      expect(url.searchParams.get('scope')).toBe('openid email profile');
      expect(url.searchParams.get('nonce')).toMatch(/^[\w-]{40,}$/);
    }
    // Another domain, and an organization's unverified domain, keep the usual first step.
    expect((await stranger.post('/v1/sign-in/identify', { email: 'ada@example.com' })).body.step).toBe('password');
    await admin('PATCH', `/organizations/${acme.id}/domains/acme.test`, { verified: false });
    expect((await stranger.post('/v1/sign-in/identify', { email: 'nobody@acme.test' })).body.step).toBe('password');
    // A resume_url off the allowlist is refused for every domain.
    for (const email of ['nobody@acme.test', 'ada@example.com']) {
      expect((await stranger.post('/v1/sign-in/identify', { email, resume_url: 'https://evil.example/' })).body.code).toBe('invalid_return_to');
    }
  });

  it('signs a new user in through the connection: JIT account and membership with the default role, Acme active in the token', async () => {
    const acme = await org('Acme', 'acme.test', { default_role: 'engineer' });
    const done = await ssoSignIn(ctx.broker, 'ana@acme.test');
    expect(done).toMatchObject({ step: 'done', user: { email: 'ana@acme.test', email_verified: true }, session: { org_id: acme.id } });
    expect(done.session.factors).toEqual([{ method: 'oidc', at: expect.any(String), connection: acme.connection.id, org: acme.id }]);
    expect(await claims(ctx.broker)).toMatchObject({ org_id: acme.id, org_role: 'engineer', amr: ['fed'] });
    expect(await members(acme.id)).toEqual([expect.objectContaining({ email: 'ana@acme.test', role: 'engineer' })]);
    // The client secret went to the token endpoint, opened from its sealed form (client_secret_basic by default).
    const basic = /^Basic (.+)$/.exec(ctx.idp.state.lastTokenRequest!.authorization ?? '')![1]!;
    expect(Buffer.from(basic, 'base64').toString().split(':').map(decodeURIComponent)).toEqual([ctx.idp.clientId, SECRET]);

    // A role the admin changed is kept by the next sign-in (JIT never demotes or promotes).
    await admin('PUT', `/organizations/${acme.id}/memberships/${done.user.id}`, { role: 'admin' });
    const again = ctx.broker.browser();
    expect((await ssoSignIn(again, 'ana@acme.test')).user.id).toBe(done.user.id);
    expect(await claims(again)).toMatchObject({ org_id: acme.id, org_role: 'admin' });
  });

  it('authenticates with private_key_jwt: a client assertion signed by the stored key, verifiable with the public JWK the admin API gave', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const acme = await org('Acme', 'acme.test', { client_secret: undefined, private_key_jwk: await exportJWK(privateKey) });
    expect(acme.connection.public_jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', kid: expect.any(String) });
    expect(acme.connection.public_jwk).not.toHaveProperty('d');
    expect((await ssoSignIn(ctx.broker, 'ana@acme.test')).step).toBe('done');
    const params = ctx.idp.state.lastTokenRequest!.params;
    expect(params.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    expect(params.has('client_secret')).toBe(false);
    const publicKey = await importJWK(acme.connection.public_jwk!, 'ES256');
    const { payload, protectedHeader } = await jwtVerify(params.get('client_assertion')!, publicKey, { issuer: ctx.idp.clientId, subject: ctx.idp.clientId });
    expect(protectedHeader.kid).toBe(acme.connection.public_jwk!.kid);
    expect(payload.aud).toEqual(expect.stringContaining(ctx.idp.issuer));
  });

  it('links an existing account only with a verified email and a connection that allows linking', async () => {
    const existing = await ctx.broker.signUp('ana@acme.test');
    const acme = await org('Acme', 'acme.test');
    // allow_linking is off by default.
    expect(await ssoSignIn(ctx.broker.browser(), 'ana@acme.test')).toMatchObject({ step: 'idp-error', reason: 'not_linkable', to: { kind: 'sso', name: 'Acme' } });
    await admin('PATCH', `/organizations/${acme.id}/connections/${acme.connection.id}`, { allow_linking: true });
    // The IdP does not assert the address as verified: no link either.
    expect(await ssoSignIn(ctx.broker.browser(), 'ana@acme.test', { ...ANA, email_verified: false })).toMatchObject({ step: 'idp-error', reason: 'not_linkable' });
    expect(await rowCounts(ctx.storage)).toMatchObject({ identities: 0, memberships: 0 });
    const linked = ctx.broker.browser();
    expect(await ssoSignIn(linked, 'ana@acme.test')).toMatchObject({ step: 'done', user: { id: existing.user.id } });
    expect(await claims(linked)).toMatchObject({ sub: existing.user.id, org_id: acme.id, org_role: 'member' });
  });

  it('takes an address the IdP does not mark verified for a new account at the organization’s own verified domain (Entra ID sends no email_verified)', async () => {
    const acme = await org('Acme', 'acme.test');
    const { email_verified: _none, ...unmarked } = ANA;
    expect(await ssoSignIn(ctx.broker, 'ana@acme.test', unmarked)).toMatchObject({ step: 'done', user: { email: 'ana@acme.test' }, session: { org_id: acme.id } });
  });

  it('never lets organization A’s connection reach organization B: B’s domain, an unclaimed domain, no address; a member of B signs in to A', async () => {
    const a = await org('Acme', 'acme.test');
    const b = await org('Globex', 'globex.test', { allow_linking: true });
    const bo = await ctx.broker.signUp('bo@globex.test');
    const before = await rowCounts(ctx.storage);
    // A's IdP asserting B's address: neither a new account nor the existing one, no membership anywhere.
    for (const email of ['bo@globex.test', 'eve@globex.test', 'eve@unclaimed.test', undefined]) {
      expect(await ssoSignIn(ctx.broker.browser(), 'ana@acme.test', { sub: `x-${email}`, email_verified: true, ...(email ? { email } : {}) })).toMatchObject({ step: 'idp-error', reason: 'not_linkable', to: { name: 'Acme' } });
    }
    const { users, sessions, identities, memberships } = before;
    expect(await rowCounts(ctx.storage)).toMatchObject({ users, sessions, identities, memberships });
    // A user who is a member of B and signs in through A's connection is in A, with A's role only.
    await admin('PUT', `/organizations/${b.id}/memberships/${bo.user.id}`, { role: 'admin' });
    await admin('POST', `/organizations/${a.id}/domains`, { domain: 'acme-partners.test' });
    const dual = ctx.broker.browser();
    const done = await ssoSignIn(dual, 'ana@acme.test', { sub: 'dual-1', email: 'dual@acme-partners.test', email_verified: true, name: 'Dual' });
    expect(done.session.org_id).toBe(a.id);
    expect(await claims(dual)).toMatchObject({ org_id: a.id, org_role: 'member' });
    expect((await members(b.id)).map((m: { email: string }) => m.email)).toEqual(['bo@globex.test']);
  });

  it('refuses the callback of a connection disabled or deleted meanwhile: idp-error, no session', async () => {
    const acme = await org('Acme', 'acme.test');
    for (const change of [() => admin('PATCH', `/organizations/${acme.id}/connections/${acme.connection.id}`, { enabled: false }), () => admin('DELETE', `/organizations/${acme.id}/connections/${acme.connection.id}`)]) {
      await admin('PATCH', `/organizations/${acme.id}/connections/${acme.connection.id}`, { enabled: true });
      const browser = ctx.broker.browser();
      const started = await browser.post('/v1/sign-in/identify', { email: 'ana@acme.test' });
      expect(started.body.step).toBe('sso-redirect');
      await change();
      ctx.idp.state.user = ANA;
      await browser.get(ctx.idp.authorize(started.body.url));
      expect((await browser.get('/v1/sign-in/flow')).body).toMatchObject({ step: 'idp-error', reason: 'idp_error' });
      expect(browser.cookies.has('lk_session')).toBe(false);
    }
    expect(await rowCounts(ctx.storage)).toMatchObject({ sessions: 0, users: 0 });
  });

  it('finishes a trip started on one instance on another instance of the same database (no state in memory)', async () => {
    const acme = await org('Acme', 'acme.test');
    // Another broker with its own pool on the same database (on PGlite, one process: the same storage).
    const second = kind === 'postgres'
      ? await createPostgresStorage({ connectionString: process.env.TEST_DATABASE_URL!, schema: (await ctx.storage.query<{ s: string }>('SELECT current_schema() AS s'))[0]!.s, max: 2 })
      : ctx.storage;
    try {
      const other = testBroker(second, { adminToken: ADMIN_TOKEN, clock: ctx.broker.clock });
      const started = await ctx.broker.post('/v1/sign-in/identify', { email: 'ana@acme.test', resume_url: `${APP_ORIGIN}/sign-in` });
      ctx.idp.state.user = ANA;
      // The same browser: its lk_flow cookie goes with it to whichever instance the load balancer picks.
      for (const [name, value] of ctx.broker.cookies) other.cookies.set(name, value);
      const back = await other.get(ctx.idp.authorize(started.body.url));
      expect(back.status).toBe(303);
      expect(other.cookies.has('lk_session')).toBe(true);
      // The result waits in the database for the first instance too, once.
      const flow = await ctx.broker.get('/v1/sign-in/flow');
      expect(flow.body).toMatchObject({ step: 'done', user: { email: 'ana@acme.test' }, session: { org_id: acme.id } });
      expect((await other.get('/v1/sign-in/flow')).body.code).toBe('no_flow');
    } finally {
      if (second !== ctx.storage) await second.close();
    }
  });

  describe('SSO required for acme.test', () => {
    const required = () => org('Acme', 'acme.test', { allow_linking: true }, { sso_required: true });

    it('refuses password, email code, reset and sign-up with 403 sso_required, the same for a known and an unknown address, mailing nothing', async () => {
      await ctx.broker.signUp('ana@acme.test');
      await required();
      const mailBefore = await ctx.broker.outboxCount();
      const stranger = ctx.broker.browser();
      const calls: Array<[string, (email: string) => Record<string, unknown>]> = [
        ['/v1/sign-in/password', (email) => ({ email, password: 'correct horse battery staple' })],
        ['/v1/sign-in/email-code', (email) => ({ email })],
        ['/v1/password-reset', (email) => ({ email })],
        ['/v1/sign-up', (email) => ({ email, password: 'a long and unusual passphrase 77' })],
      ];
      for (const [path, body] of calls) {
        const known = await stranger.post(path, body('ana@acme.test'));
        const unknown = await stranger.post(path, body('nobody@acme.test'));
        expect([known.status, known.body.type]).toEqual([403, 'urn:latchkey:problem:sso_required']);
        expect([unknown.status, unknown.body]).toEqual([known.status, known.body]);
      }
      expect(await ctx.broker.outboxCount()).toBe(mailBefore);
      expect(stranger.cookies.has('lk_session')).toBe(false);
      // The organization's IdP still signs its user in.
      expect((await ssoSignIn(stranger, 'ana@acme.test')).step).toBe('done');
    });

    it('refuses a social sign-in and another organization’s connection for an address of the domain: the page hears sso_required', async () => {
      await required();
      const devhub = ctx.broker.browser();
      const started = await devhub.post('/v1/sign-in/social', { provider: 'devhub', resume_url: `${APP_ORIGIN}/sign-in` });
      ctx.idp.state.user = { sub: 'gh-ana', email: 'ana@acme.test', email_verified: true, name: 'Ana' };
      await devhub.get(ctx.idp.authorize(started.body.url));
      const flow = await devhub.get('/v1/sign-in/flow');
      expect([flow.status, flow.body.type]).toEqual([403, 'urn:latchkey:problem:sso_required']);
      expect(devhub.cookies.has('lk_session')).toBe(false);
      expect(await rowCounts(ctx.storage)).toMatchObject({ users: 0, identities: 0, sessions: 0 });
    });

    it('refuses a password sign-in that was half done when the domain began to require SSO (the engine’s requirement)', async () => {
      await ctx.broker.signUp('ana@acme.test');
      const acme = await org('Acme', 'acme.test');
      // The early refusal sees no requirement yet; the domain requires SSO before the engine decides.
      const seen = ctx.broker.browser();
      let flipped = false;
      const { storage } = ctx;
      const original = storage.transaction.bind(storage);
      storage.transaction = (async (work: Parameters<typeof original>[0]) => {
        if (!flipped) {
          flipped = true;
          await admin('PATCH', `/organizations/${acme.id}/domains/acme.test`, { sso_required: true });
        }
        return original(work);
      }) as typeof storage.transaction;
      const answer = await seen.post('/v1/sign-in/password', { email: 'ana@acme.test', password: 'correct horse battery staple' });
      storage.transaction = original;
      expect([answer.status, answer.body.type]).toEqual([403, 'urn:latchkey:problem:sso_required']);
      expect(seen.cookies.has('lk_session')).toBe(false);
    });
  });
});
