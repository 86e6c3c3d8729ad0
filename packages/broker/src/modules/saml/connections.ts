import { X509Certificate } from 'node:crypto';
import type { z } from 'zod';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { randomId } from '../../random.js';
import { insertConnection, type ConnectionRecord, type OrganizationRecord, type SamlConnectionConfig } from '../../storage/queries/index.js';
import type { createSamlConnectionSchema } from '../admin/schema.js';
import { SamlRejection } from './checks.js';
import { certificateBody, parseIdpMetadata, type IdpMetadata } from './metadata.js';

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

async function metadataOf(deps: Deps, body: z.output<typeof createSamlConnectionSchema>): Promise<IdpMetadata> {
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
    if (!body.metadata_url.startsWith('https:') && !(deps.config.dev && /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(body.metadata_url))) throw invalid('metadata_url', 'must be https (plain http only for a loopback IdP in dev mode)');
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
  return { entityId: body.entity_id!, ssoUrl: body.sso_url!, certificates: body.certificates!.map(certificateBody) };
}

/**
 * Stores a SAML connection for `org` from its IdP's metadata (XML or URL) or by hand.
 * Everything is checked before the one write: the SSO URL (https, or a loopback IdP in dev
 * mode) and each certificate.
 */
export async function createSamlConnection(deps: Deps, org: OrganizationRecord, body: z.output<typeof createSamlConnectionSchema>): Promise<ConnectionRecord> {
  const metadata = await metadataOf(deps, body);
  const sso = URL.canParse(metadata.ssoUrl) ? new URL(metadata.ssoUrl) : undefined;
  if (!sso || !(sso.protocol === 'https:' || (deps.config.dev && sso.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(sso.hostname)))) {
    throw invalid(body.sso_url !== undefined ? 'sso_url' : 'metadata', `SSO URL ${metadata.ssoUrl} must be https (plain http only for a loopback IdP in dev mode)`);
  }
  metadata.certificates.forEach((cert, i) => checkCertificate(cert, body.certificates ? `certificates.${i}` : 'metadata'));
  const config: SamlConnectionConfig = {
    idpEntityId: metadata.entityId,
    ssoUrl: metadata.ssoUrl,
    certificates: metadata.certificates,
    attributes: {
      preset: body.attribute_preset ?? 'custom',
      ...(body.attributes?.email ? { email: body.attributes.email } : {}),
      ...(body.attributes?.first_name ? { firstName: body.attributes.first_name } : {}),
      ...(body.attributes?.last_name ? { lastName: body.attributes.last_name } : {}),
      ...(body.attributes?.groups ? { groups: body.attributes.groups } : {}),
    },
    groupRoles: body.group_roles ?? {},
    wantResponseSigned: body.want_response_signed ?? false,
    clockSkewSeconds: body.clock_skew_seconds ?? 60,
  };
  return insertConnection(deps.storage, {
    id: randomId('con'),
    orgId: org.id,
    type: 'saml',
    name: body.name ?? org.name,
    enabled: body.enabled ?? true,
    config,
    sealedSecret: null,
    defaultRole: body.default_role ?? 'member',
    allowLinking: body.allow_linking ?? false,
    idpInitiated: body.idp_initiated ?? false,
    createdAt: deps.clock(),
  });
}
