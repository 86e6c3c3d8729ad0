import { SignJWT } from 'jose';
import type { SessionToken } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import type { SessionRecord } from '../../storage/queries/index.js';
import { activeSigningKey } from './keys.js';

/** `typ` of session tokens (RFC 8725 §3.11): a verifier can tell them from any other JWT. */
export const SESSION_TOKEN_TYPE = 'lk-session+jwt';

/**
 * Mints the short-lived ES256 token a host backend verifies offline.
 *
 * @example
 * const { token } = await issueSessionToken(deps, session);
 */
export async function issueSessionToken(deps: Deps, session: SessionRecord): Promise<SessionToken> {
  const { kid, key } = await activeSigningKey(deps);
  const iat = Math.floor(deps.clock().getTime() / 1000);
  // Never outlive the session itself.
  const exp = Math.min(iat + deps.config.token.ttlSeconds, Math.floor(session.expiresAt.getTime() / 1000));
  const token = await new SignJWT({ sid: session.id, amr: session.amr, org_id: null, org_role: null })
    .setProtectedHeader({ alg: 'ES256', kid, typ: SESSION_TOKEN_TYPE })
    .setIssuer(deps.config.publicUrl)
    .setSubject(session.userId)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(key);
  return { token, expires_at: new Date(exp * 1000).toISOString() };
}
