import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SocialProviderConfig } from '../config.js';
import { appCode, passwordFirst, userWithTotp } from '../modules/mfa/mfa.fixtures.js';
import { githubProvider, oidcProvider, tripTo } from '../modules/oauth/oauth.fixtures.js';
import { rotateSigningKey } from '../modules/sessions/keys.js';
import { createPostgresStorage } from '../storage/postgres.js';
import type { Storage } from '../storage/storage.js';
import { ADMIN_TOKEN, adminCall } from './admin.js';
import { startFakeIdp, type FakeIdp } from './fake-idp.js';
import { APP_ORIGIN, BROKER_URL, openTestStorage, rowCounts, testBroker, testClock, type TestBroker, type TestClock } from './harness.js';
import { mailedToken, organization, person } from './joining.js';
import { PASSKEY_METHODS, signUpWithPasskey, SoftAuthenticator } from './passkeys.js';
import { authnRequestIdOf, encodeResponse, IDP_CERTIFICATE_DER, samlResponse, type SamlParties } from './saml-responses.js';

/**
 * DESIGN.md, Storage: "N instances behind a load balancer act as one". Two brokers,
 * each with its own pool on the same PostgreSQL schema, and one browser whose
 * requests the "load balancer" sends to either: every flow starts on one instance
 * and finishes on the other, and what one instance spent (a code, a state, an
 * assertion, a budget) the other refuses. A flow that kept anything in process
 * memory (a Map, an LRU, a timer) fails here.
 *
 * PGlite is one process's database, so this needs a PostgreSQL server.
 */
const databaseUrl = process.env.TEST_DATABASE_URL;
if (!databaseUrl) console.warn('multi-instance.test.ts skipped: TEST_DATABASE_URL is unset (two broker instances need one PostgreSQL server; CI sets it).');

/** The IdP the SAML connection trusts (made by hand: entity ID, SSO URL, the dev IdP's committed certificate). */
const SAML_IDP = { entityId: 'https://idp.globex.test/saml/metadata', ssoUrl: 'https://idp.globex.test/saml/sso' };
const PASSWORD = 'correct horse battery staple';

let addresses = 0;
/** A client address of its own per browser, so no test spends another's budget. */
const nextIp = () => `198.51.100.${(addresses++ % 200) + 20}`;

