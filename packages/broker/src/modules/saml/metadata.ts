import { checkMarkup, parseXml, SamlRejection } from './checks.js';

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';

/** What a connection needs of an IdP's metadata. */
export interface IdpMetadata {
  entityId: string;
  /** SingleSignOnService for the HTTP-Redirect binding. */
  ssoUrl: string;
  /** Signing certificates, base64 DER without whitespace (several during a rotation). */
  certificates: string[];
}

/** A base64 DER certificate as metadata and admins write it: whitespace and PEM armour taken off. */
export function certificateBody(input: string): string {
  return input.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}

/**
 * Reads an IdP's metadata (an EntityDescriptor, or the first with an IDPSSODescriptor in an
 * EntitiesDescriptor): its entity ID, the HTTP-Redirect SSO URL and the signing certificates
 * (KeyDescriptors with `use="signing"` or no `use`). Shaped like what Okta, Entra ID, Google
 * Workspace, OneLogin and ADFS publish. Refuses a DOCTYPE, deep nesting and anything incomplete
 * with `SamlRejection`.
 */
export function parseIdpMetadata(xml: string): IdpMetadata {
  checkMarkup(xml);
  const doc = parseXml(xml);
  const idp = Array.from(doc.getElementsByTagNameNS(MD, 'IDPSSODescriptor') as unknown as ArrayLike<NonNullable<typeof doc.documentElement>>)[0];
  if (!idp) throw new SamlRejection('metadata', 'no IDPSSODescriptor');
  const entity = idp.parentNode as typeof idp;
  const entityId = entity?.getAttribute?.('entityID')?.trim();
  if (!entityId) throw new SamlRejection('metadata', 'the EntityDescriptor has no entityID');
  const elementsOf = (parent: typeof idp, ns: string, name: string) => Array.from(parent.getElementsByTagNameNS(ns, name) as unknown as ArrayLike<typeof idp>);
  const sso = elementsOf(idp, MD, 'SingleSignOnService').find((service) => service.getAttribute('Binding') === REDIRECT)?.getAttribute('Location')?.trim();
  if (!sso) throw new SamlRejection('metadata', 'no SingleSignOnService for the HTTP-Redirect binding');
  const certificates = elementsOf(idp, MD, 'KeyDescriptor')
    .filter((key) => (key.getAttribute('use') || 'signing') === 'signing')
    .flatMap((key) => elementsOf(key, DSIG, 'X509Certificate').map((cert) => certificateBody(cert.textContent ?? '')))
    .filter((body, i, list) => body.length > 0 && list.indexOf(body) === i);
  if (certificates.length === 0) throw new SamlRejection('metadata', 'no signing certificate');
  return { entityId, ssoUrl: sso, certificates };
}
