import { SignJWT } from 'jose';
import type { SessionToken } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { randomId } from '../../random.js';
import type { SessionRecord } from '../../storage/queries/index.js';
import { assuranceLevel } from '../sign-in/factors.js';
import { activeSigningKey } from './keys.js';

/** `typ` of session tokens (RFC 8725 §3.11): a verifier can tell them from any other JWT. */
export const SESSION_TOKEN_TYPE = 'lk-session+jwt';

/**
 * The `aud` a mint gets, from the configured `token.audiences`:
 * 1. `?audience=` when the caller asks for one; it must be configured (else 400
 *    `invalid_request`), so no page can mint for an app the broker does not serve;
 * 2. else the request's `Origin` when it is a configured audience (the host
 *    page asking for its own backend, the usual case);
 * 3. else the first configured audience.
 * Exactly one audience per token (RFC 7519 §4.1.3 allows several; one keeps a
 * token for one host app from being accepted by another app of the same broker).
 *
 * @example
 * const aud = tokenAudience(deps.config.token.audiences, c.req.query('audience'), c.req.header('origin'));
 */
export function tokenAudience(audiences: readonly string[], requested: string | undefined, origin: string | undefined): string {
  if (requested !== undefined) {
    if (!audiences.includes(requested)) {
      throw new ProblemError('invalid_request', { errors: [{ path: 'audience', message: 'not one of the broker’s configured token audiences' }] });
    }
    return requested;
  }
  if (origin !== undefined && audiences.includes(origin)) return origin;
  return audiences[0]!;
}

/**
 * Mints the short-lived ES256 token a host backend verifies offline, for one
 * audience (see `tokenAudience`), with a random `jti`.
 *
 * @example
 * const { token } = await issueSessionToken(deps, session, 'https://app.example.com');
 */
export async function issueSessionToken(deps: Deps, session: SessionRecord, audience: string): Promise<SessionToken> {
  const { kid, key } = await activeSigningKey(deps);
  const iat = Math.floor(deps.clock().getTime() / 1000);
  // Never outlive the session itself.
  const exp = Math.min(iat + deps.config.token.ttlSeconds, Math.floor(session.expiresAt.getTime() / 1000));
  // org_role: the user's membership role in the active organization, read with the session (null without one).
  const token = await new SignJWT({ sid: session.id, amr: session.amr, aal: assuranceLevel(session.factors), org_id: session.orgId, org_role: session.orgId ? (session.orgRole ?? null) : null })
    .setProtectedHeader({ alg: 'ES256', kid, typ: SESSION_TOKEN_TYPE })
    .setIssuer(deps.config.publicUrl)
    .setSubject(session.userId)
    .setAudience(audience)
    .setJti(randomId('tok'))
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(key);
  return { token, expires_at: new Date(exp * 1000).toISOString() };
}
