import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, rowCounts, storageKinds } from '../../test/harness.js';
import { githubProvider, oidcProvider, tripTo, useOAuthBroker } from './oauth.fixtures.js';

describe.each(storageKinds)('social sign-in (%s)', (kind) => {
  const ctx = useOAuthBroker(kind, (idp) => [githubProvider(idp), oidcProvider(idp, { link_by_email: true })]);

  it('lists the social buttons in configured order in a cacheable public configuration without cookies', async () => {
    const answer = await ctx.broker.get('/v1/config');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ sign_in_methods: ['password', 'email-code'], social: [{ id: 'devhub', name: 'DevHub', icon: 'github' }, { id: 'acme', name: 'Acme ID', icon: 'oidc' }] });
    expect(answer.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect(answer.setCookies).toEqual([]);
  });

  it('sends the browser to the IdP with PKCE S256, state and nonce, bound to its lk_flow cookie', async () => {
    const started = await ctx.broker.post('/v1/sign-in/social', { provider: 'acme', resume_url: `${APP_ORIGIN}/sign-in` });
    expect(started.body.step).toBe('sso-redirect');
    expect(started.body.to).toEqual({ kind: 'social', name: 'Acme ID', icon: 'oidc' });
    const url = new URL(started.body.url);
    expect(url.origin + url.pathname).toBe(`${ctx.idp.issuer}/authorize`);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('redirect_uri')).toBe('http://localhost:8787/v1/oauth/callback');
    expect(url.searchParams.get('state')).toMatch(/^[\w-]{40,}$/);
    expect(url.searchParams.get('nonce')).toMatch(/^[\w-]{40,}$/);
    expect(ctx.broker.cookies.has('lk_flow')).toBe(true);
    // Only the hash of state is stored.
    const rows = await ctx.storage.query<{ secret_hash: string }>(`SELECT secret_hash FROM flows WHERE kind = 'oauth'`);
    expect(rows[0]!.secret_hash).not.toBe(url.searchParams.get('state'));
  });

  it('signs a new user in through OIDC: 303 to the resume URL with lk_resume, session cookie set, the flow answered once', async () => {
    const { callback } = await tripTo(ctx, ctx.broker, 'acme', { resume_url: `${APP_ORIGIN}/sign-in?x=1`, return_to: `${APP_ORIGIN}/home` });
    const back = await ctx.broker.get(callback);
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe(`${APP_ORIGIN}/sign-in?x=1&lk_resume=1`);
    expect(back.headers.get('referrer-policy')).toBe('no-referrer');
    expect(back.headers.get('cache-control')).toBe('no-store');
    expect(ctx.broker.cookies.has('lk_session')).toBe(true);
    const flow = await ctx.broker.get('/v1/sign-in/flow');
    expect(flow.status).toBe(200);
    expect(flow.body).toMatchObject({ step: 'done', user: { email: 'ada@example.test', email_verified: true, name: 'Ada' }, return_to: `${APP_ORIGIN}/home` });
    expect((await ctx.broker.get('/v1/sign-in/flow')).body.code).toBe('no_flow');
    const session = await ctx.broker.get('/v1/session');
    expect(session.body.user.email).toBe('ada@example.test');
    const identities = await ctx.storage.query<{ issuer: string; subject: string; provider: string }>(`SELECT issuer, subject, provider FROM identities`);
    expect(identities).toEqual([{ issuer: ctx.idp.issuer, subject: 'idp-user-1', provider: 'acme' }]);
  });

  it('answers the flow only to a trusted caller: a foreign Origin, a top-level navigation or a cross-site request without Origin leave it waiting', async () => {
    await ctx.broker.get((await tripTo(ctx, ctx.broker, 'acme')).callback);
    const refused: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: '', 'sec-fetch-mode': 'navigate', 'sec-fetch-site': 'cross-site' },
      { origin: '', 'sec-fetch-mode': 'no-cors', 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of refused) {
      const answer = await ctx.broker.get('/v1/sign-in/flow', { headers });
      expect([answer.status, answer.body.code]).toEqual([403, 'forbidden_origin']);
    }
    // A same-origin fetch (no Origin, Sec-Fetch-Site same-origin) is the element's own call: still waiting, once.
    expect((await ctx.broker.get('/v1/sign-in/flow', { headers: { origin: '', 'sec-fetch-mode': 'cors', 'sec-fetch-site': 'same-origin' } })).body.step).toBe('done');
    expect((await ctx.broker.get('/v1/sign-in/flow')).body.code).toBe('no_flow');
  });

  it('signs the same identity in again to the same account, even after its email changed at the IdP', async () => {
    await ctx.broker.get((await tripTo(ctx, ctx.broker, 'acme')).callback);
    ctx.idp.state.user = { ...ctx.idp.state.user, email: 'ada.new@example.test' };
    const other = ctx.broker.browser({ ip: '198.51.100.7' });
    await other.get((await tripTo(ctx, other, 'acme')).callback);
    expect((await other.get('/v1/sign-in/flow')).body.user.email).toBe('ada@example.test');
    expect((await rowCounts(ctx.storage)).users).toBe(1);
  });

  it('signs a GitHub-style user in with the primary verified email, and refuses a new account on an unverified one', async () => {
    ctx.idp.state.githubEmails = [
      { email: 'old@example.test', primary: false, verified: true },
      { email: 'cy@devhub.test', primary: true, verified: true },
    ];
    await ctx.broker.get((await tripTo(ctx, ctx.broker, 'devhub')).callback);
    expect((await ctx.broker.get('/v1/sign-in/flow')).body).toMatchObject({ step: 'done', user: { email: 'cy@devhub.test' } });
    const ids = await ctx.storage.query<{ issuer: string }>(`SELECT issuer FROM identities`);
    expect(ids[0]!.issuer).toBe(ctx.idp.issuer);

    ctx.idp.state.githubEmails = undefined;
    ctx.idp.state.user = { sub: '777', email: 'dee@devhub.test', email_verified: false };
    const other = ctx.broker.browser({ ip: '198.51.100.8' });
    await other.get((await tripTo(ctx, other, 'devhub')).callback);
    expect((await other.get('/v1/sign-in/flow')).body).toMatchObject({ step: 'idp-error', reason: 'idp_error', to: { kind: 'social', name: 'DevHub', icon: 'github' } });
    expect((await rowCounts(ctx.storage)).users).toBe(1);
  });

  it('links a verified email to an existing account only for a provider configured to link, and tells the owner', async () => {
    await ctx.broker.signUp('ada@example.test');
    const other = ctx.broker.browser({ ip: '198.51.100.9' });
    await other.get((await tripTo(ctx, other, 'acme')).callback);
    expect((await other.get('/v1/sign-in/flow')).body).toMatchObject({ step: 'done', user: { email: 'ada@example.test' } });
    expect((await ctx.broker.outbox('ada@example.test'))[0]!.subject).toBe('A Acme ID account was connected to your account');

    // DevHub does not link by email: the same address is not_linkable there.
    const third = ctx.broker.browser({ ip: '198.51.100.10' });
    await third.get((await tripTo(ctx, third, 'devhub')).callback);
    expect((await third.get('/v1/sign-in/flow')).body).toMatchObject({ step: 'idp-error', reason: 'not_linkable' });
    expect((await rowCounts(ctx.storage)).users).toBe(1);
  });

  it('answers 404 no_flow to a browser with nothing waiting, and 404 unknown_provider to an unknown provider', async () => {
    expect((await ctx.broker.get('/v1/sign-in/flow')).body.code).toBe('no_flow');
    const unknown = await ctx.broker.post('/v1/sign-in/social', { provider: 'nope' });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'unknown_provider']);
  });
});

