import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, storageKinds, useTestBroker, type StorageKind, type TestBroker } from '../../../test/harness.js';
import { addMember, auditEvents, customRole, linkToken, mailedToken, membershipOf, orgDomain, organization, person, type Person } from '../../../test/joining.js';

const roomy = { limit: 100_000, windowSeconds: 60 };
const ISO = /^\d{4}-\d\d-\d\dT/;

/** Acme with its owner Olga, and Ana and Cy (signed in, in no organization). */
async function acme(b: TestBroker) {
  const olga = await person(b, 'olga@acme.test');
  const orgId = await organization(b, 'Acme', olga);
  return { olga, orgId };
}

/** Invites `email` as `role` and answers the call and the mailed token. */
async function invite(b: TestBroker, inviter: Person, orgId: string, email: string, role = 'member') {
  const answer = await inviter.post(`/v1/orgs/${orgId}/invitations`, { email, role });
  return { answer, token: answer.status === 201 ? await mailedToken(b, email) : '' };
}

describe.each(storageKinds)('joining an organization on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind, undefined, { rateLimits: { perIp: roomy } });

  describe('invitations by email', () => {
    it('invites an address, mails it the link to the sign-up page, and the invitee accepts it', async () => {
      const b = t.broker;
      const { olga, orgId } = await acme(b);
      const { answer, token } = await invite(b, olga, orgId, 'Ana@Example.test', 'admin');
      expect(answer.status).toBe(201);
      expect(answer.body).toEqual({ id: expect.stringMatching(/^inv_/), email: 'ana@example.test', role: 'admin', invited_by: olga.userId, created_at: expect.stringMatching(ISO), expires_at: expect.stringMatching(ISO) });
      expect(Date.parse(answer.body.expires_at) - Date.parse(answer.body.created_at)).toBe(7 * 86_400_000);
      const mail = (await b.outbox('ana@example.test'))[0]!;
      expect(mail.subject).toBe('You are invited to join Acme');
      expect(mail.text).toContain(`${APP_ORIGIN}/sign-up?lk_invitation=${token}`);
      expect(mail.text).toContain('olga@acme.test invited you to join Acme as admin.');
      // Only the token's hash is stored.
      const stored = await t.storage.query<{ token_hash: string }>(`SELECT token_hash FROM org_invitations`);
      expect(stored).toHaveLength(1);
      expect(stored[0]!.token_hash).not.toContain(token);
      expect((await olga.get(`/v1/orgs/${orgId}/invitations`)).body).toEqual({ invitations: [answer.body] });

      // The sign-up page shows it without a session.
      const preview = await b.browser().get(`/v1/invitations/${token}`, { cookie: null });
      expect(preview.status).toBe(200);
      expect(preview.body).toEqual({ organization: { id: orgId, name: 'Acme' }, email: 'ana@example.test', role: 'admin', expires_at: answer.body.expires_at });
      expect(preview.headers.get('cache-control')).toBe('no-store');

      const ana = await person(b, 'ana@example.test');
      const accepted = await ana.post('/v1/invitations/accept', { token });
      expect(accepted.status).toBe(200);
      expect(accepted.body).toEqual({
        id: orgId,
        name: 'Acme',
        slug: expect.any(String),
        role: 'admin',
        permissions: expect.arrayContaining(['invitations:manage', 'members:manage']),
        policy: { unmet: [] },
        created_at: expect.stringMatching(ISO),
      });
      expect(accepted.body.permissions).not.toContain('org:delete');
      expect(await membershipOf(b, orgId, ana.userId)).toEqual({ role: 'admin', source: 'invitation' });
      expect((await olga.get(`/v1/orgs/${orgId}/invitations`)).body).toEqual({ invitations: [] });
      const events = await auditEvents(b, orgId);
      expect(events.map((e) => e.type)).toEqual(['invitation.created', 'invitation.accepted', 'member.added']);
      expect(events[0]).toMatchObject({ actor_id: olga.userId, target_id: answer.body.id, data: { role: 'admin' } });
      expect(events[2]).toMatchObject({ actor_id: ana.userId, target_id: ana.userId, data: { source: 'invitation', role: 'admin' }, ip: ana.ip });
    });

    it('replaces the pending invitation of an address invited again: the first link stops working', async () => {
      const b = t.broker;
      const { olga, orgId } = await acme(b);
      const first = await invite(b, olga, orgId, 'ana@example.test');
      const second = await invite(b, olga, orgId, 'ana@example.test', 'admin');
      expect(second.answer.status).toBe(201);
      expect(second.token).not.toBe(first.token);
      expect((await b.get(`/v1/invitations/${first.token}`)).body.code).toBe('invitation_invalid');
      expect((await olga.get(`/v1/orgs/${orgId}/invitations`)).body.invitations.map((i: { id: string }) => i.id)).toEqual([second.answer.body.id]);
      const ana = await person(b, 'ana@example.test');
      expect((await ana.post('/v1/invitations/accept', { token: first.token })).body.code).toBe('invitation_invalid');
      expect((await ana.post('/v1/invitations/accept', { token: second.token })).body.role).toBe('admin');
      expect((await auditEvents(b, orgId)).map((e) => [e.type, e.data.replaced])).toEqual([
        ['invitation.created', undefined],
        ['invitation.revoked', true],
        ['invitation.created', undefined],
        ['invitation.accepted', undefined],
        ['member.added', undefined],
      ]);
    });

    it('refuses to invite a member (409 already_member), and sends nothing', async () => {
      const b = t.broker;
      const { olga, orgId } = await acme(b);
      const ana = await person(b, 'ana@example.test');
      await addMember(b, orgId, ana.userId, 'member');
      const answer = await olga.post(`/v1/orgs/${orgId}/invitations`, { email: 'ANA@example.test', role: 'admin' });
      expect(answer.status).toBe(409);
      expect(answer.body.code).toBe('already_member');
      expect(await b.outbox('ana@example.test')).toEqual([]);
      expect(await auditEvents(b, orgId)).toEqual([]);
    });

    it('revokes a pending invitation: its link stops working, and revoking it again is not_found', async () => {
      const b = t.broker;
      const { olga, orgId } = await acme(b);
      const { answer, token } = await invite(b, olga, orgId, 'ana@example.test');
      expect((await olga.call('DELETE', `/v1/orgs/${orgId}/invitations/${answer.body.id}`)).status).toBe(204);
      expect((await b.get(`/v1/invitations/${token}`)).status).toBe(404);
      expect((await olga.call('DELETE', `/v1/orgs/${orgId}/invitations/${answer.body.id}`)).body.code).toBe('not_found');
      expect((await olga.call('DELETE', `/v1/orgs/${orgId}/invitations/not-an-id`)).body.code).toBe('not_found');
      expect((await auditEvents(b, orgId)).map((e) => e.type)).toEqual(['invitation.created', 'invitation.revoked']);
    });

    it('grants only what the inviter holds: roles, owners, custom roles, unknown roles', async () => {
      const b = t.broker;
      const { olga, orgId } = await acme(b);
      const adam = await person(b, 'adam@acme.test');
      await addMember(b, orgId, adam.userId, 'admin');
      const recruiter = await person(b, 'rita@acme.test');
      await customRole(b, orgId, 'recruiter', ['org:read', 'invitations:manage']);
      await customRole(b, orgId, 'billing', ['org:read', 'org:update']);
      await addMember(b, orgId, recruiter.userId, 'recruiter');
      const plain = await person(b, 'pat@acme.test');
      await addMember(b, orgId, plain.userId, 'member');
      const other = await person(b, 'oscar@other.test');
      const otherOrg = await organization(b, 'Other', other);
      await customRole(b, otherOrg, 'elsewhere', ['org:read']);

      const cases: Array<[Person, string, number, string?]> = [
        [adam, 'owner', 403, 'forbidden'], // an admin granting owner
        [adam, 'admin', 201],
        [adam, 'billing', 201],
        [recruiter, 'member', 403, 'forbidden'], // member holds members:read, which the recruiter does not
        [recruiter, 'admin', 403, 'forbidden'], // escalating past their own role
        [recruiter, 'billing', 403, 'forbidden'],
        [recruiter, 'recruiter', 201],
        [plain, 'member', 403, 'forbidden'], // no invitations:manage
        [olga, 'elsewhere', 400, 'invalid_request'], // another organization's role is unknown here
        [olga, 'nonexistent', 400, 'invalid_request'],
        [olga, 'Owner', 400, 'invalid_request'],
        [olga, 'owner', 201], // an owner invites an owner
      ];
      let n = 0;
      for (const [who, role, status, code] of cases) {
        const answer = await who.post(`/v1/orgs/${orgId}/invitations`, { email: `new${n++}@example.test`, role });
        expect([role, answer.status, answer.body?.code]).toEqual([role, status, code ?? undefined]);
      }
      const granted = (await olga.get(`/v1/orgs/${orgId}/invitations`)).body.invitations.map((i: { role: string }) => i.role);
      expect(granted.sort()).toEqual(['admin', 'billing', 'owner', 'recruiter']);
    });

    it('asks an owner granting owner for a recent sign-in', async () => {
      const b = t.broker;
      const { olga, orgId } = await acme(b);
      b.clock.advance(601_000);
      const refused = await olga.post(`/v1/orgs/${orgId}/invitations`, { email: 'ana@example.test', role: 'owner' });
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('reauthentication_required');
      expect((await olga.post(`/v1/orgs/${orgId}/invitations`, { email: 'ana@example.test', role: 'admin' })).status).toBe(201);
      expect((await olga.get(`/v1/orgs/${orgId}/invitations`)).body.invitations).toHaveLength(1);
    });

    it('takes the mailed link from orgs.joinUrl when it is configured, keeping its query', async () => {
      const { createBroker } = await import('../../../broker.js');
      const app = createBroker({ publicUrl: 'http://localhost:8787', allowedOrigins: [APP_ORIGIN], dev: true, storage: t.storage, orgs: { joinUrl: 'https://app.example/join?from=mail' } });
      const { joinLink } = await import('./tokens.js');
      expect(joinLink(app.deps.config, 'lk_invitation', 'abc')).toBe('https://app.example/join?from=mail&lk_invitation=abc');
      expect(joinLink({ ...app.deps.config, orgs: { ...app.deps.config.orgs, joinUrl: undefined } }, 'lk_invite', 'abc')).toBe(`${APP_ORIGIN}/sign-up?lk_invite=abc`);
      expect(joinLink({ ...app.deps.config, allowedOrigins: [], orgs: { ...app.deps.config.orgs, joinUrl: undefined } }, 'lk_invite', 'abc')).toBe('http://localhost:8787/?lk_invite=abc');
    });

    it('keeps an existing member’s role when they accept an invitation, and consumes it', async () => {
      const b = t.broker;
      const { olga, orgId } = await acme(b);
      const { token } = await invite(b, olga, orgId, 'ana@example.test', 'admin');
      const ana = await person(b, 'ana@example.test');
      // Ana joined another way in between (a link, say).
      await addMember(b, orgId, ana.userId, 'member', 'link');
      const accepted = await ana.post('/v1/invitations/accept', { token });
      expect(accepted.status).toBe(200);
      expect(accepted.body.role).toBe('member');
      expect(await membershipOf(b, orgId, ana.userId)).toEqual({ role: 'member', source: 'link' });
      expect((await b.get(`/v1/invitations/${token}`)).status).toBe(404);
      expect((await auditEvents(b, orgId)).map((e) => e.type)).toEqual(['invitation.created', 'invitation.accepted']);
    });

    it('needs a session to accept, and checks the body', async () => {
      const b = t.broker;
      const { olga, orgId } = await acme(b);
      const { token } = await invite(b, olga, orgId, 'ana@example.test');
      expect((await b.browser().post('/v1/invitations/accept', { token })).body.code).toBe('unauthenticated');
      const ana = await person(b, 'ana@example.test');
      expect((await ana.post('/v1/invitations/accept', { token, role: 'owner' })).body.code).toBe('invalid_request');
      expect((await ana.post('/v1/invitations/accept', {})).body.code).toBe('invalid_request');
      expect((await ana.post('/v1/invitations/accept', { token: 'x'.repeat(201) })).body.code).toBe('invalid_request');
      expect((await ana.post('/v1/invitations/accept', { token: 'not a token' })).body.code).toBe('invitation_invalid');
      expect((await ana.post('/v1/invitations/accept', { token }, { headers: { origin: 'https://evil.test' } })).body.code).toBe('forbidden_origin');
      expect(await membershipOf(b, orgId, ana.userId)).toBeUndefined();
    });
  });

  describe('invite links', () => {
    it('makes a link whose URL is shown once, and people join through it with its role', async () => {
      const b = t.broker;
      const { olga, orgId } = await acme(b);
      const made = await olga.post(`/v1/orgs/${orgId}/invite-links`, { role: 'admin', max_uses: 5, expires_in: 86_400 });
      expect(made.status).toBe(201);
      expect(made.body).toEqual({
        id: expect.stringMatching(/^lnk_/),
        role: 'admin',
        url: expect.stringMatching(new RegExp(`^${APP_ORIGIN}/sign-up\\?lk_invite=[\\w-]{43}$`)),
        uses: 0,
        max_uses: 5,
        expires_at: new Date(b.clock.now().getTime() + 86_400_000).toISOString(),
        revoked_at: null,
        created_at: b.clock.now().toISOString(),
      });
      const token = linkToken(made.body.url);
      const { url: _url, ...listed } = made.body;
      expect((await olga.get(`/v1/orgs/${orgId}/invite-links`)).body).toEqual({ links: [listed] });
      expect((await b.browser().get(`/v1/invite-links/${token}`, { cookie: null })).body).toEqual({ organization: { id: orgId, name: 'Acme' }, role: 'admin' });

      const ana = await person(b, 'ana@example.test');
      const joined = await ana.post('/v1/invite-links/join', { token });
      expect(joined.status).toBe(200);
      expect(joined.body).toMatchObject({ id: orgId, role: 'admin' });
      expect(await membershipOf(b, orgId, ana.userId)).toEqual({ role: 'admin', source: 'link' });
      // A member joining again keeps their role and spends no use.
      expect((await ana.post('/v1/invite-links/join', { token })).status).toBe(200);
      expect((await olga.get(`/v1/orgs/${orgId}/invite-links`)).body.links[0].uses).toBe(1);
      // Olga, the owner, through her own link: stays owner.
      expect((await olga.post('/v1/invite-links/join', { token })).body.role).toBe('owner');
      const events = await auditEvents(b, orgId);
      expect(events.map((e) => e.type)).toEqual(['invite_link.created', 'invite_link.used', 'member.added']);
      expect(events[2]!.data).toMatchObject({ source: 'link', role: 'admin' });
    });

    it("answers the organization with the policies the joiner's session does not meet", async () => {
      const b = t.broker;
      const { olga, orgId } = await acme(b);
      const graceUntil = new Date(b.clock.now().getTime() + 7 * 86_400_000);
      await t.storage.query(`UPDATE organizations SET require_mfa = true, require_sso = true, policy_grace_until = $2 WHERE id = $1`, [orgId, graceUntil]);
      const made = await olga.post(`/v1/orgs/${orgId}/invite-links`, { role: 'member' });
      const ana = await person(b, 'ana@example.test');
      const joined = await ana.post('/v1/invite-links/join', { token: linkToken(made.body.url) });
      expect(joined.body.policy).toEqual({ unmet: [{ requirement: 'mfa', grace_until: graceUntil.toISOString() }, { requirement: 'sso', grace_until: graceUntil.toISOString() }] });
      b.clock.advance(8 * 86_400_000);
      const bea = await person(b, 'bea@example.test');
      expect((await bea.post('/v1/invite-links/join', { token: linkToken(made.body.url) })).body.policy.unmet).toEqual([
        { requirement: 'mfa', grace_until: null },
        { requirement: 'sso', grace_until: null },
      ]);
    });

    it('revokes a link: it stops working, stays listed with revoked_at, and revoking again changes nothing', async () => {
      const b = t.broker;
      const { olga, orgId } = await acme(b);
      const made = await olga.post(`/v1/orgs/${orgId}/invite-links`, { role: 'member' });
      expect(made.body).toMatchObject({ max_uses: null, expires_at: null });
      expect((await olga.call('DELETE', `/v1/orgs/${orgId}/invite-links/${made.body.id}`)).status).toBe(204);
      b.clock.advance(1000);
      expect((await olga.call('DELETE', `/v1/orgs/${orgId}/invite-links/${made.body.id}`)).status).toBe(204);
      const [link] = (await olga.get(`/v1/orgs/${orgId}/invite-links`)).body.links;
      expect(link.revoked_at).toBe(new Date(b.clock.now().getTime() - 1000).toISOString());
      const ana = await person(b, 'ana@example.test');
      expect((await ana.post('/v1/invite-links/join', { token: linkToken(made.body.url) })).body.code).toBe('invitation_invalid');
      expect((await b.get(`/v1/invite-links/${linkToken(made.body.url)}`)).body.code).toBe('invitation_invalid');
      expect((await olga.call('DELETE', `/v1/orgs/${orgId}/invite-links/lnk_unknown`)).body.code).toBe('not_found');
      expect((await auditEvents(b, orgId)).map((e) => e.type)).toEqual(['invite_link.created', 'invite_link.revoked']);
    });

    it('expires a link after expires_in', async () => {
      const b = t.broker;
      const { olga, orgId } = await acme(b);
      const made = await olga.post(`/v1/orgs/${orgId}/invite-links`, { role: 'member', expires_in: 3600 });
      b.clock.advance(3600_000);
      const ana = await person(b, 'ana@example.test');
      expect((await ana.post('/v1/invite-links/join', { token: linkToken(made.body.url) })).body.code).toBe('invitation_invalid');
      expect(await membershipOf(b, orgId, ana.userId)).toBeUndefined();
    });

    it('refuses limits out of range and roles the creator cannot grant', async () => {
      const b = t.broker;
      const { olga, orgId } = await acme(b);
      const adam = await person(b, 'adam@acme.test');
      await addMember(b, orgId, adam.userId, 'admin');
      for (const body of [{ role: 'member', max_uses: 0 }, { role: 'member', max_uses: 100_001 }, { role: 'member', expires_in: 366 * 86_400 }, { role: 'member', max_uses: 1.5 }, { role: 'member', url: 'x' }]) {
        expect((await olga.post(`/v1/orgs/${orgId}/invite-links`, body)).body.code).toBe('invalid_request');
      }
      expect((await adam.post(`/v1/orgs/${orgId}/invite-links`, { role: 'owner' })).body.code).toBe('forbidden');
      expect((await olga.get(`/v1/orgs/${orgId}/invite-links`)).body.links).toEqual([]);
    });
  });

  describe('access requests and domain capture', () => {
    it('lists the organizations a verified address may join or ask to join, not those it is in', async () => {
      const b = t.broker;
      const { olga, orgId } = await acme(b);
      await orgDomain(b, orgId, 'acme.test', { verification: 'admin', enrollment: 'request' });
      const globexOwner = await person(b, 'gina@globex.test');
      const globex = await organization(b, 'Globex', globexOwner);
      await orgDomain(b, globex, 'globex.test', { verification: 'dns', enrollment: 'automatic' });
      const ana = await person(b, 'ana@acme.test');
      expect((await ana.get('/v1/orgs/joinable')).body).toEqual({ organizations: [{ id: orgId, name: 'Acme', domain: 'acme.test', enrollment: 'request', request: null }] });
      const gus = await person(b, 'gus@globex.test');
      expect((await gus.get('/v1/orgs/joinable')).body).toEqual({ organizations: [{ id: globex, name: 'Globex', domain: 'globex.test', enrollment: 'automatic', request: null }] });
      // Olga is in Acme already; an unverified address is in nothing.
      expect((await olga.get('/v1/orgs/joinable')).body).toEqual({ organizations: [] });
      const unverified = await person(b, 'uma@acme.test', { verified: false });
      expect((await unverified.get('/v1/orgs/joinable')).body).toEqual({ organizations: [] });
      expect((await b.browser().get('/v1/orgs/joinable')).body.code).toBe('unauthenticated');
    });

    it('joins by a captured domain with the role member, once', async () => {
      const b = t.broker;
      const { orgId } = await acme(b);
      await orgDomain(b, orgId, 'acme.test', { verification: 'dns', enrollment: 'automatic' });
      const ana = await person(b, 'ana@acme.test');
      const joined = await ana.post(`/v1/orgs/${orgId}/join`);
      expect(joined.status).toBe(200);
      expect(joined.body).toMatchObject({ id: orgId, role: 'member', permissions: ['org:read', 'members:read'] });
      expect(await membershipOf(b, orgId, ana.userId)).toEqual({ role: 'member', source: 'domain' });
      expect((await ana.post(`/v1/orgs/${orgId}/join`)).status).toBe(200);
      const events = await auditEvents(b, orgId);
      expect(events.map((e) => [e.type, e.data.source, e.data.domain])).toEqual([['member.added', 'domain', 'acme.test']]);
      expect((await ana.get('/v1/orgs/joinable')).body.organizations).toEqual([]);
    });

    it('asks to join, and an admin approves with a role: the requester is a member and is told', async () => {
      const b = t.broker;
      const { olga, orgId } = await acme(b);
      await orgDomain(b, orgId, 'acme.test', { verification: 'admin', enrollment: 'request' });
      const ana = await person(b, 'ana@acme.test', { name: 'Ana' });
      const asked = await ana.post(`/v1/orgs/${orgId}/access-requests`, { message: '  I run the Lisbon office  ' });
      expect(asked.status).toBe(201);
      expect(asked.body).toEqual({
        id: expect.stringMatching(/^req_/),
        organization: { id: orgId, name: 'Acme' },
        user: { id: ana.userId, email: 'ana@acme.test', name: 'Ana' },
        message: 'I run the Lisbon office',
        status: 'pending',
        reason: null,
        decided_by: null,
        created_at: expect.stringMatching(ISO),
        decided_at: null,
      });
      const again = await ana.post(`/v1/orgs/${orgId}/access-requests`, {});
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('request_pending');
      expect((await ana.get('/v1/orgs/joinable')).body.organizations[0].request).toEqual(asked.body);
      expect((await olga.get(`/v1/orgs/${orgId}/access-requests`)).body).toEqual({ requests: [asked.body] });

      const approved = await olga.post(`/v1/orgs/${orgId}/access-requests/${asked.body.id}/approve`, { role: 'admin', reason: 'Welcome' });
      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({ status: 'approved', reason: 'Welcome', decided_by: olga.userId, decided_at: expect.stringMatching(ISO) });
      expect(await membershipOf(b, orgId, ana.userId)).toEqual({ role: 'admin', source: 'request' });
      const mail = (await b.outbox('ana@acme.test'))[0]!;
      expect(mail.subject).toBe('Your request to join Acme was approved');
      expect(mail.text).toContain('Welcome');
      expect((await ana.get('/v1/access-requests')).body).toEqual({ requests: [approved.body] });
      expect((await auditEvents(b, orgId)).map((e) => e.type)).toEqual(['access_request.created', 'access_request.approved', 'member.added']);
      // A member asks no more.
      expect((await ana.post(`/v1/orgs/${orgId}/access-requests`, {})).body.code).toBe('already_member');
    });

    it('denies with a reason, which the requester is shown and mailed; they may ask again', async () => {
      const b = t.broker;
      const { olga, orgId } = await acme(b);
      await orgDomain(b, orgId, 'acme.test', { verification: 'dns', enrollment: 'request' });
      const ana = await person(b, 'ana@acme.test');
      const asked = await ana.post(`/v1/orgs/${orgId}/access-requests`, {});
      expect(asked.body.message).toBeNull();
      for (const body of [{}, { reason: '' }, { reason: '   ' }, { reason: 'x'.repeat(501) }, { reason: 'ok', role: 'admin' }]) {
        expect((await olga.post(`/v1/orgs/${orgId}/access-requests/${asked.body.id}/deny`, body)).body.code).toBe('invalid_request');
      }
      const denied = await olga.post(`/v1/orgs/${orgId}/access-requests/${asked.body.id}/deny`, { reason: 'Contractors use the partner org' });
      expect(denied.status).toBe(200);
      expect(denied.body).toMatchObject({ status: 'denied', reason: 'Contractors use the partner org', decided_by: olga.userId });
      expect(await membershipOf(b, orgId, ana.userId)).toBeUndefined();
      expect((await ana.get('/v1/access-requests')).body.requests[0]).toMatchObject({ status: 'denied', reason: 'Contractors use the partner org' });
      expect((await ana.get('/v1/orgs/joinable')).body.organizations[0].request).toMatchObject({ status: 'denied', reason: 'Contractors use the partner org' });
      const mail = (await b.outbox('ana@acme.test'))[0]!;
      expect(mail.subject).toBe('Your request to join Acme was declined');
      expect(mail.text).toContain('Contractors use the partner org');
      expect((await olga.post(`/v1/orgs/${orgId}/access-requests/${asked.body.id}/approve`, {})).body.code).toBe('already_decided');
      expect((await ana.post(`/v1/orgs/${orgId}/access-requests`, {})).status).toBe(201);
      const listed = (await olga.get(`/v1/orgs/${orgId}/access-requests`)).body.requests.map((r: { status: string }) => r.status);
      expect(listed).toEqual(['pending', 'denied']);
      const events = await auditEvents(b, orgId);
      expect(events.map((e) => e.type)).toEqual(['access_request.created', 'access_request.denied', 'access_request.created']);
      expect(events[1]!.data).toEqual({ reason: 'Contractors use the partner org' });
    });

    it('approves with the role member by default, and only roles the approver may grant', async () => {
      const b = t.broker;
      const { orgId } = await acme(b);
      await orgDomain(b, orgId, 'acme.test', { verification: 'admin', enrollment: 'request' });
      const gate = await person(b, 'gate@acme.test');
      await customRole(b, orgId, 'gatekeeper', ['org:read', 'members:read', 'requests:manage']);
      await addMember(b, orgId, gate.userId, 'gatekeeper');
      const ana = await person(b, 'ana@acme.test');
      const asked = await ana.post(`/v1/orgs/${orgId}/access-requests`, {});
      expect((await gate.post(`/v1/orgs/${orgId}/access-requests/${asked.body.id}/approve`, { role: 'admin' })).body.code).toBe('forbidden');
      const approved = await gate.post(`/v1/orgs/${orgId}/access-requests/${asked.body.id}/approve`, {});
      expect(approved.body.status).toBe('approved');
      expect(await membershipOf(b, orgId, ana.userId)).toEqual({ role: 'member', source: 'request' });
    });

    it('answers 404 to a user who may neither join nor ask, as for an organization that does not exist', async () => {
      const b = t.broker;
      const { orgId } = await acme(b);
      await orgDomain(b, orgId, 'acme.test', { verification: 'admin', enrollment: 'manual' });
      const ana = await person(b, 'ana@acme.test');
      const bob = await person(b, 'bob@elsewhere.test');
      for (const [who, path] of [
        [ana, `/v1/orgs/${orgId}/access-requests`],
        [ana, `/v1/orgs/${orgId}/join`],
        [bob, `/v1/orgs/${orgId}/access-requests`],
        [ana, `/v1/orgs/org_doesnotexist/access-requests`],
        [ana, `/v1/orgs/org_doesnotexist/join`],
      ] as const) {
        const answer = await who.post(path, {});
        expect([path, answer.status, answer.body.code]).toEqual([path, 404, 'not_found']);
      }
      expect((await t.storage.query(`SELECT 1 FROM org_access_requests`)).length).toBe(0);
    });
  });

  describe('the organization routes check membership and permission first', () => {
    it('answers 404 to non-members and 403 to members without the permission, before reading the body', async () => {
      const b = t.broker;
      const { orgId } = await acme(b);
      const pat = await person(b, 'pat@acme.test');
      await addMember(b, orgId, pat.userId, 'member');
      const stranger = await person(b, 'sam@example.test');
      const routes: Array<[string, string]> = [
        ['GET', `/v1/orgs/${orgId}/invitations`],
        ['POST', `/v1/orgs/${orgId}/invitations`],
        ['DELETE', `/v1/orgs/${orgId}/invitations/inv_x`],
        ['GET', `/v1/orgs/${orgId}/invite-links`],
        ['POST', `/v1/orgs/${orgId}/invite-links`],
        ['DELETE', `/v1/orgs/${orgId}/invite-links/lnk_x`],
        ['GET', `/v1/orgs/${orgId}/access-requests`],
        ['POST', `/v1/orgs/${orgId}/access-requests/req_x/approve`],
        ['POST', `/v1/orgs/${orgId}/access-requests/req_x/deny`],
      ];
      for (const [method, path] of routes) {
        const init = method === 'POST' ? { body: '{not json', headers: { 'content-type': 'application/json' } } : {};
        const forStranger = await stranger.call(method, path, init);
        const forMissing = await stranger.call(method, path.replace(orgId, 'org_missing'), init);
        const forMember = await pat.call(method, path, init);
        const forNobody = await b.browser().call(method, path, init);
        expect([method, path, forStranger.status, forStranger.body.code]).toEqual([method, path, 404, 'not_found']);
        expect(forMissing.body).toEqual(forStranger.body);
        expect([method, path, forMember.status, forMember.body.code]).toEqual([method, path, 403, 'forbidden']);
        expect([method, path, forNobody.status]).toEqual([method, path, 401]);
      }
    });
  });

  describe('token guesses', () => {
    it('counts previews, accepts and joins per client address, GETs included', async () => {
      const storage = t.storage;
      const { testBroker } = await import('../../../test/harness.js');
      const b = testBroker(storage, { rateLimits: { perIp: { limit: 5, windowSeconds: 60 } } });
      const guesser = b.browser({ ip: '192.0.2.77' });
      const answers = [];
      for (let i = 0; i < 6; i++) answers.push(await guesser.get(`/v1/invitations/${'a'.repeat(43)}`));
      expect(answers.slice(0, 5).map((a) => a.body.code)).toEqual(Array(5).fill('invitation_invalid'));
      expect(answers[5]!.status).toBe(429);
      expect((await guesser.get(`/v1/invite-links/${'a'.repeat(43)}`)).status).toBe(429);
      // Another address has its own budget.
      expect((await b.browser({ ip: '192.0.2.78' }).get(`/v1/invite-links/${'a'.repeat(43)}`)).status).toBe(404);
    });
  });
});
