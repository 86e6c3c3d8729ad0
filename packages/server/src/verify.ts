import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { SessionClaims } from './claims.js';
import { TokenError } from './errors.js';
import { DEFAULT_JWKS_MAX_AGE_SECONDS, remoteKeySet } from './internal/remote-keys.js';

/** The `typ` header the broker puts on session tokens (RFC 8725 §3.11); any other JWT is refused. */
export const SESSION_TOKEN_TYPE = 'lk-session+jwt';

/** The longest a session token may live (`exp - iat`), per the wire contract. */
const MAX_TOKEN_LIFETIME_SECONDS = 300;

/**
 * How to verify session tokens of one broker, for one host app.
 *
 * @example
 * const options: VerifyOptions = { issuer: 'https://auth.example.com', audience: 'https://app.example.com' };
 */
export interface VerifyOptions {
  /** The broker's public URL, as it signs `iss` (a trailing slash is ignored). */
  issuer: string;
  /**
   * This app's audience: the `aud` the broker mints for it (by default the
   * origin of the page that asked for the token; see the broker's
   * `token.audiences`). Required, so a token minted for another app of the
   * same broker is refused. Several values accept a token for any of them.
   */
  audience: string | readonly string[];
  /** Where the broker publishes its keys. Defaults to `<issuer>/.well-known/jwks.json`. */
  jwksUrl?: string;
  /** Leeway for clock differences with the broker, in seconds. Default 5. */
  clockToleranceSeconds?: number;
  /** Refuse tokens issued longer ago than this, whatever their `exp` says. Default 300. */
  maxTokenAgeSeconds?: number;
  /**
   * How long a fetched key set is used before it is fetched again, in seconds.
   * A key the broker withdraws (`rotate-keys --now` after a leak) keeps
   * verifying here until then. Default 600; lower it to stop trusting a
   * withdrawn key sooner, at one JWKS fetch per this many seconds.
   */
  jwksMaxAgeSeconds?: number;
}

/**
 * Verifies the session tokens of one broker for one app, with a JWKS cache of
 * its own. Made by `createVerifier`.
 */
export interface Verifier {
  /** The claims of a valid token; throws `TokenError` otherwise. */
  verify(token: string | null | undefined): Promise<SessionClaims>;
}

// One key set per JWKS URL (and max age) for `verifyToken`, for the life of the
// process, so keys are not fetched per request. It is refetched when a token
// names a kid it lacks (a rotation), at most once a second, and when the set is
// `jwksMaxAgeSeconds` old (so a key the broker withdrew stops verifying).
const sharedKeySets = new Map<string, JWTVerifyGetKey>();

/** Raised by our key lookup only, so a failed fetch is never mistaken for a bad token. */
class KeysUnavailable extends Error {}

function keyLookup(keys: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (header, token) => {
    // Broker tokens always name their key; without a kid jose would try every key.
    if (typeof header.kid !== 'string' || header.kid === '') throw new TokenError('invalid_token', 'The token names no key');
    try {
      return await keys(header, token);
    } catch (error) {
      // The set was fetched and has no (single) key for this kid: the token's fault.
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
      // Anything else happened while fetching or reading the set: network, timeout, non-200, not a JWKS.
      throw new KeysUnavailable('The broker keys could not be fetched', { cause: error });
    }
  };
}

const nullableString = (value: unknown) => value === null || typeof value === 'string';
const nonEmptyString = (value: unknown) => typeof value === 'string' && value !== '';

function isSessionClaims(p: Record<string, unknown>): p is JWTPayload & Omit<SessionClaims, 'aal' | 'org_permissions'> & Partial<Pick<SessionClaims, 'aal' | 'org_permissions'>> {
  return (
    typeof p.iss === 'string' &&
    // One audience: the broker never mints a token for several apps at once.
    nonEmptyString(p.aud) &&
    nonEmptyString(p.sub) &&
    nonEmptyString(p.sid) &&
    nonEmptyString(p.jti) &&
    typeof p.iat === 'number' &&
    typeof p.exp === 'number' &&
    Array.isArray(p.amr) &&
    p.amr.every((method) => typeof method === 'string') &&
    (p.aal === undefined || p.aal === 1 || p.aal === 2) &&
    nullableString(p.org_id) &&
    nullableString(p.org_role) &&
    // Absent from brokers before organizations had roles; when present, a list of strings, and none without an organization.
    (p.org_permissions === undefined || (Array.isArray(p.org_permissions) && p.org_permissions.every((permission) => typeof permission === 'string'))) &&
    (p.org_id !== null || p.org_permissions === undefined || (p.org_permissions as unknown[]).length === 0)
  );
}

function sessionClaims(payload: JWTPayload): SessionClaims {
  if (!isSessionClaims(payload)) throw new TokenError('invalid_token', 'The token does not carry session claims');
  // Defence in depth: the broker never signs a longer-lived token, so such a one is not the broker's.
  if (payload.exp - payload.iat > MAX_TOKEN_LIFETIME_SECONDS) throw new TokenError('invalid_token', 'The token lives longer than a session token may');
  const { iss, aud, sub, sid, jti, iat, exp, amr, aal = 1, org_id, org_role, org_permissions = [] } = payload;
  return { iss, aud, sub, sid, jti, iat, exp, amr: [...amr], aal, org_id, org_role, org_permissions: [...org_permissions] };
}

