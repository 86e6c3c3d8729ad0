import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { BROKER_URL, storageKinds, useTestBroker, type StorageKind } from '../../test/harness.js';
import { ADMIN_TOKEN, adminCall, createAcme } from '../../test/admin.js';
import { findConnection } from '../../storage/queries/index.js';
import { connectionCredential } from '../orgs/connections.js';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const DEV_SECRET = 'acme-dev-secret-0123456789abcdef';

describe.each(storageKinds)('the admin API on %s', (kind: StorageKind) => {
  const ctx = useTestBroker(kind, undefined, { adminToken: ADMIN_TOKEN });
  const admin = (method: string, path: string, json?: unknown) => adminCall(ctx.broker, method, path, json);
  const count = async (table: string) => (await ctx.storage.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n;

  describe('organizations', () => {
    it('creates, reads, lists, renames and deletes one', async () => {
      const created = await admin('POST', '/organizations', { name: 'Acme Corp' });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ id: expect.stringMatching(/^org_/), name: 'Acme Corp', slug: 'acme-corp', require_mfa: false, created_at: expect.stringMatching(ISO), updated_at: expect.stringMatching(ISO) });
      const id = created.body.id;
      expect((await admin('GET', `/organizations/${id}`)).body).toEqual(created.body);
      expect((await admin('GET', '/organizations')).body).toEqual({ data: [created.body], next_after: null });
      const renamed = await admin('PATCH', `/organizations/${id}`, { name: 'Acme', slug: 'acme' });
      expect(renamed.body).toMatchObject({ id, name: 'Acme', slug: 'acme' });
      expect((await admin('DELETE', `/organizations/${id}`)).status).toBe(204);
      expect((await admin('GET', `/organizations/${id}`)).status).toBe(404);
      expect((await admin('DELETE', `/organizations/${id}`)).status).toBe(404);
    });

    it('pages the list in id order', async () => {
      for (const name of ['A', 'B', 'C']) await admin('POST', '/organizations', { name });
      const first = await admin('GET', '/organizations?limit=2');
      expect(first.body.data).toHaveLength(2);
      expect(first.body.next_after).toBe(first.body.data[1].id);
      const rest = await admin('GET', `/organizations?limit=2&after=${first.body.next_after}`);
      expect(rest.body).toMatchObject({ data: [expect.any(Object)], next_after: null });
      expect(new Set([...first.body.data, ...rest.body.data].map((o: { name: string }) => o.name))).toEqual(new Set(['A', 'B', 'C']));
      expect((await admin('GET', '/organizations?limit=0')).status).toBe(400);
    });

    it('refuses a slug taken by another organization with 409 slug_taken', async () => {
      await admin('POST', '/organizations', { name: 'Acme' });
      const second = await admin('POST', '/organizations', { name: 'ACME!' });
      expect(second.status).toBe(409);
      expect(second.body.type).toBe('urn:latchkey:problem:slug_taken');
      const other = await admin('POST', '/organizations', { name: 'Globex' });
      expect((await admin('PATCH', `/organizations/${other.body.id}`, { slug: 'acme' })).status).toBe(409);
      expect(await count('organizations')).toBe(2);
    });

    it('refuses unknown fields, a bad slug and an empty name with 400 naming the field, writing nothing', async () => {
      for (const [body, path] of [
        [{ name: 'Acme', colour: 'red' }, '(body)'],
        [{ name: 'Acme', slug: 'Not A Slug' }, 'slug'],
        [{ name: '  ' }, 'name'],
        [{ name: '東京' }, 'slug'],
      ] as const) {
        const answer = await admin('POST', '/organizations', body);
        expect(answer.status, JSON.stringify(body)).toBe(400);
        expect(answer.body.type).toBe('urn:latchkey:problem:invalid_request');
        expect(answer.body.errors[0].path).toBe(path);
      }
      expect((await admin('POST', '/organizations', { name: '東京', slug: 'tokyo' })).status).toBe(201);
      expect(await count('organizations')).toBe(1);
    });

    it('deletes its domains, connections and memberships with it', async () => {
      const { org } = await createAcme(ctx.broker);
      const { user } = await ctx.broker.signUp('ana@acme.test');
      await admin('PUT', `/organizations/${org.id}/memberships/${user.id}`, { role: 'admin' });
      expect((await admin('DELETE', `/organizations/${org.id}`)).status).toBe(204);
      for (const table of ['organization_domains', 'connections', 'memberships']) expect(await count(table), table).toBe(0);
      expect(await count('users')).toBe(1);
    });
  });

  describe('domains', () => {
    it('claims, lists, changes and releases one; verified by default (admin-asserted)', async () => {
      const org = (await admin('POST', '/organizations', { name: 'Acme' })).body;
      const claimed = await admin('POST', `/organizations/${org.id}/domains`, { domain: 'Acme.TEST' });
      expect(claimed.status).toBe(201);
      expect(claimed.body).toEqual({ domain: 'acme.test', verified: true, verified_at: expect.stringMatching(ISO), sso_required: false, created_at: expect.stringMatching(ISO) });
      const pending = await admin('POST', `/organizations/${org.id}/domains`, { domain: 'xn--bcher-kva.test', verified: false });
      expect(pending.body).toMatchObject({ domain: 'xn--bcher-kva.test', verified: false, verified_at: null });
      expect((await admin('GET', `/organizations/${org.id}/domains`)).body.data.map((d: { domain: string }) => d.domain)).toEqual(['acme.test', 'xn--bcher-kva.test']);
      const required = await admin('PATCH', `/organizations/${org.id}/domains/ACME.test`, { sso_required: true });
      expect(required.body).toMatchObject({ domain: 'acme.test', verified: true, sso_required: true });
      // Unverifying ends "SSO required" with it.
      expect((await admin('PATCH', `/organizations/${org.id}/domains/acme.test`, { verified: false })).body).toMatchObject({ verified: false, sso_required: false });
      expect((await admin('DELETE', `/organizations/${org.id}/domains/acme.test`)).status).toBe(204);
      expect((await admin('GET', `/organizations/${org.id}/domains/acme.test`)).status).toBe(404);
    });

    it('refuses "SSO required" on an unverified domain', async () => {
      const org = (await admin('POST', '/organizations', { name: 'Acme' })).body;
      const refused = await admin('POST', `/organizations/${org.id}/domains`, { domain: 'acme.test', verified: false, sso_required: true });
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([{ path: 'sso_required', message: 'only a verified domain can require SSO' }]);
      await admin('POST', `/organizations/${org.id}/domains`, { domain: 'acme.test', verified: false });
      expect((await admin('PATCH', `/organizations/${org.id}/domains/acme.test`, { sso_required: true })).status).toBe(400);
      expect((await admin('PATCH', `/organizations/${org.id}/domains/acme.test`, { verified: false, sso_required: true })).status).toBe(400);
    });

    it('refuses what is not a lower-case ASCII domain with a dot, writing nothing', async () => {
      const org = (await admin('POST', '/organizations', { name: 'Acme' })).body;
      for (const domain of ['*.acme.test', 'localhost', 'acme', 'bücher.test', 'ac\u212Ame.test', 'acme..test', '-acme.test', 'acme.test.', '10.0.0.1', 'a b.test', 'xn--zz.test', 'ana@acme.test']) {
        const answer = await admin('POST', `/organizations/${org.id}/domains`, { domain });
        expect(answer.status, domain).toBe(400);
        expect(answer.body.errors[0].path).toBe('domain');
      }
      expect(await count('organization_domains')).toBe(0);
    });

    it('gives a domain to one organization only: 409 domain_taken for another, or again', async () => {
      const acme = (await admin('POST', '/organizations', { name: 'Acme' })).body;
      const globex = (await admin('POST', '/organizations', { name: 'Globex' })).body;
      await admin('POST', `/organizations/${acme.id}/domains`, { domain: 'acme.test' });
      const stolen = await admin('POST', `/organizations/${globex.id}/domains`, { domain: 'ACME.test' });
      expect(stolen.status).toBe(409);
      expect(stolen.body).toMatchObject({ type: 'urn:latchkey:problem:domain_taken', detail: 'acme.test belongs to another organization' });
      expect((await admin('POST', `/organizations/${acme.id}/domains`, { domain: 'acme.test' })).status).toBe(409);
      // Another organization's domain is not found under this one's path either.
      expect((await admin('PATCH', `/organizations/${globex.id}/domains/acme.test`, { sso_required: true })).status).toBe(404);
      expect((await admin('DELETE', `/organizations/${globex.id}/domains/acme.test`)).status).toBe(404);
      expect((await admin('GET', `/organizations/${acme.id}/domains/acme.test`)).body.sso_required).toBe(false);
    });

    it('of 50 parallel claims of one domain by different organizations, exactly one wins', async () => {
      const orgs = await Promise.all(Array.from({ length: 50 }, (_, i) => admin('POST', '/organizations', { name: `Org ${i}` })));
      const answers = await Promise.all(orgs.map((org) => admin('POST', `/organizations/${org.body.id}/domains`, { domain: 'contested.test' })));
      expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
      expect(answers.filter((a) => a.status === 409)).toHaveLength(49);
      expect(await count('organization_domains')).toBe(1);
    });

    it('answers 404 for an unknown organization, writing nothing', async () => {
      expect((await admin('POST', '/organizations/org_nope/domains', { domain: 'acme.test' })).status).toBe(404);
      expect((await admin('GET', '/organizations/org_nope/domains')).status).toBe(404);
      expect(await count('organization_domains')).toBe(0);
    });
  });

  describe('connections', () => {
    it('creates an OIDC connection to the dev IdP and answers the redirect URI to register there', async () => {
      const { org, connection } = await createAcme(ctx.broker);
      expect(connection).toEqual({
        id: expect.stringMatching(/^con_/),
        organization_id: org.id,
        type: 'oidc',
        name: 'Acme',
        enabled: true,
        issuer: 'http://127.0.0.1:8788/oidc',
        client_id: 'latchkey-acme',
        token_endpoint_auth_method: 'client_secret_basic',
        scopes: ['openid', 'email', 'profile'],
        trust_idp_mfa: false,
        idp_mfa_amr: ['mfa'],
        idp_mfa_acr: [],
        default_role: 'member',
        allow_linking: false,
        idp_initiated: false,
        redirect_uri: `${BROKER_URL}/v1/oauth/callback`,
        created_at: expect.stringMatching(ISO),
        updated_at: expect.stringMatching(ISO),
      });
      expect((await admin('GET', `/organizations/${org.id}/connections/${connection.id}`)).body).toEqual(connection);
      expect((await admin('GET', `/organizations/${org.id}/connections`)).body).toEqual({ data: [connection] });
    });

    it('keeps the client secret sealed at rest and never answers it', async () => {
      const { org, connection } = await createAcme(ctx.broker);
      const [row] = await ctx.storage.query<Record<string, unknown>>(`SELECT * FROM connections WHERE id = $1`, [connection.id]);
      const raw = JSON.stringify(row);
      expect(raw).not.toContain(DEV_SECRET);
      expect(row!.sealed_secret).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
      for (const path of [`/organizations/${org.id}/connections`, `/organizations/${org.id}/connections/${connection.id}`]) {
        expect(JSON.stringify((await admin('GET', path)).body)).not.toContain(DEV_SECRET);
      }
      // The protocol module opens it with the broker secret…
      const record = (await findConnection(ctx.storage, connection.id))!;
      expect(await connectionCredential(ctx.broker.deps, record)).toEqual({ kind: 'client_secret', secret: DEV_SECRET });
      // …and a sealed secret copied into another connection's row does not open.
      const other = (await admin('POST', `/organizations/${org.id}/connections`, { type: 'oidc', issuer: 'https://idp.example.com', client_id: 'x', client_secret: 'other' })).body;
      await ctx.storage.query(`UPDATE connections SET sealed_secret = $1 WHERE id = $2`, [row!.sealed_secret, other.id]);
      await expect(connectionCredential(ctx.broker.deps, (await findConnection(ctx.storage, other.id))!)).rejects.toThrow(/cannot be opened/);
    });

    it('takes private_key_jwt with a private JWK: sealed, its public half answered for the IdP', async () => {
      const { privateKey } = await generateKeyPair('ES256', { extractable: true });
      const jwk = await exportJWK(privateKey);
      const org = (await admin('POST', '/organizations', { name: 'Acme' })).body;
      const created = await admin('POST', `/organizations/${org.id}/connections`, {
        type: 'oidc', issuer: 'https://login.acme.example', client_id: 'latchkey', token_endpoint_auth_method: 'private_key_jwt', private_key_jwk: jwk,
      });
      expect(created.status).toBe(201);
      expect(created.body.token_endpoint_auth_method).toBe('private_key_jwt');
      expect(created.body.public_jwk).toMatchObject({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, alg: 'ES256', use: 'sig', kid: expect.any(String) });
      expect(created.body.public_jwk.d).toBeUndefined();
      const [row] = await ctx.storage.query<Record<string, unknown>>(`SELECT * FROM connections WHERE id = $1`, [created.body.id]);
      expect(JSON.stringify(row)).not.toContain(jwk.d);
      const credential = await connectionCredential(ctx.broker.deps, (await findConnection(ctx.storage, created.body.id))!);
      expect(credential).toEqual({ kind: 'private_key', jwk: { ...jwk, alg: 'ES256', kid: created.body.public_jwk.kid } });
    });

    it('changes a connection, rotates its secret, switches it to private_key_jwt only with a key, and deletes it', async () => {
      const { org, connection } = await createAcme(ctx.broker);
      const path = `/organizations/${org.id}/connections/${connection.id}`;
      const changed = await admin('PATCH', path, { name: 'Acme SSO', enabled: false, default_role: 'engineer', allow_linking: true, scopes: ['email', 'groups'] });
      expect(changed.body).toMatchObject({ name: 'Acme SSO', enabled: false, default_role: 'engineer', allow_linking: true, scopes: ['openid', 'email', 'groups'], client_id: 'latchkey-acme' });
      await admin('PATCH', path, { client_secret: 'rotated-secret' });
      expect(await connectionCredential(ctx.broker.deps, (await findConnection(ctx.storage, connection.id))!)).toEqual({ kind: 'client_secret', secret: 'rotated-secret' });
      const noKey = await admin('PATCH', path, { token_endpoint_auth_method: 'private_key_jwt' });
      expect(noKey.status).toBe(400);
      expect(noKey.body.errors[0].path).toBe('private_key_jwk');
      expect((await admin('PATCH', path, { private_key_jwk: { kty: 'EC' } })).status).toBe(400);
      expect((await admin('PATCH', path, { token_endpoint_auth_method: 'client_secret_post' })).body.token_endpoint_auth_method).toBe('client_secret_post');
      expect((await admin('DELETE', path)).status).toBe(204);
      expect((await admin('GET', path)).status).toBe(404);
    });

    it('refuses bad issuers, missing or mismatched credentials and unknown fields with 400, writing nothing', async () => {
      const org = (await admin('POST', '/organizations', { name: 'Acme' })).body;
      const base = { type: 'oidc', issuer: 'https://login.acme.example', client_id: 'latchkey', client_secret: 's' };
      const { publicKey } = await generateKeyPair('ES256', { extractable: true });
      for (const [change, path] of [
        [{ issuer: 'http://login.acme.example' }, 'issuer'],
        [{ issuer: 'http://10.0.0.5/oidc' }, 'issuer'],
        [{ issuer: 'ftp://login.acme.example' }, 'issuer'],
        [{ issuer: 'https://login.acme.example/?tenant=1' }, 'issuer'],
        [{ issuer: 'https://login.acme.example/#x' }, 'issuer'],
        [{ issuer: 'https://user:pw@login.acme.example' }, 'issuer'],
        [{ issuer: 'not a url' }, 'issuer'],
        [{ client_secret: undefined }, 'client_secret'],
        [{ client_id: '' }, 'client_id'],
        [{ token_endpoint_auth_method: 'private_key_jwt' }, 'private_key_jwk'],
        [{ client_secret: undefined, private_key_jwk: await exportJWK(publicKey) }, 'private_key_jwk'],
        [{ client_secret: undefined, private_key_jwk: { kty: 'oct', k: 'AAAA' } }, 'private_key_jwk'],
        [{ default_role: 'Has Spaces' }, 'default_role'],
        [{ secret: 'typo' }, '(body)'],
        [{ type: 'ldap' }, 'type'],
      ] as const) {
        const answer = await admin('POST', `/organizations/${org.id}/connections`, { ...base, ...change });
        expect(answer.status, JSON.stringify(change)).toBe(400);
        expect(answer.body.type).toBe('urn:latchkey:problem:invalid_request');
        expect(answer.body.errors[0].path, JSON.stringify(change)).toBe(path);
      }
      expect(await count('connections')).toBe(0);
    });

    it('refuses SAML metadata it cannot read, storing nothing (the SAML shapes: modules/saml/admin.test.ts)', async () => {
      const org = (await admin('POST', '/organizations', { name: 'Globex' })).body;
      const answer = await admin('POST', `/organizations/${org.id}/connections`, { type: 'saml', metadata_xml: '<EntityDescriptor/>' });
      expect([answer.status, answer.body.errors?.[0]?.path]).toEqual([400, 'metadata_xml']);
      expect(await count('connections')).toBe(0);
    });

    it('does not let a connection of organization A be reached through organization B', async () => {
      const { org: acme, connection } = await createAcme(ctx.broker);
      const globex = (await admin('POST', '/organizations', { name: 'Globex' })).body;
      const through = `/organizations/${globex.id}/connections/${connection.id}`;
      expect((await admin('GET', through)).status).toBe(404);
      expect((await admin('PATCH', through, { enabled: false, client_secret: 'taken-over' })).status).toBe(404);
      expect((await admin('DELETE', through)).status).toBe(404);
      expect((await admin('GET', `/organizations/${globex.id}/connections`)).body).toEqual({ data: [] });
      const intact = await admin('GET', `/organizations/${acme.id}/connections/${connection.id}`);
      expect(intact.body).toEqual(connection);
      expect(await connectionCredential(ctx.broker.deps, (await findConnection(ctx.storage, connection.id))!)).toEqual({ kind: 'client_secret', secret: DEV_SECRET });
    });
  });

  describe('memberships', () => {
    it('sets, lists, changes and removes a member; an unknown user or organization is 404', async () => {
      const org = (await admin('POST', '/organizations', { name: 'Acme' })).body;
      const { user } = await ctx.broker.signUp('ana@acme.test');
      const put = await admin('PUT', `/organizations/${org.id}/memberships/${user.id}`, { role: 'admin' });
      expect(put.status).toBe(200);
      expect(put.body).toEqual({ user_id: user.id, role: 'admin', created_at: expect.stringMatching(ISO) });
      await admin('PUT', `/organizations/${org.id}/memberships/${user.id}`, { role: 'member' });
      expect((await admin('GET', `/organizations/${org.id}/memberships`)).body).toEqual({
        data: [{ user_id: user.id, email: 'ana@acme.test', name: null, role: 'member', created_at: put.body.created_at }],
        next_after: null,
      });
      expect((await admin('PUT', `/organizations/${org.id}/memberships/usr_nobody`, { role: 'member' })).status).toBe(404);
      expect((await admin('PUT', `/organizations/org_nope/memberships/${user.id}`, { role: 'member' })).status).toBe(404);
      expect((await admin('PUT', `/organizations/${org.id}/memberships/${user.id}`, { role: '' })).status).toBe(400);
      expect((await admin('DELETE', `/organizations/${org.id}/memberships/${user.id}`)).status).toBe(204);
      expect(await count('memberships')).toBe(0);
    });
  });
});
