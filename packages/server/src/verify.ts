import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { SessionClaims } from './claims.js';
import { TokenError } from './errors.js';

/** The `typ` the broker puts on session tokens; any other JWT is refused. */
export const SESSION_TOKEN_TYPE = 'lk-session+jwt';

export interface VerifyOptions {
  /** The broker's public URL, exactly as it signs `iss`. */
  issuer: string;
  /** Defaults to `<issuer>/.well-known/jwks.json`. */
  jwksUrl?: string;
  /** Leeway for clock differences, seconds. */
  clockToleranceSeconds?: number;
  /** Refuse tokens issued longer ago than this, whatever their `exp` says. */
  maxTokenAgeSeconds?: number;
  /** After fetching the keys, wait this long before fetching again for an unknown `kid` (default 30). */
  jwksCooldownSeconds?: number;
}

// One key set per JWKS URL for the life of the process: keys are fetched once,
// and again only when a token names a kid not seen yet (a rotation).
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
function keySet(url: string, cooldownSeconds: number) {
  const key = `${cooldownSeconds} ${url}`;
  let set = keySets.get(key);
  if (!set) keySets.set(key, (set = createRemoteJWKSet(new URL(url), { cooldownDuration: cooldownSeconds * 1000, cacheMaxAge: 600_000 })));
  return set;
}

function checkShape(payload: JWTPayload): SessionClaims {
  const p = payload as Partial<SessionClaims>;
  const ok =
    typeof p.sub === 'string' &&
    typeof p.sid === 'string' &&
    typeof p.iat === 'number' &&
    typeof p.exp === 'number' &&
    Array.isArray(p.amr) &&
    p.amr.every((m) => typeof m === 'string') &&
    (p.org_id === null || typeof p.org_id === 'string') &&
    (p.org_role === null || typeof p.org_role === 'string');
  if (!ok) throw new TokenError('invalid_token', 'The token is missing session claims');
  return { iss: p.iss!, sub: p.sub!, sid: p.sid!, iat: p.iat!, exp: p.exp!, amr: p.amr!, org_id: p.org_id ?? null, org_role: p.org_role ?? null };
}

/**
 * Verifies a Latchkey session token offline against the broker's JWKS: ES256
 * only, the session-token `typ`, the issuer, `exp` and `iat`.
 *
 * @example
 * const claims = await verifyToken(token, { issuer: 'https://auth.example.com' });
 * console.log(claims.sub, claims.sid);
 */
export async function verifyToken(token: string | undefined, options: VerifyOptions): Promise<SessionClaims> {
  if (!token) throw new TokenError('missing_token', 'No session token');
  const issuer = options.issuer.replace(/\/+$/, '');
  try {
    const { payload } = await jwtVerify(token, keySet(options.jwksUrl ?? `${issuer}/.well-known/jwks.json`, options.jwksCooldownSeconds ?? 30), {
      algorithms: ['ES256'],
      typ: SESSION_TOKEN_TYPE,
      issuer,
      requiredClaims: ['sub', 'iat', 'exp'],
      clockTolerance: options.clockToleranceSeconds ?? 5,
      maxTokenAge: options.maxTokenAgeSeconds ?? 300,
    });
    return checkShape(payload);
  } catch (error) {
    if (error instanceof TokenError) throw error;
    if (error instanceof errors.JWTExpired) throw new TokenError('expired_token', 'The token has expired', { cause: error });
    // jose raises its own errors for bad tokens; anything else (fetch failed) or a broken key set means the keys were unreachable.
    const keysUnreachable =
      !(error instanceof errors.JOSEError) ||
      error instanceof errors.JWKSTimeout ||
      error instanceof errors.JWKSInvalid ||
      /JSON Web Key Set HTTP response/.test(error.message);
    if (keysUnreachable) throw new TokenError('jwks_unavailable', 'The broker keys could not be fetched', { cause: error });
    throw new TokenError('invalid_token', 'The token is not valid', { cause: error });
  }
}

/**
 * The token of a request: `Authorization: Bearer <token>`, else the named cookie.
 *
 * @example
 * const token = tokenFromHeaders(req.headers.authorization, req.headers.cookie, 'lk_token');
 */
export function tokenFromHeaders(authorization: string | null | undefined, cookie?: string | null, cookieName?: string): string | undefined {
  const bearer = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(authorization ?? '')?.[1];
  if (bearer) return bearer;
  if (!cookie || !cookieName) return undefined;
  for (const part of cookie.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === cookieName) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

/** The RFC 9457 body of a refused token, shared by the Hono and Node helpers. */
export function unauthorizedProblem(error: unknown) {
  const unavailable = error instanceof TokenError && error.code === 'jwks_unavailable';
  return {
    status: unavailable ? 503 : 401,
    headers: {
      'content-type': 'application/problem+json',
      ...(unavailable ? {} : { 'www-authenticate': 'Bearer error="invalid_token"' }),
    },
    body: unavailable
      ? { type: 'urn:latchkey:problem:internal_error', code: 'internal_error', title: 'Token keys are unavailable', status: 503 }
      : { type: 'urn:latchkey:problem:unauthenticated', code: 'unauthenticated', title: 'Not signed in', status: 401 },
  };
}