describe.skipIf(!databaseUrl)('two broker instances on one PostgreSQL database', () => {
  let idp: FakeIdp;
  let clock: TestClock;
  let first: Awaited<ReturnType<typeof openTestStorage>>;
  let second: Storage;
  let a: TestBroker;
  let b: TestBroker;

  beforeAll(async () => {
    idp = await startFakeIdp({ clock: () => clock.now() });
  });
  afterAll(() => idp.close());

  /** Both instances: the same configuration, the same hand-moved clock (time is shared, memory is not). */
  const config = () => ({
    clock,
    adminToken: ADMIN_TOKEN,
    signIn: { methods: [...PASSKEY_METHODS] },
    social: [githubProvider(idp), oidcProvider(idp)] as SocialProviderConfig[],
  });

  beforeEach(async () => {
    // node-saml and the fake IdP's tokens read the wall clock: start on it.
    clock = testClock(Date.now());
    first = await openTestStorage('postgres');
    const { schema } = (await first.query<{ schema: string }>('SELECT current_schema() AS schema'))[0]!;
    // The second instance: a pool of its own on the same schema, as another process would have.
    second = await createPostgresStorage({ connectionString: databaseUrl!, schema, max: 4 });
    a = testBroker(first, config());
    b = testBroker(second, config());
  });
  afterEach(async () => {
    await Promise.all([a.deps.mail.settled(), b.deps.mail.settled()]);
    await second.close();
    await first.drop();
    idp.state.user = { sub: 'idp-user-1', email: 'ada@example.test', email_verified: true, name: 'Ada' };
  });

  /** One browser (one cookie jar, one address) that can reach either instance. */
  function browserOnBoth(ip = nextIp()) {
    const onA = a.browser({ ip });
    const onB = b.browser({ ip, cookies: onA.cookies });
    return { A: onA, B: onB, cookies: onA.cookies };
  }

  describe('a flow started on one instance finishes on the other', () => {
    it.each([
      ['GitHub-style OAuth 2.0', 'devhub'],
      ['OIDC', 'acme'],
    ])('social sign-in (%s): redirect from A, callback on B, the result read on A; the spent state refused on either', async (_, provider) => {
      for (const [start, finish] of [['A', 'B'], ['B', 'A']] as const) {
        const browser = browserOnBoth();
        idp.state.user = { sub: `cy-${provider}`, email: 'cy@devhub.test', email_verified: true, name: 'Cy' };
        const { callback } = await tripTo({ idp }, browser[start], provider, { resume_url: `${APP_ORIGIN}/sign-in` });
        const back = await browser[finish].get(callback);
        expect([back.status, back.headers.get('location')]).toEqual([303, `${APP_ORIGIN}/sign-in?lk_resume=1`]);
        expect(browser.cookies.has('lk_session')).toBe(true);
        expect((await browser[start].get('/v1/sign-in/flow')).body).toMatchObject({ step: 'done', user: { email: 'cy@devhub.test' } });
        // The state (and its code) again, at the instance that did not spend it.
        const replay = await browser[start].get(callback);
        expect([replay.status, replay.body.code]).toEqual([400, 'invalid_state']);
        expect((await browser[finish].get('/v1/sign-in/flow')).body.code).toBe('no_flow');
      }
      expect(await rowCounts(first)).toMatchObject({ users: 1, identities: 1, sessions: 2 });
    });

    it('SAML: the AuthnRequest from A, the ACS on B, the finish on A; the response and the assertion ID refused on the other instance', async () => {
      const org = (await adminCall(a, 'POST', '/organizations', { name: 'Globex' })).body;
      expect((await adminCall(b, 'POST', `/organizations/${org.id}/domains`, { domain: 'globex.test' })).status).toBe(201);
      const connection = await adminCall(a, 'POST', `/organizations/${org.id}/connections`, {
        type: 'saml',
        entity_id: SAML_IDP.entityId,
        sso_url: SAML_IDP.ssoUrl,
        certificates: [IDP_CERTIFICATE_DER],
        idp_initiated: true,
      });
      expect(connection.status).toBe(201);
      const parties: SamlParties = { acsUrl: connection.body.acs_url, spEntityId: connection.body.sp_entity_id, idpEntityId: SAML_IDP.entityId };
      // The IdP's form POST: cross-site, so no cookies reach the ACS.
      const postToAcs = (broker: TestBroker, xml: string) =>
        broker.call('POST', new URL(parties.acsUrl).pathname, {
          cookie: null,
          headers: { origin: 'null', 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ SAMLResponse: encodeResponse(xml) }).toString(),
        });

      // SP-initiated: the request A sent is answered at B's ACS, and A's finish opens the session.
      const browser = browserOnBoth();
      const step = (await browser.A.post('/v1/sign-in/identify', { email: 'bo@globex.test', resume_url: `${APP_ORIGIN}/sign-in` })).body;
      expect(step).toMatchObject({ step: 'sso-redirect', to: { kind: 'sso', name: 'Globex' } });
      const xml = samlResponse(parties, clock.now(), authnRequestIdOf(step.url));
      const acs = await postToAcs(b, xml);
      expect(acs.status).toBe(303);
      const finishUrl = new URL(acs.headers.get('location')!);
      expect((await browser.A.get(`${finishUrl.pathname}${finishUrl.search}`)).status).toBe(303);
      expect((await browser.B.get('/v1/sign-in/flow')).body).toMatchObject({ step: 'done', user: { email: 'bo@globex.test' }, session: { org_id: org.id } });
      // The same response at A's ACS: its InResponseTo was answered (on B).
      const replayed = await postToAcs(a, xml);
      expect([replayed.status, replayed.body.code]).toEqual([400, 'saml_rejected']);

      // IdP-initiated: the assertion ID taken at A's ACS is in the replay cache B reads.
      const unsolicited = samlResponse(parties, clock.now(), null);
      expect((await postToAcs(a, unsolicited)).status).toBe(303);
      const again = await postToAcs(b, unsolicited);
      expect([again.status, again.body.code]).toEqual([400, 'saml_rejected']);
      const reasons = (await first.query<{ reason: string }>('SELECT reason FROM connection_rejections')).map((r) => r.reason);
      expect(reasons.sort()).toEqual(['in_response_to', 'replay']);
      expect(await rowCounts(first)).toMatchObject({ sessions: 1 });
    });

    it('passkeys: sign-up verified on B and registered on A; a sign-in challenge from A answered on B; the assertion refused on A', async () => {
      const authenticator = new SoftAuthenticator();
      const joining = browserOnBoth();
      const started = await joining.A.post('/v1/sign-up', { email: 'pia@example.com' });
      expect(started.status).toBe(202);
      const registration = await joining.B.post('/v1/sign-up/verify', { flow_id: started.body.flow_id, code: await a.lastCode('pia@example.com') });
      expect(registration.status).toBe(200);
      const created = await joining.A.post('/v1/sign-up/passkey', { flow_id: registration.body.flow_id, credential: authenticator.create(registration.body.options) });
      expect(created.status).toBe(201);

      // The signed-in user adds a second passkey: the options from B, the credential to A.
      const laptop = new SoftAuthenticator();
      const options = await joining.B.post('/v1/passkeys/options');
      expect(options.status).toBe(200);
      expect((await joining.A.post('/v1/passkeys', { flow_id: options.body.flow_id, credential: laptop.create(options.body.options) })).status).toBe(201);

      const browser = browserOnBoth();
      const challenge = await browser.A.post('/v1/passkeys/sign-in/options', {});
      const assertion = laptop.get(challenge.body.options);
      const signedIn = await browser.B.post('/v1/passkeys/sign-in/verify', { flow_id: challenge.body.flow_id, credential: assertion });
      expect(signedIn.status).toBe(200);
      expect(signedIn.body).toMatchObject({ step: 'done', user: { email: 'pia@example.com' } });
      const replay = await browser.A.post('/v1/passkeys/sign-in/verify', { flow_id: challenge.body.flow_id, credential: assertion });
      expect([replay.status, replay.body.code]).toEqual([400, 'passkey_rejected']);
      expect(await rowCounts(first)).toMatchObject({ passkeys: 2, sessions: 2 });
    });

    it('email code: mailed by A, wrong guesses counted across both, taken on B; the spent code refused on A', async () => {
      await a.signUp('ada@example.com');
      const browser = browserOnBoth();
      const started = await browser.A.post('/v1/sign-in/email-code', { email: 'ada@example.com' });
      expect(started.body).toMatchObject({ step: 'email-code', attempts_left: 5 });
      const code = await b.lastCode('ada@example.com');
      const wrong = code === '000000' ? '111111' : '000000';
      const verify = (on: 'A' | 'B', guess: string) => browser[on].post('/v1/sign-in/email-code/verify', { flow_id: started.body.flow_id, code: guess });
      expect((await verify('B', wrong)).body).toMatchObject({ code: 'invalid_code', attempts_left: 4 });
      expect((await verify('A', wrong)).body).toMatchObject({ code: 'invalid_code', attempts_left: 3 });
      expect((await verify('B', code)).body).toMatchObject({ step: 'done', user: { email: 'ada@example.com' } });
      const replay = await verify('A', code);
      expect([replay.status, replay.body.code]).toEqual([400, 'code_expired']);
      // The signing-up browser's session and this one: no third.
      expect(await rowCounts(first)).toMatchObject({ sessions: 2 });
    });

    it('MFA: the password on A, the authenticator app on B; the same app code refused on A', async () => {
      const { secret } = await userWithTotp(a);
      const browser = browserOnBoth();
      const waiting = await passwordFirst(browser.A);
      expect(waiting.body).toMatchObject({ step: 'mfa' });
      const code = appCode(a, secret);
      const done = await browser.B.post('/v1/sign-in/mfa', { flow_id: waiting.body.flow_id, method: 'totp', code });
      expect(done.body).toMatchObject({ step: 'done', session: { amr: ['pwd', 'otp', 'mfa'] } });

      const another = browserOnBoth();
      const flowId = (await passwordFirst(another.B)).body.flow_id;
      const replayed = await another.A.post('/v1/sign-in/mfa', { flow_id: flowId, method: 'totp', code });
      expect([replayed.status, replayed.body.code, replayed.body.attempts_left]).toEqual([400, 'invalid_code', 4]);
    });

    it('invitation: sent from A, shown and accepted on B; the spent link refused on A', async () => {
      const olga = await person(a, 'olga@acme.test');
      const orgId = await organization(a, 'Acme', olga);
      expect((await olga.post(`/v1/orgs/${orgId}/invitations`, { email: 'ana@example.test', role: 'admin' })).status).toBe(201);
      const token = await mailedToken(a, 'ana@example.test');
      expect((await b.browser().get(`/v1/invitations/${token}`, { cookie: null })).body).toMatchObject({ organization: { id: orgId }, role: 'admin' });
      const ana = await person(a, 'ana@example.test');
      const anaOnB = b.browser({ ip: ana.ip, cookies: ana.cookies });
      expect((await anaOnB.post('/v1/invitations/accept', { token })).body).toMatchObject({ id: orgId, role: 'admin' });
      expect((await ana.post('/v1/invitations/accept', { token })).body.code).toBe('invitation_invalid');
      expect((await first.query('SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2', [orgId, ana.userId]))).toEqual([{ role: 'admin' }]);
    });
  });

  describe('what the instances share', () => {
    it('signing keys: a key rotated on A is in B’s JWKS within a second, and a token B mints verifies against A’s JWKS', async () => {
      await a.signUp('ada@example.com');
      const onB = b.browser({ cookies: a.cookies });
      const jwks = async (broker: TestBroker) => createLocalJWKSet((await broker.get('/.well-known/jwks.json')).body);
      const kids = async (broker: TestBroker) => ((await broker.get('/.well-known/jwks.json')).body.keys as Array<{ kid: string }>).map((k) => k.kid).sort();
      const mintOnB = async () => (await onB.post('/v1/session/token')).body.token as string;
      const verifyOnA = async (token: string) => (await jwtVerify(token, await jwks(a), { issuer: BROKER_URL, audience: APP_ORIGIN })).payload;

      const before = await mintOnB();
      expect(await verifyOnA(before)).toMatchObject({ iss: BROKER_URL });
      expect(await kids(b)).toEqual(await kids(a));

      // Planned: the next key is published now (it signs an hour later); B serves it once its JWKS is re-read.
      const next = await rotateSigningKey(a.deps);
      clock.advance(1_001);
      expect(await kids(b)).toContain(next);
      expect(await kids(b)).toEqual(await kids(a));

      // A leaked key: replaced at once on A; within a second B signs with the new key only, and A verifies it.
      const replacement = await rotateSigningKey(a.deps, { immediate: true });
      clock.advance(1_001);
      const after = await mintOnB();
      expect(decodeProtectedHeader(after).kid).toBe(replacement);
      expect(await verifyOnA(after)).toMatchObject({ iss: BROKER_URL });
      expect(await kids(b)).toEqual([replacement]);
      await expect(verifyOnA(before)).rejects.toThrow();
    });

    it('rate limits: an address’s budget spent on A is refused on B, and an account’s password backoff runs on across both', async () => {
      // Two more instances on the same database with a small per-address budget.
      const small = { ...config(), rateLimits: { perIp: { limit: 4, windowSeconds: 60 } } };
      const [tightA, tightB] = [testBroker(first, small), testBroker(second, small)];
      const flooder = '198.51.100.250';
      const identify = (broker: TestBroker) => broker.browser({ ip: flooder }).post('/v1/sign-in/identify', { email: 'ada@example.com' });
      for (const broker of [tightA, tightB, tightA, tightB]) expect((await identify(broker)).status).toBe(200);
      const refused = await identify(tightA);
      expect([refused.status, refused.body.code]).toEqual([429, 'rate_limited']);
      expect((await identify(tightB)).status).toBe(429);

      await a.signUp('ada@example.com', PASSWORD);
      // A stranger guessing from one address, each guess to another instance: three free, then a backoff of 1 s, then 2 s.
      const guess = (broker: TestBroker, i: number) => broker.browser({ ip: '198.51.100.251' }).post('/v1/sign-in/password', { email: 'ada@example.com', password: `guess number ${i}` });
      for (const [i, broker] of [a, b, a].entries()) expect((await guess(broker, i)).status).toBe(401);
      const backedOff = await guess(b, 3);
      expect([backedOff.status, backedOff.headers.get('retry-after')]).toEqual([429, '1']);
      clock.advance(1_000);
      expect((await guess(a, 4)).status).toBe(401);
      const longer = await guess(b, 5);
      expect([longer.status, longer.headers.get('retry-after')]).toEqual([429, '2']);
    });
  });
});
