import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createAcme } from '../../test/admin.js';
import { APP_ORIGIN, rowCounts, storageKinds, useTestBroker, type StorageKind, type TestBroker } from '../../test/harness.js';
import { addPasskey, PASSKEY_METHODS, signInWithPasskey, signUpWithPasskey, SoftAuthenticator } from '../../test/passkeys.js';
import { githubProvider, tripTo, useOAuthBroker } from '../oauth/oauth.fixtures.js';
import { appCode, enrolApp, PASSWORD, passwordFirst, userWithTotp, waitingForSecondFactor } from './mfa.fixtures.js';

const EMAIL = 'ada@example.test';
const cookieNames = (setCookies: string[]) => setCookies.map((c) => c.split('=')[0]);

describe.each(storageKinds)('MFA on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind);

  it('enrols an authenticator app: a sealed secret and its otpauth URI, a wrong code counted, the first right code confirms and answers ten recovery codes', async () => {
    const b = t.broker;
    await b.signUp(EMAIL, PASSWORD);
    expect((await b.get('/v1/mfa')).body).toEqual({ factors: [], recovery_codes: { remaining: 0, created_at: null }, passkeys: 0 });

    const enrollment = await b.post('/v1/mfa/totp');
    expect(enrollment.status).toBe(200);
    expect(enrollment.headers.get('cache-control')).toBe('no-store');
    const { secret, uri, enrollment_id, expires_at } = enrollment.body;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(uri).toBe(`otpauth://totp/Latchkey:ada%40example.test?secret=${secret}&issuer=Latchkey&algorithm=SHA1&digits=6&period=30`);
    expect(expires_at).toBe(new Date(b.clock.now().getTime() + 600_000).toISOString());
    // Only sealed at rest.
    const [flow] = await t.storage.query<{ data: { sealed_secret: string } }>(`SELECT data FROM flows WHERE id = $1`, [enrollment_id]);
    expect(flow!.data.sealed_secret).toMatch(/^v1\./);
    expect(JSON.stringify(flow)).not.toContain(secret);

    const wrong = await b.post('/v1/mfa/totp/confirm', { enrollment_id, code: appCode(b, secret, 3) });
    expect([wrong.status, wrong.body.code, wrong.body.attempts_left]).toEqual([400, 'invalid_code', 4]);

    const confirmed = await b.post('/v1/mfa/totp/confirm', { enrollment_id, code: appCode(b, secret) });
    expect(confirmed.status).toBe(201);
    expect(confirmed.body.factor).toEqual({ id: expect.stringMatching(/^totp_/), type: 'totp', created_at: b.clock.now().toISOString(), last_used_at: b.clock.now().toISOString() });
    expect(confirmed.body.recovery_codes).toHaveLength(10);
    for (const code of confirmed.body.recovery_codes) expect(code).toMatch(/^[a-hjkmnp-z2-9]{5}-[a-hjkmnp-z2-9]{5}$/);
    expect(new Set(confirmed.body.recovery_codes).size).toBe(10);
    const [factor] = await t.storage.query<{ sealed_secret: string }>(`SELECT sealed_secret FROM totp_factors`);
    expect(factor!.sealed_secret).not.toContain(secret);
    const stored = await t.storage.query<{ code_hash: string }>(`SELECT code_hash FROM recovery_codes`);
    expect(stored.map((r) => r.code_hash).join()).not.toContain(confirmed.body.recovery_codes[0].replace('-', ''));

    // The enrolment is used up; a second app is refused while one is set up.
    expect((await b.post('/v1/mfa/totp/confirm', { enrollment_id, code: appCode(b, secret) })).body.code).toBe('code_expired');
    expect((await b.post('/v1/mfa/totp')).body.code).toBe('invalid_request');
    expect((await b.get('/v1/mfa')).body).toEqual({ factors: [confirmed.body.factor], recovery_codes: { remaining: 10, created_at: b.clock.now().toISOString() }, passkeys: 0 });
  });

  it('signs in with a password, then the app: no session and no token between the factors, then amr pwd+otp at AAL2', async () => {
    const b = t.broker;
    const { secret } = await userWithTotp(b);
    const browser = b.browser({ ip: '198.51.100.20' });
    const first = await passwordFirst(browser);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ step: 'mfa', flow_id: expect.stringMatching(/^flw_/), methods: ['totp', 'recovery-code'], attempts_left: 5 });
    expect(cookieNames(first.setCookies)).toEqual(['lk_flow']);
    const sessions = (await rowCounts(t.storage)).sessions;

    // Between the factors: no session cookie, so no token, whatever the browser asks.
    const token = await browser.post('/v1/session/token');
    expect([token.status, token.body.code]).toEqual([401, 'unauthenticated']);
    expect((await browser.get('/v1/session')).body).toEqual({ user: null });

    const done = await browser.post('/v1/sign-in/mfa', { flow_id: first.body.flow_id, method: 'totp', code: appCode(b, secret) });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ step: 'done', user: { email: EMAIL }, session: { amr: ['pwd', 'otp', 'mfa'], aal: 2 } });
    expect(cookieNames(done.setCookies)).toContain('lk_session');
    expect((await rowCounts(t.storage)).sessions).toBe(sessions + 1);
    expect((await browser.post('/v1/session/token')).status).toBe(200);
    // The pending sign-in is done: answering it again finds nothing.
    expect((await browser.post('/v1/sign-in/mfa', { flow_id: first.body.flow_id, method: 'totp', code: appCode(b, secret, 1) })).body.code).toBe('code_expired');
  });

  it('takes a recovery code once, typed in any case with spaces, and refuses it the second time', async () => {
    const b = t.broker;
    const { recoveryCodes } = await userWithTotp(b);
    const browser = b.browser({ ip: '198.51.100.21' });
    const typed = recoveryCodes[3]!.toUpperCase().replace('-', ' ');
    const done = await browser.post('/v1/sign-in/mfa', { flow_id: (await passwordFirst(browser)).body.flow_id, method: 'recovery-code', code: typed });
    expect(done.body).toMatchObject({ step: 'done', session: { amr: ['pwd', 'rc', 'mfa'], aal: 2 } });
    expect((await b.get('/v1/mfa')).body.recovery_codes.remaining).toBe(9);

    const again = b.browser({ ip: '198.51.100.22' });
    const refused = await again.post('/v1/sign-in/mfa', { flow_id: (await passwordFirst(again)).body.flow_id, method: 'recovery-code', code: recoveryCodes[3] });
    expect([refused.status, refused.body.code, refused.body.attempts_left]).toEqual([400, 'invalid_code', 4]);
  });

  it('never takes a TOTP code twice, nor one older than a code taken, and takes the next step\'s', async () => {
    const b = t.broker;
    const { secret } = await userWithTotp(b);
    const code = appCode(b, secret);
    const one = b.browser({ ip: '198.51.100.23' });
    expect((await one.post('/v1/sign-in/mfa', { flow_id: (await passwordFirst(one)).body.flow_id, method: 'totp', code })).body.step).toBe('done');

    const two = b.browser({ ip: '198.51.100.24' });
    const flowId = (await passwordFirst(two)).body.flow_id;
    const replayed = await two.post('/v1/sign-in/mfa', { flow_id: flowId, method: 'totp', code });
    expect([replayed.status, replayed.body.code, replayed.body.attempts_left]).toEqual([400, 'invalid_code', 4]);
    // The step before is still within the drift, but older than the code taken.
    expect((await two.post('/v1/sign-in/mfa', { flow_id: flowId, method: 'totp', code: appCode(b, secret, -1) })).body.code).toBe('invalid_code');
    b.clock.advance(30_000);
    const next = await two.post('/v1/sign-in/mfa', { flow_id: flowId, method: 'totp', code: appCode(b, secret) });
    expect(next.body).toMatchObject({ step: 'done', session: { amr: ['pwd', 'otp', 'mfa'] } });
  });

  it('refuses the second factor from another browser, and the pending sign-in still answers its own', async () => {
    const b = t.broker;
    const { secret, browser: mine, flowId } = await waitingForSecondFactor(b, '198.51.100.25');
    const stranger = b.browser({ ip: '198.51.100.26' });
    const refused = await stranger.post('/v1/sign-in/mfa', { flow_id: flowId, method: 'totp', code: appCode(b, secret) });
    expect([refused.status, refused.body.code]).toEqual([400, 'code_expired']);
    expect(cookieNames(refused.setCookies)).not.toContain('lk_session');
    expect((await mine.post('/v1/sign-in/mfa', { flow_id: flowId, method: 'totp', code: appCode(b, secret) })).body.step).toBe('done');
  });

  it('kills the pending sign-in after five wrong codes: the right one is then refused too', async () => {
    const b = t.broker;
    const { secret, browser, flowId } = await waitingForSecondFactor(b, '198.51.100.27');
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push((await browser.post('/v1/sign-in/mfa', { flow_id: flowId, method: 'totp', code: appCode(b, secret, 5) })).body);
    expect(answers.map((a) => [a.code, a.attempts_left])).toEqual([['invalid_code', 4], ['invalid_code', 3], ['invalid_code', 2], ['invalid_code', 1], ['too_many_attempts', undefined]]);
    const right = await browser.post('/v1/sign-in/mfa', { flow_id: flowId, method: 'totp', code: appCode(b, secret) });
    expect([right.status, right.body.code]).toEqual([400, 'too_many_attempts']);
    expect(cookieNames(right.setCookies)).not.toContain('lk_session');
  });

  it('asks for the second factor after an emailed code too (amr email+otp)', async () => {
    const b = t.broker;
    const { secret } = await userWithTotp(b);
    const browser = b.browser({ ip: '198.51.100.28' });
    const started = await browser.post('/v1/sign-in/email-code', { email: EMAIL });
    const step = await browser.post('/v1/sign-in/email-code/verify', { flow_id: started.body.flow_id, code: await b.lastCode(EMAIL) });
    expect(step.body).toMatchObject({ step: 'mfa', methods: ['totp', 'recovery-code'] });
    expect(cookieNames(step.setCookies)).not.toContain('lk_session');
    const done = await browser.post('/v1/sign-in/mfa', { flow_id: step.body.flow_id, method: 'totp', code: appCode(b, secret) });
    expect(done.body).toMatchObject({ step: 'done', session: { amr: ['email', 'otp', 'mfa'] } });
  });

  it('regenerates recovery codes (the old ones stop working), and removing the app ends MFA and its codes', async () => {
    const b = t.broker;
    const { recoveryCodes, factorId } = await userWithTotp(b);
    const fresh = await b.post('/v1/mfa/recovery-codes');
    expect(fresh.status).toBe(201);
    expect(fresh.body).toEqual({ codes: expect.any(Array), created_at: b.clock.now().toISOString() });
    expect(fresh.body.codes).toHaveLength(10);
    const browser = b.browser({ ip: '198.51.100.29' });
    const flowId = (await passwordFirst(browser)).body.flow_id;
    expect((await browser.post('/v1/sign-in/mfa', { flow_id: flowId, method: 'recovery-code', code: recoveryCodes[0] })).body.code).toBe('invalid_code');
    expect((await browser.post('/v1/sign-in/mfa', { flow_id: flowId, method: 'recovery-code', code: fresh.body.codes[0] })).body.step).toBe('done');

    expect((await b.call('DELETE', '/v1/mfa/totp/totp_nope')).status).toBe(404);
    expect((await b.call('DELETE', '/v1/mfa/totp/../mfa')).status).toBe(404);
    expect((await b.call('DELETE', `/v1/mfa/totp/${factorId}`)).status).toBe(204);
    expect((await b.get('/v1/mfa')).body).toEqual({ factors: [], recovery_codes: { remaining: 0, created_at: null }, passkeys: 0 });
    const after = b.browser({ ip: '198.51.100.30' });
    expect((await passwordFirst(after)).body).toMatchObject({ step: 'done', session: { amr: ['pwd'] } });
  });

  it('keeps the account routes to a signed-in browser on a trusted Origin, and refuses bad input with a 4xx', async () => {
    const b = t.broker;
    await userWithTotp(b);
    const stranger = b.browser({ ip: '198.51.100.31' });
    for (const [method, path] of [['GET', '/v1/mfa'], ['POST', '/v1/mfa/totp'], ['POST', '/v1/mfa/recovery-codes'], ['DELETE', '/v1/mfa/totp/totp_x']] as const) {
      expect((await stranger.call(method, path, method === 'POST' ? { json: {} } : {})).status).toBe(401);
    }
    expect((await b.post('/v1/mfa/recovery-codes', {}, { headers: { origin: 'https://evil.example' } })).status).toBe(403);
    expect((await b.post('/v1/mfa/totp/confirm', { enrollment_id: 'flw_x', code: 'abcdef' })).body.code).toBe('invalid_request');
    expect((await b.post('/v1/sign-in/mfa', { flow_id: 'flw_x', method: 'sms', code: '123456' })).body.code).toBe('invalid_request');
    expect((await b.post('/v1/mfa/recovery-codes', { extra: 1 })).body.code).toBe('invalid_request');
    expect((await b.get('/v1/mfa')).body.recovery_codes.remaining).toBe(10);
  });
});

