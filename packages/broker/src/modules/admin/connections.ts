import type { z } from 'zod';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import type { Db } from '../../storage/storage.js';
import { randomId } from '../../random.js';
import {
  insertConnection,
  updateConnection,
  type ConnectionRecord,
  type OidcConnectionConfig,
  type OrganizationRecord,
} from '../../storage/queries/index.js';
import { oidcIdpMfaOf, withIdpMfa } from '../orgs/idp-mfa.js';
import { issuerProblem, preparePrivateKey, sealConnectionCredential, type ConnectionCredential } from '../orgs/connections.js';
import { credentialOf, type createOidcConnectionSchema, type updateConnectionSchema } from './schema.js';

const DEFAULT_SCOPES = ['email', 'profile'];

/** Called in the transaction that stored a connection (the admin API records its audit event there). */
export type ConnectionWritten = (tx: Db, connection: ConnectionRecord) => Promise<void>;

const invalid = (path: string, message: string) => new ProblemError('invalid_request', { errors: [{ path, message }] });

/** `openid` first, always, then the rest as given. */
const withOpenid = (scopes: string[]) => ['openid', ...scopes.filter((scope) => scope !== 'openid')];

function checkIssuer(deps: Deps, issuer: string) {
  const problem = issuerProblem(deps.config, issuer);
  if (problem) throw invalid('issuer', problem);
}

/** The credential a request carries, checked: a client secret as is, a private JWK imported and given its kid. */
async function credentialOfRequest(body: { client_secret?: string; private_key_jwk?: Record<string, unknown> }) {
  if (body.client_secret !== undefined) return { credential: { kind: 'client_secret', secret: body.client_secret } as ConnectionCredential };
  if (body.private_key_jwk === undefined) return undefined;
  const prepared = await preparePrivateKey(body.private_key_jwk);
  if ('problem' in prepared) throw invalid('private_key_jwk', prepared.problem);
  return { credential: { kind: 'private_key', jwk: prepared.privateJwk } as ConnectionCredential, publicJwk: prepared.publicJwk };
}

/**
 * Stores an enterprise OIDC connection for `org`, its credential sealed. Everything is
 * checked before the one write, so a refused request leaves nothing behind; `written`
 * runs in the write's transaction.
 */
export async function createOidcConnection(
  deps: Deps,
  org: OrganizationRecord,
  body: z.output<typeof createOidcConnectionSchema>,
  written?: ConnectionWritten,
): Promise<ConnectionRecord> {
  checkIssuer(deps, body.issuer);
  const method = body.token_endpoint_auth_method ?? (body.private_key_jwk ? 'private_key_jwt' : 'client_secret_basic');
  const given = (await credentialOfRequest(body))!;
  const id = randomId('con');
  const config: OidcConnectionConfig = {
    issuer: body.issuer,
    clientId: body.client_id,
    tokenEndpointAuthMethod: method,
    scopes: withOpenid(body.scopes ?? DEFAULT_SCOPES),
    ...(given.publicJwk ? { publicJwk: given.publicJwk } : {}),
    ...withIdpMfa(oidcIdpMfaOf(body)),
  };
  const sealedSecret = sealConnectionCredential(await deps.secret(), id, given.credential);
  return deps.storage.transaction(async (tx) => {
    const connection = await insertConnection(tx, {
      id,
      orgId: org.id,
      type: 'oidc',
      name: body.name ?? org.name,
      enabled: body.enabled ?? true,
      config,
      sealedSecret,
      defaultRole: body.default_role ?? 'member',
      allowLinking: body.allow_linking ?? false,
      createdAt: deps.clock(),
    });
    await written?.(tx, connection);
    return connection;
  });
}

/**
 * Changes an OIDC connection. A new token endpoint auth method of the other kind
 * (secret ↔ private key) needs its credential in the same request; a credential must
 * fit the method in force. Undefined when the connection vanished meanwhile.
 */
export async function updateOidcConnection(
  deps: Deps,
  existing: ConnectionRecord & { type: 'oidc' },
  change: z.output<typeof updateConnectionSchema>,
  written?: ConnectionWritten,
): Promise<ConnectionRecord | undefined> {
  if (change.issuer !== undefined) checkIssuer(deps, change.issuer);
  const method = change.token_endpoint_auth_method ?? existing.config.tokenEndpointAuthMethod;
  const needs = credentialOf(method);
  const other = needs === 'client_secret' ? 'private_key_jwk' : 'client_secret';
  if (change[other] !== undefined) throw invalid(other, `not taken with token_endpoint_auth_method ${method}`);
  if (change[needs] === undefined && credentialOf(existing.config.tokenEndpointAuthMethod) !== needs) {
    throw invalid(needs, `required to change token_endpoint_auth_method to ${method}`);
  }
  const given = await credentialOfRequest(change);
  const { publicJwk: _old, idpMfa: _trust, ...kept } = existing.config;
  const publicJwk = method === 'private_key_jwt' ? (given?.publicJwk ?? existing.config.publicJwk) : undefined;
  const config: OidcConnectionConfig = {
    ...kept,
    issuer: change.issuer ?? existing.config.issuer,
    clientId: change.client_id ?? existing.config.clientId,
    tokenEndpointAuthMethod: method,
    scopes: change.scopes ? withOpenid(change.scopes) : existing.config.scopes,
    ...(publicJwk ? { publicJwk } : {}),
    ...withIdpMfa(oidcIdpMfaOf(change, existing.config.idpMfa)),
  };
  const sealedSecret = given ? sealConnectionCredential(await deps.secret(), existing.id, given.credential) : existing.sealedSecret;
  return deps.storage.transaction(async (tx) => {
    const updated = await updateConnection(tx, existing.orgId, {
      id: existing.id,
      name: change.name ?? existing.name,
      enabled: change.enabled ?? existing.enabled,
      config,
      sealedSecret,
      defaultRole: change.default_role ?? existing.defaultRole,
      allowLinking: change.allow_linking ?? existing.allowLinking,
      idpInitiated: existing.idpInitiated,
      updatedAt: deps.clock(),
    });
    if (updated) await written?.(tx, updated);
    return updated;
  });
}
