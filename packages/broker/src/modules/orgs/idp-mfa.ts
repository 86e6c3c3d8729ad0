/**
 * Trusting an identity provider's own MFA, per connection (issue 23 §2). Off by
 * default: a federated sign-in is one factor (`fed`), and a member of an
 * organization that requires MFA, or a user with an authenticator app, is asked
 * for a second one here. An organization whose IdP enforces MFA may turn
 * `trust_idp_mfa` on for its connection; a sign-in then counts as two factors
 * only when the IdP says so with a value the connection lists:
 * - OIDC: an ID token `amr` value (RFC 8176; default `mfa`) or its `acr`
 *   (none by default: `acr` values are each IdP's own);
 * - SAML: the assertion's `AuthnContextClassRef` (default Entra ID's
 *   `http://schemas.microsoft.com/claims/multipleauthn` and SAML's
 *   `MobileTwoFactorContract`).
 */

/** What an OIDC connection trusts as its IdP's MFA (`connections.config.idpMfa`; absent: not trusted). */
export interface OidcIdpMfaTrust {
  amr: string[];
  acr: string[];
}

/** What a SAML connection trusts as its IdP's MFA (`connections.config.idpMfa`; absent: not trusted). */
export interface SamlIdpMfaTrust {
  authnContexts: string[];
}

export type IdpMfaTrust = Partial<OidcIdpMfaTrust & SamlIdpMfaTrust>;

/** How the IdP says the user authenticated, as asserted (OIDC `amr`/`acr`, SAML `AuthnContextClassRef`s). */
export interface IdpAuthn {
  amr?: string[];
  acr?: string;
  authnContexts?: string[];
}

export const DEFAULT_TRUSTED_AMR = ['mfa'];
export const DEFAULT_TRUSTED_AUTHN_CONTEXTS = [
  'http://schemas.microsoft.com/claims/multipleauthn',
  'urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract',
];

/**
 * Whether a sign-in's IdP asserted MFA that its connection trusts: any listed
 * `amr` value among the token's, its `acr` listed, or a listed
 * `AuthnContextClassRef`. Always false without trust, or without the claims.
 *
 * @example
 * idpAssertsMfa({ amr: ['mfa'], acr: [] }, { amr: ['pwd', 'mfa'] }); // true
 * idpAssertsMfa(undefined, { amr: ['mfa'] }); // false: not trusted
 */
export function idpAssertsMfa(trust: IdpMfaTrust | undefined, authn: IdpAuthn | undefined): boolean {
  if (!trust || !authn) return false;
  if (authn.amr?.some((value) => trust.amr?.includes(value))) return true;
  if (authn.acr !== undefined && trust.acr?.includes(authn.acr)) return true;
  return authn.authnContexts?.some((value) => trust.authnContexts?.includes(value)) ?? false;
}

/** The config field for a trust, or nothing (so a connection without trust stores no key). */
export const withIdpMfa = <T>(trust: T | undefined): { idpMfa?: T } => (trust ? { idpMfa: trust } : {});

/** An OIDC connection's trust from the admin API's fields over what it had: `trust_idp_mfa` turns it on or off, the lists replace. */
export function oidcIdpMfaOf(
  body: { trust_idp_mfa?: boolean | undefined; idp_mfa_amr?: string[] | undefined; idp_mfa_acr?: string[] | undefined },
  current?: OidcIdpMfaTrust,
): OidcIdpMfaTrust | undefined {
  const on = body.trust_idp_mfa ?? current !== undefined;
  if (!on) return undefined;
  return { amr: body.idp_mfa_amr ?? current?.amr ?? DEFAULT_TRUSTED_AMR, acr: body.idp_mfa_acr ?? current?.acr ?? [] };
}

/** A SAML connection's trust from the admin API's fields over what it had. */
export function samlIdpMfaOf(body: { trust_idp_mfa?: boolean | undefined; idp_mfa_authn_contexts?: string[] | undefined }, current?: SamlIdpMfaTrust): SamlIdpMfaTrust | undefined {
  const on = body.trust_idp_mfa ?? current !== undefined;
  if (!on) return undefined;
  return { authnContexts: body.idp_mfa_authn_contexts ?? current?.authnContexts ?? DEFAULT_TRUSTED_AUTHN_CONTEXTS };
}
