import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { startDevIdp, type DevIdp } from './index.js';
import { OIDC_CLIENT_ID, OIDC_CLIENT_SECRET } from './config.js';
import { TestBrowser } from './test-browser.js';

const redirectUri = 'http://localhost:8787/v1/oauth/callback';
const pkjClientId = 'latchkey-pkj';
let idp: DevIdp;
let pkjKey: CryptoKey;

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  pkjKey = privateKey;
  idp = await startDevIdp({
    port: 0,
    oidcClients: [
      {
        client_id: pkjClientId,
        redirect_uris: [redirectUri],
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES256',
        jwks: { keys: [{ ...(await exportJWK(publicKey)), alg: 'ES256', use: 'sig', kid: 'rp-1' }] },
      },
    ],
  });
});
afterAll(() => idp.close());

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

async function discovery() {
  return (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as Record<string, any>;
}

function authorizeUrl(params: Record<string, string>) {
  return `${idp.issuer}/auth?${new URLSearchParams({ response_type: 'code', client_id: OIDC_CLIENT_ID, redirect_uri: redirectUri, scope: 'openid email profile groups', ...params })}`;
}

/** GET authorize, then the sign-in page: what a browser sees before typing. */
async function openSignIn(params: Record<string, string>) {
  const browser = new TestBrowser(idp.url);
  const { response } = await browser.navigate(authorizeUrl(params));
  expect(response.status).toBe(200);
  return { browser, html: await response.text() };
}

async function exchange(code: string, verifier: string, auth: 'basic' | 'post') {
  const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (auth === 'basic') headers.authorization = `Basic ${Buffer.from(`${OIDC_CLIENT_ID}:${OIDC_CLIENT_SECRET}`).toString('base64')}`;
  else body.set('client_id', OIDC_CLIENT_ID), body.set('client_secret', OIDC_CLIENT_SECRET);
  return fetch(`${idp.issuer}/token`, { method: 'POST', headers, body });
}

describe('OpenID Provider', () => {
  it('answers discovery with the issuer, PKCE S256, the iss response parameter and the claims', async () => {
    const meta = await discovery();
    expect(idp.issuer).toBe(`${idp.url}/oidc`);
    expect(meta.issuer).toBe(idp.issuer);
    expect(meta.authorization_endpoint).toBe(`${idp.issuer}/auth`);
    expect(meta.code_challenge_methods_supported).toEqual(['S256']);
    expect(meta.authorization_response_iss_parameter_supported).toBe(true);
    expect(meta.response_types_supported).toEqual(['code']);
    expect(meta.claims_supported).toEqual(expect.arrayContaining(['email', 'email_verified', 'name', 'groups']));
    expect(meta.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'private_key_jwt']));
  });

  it('signs ana in through the sign-in page and issues an ID token with her claims (client_secret_basic)', async () => {
    const { verifier, challenge } = pkce();
    const { browser, html } = await openSignIn({ state: 'st-1', nonce: 'n-1', code_challenge: challenge, code_challenge_method: 'S256' });
    expect(html).toContain('<label for="email">Email</label>');
    expect(html).toContain('<label for="password">Password</label>');
    expect(html).toContain('>Continue</button>');
    expect(html).not.toContain('<script');

    const { left } = await browser.submit(html, { email: 'ana@acme.test', password: 'latchkey-dev' });
    expect(left?.origin + left!.pathname).toBe(redirectUri);
    expect(left!.searchParams.get('state')).toBe('st-1');
    expect(left!.searchParams.get('iss')).toBe(idp.issuer);
    const code = left!.searchParams.get('code')!;

    const tokenResponse = await exchange(code, verifier, 'basic');
    expect(tokenResponse.status).toBe(200);
    const tokens = (await tokenResponse.json()) as { id_token: string; access_token: string };
    const jwks = createRemoteJWKSet(new URL((await discovery()).jwks_uri));
    const { payload, protectedHeader } = await jwtVerify(tokens.id_token, jwks, { issuer: idp.issuer, audience: OIDC_CLIENT_ID });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({ email: 'ana@acme.test', email_verified: true, name: 'Ana Acme', groups: ['engineering'], nonce: 'n-1' });
    expect(payload.sub).not.toBe('ana@acme.test');

    const userinfo = await fetch(`${idp.issuer}/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(await userinfo.json()).toEqual({ sub: payload.sub, email: 'ana@acme.test', email_verified: true, name: 'Ana Acme', groups: ['engineering'] });
    // The code is single-use.
    expect((await exchange(code, verifier, 'basic')).status).toBe(400);
  });

  it('accepts the same client with client_secret_post, and refuses a wrong code_verifier', async () => {
    const { verifier, challenge } = pkce();
    const { browser, html } = await openSignIn({ state: 's', nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256' });
    const { left } = await browser.submit(html, { email: 'bo@globex.test', password: 'latchkey-dev' });
    const code = left!.searchParams.get('code')!;
    const wrong = await exchange(code, `${verifier}x`, 'post');
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_grant' });

    const again = pkce();
    const second = await openSignIn({ state: 's', nonce: 'n', code_challenge: again.challenge, code_challenge_method: 'S256' });
    const { left: back } = await second.browser.submit(second.html, { email: 'bo@globex.test', password: 'latchkey-dev' });
    const ok = await exchange(back!.searchParams.get('code')!, again.verifier, 'post');
    expect(ok.status).toBe(200);
  });

  it('keeps a session: the same browser gets a code without the page, unless prompt=login', async () => {
    const { challenge } = pkce();
    const params = { state: 's', nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256' };
    const { browser, html } = await openSignIn(params);
    await browser.submit(html, { email: 'ana@acme.test', password: 'latchkey-dev' });
    const silent = await browser.navigate(authorizeUrl(params));
    expect(silent.left?.searchParams.get('code')).toBeTruthy();
    // No consent screen, even when the client asks for one.
    const consent = await browser.navigate(authorizeUrl({ ...params, prompt: 'consent' }));
    expect(consent.left?.searchParams.get('code')).toBeTruthy();
    const again = await browser.navigate(authorizeUrl({ ...params, prompt: 'login' }));
    expect(again.left).toBeUndefined();
    expect(await again.response.text()).toContain('>Continue</button>');
  });

  it('refuses an authorization request without PKCE', async () => {
    const browser = new TestBrowser(idp.url);
    const { left } = await browser.navigate(authorizeUrl({ state: 's', nonce: 'n' }));
    expect(left?.searchParams.get('error')).toBe('invalid_request');
    expect(left?.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('shows an error for a wrong password and issues no code', async () => {
    const { challenge } = pkce();
    const { browser, html } = await openSignIn({ state: 's', nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256' });
    const { response, left } = await browser.submit(html, { email: 'ana@acme.test', password: 'wrong' });
    expect(left).toBeUndefined();
    expect(response.status).toBe(401);
    const page = await response.text();
    expect(page).toContain('Wrong email or password.');
    expect(page).toContain('value="ana@acme.test"');
    // The interaction still stands: the right password now goes through.
    const retry = await browser.submit(page, { email: 'ana@acme.test', password: 'latchkey-dev' });
    expect(retry.left?.searchParams.get('code')).toBeTruthy();
  });

  it('answers access_denied with state and iss when the user cancels', async () => {
    const { challenge } = pkce();
    const { browser, html } = await openSignIn({ state: 'st-cancel', nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256' });
    const { left } = await browser.submit(html, {}, 1);
    expect(left?.origin + left!.pathname).toBe(redirectUri);
    expect(Object.fromEntries(left!.searchParams)).toMatchObject({ error: 'access_denied', state: 'st-cancel', iss: idp.issuer });
    expect(left!.searchParams.has('code')).toBe(false);
  });

  it('refuses the interaction from another browser (no interaction cookie)', async () => {
    const { challenge } = pkce();
    const { html } = await openSignIn({ state: 's', nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256' });
    const stranger = new TestBrowser(idp.url);
    const { response, left } = await stranger.submit(html, { email: 'ana@acme.test', password: 'latchkey-dev' });
    expect(left).toBeUndefined();
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('This sign-in has expired');
  });

  it('authenticates a private_key_jwt client registered through oidcClients', async () => {
    const { verifier, challenge } = pkce();
    const { browser, html } = await openSignIn({ client_id: pkjClientId, state: 's', nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256' });
    const { left } = await browser.submit(html, { email: 'ana@acme.test', password: 'latchkey-dev' });
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'rp-1' })
      .setIssuer(pkjClientId)
      .setSubject(pkjClientId)
      .setAudience(idp.issuer)
      .setJti(randomBytes(8).toString('hex'))
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(pkjKey);
    const response = await fetch(`${idp.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: left!.searchParams.get('code')!,
        redirect_uri: redirectUri,
        code_verifier: verifier,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
      }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toHaveProperty('id_token');
  });
});
