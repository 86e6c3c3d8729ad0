import { describe, expect, it } from 'vitest';
import { boundedResolveTxt, txtRecordHolds, txtRecordOf } from './dns-verification.js';
import { enrolledFactors, unmetRequirements, type OrgPolicy } from './policy.js';
import { isPublicMailDomain } from './public-mail-domains.js';

const NOW = new Date('2026-12-06T12:00:00Z');
const at = NOW.toISOString();
const policy = (over: Partial<OrgPolicy> = {}): OrgPolicy => ({ orgId: 'org_a', requireMfa: false, requirePasskey: false, requireSso: false, graceUntil: null, ...over });

describe('unmetRequirements', () => {
  it('asks nothing of a session when the organization requires nothing', () => {
    expect(unmetRequirements([{ method: 'pwd', at }], policy(), NOW)).toEqual([]);
  });

  it('counts an authenticator app, a recovery code, a passkey or a trusted IdP MFA as the second factor, never an emailed code', () => {
    const mfa = policy({ requireMfa: true });
    expect(unmetRequirements([{ method: 'pwd', at }, { method: 'otp', at }], mfa, NOW)).toEqual([]);
    expect(unmetRequirements([{ method: 'pwd', at }, { method: 'recovery_code', at }], mfa, NOW)).toEqual([]);
    expect(unmetRequirements([{ method: 'passkey', at }], mfa, NOW)).toEqual([]);
    expect(unmetRequirements([{ method: 'oidc', at, org: 'org_a', idp_mfa: true }], mfa, NOW)).toEqual([]);
    expect(unmetRequirements([{ method: 'pwd', at }, { method: 'email_code', at }], mfa, NOW)).toEqual([{ requirement: 'mfa', grace_until: null }]);
    expect(unmetRequirements([{ method: 'oidc', at, org: 'org_a' }], mfa, NOW)).toEqual([{ requirement: 'mfa', grace_until: null }]);
  });

  it('wants a passkey factor for require_passkey, an authenticator app is not one', () => {
    const passkey = policy({ requirePasskey: true });
    expect(unmetRequirements([{ method: 'passkey', at, synced: true }], passkey, NOW)).toEqual([]);
    expect(unmetRequirements([{ method: 'pwd', at }, { method: 'otp', at }], passkey, NOW)).toEqual([{ requirement: 'passkey', grace_until: null }]);
  });

  it("meets require_sso only through this organization's own connection: SSO into another organization never counts", () => {
    const sso = policy({ requireSso: true });
    expect(unmetRequirements([{ method: 'saml', at, connection: 'con_1', org: 'org_a' }], sso, NOW)).toEqual([]);
    expect(unmetRequirements([{ method: 'oidc', at, connection: 'con_2', org: 'org_b' }], sso, NOW)).toEqual([{ requirement: 'sso', grace_until: null }]);
    expect(unmetRequirements([{ method: 'oauth', at, provider: 'github' }], sso, NOW)).toEqual([{ requirement: 'sso', grace_until: null }]);
  });

  it('lists every unmet requirement in order, each with the grace period while it lasts and null once it is over', () => {
    const all = { requireMfa: true, requirePasskey: true, requireSso: true };
    const grace = new Date(NOW.getTime() + 86_400_000);
    expect(unmetRequirements([{ method: 'pwd', at }], policy({ ...all, graceUntil: grace }), NOW)).toEqual([
      { requirement: 'mfa', grace_until: grace.toISOString() },
      { requirement: 'passkey', grace_until: grace.toISOString() },
      { requirement: 'sso', grace_until: grace.toISOString() },
    ]);
    expect(unmetRequirements([{ method: 'pwd', at }], policy({ ...all, graceUntil: NOW }), NOW).map((u) => u.grace_until)).toEqual([null, null, null]);
  });

  it('judges a member by what they enrolled (enrolledFactors)', () => {
    const all = policy({ requireMfa: true, requirePasskey: true, requireSso: true });
    const none = { secondFactor: false, passkey: false, sso: false, ssoWithIdpMfa: false };
    expect(unmetRequirements(enrolledFactors(none, 'org_a', at), all, NOW).map((u) => u.requirement)).toEqual(['mfa', 'passkey', 'sso']);
    expect(unmetRequirements(enrolledFactors({ ...none, secondFactor: true, passkey: true }, 'org_a', at), all, NOW).map((u) => u.requirement)).toEqual(['sso']);
    expect(unmetRequirements(enrolledFactors({ ...none, sso: true, ssoWithIdpMfa: true }, 'org_a', at), all, NOW).map((u) => u.requirement)).toEqual(['passkey']);
  });
});

describe('public mail domains', () => {
  it('refuses the big providers and their subdomains, and nothing else', () => {
    for (const domain of ['gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'yahoo.com', 'icloud.com', 'proton.me', 'gmx.de', 'web.de', 'qq.com', '163.com', 'yandex.ru', 'mail.ru', 'tuta.io']) {
      expect(isPublicMailDomain(domain), domain).toBe(true);
    }
    expect(isPublicMailDomain('eu.mail.gmail.com')).toBe(true);
    expect(isPublicMailDomain('acme.test')).toBe(false);
    expect(isPublicMailDomain('gmail.com.acme.test')).toBe(false);
    expect(isPublicMailDomain('notgmail.com')).toBe(false);
  });
});

describe('the DNS TXT record', () => {
  it('is found at _latchkey-verification.<domain>, its strings joined, and only with the exact value', async () => {
    const record = txtRecordOf('acme.test', 'tok-123');
    expect(record).toEqual({ name: '_latchkey-verification.acme.test', value: 'latchkey-verification=tok-123' });
    const dns = new Map<string, string[][]>([[record.name, [['v=spf1 -all'], ['latchkey-verification=', 'tok-123']]]]);
    const resolve = async (name: string) => dns.get(name) ?? [];
    expect(await txtRecordHolds(resolve, 'acme.test', 'tok-123')).toBe(true);
    expect(await txtRecordHolds(resolve, 'acme.test', 'TOK-123')).toBe(false);
    expect(await txtRecordHolds(resolve, 'acme.test', 'tok-12')).toBe(false);
    expect(await txtRecordHolds(resolve, 'globex.test', 'tok-123')).toBe(false);
  });

  it('is a no when the lookup fails or takes longer than its bound', async () => {
    expect(await txtRecordHolds(() => Promise.reject(new Error('ENOTFOUND')), 'acme.test', 't')).toBe(false);
    const slow = boundedResolveTxt(() => new Promise(() => {}), 20);
    const started = Date.now();
    expect(await txtRecordHolds(slow, 'acme.test', 't')).toBe(false);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
