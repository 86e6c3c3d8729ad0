import type { IdpMfaTrust } from '../orgs/idp-mfa.js';
import type { ProviderIcon, SocialProvider } from '@latchkey/client';
import type { SocialProviderConfig } from '../../config.js';
import type { IdentitySource } from './federated.js';
import type { ConnectionRecord } from '../../storage/queries/index.js';

/**
 * Everything the protocol code needs of one identity provider, whether it
 * comes from a social preset in the configuration or from an organization's
 * enterprise OIDC connection (`providerFromConnection`). Nothing here is
 * preset-specific except what the fields say.
 */
export interface ProviderConfig {
  /** Which configured thing this is: a social provider id, or an organization's connection id. */
  source: IdentitySource['source'];
  name: string;
  icon: ProviderIcon;
  /** `oidc`: discovery from `issuer`, an ID token and userinfo. `oauth2`: fixed endpoints, no ID token. */
  protocol: 'oidc' | 'oauth2';
  /**
   * The issuer identifier: discovered from for `oidc`, and the key identities
   * are stored under (with the subject). For `oauth2`, where no issuer is
   * asserted, a fixed identifier of the provider.
   */
  issuer: string;
  /** Endpoints that replace or stand in for discovered ones. */
  endpoints: { authorization?: string; token?: string; userinfo?: string; emails?: string; jwks?: string };
  clientId: string;
  clientAuth: ClientAuthConfig;
  scopes: string[];
  /** How the account's email and subject are read (`github`: the user API and the verified-emails API). */
  profile: 'oidc' | 'github' | 'userinfo';
  /** Attach a first sign-in to an existing account with the same verified email. */
  linkByEmail: boolean;
  /**
   * Microsoft's multi-tenant endpoints (`common`, `organizations`) publish the issuer
   * `https://login.microsoftonline.com/{tenantid}/v2.0`; the ID token's `iss` must be that with its own `tid`.
   */
  tenantIssuer?: boolean;
  /**
   * An organization's connection: the organization a sign-in through it belongs to, and the
   * role its JIT membership gets. Only addresses of the organization's verified domains sign in.
   */
  membership?: { org: string; role: string };
  /** An organization's connection that trusts its IdP's MFA, and which asserted values count. */
  idpMfa?: IdpMfaTrust;
}

export type ClientAuthConfig =
  | { method: 'client_secret_post' | 'client_secret_basic'; secret: string }
  | { method: 'apple'; teamId: string; keyId: string; privateKey: string }
  | { method: 'private_key_jwt'; privateKey: CryptoKey; keyId?: string }
  | { method: 'none' };

const PRESETS: Record<SocialProviderConfig['preset'], { name: string; icon: ProviderIcon }> = {
  github: { name: 'GitHub', icon: 'github' },
  google: { name: 'Google', icon: 'google' },
  microsoft: { name: 'Microsoft', icon: 'microsoft' },
  apple: { name: 'Apple', icon: 'apple' },
  oauth2: { name: 'OAuth', icon: 'oauth' },
  oidc: { name: 'OpenID', icon: 'oidc' },
};

const originOf = (url: string) => new URL(url).origin;

/**
 * A social provider's protocol settings from its configuration: the preset's
 * endpoints, scopes and profile reading, with any configured override.
 *
 * @example
 * providerFromSocial({ id: 'devhub', preset: 'github', client_id: 'x', client_secret: 'y', authorization_endpoint: 'http://127.0.0.1:8788/devhub/login/oauth/authorize', … });
 */