describe.each(storageKinds)('connected accounts (%s)', (kind) => {
  const ctx = useOAuthBroker(kind, (idp) => [githubProvider(idp), oidcProvider(idp)]);

  async function connect(provider: string) {
    const started = await ctx.broker.post('/v1/identities/connect', { provider, resume_url: `${APP_ORIGIN}/profile` });
    expect(started.body.step).toBe('sso-redirect');
    const back = await ctx.broker.get(ctx.idp.authorize(started.body.url));
    expect(back.headers.get('location')).toBe(`${APP_ORIGIN}/profile?lk_resume=1`);
    return ctx.broker.get('/v1/sign-in/flow');
  }

  it('connects a provider to the signed-in account (another email), lists it, mails the owner, and disconnects it', async () => {
    await ctx.broker.signUp('owner@example.test');
    ctx.idp.state.user = { sub: 'gh-42', email: 'someone-else@example.test', email_verified: true };
    const flow = await connect('devhub');
    expect(flow.body).toMatchObject({ step: 'done', user: { email: 'owner@example.test' } });
    const list = await ctx.broker.get('/v1/identities');
    expect(list.body.accounts).toHaveLength(1);
    expect(list.body.accounts[0]).toMatchObject({ provider: { id: 'devhub', name: 'DevHub', icon: 'github' }, email: 'someone-else@example.test' });
    expect(list.body.available).toEqual([{ id: 'acme', name: 'Acme ID', icon: 'oidc' }]);
    expect((await ctx.broker.outbox('owner@example.test'))[0]!.subject).toBe('A DevHub account was connected to your account');
    const gone = await ctx.broker.call('DELETE', `/v1/identities/${list.body.accounts[0].id}`);
    expect(gone.status).toBe(204);
    expect((await ctx.broker.get('/v1/identities')).body.accounts).toEqual([]);
  });

  it("refuses to connect an identity that belongs to another account (not_linkable), and another user's identity id is not found", async () => {
    const stranger = ctx.broker.browser({ ip: '198.51.100.20' });
    await stranger.get((await tripTo(ctx, stranger, 'acme')).callback);
    await stranger.get('/v1/sign-in/flow');
    await ctx.broker.signUp('owner@example.test');
    expect((await connect('acme')).body).toMatchObject({ step: 'idp-error', reason: 'not_linkable' });
    const [theirs] = await ctx.storage.query<{ id: string }>(`SELECT id FROM identities`);
    expect((await ctx.broker.call('DELETE', `/v1/identities/${theirs!.id}`)).body.code).toBe('not_found');
    expect((await rowCounts(ctx.storage)).sessions).toBe(2);
  });

  it('refuses to disconnect the last way in (409 last_way_in), and 50 parallel disconnects of two identities leave one', async () => {
    await ctx.broker.get((await tripTo(ctx, ctx.broker, 'acme')).callback);
    const [only] = await ctx.storage.query<{ id: string }>(`SELECT id FROM identities`);
    const refused = await ctx.broker.call('DELETE', `/v1/identities/${only!.id}`);
    expect([refused.status, refused.body.code]).toEqual([409, 'last_way_in']);

    ctx.idp.state.user = { sub: 'gh-9', email: 'ada@example.test', email_verified: true };
    await connect('devhub');
    const ids = (await ctx.storage.query<{ id: string }>(`SELECT id FROM identities ORDER BY id`)).map((r) => r.id);
    expect(ids).toHaveLength(2);
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => ctx.broker.call('DELETE', `/v1/identities/${ids[i % 2]}`)));
    expect(answers.filter((a) => a.status === 204)).toHaveLength(1);
    expect(answers.every((a) => a.status === 204 || a.status === 409 || a.status === 404)).toBe(true);
    expect((await ctx.storage.query(`SELECT id FROM identities`)).length).toBe(1);
  });

  it('needs a session for every identities route', async () => {
    expect((await ctx.broker.get('/v1/identities')).status).toBe(401);
    expect((await ctx.broker.post('/v1/identities/connect', { provider: 'acme' })).status).toBe(401);
  });
});

