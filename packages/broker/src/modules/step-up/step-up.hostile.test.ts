import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, rowCounts, storageKinds, useTestBroker, type StorageKind, type TestBroker } from '../../test/harness.js';
import { addPasskey, PASSKEY_METHODS, signUpWithPasskey, SoftAuthenticator } from '../../test/passkeys.js';
import { appCode, PASSWORD, userWithTotp } from '../mfa/mfa.fixtures.js';

const ELEVEN_MINUTES = 11 * 60_000;
const EMAIL = 'ada@example.test';

type Browser = Pick<TestBroker, 'post' | 'get' | 'call'>;

/** What a sensitive route may change, counted: a refused call leaves every number as it was. */
async function sensitiveState(t: { storage: TestBroker['deps']['storage'] }) {
  const count = async (table: string) => (await t.storage.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n;
  return { ...(await rowCounts(t.storage)), totp: await count('totp_factors'), recovery: await count('recovery_codes') };
}

/** Starts a step-up in `browser` and proves the password: the answer. */
async function stepUpWithPassword(browser: Browser, password = PASSWORD) {
  const challenge = await browser.post('/v1/step-up');
  return browser.post('/v1/step-up/password', { flow_id: challenge.body.flow_id, password });
}

describe.each(storageKinds)('step-up under attack on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind, undefined, { signIn: { methods: [...PASSKEY_METHODS] }, social: [] });

  it('refuses every sensitive change 11 minutes after sign-in with 403 reauthentication_required, before reading the body, and changes nothing', async () => {
    const b = t.broker;
    await b.signUp(EMAIL, PASSWORD);
    const added = await addPasskey(b, new SoftAuthenticator());
    expect(added.status).toBe(201);
    b.clock.advance(ELEVEN_MINUTES);
    const before = await sensitiveState(t);
    const calls: Array<[string, string, unknown?]> = [
      ['POST', '/v1/passkeys/options', {}],
      ['POST', '/v1/passkeys', { flow_id: 'flw_x', credential: {} }],
      ['DELETE', `/v1/passkeys/${added.body.id}`],
      ['POST', '/v1/mfa/totp', {}],
      ['POST', '/v1/mfa/totp/confirm', { enrollment_id: 'flw_x', code: '123456' }],
      ['DELETE', '/v1/mfa/totp/totp_x'],
      ['POST', '/v1/mfa/recovery-codes', {}],
      ['POST', '/v1/identities/connect', { provider: 'devhub', resume_url: `${APP_ORIGIN}/profile` }],
      ['DELETE', '/v1/identities/idn_x'],
      // Not JSON at all: refused by the guard before the body would be read.
      ['POST', '/v1/mfa/recovery-codes', 'not json'],
    ];
    for (const [method, path, json] of calls) {
      const answer = typeof json === 'string' ? await b.call(method, path, { body: json, headers: { 'content-type': 'application/json' } }) : await b.call(method, path, json === undefined ? {} : { json });
      expect({ path, status: answer.status, code: answer.body?.code, type: answer.body?.type }).toEqual({
        path,
        status: 403,
        code: 'reauthentication_required',
        type: 'urn:latchkey:problem:reauthentication_required',
      });
    }
    expect(await sensitiveState(t)).toEqual(before);
    // Reading is not a change: the lists still answer.
    expect((await b.get('/v1/passkeys')).status).toBe(200);
    expect((await b.get('/v1/mfa')).status).toBe(200);
    expect((await b.get('/v1/identities')).status).toBe(200);
    // A signed-out caller is told to sign in, not to step up.
    expect((await b.call('DELETE', `/v1/passkeys/${added.body.id}`, { cookie: null })).body.code).toBe('unauthenticated');
  });

  it('refuses an account with an authenticator app after a fresh password-only step-up: only a second factor counts', async () => {
    const b = t.broker;
    const { secret, factorId } = await userWithTotp(b);
    b.clock.advance(ELEVEN_MINUTES);
    const challenge = await b.post('/v1/step-up');
    expect(challenge.body.methods).toEqual(['totp', 'recovery-code']);
    const before = await sensitiveState(t);
    const password = await b.post('/v1/step-up/password', { flow_id: challenge.body.flow_id, password: PASSWORD });
    expect(password.body.code).toBe('invalid_request');
    expect((await b.post('/v1/step-up/email-code')).body.code).toBe('invalid_request');
    expect((await b.call('DELETE', `/v1/mfa/totp/${factorId}`)).body.code).toBe('reauthentication_required');
    expect((await b.post('/v1/mfa/recovery-codes')).body.code).toBe('reauthentication_required');
    expect(await sensitiveState(t)).toEqual(before);

    // The app's code does it, and the session says so.
    const proven = await b.post('/v1/step-up/code', { flow_id: challenge.body.flow_id, method: 'totp', code: appCode(b, secret) });
    expect(proven.status).toBe(200);
    expect(proven.body.factors.at(-1)).toMatchObject({ method: 'otp', at: b.clock.now().toISOString() });
    expect(proven.body.amr).toContain('otp');
    expect((await b.post('/v1/mfa/recovery-codes')).status).toBe(201);
  });

  it('counts wrong passwords on the step-up and the password budgets, kills the step-up at five, and leaves sign-in open', async () => {
    const b = t.broker;
    await b.signUp(EMAIL, PASSWORD);
    b.clock.advance(ELEVEN_MINUTES);
    const challenge = await b.post('/v1/step-up');
    expect(challenge.body).toMatchObject({ methods: ['password', 'email-code'], email: EMAIL, attempts_left: 5 });
    const answers: unknown[] = [];
    for (let i = 0; i < 5; i++) {
      const wrong = await b.post('/v1/step-up/password', { flow_id: challenge.body.flow_id, password: 'wrong horse' });
      answers.push([wrong.status, wrong.body.code, wrong.body.attempts_left]);
      b.clock.advance(61_000); // past the per-address backoff, so each guess reaches the flow
    }
    expect(answers).toEqual([
      [401, 'invalid_credentials', 4],
      [401, 'invalid_credentials', 3],
      [401, 'invalid_credentials', 2],
      [401, 'invalid_credentials', 1],
      [400, 'too_many_attempts', undefined],
    ]);
    // The dead step-up takes no more, not even the right password.
    expect((await b.post('/v1/step-up/password', { flow_id: challenge.body.flow_id, password: PASSWORD })).body.code).toBe('too_many_attempts');
    expect((await b.get('/v1/session')).body.session.factors).toHaveLength(1);
    // The owner still signs in, here and elsewhere, and a new step-up works.
    const elsewhere = b.browser({ ip: '198.51.100.90' });
    expect((await elsewhere.post('/v1/sign-in/password', { email: EMAIL, password: PASSWORD })).body.step).toBe('done');
    expect((await stepUpWithPassword(b)).status).toBe(200);
  });

  it('counts at most five of fifty parallel wrong authenticator codes on one step-up, and adds no factor', async () => {
    const b = t.broker;
    const { secret } = await userWithTotp(b);
    b.clock.advance(ELEVEN_MINUTES);
    const challenge = await b.post('/v1/step-up');
    // The sign-up's password, and the app's code that confirmed the enrolment: both past the window now.
    const before = (await b.get('/v1/session')).body.session.factors;
    expect(before.map((f: { method: string }) => f.method)).toEqual(['pwd', 'otp']);
    const wrong = appCode(b, secret, 7);
    const answers = await Promise.all(Array.from({ length: 50 }, () => b.post('/v1/step-up/code', { flow_id: challenge.body.flow_id, method: 'totp', code: wrong })));
    const [row] = await t.storage.query<{ attempts: number }>(`SELECT attempts FROM flows WHERE id = $1`, [challenge.body.flow_id]);
    expect(row!.attempts).toBe(5);
    expect(answers.filter((a) => a.body.code === 'invalid_code')).toHaveLength(4);
    for (const answer of answers) expect(['invalid_code', 'too_many_attempts', 'rate_limited']).toContain(answer.body.code);
    expect((await b.get('/v1/session')).body.session.factors).toEqual(before);
    expect((await b.post('/v1/step-up/code', { flow_id: challenge.body.flow_id, method: 'totp', code: appCode(b, secret) })).body.code).toBe('too_many_attempts');
  });

  it('takes one right authenticator code once when it is sent twice at once', async () => {
    const b = t.broker;
    const { secret } = await userWithTotp(b);
    b.clock.advance(ELEVEN_MINUTES);
    const challenge = await b.post('/v1/step-up');
    const answers = await Promise.all([0, 1].map(() => b.post('/v1/step-up/code', { flow_id: challenge.body.flow_id, method: 'totp', code: appCode(b, secret) })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 400]);
    // The enrolment's code and one of the two: the same code is never taken twice.
    expect((await b.get('/v1/session')).body.session.factors.map((f: { method: string }) => f.method)).toEqual(['pwd', 'otp', 'otp']);
  });

  it("does not unlock this session with a step-up of another session or browser, nor with another browser's flow", async () => {
    const b = t.broker;
    await b.signUp(EMAIL, PASSWORD);
    const other = b.browser({ ip: '198.51.100.91' });
    expect((await other.post('/v1/sign-in/password', { email: EMAIL, password: PASSWORD })).body.step).toBe('done');
    b.clock.advance(ELEVEN_MINUTES);
    const theirs = await other.post('/v1/step-up');
    // The other browser's flow, replayed with this browser's cookies, is unknown here.
    expect((await b.post('/v1/step-up/password', { flow_id: theirs.body.flow_id, password: PASSWORD })).body.code).toBe('code_expired');
    expect((await other.post('/v1/step-up/password', { flow_id: theirs.body.flow_id, password: PASSWORD })).status).toBe(200);
    expect((await b.post('/v1/mfa/totp')).body.code).toBe('reauthentication_required');
    expect((await other.post('/v1/mfa/totp')).status).toBe(200);
    // A flow opened by this browser's previous session proves nothing for the next one.
    const mine = await b.post('/v1/step-up');
    await b.post('/v1/sign-out');
    expect((await b.post('/v1/sign-in/password', { email: EMAIL, password: PASSWORD })).body.step).toBe('done');
    expect((await b.post('/v1/step-up/password', { flow_id: mine.body.flow_id, password: PASSWORD })).body.code).toBe('code_expired');
  });

  it('shows the step-up factor in GET /v1/session and keeps the session id and cookie', async () => {
    const b = t.broker;
    await b.signUp(EMAIL, PASSWORD);
    const before = (await b.get('/v1/session')).body.session;
    b.clock.advance(ELEVEN_MINUTES);
    const challenge = await b.post('/v1/step-up');
    const proven = await b.post('/v1/step-up/password', { flow_id: challenge.body.flow_id, password: PASSWORD });
    expect(proven.status).toBe(200);
    expect(proven.setCookies.filter((line) => /session/i.test(line))).toEqual([]);
    const after = (await b.get('/v1/session')).body.session;
    expect(after.id).toBe(before.id);
    expect(after.factors).toEqual([...before.factors, { method: 'pwd', at: b.clock.now().toISOString() }]);
    expect(after).toEqual(proven.body);
    // The step-up is used: its flow proves nothing twice.
    expect((await b.post('/v1/step-up/password', { flow_id: challenge.body.flow_id, password: PASSWORD })).body.code).toBe('code_expired');
    expect((await b.post('/v1/mfa/totp')).status).toBe(200);
    // Ten minutes later the window has closed again.
    b.clock.advance(ELEVEN_MINUTES);
    expect((await b.post('/v1/mfa/totp')).body.code).toBe('reauthentication_required');
  });

  it('steps a passwordless account up by a code mailed to its own address, and counts wrong codes', async () => {
    const b = t.broker;
    const authenticator = new SoftAuthenticator();
    await signUpWithPasskey(b, authenticator, EMAIL);
    b.clock.advance(ELEVEN_MINUTES);
    expect((await b.post('/v1/passkeys/options')).body.code).toBe('reauthentication_required');
    const challenge = await b.post('/v1/step-up');
    expect(challenge.body.methods).toEqual(['passkey', 'email-code']);
    expect((await b.post('/v1/step-up/password', { flow_id: challenge.body.flow_id, password: 'anything' })).body.code).toBe('invalid_request');
    const sent = await b.post('/v1/step-up/email-code');
    expect(sent.body).toMatchObject({ step: 'email-code', purpose: 'step-up', email: EMAIL });
    const code = await b.lastCode(EMAIL);
    expect((await b.outbox(EMAIL))[0]!.subject).toBe('Confirm it’s you');
    const wrong = await b.post('/v1/step-up/email-code/verify', { flow_id: sent.body.flow_id, code: code === '000000' ? '111111' : '000000' });
    expect(wrong.body).toMatchObject({ code: 'invalid_code', attempts_left: 4 });
    // Another browser holding the flow id gets nothing.
    const stranger = b.browser({ ip: '198.51.100.92' });
    expect((await stranger.post('/v1/step-up/email-code/verify', { flow_id: sent.body.flow_id, code })).body.code).toBe('unauthenticated');
    const proven = await b.post('/v1/step-up/email-code/verify', { flow_id: sent.body.flow_id, code });
    expect(proven.status).toBe(200);
    expect(proven.body.factors.at(-1)).toMatchObject({ method: 'email_code' });
    expect((await b.post('/v1/passkeys/options')).status).toBe(200);
  });

  it("steps up with the user's own passkey, and refuses another account's passkey on the same challenge", async () => {
    const b = t.broker;
    const mine = new SoftAuthenticator();
    await b.signUp(EMAIL, PASSWORD);
    const added = await addPasskey(b, mine);
    expect(added.status).toBe(201);
    const mallory = b.browser({ ip: '198.51.100.93' });
    const theirs = new SoftAuthenticator();
    await signUpWithPasskey(t.broker, theirs, 'mallory@example.test', mallory);
    b.clock.advance(ELEVEN_MINUTES);
    expect((await b.post('/v1/step-up')).body.methods).toEqual(['password', 'passkey', 'email-code']);

    const refused = await b.post('/v1/step-up/passkey/options');
    expect(refused.body.options.allowCredentials.map((c: { id: string }) => c.id)).toEqual([added.body.credential_id ?? expect.any(String)]);
    // Mallory's authenticator signs this challenge with her passkey (it ignores the allow list).
    const foreign = await b.post('/v1/step-up/passkey', { flow_id: refused.body.flow_id, credential: theirs.get({ ...refused.body.options, allowCredentials: [] }) });
    expect(foreign.status).toBe(400);
    expect((await b.call('DELETE', `/v1/passkeys/${added.body.id}`)).body.code).toBe('reauthentication_required');

    const step = await b.post('/v1/step-up/passkey/options');
    const proven = await b.post('/v1/step-up/passkey', { flow_id: step.body.flow_id, credential: mine.get(step.body.options) });
    expect(proven.status).toBe(200);
    expect(proven.body.factors.at(-1)).toMatchObject({ method: 'passkey' });
    expect((await b.call('DELETE', `/v1/passkeys/${added.body.id}`)).status).toBe(204);
  });
});
