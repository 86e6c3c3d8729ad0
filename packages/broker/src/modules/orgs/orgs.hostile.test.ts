import { beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, adminCall } from '../../test/admin.js';
import { storageKinds, useTestBroker, type StorageKind, type TestBroker } from '../../test/harness.js';
import { addMember, createOrg, fakeDns, memberBrowser, orgState, type MemberBrowser } from '../../test/orgs.js';

const ELEVEN_MINUTES = 11 * 60_000;

/** Every route under `/v1/orgs/{org_id}`, with the ids of that organization's objects filled in. */
function everyOrgRoute(orgId: string, ids: { userId: string; roleKey: string; domain: string }): Array<[string, string, unknown?]> {
  const org = `/v1/orgs/${orgId}`;
  return [
    ['PATCH', org, { name: 'Taken over' }],
    ['DELETE', org],
    ['GET', `${org}/members`],
    ['PATCH', `${org}/members/${ids.userId}`, { role: 'admin' }],
    ['DELETE', `${org}/members/${ids.userId}`],
    ['GET', `${org}/roles`],
    ['POST', `${org}/roles`, { key: 'intruder', name: 'Intruder', permissions: ['org:read'] }],
    ['PATCH', `${org}/roles/${ids.roleKey}`, { name: 'Renamed', permissions: ['org:read'] }],
    ['DELETE', `${org}/roles/${ids.roleKey}`],
    ['GET', `${org}/domains`],
    ['POST', `${org}/domains`, { domain: 'intruder.test' }],
    ['POST', `${org}/domains/${ids.domain}/verify`, {}],
    ['PATCH', `${org}/domains/${ids.domain}`, { enrollment: 'automatic' }],
    ['DELETE', `${org}/domains/${ids.domain}`],
    ['GET', `${org}/policies`],
    ['PUT', `${org}/policies`, { require_mfa: false, require_passkey: false, require_sso: false, grace_days: 0 }],
    ['GET', `${org}/audit`],
    ['GET', `${org}/audit.csv`],
  ];
}

const answer = async (who: MemberBrowser, [method, path, json]: [string, string, unknown?]) => {
  const response = await who.send(method, path, json);
  return { status: response.status, body: response.body };
};

/** Two organizations, each with an owner, an admin, a member, a custom role and a domain verified by DNS. */
async function twoOrganizations(b: TestBroker, dns: ReturnType<typeof fakeDns>) {
  const make = async (name: string, domain: string) => {
    const owner = await memberBrowser(b, `owner@${domain}`);
    const org = await createOrg(owner, name);
    const admin = await memberBrowser(b, `admin@${domain}`);
    const member = await memberBrowser(b, `member@${domain}`);
    await addMember(b, org.id, admin, 'admin');
    await addMember(b, org.id, member, 'member');
    const roleKey = `${name.toLowerCase()}-role`;
    expect((await owner.create(`/v1/orgs/${org.id}/roles`, { key: roleKey, name, permissions: ['members:read'] })).status).toBe(201);
    const claimed = await owner.create(`/v1/orgs/${org.id}/domains`, { domain });
    dns.records.set(claimed.body.txt_record.name, [[claimed.body.txt_record.value]]);
    expect((await owner.create(`/v1/orgs/${org.id}/domains/${domain}/verify`)).status).toBe(200);
    return { org, owner, admin, member, roleKey, domain };
  };
  return { acme: await make('Acme', 'acme.test'), globex: await make('Globex', 'globex.test') };
}