describe.each(storageKinds)('ways in across kinds (%s)', (kind) => {
  const ctx = useOAuthBroker(kind, (idp) => [oidcProvider(idp)], { signIn: { methods: ['password', 'email-code', 'passkey'] } });

  it('counts a connected identity as a way in when a passkey is deleted, and a passkey when the identity is disconnected', async () => {
    await ctx.broker.get((await tripTo(ctx, ctx.broker, 'acme')).callback);
    const [user] = await ctx.storage.query<{ id: string }>(`SELECT id FROM users`);
    const addPasskey = (id: string) =>
      ctx.storage.query(
        `INSERT INTO passkeys (id, user_id, credential_id, public_key, aaguid, name, device_type, backed_up, created_at) VALUES ($1, $2, $1, '\\x00', 'x', 'Laptop', 'multi-device', true, now())`,
        [id, user!.id],
      );
    // The account's only passkey goes: the identity is still a way in.
    await addPasskey('pk_0');
    expect((await ctx.broker.call('DELETE', '/v1/passkeys/pk_0')).status).toBe(204);
    await addPasskey('pk_1');
    const [identity] = await ctx.storage.query<{ id: string }>(`SELECT id FROM identities`);
    // Both at once: exactly one of the two ways in goes, never both.
    const [passkey, disconnect] = await Promise.all([ctx.broker.call('DELETE', '/v1/passkeys/pk_1'), ctx.broker.call('DELETE', `/v1/identities/${identity!.id}`)]);
    expect([passkey.status, disconnect.status].sort()).toEqual([204, 409]);
    const left = (await ctx.storage.query(`SELECT id FROM passkeys`)).length + (await ctx.storage.query(`SELECT id FROM identities`)).length;
    expect(left).toBe(1);
  });
});
