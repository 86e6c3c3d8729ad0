import { describe, expect, it } from 'vitest';
import { storageKinds, useTestBroker, type StorageKind, type TestBroker } from '../../../test/harness.js';
import { addMember, auditEvents, linkToken, mailedToken, membershipOf, orgDomain, organization, person, type Person } from '../../../test/joining.js';

const roomy = { limit: 100_000, windowSeconds: 60 };

/** Every row joining writes, to see that a refused request changed nothing. */
async function joiningState(b: TestBroker) {
  const rows = async (sql: string) => b.deps.storage.query(sql);
  return {
    memberships: await rows(`SELECT org_id, user_id, role, source FROM memberships ORDER BY org_id, user_id`),
    invitations: await rows(`SELECT id, accepted_at, accepted_by, revoked_at FROM org_invitations ORDER BY id`),
    links: await rows(`SELECT id, uses, revoked_at FROM org_invite_links ORDER BY id`),
    requests: await rows(`SELECT id, status, reason, decided_by FROM org_access_requests ORDER BY id`),
    events: await rows(`SELECT count(*)::int AS n FROM audit_events`),
  };
}

async function twoOrgs(b: TestBroker) {
  const olga = await person(b, 'olga@acme.test');
  const acme = await organization(b, 'Acme', olga);
  const gina = await person(b, 'gina@globex.test');
  const globex = await organization(b, 'Globex', gina);
  return { olga, acme, gina, globex };
}

async function invited(b: TestBroker, inviter: Person, orgId: string, email: string, role = 'member') {
  const answer = await inviter.post(`/v1/orgs/${orgId}/invitations`, { email, role });
  if (answer.status !== 201) throw new Error(`invite: ${JSON.stringify(answer.body)}`);
  return { id: answer.body.id as string, token: await mailedToken(b, email) };
}

