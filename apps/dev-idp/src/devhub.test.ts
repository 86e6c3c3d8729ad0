import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevIdp, type DevIdp } from './index.js';
import { DEVHUB_CLIENT_ID, DEVHUB_CLIENT_SECRET } from './config.js';
import { TestBrowser } from './test-browser.js';

const redirectUri = 'http://localhost:8787/v1/oauth/callback';
let idp: DevIdp;

beforeAll(async () => {
  idp = await startDevIdp({ port: 0 });
});
afterAll(() => idp.close());

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Authorize, sign in on the page, and answer the URL the browser lands on at the client. */
async function signIn(options: { email?: string; state?: string; scope?: string; challenge?: string } = {}) {
  const { email = 'cy@devhub.test', state = 'st-1', scope = 'read:user user:email', challenge } = options;
  const params = new URLSearchParams({ client_id: DEVHUB_CLIENT_ID, redirect_uri: redirectUri, state, scope });
  if (challenge) params.set('code_challenge', challenge), params.set('code_challenge_method', 'S256');
  const browser = new TestBrowser(idp.url);
  const { response } = await browser.navigate(`${idp.devhub}/login/oauth/authorize?${params}`);
  expect(response.status).toBe(200);
  const html = await response.text();
  const { left } = await browser.submit(html, { email, password: 'latchkey-dev' });
  return { html, landed: left! };
}

