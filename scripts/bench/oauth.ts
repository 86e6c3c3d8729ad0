/**
 * `BENCH_ONLY=oauth pnpm bench`: the broker's CPU per OAuth/OIDC callback
 * (`GET /v1/oauth/callback`: the flow consumed by state, the code exchanged,
 * the ID token and userinfo checked, the identity resolved, the session
 * opened, the result stored) beside oauth4webapi's own validation of the same
 * kind of response in the same run (the floor: validateAuthResponse, the code
 * grant, processAuthorizationCodeResponse, the ID token's signature against
 * the JWKS, userinfo — no flow, no SQL, no session).
 *
 * Both run in this process against an in-process fake IdP on an ephemeral port
 * (packages/broker/src/test/fake-idp.ts), so both figures include the IdP's own
 * work (an ES256 signature, its HTTP answers) alike. Broker and floor take turns
 * going first. PGlite runs in this process, so its SQL is in the broker's figure.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type * as OAuth from 'oauth4webapi';
import { createBroker, createPgliteStorage } from '../../packages/broker/src/index.js';
import { startFakeIdp } from '../../packages/broker/src/test/fake-idp.js';
import { BROKER_SECRET, ORIGIN, PUBLIC_URL, brokerBesideFloor } from './shared.js';

/** The oauth4webapi the broker itself loads (a dependency of the broker package, not of the workspace root). */
const oauth: typeof OAuth = await import(pathToFileURL(createRequire(new URL('../../packages/broker/package.json', import.meta.url)).resolve('oauth4webapi')).href);

export interface OAuthFigures {
  brokerUs: number;
  libraryUs: number;
  count: number;
}

export async function benchOAuthCallbacks(options: { count?: number; concurrency?: number } = {}): Promise<OAuthFigures> {
  const concurrency = options.concurrency ?? 8;
  const batch = concurrency * 8;
  const rounds = Math.max(1, Math.round((options.count ?? 256) / batch));
  const idp = await startFakeIdp({ clock: () => new Date() });
  const storage = await createPgliteStorage();
  const roomy = { limit: 1_000_000, windowSeconds: 60 };
  const app = createBroker({
    publicUrl: PUBLIC_URL,
    allowedOrigins: [ORIGIN],
    secret: BROKER_SECRET,
    storage,
    mailer: { send: async () => {} },
    rateLimits: { perIp: roomy },
    social: [{ id: 'acme', preset: 'oidc', issuer: idp.issuer, client_id: idp.clientId, client_secret: 'bench' }],
  });
  const env = { incoming: { socket: { remoteAddress: '127.0.0.1' } } };
  const redirectUri = `${PUBLIC_URL}/v1/oauth/callback`;

  /** A started trip per callback: its binding cookie and the IdP's answer to send back. */
  async function prepareBrokerTrips(n: number) {
    return Promise.all(
      Array.from({ length: n }, async () => {
        const started = await app.request('/v1/sign-in/social', { method: 'POST', headers: { origin: ORIGIN, 'content-type': 'application/json' }, body: JSON.stringify({ provider: 'acme' }) }, env);
        const cookie = started.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
        const answer = (await started.json()) as { url?: string };
        if (!answer.url) throw new Error(`start: ${started.status} ${JSON.stringify(answer)}`);
        const url = answer.url;
        return { cookie, path: idp.authorize(url) };
      }),
    );
  }

  // The floor: the same protocol steps with oauth4webapi alone.
  const as = await oauth.processDiscoveryResponse(new URL(idp.issuer), await oauth.discoveryRequest(new URL(idp.issuer), { [oauth.allowInsecureRequests]: true }));
  const client: OAuth.Client = { client_id: idp.clientId };
  const http = { [oauth.allowInsecureRequests]: true };
  const jwks: OAuth.JWKSCacheInput = {};
  async function prepareLibraryTrips(n: number) {
    return Promise.all(
      Array.from({ length: n }, async () => {
        const state = oauth.generateRandomState();
        const verifier = oauth.generateRandomCodeVerifier();
        const nonce = oauth.generateRandomNonce();
        const url = new URL(as.authorization_endpoint!);
        for (const [k, v] of Object.entries({ client_id: idp.clientId, redirect_uri: redirectUri, response_type: 'code', scope: 'openid email', state, nonce, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' })) url.searchParams.set(k, v);
        return { state, verifier, nonce, params: new URL(idp.authorize(url.href), PUBLIC_URL).searchParams };
      }),
    );
  }
  async function libraryCallback(trip: Awaited<ReturnType<typeof prepareLibraryTrips>>[number]) {
    const callback = oauth.validateAuthResponse(as, client, trip.params, trip.state);
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.ClientSecretPost('bench'), callback, redirectUri, trip.verifier, http);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: trip.nonce, requireIdToken: true });
    await oauth.validateApplicationLevelSignature(as, response, { ...http, [oauth.jwksCache]: jwks });
    const claims = oauth.getValidatedIdTokenClaims(tokens)!;
    await oauth.processUserInfoResponse(as, client, claims.sub, await oauth.userInfoRequest(as, client, tokens.access_token, http));
  }
  async function brokerCallback(trip: { cookie: string; path: string }) {
    const response = await app.request(trip.path, { headers: { cookie: trip.cookie } }, env);
    if (response.status !== 303) throw new Error(`callback: ${response.status} ${await response.text()}`);
  }

  // One unmeasured batch of each warms both up (discovery, JWKS, JIT).
  const figures = await brokerBesideFloor({
    rounds,
    batch,
    concurrency,
    prepare: async () => ({ broker: await prepareBrokerTrips(batch), floor: await prepareLibraryTrips(batch) }),
    broker: brokerCallback,
    floor: libraryCallback,
  });
  await idp.close();
  await storage.close();
  return { brokerUs: figures.brokerUs, libraryUs: figures.floorUs, count: figures.count };
}

export function oauthTable(figures: OAuthFigures): string {
  return [
    '| store | what | broker CPU µs | oauth4webapi alone µs | ratio |',
    '|---|---|---:|---:|---:|',
    `| PGlite | OIDC callback (GET /v1/oauth/callback) | ${Math.round(figures.brokerUs)} | ${Math.round(figures.libraryUs)} | ${(figures.brokerUs / figures.libraryUs).toFixed(1)}× |`,
  ].join('\n');
}
