import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';

type Claims = Record<string, unknown>;

/** One authorization the fake IdP granted: its code, and what the token endpoint will say for it. */
interface Grant {
  code: string;
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce: string | undefined;
  /** GitHub-style requests ask no `openid` scope and get no ID token. */
  openid: boolean;
  used: boolean;
}

export interface FakeIdpUser {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
}

/**
 * An in-process identity provider on an ephemeral port: an OIDC issuer
 * (discovery, JWKS, token, userinfo; ES256 keys made with jose) and GitHub-style
 * APIs (`/api/user`, `/api/user/emails`) on the same server. Tests steer what
 * it answers: `user`, `idTokenClaims` (merged into or, as a function, replacing
 * the ID token's claims), `sign` (sign the ID token another way), `tokenResponse`
 * (answer the token endpoint yourself), `delayMs`, `discovery` extras.
 */
export async function startFakeIdp(options: { clock: () => Date; clientId?: string }) {
  const keys = await generateKeyPair('ES256', { extractable: true });
  const publicJwk: JWK = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  const grants = new Map<string, Grant>();
  const clientId = options.clientId ?? 'test-client';
  const state = {
    user: { sub: 'idp-user-1', email: 'ada@example.test', email_verified: true, name: 'Ada' } as FakeIdpUser,
    githubEmails: undefined as Array<{ email: string; primary: boolean; verified: boolean }> | undefined,
    idTokenClaims: {} as Claims | ((claims: Claims) => Claims),
    sign: undefined as ((claims: Claims) => Promise<string>) | undefined,
    tokenResponse: undefined as ((req: URLSearchParams) => { status: number; body: unknown; headers?: Record<string, string> }) | undefined,
    delayMs: 0,
    discovery: {} as Record<string, unknown>,
    tokenCalls: 0,
    /** How the last token request authenticated its client: the Authorization header and the form (client_secret, client_assertion…). */
    lastTokenRequest: undefined as { authorization: string | undefined; params: URLSearchParams } | undefined,
    /** A body of this many bytes instead of the token response (oversized answers). */
    oversizedToken: 0,
  };

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    // No keep-alive: a connection the server closes after its idle timeout while the client reuses it would fail a random test.
    res.writeHead(status, { 'content-type': 'application/json', connection: 'close', ...headers });
    res.end(JSON.stringify(body));
  };
  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => resolve(body));
    });
  // The client id of a token request: in the form (client_secret_post, private_key_jwt, none) or in HTTP Basic (RFC 6749 §2.3.1, form-encoded).
  const clientIdOf = (req: IncomingMessage, params: URLSearchParams) => {
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!basic) return params.get('client_id');
    return decodeURIComponent(Buffer.from(basic, 'base64').toString().split(':')[0]!.replace(/\+/g, ' '));
  };
  const bearer = (req: IncomingMessage) => /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];

  const server = createServer(async (req, res) => {
    if (state.delayMs > 0) await new Promise((r) => setTimeout(r, state.delayMs));
    const url = new URL(req.url!, issuer);
    switch (`${req.method} ${url.pathname}`) {
      case 'GET /.well-known/openid-configuration':
        return json(res, 200, metadata());
      case 'GET /jwks':
        return json(res, 200, { keys: [publicJwk] });
      case 'POST /token': {
        state.tokenCalls++;
        const params = new URLSearchParams(await readBody(req));
        state.lastTokenRequest = { authorization: req.headers.authorization, params };
        if (state.oversizedToken > 0) {
          res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
          res.end(`{"pad":"${'x'.repeat(state.oversizedToken)}"}`);
          return;
        }
        if (state.tokenResponse) {
          const answer = state.tokenResponse(params);
          return json(res, answer.status, answer.body, answer.headers);
        }
        const grant = grants.get(params.get('code') ?? '');
        if (!grant || grant.used || params.get('redirect_uri') !== grant.redirectUri || clientIdOf(req, params) !== grant.clientId) return json(res, 400, { error: 'invalid_grant' });
        const { createHash } = await import('node:crypto');
        const challenge = createHash('sha256').update(params.get('code_verifier') ?? '').digest('base64url');
        if (challenge !== grant.challenge) return json(res, 400, { error: 'invalid_grant', error_description: 'PKCE' });
        grant.used = true;
        if (!grant.openid) return json(res, 200, { access_token: `at-${grant.code}`, token_type: 'bearer', scope: 'read:user,user:email' });
        const id_token = await idToken(grant);
        return json(res, 200, { access_token: `at-${grant.code}`, token_type: 'Bearer', expires_in: 300, id_token, scope: 'openid email' });
      }
      case 'GET /userinfo':
        if (!bearer(req)) return json(res, 401, { error: 'invalid_token' });
        return json(res, 200, { ...state.user });
      case 'GET /api/user':
        if (!bearer(req)) return json(res, 401, { message: 'Requires authentication' });
        return json(res, 200, { id: Number(state.user.sub.replace(/\D/g, '') || 1), login: 'ada', name: state.user.name ?? null, email: null });
      case 'GET /api/user/emails':
        if (!bearer(req)) return json(res, 401, { message: 'Requires authentication' });
        return json(res, 200, state.githubEmails ?? [{ email: state.user.email, primary: true, verified: state.user.email_verified ?? false, visibility: 'private' }]);
      default:
        return json(res, 404, { error: 'not_found' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function metadata() {
    return {
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/userinfo`,
      jwks_uri: `${issuer}/jwks`,
      response_types_supported: ['code'],
      id_token_signing_alg_values_supported: ['ES256'],
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
      ...state.discovery,
    };
  }

  async function idToken(grant: Grant): Promise<string> {
    const now = Math.floor(options.clock().getTime() / 1000);
    const base: Claims = { iss: issuer, sub: state.user.sub, aud: grant.clientId, iat: now, exp: now + 300, ...(grant.nonce ? { nonce: grant.nonce } : {}), email: state.user.email, email_verified: state.user.email_verified, name: state.user.name };
    const claims = typeof state.idTokenClaims === 'function' ? state.idTokenClaims(base) : { ...base, ...state.idTokenClaims };
    for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
    if (state.sign) return state.sign(claims);
    return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'JWT' }).sign(keys.privateKey);
  }

  return {
    issuer,
    clientId,
    keys,
    publicJwk,
    state,
    /**
     * What the IdP's authorization endpoint would do for the broker's redirect
     * URL (the user signs in and consents): a code bound to its PKCE challenge,
     * redirect URI and nonce, and the callback query to send the browser back with.
     */
    authorize(redirectUrl: string, extra: { iss?: string | null } = {}): string {
      const url = new URL(redirectUrl);
      const code = `code-${Math.random().toString(36).slice(2)}`;
      grants.set(code, {
        code,
        clientId: url.searchParams.get('client_id')!,
        redirectUri: url.searchParams.get('redirect_uri')!,
        challenge: url.searchParams.get('code_challenge')!,
        nonce: url.searchParams.get('nonce') ?? undefined,
        openid: (url.searchParams.get('scope') ?? '').split(' ').includes('openid'),
        used: false,
      });
      const query = new URLSearchParams({ code, state: url.searchParams.get('state')! });
      const iss = extra.iss === undefined ? issuer : extra.iss;
      if (iss !== null) query.set('iss', iss);
      return `/v1/oauth/callback?${query}`;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export type FakeIdp = Awaited<ReturnType<typeof startFakeIdp>>;
