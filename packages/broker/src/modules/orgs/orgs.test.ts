import { describe, expect, it } from 'vitest';
import { findDomainSso, membershipRole, upsertMembership } from '../../storage/queries/index.js';
import { ADMIN_TOKEN, adminCall, createAcme } from '../../test/admin.js';
import { recordStatements, storageKinds, useTestBroker, type StorageKind } from '../../test/harness.js';
import { emailDomain, normalizeDomain } from './domains.js';
import { issuerProblem, oauthRedirectUri } from './connections.js';

describe.each(storageKinds)('organizations for sign-in, on %s', (kind: StorageKind) => {
  const ctx = useTestBroker(kind, undefined, { adminToken: ADMIN_TOKEN });
  const admin = (method: string, path: string, json?: unknown) => adminCall(ctx.broker, method, path, json);

  describe('home-realm discovery (findDomainSso)', () => {
    it('finds the organization of a verified domain with its enabled connection, in one query', async () => {
      const { org, connection } = await createAcme(ctx.broker);
      const { storage, statements } = recordStatements(ctx.storage);
      const sso = await findDomainSso(storage, 'acme.test');
      expect(statements).toHaveLength(1);
      expect(sso).toMatchObject({ org: { id: org.id, name: 'Acme', slug: 'acme' }, ssoRequired: false });
      expect(sso!.org.createdAt).toBeInstanceOf(Date);
      expect(sso!.connection).toMatchObject({
        id: connection.id,
        orgId: org.id,
        type: 'oidc',
        enabled: true,
        defaultRole: 'member',
        config: { issuer: 'http://127.0.0.1:8788/oidc', clientId: 'latchkey-acme', tokenEndpointAuthMethod: 'client_secret_basic' },
      });
      expect(sso!.connection!.createdAt).toBeInstanceOf(Date);
      await admin('PATCH', `/organizations/${org.id}/domains/acme.test`, { sso_required: true });
      expect((await findDomainSso(ctx.storage, 'ACME.test'))?.ssoRequired).toBe(true);
    });

    it('finds nothing for an unverified or unknown domain, or one spelled with a Kelvin sign', async () => {
      const { org } = await createAcme(ctx.broker);
      await admin('POST', `/organizations/${org.id}/domains`, { domain: 'kelvin.test' });
      await admin('POST', `/organizations/${org.id}/domains`, { domain: 'pending.test', verified: false });
      expect(await findDomainSso(ctx.storage, 'pending.test')).toBeUndefined();
      expect(await findDomainSso(ctx.storage, 'globex.test')).toBeUndefined();
      expect(await findDomainSso(ctx.storage, 'kelvin.test')).toBeDefined();
      // U+212A KELVIN SIGN lower-cases to "k" in JavaScript: it must not reach the lookup as kelvin.test.
      expect('\u212Aelvin.test'.toLowerCase()).toBe('kelvin.test');
      expect(await findDomainSso(ctx.storage, '\u212Aelvin.test')).toBeUndefined();
      expect(emailDomain('ana@\u212Aelvin.test')).toBeUndefined();
    });

    it('takes the oldest enabled connection, and none when every one is disabled', async () => {
      const { org, connection } = await createAcme(ctx.broker);
      ctx.broker.clock.advance(1000);
      const second = (await admin('POST', `/organizations/${org.id}/connections`, { type: 'oidc', issuer: 'https://idp.acme.example', client_id: 'b', client_secret: 's' })).body;
      expect((await findDomainSso(ctx.storage, 'acme.test'))!.connection!.id).toBe(connection.id);
      await admin('PATCH', `/organizations/${org.id}/connections/${connection.id}`, { enabled: false });
      expect((await findDomainSso(ctx.storage, 'acme.test'))!.connection!.id).toBe(second.id);
      await admin('PATCH', `/organizations/${org.id}/connections/${second.id}`, { enabled: false });
      const none = await findDomainSso(ctx.storage, 'acme.test');
      expect(none).toMatchObject({ org: { id: org.id }, ssoRequired: false });
      expect(none!.connection).toBeUndefined();
    });
  });

  describe('memberships for JIT provisioning', () => {
    it('makes a membership once and keeps the role in force (never changed by a later upsert)', async () => {
      const { org } = await createAcme(ctx.broker);
      const { user } = await ctx.broker.signUp('ana@acme.test');
      expect(await membershipRole(ctx.storage, org.id, user.id)).toBeUndefined();
      const createdAt = ctx.broker.clock.now();
      expect(await upsertMembership(ctx.storage, { orgId: org.id, userId: user.id, role: 'member', createdAt })).toBe('member');
      await admin('PUT', `/organizations/${org.id}/memberships/${user.id}`, { role: 'admin' });
      expect(await upsertMembership(ctx.storage, { orgId: org.id, userId: user.id, role: 'member', createdAt })).toBe('admin');
      expect(await membershipRole(ctx.storage, org.id, user.id)).toBe('admin');
    });

    it('stores one row of 50 parallel upserts, each answering the role in force', async () => {
      const { org } = await createAcme(ctx.broker);
      const { user } = await ctx.broker.signUp('ana@acme.test');
      const roles = await Promise.all(
        Array.from({ length: 50 }, (_, i) => upsertMembership(ctx.storage, { orgId: org.id, userId: user.id, role: `role-${i}`, createdAt: ctx.broker.clock.now() })),
      );
      const rows = await ctx.storage.query<{ role: string }>(`SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2`, [org.id, user.id]);
      expect(rows).toHaveLength(1);
      expect(new Set(roles)).toEqual(new Set([rows[0]!.role]));
    });

    it('goes with the user when the account is deleted', async () => {
      const { org } = await createAcme(ctx.broker);
      const { user } = await ctx.broker.signUp('ana@acme.test');
      await upsertMembership(ctx.storage, { orgId: org.id, userId: user.id, role: 'member', createdAt: ctx.broker.clock.now() });
      await ctx.storage.query(`DELETE FROM users WHERE id = $1`, [user.id]);
      expect(await membershipRole(ctx.storage, org.id, user.id)).toBeUndefined();
    });
  });
});

