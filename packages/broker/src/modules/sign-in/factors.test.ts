import { describe, expect, it } from 'vitest';
import { amrOf, assuranceLevel, orgOf, type Factor } from './factors.js';

const at = '2026-12-05T12:00:00.000Z';
const f = (method: Factor['method'], more: Partial<Factor> = {}): Factor => ({ method, at, ...more });

describe('session factors', () => {
  it('derives RFC 8176 amr: an emailed code is never TOTP’s otp', () => {
    expect(amrOf([f('pwd')])).toEqual(['pwd']);
    expect(amrOf([f('email_code')])).toEqual(['email']);
    expect(amrOf([f('otp')])).toEqual(['otp']);
    expect(amrOf([f('passkey', { synced: true })])).toEqual(['swk', 'user']);
    expect(amrOf([f('passkey', { synced: false })])).toEqual(['hwk', 'user']);
    expect(amrOf([f('passkey')])).toEqual(['hwk', 'user']);
    expect(amrOf([f('oauth', { provider: 'github' })])).toEqual(['fed']);
    expect(amrOf([f('oidc', { connection: 'con_1', org: 'org_1' })])).toEqual(['fed']);
    expect(amrOf([f('saml', { connection: 'con_2' })])).toEqual(['fed']);
    expect(amrOf([f('recovery_code')])).toEqual(['rc']);
    // In the order proven, each value once.
    expect(amrOf([f('pwd'), f('passkey', { synced: true }), f('passkey', { synced: false }), f('pwd')])).toEqual(['pwd', 'swk', 'user', 'hwk', 'mfa']);
    expect(amrOf([])).toEqual([]);
  });

  it('adds mfa where a second factor passed besides another method, and only then', () => {
    expect(amrOf([f('pwd'), f('otp')])).toEqual(['pwd', 'otp', 'mfa']);
    expect(amrOf([f('email_code'), f('recovery_code')])).toEqual(['email', 'rc', 'mfa']);
    expect(amrOf([f('oauth', { provider: 'github' }), f('passkey', { synced: false })])).toEqual(['fed', 'hwk', 'user', 'mfa']);
    // One factor, or two that are no second factor, is not multi-factor.
    expect(amrOf([f('passkey', { synced: true })])).toEqual(['swk', 'user']);
    expect(amrOf([f('otp')])).toEqual(['otp']);
    expect(amrOf([f('pwd'), f('email_code')])).toEqual(['pwd', 'email']);
    expect(amrOf([f('otp'), f('otp')])).toEqual(['otp']);
  });

  it('says aal 2 only for a multi-factor authenticator or a memorized secret with a possession factor', () => {
    expect(assuranceLevel([f('pwd')])).toBe(1);
    expect(assuranceLevel([f('email_code')])).toBe(1);
    expect(assuranceLevel([f('oidc', { connection: 'con_1', org: 'org_1' })])).toBe(1);
    expect(assuranceLevel([f('passkey', { synced: true })])).toBe(2);
    expect(assuranceLevel([f('passkey', { synced: false })])).toBe(2);
    expect(assuranceLevel([f('pwd'), f('otp')])).toBe(2);
    expect(assuranceLevel([f('pwd'), f('recovery_code')])).toBe(2);
    // Email is no out-of-band authenticator (SP 800-63B), and two of one kind are not two factors.
    expect(assuranceLevel([f('pwd'), f('email_code')])).toBe(1);
    expect(assuranceLevel([f('otp'), f('recovery_code')])).toBe(1);
    expect(assuranceLevel([f('oauth', { provider: 'github' }), f('otp')])).toBe(1);
  });

  it('opens the session in the organization of the first factor that came through one', () => {
    expect(orgOf([f('pwd')])).toBeNull();
    expect(orgOf([f('oauth', { provider: 'github' }), f('oidc', { org: 'org_a' }), f('saml', { org: 'org_b' })])).toBe('org_a');
  });
});