describe.each(storageKinds)('MFA after a passkey on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind, undefined, { signIn: { methods: [...PASSKEY_METHODS] } });

  it('does not ask a passkey sign-in (with user verification) for a second factor, and offers passkeys at the MFA step', async () => {
    const b = t.broker;
    const authenticator = new SoftAuthenticator();
    await signUpWithPasskey(b, authenticator, EMAIL);
    await enrolApp(b);
    const other = b.browser({ ip: '198.51.100.40' });
    const done = await signInWithPasskey(other, authenticator);
    expect(done.body).toMatchObject({ step: 'done', session: { amr: ['hwk', 'user'], aal: 2 } });
    // An emailed code is one factor: the account's passkey is offered as the second.
    const started = await other.post('/v1/sign-in/email-code', { email: EMAIL });
    const step = await other.post('/v1/sign-in/email-code/verify', { flow_id: started.body.flow_id, code: await b.lastCode(EMAIL) });
    expect(step.body).toMatchObject({ step: 'mfa', methods: ['totp', 'recovery-code', 'passkey'] });
  });
});

describe.each(storageKinds)('MFA after a social sign-in on %s', (kind: StorageKind) => {
  const ctx = useOAuthBroker(kind, (idp) => [githubProvider(idp)]);

  it('asks a DevHub sign-in of a user with an app for the code: the flow resumes at the mfa step, no session before it', async () => {
    const b = ctx.broker;
    ctx.idp.state.githubEmails = [{ email: EMAIL, primary: true, verified: true }];
    // The account is made by DevHub, then gets an app.
    await b.get((await tripTo(ctx, b, 'devhub')).callback);
    expect((await b.get('/v1/sign-in/flow')).body.step).toBe('done');
    const { secret } = await enrolApp(b);

    const browser = b.browser({ ip: '198.51.100.50' });
    const back = await browser.get((await tripTo(ctx, browser, 'devhub')).callback);
    expect(back.status).toBe(303);
    expect(cookieNames(back.setCookies)).not.toContain('lk_session');
    const step = await browser.get('/v1/sign-in/flow');
    expect(step.body).toMatchObject({ step: 'mfa', methods: ['totp', 'recovery-code'], attempts_left: 5 });
    expect((await browser.post('/v1/session/token')).status).toBe(401);
    const done = await browser.post('/v1/sign-in/mfa', { flow_id: step.body.flow_id, method: 'totp', code: appCode(b, secret) });
    expect(done.body).toMatchObject({ step: 'done', user: { email: EMAIL }, session: { amr: ['fed', 'otp', 'mfa'] } });
    expect(done.body.session.factors.map((f: { method: string }) => f.method)).toEqual(['oauth', 'otp']);
  });
});

