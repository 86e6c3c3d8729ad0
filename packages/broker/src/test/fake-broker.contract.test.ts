import {
  addPasskey,
  connectAccount,
  disconnectAccount,
  listConnectedAccounts,
  resumeSignIn,
  type IdpErrorReason,
  createClient,
  deletePasskey,
  listPasskeys,
  PASSKEY_NAME_MAX_LENGTH,
  removePasskeysAfterReset,
  renamePasskey,
  startAddPasskey,
  type LatchkeyClient,
  type SignInMethod,
  type SocialProvider,
  type Step,
  type WeakPasswordReason,
  verifyMfa,
} from '@latchkey/client';
import { afterEach, describe, expect, it } from 'vitest';
import { SoftAuthenticator } from './soft-authenticator.js';
import { startFakeIdp } from './fake-idp.js';
import { APP_ORIGIN, BROKER_URL, openTestStorage, testBroker, testClock } from './harness.js';
import { FakeBroker } from '@latchkey/testing';
import {
  PASSWORD,
  NEW_PASSWORD,
  ALICE,
  STRANGER,
  type Setup,
  type Subject,
  realSocial,
  keepCookies,
  type Kind,
  makeSubject,
  rejection,
  keys,
  isoDate,
  EMAIL_CODE_KEYS,
  expectDone,
  wrong,
  decodeJwt,
  TOKEN_CLAIMS,
} from './contract-subject.js';

/**
 * One contract, two brokers: the in-memory `FakeBroker` that element tests and
 * stories run on, and the real broker in-process on PGlite. Every scenario is
 * written once against `LatchkeyClient`; where the two disagree, the fake is
 * wrong (the broker is the truth).
 */

