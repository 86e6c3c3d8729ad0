import { importJWK } from 'jose';
import { SealedValueError } from '../../crypto/sealing.js';
import type { Deps } from '../../deps.js';
import { findOrganizationConnection, upsertMembership, type ConnectionRecord } from '../../storage/queries/index.js';
import type { Db } from '../../storage/storage.js';
import { connectionCredential } from '../orgs/connections.js';
import { ssoOf } from '../orgs/sso.js';
import type { IdentitySource } from './federated.js';
import { IdpFailure } from './protocol.js';
import { providerFromConnection, type ClientAuthConfig, type ProviderConfig } from './providers.js';

/**
 * Enterprise sign-in through an organization's OIDC connection, in one place:
 * the provider of a stored connection (credential opened), the organization-domain
 * rule, and JIT membership. (Home-realm discovery is `orgs/sso.ts`.)
 */

/** The client authentication a connection's stored method and credential make. */
async function clientAuthOf(deps: Deps, connection: ConnectionRecord & { type: 'oidc' }): Promise<ClientAuthConfig> {
  const credential = await connectionCredential(deps, connection);
  if (!credential) return { method: 'none' };
  if (credential.kind === 'private_key') {
    // Not extractable: the opened key signs client assertions and nothing can read it back.
    const key = (await importJWK(credential.jwk, credential.jwk.alg, { extractable: false })) as CryptoKey;
    return { method: 'private_key_jwt', privateKey: key, keyId: credential.jwk.kid };
  }
  return { method: connection.config.tokenEndpointAuthMethod === 'client_secret_post' ? 'client_secret_post' : 'client_secret_basic', secret: credential.secret };
}

/**
 * A connection as a provider, or undefined when it cannot sign anyone in: not an
 * enabled OIDC connection, or its credential does not open under this broker's secret.
 */
export async function providerOfConnection(deps: Deps, connection: ConnectionRecord): Promise<ProviderConfig | undefined> {
  if (connection.type !== 'oidc' || !connection.enabled) return undefined;
  try {
    return providerFromConnection(connection, await clientAuthOf(deps, connection));
  } catch (error) {
    if (!(error instanceof SealedValueError)) throw error;
    console.warn(`[latchkey] connection ${connection.id}: its credential does not open (sealed under another broker secret?)`);
    return undefined;
  }
}

/**
 * The provider of a trip's connection at the callback: found only as a connection of
 * the organization the trip was opened for (an id moved to or copied from another
 * organization finds nothing), enabled, its credential opened.
 */
export async function tripConnection(deps: Deps, source: { connection: string; org: string }): Promise<ProviderConfig | undefined> {
  const connection = await findOrganizationConnection(deps.storage, source.org, source.connection);
  return connection ? providerOfConnection(deps, connection) : undefined;
}

/**
 * A connection signs in only addresses of its own organization's verified domains:
 * an IdP of organization A can neither make nor take over an account at organization
 * B's domain, nor at a domain nobody verified. Throws `not_linkable` otherwise.
 */
export async function requireOwnDomain(tx: Db, provider: IdentitySource, email: string | null): Promise<void> {
  if (!provider.membership) return;
  const sso = email === null ? undefined : await ssoOf(tx, email);
  if (sso?.org.id !== provider.membership.org) {
    throw new IdpFailure('not_linkable', `the address ${email ?? '(none)'} is not at a verified domain of organization ${provider.membership.org}`);
  }
}

/**
 * JIT provisioning: a sign-in through an organization's connection makes its user a member.
 * An existing role is kept, unless the connection maps IdP groups to roles: then the IdP
 * decides at every sign-in (a user taken out of the admins group is an admin no more).
 */
export async function provisionMembership(tx: Db, deps: Deps, provider: IdentitySource, userId: string): Promise<void> {
  if (!provider.membership) return;
  const { org, role, followIdp } = provider.membership;
  await upsertMembership(tx, { orgId: org, userId, role, createdAt: deps.clock() }, { replaceRole: followIdp === true });
}
