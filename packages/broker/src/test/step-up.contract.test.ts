import { afterEach, describe, expect, it } from 'vitest';
import {
  deletePasskey,
  getSession,
  sendStepUpEmailCode,
  startAddPasskey,
  startStepUp,
  stepUpWithCode,
  stepUpWithEmailCode,
  stepUpWithPassword,
  verifyMfa,
} from '@latchkey/client';
import { ALICE, PASSWORD, isoDate, keys, makeSubject, rejection, wrong, type Kind, type Setup, type Subject } from './contract-subject.js';

/**
 * Step-up (issue 23 §4) on both brokers: a sensitive change after the window
 * (10 minutes) is refused with 403 `reauthentication_required`; `POST
 * /v1/step-up` says what the account can prove itself with, and each proof
 * appends its factor to the session, after which the change goes through.
 */

const ELEVEN_MINUTES = 11 * 60_000;
const PASSKEYS_ON: Setup = { accounts: [ALICE], methods: ['password', 'email-code', 'passkey'] };

describe.each<Kind>(['fake', 'real'])('step-up contract: %s broker', (kind) => {
  let subject: Subject | undefined;
  const open = async (setup?: Setup) => (subject = await makeSubject(kind, setup));
  afterEach(async () => {
    await subject?.close();
    subject = undefined;
  });

  /** Signs ALICE in with her password in the subject's browser, then lets the window pass. */
  async function staleSession(setup: Setup = PASSKEYS_ON) {
    const { client } = await open(setup);
    expect((await client.signInWithPassword({ email: ALICE, password: PASSWORD })).step).toBe('done');
    subject!.advance(ELEVEN_MINUTES);
    return client;
  }

  it('refuses a sensitive change after the window with 403 reauthentication_required, and a password step-up lets it through', async () => {
    const client = await staleSession();
    expect(await rejection(startAddPasskey(client.connection))).toMatchObject({ code: 'reauthentication_required', status: 403 });
    expect(await rejection(deletePasskey(client.connection, 'pk_unknown'))).toMatchObject({ code: 'reauthentication_required', status: 403 });

    const challenge = await startStepUp(client.connection);
    expect(keys(challenge)).toEqual(['attempts_left', 'email', 'expires_at', 'flow_id', 'methods']);
    expect(challenge).toMatchObject({ methods: ['password', 'email-code'], email: ALICE, expires_at: isoDate, attempts_left: 5 });
    expect(await rejection(stepUpWithPassword(client.connection, { flow_id: challenge.flow_id, password: 'not the password' }))).toMatchObject({
      code: 'invalid_credentials',
      status: 401,
      problem: { attempts_left: 4 },
    });
    const session = await stepUpWithPassword(client.connection, { flow_id: challenge.flow_id, password: PASSWORD });
    expect(session.factors.map((f) => f.method)).toEqual(['pwd', 'pwd']);
    expect(session.factors[1]!.at).toEqual(isoDate);
    expect((await getSession(client.connection))!.session).toEqual(session);
    // The step-up is used up.
    expect(await rejection(stepUpWithPassword(client.connection, { flow_id: challenge.flow_id, password: PASSWORD }))).toMatchObject({ code: 'code_expired' });
    expect((await startAddPasskey(client.connection)).step).toBe('passkey-registration');
    // Renaming is not sensitive, deleting is: past the window again, a delete is refused before the passkey is looked up.
    subject!.advance(ELEVEN_MINUTES);
    expect(await rejection(deletePasskey(client.connection, 'pk_unknown'))).toMatchObject({ code: 'reauthentication_required' });
  });

  it('steps up by a code mailed to the account, counting a wrong one', async () => {
    const client = await staleSession();
    const sent = await sendStepUpEmailCode(client.connection);
    expect(sent).toMatchObject({ step: 'email-code', purpose: 'step-up', email: ALICE, attempts_left: 5 });
    const code = await subject!.lastCode(ALICE);
    expect(await rejection(stepUpWithEmailCode(client.connection, { flow_id: sent.flow_id, code: wrong(code) }))).toMatchObject({ code: 'invalid_code', problem: { attempts_left: 4 } });
    const session = await stepUpWithEmailCode(client.connection, { flow_id: sent.flow_id, code });
    expect(session.factors.at(-1)!.method).toBe('email_code');
    expect((await startAddPasskey(client.connection)).step).toBe('passkey-registration');
  });

  it('asks an account with an authenticator app for a second factor only, and refuses its password', async () => {
    const { client } = await open({ ...PASSKEYS_ON, totp: [ALICE] });
    const first = await client.signInWithPassword({ email: ALICE, password: PASSWORD });
    if (first.step !== 'mfa') throw new Error(`expected the mfa step, got ${first.step}`);
    const { code, recoveryCodes } = subject!.secondFactor(ALICE);
    expect((await verifyMfa(client.connection, { flow_id: first.flow_id, method: 'totp', code })).step).toBe('done');
    subject!.advance(ELEVEN_MINUTES);
    expect(await rejection(startAddPasskey(client.connection))).toMatchObject({ code: 'reauthentication_required' });
    const challenge = await startStepUp(client.connection);
    expect(challenge.methods).toEqual(['totp', 'recovery-code']);
    expect(await rejection(stepUpWithPassword(client.connection, { flow_id: challenge.flow_id, password: PASSWORD }))).toMatchObject({ code: 'invalid_request' });
    expect(await rejection(sendStepUpEmailCode(client.connection))).toMatchObject({ code: 'invalid_request' });
    const session = await stepUpWithCode(client.connection, { flow_id: challenge.flow_id, method: 'recovery-code', code: recoveryCodes[0]! });
    expect(session.factors.at(-1)!.method).toBe('recovery_code');
    expect(session.amr).toContain('rc');
    expect((await startAddPasskey(client.connection)).step).toBe('passkey-registration');
  });

  it('refuses step-up without a session, and a flow id it never opened', async () => {
    const { client } = await open(PASSKEYS_ON);
    expect(await rejection(startStepUp(client.connection))).toMatchObject({ code: 'unauthenticated', status: 401 });
    await client.signInWithPassword({ email: ALICE, password: PASSWORD });
    expect(await rejection(stepUpWithPassword(client.connection, { flow_id: 'flw_unknown', password: PASSWORD }))).toMatchObject({ code: 'code_expired' });
  });
});
