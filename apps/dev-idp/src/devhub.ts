// "DevHub": an OAuth 2.0 provider shaped like GitHub's (https://docs.github.com/en/apps/oauth-apps),
// with no ID token: the broker learns who signed in from /api/user and /api/user/emails.
// Everything lives in memory; a restart forgets codes and tokens, as a dev IdP may.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { DEVHUB_CLIENT_ID, DEVHUB_CLIENT_SECRET } from './config.js';
import { escapeHtml, messagePage, signInPage, type Brand } from './page.js';
import { readSignInForm, DEV_USERS, type DevUser } from './users.js';

export const DEVHUB_MOUNT = '/devhub';
const brand: Brand = { name: 'DevHub', theme: 'devhub' };
const TEN_MINUTES = 10 * 60 * 1000;
const TOKEN_LIFETIME = 8 * 60 * 60 * 1000;

interface AuthorizationRequest {
  redirectUri: string;
  state?: string;
  scope: string;
  codeChallenge?: string;
  /** GitHub's `login` parameter: the account to suggest on the sign-in page. */
  loginHint?: string;
  expiresAt: number;
}
interface CodeRecord extends AuthorizationRequest {
  user: DevUser;
  /** The token this code was exchanged for: revoked if the code is replayed (RFC 6749 §4.1.2). */
  accessToken?: string;
}
interface TokenRecord {
  user: DevUser;
  scope: string;
  expiresAt: number;
}

export interface DevHubOptions {
  /** Absolute URL of this server, for `avatar_url`. */
  baseUrl: string;
  redirectUris: string[];
}

const random = (prefix: string) => `${prefix}${randomBytes(20).toString('base64url')}`;

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** Takes the entry once (single use), and only while it has not expired. */
function takeOnce<T extends { expiresAt: number }>(map: Map<string, T>, key: string): T | undefined {
  const entry = map.get(key);
  map.delete(key);
  return entry && entry.expiresAt > Date.now() ? entry : undefined;
}

