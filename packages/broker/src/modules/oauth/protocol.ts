import type { IdpAuthn } from '../orgs/idp-mfa.js';
import * as oauth from 'oauth4webapi';
import { importPKCS8, SignJWT } from 'jose';
import { isLoopbackUrl } from '../../config.js';
import { IdpUnreachableError } from './outbound.js';
import type { ProviderConfig } from './providers.js';

/** Why a trip to an identity provider failed, as the `idp-error` step says it (details go to the log). */
export type IdpFailureReason = 'access_denied' | 'idp_unreachable' | 'not_linkable' | 'idp_error';

/** A refusal of the IdP's answer, with the reason shown and the detail logged. */
export class IdpFailure extends Error {
  constructor(
    readonly reason: IdpFailureReason,
    detail: string,
    readonly cause?: unknown,
  ) {
    super(detail);
    this.name = this.constructor.name;
  }
}

/** Who the IdP says signed in: an issuer's subject, and what it asserts about their email. */
/** The ID token's `amr` (strings only, at most 20) and `acr`, as asserted. */
function authnOf(claims: Record<string, unknown>): IdpAuthn {
  const amr = Array.isArray(claims.amr) ? claims.amr.filter((v): v is string => typeof v === 'string').slice(0, 20) : [];
  return { amr, ...(typeof claims.acr === 'string' ? { acr: claims.acr } : {}) };
}

export interface ExternalIdentity {
  issuer: string;
  subject: string;
  /** As asserted (trimmed); compared only after the broker's own email normalization. */
  email: string | null;
  emailVerified: boolean;
  name: string | null;
  /** How the IdP says it authenticated the user (OIDC `amr`/`acr`, SAML `AuthnContextClassRef`); trusted only per connection. */
  authn?: IdpAuthn;
}

/** What the authorization request sent and the callback must find again. */
export interface AuthorizationSecrets {
  state: string;
  codeVerifier: string;
  /** OIDC only. */
  nonce: string | null;
}

const DISCOVERY_TTL_MS = 10 * 60_000;
// oauth4webapi's hook for issuers whose identifier is a template (Microsoft's multi-tenant `{tenantid}`).
const expectedIssuerHook = (oauth as unknown as { _expectedIssuer: symbol })._expectedIssuer;
const noDiscoveryCheck = (oauth as unknown as { _nodiscoverycheck: symbol })._nodiscoverycheck;
const MICROSOFT_TEMPLATE = 'https://login.microsoftonline.com/{tenantid}/v2.0';
const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The protocol side of social and enterprise sign-in, on oauth4webapi. It
 * holds what it caches (discovery documents for ten minutes, JWKS as
 * oauth4webapi keeps them) per broker, never module-wide; every call goes out
 * through the broker's bounded fetch.
 *
 * @example
 * const protocol = createProtocol({ fetch: deps.fetch, clock: deps.clock });
 * const url = await protocol.authorizationUrl(provider, redirectUri, secrets);
 */