async function exchange(code: string, extra: Record<string, string> = {}, accept = 'application/json') {
  return fetch(`${idp.devhub}/login/oauth/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept },
    body: new URLSearchParams({ client_id: DEVHUB_CLIENT_ID, client_secret: DEVHUB_CLIENT_SECRET, code, redirect_uri: redirectUri, ...extra }),
  });
}

const api = (path: string, token: string) => fetch(`${idp.devhub}/api${path}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.github+json' } });

describe('DevHub (GitHub-style OAuth 2.0)', () => {
  it('signs cy in: code, then token, then the user and verified-emails APIs', async () => {
    const { verifier, challenge } = pkce();
    const { html, landed } = await signIn({ challenge });
    expect(html).toContain('<label for="email">Email</label>');
    expect(html).toContain('<label for="password">Password</label>');
    expect(html).toContain('>Continue</button>');
    expect(landed.origin + landed.pathname).toBe(redirectUri);
    expect(landed.searchParams.get('state')).toBe('st-1');
    // GitHub sends no iss (RFC 9207), and neither do we.
    expect(landed.searchParams.has('iss')).toBe(false);

    const response = await exchange(landed.searchParams.get('code')!, { code_verifier: verifier });
    expect(response.status).toBe(200);
    const token = (await response.json()) as Record<string, string>;
    expect(token).toEqual({ access_token: expect.any(String), token_type: 'bearer', scope: 'read:user,user:email' });
    expect(token).not.toHaveProperty('id_token');

    const user = (await (await api('/user', token.access_token!)).json()) as Record<string, unknown>;
    expect(user).toMatchObject({ id: 1003, login: 'cy', name: 'Cy Devhub', email: 'cy@devhub.test', avatar_url: `${idp.devhub}/avatars/1003.svg` });
    expect((await fetch(user.avatar_url as string)).headers.get('content-type')).toBe('image/svg+xml');
    const emails = await (await api('/user/emails', token.access_token!)).json();
    expect(emails).toEqual([
      { email: 'cy@devhub.test', primary: true, verified: true, visibility: 'public' },
      { email: 'cy@old-mail.test', primary: false, verified: false, visibility: null },
    ]);
  });

  it('refuses a replayed code, and revokes the token the first use gave', async () => {
    const { landed } = await signIn();
    const code = landed.searchParams.get('code')!;
    const first = (await (await exchange(code)).json()) as Record<string, string>;
    expect(first.access_token).toBeTruthy();
    const replay = (await (await exchange(code)).json()) as Record<string, string>;
    expect(replay).toMatchObject({ error: 'bad_verification_code' });
    expect(replay).not.toHaveProperty('access_token');
    expect((await api('/user', first.access_token!)).status).toBe(401);
  });

  it('refuses a wrong code_verifier, and a missing one when a challenge was sent', async () => {
    const { challenge } = pkce();
    const wrong = await signIn({ challenge });
    expect(await (await exchange(wrong.landed.searchParams.get('code')!, { code_verifier: pkce().verifier })).json()).toMatchObject({ error: 'bad_verification_code' });
    const missing = await signIn({ challenge });
    expect(await (await exchange(missing.landed.searchParams.get('code')!)).json()).toMatchObject({ error: 'bad_verification_code' });
  });

  it('refuses a wrong client secret, and accepts the right one in a Basic header', async () => {
    const { landed } = await signIn();
    const code = landed.searchParams.get('code')!;
    expect(await (await exchange(code, { client_secret: 'not-the-secret' })).json()).toMatchObject({ error: 'incorrect_client_credentials' });

    const again = await signIn();
    const basic = await fetch(`${idp.devhub}/login/oauth/access_token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        authorization: `Basic ${Buffer.from(`${DEVHUB_CLIENT_ID}:${DEVHUB_CLIENT_SECRET}`).toString('base64')}`,
      },
      body: new URLSearchParams({ code: again.landed.searchParams.get('code')! }),
    });
    expect(await basic.json()).toHaveProperty('access_token');
  });

  it('answers form-encoded without Accept: application/json, as GitHub does', async () => {
    const { landed } = await signIn();
    const response = await exchange(landed.searchParams.get('code')!, {}, '*/*');
    expect(response.headers.get('content-type')).toMatch(/^application\/x-www-form-urlencoded/);
    const body = new URLSearchParams(await response.text());
    expect(body.get('token_type')).toBe('bearer');
    expect(body.get('access_token')).toBeTruthy();
  });

  it('lists emails only to a token with the user:email scope', async () => {
    const { landed } = await signIn({ scope: 'read:user' });
    const { access_token } = (await (await exchange(landed.searchParams.get('code')!)).json()) as Record<string, string>;
    expect((await api('/user', access_token!)).status).toBe(200);
    expect((await api('/user/emails', access_token!)).status).toBe(404);
  });

  it('fills in the account named by the login parameter, as GitHub suggests it', async () => {
    const params = new URLSearchParams({ client_id: DEVHUB_CLIENT_ID, redirect_uri: redirectUri, state: 's', login: 'cy' });
    const { response } = await new TestBrowser(idp.url).navigate(`${idp.devhub}/login/oauth/authorize?${params}`);
    expect(await response.text()).toContain('value="cy@devhub.test"');
  });

  it('shows an error for a wrong password and issues no code', async () => {
    const browser = new TestBrowser(idp.url);
    const params = new URLSearchParams({ client_id: DEVHUB_CLIENT_ID, redirect_uri: redirectUri, state: 's' });
    const { response: page } = await browser.navigate(`${idp.devhub}/login/oauth/authorize?${params}`);
    const { response, left } = await browser.submit(await page.text(), { email: 'cy@devhub.test', password: 'nope' });
    expect(left).toBeUndefined();
    expect(response.status).toBe(401);
    expect(await response.text()).toContain('Wrong email or password.');
  });

  it('answers access_denied with the state when the user cancels', async () => {
    const browser = new TestBrowser(idp.url);
    const params = new URLSearchParams({ client_id: DEVHUB_CLIENT_ID, redirect_uri: redirectUri, state: 'st-cancel' });
    const { response: page } = await browser.navigate(`${idp.devhub}/login/oauth/authorize?${params}`);
    const { left } = await browser.submit(await page.text(), {}, 1);
    expect(left?.origin + left!.pathname).toBe(redirectUri);
    expect(left!.searchParams.get('error')).toBe('access_denied');
    expect(left!.searchParams.get('state')).toBe('st-cancel');
    expect(left!.searchParams.has('code')).toBe(false);
  });

  it('never redirects to an unregistered redirect_uri or for an unknown client', async () => {
    for (const params of [
      { client_id: DEVHUB_CLIENT_ID, redirect_uri: 'https://evil.test/cb', state: 's' },
      { client_id: 'someone-else', redirect_uri: redirectUri, state: 's' },
    ]) {
      const response = await fetch(`${idp.devhub}/login/oauth/authorize?${new URLSearchParams(params)}`, { redirect: 'manual' });
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
    }
  });

  it('answers 401 Bad credentials to an unknown token', async () => {
    const response = await api('/user', 'dho_unknown');
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ message: 'Bad credentials' });
  });

  it('serves its pages with a CSP that allows no script', async () => {
    const params = new URLSearchParams({ client_id: DEVHUB_CLIENT_ID, redirect_uri: redirectUri, state: 's' });
    const { response } = await new TestBrowser(idp.url).navigate(`${idp.devhub}/login/oauth/authorize?${params}`);
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/script-src/);
    expect(await response.text()).not.toContain('<script');
  });
});