export function devHubRoutes({ baseUrl, redirectUris }: DevHubOptions) {
  const app = new Hono();
  const pending = new Map<string, AuthorizationRequest>();
  const codes = new Map<string, CodeRecord>();
  /** Codes already exchanged, kept until they would have expired so a replay can be recognised. */
  const spentCodes = new Map<string, CodeRecord>();
  const tokens = new Map<string, TokenRecord>();

  // Nothing here is long-lived, but a dev server can run for days: drop what expired.
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const map of [pending, codes, spentCodes, tokens] as Map<string, { expiresAt: number }>[]) {
      for (const [key, entry] of map) if (entry.expiresAt <= now) map.delete(key);
    }
  }, 60_000);
  sweep.unref();

  const refuse = (c: Context, title: string, message: string) => c.html(messagePage(brand, title, message), 400);

  /** Back to the client with an error, as GitHub does for a denied authorization. */
  function redirectWithError(c: Context, request: AuthorizationRequest, error: string, description: string) {
    const target = new URL(request.redirectUri);
    target.searchParams.set('error', error);
    target.searchParams.set('error_description', description);
    if (request.state !== undefined) target.searchParams.set('state', request.state);
    return c.redirect(target.href, 303);
  }

  app.get('/login/oauth/authorize', (c) => {
    const query = c.req.query();
    // An unknown client or redirect URI must not redirect anywhere: the page says so instead.
    if (query.client_id !== DEVHUB_CLIENT_ID) return refuse(c, 'Unknown application', 'No OAuth app with this client_id is registered on DevHub.');
    const redirectUri = query.redirect_uri ?? redirectUris[0]!;
    if (!redirectUris.includes(redirectUri)) {
      return refuse(c, 'Redirect URI mismatch', 'The redirect_uri is not registered for this application.');
    }
    const request: AuthorizationRequest = { redirectUri, state: query.state, scope: query.scope ?? '', loginHint: query.login, expiresAt: Date.now() + TEN_MINUTES };
    // PKCE is optional, as on GitHub; when asked for, only S256 is accepted.
    if (query.code_challenge !== undefined) {
      if ((query.code_challenge_method ?? 'plain') !== 'S256') {
        return redirectWithError(c, request, 'invalid_request', 'code_challenge_method must be S256');
      }
      request.codeChallenge = query.code_challenge;
    }
    const uid = random('');
    pending.set(uid, request);
    return c.redirect(`${DEVHUB_MOUNT}/interaction/${uid}`, 303);
  });

  const pageFor = (uid: string, extra: { email?: string; error?: string } = {}) =>
    signInPage({ brand, clientName: 'Latchkey', action: `${DEVHUB_MOUNT}/interaction/${uid}/login`, cancelAction: `${DEVHUB_MOUNT}/interaction/${uid}/cancel`, ...extra });
  const expired = (c: Context) => refuse(c, 'This sign-in has expired', 'Go back to the application and start again.');
  const current = (uid: string) => {
    const request = pending.get(uid);
    return request && request.expiresAt > Date.now() ? request : undefined;
  };

  app.get('/interaction/:uid', (c) => {
    const request = current(c.req.param('uid'));
    if (!request) return expired(c);
    const hinted = request.loginHint && DEV_USERS.find((user) => user.devhub.login === request.loginHint || user.email === request.loginHint);
    return c.html(pageFor(c.req.param('uid'), { email: hinted ? hinted.email : undefined }));
  });

  app.post('/interaction/:uid/login', async (c) => {
    const uid = c.req.param('uid');
    if (!current(uid)) return expired(c);
    const { email, user } = await readSignInForm(c);
    if (!user) return c.html(pageFor(uid, { email, error: 'Wrong email or password.' }), 401);
    const request = takeOnce(pending, uid);
    if (!request) return expired(c);
    const code = random('');
    codes.set(code, { ...request, user, expiresAt: Date.now() + TEN_MINUTES });
    const target = new URL(request.redirectUri);
    target.searchParams.set('code', code);
    if (request.state !== undefined) target.searchParams.set('state', request.state);
    return c.redirect(target.href, 303);
  });

  app.post('/interaction/:uid/cancel', (c) => {
    const request = takeOnce(pending, c.req.param('uid'));
    if (!request) return expired(c);
    return redirectWithError(c, request, 'access_denied', 'The user has denied your application access.');
  });

  app.post('/login/oauth/access_token', async (c) => {
    const params = await tokenParams(c);
    // GitHub answers token errors with 200 and an `error` member; so do we, to stay faithful.
    const fail = (error: string, description: string) => tokenAnswer(c, { error, error_description: description, error_uri: 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors' });
    if (params.client_id !== DEVHUB_CLIENT_ID || !sameSecret(params.client_secret ?? '', DEVHUB_CLIENT_SECRET)) {
      return fail('incorrect_client_credentials', 'The client_id and/or client_secret passed are incorrect.');
    }
    const code = params.code ?? '';
    const replayed = spentCodes.get(code);
    if (replayed) {
      // A second use of a code revokes what the first one gave.
      if (replayed.accessToken) tokens.delete(replayed.accessToken);
      return fail('bad_verification_code', 'The code passed is incorrect or expired.');
    }
    const record = takeOnce(codes, code);
    if (!record) return fail('bad_verification_code', 'The code passed is incorrect or expired.');
    spentCodes.set(code, record);
    if (params.redirect_uri !== undefined && params.redirect_uri !== record.redirectUri) {
      return fail('redirect_uri_mismatch', 'The redirect_uri MUST match the registered callback URL for this application.');
    }
    if (record.codeChallenge !== undefined && (params.code_verifier === undefined || s256(params.code_verifier) !== record.codeChallenge)) {
      return fail('bad_verification_code', 'The code_verifier does not match the code_challenge.');
    }
    const accessToken = random('dho_');
    record.accessToken = accessToken;
    tokens.set(accessToken, { user: record.user, scope: record.scope, expiresAt: Date.now() + TOKEN_LIFETIME });
    return tokenAnswer(c, { access_token: accessToken, token_type: 'bearer', scope: record.scope.split(/[\s,]+/).filter(Boolean).join(',') });
  });

  /** The bearer's token record; GitHub also accepts the older `token` scheme. */
  function bearer(c: Context): TokenRecord | undefined {
    const match = /^(?:bearer|token)\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    const record = match ? tokens.get(match[1]!) : undefined;
    return record && record.expiresAt > Date.now() ? record : undefined;
  }
  const badCredentials = (c: Context) => c.json({ message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' }, 401);

  app.get('/api/user', (c) => {
    const token = bearer(c);
    if (!token) return badCredentials(c);
    const { user } = token;
    c.header('X-OAuth-Scopes', token.scope.split(/[\s,]+/).filter(Boolean).join(', '));
    return c.json({
      login: user.devhub.login,
      id: user.devhub.id,
      node_id: Buffer.from(`04:User${user.devhub.id}`).toString('base64'),
      avatar_url: `${baseUrl}${DEVHUB_MOUNT}/avatars/${user.devhub.id}.svg`,
      html_url: `${baseUrl}${DEVHUB_MOUNT}/${user.devhub.login}`,
      type: 'User',
      site_admin: false,
      name: user.name,
      email: user.email,
    });
  });

  app.get('/api/user/emails', (c) => {
    const token = bearer(c);
    if (!token) return badCredentials(c);
    // GitHub lists emails only to a token with the `user:email` (or `user`) scope.
    const scopes = token.scope.split(/[\s,]+/);
    if (!scopes.includes('user:email') && !scopes.includes('user')) {
      return c.json({ message: 'Not Found', documentation_url: 'https://docs.github.com/rest/users/emails', status: '404' }, 404);
    }
    const { user } = token;
    return c.json([
      { email: user.email, primary: true, verified: true, visibility: 'public' },
      ...(user.devhub.extraEmails ?? []).map(({ email, verified }) => ({ email, primary: false, verified, visibility: null })),
    ]);
  });

  app.get('/avatars/:file', (c) => {
    const user = DEV_USERS.find((candidate) => `${candidate.devhub.id}.svg` === c.req.param('file'));
    if (!user) return c.notFound();
    const initial = escapeHtml(user.name.charAt(0));
    c.header('Content-Type', 'image/svg+xml');
    c.header('Cache-Control', 'public, max-age=86400');
    return c.body(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="32" fill="#24292f"/><text x="32" y="42" font-family="system-ui, sans-serif" font-size="28" font-weight="600" fill="#fff" text-anchor="middle">${initial}</text></svg>`);
  });

  return app;
}

/** The token request's parameters: form or JSON body, or query (GitHub takes all three), plus Basic auth. */
async function tokenParams(c: Context): Promise<Record<string, string | undefined>> {
  const params: Record<string, string | undefined> = { ...c.req.query() };
  const type = c.req.header('content-type') ?? '';
  if (type.includes('application/json')) {
    const body = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
    for (const [key, value] of Object.entries(body)) if (typeof value === 'string') params[key] = value;
  } else if (type.includes('application/x-www-form-urlencoded') || type.includes('multipart/form-data')) {
    const body = await c.req.parseBody();
    for (const [key, value] of Object.entries(body)) if (typeof value === 'string') params[key] = value;
  }
  const basic = /^basic\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString();
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      params.client_id = decodeURIComponent(decoded.slice(0, colon));
      params.client_secret = decodeURIComponent(decoded.slice(colon + 1));
    }
  }
  return params;
}

/** JSON when asked for (`Accept: application/json`), else GitHub's default form encoding. */
function tokenAnswer(c: Context, body: Record<string, string>) {
  c.header('Cache-Control', 'no-store');
  if ((c.req.header('accept') ?? '').includes('json')) return c.json(body);
  return c.body(new URLSearchParams(body).toString(), 200, { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' });
}