export function createProtocol(options: { fetch: typeof fetch; clock: () => Date }) {
  const discovered = new Map<string, { as: Promise<oauth.AuthorizationServer>; until: number }>();
  const jwksCaches = new Map<string, oauth.JWKSCacheInput>();

  const insecure = (provider: ProviderConfig) =>
    [provider.issuer, ...Object.values(provider.endpoints)].every((url) => url === undefined || isLoopbackUrl(url));
  const httpOptions = (provider: ProviderConfig) => ({ [oauth.customFetch]: options.fetch as (url: string, init: oauth.CustomFetchOptions<string, unknown>) => Promise<Response>, [oauth.allowInsecureRequests]: insecure(provider) });

  /** The provider's authorization server metadata: discovered (OIDC, cached) or made from its endpoints (OAuth 2.0). */
  async function authorizationServer(provider: ProviderConfig): Promise<oauth.AuthorizationServer> {
    const overrides = {
      ...(provider.endpoints.authorization ? { authorization_endpoint: provider.endpoints.authorization } : {}),
      ...(provider.endpoints.token ? { token_endpoint: provider.endpoints.token } : {}),
      ...(provider.endpoints.userinfo ? { userinfo_endpoint: provider.endpoints.userinfo } : {}),
      ...(provider.endpoints.jwks ? { jwks_uri: provider.endpoints.jwks } : {}),
    };
    if (provider.protocol === 'oauth2') return { issuer: provider.issuer, ...overrides };
    const now = Date.now();
    let cached = discovered.get(provider.issuer);
    if (!cached || cached.until <= now) {
      // One discovery in flight per issuer: a burst of sign-ins shares it; a failed one is not kept.
      const as = discover(provider);
      cached = { as, until: now + DISCOVERY_TTL_MS };
      discovered.set(provider.issuer, cached);
      as.catch(() => discovered.get(provider.issuer)?.as === as && discovered.delete(provider.issuer));
    }
    return { ...(await cached.as), ...overrides };
  }

  async function discover(provider: ProviderConfig): Promise<oauth.AuthorizationServer> {
    const issuer = new URL(provider.issuer);
    const response = await oauth.discoveryRequest(issuer, { ...httpOptions(provider), algorithm: 'oidc' });
    if (!provider.tenantIssuer) return oauth.processDiscoveryResponse(issuer, response);
    const as = await oauth.processDiscoveryResponse(noDiscoveryCheck as unknown as URL, response);
    if (as.issuer !== MICROSOFT_TEMPLATE) throw new IdpFailure('idp_error', `discovery of ${provider.issuer} names issuer ${as.issuer}, not ${MICROSOFT_TEMPLATE}`);
    // Each ID token's `iss` must be the template filled with the token's own tenant id.
    return {
      ...as,
      [expectedIssuerHook]: (result: { claims: Record<string, unknown> }) => {
        const tid = result.claims.tid;
        return typeof tid === 'string' && TENANT_ID.test(tid) ? MICROSOFT_TEMPLATE.replace('{tenantid}', tid) : '(no valid tid)';
      },
    } as oauth.AuthorizationServer;
  }

  /** Client metadata, with the broker's clock (a test clock moves ID-token time checks too). */
  const clientOf = (provider: ProviderConfig): oauth.Client => ({
    client_id: provider.clientId,
    [oauth.clockSkew]: Math.round((options.clock().getTime() - Date.now()) / 1000),
  });

  async function clientAuth(provider: ProviderConfig): Promise<oauth.ClientAuth> {
    const auth = provider.clientAuth;
    switch (auth.method) {
      case 'client_secret_post':
        return oauth.ClientSecretPost(auth.secret);
      case 'client_secret_basic':
        return oauth.ClientSecretBasic(auth.secret);
      case 'private_key_jwt':
        return oauth.PrivateKeyJwt({ key: auth.privateKey, ...(auth.keyId ? { kid: auth.keyId } : {}) });
      case 'apple':
        return oauth.ClientSecretPost(await appleClientSecret(auth, provider.clientId, options.clock()));
      case 'none':
        return oauth.None();
    }
  }

  return {
    authorizationServer,

    /** The URL to send the browser to: authorization code with PKCE S256, `state`, and `nonce` for OIDC. */
    async authorizationUrl(provider: ProviderConfig, redirectUri: string, secrets: AuthorizationSecrets): Promise<string> {
      const as = await authorizationServer(provider).catch((error: unknown) => {
        throw asIdpFailure(error);
      });
      if (!as.authorization_endpoint) throw new IdpFailure('idp_error', `${provider.issuer} has no authorization endpoint`);
      const url = new URL(as.authorization_endpoint);
      url.searchParams.set('client_id', provider.clientId);
      url.searchParams.set('redirect_uri', redirectUri);
      url.searchParams.set('response_type', 'code');
      if (provider.scopes.length > 0) url.searchParams.set('scope', provider.scopes.join(' '));
      url.searchParams.set('state', secrets.state);
      url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(secrets.codeVerifier));
      url.searchParams.set('code_challenge_method', 'S256');
      if (secrets.nonce) url.searchParams.set('nonce', secrets.nonce);
      return url.href;
    },

    /**
     * The callback's protocol work: the authorization response (state, RFC 9207
     * `iss`, an error), the code exchange with the PKCE verifier, the ID token
     * (signature by the IdP's JWKS, alg, iss, aud, azp, exp/iat, nonce) and
     * userinfo for OIDC, or the user and verified-emails APIs GitHub-style.
     * Throws `IdpFailure` with the reason to show.
     */
    async finish(provider: ProviderConfig, redirectUri: string, params: URLSearchParams, expected: AuthorizationSecrets): Promise<ExternalIdentity> {
      try {
        const as = await authorizationServer(provider);
        const client = clientOf(provider);
        const http = httpOptions(provider);
        const callback = oauth.validateAuthResponse(as, client, params, expected.state);
        const response = await oauth.authorizationCodeGrantRequest(as, client, await clientAuth(provider), callback, redirectUri, expected.codeVerifier, http);
        if (provider.protocol === 'oauth2') {
          const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);
          return await githubStyleProfile(provider, tokens.access_token, http);
        }
        const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: expected.nonce ?? oauth.expectNoNonce, requireIdToken: true });
        // OIDC Core §3.1.3.7: the token is signed by a key of the issuer's JWKS, with an asymmetric algorithm.
        const cache = jwksCaches.get(provider.issuer) ?? {};
        await oauth.validateApplicationLevelSignature(as, response, { ...http, [oauth.jwksCache]: cache });
        jwksCaches.set(provider.issuer, cache);
        const claims = oauth.getValidatedIdTokenClaims(tokens)!;
        let email = typeof claims.email === 'string' ? claims.email : null;
        let verified = claims.email_verified === true;
        let name = typeof claims.name === 'string' ? claims.name : null;
        if (as.userinfo_endpoint) {
          const info = await oauth.processUserInfoResponse(as, client, claims.sub, await oauth.userInfoRequest(as, client, tokens.access_token, http));
          if (typeof info.email === 'string' && (email === null || info.email === email)) {
            email = info.email;
            verified = verified || info.email_verified === true;
          }
          name ??= typeof info.name === 'string' ? info.name : null;
        }
        return {
          issuer: claims.iss,
          subject: claims.sub,
          email: email?.trim() ?? null,
          emailVerified: email !== null && verified,
          name: name?.trim().slice(0, 200) || null,
          authn: authnOf(claims),
        };
      } catch (error) {
        throw asIdpFailure(error);
      }
    },
  };
}