describe.each(storageKinds)('a passkey as the second factor on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind, undefined, { signIn: { methods: [...PASSKEY_METHODS] } });

  it('answers the mfa step of a password sign-in with the account\'s passkey: amr pwd+hwk+user, only in the browser that signed in', async () => {
    const b = t.broker;
    await userWithTotp(b);
    const authenticator = new SoftAuthenticator();
    expect((await addPasskey(b, authenticator)).status).toBe(201);

    const browser = b.browser({ ip: '198.51.100.70' });
    const first = await passwordFirst(browser);
    expect(first.body).toMatchObject({ step: 'mfa', methods: ['totp', 'recovery-code', 'passkey'] });
    const stranger = b.browser({ ip: '198.51.100.71' });
    expect((await stranger.post('/v1/sign-in/mfa/passkey/options', { flow_id: first.body.flow_id })).body.code).toBe('code_expired');

    const step = await browser.post('/v1/sign-in/mfa/passkey/options', { flow_id: first.body.flow_id });
    expect(step.body).toMatchObject({ step: 'passkey', flow_id: expect.stringMatching(/^flw_/) });
    expect(step.body.options.allowCredentials).toHaveLength(1);
    const credential = authenticator.get(step.body.options);
    // The ceremony is this browser's: the assertion sent from elsewhere is refused and spends nothing.
    expect((await stranger.post('/v1/sign-in/mfa/passkey', { flow_id: step.body.flow_id, credential })).body.code).toBe('passkey_rejected');
    const done = await browser.post('/v1/sign-in/mfa/passkey', { flow_id: step.body.flow_id, credential });
    expect(done.body).toMatchObject({ step: 'done', user: { email: EMAIL }, session: { amr: ['pwd', 'hwk', 'user', 'mfa'], aal: 2 } });
    expect(cookieNames(done.setCookies)).toContain('lk_session');
    expect((await browser.post('/v1/sign-in/mfa/passkey', { flow_id: step.body.flow_id, credential })).body.code).toBe('passkey_rejected');
  });

  it('offers no passkey to an account without one, and refuses its passkey options', async () => {
    const b = t.broker;
    await userWithTotp(b);
    const mallory = new SoftAuthenticator();
    await signUpWithPasskey(b, mallory, 'mallory@example.test', b.browser({ ip: '198.51.100.72' }));
    const browser = b.browser({ ip: '198.51.100.73' });
    const first = await passwordFirst(browser);
    expect(first.body.methods).toEqual(['totp', 'recovery-code']);
    const refused = await browser.post('/v1/sign-in/mfa/passkey/options', { flow_id: first.body.flow_id });
    expect([refused.status, refused.body.code]).toEqual([400, 'invalid_request']);
  });
});

