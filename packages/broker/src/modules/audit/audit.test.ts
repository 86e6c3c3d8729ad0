import { describe, expect, it } from 'vitest';
import { sweep } from '../../housekeeping.js';
import { ADMIN_TOKEN, adminCall } from '../../test/admin.js';
import { storageKinds, useTestBroker, type StorageKind } from '../../test/harness.js';
import { addMember, createOrg, fakeDns, memberBrowser, storedEvents } from '../../test/orgs.js';

const CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Chrome/131.0.0.0 Safari/537.36';
const DAY = 86_400_000;

describe.each(storageKinds)('the audit log on %s', (kind: StorageKind) => {
  const dns = fakeDns();
  const t = useTestBroker(kind, undefined, { adminToken: ADMIN_TOKEN, resolveTxt: dns.resolveTxt, audit: { retentionDays: 30 } });

  it('records each change exactly once, with its actor, address and browser, and nothing for a refused one', async () => {
    const ada = await memberBrowser(t.broker, 'ada@acme.test', { userAgent: CHROME, ip: '203.0.113.7' });
    const bo = await memberBrowser(t.broker, 'bo@acme.test');
    const org = await createOrg(ada, 'Acme');
    const base = `/v1/orgs/${org.id}`;
    await addMember(t.broker, org.id, bo, 'member');
    const changes: Array<[string, string, unknown?]> = [
      ['PATCH', base, { name: 'Acme Inc' }],
      ['POST', `${base}/roles`, { key: 'billing', name: 'Billing', permissions: ['members:read'] }],
      ['PATCH', `${base}/roles/billing`, { name: 'Billing team', permissions: ['members:read'] }],
      ['PATCH', `${base}/members/${bo.userId}`, { role: 'billing' }],
      ['POST', `${base}/domains`, { domain: 'acme.test' }],
      ['PATCH', `${base}/domains/acme.test`, { enrollment: 'manual' }], // no change: nothing recorded
      ['PUT', `${base}/policies`, { require_mfa: true, require_passkey: false, require_sso: false, grace_days: 3 }],
      ['DELETE', `${base}/members/${bo.userId}`],
      ['DELETE', `${base}/roles/billing`],
      ['DELETE', `${base}/domains/acme.test`],
    ];
    for (const [method, path, json] of changes) expect({ path, status: (await ada.send(method, path, json)).status }).toEqual({ path, status: method === 'POST' ? 201 : method === 'DELETE' ? 204 : 200 });
    // Refused changes record nothing.
    expect((await ada.send('DELETE', `${base}/members/${ada.userId}`)).status).toBe(409);
    expect((await ada.send('POST', `${base}/domains`, { domain: 'gmail.com' })).status).toBe(400);
    expect((await bo.send('PATCH', base, { name: 'Mine now' })).status).toBe(404);

    const log = await ada.read(`${base}/audit`);
    expect(log.status).toBe(200);
    expect(log.headers.get('cache-control')).toBe('no-store');
    expect(log.body.next).toBeNull();
    expect(log.body.events.map((e: { type: string }) => e.type)).toEqual([
      'domain.removed',
      'role.deleted',
      'member.removed',
      'policy.updated',
      'domain.added',
      'member.role_changed',
      'role.updated',
      'role.created',
      'org.updated',
      'org.created',
    ]);
    for (const event of log.body.events) {
      expect(event).toMatchObject({ org_id: org.id, actor: { user_id: ada.userId, email: 'ada@acme.test' }, ip: '203.0.113.7', user_agent: CHROME, created_at: t.broker.clock.now().toISOString() });
      expect(event.id).toMatch(/^evt_/);
    }
    const byType = Object.fromEntries(log.body.events.map((e: { type: string }) => [e.type, e]));
    expect(byType['member.role_changed']).toMatchObject({ target: { type: 'user', id: bo.userId, label: 'bo@acme.test' }, data: { from: 'member', to: 'billing' } });
    expect(byType['policy.updated'].data.to).toMatchObject({ require_mfa: true, grace_days: 3 });
    expect(byType['org.updated']).toMatchObject({ target: null, data: { from: { name: 'Acme' }, to: { name: 'Acme Inc' } } });
  });

  it('filters by type, actor (id or address), time, and pages newest first', async () => {
    const ada = await memberBrowser(t.broker, 'ada@acme.test');
    const org = await createOrg(ada, 'Acme');
    const al = await memberBrowser(t.broker, 'al@acme.test');
    await addMember(t.broker, org.id, al, 'admin');
    const start = t.broker.clock.now();
    for (let i = 0; i < 5; i++) {
      t.broker.clock.advance(60_000);
      await (i % 2 === 0 ? ada : al).patch(`/v1/orgs/${org.id}`, { name: `Acme ${i}` });
    }
    const base = `/v1/orgs/${org.id}/audit`;
    const types = async (query: string) => (await ada.read(`${base}?${query}`)).body.events.map((e: { data: { to?: { name: string } }; type: string }) => e.data.to?.name ?? e.type);

    expect(await types('type=org.updated')).toEqual(['Acme 4', 'Acme 3', 'Acme 2', 'Acme 1', 'Acme 0']);
    expect(await types(`actor=${al.userId}`)).toEqual(['Acme 3', 'Acme 1']);
    expect(await types('actor=AL%40acme.test')).toEqual(['Acme 3', 'Acme 1']);
    expect(await types('type=org.created')).toEqual(['org.created']);
    const since = new Date(start.getTime() + 2 * 60_000).toISOString();
    const until = new Date(start.getTime() + 4 * 60_000).toISOString();
    expect(await types(`since=${since}&until=${until}`)).toEqual(['Acme 2', 'Acme 1']);

    const first = await ada.read(`${base}?limit=2`);
    expect(first.body.events.map((e: { data: { to: { name: string } } }) => e.data.to.name)).toEqual(['Acme 4', 'Acme 3']);
    const second = await ada.read(`${base}?limit=2&after=${first.body.next}`);
    expect(second.body.events.map((e: { data: { to: { name: string } } }) => e.data.to.name)).toEqual(['Acme 2', 'Acme 1']);
    const last = await ada.read(`${base}?limit=2&after=${second.body.next}`);
    expect(last.body).toMatchObject({ events: [{ type: 'org.updated', data: { to: { name: 'Acme 0' } } }, { type: 'org.created' }], next: null });

    for (const query of ['limit=201', 'limit=0', 'type=org.exploded', 'since=2026-13-01', `since=${until}&until=${since}`, 'after=abc', 'sort=asc']) {
      expect({ query, ...(await ada.read(`${base}?${query}`)) }).toMatchObject({ query, status: 400, body: { code: 'invalid_request' } });
    }
  });

  it('exports the same as CSV, an attachment with a header row, every formula defused', async () => {
    const ada = await memberBrowser(t.broker, 'ada@acme.test', { userAgent: '=HYPERLINK("http://evil.test","click")' });
    const org = await createOrg(ada, '+SUM(1,2)');
    await ada.create(`/v1/orgs/${org.id}/roles`, { key: 'ops', name: '@ops, "night" shift', permissions: [] });
    await ada.patch(`/v1/orgs/${org.id}`, { name: '-Acme' });

    const csv = await ada.read(`/v1/orgs/${org.id}/audit.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="audit-${org.id}-${t.broker.clock.now().toISOString().slice(0, 10)}.csv"`);
    expect(csv.headers.get('cache-control')).toBe('no-store');
    const lines = (csv.body as string).split('\r\n');
    expect(lines[0]).toBe('created_at,type,actor_user_id,actor_email,target_type,target_id,target_label,ip,user_agent,data,id');
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe('');
    expect(lines[1]).toMatch(/^[^,]+,org\.updated,/);
    expect(lines[2]).toContain(`role,ops,"'@ops, ""night"" shift",`);
    for (const line of lines.slice(1, 4)) expect(line).toContain(`"'=HYPERLINK(""http://evil.test"",""click"")"`);
    // The formula lives on only inside the JSON of `data`, which starts with `{`.
    expect(lines[3]).toContain('org.created');
    expect(lines[3]).toContain('"{""name"":""+SUM(1,2)""');

    // Filters apply; `Accept: text/csv` on the list gives the same.
    const filtered = await ada.call('GET', `/v1/orgs/${org.id}/audit?type=role.created`, { headers: { accept: 'text/csv' } });
    expect(filtered.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect((filtered.body as string).split('\r\n').filter(Boolean)).toHaveLength(2);
    // Only for audit:read, and never another organization's.
    const bo = await memberBrowser(t.broker, 'bo@acme.test');
    await addMember(t.broker, org.id, bo, 'member');
    expect(await bo.read(`/v1/orgs/${org.id}/audit.csv`)).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    const globex = await createOrg(bo, 'Globex');
    expect(await ada.read(`/v1/orgs/${globex.id}/audit.csv`)).toMatchObject({ status: 404, body: { code: 'not_found' } });
    expect((await bo.read(`/v1/orgs/${globex.id}/audit`)).body.events.map((e: { type: string }) => e.type)).toEqual(['org.created']);
  });

  it('keeps events for audit.retentionDays: the housekeeping sweep deletes older ones only', async () => {
    const ada = await memberBrowser(t.broker, 'ada@acme.test');
    const org = await createOrg(ada, 'Acme');
    t.broker.clock.advance(20 * DAY);
    const fresh = await memberBrowser(t.broker, 'ada2@acme.test');
    await addMember(t.broker, org.id, fresh, 'owner');
    await fresh.patch(`/v1/orgs/${org.id}`, { name: 'Acme 20' });
    t.broker.clock.advance(11 * DAY);
    expect((await sweep(t.broker.deps)).auditEvents).toBe(1);
    expect((await storedEvents(t.broker, org.id)).map((e) => e.type)).toEqual(['org.updated']);
    expect((await sweep(t.broker.deps)).auditEvents).toBe(0);
    t.broker.clock.advance(20 * DAY);
    expect((await sweep(t.broker.deps)).auditEvents).toBe(1);
    expect(await storedEvents(t.broker, org.id)).toEqual([]);
  });

  it("records the admin API's connection, domain and policy changes, with no user and 'admin-api' as the actor", async () => {
    const org = (await adminCall(t.broker, 'POST', '/organizations', { name: 'Acme' })).body;
    const headers = { headers: { 'user-agent': 'provisioner/1.0' } };
    const admin = (method: string, path: string, json?: unknown) => adminCall(t.broker, method, `/organizations/${org.id}${path}`, json, headers);
    const connection = await admin('POST', '/connections', { type: 'oidc', issuer: 'https://idp.acme.example', client_id: 'c', client_secret: 'super-secret' });
    expect(connection.status).toBe(201);
    expect((await admin('PATCH', `/connections/${connection.body.id}`, { enabled: false })).status).toBe(200);
    expect((await admin('POST', '/domains', { domain: 'acme.test', verified: false })).status).toBe(201);
    expect((await admin('PATCH', '/domains/acme.test', { verified: true })).status).toBe(200);
    expect((await admin('PATCH', '/domains/acme.test', { sso_required: true })).status).toBe(200);
    expect((await admin('PATCH', '', { require_mfa: true })).status).toBe(200);
    expect((await admin('PATCH', '', { name: 'Acme Inc' })).status).toBe(200);
    expect((await admin('DELETE', '/domains/acme.test')).status).toBe(204);
    expect((await admin('DELETE', `/connections/${connection.body.id}`)).status).toBe(204);
    // Refused calls record nothing.
    expect((await admin('DELETE', `/connections/${connection.body.id}`)).status).toBe(404);
    expect((await admin('PATCH', '/domains/nowhere.test', { verified: true })).status).toBe(404);

    const events = await storedEvents(t.broker, org.id);
    expect(events.map((e) => [e.type, e.target_id])).toEqual([
      ['connection.created', connection.body.id],
      ['connection.updated', connection.body.id],
      ['domain.added', 'acme.test'],
      ['domain.verified', 'acme.test'],
      ['domain.updated', 'acme.test'],
      ['policy.updated', null],
      ['org.updated', null],
      ['domain.removed', 'acme.test'],
      ['connection.deleted', connection.body.id],
    ]);
    for (const event of events) expect(event).toMatchObject({ actor_id: null, actor_email: 'admin-api', user_agent: 'provisioner/1.0' });
    expect(events[5]!.data).toEqual({ from: { require_mfa: false }, to: { require_mfa: true } });
    expect(JSON.stringify(events)).not.toContain('super-secret');
    // The organization's owners read them like any other.
    const ada = await memberBrowser(t.broker, 'ada@acme.test');
    await addMember(t.broker, org.id, ada, 'owner');
    const log = (await ada.read(`/v1/orgs/${org.id}/audit?actor=admin-api`)).body;
    expect(log.events).toHaveLength(9);
    expect((await ada.read(`/v1/orgs/${org.id}/audit?type=connection.deleted`)).body.events[0]).toMatchObject({ actor: { user_id: null, email: 'admin-api' }, user_agent: 'provisioner/1.0' });
  });
});
