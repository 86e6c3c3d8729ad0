import { decodeJwt } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { samlSignIn, startDevIdp, type DevIdp } from '@latchkey/dev-idp';
import { ADMIN_TOKEN, adminCall } from '../../test/admin.js';
import { appCode, enrolApp } from '../mfa/mfa.fixtures.js';
import { createPostgresStorage } from '../../storage/postgres.js';
import { APP_ORIGIN, BROKER_URL, rowCounts, storageKinds, testBroker, testClock, useTestBroker } from '../../test/harness.js';

/**
 * SAML end to end on the real broker against the real dev SAML IdP (samlify): the
 * connection made from the IdP's metadata URL, SP-initiated sign-in through identify,
 * the cross-site ACS POST (no cookies), the same-site finish, group → role mapping.
 */
describe.each(storageKinds)('SAML connections (%s)', (kind) => {
  let idp: DevIdp;
  /** The same dev IdP set to encrypt its assertions to the SP certificate of the SP's metadata. */
  let encryptingIdp: DevIdp;
  // The IdP reads the SP's metadata (certificates) from the broker, as an IdP admin loads it.
  const spMetadata = async (entityId: string) => (await ctx.broker.browser().get(new URL(entityId).pathname)).body as string;
  beforeAll(async () => {
    idp = await startDevIdp({ port: 0, brokerUrl: BROKER_URL, spMetadata });
    encryptingIdp = await startDevIdp({ port: 0, brokerUrl: BROKER_URL, spMetadata, saml: { encryptAssertions: true } });
  });
  afterAll(async () => {
    await idp.close();
    await encryptingIdp.close();
  });
  // The broker's clock is the IdP's (real time): node-saml and the dev IdP read the wall clock.
  const ctx = useTestBroker(kind, undefined, { adminToken: ADMIN_TOKEN, clock: testClock(Date.now()) });
  // One clock for the file: every test starts with it on the wall clock again.
  beforeEach(() => ctx.broker.clock.advance(Date.now() - ctx.broker.clock.now().getTime()));
  const admin = (method: string, path: string, json?: unknown) => adminCall(ctx.broker, method, path, json);

  async function globex(connection: Record<string, unknown> = {}) {
    const org = (await admin('POST', '/organizations', { name: 'Globex' })).body;
    await admin('POST', `/organizations/${org.id}/domains`, { domain: 'globex.test' });
    const created = await admin('POST', `/organizations/${org.id}/connections`, { type: 'saml', metadata_url: idp.saml.metadataUrl, group_roles: { admins: 'admin' }, ...connection });
    expect(created.status).toBe(201);
    return { org, connection: created.body };
  }

  /** The browser's whole trip: identify, the IdP's page, the IdP's form POST to the ACS (cross-site: no cookies), the finish. */
  async function signIn(browser: Pick<typeof ctx.broker, 'post' | 'call'> = ctx.broker, email = 'bo@globex.test', through = idp) {
    const step = (await browser.post('/v1/sign-in/identify', { email, resume_url: `${APP_ORIGIN}/sign-in` })).body;
    expect(step).toMatchObject({ step: 'sso-redirect', to: { kind: 'sso', name: 'Globex' } });
    const post = await samlSignIn(through, { authnRequestUrl: step.url, email, password: 'latchkey-dev' });
    const acs = await browser.call('POST', new URL(post.acsUrl).pathname, {
      cookie: null,
      headers: { origin: 'null', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ SAMLResponse: post.SAMLResponse }).toString(),
    });
    return { post, acs };
  }

  it('answers the IdP side: SP entity ID, ACS and metadata URL, and serves the SP metadata', async () => {
    const { connection } = await globex();
    expect(connection).toMatchObject({
      type: 'saml',
      entity_id: idp.saml.entityId,
      sp_entity_id: `${BROKER_URL}/v1/saml/${connection.id}/metadata`,
      acs_url: `${BROKER_URL}/v1/saml/${connection.id}/acs`,
      metadata_url: `${BROKER_URL}/v1/saml/${connection.id}/metadata`,
    });
    const metadata = await ctx.broker.get(`/v1/saml/${connection.id}/metadata`);
    expect(metadata.status).toBe(200);
    expect(metadata.headers.get('content-type')).toBe('application/samlmetadata+xml');
    expect(metadata.body).toContain(`entityID="${connection.sp_entity_id}"`);
    expect(metadata.body).toContain(`Location="${connection.acs_url}"`);
  });

  it('signs bo@globex.test in SP-initiated: the ACS sets no cookie, the finish in the starting browser opens the session in Globex as admin', async () => {
    const { org } = await globex();
    const { acs } = await signIn();
    expect(acs.status).toBe(303);
    expect(acs.setCookies).toEqual([]);
    expect(acs.headers.get('location')).toBe(`${BROKER_URL}/v1/saml/finish`);
    const finish = await ctx.broker.get('/v1/saml/finish');
    expect([finish.status, finish.headers.get('location')]).toEqual([303, `${APP_ORIGIN}/sign-in?lk_resume=1`]);
    const done = (await ctx.broker.get('/v1/sign-in/flow')).body;
    expect(done).toMatchObject({ step: 'done', user: { email: 'bo@globex.test' }, session: { org_id: org.id, amr: ['fed'] } });
    expect(done.session.factors[0]).toMatchObject({ method: 'saml', org: org.id });
    const claims = decodeJwt((await ctx.broker.post('/v1/session/token')).body.token);
    expect(claims).toMatchObject({ org_id: org.id, org_role: 'admin' });
  });

  it('never finishes in another browser (login CSRF), and refuses a replayed response', async () => {
    await globex();
    const { post, acs } = await signIn();
    expect(acs.status).toBe(303);
    // Another browser at the finish URL finds nothing.
    const other = ctx.broker.browser();
    expect((await other.get('/v1/saml/finish')).body.code).toBe('no_flow');
    // The same response posted again: refused, and the reason kept for the admins.
    const again = await other.call('POST', new URL(post.acsUrl).pathname, {
      cookie: null,
      headers: { origin: 'null', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ SAMLResponse: post.SAMLResponse }).toString(),
    });
    expect([again.status, again.body.code]).toEqual([400, 'saml_rejected']);
    const rejections = await ctx.storage.query<{ reason: string }>('SELECT reason FROM connection_rejections');
    expect(rejections.map((r) => r.reason)).toEqual(['in_response_to']);
    expect(await rowCounts(ctx.storage)).toMatchObject({ sessions: 0 });
  });

  /** The IdP's form POST to the ACS, as the browser sends it from the IdP's page: cross-site, no cookies. */
  const postToAcs = (browser: typeof ctx.broker | ReturnType<typeof ctx.broker.browser>, post: { acsUrl: string; SAMLResponse: string }) =>
    browser.call('POST', new URL(post.acsUrl).pathname, {
      cookie: null,
      headers: { origin: 'null', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ SAMLResponse: post.SAMLResponse }).toString(),
    });

  it('takes IdP-initiated sign-in only where the connection allows it, once per assertion', async () => {
    const { org, connection } = await globex();
    const launch = () => samlSignIn(idp, { spEntityId: connection.sp_entity_id, email: 'bo@globex.test', password: 'latchkey-dev' });
    const refused = await postToAcs(ctx.broker, await launch());
    expect([refused.status, refused.body.code]).toEqual([400, 'saml_rejected']);
    expect((await ctx.storage.query<{ reason: string }>('SELECT reason FROM connection_rejections')).map((r) => r.reason)).toEqual(['unsolicited']);

    await ctx.storage.query(`UPDATE connections SET idp_initiated = true`);
    const post = await launch();
    const acs = await postToAcs(ctx.broker, post);
    expect(acs.status).toBe(303);
    expect(acs.setCookies).toEqual([]);
    const location = new URL(acs.headers.get('location')!);
    expect(location.pathname).toBe('/v1/saml/finish');
    // Whichever browser follows it (none started it): a fresh one gets its binding there, and lands on the host's page.
    const browser = ctx.broker.browser();
    const finish = await browser.get(`${location.pathname}${location.search}`);
    expect([finish.status, finish.headers.get('location')]).toEqual([303, `${APP_ORIGIN}/?lk_resume=1`]);
    expect((await browser.get('/v1/sign-in/flow')).body).toMatchObject({ step: 'done', user: { email: 'bo@globex.test' }, session: { org_id: org.id } });
    // The reference is single-use, and the same assertion posted again is a replay.
    expect((await ctx.broker.browser().get(`${location.pathname}${location.search}`)).body.code).toBe('no_flow');
    const replay = await postToAcs(ctx.broker, post);
    expect([replay.status, replay.body.code]).toEqual([400, 'saml_rejected']);
    expect((await ctx.storage.query<{ reason: string }>('SELECT reason FROM connection_rejections ORDER BY reason')).map((r) => r.reason)).toEqual(['replay', 'unsolicited']);
  });

  it('signs its AuthnRequests where asked: RSA-SHA256 over the query, with the certificate in the SP metadata, verified by the IdP', async () => {
    const { connection } = await globex({ sign_requests: true });
    expect(connection).toMatchObject({ sign_requests: true, encrypt_assertions: false, sp_certificate: expect.stringMatching(/^MII[A-Za-z0-9+/=]+$/) });
    const metadata = (await ctx.broker.get(`/v1/saml/${connection.id}/metadata`)).body as string;
    expect(metadata).toContain('AuthnRequestsSigned="true"');
    expect(metadata).toMatch(/<KeyDescriptor use="signing">[\s\S]*<ds:X509Certificate>\s*MII/);
    const step = (await ctx.broker.post('/v1/sign-in/identify', { email: 'bo@globex.test', resume_url: `${APP_ORIGIN}/sign-in` })).body;
    const query = new URL(step.url).searchParams;
    expect(query.get('SigAlg')).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    expect(query.get('Signature')).toMatch(/^[A-Za-z0-9+/=]{300,}$/);
    // A request whose signature is not the SP's is refused by the IdP; the real one signs in.
    const forged = new URL(step.url);
    forged.searchParams.set('Signature', Buffer.alloc(256, 1).toString('base64'));
    await expect(samlSignIn(idp, { authnRequestUrl: forged.toString(), email: 'bo@globex.test', password: 'latchkey-dev' })).rejects.toThrow(/refused the sign-in \(400\)/);
    const post = await samlSignIn(idp, { authnRequestUrl: step.url, email: 'bo@globex.test', password: 'latchkey-dev' });
    expect((await postToAcs(ctx.broker, post)).status).toBe(303);
    expect((await ctx.broker.get('/v1/saml/finish')).status).toBe(303);
    expect((await ctx.broker.get('/v1/sign-in/flow')).body).toMatchObject({ step: 'done', user: { email: 'bo@globex.test' } });
    // Its key is sealed in the row, never stored in the clear.
    const [row] = await ctx.storage.query<{ sealed_secret: string; config: unknown }>('SELECT sealed_secret, config FROM connections');
    expect(row!.sealed_secret).toBeTruthy();
    expect(JSON.stringify(row)).not.toMatch(/PRIVATE KEY|"d":/);
  });

  it('takes encrypted assertions (AES-256-CBC, key by RSA-OAEP) and, with encrypt_assertions, nothing else', async () => {
    const { org, connection } = await globex({ encrypt_assertions: true, metadata_url: encryptingIdp.saml.metadataUrl });
    const metadata = (await ctx.broker.get(`/v1/saml/${connection.id}/metadata`)).body as string;
    expect(metadata).toMatch(/<KeyDescriptor use="encryption">/);
    expect(metadata).not.toContain('<KeyDescriptor use="signing">');
    const { post, acs } = await signIn(ctx.broker, 'bo@globex.test', encryptingIdp);
    const xml = Buffer.from(post.SAMLResponse, 'base64').toString('utf8');
    expect(xml).toMatch(/<saml:EncryptedAssertion[\s\S]*xmlenc#aes256-cbc[\s\S]*xmlenc#rsa-oaep-mgf1p/);
    expect(xml).not.toContain('bo@globex.test');
    expect(acs.status).toBe(303);
    expect((await ctx.broker.get('/v1/saml/finish')).status).toBe(303);
    expect((await ctx.broker.get('/v1/sign-in/flow')).body).toMatchObject({ step: 'done', user: { email: 'bo@globex.test' }, session: { org_id: org.id } });
    // The connection moved to an IdP that sends plaintext: refused at the ACS, and the admins read why.
    expect((await admin('PATCH', `/organizations/${org.id}/connections/${connection.id}`, { metadata_url: idp.saml.metadataUrl })).status).toBe(200);
    const plain = await signIn(ctx.broker.browser(), 'bo@globex.test', idp);
    expect(plain.acs.status).toBe(303);
    const rejections = await ctx.storage.query<{ reason: string }>('SELECT reason FROM connection_rejections');
    expect(rejections.map((r) => r.reason)).toEqual(['not_encrypted']);
    expect(await rowCounts(ctx.storage)).toMatchObject({ sessions: 1 });
  });

  it('lets the role follow the IdP’s groups at every sign-in where groups map to roles, and keeps an admin’s choice where none do', async () => {
    const { org, connection } = await globex();
    const roleOf = async () => (await ctx.storage.query<{ role: string }>('SELECT role FROM memberships'))[0]?.role;
    const signInAgain = async () => {
      const browser = ctx.broker.browser();
      expect((await signIn(browser)).acs.status).toBe(303);
      expect((await browser.get('/v1/saml/finish')).status).toBe(303);
    };
    await signInAgain();
    expect(await roleOf()).toBe('admin');
    const userId = (await ctx.storage.query<{ user_id: string }>('SELECT user_id FROM memberships'))[0]!.user_id;
    // An admin of the app demotes bo; bo is still in the IdP's admins group, and the IdP decides.
    expect((await admin('PUT', `/organizations/${org.id}/memberships/${userId}`, { role: 'member' })).status).toBe(200);
    await signInAgain();
    expect(await roleOf()).toBe('admin');
    // The IdP's admins group no longer maps to admin: bo is a member at the next sign-in (demoted by the IdP).
    expect((await admin('PATCH', `/organizations/${org.id}/connections/${connection.id}`, { group_roles: { 'globex-owners': 'admin' } })).status).toBe(200);
    await signInAgain();
    expect(await roleOf()).toBe('member');
    // No mapping at all: the role is the app's to manage, and a sign-in keeps it.
    expect((await admin('PATCH', `/organizations/${org.id}/connections/${connection.id}`, { group_roles: {} })).status).toBe(200);
    expect((await admin('PUT', `/organizations/${org.id}/memberships/${userId}`, { role: 'admin' })).status).toBe(200);
    await signInAgain();
    expect(await roleOf()).toBe('admin');
  });

  it('asks a user with an authenticator app for its code after a SAML sign-in too: MFA follows every first factor', async () => {
    const { org } = await globex();
    expect((await signIn()).acs.status).toBe(303);
    expect((await ctx.broker.get('/v1/saml/finish')).status).toBe(303);
    const { secret } = await enrolApp(ctx.broker);
    const browser = ctx.broker.browser();
    expect((await signIn(browser)).acs.status).toBe(303);
    expect((await browser.get('/v1/saml/finish')).status).toBe(303);
    const step = (await browser.get('/v1/sign-in/flow')).body;
    expect(step).toMatchObject({ step: 'mfa', methods: ['totp', 'recovery-code'] });
    expect(browser.cookies.has('lk_session')).toBe(false);
    const done = await browser.post('/v1/sign-in/mfa', { flow_id: step.flow_id, method: 'totp', code: appCode(ctx.broker, secret) });
    expect(done.body).toMatchObject({ step: 'done', user: { email: 'bo@globex.test' }, session: { amr: ['fed', 'otp', 'mfa'], org_id: org.id } });
  });

  describe('test connection: reports what the IdP sent and what was mapped, and signs nobody in', () => {
    /** The admin starts a test; the admin's browser signs in at the IdP, which posts to the ACS (a browser's POST: it asks for HTML). */
    async function runTest(org: { id: string }, connection: { id: string }, email = 'bo@globex.test') {
      const started = await admin('POST', `/organizations/${org.id}/connections/${connection.id}/tests`, {});
      expect(started.status).toBe(201);
      expect(started.body).toMatchObject({ id: expect.stringMatching(/^ctest_/), status: 'pending', url: expect.stringContaining(`${idp.saml.ssoUrl}?SAMLRequest=`) });
      expect((await admin('GET', `/organizations/${org.id}/connections/${connection.id}/tests/${started.body.id}`)).body).toMatchObject({ status: 'pending', report: null });
      const post = await samlSignIn(idp, { authnRequestUrl: started.body.url, email, password: 'latchkey-dev' });
      const tester = ctx.broker.browser();
      const acs = await tester.call('POST', new URL(post.acsUrl).pathname, {
        headers: { origin: 'null', accept: 'text/html,application/xhtml+xml', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ SAMLResponse: post.SAMLResponse }).toString(),
      });
      const report = (await admin('GET', `/organizations/${org.id}/connections/${connection.id}/tests/${started.body.id}`)).body;
      return { post, acs, tester, report, id: started.body.id as string };
    }

    it('passes for bo@globex.test: the IdP’s attributes, the mapped email, name, groups and role, and no session, user or membership', async () => {
      const { org, connection } = await globex();
      const { acs, tester, report, post, id } = await runTest(org, connection);
      expect(acs.status).toBe(200);
      expect(acs.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(acs.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; .*frame-ancestors 'none'$/);
      expect(acs.body).toContain('Connection test passed');
      expect(acs.body).toContain('bo@globex.test');
      expect(acs.setCookies).toEqual([]);
      expect(report).toMatchObject({
        id,
        status: 'passed',
        finished_at: expect.any(String),
        report: {
          status: 'passed',
          received: { issuer: idp.saml.entityId, name_id: 'bo@globex.test', name_id_format: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress', attributes: { email: ['bo@globex.test'], firstName: ['Bo'], groups: ['admins'] } },
          mapped: { email: 'bo@globex.test', name: expect.stringMatching(/^Bo /), groups: ['admins'], role: 'admin' },
          sign_in: { would_sign_in: true, reason: null },
        },
      });
      expect(tester.cookies.size).toBe(0);
      expect(await rowCounts(ctx.storage)).toMatchObject({ sessions: 0, users: 0, identities: 0 });
      expect(await ctx.storage.query('SELECT 1 FROM memberships')).toEqual([]);
      // The same response again: its request was taken; the report stays as it was.
      const again = await postToAcs(ctx.broker, post);
      expect([again.status, again.body.code]).toEqual([400, 'saml_rejected']);
      expect((await admin('GET', `/organizations/${org.id}/connections/${connection.id}/tests/${id}`)).body.report).toEqual(report.report);
    });

    it('works on a disabled connection, and says a sign-in would not pass (disabled; an address outside the domains)', async () => {
      const { org, connection } = await globex({ enabled: false });
      expect((await runTest(org, connection)).report.report.sign_in).toMatchObject({ would_sign_in: false, reason: 'disabled' });
      expect((await runTest(org, connection, 'ana@acme.test')).report.report).toMatchObject({ status: 'passed', sign_in: { would_sign_in: false, reason: 'not_linkable' } });
      // A sign-in (not a test) on the disabled connection never starts: identify does not send there.
      expect((await ctx.broker.post('/v1/sign-in/identify', { email: 'bo@globex.test', resume_url: `${APP_ORIGIN}/sign-in` })).body.step).not.toBe('sso-redirect');
    });

    it('fails with the reason and detail when the response is refused, and keeps the reference', async () => {
      const { org, connection } = await globex();
      // The connection now expects another IdP entity ID: the dev IdP's response names the wrong issuer.
      expect((await admin('PATCH', `/organizations/${org.id}/connections/${connection.id}`, { entity_id: 'https://idp.elsewhere.test/saml' })).status).toBe(200);
      const { acs, report } = await runTest(org, connection);
      expect(acs.status).toBe(200);
      expect(acs.body).toContain('Connection test failed');
      expect(report.report).toMatchObject({ status: 'failed', sign_in: { would_sign_in: false }, rejection: { reason: 'issuer', detail: expect.stringContaining('idp.elsewhere.test'), reference: expect.stringMatching(/^rej_/) } });
      const rejections = (await admin('GET', `/organizations/${org.id}/connections/${connection.id}/rejections`)).body.data;
      expect(rejections.map((r: { reference: string }) => r.reference)).toEqual([report.report.rejection.reference]);
    });

    it('finds no test of another connection, and none after a day', async () => {
      const { org, connection } = await globex();
      const started = (await admin('POST', `/organizations/${org.id}/connections/${connection.id}/tests`, {})).body;
      const other = (await admin('POST', `/organizations/${org.id}/connections`, { type: 'saml', metadata_url: idp.saml.metadataUrl })).body;
      expect((await admin('GET', `/organizations/${org.id}/connections/${other.id}/tests/${started.id}`)).status).toBe(404);
      ctx.broker.clock.advance(24 * 3_600_000 + 1);
      expect((await admin('GET', `/organizations/${org.id}/connections/${connection.id}/tests/${started.id}`)).status).toBe(404);
    });
  });

  it('shows a person’s browser a page, not JSON, for a refusal no sign-in can hear of: the reference, in their language', async () => {
    const { connection } = await globex();
    const post = await samlSignIn(idp, { spEntityId: connection.sp_entity_id, email: 'bo@globex.test', password: 'latchkey-dev' });
    const acs = await ctx.broker.call('POST', new URL(post.acsUrl).pathname, {
      cookie: null,
      headers: { origin: 'null', accept: 'text/html', 'accept-language': 'fr-CH, de;q=0.8, en;q=0.5', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ SAMLResponse: post.SAMLResponse }).toString(),
    });
    expect([acs.status, acs.headers.get('content-type'), acs.setCookies]).toEqual([400, 'text/html; charset=utf-8', []]);
    expect(acs.body).toContain('<html lang="de" dir="ltr">');
    expect(acs.body).toContain('Anmeldung fehlgeschlagen');
    const [rejection] = await ctx.storage.query<{ reference: string; reason: string }>('SELECT reference, reason FROM connection_rejections');
    expect(acs.body).toContain(`<code>${rejection!.reference}</code>`);
    // The reason stays on the broker.
    expect(acs.body).not.toContain(rejection!.reason);
  });

  it('finishes on another instance of the same database what one instance started: the ACS and the finish there', async () => {
    const { org } = await globex();
    const step = (await ctx.broker.post('/v1/sign-in/identify', { email: 'bo@globex.test', resume_url: `${APP_ORIGIN}/sign-in` })).body;
    const post = await samlSignIn(idp, { authnRequestUrl: step.url, email: 'bo@globex.test', password: 'latchkey-dev' });
    // Another broker with its own pool on the same database (on PGlite, one process: the same storage).
    const schema = (await ctx.storage.query<{ s: string }>('SELECT current_schema() AS s'))[0]!.s;
    const second = kind === 'postgres' ? await createPostgresStorage({ connectionString: process.env.TEST_DATABASE_URL!, schema, max: 2 }) : ctx.storage;
    try {
      const other = testBroker(second, { adminToken: ADMIN_TOKEN, clock: ctx.broker.clock });
      // The same browser: its cookies go with it to whichever instance the load balancer picks.
      for (const [name, value] of ctx.broker.cookies) other.cookies.set(name, value);
      expect((await postToAcs(other, post)).status).toBe(303);
      expect((await other.get('/v1/saml/finish')).status).toBe(303);
      expect((await other.get('/v1/sign-in/flow')).body).toMatchObject({ step: 'done', user: { email: 'bo@globex.test' }, session: { org_id: org.id } });
    } finally {
      if (second !== ctx.storage) await second.close();
    }
  });
});