describe.each(storageKinds)('a passkey as the second factor where sign-in offers no passkeys (an RP ID only) on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind, undefined, { signIn: { methods: ['password', 'email-code'] }, passkeys: { rpId: 'app.test' } });

  it('adds a passkey from the account page and takes it at the mfa step: amr pwd+hwk+user+mfa', async () => {
    const b = t.broker;
    await userWithTotp(b);
    const authenticator = new SoftAuthenticator();
    expect((await addPasskey(b, authenticator)).status).toBe(201);
    expect((await b.get('/v1/mfa')).body.passkeys).toBe(1);

    const browser = b.browser({ ip: '198.51.100.74' });
    const first = await passwordFirst(browser);
    expect(first.body).toMatchObject({ step: 'mfa', methods: ['totp', 'recovery-code', 'passkey'] });
    const step = await browser.post('/v1/sign-in/mfa/passkey/options', { flow_id: first.body.flow_id });
    expect(step.body.options).toMatchObject({ rpId: 'app.test', allowCredentials: [{ id: authenticator.credentials[0]!.id }] });
    const done = await browser.post('/v1/sign-in/mfa/passkey', { flow_id: step.body.flow_id, credential: authenticator.get(step.body.options) });
    expect(done.body).toMatchObject({ step: 'done', user: { email: EMAIL }, session: { amr: ['pwd', 'hwk', 'user', 'mfa'], aal: 2 } });
  });

  it('keeps passkeys off the first screen: identify and the public configuration leave them out, and passkey sign-in (autofill) and passkey-first sign-up are refused', async () => {
    const b = t.broker;
    await userWithTotp(b);
    const authenticator = new SoftAuthenticator();
    await addPasskey(b, authenticator);
    const browser = b.browser({ ip: '198.51.100.75' });
    expect((await browser.post('/v1/sign-in/identify', { email: EMAIL })).body).toEqual({ step: 'password', email: EMAIL, methods: ['password', 'email-code'] });
    expect((await browser.get('/v1/config')).body.sign_in_methods).toEqual(['password', 'email-code']);
    // What autofill asks first: refused, so the element never starts it.
    const options = await browser.post('/v1/passkeys/sign-in/options', {});
    expect([options.status, options.body.code]).toEqual([400, 'invalid_request']);
    // Nor does an assertion for a ceremony of another kind sign in alone.
    const first = await passwordFirst(browser);
    const ceremony = await browser.post('/v1/sign-in/mfa/passkey/options', { flow_id: first.body.flow_id });
    const alone = await browser.post('/v1/passkeys/sign-in/verify', { flow_id: ceremony.body.flow_id, credential: authenticator.get(ceremony.body.options) });
    expect([alone.status, alone.body.code]).toEqual([400, 'invalid_request']);
    const before = await rowCounts(t.storage);
    const signUp = await browser.post('/v1/sign-up', { email: 'new@example.test' });
    expect([signUp.status, signUp.body.code]).toEqual([400, 'invalid_request']);
    expect(await rowCounts(t.storage)).toEqual(before);
  });
});