describe.each<Kind>(['fake', 'real'])('LatchkeyClient contract: %s broker', (kind) => {
  let subject: Subject | undefined;
  const open = async (setup?: Setup) => (subject = await makeSubject(kind, setup));
  afterEach(async () => {
    await subject?.close();
    subject = undefined;
  });

  it('identify answers a password step with the configured methods, the same for an unknown address', async () => {
    const { client } = await open({ accounts: [ALICE], methods: ['password'] });
    const known = await client.identify({ email: ALICE });
    const unknown = await client.identify({ email: STRANGER });
    expect(known).toEqual({ step: 'password', email: ALICE, methods: ['password'] });
    expect(unknown).toEqual({ step: 'password', email: STRANGER, methods: ['password'] });
  });

  it('identify lists every configured method, first one first', async () => {
    const { client } = await open({ accounts: [ALICE] });
    expect(await client.identify({ email: ALICE })).toEqual({ step: 'password', email: ALICE, methods: ['password', 'email-code'] });
    expect(await client.identify({ email: STRANGER })).toEqual({ step: 'password', email: STRANGER, methods: ['password', 'email-code'] });
  });

  it('password sign-in answers done and the session store is signed in', async () => {
    const { client } = await open({ accounts: [ALICE] });
    const step = await client.signInWithPassword({ email: ALICE, password: PASSWORD });
    expectDone(step, ALICE, ['pwd']);
    expect(client.session.state).toMatchObject({ status: 'signed-in', user: { email: ALICE } });
    expect(await client.getSession()).toMatchObject({ user: { email: ALICE }, session: { amr: ['pwd'] } });
  });

  it('a wrong password and an unknown account are both invalid_credentials', async () => {
    const { client } = await open({ accounts: [ALICE] });
    const wrongPassword = await rejection(client.signInWithPassword({ email: ALICE, password: 'not the right password' }));
    const unknownAccount = await rejection(client.signInWithPassword({ email: STRANGER, password: PASSWORD }));
    for (const error of [wrongPassword, unknownAccount]) {
      expect(error.code).toBe('invalid_credentials');
      expect(error.status).toBe(401);
      expect(error.problem).toMatchObject({ code: 'invalid_credentials', type: 'urn:latchkey:problem:invalid_credentials', status: 401 });
    }
    expect(await client.getSession()).toBeNull();
  });

  it('email-code sign-in: code step with attempts_left, a wrong code is invalid_code with attempts_left, the right code is done', async () => {
    const { client, lastCode } = await open({ accounts: [ALICE] });
    const started = await client.startEmailCodeSignIn({ email: ALICE });
    expect(keys(started)).toEqual(EMAIL_CODE_KEYS);
    expect(started).toMatchObject({
      step: 'email-code',
      flow_id: expect.any(String),
      email: ALICE,
      purpose: 'sign-in',
      methods: ['password', 'email-code'],
      expires_at: isoDate,
      resend_after: isoDate,
      attempts_left: 5,
    });

    const code = await lastCode(ALICE);
    expect(code).toMatch(/^\d{6}$/);
    const refused = await rejection(client.finishEmailCodeSignIn({ flow_id: started.flow_id, code: wrong(code) }));
    expect(refused.code).toBe('invalid_code');
    expect(refused.status).toBe(400);
    expect(refused.problem).toMatchObject({ code: 'invalid_code', attempts_left: 4 });

    const done = await client.finishEmailCodeSignIn({ flow_id: started.flow_id, code });
    expectDone(done, ALICE, ['email']);
    expect(client.session.state).toMatchObject({ status: 'signed-in', user: { email: ALICE } });
  });

  it('sign-up answers an email-code step; verifying the code answers done', async () => {
    const { client, lastCode } = await open();
    const started = await client.startSignUp({ email: ALICE, password: PASSWORD });
    expect(started.step).toBe('email-code');
    expect(keys(started)).toEqual(EMAIL_CODE_KEYS);
    expect(started).toMatchObject({ step: 'email-code', email: ALICE, purpose: 'sign-up', methods: [], attempts_left: 5 });

    const flowId = (started as { flow_id: string }).flow_id;
    const done = await client.finishSignUp({ flow_id: flowId, code: await lastCode(ALICE) });
    expectDone(done, ALICE, ['pwd']);
    expect(client.session.state).toMatchObject({ status: 'signed-in', user: { email: ALICE } });
  });

  it('password reset: email-code step, then finish answers a password step with notice password-reset', async () => {
    const { client, lastCode } = await open({ accounts: [ALICE] });
    const started = await client.startPasswordReset({ email: ALICE });
    expect(keys(started)).toEqual(EMAIL_CODE_KEYS);
    expect(started).toMatchObject({ step: 'email-code', email: ALICE, purpose: 'password-reset', methods: [], attempts_left: 5 });

    const finished = await client.finishPasswordReset({ flow_id: started.flow_id, code: await lastCode(ALICE), password: NEW_PASSWORD });
    expect(finished).toEqual({ step: 'password', email: ALICE, methods: ['password', 'email-code'], notice: 'password-reset' });

    const oldPassword = await rejection(client.signInWithPassword({ email: ALICE, password: PASSWORD }));
    expect(oldPassword.code).toBe('invalid_credentials');
    expectDone(await client.signInWithPassword({ email: ALICE, password: NEW_PASSWORD }), ALICE, ['pwd']);
  });

  it('getSession answers null when signed out', async () => {
    const { client, raw } = await open({ accounts: [ALICE] });
    expect(await client.getSession()).toBeNull();
    // On the wire: signed out is an answer, not an error (pages ask on every load).
    expect(await raw('GET', '/v1/session')).toEqual({ status: 200, body: { user: null } });
    expect(await client.session.refresh()).toEqual({ status: 'signed-out' });
  });

  it('sign out: getSession answers null and the store is signed out', async () => {
    const { client } = await open({ accounts: [ALICE] });
    await client.signInWithPassword({ email: ALICE, password: PASSWORD });
    expect(await client.getSession()).not.toBeNull();
    await client.signOut();
    expect(client.session.state).toEqual({ status: 'signed-out' });
    expect(await client.getSession()).toBeNull();
  });

  it('sign-up with a weak password is weak_password, with the problem at the password field', async () => {
    const { client } = await open();
    const error = await rejection(client.startSignUp({ email: ALICE, password: 'short' }));
    expect(error.code).toBe('weak_password');
    expect(error.status).toBe(400);
    expect(error.problem).toMatchObject({ code: 'weak_password', errors: [{ path: 'password', message: 'Use at least 8 characters', reason: 'too_short' }] });
  });

  it.each<[string, string, { name?: string }, WeakPasswordReason]>([
    ['a common password, l33t and punctuated', 'Passw0rd!', {}, 'common'],
    ['a common run of digits', '87654321', {}, 'common'],
    ['one character repeated', 'aaaaaaaa', {}, 'pattern'],
    ["the service's name", 'latchkey2024', {}, 'personal'],
    ["the address's local part", 'alice2024!', {}, 'personal'],
    ['the name signed up with', 'Wintermute77!', { name: 'Alice Wintermute' }, 'personal'],
  ])('sign-up refuses %s (%s) as weak_password, reason %s', async (_what, password, extra, reason) => {
    const { client, requests } = await open();
    const error = await rejection(client.startSignUp({ email: ALICE, password, ...extra }));
    expect(error.problem).toMatchObject({ code: 'weak_password', status: 400, errors: [{ path: 'password', message: expect.any(String), reason }] });
    expect(error.problem!.errors).toHaveLength(1);
    expect(requests).toEqual(['POST /v1/sign-up']);
  });

  it('the same reason comes with the same English text', async () => {
    const { client } = await open();
    const texts: Record<string, string> = {};
    for (const password of ['short', 'Passw0rd!', 'aaaaaaaa', 'latchkey2024']) {
      const [error] = (await rejection(client.startSignUp({ email: ALICE, password }))).problem!.errors!;
      texts[error!.reason!] = error!.message;
    }
    expect(texts).toEqual({
      too_short: 'Use at least 8 characters',
      common: 'This is a common password, or too close to one',
      pattern: 'Repeated characters, sequences and keyboard runs are easy to guess',
      personal: 'Do not build the password from the name of this service, your name or your email address',
    });
  });

  it('a weak new password at reset finish is weak_password and does not burn the code', async () => {
    const { client, lastCode } = await open({ accounts: [ALICE] });
    const started = await client.startPasswordReset({ email: ALICE });
    const code = await lastCode(ALICE);
    const error = await rejection(client.finishPasswordReset({ flow_id: started.flow_id, code, password: 'short' }));
    expect(error.code).toBe('weak_password');
    expect(error.problem).toMatchObject({ code: 'weak_password', errors: [{ path: 'password', message: expect.any(String), reason: 'too_short' }] });
    const common = await rejection(client.finishPasswordReset({ flow_id: started.flow_id, code, password: 'Passw0rd!' }));
    expect(common.problem).toMatchObject({ code: 'weak_password', errors: [{ path: 'password', reason: 'common' }] });
    expect(await client.finishPasswordReset({ flow_id: started.flow_id, code, password: NEW_PASSWORD })).toMatchObject({ step: 'password', notice: 'password-reset' });
  });

  it("reset refuses the account's name once the code is right, and the code still sets a better password", async () => {
    const { client, lastCode } = await open();
    const signUp = await client.startSignUp({ email: ALICE, password: PASSWORD, name: 'Alice Wintermute' });
    await client.finishSignUp({ flow_id: (signUp as { flow_id: string }).flow_id, code: await lastCode(ALICE) });
    await client.signOut();
    const started = await client.startPasswordReset({ email: ALICE });
    const code = await lastCode(ALICE);
    // With a wrong code the name is not judged: the answer says only that the code is wrong.
    expect((await rejection(client.finishPasswordReset({ flow_id: started.flow_id, code: wrong(code), password: 'Wintermute77!' }))).code).toBe('invalid_code');
    const named = await rejection(client.finishPasswordReset({ flow_id: started.flow_id, code, password: 'Wintermute77!' }));
    expect(named.problem).toMatchObject({ code: 'weak_password', errors: [{ path: 'password', reason: 'personal' }] });
    expect(await client.finishPasswordReset({ flow_id: started.flow_id, code, password: NEW_PASSWORD })).toMatchObject({ step: 'password', notice: 'password-reset' });
  });

  it('resend: refused with rate_limited before resend_after; then a fresh code for the same flow, attempts kept', async () => {
    const { client, lastCode, advance } = await open({ accounts: [ALICE] });
    const started = await client.startEmailCodeSignIn({ email: ALICE });
    const first = await lastCode(ALICE);
    await rejection(client.finishEmailCodeSignIn({ flow_id: started.flow_id, code: wrong(first) }));

    const early = await rejection(client.resendEmailCode({ flow_id: started.flow_id }));
    expect(early.code).toBe('rate_limited');
    expect(early.status).toBe(429);
    // Retry-After says how long until resend_after, so the element can say "Try again in 30 seconds".
    expect(early.retryAfterSeconds).toBeGreaterThan(0);
    expect(early.retryAfterSeconds).toBeLessThanOrEqual(30);

    // Both wait 30 s between resends (the broker's default `codes.resendAfterSeconds`).
    advance(31_000);
    const resent = await client.resendEmailCode({ flow_id: started.flow_id });
    expect(keys(resent)).toEqual(EMAIL_CODE_KEYS);
    expect(resent).toMatchObject({ step: 'email-code', flow_id: started.flow_id, email: ALICE, purpose: 'sign-in', attempts_left: 4 });
    expect(Date.parse(resent.resend_after)).toBeGreaterThan(Date.parse(started.resend_after));
    // A fresh code that differs by chance from the old one shows the old one is refused.
    const second = await lastCode(ALICE);
    if (second !== first) {
      const old = await rejection(client.finishEmailCodeSignIn({ flow_id: started.flow_id, code: first }));
      expect(old.code).toBe('invalid_code');
    }
    expectDone(await client.finishEmailCodeSignIn({ flow_id: started.flow_id, code: second }), ALICE, ['email']);
  });

  it('identify on an email-code first broker answers the email-code step (a code is mailed to an account)', async () => {
    const { client, lastCode } = await open({ accounts: [ALICE], methods: ['email-code', 'password'] });
    const step = await client.identify({ email: ALICE });
    expect(keys(step)).toEqual(EMAIL_CODE_KEYS);
    expect(step).toMatchObject({ step: 'email-code', email: ALICE, purpose: 'sign-in', methods: ['email-code', 'password'], attempts_left: 5 });
    const unknown = await client.identify({ email: STRANGER });
    expect(keys(unknown)).toEqual(EMAIL_CODE_KEYS);
    expect(unknown).toMatchObject({ step: 'email-code', email: STRANGER, purpose: 'sign-in', methods: ['email-code', 'password'], attempts_left: 5 });
    expectDone(await client.finishEmailCodeSignIn({ flow_id: (step as { flow_id: string }).flow_id, code: await lastCode(ALICE) }), ALICE, ['email']);
  });

  it('too_many_attempts: each wrong code counts attempts_left down; the last one and then the right code are refused', async () => {
    const { client, lastCode } = await open({ accounts: [ALICE] });
    const started = await client.startEmailCodeSignIn({ email: ALICE });
    expect(started.attempts_left).toBe(5);
    const code = await lastCode(ALICE);

    // The broker's default `codes.maxAttempts` is 5: four wrong codes are invalid_code, the fifth spends the budget.
    for (const left of [4, 3, 2, 1]) {
      const refused = await rejection(client.finishEmailCodeSignIn({ flow_id: started.flow_id, code: wrong(code) }));
      expect(refused.code).toBe('invalid_code');
      expect(refused.status).toBe(400);
      expect(refused.problem).toMatchObject({ code: 'invalid_code', type: 'urn:latchkey:problem:invalid_code', status: 400, attempts_left: left });
    }
    const spent = await rejection(client.finishEmailCodeSignIn({ flow_id: started.flow_id, code: wrong(code) }));
    const right = await rejection(client.finishEmailCodeSignIn({ flow_id: started.flow_id, code }));
    // Attempts are checked before resend_after: no fresh code for a spent flow.
    const resend = await rejection(client.resendEmailCode({ flow_id: started.flow_id }));
    for (const error of [spent, right, resend]) {
      expect(error.code).toBe('too_many_attempts');
      expect(error.status).toBe(400);
      // No attempts_left on this problem: the flow is over, the user starts again.
      expect(keys(error.problem!)).toEqual(['code', 'status', 'title', 'type']);
      expect(error.problem).toMatchObject({ code: 'too_many_attempts', type: 'urn:latchkey:problem:too_many_attempts', status: 400 });
    }
    expect(await client.getSession()).toBeNull();

    // A new flow has a budget of its own.
    const again = await client.startEmailCodeSignIn({ email: ALICE });
    expect(again.attempts_left).toBe(5);
    expectDone(await client.finishEmailCodeSignIn({ flow_id: again.flow_id, code: await lastCode(ALICE) }), ALICE, ['email']);
  });

  it('sign-up with a taken address answers as for a new one; the owner gets a notice, not a code, and the account is unchanged', async () => {
    const { client, lastCode, inbox, advance } = await open({ accounts: [ALICE] });
    const before = (await inbox(ALICE)).length;

    const fresh = await client.startSignUp({ email: STRANGER, password: NEW_PASSWORD });
    const taken = await client.startSignUp({ email: ALICE, password: NEW_PASSWORD });
    expect(keys(taken)).toEqual(EMAIL_CODE_KEYS);
    expect(taken).toMatchObject({ step: 'email-code', flow_id: expect.any(String), email: ALICE, purpose: 'sign-up', methods: [], expires_at: isoDate, resend_after: isoDate, attempts_left: 5 });
    // Field for field as for a new address, but for the address, the flow and the moment.
    const timeless = (step: Step) => ({ ...step, flow_id: '', email: '', expires_at: '', resend_after: '' });
    expect(timeless(taken)).toEqual(timeless(fresh));

    // The new address got a code; the owner got one mail, and it carries no code.
    expect(await lastCode(STRANGER)).toMatch(/^\d{6}$/);
    const mailed = await inbox(ALICE);
    expect(mailed).toHaveLength(before + 1);
    expect(mailed[0]).toEqual({ code: null });
    await expect(lastCode(ALICE)).rejects.toThrow(/no code mailed/);

    // The flow can be tried like any other, but no code redeems it.
    const flowId = (taken as { flow_id: string }).flow_id;
    const guessed = await rejection(client.finishSignUp({ flow_id: flowId, code: '123456' }));
    expect(guessed.code).toBe('invalid_code');
    expect(guessed.problem).toMatchObject({ code: 'invalid_code', attempts_left: 4 });

    // A resend answers as usual, and the notice is not sent again.
    advance(31_000);
    const resent = await client.resendEmailCode({ flow_id: flowId });
    expect(resent).toMatchObject({ step: 'email-code', flow_id: flowId, email: ALICE, purpose: 'sign-up', attempts_left: 4 });
    expect(await inbox(ALICE)).toHaveLength(before + 1);

    expect(await client.getSession()).toBeNull();
    const squatted = await rejection(client.signInWithPassword({ email: ALICE, password: NEW_PASSWORD }));
    expect(squatted.code).toBe('invalid_credentials');
    expectDone(await client.signInWithPassword({ email: ALICE, password: PASSWORD }), ALICE, ['pwd']);
  });

  it('getToken: a JWT for the signed-in user and session, at most 5 minutes, reused; after sign-out unauthenticated', async () => {
    const { client, url, requests } = await open({ accounts: [ALICE] });
    const done = await client.signInWithPassword({ email: ALICE, password: PASSWORD });
    expectDone(done, ALICE, ['pwd']);
    const { user, session } = done as { user: { id: string }; session: { id: string } };

    const token = await client.session.getToken();
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const { header, payload } = decodeJwt(token);
    expect(header).toEqual({ alg: 'ES256', kid: expect.any(String), typ: 'lk-session+jwt' });
    // An ES256 signature is 64 bytes.
    expect(Buffer.from(token.split('.')[2]!, 'base64url')).toHaveLength(64);
    expect(keys(payload)).toEqual(TOKEN_CLAIMS);
    expect(payload).toMatchObject({ iss: url, aud: APP_ORIGIN, sub: user.id, sid: session.id, amr: ['pwd'], aal: 1, org_id: null, org_role: null, org_permissions: [], jti: expect.stringMatching(/^tok_[\w-]+$/) });
    const { iat, exp } = payload as { iat: number; exp: number };
    expect(Number.isInteger(iat) && Number.isInteger(exp)).toBe(true);
    expect(Math.abs(iat - Date.now() / 1000)).toBeLessThan(60);
    expect(exp).toBeGreaterThan(iat);
    expect(exp - iat).toBeLessThanOrEqual(300);

    // The store reuses its token; a direct mint is a new token, and expires_at is its exp.
    expect(await client.session.getToken()).toBe(token);
    expect(requests.filter((r) => r === 'POST /v1/session/token')).toHaveLength(1);
    const minted = await client.getSessionToken();
    const claims = decodeJwt(minted.token).payload;
    expect(claims).toMatchObject({ sub: user.id, sid: session.id });
    expect(claims.jti).not.toBe(payload.jti);
    expect(minted.expires_at).toBe(new Date((claims.exp as number) * 1000).toISOString());

    await client.signOut();
    const refused = await rejection(client.session.getToken());
    expect(refused.code).toBe('unauthenticated');
    expect(refused.status).toBe(401);
    expect(client.session.state).toEqual({ status: 'signed-out' });
  });

  it('a session unused for the idle timeout ends: getSession null, getToken unauthenticated; one in use lives on', async () => {
    const idleMs = 3_600_000;
    const { client, advance } = await open({ accounts: [ALICE], idleTimeoutSeconds: idleMs / 1000 });
    expectDone(await client.signInWithPassword({ email: ALICE, password: PASSWORD }), ALICE, ['pwd']);
    // Used twice just under the timeout apart (more than the broker's 5-minute recording interval): still signed in.
    advance(idleMs - 60_000);
    expect(await client.getSession()).toMatchObject({ user: { email: ALICE } });
    advance(idleMs - 60_000);
    expect((await client.getSessionToken()).token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    // Then unused for the whole timeout: ended, as a signed-out session.
    advance(idleMs);
    expect(await client.getSession()).toBeNull();
    const refused = await rejection(client.getSessionToken());
    expect(refused.code).toBe('unauthenticated');
    expect(refused.status).toBe(401);
    expect(refused.problem).toMatchObject({ type: 'urn:latchkey:problem:unauthenticated', status: 401 });
  });

  it('the token carries how the session was made: amr email (never TOTP’s otp) after an email-code sign-in, as getSession says', async () => {
    const { client, lastCode } = await open({ accounts: [ALICE] });
    const started = await client.startEmailCodeSignIn({ email: ALICE });
    await client.finishEmailCodeSignIn({ flow_id: started.flow_id, code: await lastCode(ALICE) });
    const current = await client.getSession();
    expect(current).toMatchObject({ user: { email: ALICE }, session: { amr: ['email'], factors: [{ method: 'email_code' }], aal: 1 } });
    expect(decodeJwt(await client.session.getToken()).payload).toMatchObject({ sub: current!.user.id, sid: current!.session.id, amr: ['email'], aal: 1 });
  });

  it('passkeys: a passkey-first sign-up, the list, the last way in kept, and a sign-in with the passkey', async () => {
    const { client, lastCode } = await open({ methods: ['password', 'email-code', 'passkey'] });
    const started = await client.startSignUp({ email: ALICE, name: 'Alice' });
    expect(started.step).toBe('email-code');
    if (started.step !== 'email-code') return;
    const registration = await client.finishSignUp({ flow_id: started.flow_id, code: await lastCode(ALICE) });
    expect(registration.step).toBe('passkey-registration');
    if (registration.step !== 'passkey-registration') return;
    expect(keys(registration)).toEqual(['expires_at', 'flow_id', 'options', 'step']);
    expect(registration.options).toMatchObject({ user: { name: ALICE }, excludeCredentials: [], authenticatorSelection: { residentKey: 'required', userVerification: 'required' } });

    const authenticator = new SoftAuthenticator({ origin: APP_ORIGIN });
    const done = await client.finishPasskeySignUp({ flow_id: registration.flow_id, credential: authenticator.create(registration.options) });
    expect(done).toMatchObject({ step: 'done', user: { email: ALICE, name: 'Alice', email_verified: true } });
    if (done.step !== 'done') return;
    expect(done.session.amr).toContain('user');
    expect(done.session).toMatchObject({ factors: [{ method: 'passkey', at: isoDate, synced: expect.any(Boolean) }], aal: 2 });
    const userId = done.user.id;

    const { passkeys } = await listPasskeys(client.connection);
    expect(passkeys).toHaveLength(1);
    expect(keys(passkeys[0]!)).toEqual(['aaguid', 'backed_up', 'created_at', 'device_type', 'id', 'last_used_at', 'name', 'transports']);
    // No password: the only passkey is the only way in.
    const refused = await rejection(deletePasskey(client.connection, passkeys[0]!.id));
    expect(refused).toMatchObject({ code: 'last_sign_in_method', status: 409 });

    await client.signOut();
    const step = await client.startPasskeySignIn({});
    expect(keys(step)).toEqual(['expires_at', 'flow_id', 'options', 'step']);
    expect(step.options.allowCredentials ?? []).toEqual([]);
    const signedIn = await client.finishPasskeySignIn({ flow_id: step.flow_id, credential: authenticator.get(step.options) });
    expect(signedIn).toMatchObject({ step: 'done', user: { id: userId } });
    // A ceremony answers once.
    const replay = await rejection(client.finishPasskeySignIn({ flow_id: step.flow_id, credential: authenticator.get(step.options) }));
    expect(replay.code).toBe('passkey_rejected');
  });
  it('passkeys: add a second (the first excluded), rename it, delete the first; the deleted one no longer signs in', async () => {
    const { client, lastCode } = await open({ methods: ['password', 'email-code', 'passkey'] });
    const laptop = new SoftAuthenticator({ origin: APP_ORIGIN, synced: true });
    const started = await client.startSignUp({ email: ALICE });
    if (started.step !== 'email-code') throw new Error(`expected the code step, got ${started.step}`);
    const registration = await client.finishSignUp({ flow_id: started.flow_id, code: await lastCode(ALICE) });
    if (registration.step !== 'passkey-registration') throw new Error(`expected passkey-registration, got ${registration.step}`);
    await client.finishPasskeySignUp({ flow_id: registration.flow_id, credential: laptop.create(registration.options) });
    const [first] = (await listPasskeys(client.connection)).passkeys;

    // Another device: the options exclude the passkey the account has, so it is not made twice.
    const securityKey = new SoftAuthenticator({ origin: APP_ORIGIN, transports: ['usb', 'nfc'] });
    const adding = await startAddPasskey(client.connection);
    expect(keys(adding)).toEqual(['expires_at', 'flow_id', 'options', 'step']);
    expect(adding.options.excludeCredentials?.map((c) => c.id)).toEqual([laptop.credentials[0]!.id]);
    const added = await addPasskey(client.connection, { flow_id: adding.flow_id, credential: securityKey.create(adding.options) });
    expect(added).toMatchObject({ device_type: 'single-device', backed_up: false, last_used_at: null, created_at: isoDate });
    expect(keys(added)).toEqual(keys(first!));

    const renamed = await renamePasskey(client.connection, added.id, { name: '  YubiKey 5C  ' });
    expect(renamed).toMatchObject({ id: added.id, name: 'YubiKey 5C' });
    const tooLong = await rejection(renamePasskey(client.connection, added.id, { name: 'x'.repeat(PASSKEY_NAME_MAX_LENGTH + 1) }));
    expect(tooLong).toMatchObject({ code: 'invalid_request', status: 400 });
    expect(tooLong.problem?.errors?.map((e) => e.path)).toEqual(['name']);
    await renamePasskey(client.connection, added.id, { name: 'y'.repeat(PASSKEY_NAME_MAX_LENGTH) });

    await deletePasskey(client.connection, first!.id);
    expect((await listPasskeys(client.connection)).passkeys.map((p) => p.id)).toEqual([added.id]);

    await client.signOut();
    const step = await client.startPasskeySignIn({});
    const refused = await rejection(client.finishPasskeySignIn({ flow_id: step.flow_id, credential: laptop.get(step.options) }));
    expect(refused).toMatchObject({ code: 'passkey_rejected', status: 400 });
    const again = await client.startPasskeySignIn({});
    expect(await client.finishPasskeySignIn({ flow_id: again.flow_id, credential: securityKey.get(again.options) })).toMatchObject({ step: 'done', user: { email: ALICE } });
  });

  describe('after a password reset, the account\'s passkeys', () => {
    const PASSKEYS: SignInMethod[] = ['password', 'email-code', 'passkey'];

    /** Alice signs in with her password and adds a passkey from each authenticator; each one mails her a notice. */
    async function aliceWithPasskeys(subject: Subject, ...authenticators: SoftAuthenticator[]) {
      const { client, inbox } = subject;
      await client.signInWithPassword({ email: ALICE, password: PASSWORD });
      const before = (await inbox(ALICE)).length;
      for (const authenticator of authenticators) {
        // A second apart, so the list's order (oldest first) is the order they were added in.
        subject.advance(1000);
        const adding = await startAddPasskey(client.connection);
        await addPasskey(client.connection, { flow_id: adding.flow_id, credential: authenticator.create(adding.options) });
      }
      // One notice per passkey added, none carrying a code.
      expect((await inbox(ALICE)).slice(0, authenticators.length)).toEqual(authenticators.map(() => ({ code: null })));
      expect(await inbox(ALICE)).toHaveLength(before + authenticators.length);
      return (await listPasskeys(client.connection)).passkeys;
    }

    async function reset(subject: Subject) {
      const started = await subject.client.startPasswordReset({ email: ALICE });
      return subject.client.finishPasswordReset({ flow_id: started.flow_id, code: await subject.lastCode(ALICE), password: NEW_PASSWORD });
    }

    it('are listed with the review; removing one leaves the other, and the removed one no longer signs in', async () => {
      const subject = await open({ accounts: [ALICE], methods: PASSKEYS });
      const { client, inbox } = subject;
      const laptop = new SoftAuthenticator({ origin: APP_ORIGIN });
      const planted = new SoftAuthenticator({ origin: APP_ORIGIN, synced: true });
      const passkeys = await aliceWithPasskeys(subject, laptop, planted);

      const finished = await reset(subject);
      expect(finished).toEqual({
        step: 'password',
        email: ALICE,
        methods: PASSKEYS,
        notice: 'password-reset',
        review: { flow_id: expect.any(String), expires_at: isoDate, passkeys },
      });
      if (finished.step !== 'password' || !finished.review) return;
      // Every session is revoked; the owner is told the password changed.
      expect(client.session.state).toEqual({ status: 'signed-out' });
      expect((await inbox(ALICE))[0]).toEqual({ code: null });

      const removal = await removePasskeysAfterReset(client.connection, { flow_id: finished.review.flow_id, passkey_ids: [passkeys[1]!.id] });
      expect(removal).toEqual({ flow_id: finished.review.flow_id, expires_at: finished.review.expires_at, passkeys: [passkeys[0]], removed: [passkeys[1]!.id] });
      // Gone is gone: asking again removes nothing and says the same of what is left.
      expect(await removePasskeysAfterReset(client.connection, { flow_id: finished.review.flow_id, passkey_ids: [passkeys[1]!.id] })).toEqual({ ...removal, removed: [] });

      const step = await client.startPasskeySignIn({});
      const refused = await rejection(client.finishPasskeySignIn({ flow_id: step.flow_id, credential: planted.get(step.options) }));
      expect(refused).toMatchObject({ code: 'passkey_rejected', status: 400 });
      const again = await client.startPasskeySignIn({});
      expect(await client.finishPasskeySignIn({ flow_id: again.flow_id, credential: laptop.get(again.options) })).toMatchObject({ step: 'done', user: { email: ALICE } });
    });

    it('are not removed through an expired review, or a flow that is no review', async () => {
      const subject = await open({ accounts: [ALICE], methods: PASSKEYS });
      const { client, advance } = subject;
      const passkeys = await aliceWithPasskeys(subject, new SoftAuthenticator({ origin: APP_ORIGIN }));
      const started = await client.startPasswordReset({ email: ALICE });
      const finished = await client.finishPasswordReset({ flow_id: started.flow_id, code: await subject.lastCode(ALICE), password: NEW_PASSWORD });
      if (finished.step !== 'password' || !finished.review) throw new Error('expected a review');
      const passkey_ids = passkeys.map((p) => p.id);

      const ceremony = await client.startPasskeySignIn({});
      for (const flow_id of [started.flow_id, ceremony.flow_id]) {
        const refused = await rejection(removePasskeysAfterReset(client.connection, { flow_id, passkey_ids }));
        expect(refused).toMatchObject({ code: 'code_expired', status: 400 });
      }
      // Fifteen minutes.
      advance(15 * 60_000 + 1000);
      const late = await rejection(removePasskeysAfterReset(client.connection, { flow_id: finished.review.flow_id, passkey_ids }));
      expect(late).toMatchObject({ code: 'code_expired', status: 400 });

      await client.signInWithPassword({ email: ALICE, password: NEW_PASSWORD });
      expect((await listPasskeys(client.connection)).passkeys).toEqual(passkeys);
    });

    it('of an account without any: the reset answers no review, as before', async () => {
      const subject = await open({ accounts: [ALICE], methods: PASSKEYS });
      expect(await reset(subject)).toEqual({ step: 'password', email: ALICE, methods: PASSKEYS, notice: 'password-reset' });
    });
  });
});

/**
 * Social sign-in, home-realm discovery and the resume after a redirect (issue 21),
 * on both brokers: the real one with the same providers on an in-process fake IdP,
 * whose authorization the harness plays (`returnFromIdp`).
 */
describe.each<Kind>(['fake', 'real'])('federation contract: %s broker', (kind) => {
  const DEVHUB: SocialProvider = { id: 'devhub', name: 'DevHub', icon: 'github' };
  const GOOGLE: SocialProvider = { id: 'google', name: 'Google', icon: 'google' };
  let subject: Subject | undefined;
  afterEach(async () => {
    await subject?.close();
    subject = undefined;
  });
  const open = async (setup: Setup = {}) => (subject = await makeSubject(kind, { social: [DEVHUB, GOOGLE], ssoDomains: { 'acme.test': 'Acme' }, ...setup }));

  it('lists the social providers in their configured order, without a session', async () => {
    const { client } = await open();
    const config = await client.getPublicConfig();
    expect(config.social).toEqual([DEVHUB, GOOGLE]);
    expect(config.sign_in_methods).toEqual(['password', 'email-code']);
  });

  it('answers a social start with where to send the page, naming the provider', async () => {
    const { client, requests } = await open();
    const step = await client.startSocialSignIn({ provider: 'devhub', resume_url: `${APP_ORIGIN}/sign-in`, return_to: `${APP_ORIGIN}/home` });
    expect(keys(step)).toEqual(['step', 'to', 'url']);
    expect(step).toMatchObject({ step: 'sso-redirect', to: { kind: 'social', name: 'DevHub', icon: 'github' } });
    // https at a real provider; the real broker's in-process IdP is on loopback http.
    expect(new URL(step.url).protocol).toMatch(/^https?:$/);
    expect(requests).toEqual(['POST /v1/sign-in/social']);
  });

  it('refuses a provider that is not configured with unknown_provider', async () => {
    const { client } = await open();
    const error = await rejection(client.startSocialSignIn({ provider: 'myspace' }));
    expect(error).toMatchObject({ code: 'unknown_provider', status: 404 });
  });

  it('refuses a resume_url off the allowlist with invalid_return_to, before any trip starts', async () => {
    const { client } = await open();
    expect(await rejection(client.startSocialSignIn({ provider: 'devhub', resume_url: 'https://evil.example/' }))).toMatchObject({ code: 'invalid_return_to', status: 400 });
    expect(await rejection(client.resumeSignIn())).toMatchObject({ code: 'no_flow' });
  });

  it('says no_flow when this browser has no flow to resume', async () => {
    const { client } = await open();
    const error = await rejection(client.resumeSignIn());
    expect(error).toMatchObject({ code: 'no_flow', status: 404 });
  });

  it('comes back from the provider signed in, and answers the resume once', async () => {
    const subject = await open();
    const { client } = subject;
    const started = await client.startSocialSignIn({ provider: 'devhub', resume_url: `${APP_ORIGIN}/sign-in` });
    // Here the browser visits the provider and the broker's callback, which sends it back to resume_url.
    const back = new URL(await subject.returnFromIdp((started as { url: string }).url));
    expect([`${back.origin}${back.pathname}`, back.searchParams.get('lk_resume')]).toEqual([`${APP_ORIGIN}/sign-in`, '1']);
    const step = await client.resumeSignIn();
    expect(step).toMatchObject({ step: 'done', user: { email: 'cy@devhub.test' } });
    expect(client.session.state).toMatchObject({ status: 'signed-in', user: { email: 'cy@devhub.test' } });
    expect(await rejection(client.resumeSignIn())).toMatchObject({ code: 'no_flow' });
  });
});
/**
 * Home-realm discovery and "SSO required", on both brokers. The real one has Acme
 * made through the admin API: acme.test verified, an OIDC connection to an in-process IdP.
 */
describe.each<Kind>(['fake', 'real'])('home-realm discovery contract: %s broker', (kind) => {
  let subject: Subject | undefined;
  afterEach(async () => {
    await subject?.close();
    subject = undefined;
  });
  const open = async (setup: Setup = {}) => (subject = await makeSubject(kind, { ssoDomains: { 'acme.test': 'Acme' }, ...setup }));

  it("sends an address of an organization's domain to its IdP, the same whether or not the account exists", async () => {
    const { client } = await open({ accounts: ['ana@acme.test'] });
    const known = await client.identify({ email: 'ana@acme.test' });
    const unknown = await client.identify({ email: 'nobody@acme.test' });
    for (const step of [known, unknown]) {
      expect(step).toMatchObject({ step: 'sso-redirect', to: { kind: 'sso', name: 'Acme' } });
      expect(keys(step)).toEqual(['step', 'to', 'url']);
    }
    // Another domain keeps the usual first step.
    expect(await client.identify({ email: ALICE })).toMatchObject({ step: 'password' });
  });

  it('refuses a password, a code, a reset and a sign-up for a domain that requires SSO, the same for a known and an unknown address', async () => {
    const { client } = await open({ accounts: ['ana@acme.test'], ssoRequired: ['acme.test'] });
    for (const email of ['ana@acme.test', 'nobody@acme.test']) {
      for (const call of [
        () => client.signInWithPassword({ email, password: PASSWORD }),
        () => client.startEmailCodeSignIn({ email }),
        () => client.startPasswordReset({ email }),
        () => client.startSignUp({ email, password: PASSWORD }),
      ]) {
        expect(await rejection(call())).toMatchObject({ code: 'sso_required', status: 403 });
      }
    }
  });
});
/**
 * Connected accounts (issue 21, `/v1/identities` and the flow's resume after the
 * IdP), on both brokers. The real one connects DevHub on an in-process fake IdP:
 * `returnFromIdp` authorizes the pending connect there (or answers the error the
 * outcome names) and visits the broker's callback.
 */
interface IdentitiesSubject {
  client: LatchkeyClient;
  /** Plays the provider's side of the pending connect; answers where the browser is sent back to. */
  returnFromIdp(outcome: 'done' | IdpErrorReason, email?: string): Promise<string>;
  close(): Promise<void>;
}

const CY = 'cy@devhub.test';
const DEVHUB = { id: 'devhub', name: 'DevHub', icon: 'github' } as const;
const RESUME_URL = `${APP_ORIGIN}/account?tab=security`;

async function makeIdentitiesSubject(kind: Kind, setup: { passwordless?: boolean } = {}): Promise<IdentitiesSubject> {
  const email = setup.passwordless ? CY : ALICE;
  if (kind === 'fake') {
    const fake = new FakeBroker({
      accounts: { [email]: setup.passwordless ? null : PASSWORD },
      // A passwordless account is one made through DevHub: that identity is its only way in.
      ...(setup.passwordless ? { identities: { [CY]: [{ provider: 'devhub', email: CY }] } } : {}),
      signedInAs: email,
      social: [DEVHUB],
      origin: APP_ORIGIN,
    });
    return { client: fake.client(), returnFromIdp: async (outcome, asserted) => fake.returnFromIdp(outcome, asserted ?? null), close: async () => {} };
  }

  const storage = await openTestStorage('pglite');
  const clock = testClock(Date.now());
  const idp = await startFakeIdp({ clock: clock.now });
  const asUser = (address: string, sub: string) => {
    idp.state.user = { sub, email: address, email_verified: true, name: null as unknown as string };
    idp.state.githubEmails = [{ email: address, primary: true, verified: true }];
  };
  // A short outbound timeout, so an IdP that does not answer is unreachable within the test; long enough
  // that a loaded CI machine's token exchange (a real HTTP round trip and an ES256 check) still fits.
  const broker = testBroker(storage, { clock, social: [realSocial(idp).devhub!], outbound: { timeoutMs: 1_500 } } as Parameters<typeof testBroker>[1]);
  const cookies = new Map<string, string>();
  let pending: string | undefined;
  const env = { incoming: { socket: { remoteAddress: '203.0.113.11' } } };
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers = new Headers(init?.headers);
    headers.set('origin', APP_ORIGIN);
    if (cookies.size) headers.set('cookie', [...cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await broker.app.request(`${url.pathname}${url.search}`, { method: init?.method ?? 'GET', headers, body: init?.body ?? null }, env);
    keepCookies(cookies, response);
    // The IdP URL of a connect, for the provider's side the test plays.
    if (url.pathname === '/v1/identities/connect' && response.status === 200) pending = ((await response.clone().json()) as { url: string }).url;
    return response;
  };
  const client = createClient({ url: BROKER_URL, fetch });
  const visit = async (query: string) => (await fetch(`${BROKER_URL}${query}`)).headers.get('location') ?? '';
  if (setup.passwordless) {
    // cy@devhub.test made through DevHub: that identity is its only way in.
    asUser(CY, 'cy-1');
    const step = await client.startSocialSignIn({ provider: 'devhub', resume_url: RESUME_URL });
    await visit(idp.authorize((step as { url: string }).url));
    await client.resumeSignIn();
  } else {
    await broker.signUp(ALICE, PASSWORD);
    await client.signInWithPassword({ email: ALICE, password: PASSWORD });
  }
  return {
    client,
    async returnFromIdp(outcome, asserted) {
      const url = pending!;
      pending = undefined;
      const state = new URL(url).searchParams.get('state')!;
      switch (outcome) {
        case 'done':
          asUser(asserted ?? 'ada@devhub.test', `sub-${asserted}`);
          return visit(idp.authorize(url));
        case 'access_denied':
        case 'idp_error':
          return visit(`/v1/oauth/callback?${new URLSearchParams({ error: outcome === 'access_denied' ? 'access_denied' : 'server_error', state, iss: idp.issuer })}`);
        case 'idp_unreachable':
          idp.state.delayMs = 2_000;
          return visit(idp.authorize(url));
        case 'not_linkable': {
          // That DevHub account already signs another account in (made by another browser, the harness's).
          asUser('someone@devhub.test', 'sub-taken');
          const started = await broker.post('/v1/sign-in/social', { provider: 'devhub' });
          await broker.get(idp.authorize(started.body.url));
          return visit(idp.authorize(url));
        }
      }
    },
    async close() {
      await broker.deps.mail.settled();
      await storage.drop();
      await idp.close();
    },
  };
}

describe.each<Kind>(['fake', 'real'])('Connected accounts contract: %s broker', (kind) => {
  let subject: IdentitiesSubject | undefined;
  const open = async (setup?: { passwordless?: boolean }) => (subject = await makeIdentitiesSubject(kind, setup));
  afterEach(async () => {
    await subject?.close();
    subject = undefined;
  });

  it('lists none at first, with every configured provider available; signed out it is unauthenticated', async () => {
    const { client } = await open();
    expect(await listConnectedAccounts(client.connection)).toEqual({ accounts: [], available: [DEVHUB] });
    await client.signOut();
    expect(await rejection(listConnectedAccounts(client.connection))).toMatchObject({ code: 'unauthenticated', status: 401 });
    expect(await rejection(connectAccount(client.connection, { provider: 'devhub' }))).toMatchObject({ code: 'unauthenticated', status: 401 });
  });

  it('connects DevHub: a redirect to the provider, back to resume_url with lk_resume, the flow answers done once, and the account is listed', async () => {
    const { client, returnFromIdp } = await open();
    const step = await connectAccount(client.connection, { provider: 'devhub', resume_url: RESUME_URL });
    expect(step).toEqual({ step: 'sso-redirect', url: expect.stringMatching(/^https?:\/\//), to: { kind: 'social', name: 'DevHub', icon: 'github' } });

    const back = new URL(await returnFromIdp('done', 'ada@devhub.test'));
    expect(`${back.origin}${back.pathname}`).toBe(`${APP_ORIGIN}/account`);
    expect(back.searchParams.get('tab')).toBe('security');
    expect(back.searchParams.get('lk_resume')).toBe('1');

    expect(await resumeSignIn(client.connection)).toMatchObject({ step: 'done', user: { email: ALICE } });
    // Answered once.
    expect(await rejection(resumeSignIn(client.connection))).toMatchObject({ code: 'no_flow', status: 404 });
    expect(await listConnectedAccounts(client.connection)).toEqual({
      accounts: [{ id: expect.any(String), provider: DEVHUB, email: 'ada@devhub.test', created_at: isoDate }],
      available: [],
    });
  });

  it.each<IdpErrorReason>(['access_denied', 'idp_unreachable', 'not_linkable', 'idp_error'])('a connect that ends in %s: the flow answers idp-error with it, and nothing is attached', async (reason) => {
    const { client, returnFromIdp } = await open();
    await connectAccount(client.connection, { provider: 'devhub', resume_url: RESUME_URL });
    await returnFromIdp(reason);
    expect(await resumeSignIn(client.connection)).toEqual({ step: 'idp-error', reason, to: { kind: 'social', name: 'DevHub', icon: 'github' }, return_to: null });
    expect(await listConnectedAccounts(client.connection)).toEqual({ accounts: [], available: [DEVHUB] });
  });

  it('refuses a provider that is not configured with unknown_provider', async () => {
    const { client } = await open();
    expect(await rejection(connectAccount(client.connection, { provider: 'myspace', resume_url: RESUME_URL }))).toMatchObject({ code: 'unknown_provider', status: 404 });
  });

  it('without a flow, resuming is no_flow', async () => {
    const { client } = await open();
    expect(await rejection(resumeSignIn(client.connection))).toMatchObject({ code: 'no_flow', status: 404 });
  });

  it('disconnects an account of a user with a password: 204, the provider is available again; an unknown id is not_found', async () => {
    const { client, returnFromIdp } = await open();
    await connectAccount(client.connection, { provider: 'devhub', resume_url: RESUME_URL });
    await returnFromIdp('done', 'ada@devhub.test');
    expect(await resumeSignIn(client.connection)).toMatchObject({ step: 'done' });
    const [account] = (await listConnectedAccounts(client.connection)).accounts;
    expect(await rejection(disconnectAccount(client.connection, 'idn_nope'))).toMatchObject({ code: 'not_found', status: 404 });
    await expect(disconnectAccount(client.connection, account!.id)).resolves.toBeUndefined();
    expect(await listConnectedAccounts(client.connection)).toEqual({ accounts: [], available: [DEVHUB] });
    expect(await rejection(disconnectAccount(client.connection, account!.id))).toMatchObject({ code: 'not_found', status: 404 });
  });

  it('refuses to disconnect the last way in (no password, no passkey, no other identity) with last_way_in, and keeps it', async () => {
    const { client } = await open({ passwordless: true });
    const before = await listConnectedAccounts(client.connection);
    expect(before.accounts).toEqual([{ id: expect.any(String), provider: DEVHUB, email: CY, created_at: isoDate }]);
    expect(await rejection(disconnectAccount(client.connection, before.accounts[0]!.id))).toMatchObject({ code: 'last_way_in', status: 409 });
    expect(await listConnectedAccounts(client.connection)).toEqual(before);
  });

});
describe.each<Kind>(['fake', 'real'])('Two-step verification contract: %s broker', (kind) => {
  let subject: Subject | undefined;
  const open = async (setup?: Setup) => (subject = await makeSubject(kind, setup));
  afterEach(async () => {
    await subject?.close();
    subject = undefined;
  });

    const MFA_KEYS = ['attempts_left', 'flow_id', 'methods', 'step'];

    it('a password sign-in of an account with an app answers mfa (no session yet); a wrong code counts down, the app\'s code opens the session with pwd+otp+mfa', async () => {
      const { client } = await open({ accounts: [ALICE], totp: [ALICE] });
      const step = await client.signInWithPassword({ email: ALICE, password: PASSWORD });
      expect(keys(step)).toEqual(MFA_KEYS);
      expect(step).toMatchObject({ step: 'mfa', flow_id: expect.any(String), methods: ['totp', 'recovery-code'], attempts_left: 5 });
      // No session between the factors: no token for the page.
      expect((await subject!.raw('POST', '/v1/session/token', {})).status).toBe(401);
      const flowId = (step as { flow_id: string }).flow_id;
      const { code } = subject!.secondFactor(ALICE);
      expect(await rejection(verifyMfa(client.connection, { flow_id: flowId, method: 'totp', code: wrong(code) }))).toMatchObject({ code: 'invalid_code', status: 400, problem: { attempts_left: 4 } });
      const done = await verifyMfa(client.connection, { flow_id: flowId, method: 'totp', code });
      expect(done).toMatchObject({ step: 'done', user: { email: ALICE }, session: { amr: ['pwd', 'otp', 'mfa'], factors: [{ method: 'pwd' }, { method: 'otp' }], aal: 2 } });
    });

    it('a recovery code opens the session once (case and dashes ignored); the same code is invalid_code the next time', async () => {
      const { client } = await open({ accounts: [ALICE], totp: [ALICE] });
      const recoveryCode = subject!.secondFactor(ALICE).recoveryCodes[0]!;
      const signIn = async (code: string) => {
        const step = (await client.signInWithPassword({ email: ALICE, password: PASSWORD })) as { flow_id: string };
        return verifyMfa(client.connection, { flow_id: step.flow_id, method: 'recovery-code', code });
      };
      expect(await signIn(recoveryCode.toUpperCase().replace('-', ' '))).toMatchObject({ step: 'done', session: { amr: ['pwd', 'rc', 'mfa'], aal: 2 } });
      await client.signOut();
      expect(await rejection(signIn(recoveryCode))).toMatchObject({ code: 'invalid_code', status: 400, problem: { attempts_left: 4 } });
    });

    it('an account without an app signs in with its password alone', async () => {
      const { client } = await open({ accounts: [ALICE] });
      expectDone(await client.signInWithPassword({ email: ALICE, password: PASSWORD }), ALICE, ['pwd']);
    });

    it('a flow id that is no pending sign-in of this browser is code_expired', async () => {
      const { client } = await open({ accounts: [ALICE], totp: [ALICE] });
      expect(await rejection(verifyMfa(client.connection, { flow_id: 'flw_nothing_here_at_all_x', method: 'totp', code: '123456' }))).toMatchObject({ code: 'code_expired' });
    });
  });