export type Protocol = ReturnType<typeof createProtocol>;

/** GitHub's user API (`id`, `name`) and verified-emails API: only the primary, verified address counts. */
async function githubStyleProfile(provider: ProviderConfig, accessToken: string, http: oauth.ProtectedResourceRequestOptions): Promise<ExternalIdentity> {
  const get = async (url: string) => {
    const headers = new Headers({ accept: 'application/json', 'user-agent': 'latchkey-broker' });
    const response = await oauth.protectedResourceRequest(accessToken, 'GET', new URL(url), headers, null, http);
    if (response.status !== 200) throw new IdpFailure('idp_error', `${url} answered ${response.status}`);
    return (await response.json()) as unknown;
  };
  const user = (await get(provider.endpoints.userinfo!)) as { id?: unknown; sub?: unknown; name?: unknown; email?: unknown; email_verified?: unknown };
  const id = user.id ?? user.sub;
  if ((typeof id !== 'number' && typeof id !== 'string') || String(id).length === 0 || String(id).length > 255) throw new IdpFailure('idp_error', 'the user API gave no id');
  let email: string | null = null;
  let verified = false;
  if (provider.profile === 'github') {
    const emails = await get(provider.endpoints.emails!);
    const primary = Array.isArray(emails) ? emails.find((e) => e && typeof e === 'object' && e.primary === true) : undefined;
    if (primary && typeof primary.email === 'string') {
      email = primary.email.trim();
      verified = primary.verified === true;
    }
  } else if (typeof user.email === 'string') {
    email = user.email.trim();
    verified = user.email_verified === true;
  }
  const name = typeof user.name === 'string' ? user.name.trim().slice(0, 200) || null : null;
  return { issuer: provider.issuer, subject: String(id), email, emailVerified: email !== null && verified, name };
}

/** Sorts any error of the exchange into a reason: unreachable, declined, or anything else wrong. */
function asIdpFailure(error: unknown): IdpFailure {
  if (error instanceof IdpFailure) return error;
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof IdpUnreachableError) return new IdpFailure('idp_unreachable', e.message, error);
  }
  if (error instanceof oauth.AuthorizationResponseError) {
    return new IdpFailure(error.error === 'access_denied' ? 'access_denied' : 'idp_error', `the IdP answered ${error.error}: ${error.error_description ?? ''}`, error);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new IdpFailure('idp_error', message, error);
}

/**
 * Apple's client secret: an ES256 JWT signed with the developer's key, issued by
 * the Team ID for the Services ID, at most six months valid (Apple's "Creating a
 * client secret"). Made fresh per exchange, valid five minutes.
 */
export async function appleClientSecret(auth: { teamId: string; keyId: string; privateKey: string }, clientId: string, now: Date): Promise<string> {
  const key = await importPKCS8(auth.privateKey, 'ES256');
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: auth.keyId })
    .setIssuer(auth.teamId)
    .setSubject(clientId)
    .setAudience('https://appleid.apple.com')
    .setIssuedAt(iat)
    .setExpirationTime(iat + 300)
    .sign(key);
}
