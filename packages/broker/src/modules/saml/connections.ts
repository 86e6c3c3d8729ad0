import { X509Certificate } from 'node:crypto';
import type { z } from 'zod';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { randomId } from '../../random.js';
import { isLoopbackUrl } from '../../config.js';
import { insertConnection, updateConnection, type ConnectionRecord, type OrganizationRecord, type SamlConnectionConfig } from '../../storage/queries/index.js';
import type { Db } from '../../storage/storage.js';
import type { createSamlConnectionSchema, updateSamlConnectionSchema } from '../admin/schema.js';
import { SamlRejection } from './checks.js';
import { spUrls } from './config.js';
import { certificateBody, parseIdpMetadata, type IdpMetadata } from './metadata.js';
import { newSpKey } from './sp-key.js';
import { samlIdpMfaOf, withIdpMfa } from '../orgs/idp-mfa.js';

const invalid = (path: string, message: string) => new ProblemError('invalid_request', { errors: [{ path, message }] });

/** A signing certificate an IdP may use: X.509 that parses, RSA of 2048 bits or more, or EC. */
function checkCertificate(body: string, path: string): void {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(Buffer.from(body, 'base64'));
  } catch {
    throw invalid(path, 'not an X.509 certificate (base64 DER or PEM)');
  }
  const key = cert.publicKey;
  if (key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw invalid(path, 'an RSA key shorter than 2048 bits');
  if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'ec') throw invalid(path, `a ${key.asymmetricKeyType} key; RSA or EC only`);
}

type IdpFields = { metadata_xml?: string | undefined; metadata_url?: string | undefined; entity_id?: string | undefined; sso_url?: string | undefined; certificates?: string[] | undefined };
type SamlFields = z.output<typeof updateSamlConnectionSchema>;