describe.each(storageKinds)('joining under attack on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind, undefined, { rateLimits: { perIp: roomy } });

  describe('invitations', () => {
    it('takes an invitation once: replayed, it is invitation_invalid and changes nothing', async () => {
      const b = t.broker;
      const { olga, acme } = await twoOrgs(b);
      const { token } = await invited(b, olga, acme, 'ana@example.test');
      const ana = await person(b, 'ana@example.test');
      expect((await ana.post('/v1/invitations/accept', { token })).status).toBe(200);
      const before = await joiningState(b);
      const replayed = await ana.post('/v1/invitations/accept', { token });
      expect(replayed.status).toBe(404);
      expect(replayed.body.code).toBe('invitation_invalid');
      expect((await b.get(`/v1/invitations/${token}`)).body.code).toBe('invitation_invalid');
      expect(await joiningState(b)).toEqual(before);
    });

    it('lets one of fifty parallel accepts win: one membership, one acceptance recorded', async () => {
      const b = t.broker;
      const { olga, acme } = await twoOrgs(b);
      const { token } = await invited(b, olga, acme, 'ana@example.test', 'admin');
      const ana = await person(b, 'ana@example.test');
      const answers = await Promise.all(Array.from({ length: 50 }, () => ana.post('/v1/invitations/accept', { token })));
      expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
      for (const answer of answers.filter((a) => a.status !== 200)) expect(answer.body.code).toBe('invitation_invalid');
      expect(await membershipOf(b, acme, ana.userId)).toEqual({ role: 'admin', source: 'invitation' });
      expect((await auditEvents(b, acme)).map((e) => e.type)).toEqual(['invitation.created', 'invitation.accepted', 'member.added']);
    });

    it('answers an expired, a revoked and an unknown invitation alike, and changes nothing', async () => {
      const b = t.broker;
      const { olga, acme } = await twoOrgs(b);
      const revoked = await invited(b, olga, acme, 'ana@example.test');
      await olga.call('DELETE', `/v1/orgs/${acme}/invitations/${revoked.id}`);
      const expiring = await invited(b, olga, acme, 'bob@example.test');
      b.clock.advance(7 * 86_400_000);
      const ana = await person(b, 'ana@example.test');
      const bob = await person(b, 'bob@example.test');
      const before = await joiningState(b);
      const answers = [
        await ana.post('/v1/invitations/accept', { token: revoked.token }),
        await bob.post('/v1/invitations/accept', { token: expiring.token }),
        await bob.post('/v1/invitations/accept', { token: 'A'.repeat(43) }),
        await b.get(`/v1/invitations/${revoked.token}`),
        await b.get(`/v1/invitations/${expiring.token}`),
        await b.get(`/v1/invitations/${'A'.repeat(43)}`),
        await b.get(`/v1/invitations/${encodeURIComponent("' OR 1=1 --")}`),
      ];
      for (const answer of answers) {
        expect(answer.status).toBe(404);
        expect(answer.body).toEqual(answers[0]!.body);
      }
      expect(answers[0]!.body.code).toBe('invitation_invalid');
      expect(await joiningState(b)).toEqual(before);
    });

    it('keeps one pending invitation when an address is invited ten times in parallel: the others replaced and recorded', async () => {
      const b = t.broker;
      const { olga, acme } = await twoOrgs(b);
      const answers = await Promise.all(Array.from({ length: 10 }, () => olga.post(`/v1/orgs/${acme}/invitations`, { email: 'ana@example.test', role: 'member' })));
      for (const answer of answers) expect(answer.status).toBe(201);
      const pending = (await olga.get(`/v1/orgs/${acme}/invitations`)).body.invitations;
      expect(pending).toHaveLength(1);
      const rows = await t.storage.query<{ revoked: boolean }>(`SELECT revoked_at IS NOT NULL AS revoked FROM org_invitations`);
      expect(rows.filter((r) => r.revoked)).toHaveLength(9);
      const events = (await auditEvents(b, acme)).map((e) => e.type);
      expect(events.filter((type) => type === 'invitation.created')).toHaveLength(10);
      expect(events.filter((type) => type === 'invitation.revoked')).toHaveLength(9);
      // Of the ten links mailed, only the pending invitation's works.
      const tokens = (await b.outbox('ana@example.test')).map((m) => /lk_invitation=([\w-]+)/.exec(m.text)![1]!);
      const previews = await Promise.all(tokens.map((token) => b.get(`/v1/invitations/${token}`)));
      expect(previews.filter((p) => p.status === 200)).toHaveLength(1);
    });

    it('refuses an invitation to another address (403) and leaves it for the invited one', async () => {
      const b = t.broker;
      const { olga, acme } = await twoOrgs(b);
      const { token } = await invited(b, olga, acme, 'ana@example.test', 'admin');
      const mallory = await person(b, 'mallory@example.test');
      const lookalike = await person(b, 'ana@examp1e.test');
      const before = await joiningState(b);
      for (const who of [mallory, lookalike]) {
        const refused = await who.post('/v1/invitations/accept', { token });
        expect(refused.status).toBe(403);
        expect(refused.body.code).toBe('invitation_not_for_you');
      }
      expect(await joiningState(b)).toEqual(before);
      expect((await b.get(`/v1/invitations/${token}`)).status).toBe(200);
      const ana = await person(b, 'ana@example.test');
      expect((await ana.post('/v1/invitations/accept', { token })).status).toBe(200);
      expect(await membershipOf(b, acme, mallory.userId)).toBeUndefined();
    });

    it('refuses the invited address while it is unverified, and leaves the invitation usable', async () => {
      const b = t.broker;
      const { olga, acme } = await twoOrgs(b);
      const { token } = await invited(b, olga, acme, 'ana@example.test');
      const ana = await person(b, 'ana@example.test', { verified: false });
      const before = await joiningState(b);
      const refused = await ana.post('/v1/invitations/accept', { token });
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('invitation_not_for_you');
      expect(await joiningState(b)).toEqual(before);
      await b.deps.storage.query(`UPDATE users SET email_verified_at = now() WHERE id = $1`, [ana.userId]);
      expect((await ana.post('/v1/invitations/accept', { token })).status).toBe(200);
    });

    it("answers another organization's invitation ids as unknown, and leaves them", async () => {
      const b = t.broker;
      const { olga, acme, gina, globex } = await twoOrgs(b);
      const theirs = await invited(b, gina, globex, 'ana@example.test');
      const before = await joiningState(b);
      const swapped = await olga.call('DELETE', `/v1/orgs/${acme}/invitations/${theirs.id}`);
      const unknown = await olga.call('DELETE', `/v1/orgs/${acme}/invitations/inv_AAAAAAAAAAAAAAAAAAAAAA`);
      expect(swapped.status).toBe(404);
      expect(swapped.body).toEqual(unknown.body);
      // Nor does Olga reach Globex's own routes.
      expect((await olga.call('DELETE', `/v1/orgs/${globex}/invitations/${theirs.id}`)).body.code).toBe('not_found');
      expect((await olga.get(`/v1/orgs/${globex}/invitations`)).body.code).toBe('not_found');
      expect((await olga.get(`/v1/orgs/${acme}/invitations`)).body.invitations).toEqual([]);
      expect(await joiningState(b)).toEqual(before);
      expect((await b.get(`/v1/invitations/${theirs.token}`)).status).toBe(200);
    });

    it('answers an invitation to an address without an account exactly like one to an address with one', async () => {
      const b = t.broker;
      const { olga, acme } = await twoOrgs(b);
      await person(b, 'has.account@example.test');
      const withAccount = await olga.post(`/v1/orgs/${acme}/invitations`, { email: 'has.account@example.test', role: 'member' });
      const without = await olga.post(`/v1/orgs/${acme}/invitations`, { email: 'no.account@example.test', role: 'member' });
      expect(withAccount.status).toBe(201);
      expect(without.status).toBe(withAccount.status);
      const blank = (body: Record<string, unknown>) => ({ ...body, id: 'x', email: 'x' });
      expect(blank(without.body)).toEqual(blank(withAccount.body));
      expect([...without.headers.keys()].sort()).toEqual([...withAccount.headers.keys()].sort());
      const [mailWith] = await b.outbox('has.account@example.test');
      const [mailWithout] = await b.outbox('no.account@example.test');
      const plain = (text: string) => text.replace(/lk_invitation=[\w-]+/, 'lk_invitation=x');
      expect(mailWithout!.subject).toBe(mailWith!.subject);
      expect(plain(mailWithout!.text)).toBe(plain(mailWith!.text));
      // The previews, too, say nothing of the account.
      const previewWith = await b.get(`/v1/invitations/${await mailedToken(b, 'has.account@example.test')}`);
      const previewWithout = await b.get(`/v1/invitations/${await mailedToken(b, 'no.account@example.test')}`);
      expect(Object.keys(previewWithout.body).sort()).toEqual(Object.keys(previewWith.body).sort());
      expect({ ...previewWithout.body, email: 'x' }).toEqual({ ...previewWith.body, email: 'x' });
    });

    it('never lets a member escalate through an invitation: their own address, a higher role', async () => {
      const b = t.broker;
      const { acme } = await twoOrgs(b);
      const adam = await person(b, 'adam@acme.test');
      await addMember(b, acme, adam.userId, 'admin');
      const before = await joiningState(b);
      // An admin cannot invite an owner, not even themselves (a member anyway: already_member comes after the grant check).
      for (const email of ['adam@acme.test', 'adam.alt@example.test']) {
        const refused = await adam.post(`/v1/orgs/${acme}/invitations`, { email, role: 'owner' });
        expect(refused.body.code).toBe('forbidden');
      }
      expect((await adam.post(`/v1/orgs/${acme}/invite-links`, { role: 'owner' })).body.code).toBe('forbidden');
      expect(await joiningState(b)).toEqual(before);
      expect(await b.outboxCount()).toBe(0);
    });
  });

  it('answers an organization id of no id’s shape as unknown on every route, before any query', async () => {
    const b = t.broker;
    const { acme } = await twoOrgs(b);
    // Ana could ask to join or join by her domain, so the routes that look the domain up get that far.
    await orgDomain(b, acme, 'acme.test', { verification: 'dns', enrollment: 'automatic' });
    const ana = await person(b, 'ana@acme.test');
    const before = await joiningState(b);
    for (const bad of ['%00', "org_'%20OR%20'1'='1", 'x'.repeat(129), '%E2%80%AE']) {
      for (const [method, path] of [
        ['POST', `/v1/orgs/${bad}/join`],
        ['POST', `/v1/orgs/${bad}/access-requests`],
        ['GET', `/v1/orgs/${bad}/access-requests`],
        ['GET', `/v1/orgs/${bad}/invitations`],
        ['POST', `/v1/orgs/${bad}/invitations`],
        ['GET', `/v1/orgs/${bad}/invite-links`],
      ] as const) {
        const answer = await ana.call(method, path, method === 'POST' ? { json: {} } : {});
        expect([path, answer.status, answer.body.code]).toEqual([path, 404, 'not_found']);
      }
    }
    expect(await joiningState(b)).toEqual(before);
  });

  describe('invite links', () => {
    async function link(b: TestBroker, owner: Person, orgId: string, body: Record<string, unknown>) {
      const made = await owner.post(`/v1/orgs/${orgId}/invite-links`, body);
      if (made.status !== 201) throw new Error(`link: ${JSON.stringify(made.body)}`);
      return { id: made.body.id as string, token: linkToken(made.body.url) };
    }

    it('refuses a link past its use limit and counts no more', async () => {
      const b = t.broker;
      const { olga, acme } = await twoOrgs(b);
      const { token, id } = await link(b, olga, acme, { role: 'member', max_uses: 2 });
      const people = await Promise.all(['a', 'b', 'c'].map((n) => person(b, `${n}@example.test`)));
      expect((await people[0]!.post('/v1/invite-links/join', { token })).status).toBe(200);
      expect((await people[1]!.post('/v1/invite-links/join', { token })).status).toBe(200);
      const before = await joiningState(b);
      const third = await people[2]!.post('/v1/invite-links/join', { token });
      expect(third.status).toBe(404);
      expect(third.body.code).toBe('invitation_invalid');
      expect((await b.get(`/v1/invite-links/${token}`)).body.code).toBe('invitation_invalid');
      expect(await joiningState(b)).toEqual(before);
      expect((await t.storage.query<{ uses: number }>(`SELECT uses FROM org_invite_links WHERE id = $1`, [id]))[0]!.uses).toBe(2);
    });

    it('lets exactly ten of fifty people joining in parallel through a link of ten uses in', async () => {
      const b = t.broker;
      const { olga, acme } = await twoOrgs(b);
      const { token, id } = await link(b, olga, acme, { role: 'member', max_uses: 10 });
      const people = [];
      for (let i = 0; i < 50; i++) people.push(await person(b, `joiner${i}@example.test`));
      const answers = await Promise.all(people.map((p) => p.post('/v1/invite-links/join', { token })));
      expect(answers.filter((a) => a.status === 200)).toHaveLength(10);
      for (const answer of answers.filter((a) => a.status !== 200)) expect(answer.body.code).toBe('invitation_invalid');
      const joined = await t.storage.query<{ n: number }>(`SELECT count(*)::int AS n FROM memberships WHERE org_id = $1 AND source = 'link'`, [acme]);
      expect(joined[0]!.n).toBe(10);
      expect((await t.storage.query<{ uses: number }>(`SELECT uses FROM org_invite_links WHERE id = $1`, [id]))[0]!.uses).toBe(10);
      const events = await auditEvents(b, acme);
      expect(events.filter((e) => e.type === 'invite_link.used')).toHaveLength(10);
      expect(events.filter((e) => e.type === 'member.added')).toHaveLength(10);
    });

    it('spends one use when the same person joins twenty times in parallel', async () => {
      const b = t.broker;
      const { olga, acme } = await twoOrgs(b);
      const { token, id } = await link(b, olga, acme, { role: 'member', max_uses: 5 });
      const ana = await person(b, 'ana@example.test');
      const answers = await Promise.all(Array.from({ length: 20 }, () => ana.post('/v1/invite-links/join', { token })));
      for (const answer of answers) expect(answer.status).toBe(200);
      expect((await t.storage.query<{ uses: number }>(`SELECT uses FROM org_invite_links WHERE id = $1`, [id]))[0]!.uses).toBe(1);
      expect(await membershipOf(b, acme, ana.userId)).toEqual({ role: 'member', source: 'link' });
      expect((await auditEvents(b, acme)).filter((e) => e.type === 'invite_link.used')).toHaveLength(1);
    });

    it("answers another organization's link ids as unknown, and leaves them", async () => {
      const b = t.broker;
      const { olga, acme, gina, globex } = await twoOrgs(b);
      const theirs = await link(b, gina, globex, { role: 'member' });
      const before = await joiningState(b);
      const swapped = await olga.call('DELETE', `/v1/orgs/${acme}/invite-links/${theirs.id}`);
      expect(swapped.status).toBe(404);
      expect(swapped.body.code).toBe('not_found');
      expect((await olga.get(`/v1/orgs/${acme}/invite-links`)).body.links).toEqual([]);
      expect(await joiningState(b)).toEqual(before);
      expect((await b.get(`/v1/invite-links/${theirs.token}`)).status).toBe(200);
    });
  });

  describe('domain capture and access requests', () => {
    it('refuses domain capture for an unverified, an admin-verified, a request-only and a public-mail domain', async () => {
      const b = t.broker;
      const { acme, gina, globex } = await twoOrgs(b);
      const oscar = await person(b, 'oscar@initech.test');
      const initech = await organization(b, 'Initech', oscar);
      const pablo = await person(b, 'pablo@hooli.test');
      const hooli = await organization(b, 'Hooli', pablo);
      await orgDomain(b, acme, 'acme.test', { verification: null, enrollment: 'request' });
      await orgDomain(b, globex, 'globex.test', { verification: 'admin', enrollment: 'request' });
      await orgDomain(b, initech, 'initech.test', { verification: 'dns', enrollment: 'request' });
      // A public mail domain held anyway (the domain routes refuse it; the database does not).
      await orgDomain(b, hooli, 'gmail.com', { verification: 'dns', enrollment: 'automatic' });
      const cases: Array<[string, string]> = [
        ['ana@acme.test', acme],
        ['gus@globex.test', globex],
        ['ian@initech.test', initech],
        ['someone@gmail.com', hooli],
      ];
      const before = await joiningState(b);
      for (const [email, orgId] of cases) {
        const who = await person(b, email);
        const joined = await who.post(`/v1/orgs/${orgId}/join`);
        expect([email, joined.status, joined.body.code]).toEqual([email, 404, 'not_found']);
        expect((await who.get('/v1/orgs/joinable')).body.organizations.filter((o: { enrollment: string }) => o.enrollment === 'automatic')).toEqual([]);
      }
      // Nor may the gmail.com address ask Hooli, or see it.
      const gmail = await person(b, 'other@gmail.com');
      expect((await gmail.post(`/v1/orgs/${hooli}/access-requests`, {})).body.code).toBe('not_found');
      expect((await gmail.get('/v1/orgs/joinable')).body.organizations).toEqual([]);
      expect((await gina.post(`/v1/orgs/${acme}/join`)).body.code).toBe('not_found');
      expect(await joiningState(b)).toEqual(before);
    });

    it('never captures an unverified address, even on a DNS-verified automatic domain', async () => {
      const b = t.broker;
      const { acme } = await twoOrgs(b);
      await orgDomain(b, acme, 'acme.test', { verification: 'dns', enrollment: 'automatic' });
      const ana = await person(b, 'ana@acme.test', { verified: false });
      const before = await joiningState(b);
      expect((await ana.post(`/v1/orgs/${acme}/join`)).body.code).toBe('not_found');
      expect((await ana.post(`/v1/orgs/${acme}/access-requests`, {})).body.code).toBe('not_found');
      expect(await joiningState(b)).toEqual(before);
    });

    it('decides a request once when an approval and a denial race: one winner, already_decided for the rest', async () => {
      const b = t.broker;
      const { olga, acme } = await twoOrgs(b);
      const adam = await person(b, 'adam@acme.test');
      await addMember(b, acme, adam.userId, 'admin');
      await orgDomain(b, acme, 'acme.test', { verification: 'dns', enrollment: 'request' });
      const ana = await person(b, 'ana@acme.test');
      const { body: request } = await ana.post(`/v1/orgs/${acme}/access-requests`, {});
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          i % 2 === 0
            ? olga.post(`/v1/orgs/${acme}/access-requests/${request.id}/approve`, {})
            : adam.post(`/v1/orgs/${acme}/access-requests/${request.id}/deny`, { reason: 'No' }),
        ),
      );
      const won = answers.filter((a) => a.status === 200);
      expect(won).toHaveLength(1);
      for (const answer of answers.filter((a) => a.status !== 200)) expect(answer.body.code).toBe('already_decided');
      const [stored] = await t.storage.query<{ status: string }>(`SELECT status FROM org_access_requests WHERE id = $1`, [request.id]);
      expect(stored!.status).toBe(won[0]!.body.status);
      expect(await membershipOf(b, acme, ana.userId)).toEqual(stored!.status === 'approved' ? { role: 'member', source: 'request' } : undefined);
      const decisions = (await auditEvents(b, acme)).filter((e) => e.type.startsWith('access_request.') && e.type !== 'access_request.created');
      expect(decisions).toHaveLength(1);
      expect((await b.outbox('ana@acme.test')).filter((m) => m.subject.startsWith('Your request'))).toHaveLength(1);
    });

    it('shows the requester the reason of a denial, and nobody else’s requests', async () => {
      const b = t.broker;
      const { olga, acme } = await twoOrgs(b);
      await orgDomain(b, acme, 'acme.test', { verification: 'admin', enrollment: 'request' });
      const ana = await person(b, 'ana@acme.test');
      const bea = await person(b, 'bea@acme.test');
      const { body: request } = await ana.post(`/v1/orgs/${acme}/access-requests`, {});
      await bea.post(`/v1/orgs/${acme}/access-requests`, {});
      await olga.post(`/v1/orgs/${acme}/access-requests/${request.id}/deny`, { reason: 'Use your team’s shared account' });
      const mine = (await ana.get('/v1/access-requests')).body.requests;
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ id: request.id, status: 'denied', reason: 'Use your team’s shared account' });
      expect((await bea.get('/v1/access-requests')).body.requests.map((r: { user: { id: string } }) => r.user.id)).toEqual([bea.userId]);
      // A requester is no member: the organization's list is not theirs to read.
      expect((await ana.get(`/v1/orgs/${acme}/access-requests`)).body.code).toBe('not_found');
    });

    it('refuses control characters and oversized bodies in the texts people are shown, and writes nothing', async () => {
      const b = t.broker;
      const { olga, acme } = await twoOrgs(b);
      await orgDomain(b, acme, 'acme.test', { verification: 'admin', enrollment: 'request' });
      const ana = await person(b, 'ana@acme.test');
      const { body: request } = await ana.post(`/v1/orgs/${acme}/access-requests`, {});
      const before = await joiningState(b);
      for (const reason of ['No\u0000', 'No\r\nBcc: all@acme.test', 'No\u001B[2J', '\uD83D']) {
        const refused = await olga.post(`/v1/orgs/${acme}/access-requests/${request.id}/deny`, { reason });
        expect([reason, refused.status, refused.body.code]).toEqual([reason, 400, 'invalid_request']);
      }
      const bea = await person(b, 'bea@acme.test');
      expect((await bea.post(`/v1/orgs/${acme}/access-requests`, { message: 'hi\nthere' })).body.code).toBe('invalid_request');
      expect((await bea.post(`/v1/orgs/${acme}/access-requests`, { message: 'x'.repeat(20_000) })).status).toBe(413);
      expect((await olga.post(`/v1/orgs/${acme}/invitations`, { email: 'a@example.test', role: 'member', pad: 'x'.repeat(20_000) })).status).toBe(413);
      expect(await joiningState(b)).toEqual(before);
      expect(await b.outboxCount()).toBe(0);
    });

    it("answers another organization's request ids as unknown when approving or denying, and leaves them", async () => {
      const b = t.broker;
      const { olga, acme, globex } = await twoOrgs(b);
      await orgDomain(b, globex, 'globex.test', { verification: 'admin', enrollment: 'request' });
      const gus = await person(b, 'gus@globex.test');
      const { body: theirs } = await gus.post(`/v1/orgs/${globex}/access-requests`, {});
      const before = await joiningState(b);
      for (const path of [`/v1/orgs/${acme}/access-requests/${theirs.id}/approve`, `/v1/orgs/${acme}/access-requests/${theirs.id}/deny`]) {
        const answer = await olga.post(path, path.endsWith('deny') ? { reason: 'No' } : {});
        expect([path, answer.status, answer.body.code]).toEqual([path, 404, 'not_found']);
      }
      expect((await olga.get(`/v1/orgs/${acme}/access-requests`)).body.requests).toEqual([]);
      expect(await joiningState(b)).toEqual(before);
      expect(await membershipOf(b, acme, gus.userId)).toBeUndefined();
      expect(await membershipOf(b, globex, gus.userId)).toBeUndefined();
    });
  });
});
