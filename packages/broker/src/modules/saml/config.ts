import type { Profile } from '@node-saml/node-saml';
import type { BrokerConfig } from '../../config.js';
import type { SamlConnectionConfig } from '../../storage/queries/index.js';

/**
 * A SAML connection's service provider, per connection at stable URLs under the broker:
 * the metadata URL doubles as the SP entity ID (the common convention: an IdP admin
 * can paste one URL), the ACS takes the IdP's POST.
 *
 * @example
 * spUrls(deps.config, 'con_1'); // { entityId: 'https://auth.example.com/v1/saml/con_1/metadata', acsUrl: '…/v1/saml/con_1/acs', … }
 */
export function spUrls(config: Pick<BrokerConfig, 'publicUrl'>, connectionId: string) {
  const base = `${config.publicUrl}/v1/saml/${connectionId}`;
  return { entityId: `${base}/metadata`, metadataUrl: `${base}/metadata`, acsUrl: `${base}/acs` };
}

/** The attribute names each IdP sends by default (or that its setup guide in the README tells the admin to use). */
export const ATTRIBUTE_PRESETS: Record<SamlConnectionConfig['attributes']['preset'], { email: string; firstName: string; lastName: string; groups: string }> = {
  okta: { email: 'email', firstName: 'firstName', lastName: 'lastName', groups: 'groups' },
  google: { email: 'email', firstName: 'firstName', lastName: 'lastName', groups: 'groups' },
  entra: {
    email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
    firstName: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname',
    lastName: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname',
    groups: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups',
  },
  custom: { email: 'email', firstName: 'firstName', lastName: 'lastName', groups: 'groups' },
};

/** What a validated assertion says about its subject, mapped by the connection's attribute names. */
export interface MappedSubject {
  nameId: string;
  email: string | null;
  name: string | null;
  groups: string[];
  /** The organization role the groups map to, if any. */
  role: string | null;
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]).filter((v): v is string => typeof v === 'string');

/**
 * Maps node-saml's validated profile (never the raw XML) through the connection's
 * attribute names: email (else the NameID when it is an email address), the
 * display name, the groups, and the first mapped group's role.
 */
export function mapSubject(config: SamlConnectionConfig, profile: Profile): MappedSubject {
  const names = { ...ATTRIBUTE_PRESETS[config.attributes.preset], ...Object.fromEntries(Object.entries(config.attributes).filter(([k, v]) => k !== 'preset' && v)) };
  const first = (attribute: string) => strings(profile[attribute])[0]?.trim() || null;
  const nameIdIsEmail = profile.nameIDFormat === 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
  const email = first(names.email) ?? (nameIdIsEmail ? profile.nameID.trim() || null : null);
  const name = [first(names.firstName), first(names.lastName)].filter(Boolean).join(' ') || null;
  const groups = strings(profile[names.groups]);
  const mapped = Object.entries(config.groupRoles).find(([group]) => groups.includes(group));
  return { nameId: profile.nameID, email, name, groups, role: mapped?.[1] ?? null };
}