/** Checks the options once; a mistake in them is the operator's (a TypeError), never a bad token. */
function settings(options: VerifyOptions) {
  const issuer = options.issuer.replace(/\/+$/, '');
  const audience: unknown = options.audience;
  const audiences = typeof audience === 'string' ? [audience] : Array.isArray(audience) ? [...(audience as unknown[])] : [];
  if (audiences.length === 0 || !audiences.every(nonEmptyString)) {
    throw new TypeError('@latchkey/server: `audience` is required: the aud the broker mints for this app (e.g. its origin)');
  }
  const jwksUrl = new URL(options.jwksUrl ?? `${issuer}/.well-known/jwks.json`);
  const jwksMaxAgeSeconds = options.jwksMaxAgeSeconds ?? DEFAULT_JWKS_MAX_AGE_SECONDS;
  if (!(jwksMaxAgeSeconds >= 0 && Number.isFinite(jwksMaxAgeSeconds))) throw new TypeError('@latchkey/server: `jwksMaxAgeSeconds` must be a number of seconds, 0 or more');
  return { issuer, audience: audiences as string[], jwksUrl, jwksMaxAgeMs: jwksMaxAgeSeconds * 1000 };
}

async function verifyWith(getKey: JWTVerifyGetKey, config: ReturnType<typeof settings>, options: VerifyOptions, token: string | null | undefined): Promise<SessionClaims> {
  if (!token) throw new TokenError('missing_token', 'No session token');
  try {
    const { payload } = await jwtVerify(token, getKey, {
      // The allowlist is checked before any key is looked up: `none`, HS256 with
      // the public key as secret (key confusion) and the rest never get that far.
      algorithms: ['ES256'],
      typ: SESSION_TOKEN_TYPE,
      issuer: config.issuer,
      audience: config.audience,
      requiredClaims: ['sub', 'iat', 'exp', 'jti'],
      clockTolerance: options.clockToleranceSeconds ?? 5,
      maxTokenAge: options.maxTokenAgeSeconds ?? 300,
    });
    return sessionClaims(payload);
  } catch (error) {
    if (error instanceof TokenError) throw error;
    if (error instanceof KeysUnavailable) throw new TokenError('jwks_unavailable', error.message, { cause: error.cause });
    if (error instanceof errors.JWTExpired) throw new TokenError('expired_token', 'The token has expired', { cause: error });
    throw new TokenError('invalid_token', 'The token is not valid', { cause: error });
  }
}

/**
 * A verifier for one broker and one app, holding its own JWKS cache (jose's
 * `createRemoteJWKSet`: refetched at once for an unknown kid, at most once a
 * second, and when `jwksMaxAgeSeconds` old, 10 minutes by default). Refuses anything but ES256, any `typ` but
 * `lk-session+jwt`, another issuer, another audience, a missing `exp`, `iat`
 * or `jti`, an expired or too old token, and claims of the wrong shape.
 * Throws a `TypeError` at once for options that cannot work (no audience, a
 * `jwksUrl` that is not a URL).
 *
 * @example
 * const verifier = createVerifier({ issuer: 'https://auth.example.com', audience: 'https://app.example.com' });
 * const claims = await verifier.verify(tokenFromRequest(request));
 */
export function createVerifier(options: VerifyOptions): Verifier {
  const config = settings(options);
  const getKey = keyLookup(remoteKeySet(config.jwksUrl, { maxAgeMs: config.jwksMaxAgeMs }));
  return { verify: (token) => verifyWith(getKey, config, options, token) };
}

/**
 * Verifies a Latchkey session token offline against the broker's JWKS and
 * returns its claims; the checks of `createVerifier`, with one key set shared
 * per JWKS URL for the life of the process. Throws `TokenError`, or a
 * `TypeError` for options that cannot work.
 *
 * @example
 * const claims = await verifyToken(tokenFromRequest(request), { issuer: 'https://auth.example.com', audience: 'https://app.example.com' });
 * console.log(claims.sub, claims.sid);
 */
export async function verifyToken(token: string | null | undefined, options: VerifyOptions): Promise<SessionClaims> {
  const config = settings(options);
  const shared = `${config.jwksMaxAgeMs} ${config.jwksUrl.href}`;
  let keys = sharedKeySets.get(shared);
  if (!keys) sharedKeySets.set(shared, (keys = remoteKeySet(config.jwksUrl, { maxAgeMs: config.jwksMaxAgeMs })));
  return verifyWith(keyLookup(keys), config, options, token);
}

/** The headers of a Fetch `Request` (Hono, Deno, Bun, workers) or of a Node `IncomingMessage`. */
export type RequestWithHeaders = { headers: Headers } | { headers: Record<string, string | string[] | undefined> };

function header(request: RequestWithHeaders, name: 'authorization' | 'cookie'): string | undefined {
  const { headers } = request;
  const value = headers instanceof Headers ? headers.get(name) : headers[name];
  // Two Authorization headers are ambiguous: take neither.
  return typeof value === 'string' ? value : undefined;
}

/**
 * The session token a request carries: `Authorization: Bearer <token>` (the
 * scheme in any case), else the cookie named `cookieName` when one is given.
 * Undefined when there is none; `verifyToken` then throws `missing_token`.
 *
 * @example
 * const token = tokenFromRequest(c.req.raw);                            // Fetch Request
 * const fromCookie = tokenFromRequest(req, { cookieName: 'lk_token' });  // Node IncomingMessage
 */
export function tokenFromRequest(request: RequestWithHeaders, options: { cookieName?: string } = {}): string | undefined {
  const bearer = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header(request, 'authorization') ?? '')?.[1];
  if (bearer) return bearer;
  const cookies = header(request, 'cookie');
  if (!options.cookieName || !cookies) return undefined;
  for (const pair of cookies.split(';')) {
    const at = pair.indexOf('=');
    if (at !== -1 && pair.slice(0, at).trim() === options.cookieName) {
      const value = pair.slice(at + 1).trim();
      try {
        return decodeURIComponent(value) || undefined;
      } catch {
        return undefined; // malformed %-escape: no usable token
      }
    }
  }
  return undefined;
}