describe.each(storageKinds)('MFA where passkeys only prefer user verification on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind, undefined, { signIn: { methods: [...PASSKEY_METHODS] }, passkeys: { userVerification: 'preferred' } });

  it('asks a lone passkey (user verification not known) for the app, and takes the app after it', async () => {
    const b = t.broker;
    const authenticator = new SoftAuthenticator();
    await signUpWithPasskey(b, authenticator, EMAIL);
    const { secret } = await enrolApp(b);
    const browser = b.browser({ ip: '198.51.100.80' });
    const step = await signInWithPasskey(browser, authenticator, { flags: { uv: false } });
    expect(step.body).toMatchObject({ step: 'mfa', methods: ['totp', 'recovery-code', 'passkey'] });
    expect(cookieNames(step.setCookies)).not.toContain('lk_session');
    const done = await browser.post('/v1/sign-in/mfa', { flow_id: step.body.flow_id, method: 'totp', code: appCode(b, secret) });
    expect(done.body).toMatchObject({ step: 'done', session: { amr: ['hwk', 'user', 'otp', 'mfa'] } });
  });
});

describe.each(storageKinds)('MFA after an enterprise OIDC sign-in on %s', (kind: StorageKind) => {
  const ctx = useOAuthBroker(kind, (idp) => [githubProvider(idp)], { adminToken: ADMIN_TOKEN });

  /** Types ana@acme.test into identify, lets Acme's IdP sign her in and resumes: the step the flow answers. */
  async function acmeSignIn(browser: Pick<TestBroker, 'post' | 'get'>) {
    const started = await browser.post('/v1/sign-in/identify', { email: 'ana@acme.test', resume_url: `${APP_ORIGIN}/sign-in` });
    expect(started.body.step).toBe('sso-redirect');
    ctx.idp.state.user = { sub: 'ana-1', email: 'ana@acme.test', email_verified: true, name: 'Ana' };
    expect((await browser.get(ctx.idp.authorize(started.body.url))).status).toBe(303);
    return browser.get('/v1/sign-in/flow');
  }

  it("asks an organization connection's sign-in for the app, then opens the session in the organization", async () => {
    const b = ctx.broker;
    const acme = (await createAcme(b, { issuer: ctx.idp.issuer, client_id: ctx.idp.clientId })).org.id as string;
    // Her account comes with her first SSO sign-in; then she adds an app.
    expect((await acmeSignIn(b)).body.step).toBe('done');
    const { secret } = await enrolApp(b);

    const browser = b.browser({ ip: '198.51.100.90' });
    const step = await acmeSignIn(browser);
    expect(step.body).toMatchObject({ step: 'mfa', methods: ['totp', 'recovery-code'] });
    expect((await browser.post('/v1/session/token')).status).toBe(401);
    const done = await browser.post('/v1/sign-in/mfa', { flow_id: step.body.flow_id, method: 'totp', code: appCode(b, secret) });
    expect(done.body).toMatchObject({ step: 'done', session: { amr: ['fed', 'otp', 'mfa'], org_id: acme } });
  });
});