/** The IdP as a request gives it: parsed metadata (XML or fetched URL), or the fields given by hand over `current`. */
async function idpOf(deps: Deps, body: IdpFields, current?: IdpMetadata): Promise<IdpMetadata | undefined> {
  const parse = (xml: string, path: string) => {
    try {
      return parseIdpMetadata(xml);
    } catch (error) {
      if (error instanceof SamlRejection) throw invalid(path, error.message);
      throw error;
    }
  };
  if (body.metadata_xml !== undefined) return parse(body.metadata_xml, 'metadata_xml');
  if (body.metadata_url !== undefined) {
    if (!body.metadata_url.startsWith('https:') && !(deps.config.dev && isLoopbackUrl(body.metadata_url))) throw invalid('metadata_url', 'must be https (plain http only for a loopback IdP in dev mode)');
    let xml: string;
    try {
      const response = await deps.fetch(body.metadata_url, { headers: { accept: 'application/samlmetadata+xml, application/xml, text/xml' } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      xml = await response.text();
    } catch (error) {
      throw invalid('metadata_url', `could not be fetched: ${error instanceof Error ? error.message : String(error)}`);
    }
    return parse(xml, 'metadata_url');
  }
  if (body.entity_id === undefined && body.sso_url === undefined && body.certificates === undefined) return undefined;
  return {
    entityId: body.entity_id ?? current!.entityId,
    ssoUrl: body.sso_url ?? current!.ssoUrl,
    certificates: body.certificates?.map(certificateBody) ?? current!.certificates,
  };
}

/** Checks what an IdP's metadata gives before anything is written: the SSO URL (https, or a loopback IdP in dev mode) and each certificate. */
function checkIdp(deps: Deps, idp: IdpMetadata, byHand: boolean): void {
  const sso = URL.canParse(idp.ssoUrl) ? new URL(idp.ssoUrl) : undefined;
  if (!sso || !(sso.protocol === 'https:' || (deps.config.dev && isLoopbackUrl(idp.ssoUrl)))) {
    throw invalid(byHand ? 'sso_url' : 'metadata', `SSO URL ${idp.ssoUrl} must be https (plain http only for a loopback IdP in dev mode)`);
  }
  idp.certificates.forEach((cert, i) => checkCertificate(cert, byHand ? `certificates.${i}` : 'metadata'));
}

/** A connection's config: the IdP, and every other field given, over `base`. */
function samlConfig(idp: IdpMetadata, body: SamlFields, base?: SamlConnectionConfig): SamlConnectionConfig {
  const attributes = body.attributes;
  return {
    idpEntityId: idp.entityId,
    ssoUrl: idp.ssoUrl,
    certificates: idp.certificates,
    attributes: attributes || body.attribute_preset
      ? {
          preset: body.attribute_preset ?? base?.attributes.preset ?? 'custom',
          ...(attributes?.email ? { email: attributes.email } : {}),
          ...(attributes?.first_name ? { firstName: attributes.first_name } : {}),
          ...(attributes?.last_name ? { lastName: attributes.last_name } : {}),
          ...(attributes?.groups ? { groups: attributes.groups } : {}),
        }
      : (base?.attributes ?? { preset: 'custom' }),
    groupRoles: body.group_roles ?? base?.groupRoles ?? {},
    wantResponseSigned: body.want_response_signed ?? base?.wantResponseSigned ?? false,
    clockSkewSeconds: body.clock_skew_seconds ?? base?.clockSkewSeconds ?? 60,
    signRequests: body.sign_requests ?? base?.signRequests ?? false,
    encryptAssertions: body.encrypt_assertions ?? base?.encryptAssertions ?? false,
    ...(base?.spCertificate ? { spCertificate: base.spCertificate } : {}),
    ...withIdpMfa(samlIdpMfaOf(body, base?.idpMfa)),
  };
}

/**
 * The SP key a connection needs once it signs requests or takes encrypted assertions:
 * made the first time (and kept after, so the IdP's copy of the certificate stays good
 * when either is turned off and on again). Answers the config with its certificate
 * and the sealed key for the row, or nothing to change.
 */
async function withSpKey(deps: Deps, connectionId: string, config: SamlConnectionConfig): Promise<{ config: SamlConnectionConfig; sealedSecret: string } | undefined> {
  if (config.spCertificate || !(config.signRequests || config.encryptAssertions)) return undefined;
  const { key, sealed } = await newSpKey(deps, connectionId, spUrls(deps.config, connectionId).entityId);
  return { config: { ...config, spCertificate: key.certificate }, sealedSecret: sealed };
}

const byHand = (body: IdpFields) => body.metadata_xml === undefined && body.metadata_url === undefined;

/**
 * Stores a SAML connection for `org` from its IdP's metadata (XML or URL) or by hand.
 * Everything is checked before the one write.
 */
export async function createSamlConnection(
  deps: Deps,
  org: OrganizationRecord,
  body: z.output<typeof createSamlConnectionSchema>,
  written?: (tx: Db, connection: ConnectionRecord) => Promise<void>,
): Promise<ConnectionRecord> {
  const idp = (await idpOf(deps, body))!;
  checkIdp(deps, idp, byHand(body));
  const id = randomId('con');
  const config = samlConfig(idp, body);
  const keyed = await withSpKey(deps, id, config);
  // The metadata fetch and the key are done; only the write (and `written`, the admin API's audit event) holds a transaction.
  return deps.storage.transaction(async (tx) => {
    const connection = await insertConnection(tx, {
      id,
      orgId: org.id,
      type: 'saml',
      name: body.name ?? org.name,
      enabled: body.enabled ?? true,
      config: keyed?.config ?? config,
      sealedSecret: keyed?.sealedSecret ?? null,
      defaultRole: body.default_role ?? 'member',
      allowLinking: body.allow_linking ?? false,
      idpInitiated: body.idp_initiated ?? false,
      createdAt: deps.clock(),
    });
    await written?.(tx, connection);
    return connection;
  });
}

/**
 * Changes a SAML connection: new metadata or certificates (a rotation: list the old and the
 * new one until the IdP has switched), attribute mapping, roles, flags. Undefined when the
 * connection vanished meanwhile.
 */
export async function updateSamlConnection(
  deps: Deps,
  existing: ConnectionRecord & { type: 'saml' },
  change: SamlFields,
  written?: (tx: Db, connection: ConnectionRecord) => Promise<void>,
): Promise<ConnectionRecord | undefined> {
  const current = { entityId: existing.config.idpEntityId, ssoUrl: existing.config.ssoUrl, certificates: existing.config.certificates };
  const idp = (await idpOf(deps, change, current)) ?? current;
  if (idp !== current) checkIdp(deps, idp, byHand(change));
  const config = samlConfig(idp, change, existing.config);
  const keyed = await withSpKey(deps, existing.id, config);
  return deps.storage.transaction(async (tx) => {
    const updated = await updateConnection(tx, existing.orgId, {
      id: existing.id,
      name: change.name ?? existing.name,
      enabled: change.enabled ?? existing.enabled,
      config: keyed?.config ?? config,
      sealedSecret: keyed?.sealedSecret ?? existing.sealedSecret,
      defaultRole: change.default_role ?? existing.defaultRole,
      allowLinking: change.allow_linking ?? existing.allowLinking,
      idpInitiated: change.idp_initiated ?? existing.idpInitiated,
      updatedAt: deps.clock(),
    });
    if (updated) await written?.(tx, updated);
    return updated;
  });
}
