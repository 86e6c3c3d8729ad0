import type { Deps } from '../../deps.js';
import { randomId } from '../../random.js';
import { findIdentity, findUserByEmail, findUserById, insertIdentity, insertUser, touchIdentity, type SessionUser, type UserRecord } from '../../storage/queries/index.js';
import type { Db } from '../../storage/storage.js';
import { assertedEmail } from '../email/schema.js';
import { requireOwnDomain } from './enterprise.js';
import { IdpFailure, type ExternalIdentity } from './protocol.js';
import type { IdentitySource } from './federated.js';

/** Who a trip signs in, and whether it added a way into an account that existed before (the owner is told). */
export interface ResolvedIdentity {
  user: SessionUser;
  connected: boolean;
}

const sessionUser = ({ passwordHash: _p, updatedAt: _u, ...user }: UserRecord): SessionUser => user;

/**
 * The account an external identity signs in to, in the caller's transaction.
 * Identities are keyed by issuer and subject, never by email:
 * - a known identity signs in its own user (or, linking, must already be the linking user's);
 * - linking (`linkUserId`) attaches a new identity to that signed-in user;
 * - otherwise a verified, exactly equal email (after the broker's normalization,
 *   no compatibility folding) of an existing account attaches only where the
 *   provider is configured to link by email; any other match is `not_linkable`;
 * - otherwise a new account is made with the verified email (JIT), never with an unverified one
 *   (an organization's connection: an address at the organization's verified domain).
 * An organization's connection takes only addresses of its organization's verified domains.
 */
export async function resolveIdentity(tx: Db, deps: Deps, provider: IdentitySource, external: ExternalIdentity, linkUserId: string | null): Promise<ResolvedIdentity> {
  const now = deps.clock();
  const email = assertedEmail(external.email);
  const emailVerified = email !== null && external.emailVerified;
  // An organization's connection signs in addresses of that organization's verified domains only.
  await requireOwnDomain(tx, provider, email);
  const known = await findIdentity(tx, external.issuer, external.subject);
  if (known) {
    if (linkUserId !== null && known.userId !== linkUserId) throw new IdpFailure('not_linkable', 'that identity belongs to another account');
    const user = await findUserById(tx, known.userId);
    if (!user) throw new IdpFailure('idp_error', 'the identity has no account');
    await touchIdentity(tx, known.id, { email, emailVerified, at: now });
    return { user: sessionUser(user), connected: false };
  }
  const attach = async (user: UserRecord) => {
    await insertIdentity(tx, {
      id: randomId('idn'),
      userId: user.id,
      issuer: external.issuer,
      subject: external.subject,
      provider: 'provider' in provider.source ? provider.source.provider : null,
      connectionId: 'connection' in provider.source ? provider.source.connection : null,
      email,
      emailVerified,
      createdAt: now,
    });
    return { user: sessionUser(user), connected: true };
  };
  if (linkUserId !== null) {
    const user = await findUserById(tx, linkUserId);
    if (!user) throw new IdpFailure('idp_error', 'the linking account is gone');
    return attach(user);
  }
  const existing = email === null ? undefined : await findUserByEmail(tx, email);
  if (existing) {
    if (emailVerified && provider.linkByEmail && existing.emailVerifiedAt !== null) return attach(existing);
    throw new IdpFailure('not_linkable', emailVerified ? 'an account has that email and this provider does not link by email' : 'an account has that email, which the provider does not assert as verified');
  }
  // A connection's address is at a domain its organization verified (above): the organization vouches for
  // it even where its IdP asserts no `email_verified` (Entra ID sends none). Linking, above, still needs it.
  if (email === null || (!emailVerified && !provider.membership)) throw new IdpFailure('idp_error', email === null ? 'the provider asserts no usable email address' : 'the provider does not assert the email as verified');
  const user = await insertUser(tx, { id: randomId('usr'), email, emailVerifiedAt: now, passwordHash: null, name: external.name, createdAt: now });
  const { connected: _new } = await attach(user);
  // A new account's first way in adds no way into an existing one: no notice.
  return { user: sessionUser(user), connected: false };
}