describe('domain names as organizations claim them', () => {
  it('lower-cases ASCII and keeps punycode', () => {
    expect(normalizeDomain(' Acme.TEST ')).toEqual({ domain: 'acme.test' });
    expect(normalizeDomain('xn--bcher-kva.example')).toEqual({ domain: 'xn--bcher-kva.example' });
    expect(emailDomain('Ana@Acme.Test')).toBe('acme.test');
  });

  it('refuses Unicode, wildcards, single labels, IP addresses and broken punycode, saying why', () => {
    expect(normalizeDomain('bücher.example')).toEqual({ problem: expect.stringContaining('punycode') });
    expect(normalizeDomain('*.acme.test')).toEqual({ problem: expect.stringContaining('wildcard') });
    expect(normalizeDomain('localhost')).toEqual({ problem: expect.stringContaining('two labels') });
    expect(normalizeDomain('192.168.0.1')).toEqual({ problem: expect.stringContaining('IP address') });
    expect(normalizeDomain('xn--zz.test')).toEqual({ problem: expect.stringContaining('punycode') });
  });
});

describe('OIDC issuers', () => {
  it('takes https, and plain http only for a loopback IdP in dev mode', () => {
    expect(issuerProblem({ dev: false }, 'https://login.example.com/tenant')).toBeUndefined();
    expect(issuerProblem({ dev: true }, 'http://127.0.0.1:8788/oidc')).toBeUndefined();
    expect(issuerProblem({ dev: false }, 'http://127.0.0.1:8788/oidc')).toMatch(/https/);
    expect(issuerProblem({ dev: true }, 'http://idp.example.com')).toMatch(/https/);
  });

  it('answers the broker’s one callback as the redirect URI', () => {
    expect(oauthRedirectUri({ publicUrl: 'https://auth.example.com' })).toBe('https://auth.example.com/v1/oauth/callback');
  });
});
