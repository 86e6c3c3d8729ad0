import {
  addPasskey,
  confirmTotpEnrollment,
  deleteTotp,
  finishMfaPasskey,
  getMfaStatus,
  regenerateRecoveryCodes,
  startAddPasskey,
  startMfaPasskey,
  startTotpEnrollment,
  verifyMfa,
  type MfaStep,
} from '@latchkey/client';
import { afterEach, describe, expect, it } from 'vitest';
import { SoftAuthenticator } from './soft-authenticator.js';
import { APP_ORIGIN } from './harness.js';
import { ALICE, PASSWORD, expectDone, isoDate, keys, makeSubject, rejection, wrong, type Kind, type Setup, type Subject } from './contract-subject.js';

/**
 * The signed-in user's second factors (`/v1/mfa/*`: status, enrol an authenticator
 * app, confirm, regenerate recovery codes, remove) and a passkey as the second factor
 * of a sign-in (`/v1/sign-in/mfa/passkey*`), on the in-memory broker and the real one.
 */
describe.each<Kind>(['fake', 'real'])('MFA account contract: %s broker', (kind) => {
  let subject: Subject | undefined;
  const open = async (setup?: Setup) => (subject = await makeSubject(kind, setup));
  afterEach(async () => {
    await subject?.close();
    subject = undefined;
  });

  /** Alice signs in with her password and enrols an app: its secret, the factor and her recovery codes. */
  async function enrolled(s: Subject) {
    expectDone(await s.client.signInWithPassword({ email: ALICE, password: PASSWORD }), ALICE, ['pwd']);
    const enrollment = await startTotpEnrollment(s.client.connection);
    const confirmation = await confirmTotpEnrollment(s.client.connection, { enrollment_id: enrollment.enrollment_id, code: s.appCode(ALICE, enrollment.secret) });
    return { enrollment, confirmation };
  }

  it('enrols an app: the status before and after, a wrong first code counted, the right one answers the factor and ten recovery codes', async () => {
    const s = await open({ accounts: [ALICE] });
    expectDone(await s.client.signInWithPassword({ email: ALICE, password: PASSWORD }), ALICE, ['pwd']);
    expect(await getMfaStatus(s.client.connection)).toEqual({ factors: [], recovery_codes: { remaining: 0, created_at: null }, passkeys: 0 });

    const enrollment = await startTotpEnrollment(s.client.connection);
    expect(keys(enrollment)).toEqual(['enrollment_id', 'expires_at', 'secret', 'uri']);
    expect(enrollment.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(enrollment.uri).toBe(`otpauth://totp/Latchkey:${encodeURIComponent(ALICE)}?secret=${enrollment.secret}&issuer=Latchkey&algorithm=SHA1&digits=6&period=30`);
    const code = s.appCode(ALICE, enrollment.secret);
    const refused = await rejection(confirmTotpEnrollment(s.client.connection, { enrollment_id: enrollment.enrollment_id, code: wrong(code) }));
    expect(refused).toMatchObject({ code: 'invalid_code', status: 400, problem: { attempts_left: 4 } });

    const confirmation = await confirmTotpEnrollment(s.client.connection, { enrollment_id: enrollment.enrollment_id, code });
    expect(keys(confirmation)).toEqual(['factor', 'recovery_codes']);
    expect(confirmation.factor).toEqual({ id: expect.stringMatching(/^totp_/), type: 'totp', created_at: isoDate, last_used_at: isoDate });
    expect(confirmation.recovery_codes).toHaveLength(10);
    expect(new Set(confirmation.recovery_codes).size).toBe(10);
    for (const c of confirmation.recovery_codes!) expect(c).toMatch(/^[a-hjkmnp-z2-9]{5}-[a-hjkmnp-z2-9]{5}$/);
    // Used up; and one app at a time.
    expect(await rejection(confirmTotpEnrollment(s.client.connection, { enrollment_id: enrollment.enrollment_id, code }))).toMatchObject({ code: 'code_expired' });
    expect(await rejection(startTotpEnrollment(s.client.connection))).toMatchObject({ code: 'invalid_request', status: 400 });
    expect(await getMfaStatus(s.client.connection)).toEqual({ factors: [confirmation.factor], recovery_codes: { remaining: 10, created_at: isoDate }, passkeys: 0 });
  });

  it('refuses the account routes to a browser nobody is signed in to', async () => {
    const s = await open({ accounts: [ALICE] });
    expect(await rejection(getMfaStatus(s.client.connection))).toMatchObject({ code: 'unauthenticated', status: 401 });
    expect(await rejection(startTotpEnrollment(s.client.connection))).toMatchObject({ code: 'unauthenticated', status: 401 });
    expect(await rejection(regenerateRecoveryCodes(s.client.connection))).toMatchObject({ code: 'unauthenticated', status: 401 });
  });

  it('regenerates the recovery codes: ten new ones, the old ones refused at sign-in, a new one taken', async () => {
    const s = await open({ accounts: [ALICE] });
    const { confirmation } = await enrolled(s);
    const fresh = await regenerateRecoveryCodes(s.client.connection);
    expect(keys(fresh)).toEqual(['codes', 'created_at']);
    expect(fresh.codes).toHaveLength(10);
    expect(fresh.codes.filter((c) => confirmation.recovery_codes!.includes(c))).toEqual([]);
    expect((await getMfaStatus(s.client.connection)).recovery_codes).toEqual({ remaining: 10, created_at: fresh.created_at });

    await s.client.signOut();
    const step = (await s.client.signInWithPassword({ email: ALICE, password: PASSWORD })) as MfaStep;
    expect(step).toMatchObject({ step: 'mfa', methods: ['totp', 'recovery-code'] });
    const old = await rejection(verifyMfa(s.client.connection, { flow_id: step.flow_id, method: 'recovery-code', code: confirmation.recovery_codes![0]! }));
    expect(old).toMatchObject({ code: 'invalid_code', problem: { attempts_left: 4 } });
    const done = await verifyMfa(s.client.connection, { flow_id: step.flow_id, method: 'recovery-code', code: fresh.codes[0]! });
    expect(done).toMatchObject({ step: 'done', session: { amr: ['pwd', 'rc', 'mfa'] } });
    expect((await getMfaStatus(s.client.connection)).recovery_codes.remaining).toBe(9);
  });

  it('removes the app with its recovery codes: the password alone signs in again; an unknown id is not_found', async () => {
    const s = await open({ accounts: [ALICE] });
    const { confirmation } = await enrolled(s);
    expect(await rejection(deleteTotp(s.client.connection, 'totp_not_this_one_at_all'))).toMatchObject({ code: 'not_found', status: 404 });
    await deleteTotp(s.client.connection, confirmation.factor.id);
    expect(await getMfaStatus(s.client.connection)).toMatchObject({ factors: [], recovery_codes: { remaining: 0 } });
    await s.client.signOut();
    expectDone(await s.client.signInWithPassword({ email: ALICE, password: PASSWORD }), ALICE, ['pwd']);
  });

  it('takes a passkey added on the account page as the second factor where sign-in offers no passkeys: done, amr with mfa', async () => {
    const s = await open({ accounts: [ALICE], totp: [ALICE], methods: ['password'], rpId: 'app.test' });
    const first = (await s.client.signInWithPassword({ email: ALICE, password: PASSWORD })) as MfaStep;
    expect(first.methods).toEqual(['totp', 'recovery-code']);
    await verifyMfa(s.client.connection, { flow_id: first.flow_id, method: 'totp', code: s.secondFactor(ALICE).code });
    const authenticator = new SoftAuthenticator({ origin: APP_ORIGIN });
    const adding = await startAddPasskey(s.client.connection);
    await addPasskey(s.client.connection, { flow_id: adding.flow_id, credential: authenticator.create(adding.options) });
    expect((await getMfaStatus(s.client.connection)).passkeys).toBe(1);
    // Sign-in itself still offers no passkey.
    expect(await rejection(s.client.startPasskeySignIn({}))).toMatchObject({ code: 'invalid_request' });

    await s.client.signOut();
    const step = (await s.client.signInWithPassword({ email: ALICE, password: PASSWORD })) as MfaStep;
    expect(step).toMatchObject({ step: 'mfa', methods: ['totp', 'recovery-code', 'passkey'] });
    const ceremony = await startMfaPasskey(s.client.connection, { flow_id: step.flow_id });
    expect(keys(ceremony)).toEqual(['expires_at', 'flow_id', 'options', 'step']);
    expect(ceremony.options.allowCredentials?.map((c) => c.id)).toEqual([authenticator.credentials[0]!.id]);
    const credential = authenticator.get(ceremony.options);
    const done = await finishMfaPasskey(s.client.connection, { flow_id: ceremony.flow_id, credential });
    expect(done).toMatchObject({ step: 'done', user: { email: ALICE }, session: { aal: 2 } });
    if (done.step !== 'done') return;
    expect(done.session.amr).toEqual(expect.arrayContaining(['pwd', 'user', 'mfa']));
    expect(done.session.factors.map((f) => f.method)).toEqual(['pwd', 'passkey']);
    // The ceremony answers once; an unknown pending sign-in gets no ceremony.
    expect(await rejection(finishMfaPasskey(s.client.connection, { flow_id: ceremony.flow_id, credential }))).toMatchObject({ code: 'passkey_rejected' });
    expect(await rejection(startMfaPasskey(s.client.connection, { flow_id: step.flow_id }))).toMatchObject({ code: 'code_expired' });
  });
});