export function providerFromSocial(p: SocialProviderConfig): ProviderConfig {
  const base = {
    source: { provider: p.id },
    name: p.name ?? PRESETS[p.preset].name,
    icon: PRESETS[p.preset].icon,
    clientId: p.client_id,
    linkByEmail: p.link_by_email,
  };
  const overrides = { authorization: p.authorization_endpoint, token: p.token_endpoint, userinfo: p.userinfo_endpoint, emails: p.emails_endpoint };
  const secret: ClientAuthConfig = p.client_secret ? { method: 'client_secret_post', secret: p.client_secret } : { method: 'none' };
  switch (p.preset) {
    case 'github': {
      const authorization = p.authorization_endpoint ?? 'https://github.com/login/oauth/authorize';
      // GitHub's API lives on another host than its authorization server; a GitHub-style server elsewhere names its own.
      const api = p.authorization_endpoint ? originOf(p.authorization_endpoint) : 'https://api.github.com';
      return {
        ...base,
        protocol: 'oauth2',
        issuer: p.issuer ?? originOf(authorization),
        endpoints: {
          authorization,
          token: p.token_endpoint ?? 'https://github.com/login/oauth/access_token',
          userinfo: p.userinfo_endpoint ?? `${api}/user`,
          emails: p.emails_endpoint ?? `${p.userinfo_endpoint ?? `${api}/user`}/emails`,
        },
        clientAuth: secret,
        scopes: p.scopes ?? ['read:user', 'user:email'],
        profile: 'github',
      };
    }
    case 'google':
      return { ...base, protocol: 'oidc', issuer: p.issuer ?? 'https://accounts.google.com', endpoints: overrides, clientAuth: secret, scopes: p.scopes ?? ['openid', 'email', 'profile'], profile: 'oidc' };
    case 'microsoft': {
      const tenant = p.tenant ?? 'common';
      const multiTenant = ['common', 'organizations', 'consumers'].includes(tenant);
      return {
        ...base,
        protocol: 'oidc',
        issuer: p.issuer ?? `https://login.microsoftonline.com/${tenant}/v2.0`,
        endpoints: overrides,
        clientAuth: secret,
        scopes: p.scopes ?? ['openid', 'email', 'profile'],
        profile: 'oidc',
        tenantIssuer: multiTenant,
      };
    }
    case 'apple':
      return {
        ...base,
        protocol: 'oidc',
        issuer: p.issuer ?? 'https://appleid.apple.com',
        endpoints: overrides,
        clientAuth: p.client_secret ? secret : { method: 'apple', teamId: p.team_id!, keyId: p.key_id!, privateKey: p.private_key! },
        // Apple sends `email`/`name` only with response_mode=form_post, which this broker does not take yet (see README).
        scopes: p.scopes ?? ['openid'],
        profile: 'oidc',
      };
    case 'oidc':
      return { ...base, protocol: 'oidc', issuer: p.issuer!, endpoints: overrides, clientAuth: secret, scopes: p.scopes ?? ['openid', 'email', 'profile'], profile: 'oidc' };
    case 'oauth2':
      return {
        ...base,
        protocol: 'oauth2',
        issuer: p.issuer ?? originOf(p.authorization_endpoint!),
        endpoints: overrides,
        clientAuth: secret,
        scopes: p.scopes ?? [],
        profile: 'userinfo',
      };
  }
}

/**
 * An organization's enterprise OIDC connection as a provider: discovery from its
 * issuer, the token endpoint auth method it stores with its credential opened
 * (`enterprise.ts` opens it). Signing in through it makes a membership in its
 * organization with its default role, and links an existing account by email only
 * where the connection allows it (and only for the organization's verified domains).
 */
export function providerFromConnection(connection: ConnectionRecord & { type: 'oidc' }, clientAuth: ClientAuthConfig): ProviderConfig {
  return {
    source: { connection: connection.id, org: connection.orgId },
    name: connection.name,
    icon: 'oidc',
    protocol: 'oidc',
    issuer: connection.config.issuer,
    endpoints: {},
    clientId: connection.config.clientId,
    clientAuth,
    scopes: connection.config.scopes,
    profile: 'oidc',
    linkByEmail: connection.allowLinking,
    membership: { org: connection.orgId, role: connection.defaultRole },
    ...(connection.config.idpMfa ? { idpMfa: connection.config.idpMfa } : {}),
  };
}

/** The social buttons of the public configuration, in configured order. */
export const socialButtons = (social: SocialProviderConfig[]): SocialProvider[] =>
  social.map((p) => ({ id: p.id, name: p.name ?? PRESETS[p.preset].name, icon: PRESETS[p.preset].icon }));