describe.each(storageKinds)('organizations under attack on %s', (kind: StorageKind) => {
  const dns = fakeDns();
  beforeEach(() => dns.records.clear());
  const t = useTestBroker(kind, undefined, { adminToken: ADMIN_TOKEN, resolveTxt: dns.resolveTxt });

  it("reads and changes nothing of another organization: its ids under one's own organization, and its own path", async () => {
    const { acme, globex } = await twoOrganizations(t.broker, dns);
    const before = await orgState(t.broker);

    // Globex's member, role and domain under Acme's path: not found, as if they did not exist.
    const swapped = everyOrgRoute(acme.org.id, { userId: globex.member.userId, roleKey: globex.roleKey, domain: globex.domain }).filter(([, path]) => /members\/|roles\/|domains\//.test(path));
    expect(swapped).toHaveLength(7);
    for (const call of swapped) expect({ call, ...(await answer(acme.owner, call)) }).toMatchObject({ call, status: 404, body: { code: 'not_found' } });
    // Globex's owner and custom role, handed to a member of Acme.
    expect((await answer(acme.owner, ['DELETE', `/v1/orgs/${acme.org.id}/members/${globex.owner.userId}`])).status).toBe(404);
    expect(await answer(acme.owner, ['PATCH', `/v1/orgs/${acme.org.id}/members/${acme.member.userId}`, { role: globex.roleKey }])).toMatchObject({ status: 400, body: { code: 'invalid_request' } });

    // Globex's own path, for Acme's owner (not a member of Globex): exactly the 404 of an organization that does not exist.
    const globexIds = { userId: globex.member.userId, roleKey: globex.roleKey, domain: globex.domain };
    for (const [i, call] of everyOrgRoute(globex.org.id, globexIds).entries()) {
      const unknown = everyOrgRoute('org_NoSuchOrganization00000', globexIds)[i]!;
      const malformed = everyOrgRoute('%00', globexIds)[i]!;
      const foreign = await answer(acme.owner, call);
      expect({ call, ...foreign }).toEqual({ call, status: 404, body: { type: 'urn:latchkey:problem:not_found', title: expect.any(String), status: 404, code: 'not_found' } });
      expect(await answer(acme.owner, unknown)).toEqual(foreign);
      expect(await answer(acme.owner, malformed)).toEqual(foreign);
    }
    expect((await acme.owner.read('/v1/orgs')).body.organizations.map((o: { id: string }) => o.id)).toEqual([acme.org.id]);
    expect(await orgState(t.broker)).toEqual(before);
  });

  it('never answers a 500 for a hostile path or query', async () => {
    const { acme } = await twoOrganizations(t.broker, dns);
    const org = `/v1/orgs/${acme.org.id}`;
    const before = await orgState(t.broker);
    for (const path of [
      `${org}/members/%00`,
      `${org}/members/${'x'.repeat(500)}`,
      `${org}/roles/%E2%80%AE`,
      `${org}/domains/%00.test`,
      `${org}/domains/ACME.test%0a`,
      `${org}/members?after=%00`,
      `${org}/audit?since=yesterday`,
      `${org}/audit?after=-1`,
      `${org}/audit?type=everything`,
    ]) {
      const method = path.includes('?') ? 'GET' : 'DELETE';
      const response = await acme.owner.send(method, path);
      expect({ path, status: response.status }).toEqual({ path, status: path.includes('?') ? 400 : 404 });
    }
    expect(await orgState(t.broker)).toEqual(before);
  });

  it('refuses a member escalating their own role, or managing anyone without members:manage', async () => {
    const { acme } = await twoOrganizations(t.broker, dns);
    const org = `/v1/orgs/${acme.org.id}`;
    const before = await orgState(t.broker);
    for (const role of ['owner', 'admin', acme.roleKey]) {
      expect(await acme.member.patch(`${org}/members/${acme.member.userId}`, { role })).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    }
    // An admin may manage members, but never their own role.
    expect(await acme.admin.patch(`${org}/members/${acme.admin.userId}`, { role: 'owner' })).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect(await acme.member.patch(`${org}/members/${acme.admin.userId}`, { role: 'member' })).toMatchObject({ status: 403, body: { code: 'forbidden', detail: 'needs the permission members:manage' } });
    expect(await acme.member.del(`${org}/members/${acme.admin.userId}`)).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect(await acme.member.create(`${org}/roles`, { key: 'mine', name: 'Mine', permissions: ['org:read'] })).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect(await acme.member.put(`${org}/policies`, { require_mfa: false, require_passkey: false, require_sso: false, grace_days: 0 })).toMatchObject({ status: 403 });
    expect(await acme.member.read(`${org}/audit`)).toMatchObject({ status: 403, body: { code: 'forbidden', detail: 'needs the permission audit:read' } });
    expect(await orgState(t.broker)).toEqual(before);
  });

  it('refuses an admin granting or taking owner, removing an owner, or granting a role that holds a permission they lack', async () => {
    const { acme } = await twoOrganizations(t.broker, dns);
    const org = `/v1/orgs/${acme.org.id}`;
    // A custom role holding org:delete, which admins lack; the owner makes it and gives it to someone.
    expect((await acme.owner.create(`${org}/roles`, { key: 'super', name: 'Super', permissions: ['org:read', 'org:delete'] })).status).toBe(201);
    const holder = await memberBrowser(t.broker, 'holder@acme.test');
    await addMember(t.broker, acme.org.id, holder, 'super');
    const before = await orgState(t.broker);

    expect(await acme.admin.patch(`${org}/members/${acme.member.userId}`, { role: 'owner' })).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect(await acme.admin.patch(`${org}/members/${acme.owner.userId}`, { role: 'member' })).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect(await acme.admin.del(`${org}/members/${acme.owner.userId}`)).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect(await acme.admin.patch(`${org}/members/${acme.member.userId}`, { role: 'super' })).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    // Nor demote or remove the holder of such a role, make such a role, or widen one to it.
    expect(await acme.admin.patch(`${org}/members/${holder.userId}`, { role: 'member' })).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect(await acme.admin.del(`${org}/members/${holder.userId}`)).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect(await acme.admin.create(`${org}/roles`, { key: 'deleter', name: 'Deleter', permissions: ['org:delete'] })).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect(await acme.admin.patch(`${org}/roles/${acme.roleKey}`, { name: 'Wider', permissions: ['members:read', 'org:delete'] })).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect(await acme.admin.patch(`${org}/roles/super`, { name: 'Narrower', permissions: ['org:read'] })).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect(await orgState(t.broker)).toEqual(before);

    // What they hold, they may grant.
    expect(await acme.admin.patch(`${org}/members/${acme.member.userId}`, { role: acme.roleKey })).toMatchObject({ status: 200, body: { role: acme.roleKey } });
  });

  it('keeps the last owner: not demoted, not removed, not leaving', async () => {
    const ada = await memberBrowser(t.broker, 'ada@acme.test');
    const org = await createOrg(ada, 'Acme');
    const path = `/v1/orgs/${org.id}/members/${ada.userId}`;
    const before = await orgState(t.broker);
    expect(await ada.patch(path, { role: 'admin' })).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect(await ada.del(path)).toMatchObject({ status: 409, body: { code: 'last_owner' } });
    expect(await orgState(t.broker)).toEqual(before);
  });

  it('of two owners demoting each other at once, exactly one succeeds', async () => {
    for (const change of ['demote', 'remove'] as const) {
      const ada = await memberBrowser(t.broker, `ada-${change}@acme.test`);
      const org = await createOrg(ada, `Acme ${change}`);
      const bo = await memberBrowser(t.broker, `bo-${change}@acme.test`);
      await addMember(t.broker, org.id, bo, 'owner');
      const against = (who: MemberBrowser, other: MemberBrowser) =>
        change === 'demote' ? who.patch(`/v1/orgs/${org.id}/members/${other.userId}`, { role: 'admin' }) : who.del(`/v1/orgs/${org.id}/members/${other.userId}`);
      const answers = await Promise.all([against(ada, bo), against(bo, ada)]);
      const statuses = answers.map((a) => a.status).sort();
      expect({ change, statuses }).toEqual({ change, statuses: change === 'demote' ? [200, 403] : [204, 404] });
      const owners = await t.storage.query(`SELECT user_id FROM memberships WHERE org_id = $1 AND role = 'owner'`, [org.id]);
      expect(owners).toHaveLength(1);
      const events = await t.storage.query(`SELECT type FROM audit_events WHERE org_id = $1 AND type LIKE 'member.%'`, [org.id]);
      expect(events).toHaveLength(1);
    }
  });

  it('of 50 owners leaving at once, 49 leave and the last stays', async () => {
    const first = await memberBrowser(t.broker, 'owner-0@acme.test');
    const org = await createOrg(first, 'Acme');
    const owners = [first];
    for (let i = 1; i < 50; i++) {
      const owner = await memberBrowser(t.broker, `owner-${i}@acme.test`);
      await addMember(t.broker, org.id, owner, 'owner');
      owners.push(owner);
    }
    const answers = await Promise.all(owners.map((owner) => owner.del(`/v1/orgs/${org.id}/members/${owner.userId}`)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 204)).toHaveLength(49);
    expect(answers.filter((a) => a.status === 409).map((a) => a.body.code)).toEqual(['last_owner']);
    expect(await t.storage.query(`SELECT role FROM memberships WHERE org_id = $1`, [org.id])).toEqual([{ role: 'owner' }]);
    expect(await t.storage.query(`SELECT count(*)::int AS n FROM audit_events WHERE org_id = $1 AND type = 'member.removed'`, [org.id])).toEqual([{ n: 49 }]);
  });

  it('never turns on domain capture for an unverified, admin-verified or public mail domain, nor verifies by another claim’s record', async () => {
    const ada = await memberBrowser(t.broker, 'ada@acme.test');
    const acme = await createOrg(ada, 'Acme');
    const bo = await memberBrowser(t.broker, 'bo@globex.test');
    const globex = await createOrg(bo, 'Globex');
    const domains = `/v1/orgs/${acme.id}/domains`;

    for (const domain of ['gmail.com', 'outlook.com', 'eu.mail.yahoo.com', 'ICLOUD.COM']) {
      expect(await ada.create(domains, { domain })).toMatchObject({ status: 400, body: { code: 'public_email_domain' } });
    }
    // A domain the admin API vouched for is verified, but not by DNS: no capture.
    expect((await adminCall(t.broker, 'POST', `/organizations/${acme.id}/domains`, { domain: 'vouched.test' })).status).toBe(201);
    const claimed = await ada.create(domains, { domain: 'acme.test' });
    const before = await orgState(t.broker);
    expect(await ada.patch(`${domains}/acme.test`, { enrollment: 'automatic' })).toMatchObject({ status: 409, body: { code: 'domain_unverified' } });
    expect(await ada.patch(`${domains}/vouched.test`, { enrollment: 'automatic' })).toMatchObject({ status: 409, body: { code: 'domain_unverified' } });
    expect(await orgState(t.broker)).toEqual(before);

    // A record published for Acme's claim does not verify Globex's claim of the same domain after Acme let it go.
    dns.records.set(claimed.body.txt_record.name, [[claimed.body.txt_record.value]]);
    expect((await ada.del(`${domains}/acme.test`)).status).toBe(204);
    const reclaimed = await bo.create(`/v1/orgs/${globex.id}/domains`, { domain: 'acme.test' });
    expect(reclaimed.body.txt_record.value).not.toBe(claimed.body.txt_record.value);
    expect(await bo.create(`/v1/orgs/${globex.id}/domains/acme.test/verify`)).toMatchObject({ status: 409, body: { code: 'domain_unverified' } });
    expect(await bo.patch(`/v1/orgs/${globex.id}/domains/acme.test`, { enrollment: 'automatic' })).toMatchObject({ status: 409 });
    expect(await t.storage.query(`SELECT verification, enrollment FROM organization_domains WHERE domain = 'acme.test'`)).toEqual([{ verification: null, enrollment: 'manual' }]);
    // The table's own check holds even against a write that skips the routes.
    await expect(t.storage.query(`UPDATE organization_domains SET enrollment = 'automatic' WHERE domain = 'vouched.test'`)).rejects.toThrow();
  });

  it("refuses a stranger's or a stale admin's policies PUT without a recent authentication, changing nothing", async () => {
    const { acme } = await twoOrganizations(t.broker, dns);
    const stranger = await memberBrowser(t.broker, 'mallory@evil.test');
    t.broker.clock.advance(ELEVEN_MINUTES);
    const before = await orgState(t.broker);
    const policy = { require_mfa: true, require_passkey: true, require_sso: false, grace_days: 0 };
    for (const who of [stranger, acme.owner, acme.admin]) {
      expect(await who.put(`/v1/orgs/${acme.org.id}/policies`, policy)).toMatchObject({ status: 403, body: { code: 'reauthentication_required' } });
    }
    // Not JSON at all: refused before the body is read.
    const raw = await stranger.call('PUT', `/v1/orgs/${acme.org.id}/policies`, { body: 'not json', headers: { 'content-type': 'application/json' } });
    expect(raw).toMatchObject({ status: 403, body: { code: 'reauthentication_required' } });
    // A recently authenticated stranger learns only that there is nothing there for them.
    const fresh = await memberBrowser(t.broker, 'mallory2@evil.test');
    expect(await fresh.put(`/v1/orgs/${acme.org.id}/policies`, policy)).toMatchObject({ status: 404, body: { code: 'not_found' } });
    expect(await orgState(t.broker)).toEqual(before);
  });
});
