import { describe, expect, it } from 'vitest';
import { DEFAULT_TRUSTED_AMR, DEFAULT_TRUSTED_AUTHN_CONTEXTS, idpAssertsMfa, oidcIdpMfaOf, samlIdpMfaOf } from './idp-mfa.js';

describe("trusting an IdP's MFA", () => {
  it('never counts without trust, or without claims', () => {
    expect(idpAssertsMfa(undefined, { amr: ['mfa'], acr: 'x', authnContexts: DEFAULT_TRUSTED_AUTHN_CONTEXTS })).toBe(false);
    expect(idpAssertsMfa({ amr: ['mfa'], acr: [] }, undefined)).toBe(false);
    expect(idpAssertsMfa({ amr: ['mfa'], acr: [] }, {})).toBe(false);
  });

  it('counts a listed amr value among the asserted ones, a listed acr, or a listed AuthnContextClassRef', () => {
    expect(idpAssertsMfa({ amr: ['mfa'], acr: [] }, { amr: ['pwd', 'mfa'] })).toBe(true);
    expect(idpAssertsMfa({ amr: ['mfa'], acr: [] }, { amr: ['pwd', 'otp'] })).toBe(false);
    expect(idpAssertsMfa({ amr: ['mfa'], acr: ['urn:acme:loa:2'] }, { amr: ['pwd'], acr: 'urn:acme:loa:2' })).toBe(true);
    expect(idpAssertsMfa({ amr: ['mfa'], acr: ['urn:acme:loa:2'] }, { acr: 'urn:acme:loa:1' })).toBe(false);
    expect(idpAssertsMfa({ authnContexts: DEFAULT_TRUSTED_AUTHN_CONTEXTS }, { authnContexts: ['http://schemas.microsoft.com/claims/multipleauthn'] })).toBe(true);
    // An OIDC trust is not satisfied by a SAML value, nor the other way round.
    expect(idpAssertsMfa({ amr: ['mfa'], acr: [] }, { authnContexts: ['mfa'] })).toBe(false);
    expect(idpAssertsMfa({ authnContexts: ['mfa'] }, { amr: ['mfa'] })).toBe(false);
  });

  it('is off unless turned on; turned on it takes the defaults or the lists given, and keeps them over later changes', () => {
    expect(oidcIdpMfaOf({})).toBeUndefined();
    expect(oidcIdpMfaOf({ idp_mfa_amr: ['hwk'] })).toBeUndefined();
    expect(oidcIdpMfaOf({ trust_idp_mfa: true })).toEqual({ amr: DEFAULT_TRUSTED_AMR, acr: [] });
    const current = oidcIdpMfaOf({ trust_idp_mfa: true, idp_mfa_amr: ['mfa', 'hwk'], idp_mfa_acr: ['urn:x'] })!;
    expect(oidcIdpMfaOf({}, current)).toEqual(current);
    expect(oidcIdpMfaOf({ trust_idp_mfa: false }, current)).toBeUndefined();
    expect(samlIdpMfaOf({})).toBeUndefined();
    expect(samlIdpMfaOf({ trust_idp_mfa: true })).toEqual({ authnContexts: DEFAULT_TRUSTED_AUTHN_CONTEXTS });
    expect(samlIdpMfaOf({ idp_mfa_authn_contexts: ['urn:y'] }, { authnContexts: ['urn:x'] })).toEqual({ authnContexts: ['urn:y'] });
  });
});
