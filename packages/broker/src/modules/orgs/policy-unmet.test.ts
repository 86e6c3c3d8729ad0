import { describe, expect, it } from 'vitest';
import type { Factor } from '../sign-in/factors.js';
import { enforcedNow } from './policy-requirement.js';
import { unmetRequirements, type OrgPolicy } from './policy.js';

const at = '2026-12-08T10:00:00.000Z';
const now = new Date('2026-12-08T10:05:00.000Z');
const none: OrgPolicy = { requireMfa: false, requirePasskey: false, requireSso: false, graceUntil: null, orgId: 'org_acme' };
const pwd: Factor = { method: 'pwd', at };
const otp: Factor = { method: 'otp', at };
const passkey: Factor = { method: 'passkey', at, synced: true };
const acmeSso: Factor = { method: 'oidc', at, connection: 'con_acme', org: 'org_acme' };
const globexSso: Factor = { method: 'saml', at, connection: 'con_globex', org: 'org_globex' };

/** What the switch and the token mint rely on (main's policy.test.ts covers the members page's use). */
describe('unmetRequirements for sessions', () => {
  it('finds nothing unmet in an organization without policies', () => {
    expect(unmetRequirements([pwd], none, now)).toEqual([]);
  });

  it('asks for a second factor under require_mfa: a password alone is not one, a password and TOTP is', () => {
    const policy = { ...none, requireMfa: true };
    expect(unmetRequirements([pwd], policy, now)).toEqual([{ requirement: 'mfa', grace_until: null }]);
    expect(unmetRequirements([pwd, { method: 'email_code', at }], policy, now)).toEqual([{ requirement: 'mfa', grace_until: null }]);
    expect(unmetRequirements([pwd, otp], policy, now)).toEqual([]);
    expect(unmetRequirements([pwd, { method: 'recovery_code', at }], policy, now)).toEqual([]);
  });

  it('counts a lone passkey unless user verification is only preferred', () => {
    const policy = { ...none, requireMfa: true };
    expect(unmetRequirements([passkey], policy, now)).toEqual([]);
    expect(unmetRequirements([passkey], policy, now, 'required')).toEqual([]);
    expect(unmetRequirements([passkey], policy, now, 'preferred')).toEqual([{ requirement: 'mfa', grace_until: null }]);
    expect(unmetRequirements([pwd, passkey], policy, now, 'preferred')).toEqual([]);
  });

  it('counts an IdP’s MFA that its connection trusts', () => {
    expect(unmetRequirements([{ ...acmeSso, idp_mfa: true }], { ...none, requireMfa: true }, now)).toEqual([]);
  });

  it('asks for a passkey under require_passkey, whatever else was proven', () => {
    const policy = { ...none, requirePasskey: true };
    expect(unmetRequirements([pwd, otp], policy, now)).toEqual([{ requirement: 'passkey', grace_until: null }]);
    expect(unmetRequirements([pwd, passkey], policy, now)).toEqual([]);
  });

  it('meets require_sso only through a connection of that same organization', () => {
    const policy = { ...none, requireSso: true };
    expect(unmetRequirements([acmeSso], policy, now)).toEqual([]);
    expect(unmetRequirements([globexSso], policy, now)).toEqual([{ requirement: 'sso', grace_until: null }]);
    expect(unmetRequirements([pwd, passkey], policy, now)).toEqual([{ requirement: 'sso', grace_until: null }]);
    // A social sign-in carries no organization's connection.
    expect(unmetRequirements([{ method: 'oauth', at, provider: 'github' }], policy, now)).toHaveLength(1);
  });

  it('lists MFA, then the passkey, then SSO', () => {
    const all = { ...none, requireMfa: true, requirePasskey: true, requireSso: true };
    expect(unmetRequirements([pwd], all, now).map((r) => r.requirement)).toEqual(['mfa', 'passkey', 'sso']);
  });

  it('carries the grace deadline while it runs, and enforces once it is over', () => {
    const graceUntil = new Date('2026-12-09T00:00:00.000Z');
    const policy = { ...none, requireMfa: true, graceUntil };
    const during = unmetRequirements([pwd], policy, now);
    expect(during).toEqual([{ requirement: 'mfa', grace_until: '2026-12-09T00:00:00.000Z' }]);
    expect(enforcedNow(during)).toEqual([]);
    const after = unmetRequirements([pwd], policy, new Date(graceUntil.getTime()));
    expect(after).toEqual([{ requirement: 'mfa', grace_until: null }]);
    expect(enforcedNow(after)).toEqual(after);
  });
});
