import { beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, adminCall } from '../../test/admin.js';
import { APP_ORIGIN, storageKinds, testBroker, useTestBroker, type StorageKind } from '../../test/harness.js';
import { addMember, createOrg, fakeDns, memberBrowser, storedEvents } from '../../test/orgs.js';
import { ORG_PERMISSIONS } from '@latchkey/client';

const DAY = 86_400_000;

describe.each(storageKinds)('organization routes on %s', (kind: StorageKind) => {
  const dns = fakeDns();
  beforeEach(() => dns.records.clear());
  const t = useTestBroker(kind, undefined, { adminToken: ADMIN_TOKEN, resolveTxt: dns.resolveTxt, orgs: { permissions: ['invoices:read', 'invoices:write'] } });

  describe('organizations', () => {
    it('makes the creator the owner, lists the organization with role, permissions and unmet policies, and derives the slug from the name', async () => {
      const ada = await memberBrowser(t.broker, 'ada@acme.test');
      const created = await ada.create('/v1/orgs', { name: 'Acme Café' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'Acme Café', slug: 'acme-cafe', role: 'owner', policy: { unmet: [] } });
      expect(created.body.permissions).toEqual([...ORG_PERMISSIONS, 'invoices:read', 'invoices:write']);
      expect(created.body.id).toMatch(/^org_/);
      const membership = await t.storage.query(`SELECT role, source FROM memberships WHERE org_id = $1`, [created.body.id]);
      expect(membership).toEqual([{ role: 'owner', source: 'created' }]);

      // A second organization of the same name gets a slug of its own; a slug given and taken is refused.
      const again = await ada.create('/v1/orgs', { name: 'Acme Café' });
      expect(again.status).toBe(201);
      expect(again.body.slug).toMatch(/^acme-cafe-[a-z0-9]{5}$/);
      const taken = await ada.create('/v1/orgs', { name: 'Other', slug: 'acme-cafe' });
      expect(taken).toMatchObject({ status: 409, body: { code: 'slug_taken' } });
      // A name with nothing to make a slug from still makes one.
      expect((await ada.create('/v1/orgs', { name: '株式会社' })).body.slug).toBe('org');

      const list = await ada.read('/v1/orgs');
      expect(list.status).toBe(200);
      expect(list.headers.get('cache-control')).toBe('no-store');
      expect(list.body).toMatchObject({ personal_allowed: true, create_allowed: true });
      expect(list.body.organizations.map((o: { name: string }) => o.name)).toEqual(['Acme Café', 'Acme Café', '株式会社']);

      // Someone else sees none of them.
      const bo = await memberBrowser(t.broker, 'bo@globex.test');
      expect((await bo.read('/v1/orgs')).body.organizations).toEqual([]);
    });

    it('shows the policies this session does not meet, with their grace period', async () => {
      const ada = await memberBrowser(t.broker, 'ada@acme.test');
      const org = await createOrg(ada, 'Acme');
      expect((await ada.put(`/v1/orgs/${org.id}/policies`, { require_mfa: true, require_passkey: false, require_sso: false, grace_days: 7 })).status).toBe(200);
      const [listed] = (await ada.read('/v1/orgs')).body.organizations;
      const graceUntil = new Date(t.broker.clock.now().getTime() + 7 * DAY).toISOString();
      expect(listed.policy).toEqual({ unmet: [{ requirement: 'mfa', grace_until: graceUntil }] });
      t.broker.clock.advance(8 * DAY);
      expect((await ada.read('/v1/orgs')).body.organizations[0].policy).toEqual({ unmet: [{ requirement: 'mfa', grace_until: null }] });
    });

    it('refuses creation where the host allows none, and anyone signed out', async () => {
      const closed = testBroker(t.storage, { orgs: { allowCreate: false } });
      const ada = await memberBrowser(closed, 'ada@acme.test');
      expect(await ada.create('/v1/orgs', { name: 'Acme' })).toMatchObject({ status: 403, body: { code: 'forbidden' } });
      expect((await ada.read('/v1/orgs')).body.create_allowed).toBe(false);
      expect(await t.storage.query(`SELECT id FROM organizations`)).toEqual([]);
      const stranger = t.broker.browser();
      expect(await stranger.post('/v1/orgs', { name: 'Acme' })).toMatchObject({ status: 401, body: { code: 'unauthenticated' } });
      expect((await stranger.get('/v1/orgs')).status).toBe(401);
    });

    it('takes the account routes guards: a trusted Origin, JSON bodies of a known shape, a small body', async () => {
      const ada = await memberBrowser(t.broker, 'ada@acme.test');
      expect((await ada.call('POST', '/v1/orgs', { json: { name: 'Acme' }, headers: { origin: 'https://evil.test' } })).status).toBe(403);
      expect(await ada.create('/v1/orgs', { name: 'Acme', plan: 'free' })).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
      expect(await ada.create('/v1/orgs', { name: '' })).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
      expect(await ada.create('/v1/orgs', { name: 'Acme', slug: 'Not A Slug' })).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
      expect((await ada.create('/v1/orgs', { name: 'x'.repeat(20_000) })).status).toBe(413);
      expect(await t.storage.query(`SELECT id FROM organizations`)).toEqual([]);
      expect((await ada.call('POST', '/v1/orgs', { json: { name: 'Acme' }, headers: { origin: APP_ORIGIN } })).status).toBe(201);
    });

    it('renames an organization and changes its slug (org:update), and deletes it (org:delete, recently authenticated)', async () => {
      const ada = await memberBrowser(t.broker, 'ada@acme.test');
      const org = await createOrg(ada, 'Acme');
      await createOrg(ada, 'Globex', 'globex');
      const renamed = await ada.patch(`/v1/orgs/${org.id}`, { name: 'Acme Inc', slug: 'acme-inc' });
      expect(renamed).toMatchObject({ status: 200, body: { id: org.id, name: 'Acme Inc', slug: 'acme-inc', role: 'owner' } });
      expect(await ada.patch(`/v1/orgs/${org.id}`, { slug: 'globex' })).toMatchObject({ status: 409, body: { code: 'slug_taken' } });
      expect(await ada.patch(`/v1/orgs/${org.id}`, {})).toMatchObject({ status: 400, body: { code: 'invalid_request' } });

      const admin = await memberBrowser(t.broker, 'al@acme.test');
      await addMember(t.broker, org.id, admin, 'admin');
      expect((await admin.patch(`/v1/orgs/${org.id}`, { name: 'Acme by Al' })).status).toBe(200);
      expect(await admin.del(`/v1/orgs/${org.id}`)).toMatchObject({ status: 403, body: { code: 'forbidden', detail: 'needs the permission org:delete' } });

      t.broker.clock.advance(11 * 60_000);
      expect(await ada.del(`/v1/orgs/${org.id}`)).toMatchObject({ status: 403, body: { code: 'reauthentication_required' } });
      const fresh = await memberBrowser(t.broker, 'ada2@acme.test');
      await addMember(t.broker, org.id, fresh, 'owner');
      expect((await fresh.del(`/v1/orgs/${org.id}`)).status).toBe(204);
      expect(await t.storage.query(`SELECT id FROM organizations WHERE id = $1`, [org.id])).toEqual([]);
      expect(await t.storage.query(`SELECT user_id FROM memberships WHERE org_id = $1`, [org.id])).toEqual([]);
      // Its log outlives it, ending with the deletion.
      expect((await storedEvents(t.broker, org.id)).map((e) => e.type)).toEqual(['org.created', 'org.updated', 'org.updated', 'org.deleted']);
      expect((await ada.read('/v1/orgs')).body.organizations.map((o: { slug: string }) => o.slug)).toEqual(['globex']);
    });
  });

  describe('members', () => {
    it('lists members a page at a time; only managers see who is out of policy', async () => {
      const ada = await memberBrowser(t.broker, 'ada@acme.test');
      const org = await createOrg(ada, 'Acme');
      const people = [];
      for (const name of ['bo', 'cy', 'di', 'ed']) {
        const person = await memberBrowser(t.broker, `${name}@acme.test`);
        await addMember(t.broker, org.id, person, 'member');
        people.push(person);
      }
      await ada.put(`/v1/orgs/${org.id}/policies`, { require_mfa: true, require_passkey: false, require_sso: false, grace_days: 0 });
      // Bo has an authenticator app: he can prove a second factor.
      await t.storage.query(`INSERT INTO totp_factors (id, user_id, sealed_secret, created_at) VALUES ('totp_1', $1, 'sealed', now())`, [people[0]!.userId]);

      const first = await ada.read(`/v1/orgs/${org.id}/members?limit=2`);
      expect(first.status).toBe(200);
      expect(first.body.members.map((m: { email: string }) => m.email)).toEqual(['ada@acme.test', 'bo@acme.test']);
      expect(first.body.members[0]).toMatchObject({ user_id: ada.userId, role: 'owner', source: 'created', name: null, out_of_policy: [{ requirement: 'mfa', grace_until: null }] });
      expect(first.body.members[1]).toMatchObject({ role: 'member', source: 'invitation', out_of_policy: [] });
      expect(first.body.next).toBe('bo@acme.test');
      const second = await ada.read(`/v1/orgs/${org.id}/members?limit=2&after=${encodeURIComponent(first.body.next)}`);
      expect(second.body.members.map((m: { email: string }) => m.email)).toEqual(['cy@acme.test', 'di@acme.test']);
      const last = await ada.read(`/v1/orgs/${org.id}/members?limit=2&after=${encodeURIComponent(second.body.next)}`);
      expect(last.body).toMatchObject({ members: [{ email: 'ed@acme.test' }], next: null });

      // A plain member reads the list but not who is out of policy.
      const seen = await people[1]!.read(`/v1/orgs/${org.id}/members`);
      expect(seen.status).toBe(200);
      expect(seen.body.members.every((m: { out_of_policy: unknown[] }) => m.out_of_policy.length === 0)).toBe(true);
      expect(await ada.read(`/v1/orgs/${org.id}/members?limit=500`)).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
      expect(await ada.read(`/v1/orgs/${org.id}/members?page=2`)).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
    });

    it('changes a role, removes a member and lets a member leave, each recorded', async () => {
      const ada = await memberBrowser(t.broker, 'ada@acme.test');
      const org = await createOrg(ada, 'Acme');
      const bo = await memberBrowser(t.broker, 'bo@acme.test');
      const cy = await memberBrowser(t.broker, 'cy@acme.test');
      await addMember(t.broker, org.id, bo, 'member');
      await addMember(t.broker, org.id, cy, 'member');

      const promoted = await ada.patch(`/v1/orgs/${org.id}/members/${bo.userId}`, { role: 'admin' });
      expect(promoted).toMatchObject({ status: 200, body: { user_id: bo.userId, email: 'bo@acme.test', role: 'admin' } });
      // The same role again changes nothing and records nothing.
      expect((await ada.patch(`/v1/orgs/${org.id}/members/${bo.userId}`, { role: 'admin' })).status).toBe(200);
      expect(await ada.patch(`/v1/orgs/${org.id}/members/${bo.userId}`, { role: 'no-such-role' })).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
      // Bo, now an admin, removes Cy; then leaves himself.
      expect((await bo.del(`/v1/orgs/${org.id}/members/${cy.userId}`)).status).toBe(204);
      expect((await bo.del(`/v1/orgs/${org.id}/members/${bo.userId}`)).status).toBe(204);
      expect(await bo.read(`/v1/orgs/${org.id}/members`)).toMatchObject({ status: 404, body: { code: 'not_found' } });
      expect(await t.storage.query(`SELECT user_id FROM memberships WHERE org_id = $1`, [org.id])).toEqual([{ user_id: ada.userId }]);
      const events = await storedEvents(t.broker, org.id);
      expect(events.map((e) => [e.type, e.actor_id, e.target_id, e.data])).toEqual([
        ['org.created', ada.userId, null, { name: 'Acme', slug: 'acme' }],
        ['member.role_changed', ada.userId, bo.userId, { from: 'member', to: 'admin' }],
        ['member.removed', bo.userId, cy.userId, { role: 'member' }],
        ['member.removed', bo.userId, bo.userId, { role: 'admin', left: true }],
      ]);
    });

    it('lets an owner hand over ownership after a recent authentication, and then leave', async () => {
      const ada = await memberBrowser(t.broker, 'ada@acme.test');
      const org = await createOrg(ada, 'Acme');
      const bo = await memberBrowser(t.broker, 'bo@acme.test');
      await addMember(t.broker, org.id, bo, 'admin');
      t.broker.clock.advance(11 * 60_000);
      expect(await ada.patch(`/v1/orgs/${org.id}/members/${bo.userId}`, { role: 'owner' })).toMatchObject({ status: 403, body: { code: 'reauthentication_required' } });
      expect(await ada.del(`/v1/orgs/${org.id}/members/${ada.userId}`)).toMatchObject({ status: 409, body: { code: 'last_owner' } });
      const fresh = await memberBrowser(t.broker, 'ada+2@acme.test');
      await addMember(t.broker, org.id, fresh, 'owner');
      expect((await fresh.patch(`/v1/orgs/${org.id}/members/${bo.userId}`, { role: 'owner' })).status).toBe(200);
      expect((await ada.del(`/v1/orgs/${org.id}/members/${ada.userId}`)).status).toBe(204);
      expect((await fresh.del(`/v1/orgs/${org.id}/members/${fresh.userId}`)).status).toBe(204);
      expect(await bo.del(`/v1/orgs/${org.id}/members/${bo.userId}`)).toMatchObject({ status: 409, body: { code: 'last_owner' } });
    });
  });

  describe('roles', () => {
    it('lists the built-in roles and the custom ones with their holders, and every permission a role may hold', async () => {
      const ada = await memberBrowser(t.broker, 'ada@acme.test');
      const org = await createOrg(ada, 'Acme');
      const created = await ada.create(`/v1/orgs/${org.id}/roles`, { key: 'billing', name: 'Billing', permissions: ['invoices:read', 'members:read'] });
      expect(created).toMatchObject({ status: 201, body: { key: 'billing', name: 'Billing', permissions: ['invoices:read', 'members:read'], built_in: false, members: 0 } });
      const bo = await memberBrowser(t.broker, 'bo@acme.test');
      await addMember(t.broker, org.id, bo, 'member');
      expect((await ada.patch(`/v1/orgs/${org.id}/members/${bo.userId}`, { role: 'billing' })).status).toBe(200);

      const list = await bo.read(`/v1/orgs/${org.id}/roles`);
      expect(list.status).toBe(200);
      expect(list.body.permissions).toEqual([...ORG_PERMISSIONS, 'invoices:read', 'invoices:write']);
      expect(list.body.roles.map((r: { key: string; built_in: boolean; members: number }) => [r.key, r.built_in, r.members])).toEqual([
        ['owner', true, 1],
        ['admin', true, 0],
        ['member', true, 0],
        ['billing', false, 1],
      ]);
      expect(list.body.roles[2].permissions).toEqual(['org:read', 'members:read']);
      // Bo's token and organization list carry what the custom role allows.
      expect((await bo.read('/v1/orgs')).body.organizations[0]).toMatchObject({ role: 'billing', permissions: ['members:read', 'invoices:read'] });
    });

    it('updates and deletes a custom role; refuses unknown permissions, a taken key, a role in use and the built-in roles', async () => {
      const ada = await memberBrowser(t.broker, 'ada@acme.test');
      const org = await createOrg(ada, 'Acme');
      const path = `/v1/orgs/${org.id}/roles`;
      expect((await ada.create(path, { key: 'billing', name: 'Billing', permissions: ['invoices:read'] })).status).toBe(201);
      expect(await ada.create(path, { key: 'billing', name: 'Again', permissions: [] })).toMatchObject({ status: 409, body: { code: 'role_exists' } });
      expect(await ada.create(path, { key: 'admin', name: 'Admin 2', permissions: [] })).toMatchObject({ status: 409, body: { code: 'role_exists' } });
      const unknown = await ada.create(path, { key: 'ops', name: 'Ops', permissions: ['servers:reboot'] });
      expect(unknown).toMatchObject({ status: 400, body: { code: 'invalid_request', errors: [{ path: 'permissions.0', message: 'unknown permission servers:reboot' }] } });
      expect(await ada.create(path, { key: 'Ops!', name: 'Ops', permissions: [] })).toMatchObject({ status: 400, body: { code: 'invalid_request' } });

      const updated = await ada.patch(`${path}/billing`, { name: 'Billing team', permissions: ['invoices:read', 'invoices:write'] });
      expect(updated).toMatchObject({ status: 200, body: { key: 'billing', name: 'Billing team', permissions: ['invoices:read', 'invoices:write'] } });
      expect(await ada.patch(`${path}/billing`, { key: 'finance', name: 'x', permissions: [] })).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
      expect(await ada.patch(`${path}/admin`, { name: 'Admin', permissions: [] })).toMatchObject({ status: 403, body: { code: 'forbidden' } });
      expect(await ada.del(`${path}/owner`)).toMatchObject({ status: 403, body: { code: 'forbidden' } });
      expect(await ada.patch(`${path}/nobody`, { name: 'x', permissions: [] })).toMatchObject({ status: 404, body: { code: 'not_found' } });

      const bo = await memberBrowser(t.broker, 'bo@acme.test');
      await addMember(t.broker, org.id, bo, 'billing');
      expect(await ada.del(`${path}/billing`)).toMatchObject({ status: 409, body: { code: 'role_in_use' } });
      await ada.patch(`/v1/orgs/${org.id}/members/${bo.userId}`, { role: 'member' });
      expect((await ada.del(`${path}/billing`)).status).toBe(204);
      expect(await ada.del(`${path}/billing`)).toMatchObject({ status: 404, body: { code: 'not_found' } });
      expect((await storedEvents(t.broker, org.id)).map((e) => e.type)).toEqual(['org.created', 'role.created', 'role.updated', 'member.role_changed', 'role.deleted']);
    });
  });

  describe('domains', () => {
    it('claims a domain with its TXT record, verifies it by DNS, turns on capture, and removes it', async () => {
      const ada = await memberBrowser(t.broker, 'ada@acme.test');
      const org = await createOrg(ada, 'Acme');
      const added = await ada.create(`/v1/orgs/${org.id}/domains`, { domain: 'Acme.TEST' });
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({ domain: 'acme.test', verification: null, verified_at: null, enrollment: 'manual', sso_required: false });
      expect(added.body.txt_record.name).toBe('_latchkey-verification.acme.test');
      expect(added.body.txt_record.value).toMatch(/^latchkey-verification=[\w-]{43}$/);
      expect((await ada.read(`/v1/orgs/${org.id}/domains`)).body).toEqual({ domains: [added.body] });

      const path = `/v1/orgs/${org.id}/domains/acme.test`;
      expect(await ada.patch(path, { enrollment: 'automatic' })).toMatchObject({ status: 409, body: { code: 'domain_unverified' } });
      expect(await ada.patch(path, { enrollment: 'request' })).toMatchObject({ status: 409, body: { code: 'domain_unverified' } });
      expect(await ada.create(`${path}/verify`)).toMatchObject({ status: 409, body: { code: 'domain_unverified' } });
      expect(dns.lookups.at(-1)).toBe('_latchkey-verification.acme.test');
      // Another value at the name does not do.
      dns.records.set('_latchkey-verification.acme.test', [['latchkey-verification=someone-elses']]);
      expect((await ada.create(`${path}/verify`)).status).toBe(409);
      dns.records.set('_latchkey-verification.acme.test', [['v=spf1 -all'], [added.body.txt_record.value]]);
      const verified = await ada.create(`${path}/verify`);
      expect(verified).toMatchObject({ status: 200, body: { domain: 'acme.test', verification: 'dns', verified_at: t.broker.clock.now().toISOString() } });
      // Verifying again changes and records nothing.
      expect((await ada.create(`${path}/verify`)).status).toBe(200);

      expect(await ada.patch(path, { enrollment: 'automatic' })).toMatchObject({ status: 200, body: { enrollment: 'automatic' } });
      expect(await ada.patch(path, { enrollment: 'request' })).toMatchObject({ status: 200, body: { enrollment: 'request' } });
      expect((await ada.del(path)).status).toBe(204);
      expect(await ada.del(path)).toMatchObject({ status: 404, body: { code: 'not_found' } });
      expect((await storedEvents(t.broker, org.id)).map((e) => [e.type, e.target_id])).toEqual([
        ['org.created', null],
        ['domain.added', 'acme.test'],
        ['domain.verified', 'acme.test'],
        ['domain.updated', 'acme.test'],
        ['domain.updated', 'acme.test'],
        ['domain.removed', 'acme.test'],
      ]);
    });

    it('refuses what is not a domain, a public mail domain and a domain claimed already; a domain the admin verified takes requests but not capture', async () => {
      const ada = await memberBrowser(t.broker, 'ada@acme.test');
      const org = await createOrg(ada, 'Acme');
      const path = `/v1/orgs/${org.id}/domains`;
      expect(await ada.create(path, { domain: '*.acme.test' })).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
      expect(await ada.create(path, { domain: 'localhost' })).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
      for (const domain of ['gmail.com', 'GMAIL.com', 'mail.yahoo.com', 'proton.me']) {
        expect(await ada.create(path, { domain })).toMatchObject({ status: 400, body: { code: 'public_email_domain' } });
      }
      expect((await ada.create(path, { domain: 'acme.test' })).status).toBe(201);
      expect(await ada.create(path, { domain: 'acme.test' })).toMatchObject({ status: 409, body: { code: 'domain_taken' } });
      const bo = await memberBrowser(t.broker, 'bo@globex.test');
      const globex = await createOrg(bo, 'Globex');
      expect(await bo.create(`/v1/orgs/${globex.id}/domains`, { domain: 'acme.test' })).toMatchObject({ status: 409, body: { code: 'domain_taken' } });

      // A domain the admin API verified (the operator vouched for it) has a TXT value too, and can take access requests.
      expect((await adminCall(t.broker, 'POST', `/organizations/${globex.id}/domains`, { domain: 'globex.test' })).status).toBe(201);
      const listed = (await bo.read(`/v1/orgs/${globex.id}/domains`)).body.domains[0];
      expect(listed).toMatchObject({ domain: 'globex.test', verification: 'admin', enrollment: 'manual' });
      expect(listed.txt_record.value).toMatch(/^latchkey-verification=/);
      expect(await bo.patch(`/v1/orgs/${globex.id}/domains/globex.test`, { enrollment: 'automatic' })).toMatchObject({ status: 409, body: { code: 'domain_unverified' } });
      expect((await bo.patch(`/v1/orgs/${globex.id}/domains/globex.test`, { enrollment: 'request' })).status).toBe(200);
      // The admin unverifying it ends its enrolment.
      await adminCall(t.broker, 'PATCH', `/organizations/${globex.id}/domains/globex.test`, { verified: false });
      expect((await bo.read(`/v1/orgs/${globex.id}/domains`)).body.domains[0]).toMatchObject({ verification: null, enrollment: 'manual' });
    });

    it('needs domains:manage to read or change them, and a recent authentication to change them', async () => {
      const ada = await memberBrowser(t.broker, 'ada@acme.test');
      const org = await createOrg(ada, 'Acme');
      const bo = await memberBrowser(t.broker, 'bo@acme.test');
      await addMember(t.broker, org.id, bo, 'member');
      expect(await bo.read(`/v1/orgs/${org.id}/domains`)).toMatchObject({ status: 403, body: { code: 'forbidden', detail: 'needs the permission domains:manage' } });
      expect(await bo.create(`/v1/orgs/${org.id}/domains`, { domain: 'acme.test' })).toMatchObject({ status: 403, body: { code: 'forbidden' } });
      t.broker.clock.advance(11 * 60_000);
      expect(await ada.create(`/v1/orgs/${org.id}/domains`, { domain: 'acme.test' })).toMatchObject({ status: 403, body: { code: 'reauthentication_required' } });
      expect((await ada.read(`/v1/orgs/${org.id}/domains`)).status).toBe(200);
      expect(await t.storage.query(`SELECT domain FROM organization_domains`)).toEqual([]);
    });
  });

  describe('security policies', () => {
    it('reads and writes the policies: require_mfa is the engine column, a newly required policy starts its grace period', async () => {
      const ada = await memberBrowser(t.broker, 'ada@acme.test');
      const org = await createOrg(ada, 'Acme');
      const path = `/v1/orgs/${org.id}/policies`;
      expect((await ada.read(path)).body).toEqual({ require_mfa: false, require_passkey: false, require_sso: false, grace_days: 0, grace_until: null });

      const mfa = await ada.put(path, { require_mfa: true, require_passkey: false, require_sso: false, grace_days: 14 });
      const graceUntil = new Date(t.broker.clock.now().getTime() + 14 * DAY).toISOString();
      expect(mfa).toMatchObject({ status: 200, body: { require_mfa: true, grace_days: 14, grace_until: graceUntil } });
      expect(await t.storage.query(`SELECT require_mfa FROM organizations WHERE id = $1`, [org.id])).toEqual([{ require_mfa: true }]);
      // Nothing newly required: the grace period stays. A new requirement restarts it; with nothing required there is none.
      t.broker.clock.advance(60_000);
      expect((await ada.put(path, { require_mfa: true, require_passkey: false, require_sso: false, grace_days: 30 })).body.grace_until).toBe(graceUntil);
      expect((await ada.put(path, { require_mfa: true, require_passkey: true, require_sso: false, grace_days: 0 })).body.grace_until).toBeNull();
      expect((await ada.put(path, { require_mfa: false, require_passkey: false, require_sso: false, grace_days: 5 })).body).toMatchObject({ grace_until: null, grace_days: 5 });
      // The same policy again records nothing.
      await ada.put(path, { require_mfa: false, require_passkey: false, require_sso: false, grace_days: 5 });
      expect((await storedEvents(t.broker, org.id)).filter((e) => e.type === 'policy.updated')).toHaveLength(4);

      expect(await ada.put(path, { require_mfa: true })).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
      expect(await ada.put(path, { require_mfa: true, require_passkey: false, require_sso: false, grace_days: 91 })).toMatchObject({ status: 400 });
    });

    it('requires SSO only with an enabled connection, and only for policies:manage', async () => {
      const ada = await memberBrowser(t.broker, 'ada@acme.test');
      const org = await createOrg(ada, 'Acme');
      const path = `/v1/orgs/${org.id}/policies`;
      const sso = { require_mfa: false, require_passkey: false, require_sso: true, grace_days: 0 };
      expect(await ada.put(path, sso)).toMatchObject({ status: 409, body: { code: 'no_connection' } });
      const connection = await adminCall(t.broker, 'POST', `/organizations/${org.id}/connections`, { type: 'oidc', issuer: 'https://idp.acme.example', client_id: 'c', client_secret: 's', enabled: false });
      expect(connection.status).toBe(201);
      expect((await ada.put(path, sso)).status).toBe(409);
      await adminCall(t.broker, 'PATCH', `/organizations/${org.id}/connections/${connection.body.id}`, { enabled: true });
      expect(await ada.put(path, sso)).toMatchObject({ status: 200, body: { require_sso: true } });

      const bo = await memberBrowser(t.broker, 'bo@acme.test');
      await addMember(t.broker, org.id, bo, 'member');
      expect((await bo.read(path)).body.require_sso).toBe(true);
      expect(await bo.put(path, { ...sso, require_sso: false })).toMatchObject({ status: 403, body: { code: 'forbidden' } });
      expect(await t.storage.query(`SELECT require_sso FROM organizations WHERE id = $1`, [org.id])).toEqual([{ require_sso: true }]);
    });
  });
});
