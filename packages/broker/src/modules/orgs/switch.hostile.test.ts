import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { insertOrganization, upsertMembership } from '../../storage/queries/index.js';
import { APP_ORIGIN, BROKER_URL, recordStatements, storageKinds, testBroker, type StorageKind, type TestBroker, useTestBroker } from '../../test/harness.js';
import { enrolApp, PASSWORD } from '../mfa/mfa.fixtures.js';
import { allPermissions } from './permissions.js';

/**
 * The active organization per tab (issue 24 §3) and its policies on every
 * switch and mint (§4), as an attacker and a careless client try them: a token
 * of one organization asked for another, a switch into an organization left,
 * policies unmet, break-glass by the wrong person, and the refresh's one query.
 */

type Policy = { requireMfa?: boolean; requirePasskey?: boolean; requireSso?: boolean; graceUntil?: Date | null };

describe.each(storageKinds)('switching organizations on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind);

  async function organization(id: string, policy: Policy = {}) {
    await insertOrganization(t.storage, { id, name: id.replace('org_', '').toUpperCase(), slug: id.replace('org_', ''), createdAt: t.broker.clock.now(), requireMfa: policy.requireMfa ?? false });
    await setPolicy(id, policy);
  }
  async function setPolicy(id: string, policy: Policy) {
    await t.storage.query(
      `UPDATE organizations SET require_mfa = $2, require_passkey = $3, require_sso = $4, policy_grace_until = $5 WHERE id = $1`,
      [id, policy.requireMfa ?? false, policy.requirePasskey ?? false, policy.requireSso ?? false, policy.graceUntil ?? null],
    );
  }
  const join = (orgId: string, userId: string, role = 'member') => upsertMembership(t.storage, { orgId, userId, role, createdAt: t.broker.clock.now() });
  const mint = (b: Pick<TestBroker, 'post'>, org?: string) => b.post(`/v1/session/token${org === undefined ? '' : `?org=${encodeURIComponent(org)}`}`);
  const switchTo = (b: Pick<TestBroker, 'post'>, org_id: string | null, extra: Record<string, unknown> = {}) => b.post('/v1/session/org', { org_id, ...extra });
  const claims = (token: string) => decodeJwt(token) as Record<string, unknown>;
  const orgEvents = () =>
    t.storage.query<{ type: string; orgId: string | null; actorId: string | null; targetType: string | null; targetId: string | null; data: Record<string, unknown> }>(
      `SELECT type, org_id AS "orgId", actor_id AS "actorId", target_type AS "targetType", target_id AS "targetId", data FROM audit_events WHERE type LIKE 'org.%' ORDER BY seq`,
    );
  const sessionRow = async (id: string) => (await t.storage.query(`SELECT org_id, factors, amr, last_seen_at FROM sessions WHERE id = $1`, [id]))[0];

  /** Ada, signed up in the broker's browser (its session in no organization), a member of Acme. */
  async function adaInAcme(role = 'member', policy: Policy = {}) {
    const done = await t.broker.signUp('ada@example.com', PASSWORD);
    await organization('org_acme', policy);
    await join('org_acme', done.user.id, role);
    return done as { user: { id: string }; session: { id: string } };
  }

  describe('a token of one organization is never minted for another', () => {
    it('mints for an organization the user is a member of, with its role and permissions, and verifies against the JWKS', async () => {
      const { user } = await adaInAcme('admin');
      const minted = await mint(t.broker, 'org_acme');
      expect(minted.status).toBe(200);
      const jwks = createLocalJWKSet((await t.broker.get('/.well-known/jwks.json')).body);
      const { payload } = await jwtVerify(minted.body.token, jwks, { issuer: BROKER_URL, audience: APP_ORIGIN, currentDate: t.broker.clock.now() });
      expect(payload).toMatchObject({ sub: user.id, org_id: 'org_acme', org_role: 'admin', org_permissions: allPermissions(t.broker.deps.config).filter((p) => p !== 'org:delete') });
    });

    it("refuses organization B's token to a member of A, the same as for one that does not exist", async () => {
      const { session } = await adaInAcme();
      await organization('org_globex');
      // The session even opened in Acme (an Acme connection's factor): asking for Globex must not fall back to it.
      await t.storage.query(`UPDATE sessions SET org_id = 'org_acme' WHERE id = $1`, [session.id]);
      const forGlobex = await mint(t.broker, 'org_globex');
      const forNowhere = await mint(t.broker, 'org_nowhere');
      expect(forGlobex.status).toBe(404);
      expect(forGlobex.body).toMatchObject({ code: 'not_found' });
      expect(forGlobex.body.token).toBeUndefined();
      expect(forNowhere.status).toBe(404);
      expect(forNowhere.body).toEqual(forGlobex.body);
      const switched = await switchTo(t.broker, 'org_globex');
      expect(switched.status).toBe(404);
      expect(switched.body.token).toBeUndefined();
      expect(await orgEvents()).toEqual([]);
      // Acme's own token still says Acme, never Globex.
      expect(claims((await mint(t.broker, 'org_acme')).body.token)).toMatchObject({ org_id: 'org_acme' });
    });

    it('refuses an org id that cannot be one, before reading anything', async () => {
      await adaInAcme();
      for (const org of ["org_acme' OR 1=1 --", '', 'x'.repeat(65), 'org_acme/../x']) {
        const refused = await mint(t.broker, org);
        expect(refused.status).toBe(400);
        expect(refused.body).toMatchObject({ code: 'invalid_request', errors: [{ path: 'org' }] });
      }
    });

    it('refuses a switch into an organization the user has left, and every token of it from the next refresh on', async () => {
      const { user } = await adaInAcme();
      const first = await switchTo(t.broker, 'org_acme');
      expect(first.status).toBe(200);
      expect(claims(first.body.token.token)).toMatchObject({ org_id: 'org_acme', org_role: 'member' });
      await t.storage.query(`DELETE FROM memberships WHERE org_id = 'org_acme' AND user_id = $1`, [user.id]);
      const again = await switchTo(t.broker, 'org_acme');
      expect(again.status).toBe(404);
      expect(again.body).toMatchObject({ code: 'not_found' });
      expect(again.body.token).toBeUndefined();
      expect((await mint(t.broker, 'org_acme')).status).toBe(404);
      expect((await orgEvents()).map((e) => e.type)).toEqual(['org.switched']);
    });

    it('reads a demotion and a custom role at the next mint', async () => {
      const b = testBroker(t.storage, { orgs: { permissions: ['invoices:read', 'invoices:write'] } });
      const { user } = await b.signUp('bo@example.com');
      await organization('org_acme');
      await t.storage.query(`INSERT INTO org_roles (org_id, key, name, permissions, created_at, updated_at) VALUES ('org_acme', 'billing', 'Billing', $1, now(), now())`, [
        ['org:read', 'invoices:read', 'no-longer:configured'],
      ]);
      await join('org_acme', user.id, 'billing');
      expect(claims((await mint(b, 'org_acme')).body.token)).toMatchObject({ org_role: 'billing', org_permissions: ['org:read', 'invoices:read'] });
      // The role deleted under the member: no permission at all, never a built-in role's.
      await t.storage.query(`DELETE FROM org_roles WHERE key = 'billing'`);
      expect(claims((await mint(b, 'org_acme')).body.token)).toMatchObject({ org_role: 'billing', org_permissions: [] });
    });
  });

  describe('the personal account', () => {
    it('is chosen with ?org=personal and org_id null where the host allows it', async () => {
      await adaInAcme();
      expect(claims((await mint(t.broker, 'personal')).body.token)).toMatchObject({ org_id: null, org_role: null, org_permissions: [] });
      const switched = await switchTo(t.broker, null);
      expect(switched.status).toBe(200);
      expect(switched.body.organization).toBeNull();
      expect(claims(switched.body.token.token)).toMatchObject({ org_id: null, org_role: null, org_permissions: [] });
    });

    it('is refused with 403 forbidden where the host allows none', async () => {
      const b = testBroker(t.storage, { orgs: { allowPersonal: false } });
      await b.signUp('bo@example.com');
      const minted = await mint(b, 'personal');
      expect(minted.status).toBe(403);
      expect(minted.body).toMatchObject({ code: 'forbidden' });
      const switched = await switchTo(b, null);
      expect(switched.status).toBe(403);
      expect(switched.body.token).toBeUndefined();
      expect(await orgEvents()).toEqual([]);
    });
  });

  describe('policies on every switch and mint', () => {
    it('makes a member without a second factor enrol first under require_mfa, then lets them in', async () => {
      await adaInAcme('member', { requireMfa: true });
      for (const refused of [await switchTo(t.broker, 'org_acme'), await mint(t.broker, 'org_acme')]) {
        expect(refused.status).toBe(403);
        expect(refused.body).toMatchObject({ code: 'org_policy_unmet', requirement: 'mfa-enroll', org_id: 'org_acme' });
        expect(refused.body.token).toBeUndefined();
      }
      expect(await orgEvents()).toEqual([]);
      // Enrolling an authenticator app proves it on this session (otp appended).
      await enrolApp(t.broker);
      const switched = await switchTo(t.broker, 'org_acme');
      expect(switched.status).toBe(200);
      expect(switched.body.organization).toMatchObject({ id: 'org_acme', name: 'ACME', slug: 'acme', role: 'member', permissions: ['org:read', 'members:read'], policy: { unmet: [] } });
      expect(claims(switched.body.token.token)).toMatchObject({ org_id: 'org_acme', amr: expect.arrayContaining(['otp', 'mfa']) });
      expect((await mint(t.broker, 'org_acme')).status).toBe(200);
    });

    it('asks a member who has a second factor but a session without one to prove it (mfa, not mfa-enroll)', async () => {
      await adaInAcme();
      // A second browser signed in with the password before the app existed: its session has no second factor.
      const laptop = t.broker.browser({ ip: '203.0.113.20' });
      expect((await laptop.post('/v1/sign-in/password', { email: 'ada@example.com', password: PASSWORD })).body).toMatchObject({ step: 'done' });
      await enrolApp(t.broker);
      await setPolicy('org_acme', { requireMfa: true });
      const refused = await switchTo(laptop, 'org_acme');
      expect(refused.body).toMatchObject({ code: 'org_policy_unmet', requirement: 'mfa', org_id: 'org_acme' });
      expect((await mint(laptop, 'org_acme')).body).toMatchObject({ requirement: 'mfa' });
    });

    it('lets a member in during the grace period, says what is unmet and until when, and refuses once it is over', async () => {
      const graceUntil = new Date(t.broker.clock.now().getTime() + 86_400_000);
      await adaInAcme('member', { requirePasskey: true, graceUntil });
      const switched = await switchTo(t.broker, 'org_acme');
      expect(switched.status).toBe(200);
      expect(switched.body.organization.policy).toEqual({ unmet: [{ requirement: 'passkey', grace_until: graceUntil.toISOString() }] });
      expect((await mint(t.broker, 'org_acme')).status).toBe(200);
      t.broker.clock.advance(86_400_000);
      const refused = await mint(t.broker, 'org_acme');
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: 'org_policy_unmet', requirement: 'passkey', org_id: 'org_acme' });
      expect((await switchTo(t.broker, 'org_acme')).body).toMatchObject({ requirement: 'passkey' });
    });

    it('names SSO first when several requirements are unmet (a new SSO session would lose a factor proven before it)', async () => {
      await adaInAcme('member', { requireMfa: true, requirePasskey: true, requireSso: true });
      expect((await switchTo(t.broker, 'org_acme')).body).toMatchObject({ code: 'org_policy_unmet', requirement: 'sso' });
      await setPolicy('org_acme', { requireMfa: true, requirePasskey: true });
      expect((await switchTo(t.broker, 'org_acme')).body).toMatchObject({ requirement: 'mfa-enroll' });
      await setPolicy('org_acme', { requirePasskey: true });
      expect((await switchTo(t.broker, 'org_acme')).body).toMatchObject({ requirement: 'passkey' });
    });

    it('checks the session’s own organization too when the tab names none', async () => {
      const { session } = await adaInAcme('member', { requireSso: true });
      await t.storage.query(`UPDATE sessions SET org_id = 'org_acme' WHERE id = $1`, [session.id]);
      expect((await mint(t.broker)).body).toMatchObject({ code: 'org_policy_unmet', requirement: 'sso', org_id: 'org_acme' });
    });

    it('writes nothing to the session: the choice is the tab’s', async () => {
      const { session } = await adaInAcme();
      const before = await sessionRow(session.id);
      expect((await switchTo(t.broker, 'org_acme')).status).toBe(200);
      expect(await sessionRow(session.id)).toEqual(before);
      // The next token without ?org= is the session's own (none): the broker remembered nothing.
      expect(claims((await mint(t.broker)).body.token)).toMatchObject({ org_id: null });
    });
  });

  describe('break-glass', () => {
    it("lets an owner past an unmet SSO requirement, records it, and keeps this session's mints in", async () => {
      const { user, session } = await adaInAcme('owner', { requireSso: true });
      // Another session of the same owner, before the glass is broken.
      const phone = t.broker.browser({ ip: '203.0.113.30' });
      await phone.post('/v1/sign-in/password', { email: 'ada@example.com', password: PASSWORD });

      const refused = await switchTo(t.broker, 'org_acme');
      expect(refused.body).toMatchObject({ code: 'org_policy_unmet', requirement: 'sso', org_id: 'org_acme' });
      const broke = await switchTo(t.broker, 'org_acme', { break_glass: true });
      expect(broke.status).toBe(200);
      expect(claims(broke.body.token.token)).toMatchObject({ org_id: 'org_acme', org_role: 'owner' });
      expect(broke.body.organization.policy.unmet).toEqual([{ requirement: 'sso', grace_until: null }]);
      expect(await orgEvents()).toEqual([
        { type: 'org.break_glass', orgId: 'org_acme', actorId: user.id, targetType: 'session', targetId: session.id, data: { requirements: ['sso'] } },
        { type: 'org.switched', orgId: 'org_acme', actorId: user.id, targetType: null, targetId: null, data: { role: 'owner' } },
      ]);
      // This tab's refreshes go on; the owner's other session broke nothing and stays out.
      expect((await mint(t.broker, 'org_acme')).status).toBe(200);
      expect((await mint(phone, 'org_acme')).body).toMatchObject({ code: 'org_policy_unmet', requirement: 'sso' });
      // Demoted, the glass holds no more.
      await t.storage.query(`UPDATE memberships SET role = 'admin' WHERE user_id = $1`, [user.id]);
      expect((await mint(t.broker, 'org_acme')).body).toMatchObject({ code: 'org_policy_unmet', requirement: 'sso' });
    });

    it("refuses an admin's break-glass with 403 forbidden and records nothing", async () => {
      await adaInAcme('admin', { requireSso: true, requirePasskey: true });
      const refused = await switchTo(t.broker, 'org_acme', { break_glass: true });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: 'forbidden' });
      expect(refused.body.token).toBeUndefined();
      expect(await orgEvents()).toEqual([]);
      expect((await mint(t.broker, 'org_acme')).body).toMatchObject({ code: 'org_policy_unmet' });
    });

    it('never lets an owner past MFA', async () => {
      await adaInAcme('owner', { requireMfa: true, requireSso: true });
      const refused = await switchTo(t.broker, 'org_acme', { break_glass: true });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: 'org_policy_unmet', requirement: 'mfa-enroll', org_id: 'org_acme' });
      expect(await orgEvents()).toEqual([]);
    });

    it("answers a stranger's break-glass into another organization with not_found, never forbidden", async () => {
      await adaInAcme('member');
      await organization('org_globex', { requireSso: true });
      const refused = await switchTo(t.broker, 'org_globex', { break_glass: true });
      expect(refused.status).toBe(404);
    });
  });

  describe('the refresh stays one round trip', () => {
    it('reads session, membership, custom role and policy in one query per mint (no user: a token names it by id) and writes nothing', async () => {
      const b = testBroker(t.storage, { orgs: { permissions: ['invoices:read'] } });
      const { user } = await b.signUp('bo@example.com');
      await organization('org_acme', { requireMfa: true, requirePasskey: true, graceUntil: new Date(b.clock.now().getTime() + 3_600_000) });
      await t.storage.query(`INSERT INTO org_roles (org_id, key, name, permissions, created_at, updated_at) VALUES ('org_acme', 'billing', 'Billing', '{invoices:read}', now(), now())`);
      await join('org_acme', user.id, 'billing');
      const { storage, statements, transactions } = recordStatements(t.storage);
      const counted = testBroker(storage, { clock: b.clock, orgs: { permissions: ['invoices:read'] } });
      for (const [name, value] of b.cookies) counted.cookies.set(name, value);
      await mint(counted, 'org_acme'); // the first mint of an instance loads its signing key
      statements.length = 0;
      transactions.count = 0;
      for (let i = 0; i < 10; i++) {
        const minted = await mint(counted, 'org_acme');
        expect(minted.status).toBe(200);
        expect(claims(minted.body.token)).toMatchObject({ org_id: 'org_acme', org_role: 'billing', org_permissions: ['invoices:read'] });
      }
      for (let i = 0; i < 5; i++) expect((await mint(counted, 'personal')).status).toBe(200);
      expect(statements).toHaveLength(15);
      expect(transactions.count).toBe(0);
      for (const sql of statements) expect(sql).toMatch(/^SELECT s\.id.*FROM sessions s\s+LEFT JOIN memberships.*org_roles/s);
    });
  });

  describe('the switch route’s guards', () => {
    it('takes the session calls’ Origin check, a small JSON body and a session', async () => {
      await adaInAcme();
      expect((await t.broker.post('/v1/session/org', { org_id: 'org_acme' }, { headers: { origin: 'https://evil.test' } })).body).toMatchObject({ code: 'forbidden_origin' });
      expect((await t.broker.post('/v1/session/org', { org_id: 'org_acme' }, { headers: { origin: '' } })).status).toBe(403);
      const huge = await t.broker.call('POST', '/v1/session/org', { body: JSON.stringify({ org_id: 'org_acme', pad: 'x'.repeat(20_000) }), headers: { 'content-type': 'application/json' } });
      expect(huge.status).toBe(413);
      for (const body of [{}, { org_id: 42 }, { org_id: 'org_acme', role: 'owner' }, { org_id: 'org_acme', break_glass: 'yes' }, { org_id: '../org_acme' }]) {
        const refused = await t.broker.post('/v1/session/org', body);
        expect(refused.status).toBe(400);
        expect(refused.body.code).toBe('invalid_request');
      }
      expect((await t.broker.post('/v1/session/org', { org_id: 'org_acme' }, { cookie: null })).body).toMatchObject({ code: 'unauthenticated' });
      expect(await orgEvents()).toEqual([]);
    });
  });
});
