import { enrollMfa, type MfaEnrollStep } from '@latchkey/client';
import { afterEach, describe, expect, it } from 'vitest';
import { ALICE, keys, makeSubject, PASSWORD, rejection, wrong, type Kind, type Setup, type Subject } from './contract-subject.js';

/**
 * An organization's "MFA required" as a client meets it, on the in-memory broker and
 * the real one: a member without a second factor is asked to enrol (`mfa-enroll`)
 * before any session, confirms the app with its first code, and gets `done` with
 * the recovery codes; the next sign-in asks for the app (`mfa`).
 */
describe.each<Kind>(['fake', 'real'])('organization MFA contract: %s broker', (kind) => {
  let subject: Subject | undefined;
  const open = async (setup?: Setup) => (subject = await makeSubject(kind, setup));
  afterEach(async () => {
    await subject?.close();
    subject = undefined;
  });
  const ENROL_KEYS = ['attempts_left', 'flow_id', 'organization', 'secret', 'step', 'uri'];

  it('asks a member without a second factor to enrol, with no session yet; a wrong code counts down; the first code opens the session with the recovery codes', async () => {
    const { client } = await open({ accounts: [ALICE], mfaRequiredBy: { [ALICE]: 'Acme' } });
    const step = (await client.signInWithPassword({ email: ALICE, password: PASSWORD })) as MfaEnrollStep;
    expect(keys(step)).toEqual(ENROL_KEYS);
    expect(step).toMatchObject({ step: 'mfa-enroll', flow_id: expect.any(String), organization: 'Acme', secret: expect.stringMatching(/^[A-Z2-7]{16,}$/), attempts_left: 5 });
    expect(step.uri).toMatch(/^otpauth:\/\/totp\/.+secret=/);
    expect((await subject!.raw('POST', '/v1/session/token', {})).status).toBe(401);

    const code = subject!.enrollCode(step.secret);
    expect(await rejection(enrollMfa(client.connection, { flow_id: step.flow_id, code: wrong(code) }))).toMatchObject({ code: 'invalid_code', status: 400, problem: { attempts_left: 4 } });
    const done = await enrollMfa(client.connection, { flow_id: step.flow_id, code });
    expect(done).toMatchObject({ step: 'done', user: { email: ALICE }, session: { amr: ['pwd', 'otp', 'mfa'], factors: [{ method: 'pwd' }, { method: 'otp' }], aal: 2 } });
    expect((done as { recovery_codes: string[] }).recovery_codes).toHaveLength(10);
    for (const recovery of (done as { recovery_codes: string[] }).recovery_codes) expect(recovery).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    expect((await subject!.raw('POST', '/v1/session/token', {})).status).toBe(200);

    // The step is taken: its flow is used up, and the next sign-in asks for the app.
    expect(await rejection(enrollMfa(client.connection, { flow_id: step.flow_id, code }))).toMatchObject({ code: 'code_expired' });
    await client.signOut();
    expect(await client.signInWithPassword({ email: ALICE, password: PASSWORD })).toMatchObject({ step: 'mfa', methods: ['totp', 'recovery-code'] });
  });

  it('refuses a flow id that is no pending enrolment of this browser', async () => {
    const { client } = await open({ accounts: [ALICE], mfaRequiredBy: { [ALICE]: 'Acme' } });
    expect(await rejection(enrollMfa(client.connection, { flow_id: 'flw_nothing_here_at_all_x', code: '123456' }))).toMatchObject({ code: 'code_expired' });
  });

  it('signs an account of no such organization in with its password alone', async () => {
    const { client } = await open({ accounts: [ALICE] });
    expect(await client.signInWithPassword({ email: ALICE, password: PASSWORD })).toMatchObject({ step: 'done' });
  });
});
