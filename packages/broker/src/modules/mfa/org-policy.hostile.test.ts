import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, adminCall } from '../../test/admin.js';
import type { FakeIdpUser } from '../../test/fake-idp.js';
import { APP_ORIGIN, rowCounts, storageKinds, type TestBroker } from '../../test/harness.js';
import { githubProvider, tripTo, useOAuthBroker } from '../oauth/oauth.fixtures.js';
import { appCode, enrolApp, PASSWORD } from './mfa.fixtures.js';

type Browser = Pick<TestBroker, 'post' | 'get' | 'call' | 'cookies'>;
const SECRET = 'acme-client-secret-0123456789abcdef';
const ANA: FakeIdpUser = { sub: 'ana-1', email: 'ana@acme.test', email_verified: true, name: 'Ana' };

/**
 * An organization's "MFA required" under attack, end to end on the real broker
 * (and a fake IdP for the federated first factors): every first factor of a
 * member without a second factor ends in `mfa-enroll` with no session; the
 * enrolment is this browser's, counts its wrong codes and is taken once; a
 * member's last factor stays; the IdP's MFA counts only where trusted.
 */
describe.each(storageKinds)('organization MFA under attack on %s', (kind) => {
  const ctx = useOAuthBroker(kind, (idp) => [githubProvider(idp)], { adminToken: ADMIN_TOKEN });
  const admin = (method: string, path: string, json?: unknown) => adminCall(ctx.broker, method, path, json);

  /** Acme: verified domain acme.test, "MFA required" (unless told), and an OIDC connection to the fake IdP with `connection`'s fields. */
  async function acme(requireMfa = true, connection: Record<string, unknown> = {}) {
    const org = await admin('POST', '/organizations', { name: 'Acme', require_mfa: requireMfa });
    expect([org.status, org.body.require_mfa]).toEqual([201, requireMfa]);
    expect((await admin('POST', `/organizations/${org.body.id}/domains`, { domain: 'acme.test' })).status).toBe(201);
    const con = await admin('POST', `/organizations/${org.body.id}/connections`, { type: 'oidc', issuer: ctx.idp.issuer, client_id: ctx.idp.clientId, client_secret: SECRET, ...connection });
    expect(con.status).toBe(201);
    return { id: org.body.id as string, connection: con.body as { id: string } };
  }

  /** Signs `email` up (in the broker's own browser, then signs out of nothing: the account is all we need) and makes them a member of `orgId`. */
  async function member(orgId: string, email = 'ada@example.test') {
    await ctx.broker.signUp(email);
    const [user] = await ctx.storage.query<{ id: string }>(`SELECT id FROM users WHERE email = $1`, [email]);
    expect((await admin('PUT', `/organizations/${orgId}/memberships/${user!.id}`, { role: 'member' })).status).toBe(200);
    return user!.id;
  }

  /** The answer carries no session: no cookie set, and no token to be had in that browser. */
  async function expectNoSession(browser: Browser, answer: { setCookies: string[] }) {
    expect(answer.setCookies.some((c) => c.startsWith('lk_session='))).toBe(false);
    expect((await browser.post('/v1/session/token')).status).toBe(401);
  }

  /** Sends the browser through the OIDC connection for `email` as `user`; answers the step the page finds on its return. */
  async function ssoSignIn(browser: Browser, email: string, user = ANA) {
    const started = await browser.post('/v1/sign-in/identify', { email, resume_url: `${APP_ORIGIN}/sign-in` });
    expect(started.body.step).toBe('sso-redirect');
    ctx.idp.state.user = user;
    const back = await browser.get(ctx.idp.authorize(started.body.url));
    expect(back.status).toBe(303);
    return browser.get('/v1/sign-in/flow');
  }

  it('ends a password, an emailed code, a social and an OIDC sign-in of a member without MFA in mfa-enroll, with no session before it', async () => {
    const b = ctx.broker;
    const org = await acme();
    await member(org.id);
    const sessions = (await rowCounts(ctx.storage)).sessions;

    const byPassword = b.browser({ ip: '198.51.100.81' });
    const pwd = await byPassword.post('/v1/sign-in/password', { email: 'ada@example.test', password: PASSWORD });
    expect(pwd.body).toMatchObject({ step: 'mfa-enroll', organization: 'Acme', secret: expect.stringMatching(/^[A-Z2-7]{32}$/), attempts_left: 5 });
    expect(pwd.body.uri).toMatch(/^otpauth:\/\/totp\//);
    await expectNoSession(byPassword, pwd);

    const byCode = b.browser({ ip: '198.51.100.82' });
    const started = await byCode.post('/v1/sign-in/email-code', { email: 'ada@example.test' });
    const code = await byCode.post('/v1/sign-in/email-code/verify', { flow_id: started.body.flow_id, code: await b.lastCode('ada@example.test') });
    expect(code.body).toMatchObject({ step: 'mfa-enroll', organization: 'Acme' });
    await expectNoSession(byCode, code);

    // Social: the account made by DevHub is then made a member; its next sign-in must enrol.
    const first = b.browser({ ip: '198.51.100.83' });
    ctx.idp.state.user = { sub: 'cy-1', email: 'cy@devhub.test', email_verified: true, name: 'Cy' };
    const { callback } = await tripTo(ctx, first, 'devhub', { resume_url: `${APP_ORIGIN}/sign-in` });
    await first.get(callback);
    expect((await first.get('/v1/sign-in/flow')).body.step).toBe('done');
    const [cy] = await ctx.storage.query<{ id: string }>(`SELECT id FROM users WHERE email = 'cy@devhub.test'`);
    await admin('PUT', `/organizations/${org.id}/memberships/${cy!.id}`, { role: 'member' });
    const social = b.browser({ ip: '198.51.100.84' });
    await social.get((await tripTo(ctx, social, 'devhub', { resume_url: `${APP_ORIGIN}/sign-in` })).callback);
    const socialStep = await social.get('/v1/sign-in/flow');
    expect(socialStep.body).toMatchObject({ step: 'mfa-enroll', organization: 'Acme' });
    expect((await social.post('/v1/session/token')).status).toBe(401);

    // OIDC through Acme's own connection: JIT membership, then the same step.
    const oidc = b.browser({ ip: '198.51.100.85' });
    const oidcStep = await ssoSignIn(oidc, 'ana@acme.test');
    expect(oidcStep.body).toMatchObject({ step: 'mfa-enroll', organization: 'Acme' });
    expect((await oidc.post('/v1/session/token')).status).toBe(401);

    // Only the DevHub sign-in before the membership opened a session.
    expect((await rowCounts(ctx.storage)).sessions).toBe(sessions + 1);
  });

  it("gives each sign-in its own key, which no other sign-in's code confirms", async () => {
    const b = ctx.broker;
    const org = await acme();
    await member(org.id);
    const browser = b.browser({ ip: '198.51.100.86' });
    const one = (await browser.post('/v1/sign-in/password', { email: 'ada@example.test', password: PASSWORD })).body;
    const two = (await browser.post('/v1/sign-in/password', { email: 'ada@example.test', password: PASSWORD })).body;
    expect(two.secret).not.toBe(one.secret);
    expect((await browser.post('/v1/sign-in/mfa/enroll', { flow_id: two.flow_id, code: appCode(b, one.secret) })).body.code).toBe('invalid_code');
    expect((await browser.post('/v1/sign-in/mfa/enroll', { flow_id: two.flow_id, code: appCode(b, two.secret) })).body.step).toBe('done');
    // The app holds the key that was shown for the sign-in it confirmed.
    b.clock.advance(30_000);
    const later = b.browser({ ip: '198.51.100.102' });
    const again = await later.post('/v1/sign-in/password', { email: 'ada@example.test', password: PASSWORD });
    expect(again.body.step).toBe('mfa');
    expect((await later.post('/v1/sign-in/mfa', { flow_id: again.body.flow_id, method: 'totp', code: appCode(b, two.secret) })).body.step).toBe('done');
  });

  it('enrols once of fifty parallel right confirmations: one app, one batch of recovery codes, one session', async () => {
    const b = ctx.broker;
    const org = await acme();
    await member(org.id);
    const browser = b.browser({ ip: '198.51.100.87' });
    const step = (await browser.post('/v1/sign-in/password', { email: 'ada@example.test', password: PASSWORD })).body;
    const before = await rowCounts(ctx.storage);
    const answers = await Promise.all(Array.from({ length: 50 }, () => browser.post('/v1/sign-in/mfa/enroll', { flow_id: step.flow_id, code: appCode(b, step.secret) })));
    const done = answers.filter((a) => a.body.step === 'done');
    expect(done).toHaveLength(1);
    expect(done[0]!.body.recovery_codes).toHaveLength(10);
    expect(done[0]!.body.session.amr).toEqual(['pwd', 'otp', 'mfa']);
    for (const answer of answers.filter((a) => a.body.step !== 'done')) expect(['code_expired', 'invalid_request', 'invalid_code', 'rate_limited']).toContain(answer.body.code);
    expect((await rowCounts(ctx.storage)).sessions).toBe(before.sessions + 1);
    expect((await ctx.storage.query(`SELECT 1 FROM totp_factors`)).length).toBe(1);
    expect((await ctx.storage.query(`SELECT 1 FROM recovery_codes`)).length).toBe(10);
    const token = decodeJwt((await browser.post('/v1/session/token')).body.token);
    expect(token.amr).toContain('mfa');
  });

  it('counts exactly five of fifty parallel wrong codes on the pending sign-in, and enrols nothing', async () => {
    const b = ctx.broker;
    const org = await acme();
    await member(org.id);
    const browser = b.browser({ ip: '198.51.100.88' });
    const step = (await browser.post('/v1/sign-in/password', { email: 'ada@example.test', password: PASSWORD })).body;
    const wrong = appCode(b, step.secret, 7);
    const answers = await Promise.all(Array.from({ length: 50 }, () => browser.post('/v1/sign-in/mfa/enroll', { flow_id: step.flow_id, code: wrong })));
    const [row] = await ctx.storage.query<{ attempts: number }>(`SELECT attempts FROM flows WHERE id = $1`, [step.flow_id]);
    expect(row!.attempts).toBe(5);
    for (const answer of answers) expect(['invalid_code', 'too_many_attempts', 'rate_limited']).toContain(answer.body.code);
    expect(answers.filter((a) => a.body.code === 'invalid_code')[0]?.body.attempts_left).toBeGreaterThanOrEqual(0);
    expect((await browser.post('/v1/sign-in/mfa/enroll', { flow_id: step.flow_id, code: appCode(b, step.secret) })).body.code).toBe('too_many_attempts');
    expect((await ctx.storage.query(`SELECT 1 FROM totp_factors`)).length).toBe(0);
    expect((await ctx.storage.query(`SELECT 1 FROM recovery_codes`)).length).toBe(0);
  });

  it("refuses another browser's enrolment with the right code, and the owner still enrols", async () => {
    const b = ctx.broker;
    const org = await acme();
    await member(org.id);
    const owner = b.browser({ ip: '198.51.100.89' });
    const step = (await owner.post('/v1/sign-in/password', { email: 'ada@example.test', password: PASSWORD })).body;
    const mallory = b.browser({ ip: '198.51.100.90' });
    const stolen = await mallory.post('/v1/sign-in/mfa/enroll', { flow_id: step.flow_id, code: appCode(b, step.secret) });
    expect(stolen.body.code).toBe('code_expired');
    expect((await mallory.post('/v1/session/token')).status).toBe(401);
    expect((await ctx.storage.query(`SELECT 1 FROM totp_factors`)).length).toBe(0);
    const mine = await owner.post('/v1/sign-in/mfa/enroll', { flow_id: step.flow_id, code: appCode(b, step.secret) });
    expect(mine.body.step).toBe('done');
  });

  it('refuses an enrolment the sign-in was not asked for (no policy, or an app already)', async () => {
    const b = ctx.broker;
    await acme(false);
    await b.signUp('ada@example.test');
    const browser = b.browser({ ip: '198.51.100.91' });
    const step = await browser.post('/v1/sign-in/password', { email: 'ada@example.test', password: PASSWORD });
    expect(step.body.step).toBe('done');
    const other = b.browser({ ip: '198.51.100.92' });
    const started = await other.post('/v1/sign-in/email-code', { email: 'nobody@example.test' });
    const forged = await other.post('/v1/sign-in/mfa/enroll', { flow_id: started.body.flow_id, code: '123456' });
    expect(forged.body.code).toBe('code_expired');
    expect((await ctx.storage.query(`SELECT 1 FROM totp_factors`)).length).toBe(0);
  });

  it('asks a member who has an app for it (mfa), never to enrol again', async () => {
    const b = ctx.broker;
    const org = await acme();
    await member(org.id);
    await adminCall(b, 'PATCH', `/organizations/${org.id}`, { require_mfa: false });
    await enrolApp(b);
    await adminCall(b, 'PATCH', `/organizations/${org.id}`, { require_mfa: true });
    const browser = b.browser({ ip: '198.51.100.93' });
    const step = await browser.post('/v1/sign-in/password', { email: 'ada@example.test', password: PASSWORD });
    expect(step.body).toMatchObject({ step: 'mfa', methods: ['totp', 'recovery-code'] });
  });

  it("refuses removing the last factor of a member of an organization that requires MFA, and keeps regenerating codes allowed", async () => {
    const b = ctx.broker;
    const org = await acme();
    await member(org.id);
    const browser = b.browser({ ip: '198.51.100.94' });
    const step = (await browser.post('/v1/sign-in/password', { email: 'ada@example.test', password: PASSWORD })).body;
    const done = await browser.post('/v1/sign-in/mfa/enroll', { flow_id: step.flow_id, code: appCode(b, step.secret) });
    expect(done.body.step).toBe('done');
    const [factor] = await ctx.storage.query<{ id: string }>(`SELECT id FROM totp_factors`);
    const refused = await browser.call('DELETE', `/v1/mfa/totp/${factor!.id}`);
    expect([refused.status, refused.body.code, refused.body.type]).toEqual([409, 'mfa_required', 'urn:latchkey:problem:mfa_required']);
    expect((await ctx.storage.query(`SELECT 1 FROM totp_factors`)).length).toBe(1);
    expect((await ctx.storage.query(`SELECT 1 FROM recovery_codes`)).length).toBe(10);
    expect((await browser.post('/v1/mfa/recovery-codes')).status).toBe(201);
    // Once the organization no longer requires it, the app can go.
    await admin('PATCH', `/organizations/${org.id}`, { require_mfa: false });
    expect((await browser.call('DELETE', `/v1/mfa/totp/${factor!.id}`)).status).toBe(204);
  });

  it("does not trust the IdP's MFA by default: amr mfa from the IdP still enrols", async () => {
    await acme();
    ctx.idp.state.idTokenClaims = { amr: ['pwd', 'mfa'], acr: 'urn:acme:mfa' };
    const browser = ctx.broker.browser({ ip: '198.51.100.95' });
    const step = await ssoSignIn(browser, 'ana@acme.test');
    expect(step.body).toMatchObject({ step: 'mfa-enroll' });
  });

  it("trusts the IdP's MFA only with a matching amr or acr once turned on, and says mfa in amr then", async () => {
    const org = await acme(true, { trust_idp_mfa: true, idp_mfa_acr: ['urn:acme:mfa'] });
    expect((await admin('GET', `/organizations/${org.id}/connections/${org.connection.id}`)).body).toMatchObject({ trust_idp_mfa: true, idp_mfa_amr: ['mfa'], idp_mfa_acr: ['urn:acme:mfa'] });

    ctx.idp.state.idTokenClaims = { amr: ['pwd'] };
    expect((await ssoSignIn(ctx.broker.browser({ ip: '198.51.100.96' }), 'ana@acme.test')).body.step).toBe('mfa-enroll');
    ctx.idp.state.idTokenClaims = { amr: 'mfa' };
    expect((await ssoSignIn(ctx.broker.browser({ ip: '198.51.100.97' }), 'ana@acme.test')).body.step).toBe('mfa-enroll');

    ctx.idp.state.idTokenClaims = { amr: ['pwd', 'mfa'] };
    const byAmr = await ssoSignIn(ctx.broker.browser({ ip: '198.51.100.98' }), 'ana@acme.test');
    expect(byAmr.body.step).toBe('done');
    expect(byAmr.body.session.amr).toEqual(['fed', 'mfa']);
    expect(byAmr.body.session.factors[0]).toMatchObject({ method: 'oidc', idp_mfa: true });

    ctx.idp.state.idTokenClaims = { acr: 'urn:acme:mfa' };
    expect((await ssoSignIn(ctx.broker.browser({ ip: '198.51.100.99' }), 'ana@acme.test')).body.step).toBe('done');

    // Turned off again: the same claims no longer count.
    expect((await admin('PATCH', `/organizations/${org.id}/connections/${org.connection.id}`, { trust_idp_mfa: false })).body.trust_idp_mfa).toBe(false);
    expect((await ssoSignIn(ctx.broker.browser({ ip: '198.51.100.100' }), 'ana@acme.test')).body.step).toBe('mfa-enroll');
  });

  it("asks a user with an app for it after a federated sign-in whose IdP said mfa, while trust is off", async () => {
    const b = ctx.broker;
    await acme(false);
    ctx.idp.state.idTokenClaims = { amr: ['mfa'] };
    expect((await ssoSignIn(b, 'ana@acme.test')).body.step).toBe('done');
    await enrolApp(b);
    const step = await ssoSignIn(b.browser({ ip: '198.51.100.101' }), 'ana@acme.test');
    expect(step.body).toMatchObject({ step: 'mfa', methods: ['totp', 'recovery-code'] });
  });
});
