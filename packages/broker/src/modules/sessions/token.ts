import { SignJWT } from 'jose';
import type { SessionToken } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { randomId } from '../../random.js';
import type { MintSession } from '../../storage/queries/index.js';
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

/** The organization a token acts in: its id, the user's role there now and what that role allows. */
export interface TokenOrg {
  id: string | null;
  role: string | null;
  permissions: string[];
}

/** A personal token: no organization, no role, no permission. */
export const PERSONAL: TokenOrg = { id: null, role: null, permissions: [] };

/**
 * Mints the short-lived ES256 token a host backend verifies offline, for one
 * audience (see `tokenAudience`), with a random `jti`, acting in `org` (decided
 * by the caller from the membership read with the session: see orgs/switch.ts).
 *
 * @example
 * const { token } = await issueSessionToken(deps, session, 'https://app.example.com', { id: 'org_…', role: 'admin', permissions });
 */
export async function issueSessionToken(deps: Deps, session: MintSession, audience: string, org: TokenOrg): Promise<SessionToken> {
  const { kid, key } = await activeSigningKey(deps);
  const iat = Math.floor(deps.clock().getTime() / 1000);
  // Never outlive the session itself.
  const exp = Math.min(iat + deps.config.token.ttlSeconds, Math.floor(session.expiresAt.getTime() / 1000));
  const token = await new SignJWT({
    sid: session.id,
    amr: session.amr,
    aal: assuranceLevel(session.factors),
    org_id: org.id,
    org_role: org.role,
    org_permissions: org.permissions,
  })
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
