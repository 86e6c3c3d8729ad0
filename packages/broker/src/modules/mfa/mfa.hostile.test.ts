import { describe, expect, it } from 'vitest';
import { rowCounts, storageKinds, useTestBroker, type StorageKind, type TestBroker } from '../../test/harness.js';
import { appCode, enrolApp, PASSWORD, passwordFirst, userWithTotp, waitingForSecondFactor } from './mfa.fixtures.js';

/** Two browsers each sign in with the password, then answer their mfa steps with `code` at the same moment: the two answers, sorted. */
async function answerTwoSignInsAtOnce(b: TestBroker, method: 'totp' | 'recovery-code', code: string) {
  const browsers = [b.browser({ ip: '198.51.100.61' }), b.browser({ ip: '198.51.100.62' })];
  const flows = await Promise.all(browsers.map(async (browser) => (await passwordFirst(browser)).body.flow_id));
  const answers = await Promise.all(browsers.map((browser, i) => browser.post('/v1/sign-in/mfa', { flow_id: flows[i], method, code })));
  return answers.map((a) => a.body.step ?? a.body.code).sort();
}

describe.each(storageKinds)('MFA under attack on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind);

  it('counts exactly five of fifty parallel wrong guesses against one pending sign-in, and opens no session', async () => {
    const b = t.broker;
    const { secret, browser, flowId } = await waitingForSecondFactor(b, '198.51.100.60');
    const sessions = (await rowCounts(t.storage)).sessions;
    const wrong = appCode(b, secret, 7);
    const answers = await Promise.all(Array.from({ length: 50 }, () => browser.post('/v1/sign-in/mfa', { flow_id: flowId, method: 'totp', code: wrong })));
    const [row] = await t.storage.query<{ attempts: number }>(`SELECT attempts FROM flows WHERE id = $1`, [flowId]);
    expect(row!.attempts).toBe(5);
    expect(answers.filter((a) => a.body.code === 'invalid_code')).toHaveLength(4);
    for (const answer of answers) expect(['invalid_code', 'too_many_attempts', 'rate_limited']).toContain(answer.body.code);
    expect((await rowCounts(t.storage)).sessions).toBe(sessions);
    expect((await browser.post('/v1/sign-in/mfa', { flow_id: flowId, method: 'totp', code: appCode(b, secret) })).body.code).toBe('too_many_attempts');
  });

  it('takes one TOTP code once when two sign-ins send it at the same moment', async () => {
    const b = t.broker;
    const { secret } = await userWithTotp(b);
    expect(await answerTwoSignInsAtOnce(b, 'totp', appCode(b, secret))).toEqual(['done', 'invalid_code']);
  });

  it('takes one recovery code once when it is used twice in parallel', async () => {
    const b = t.broker;
    const { recoveryCodes } = await userWithTotp(b);
    expect(await answerTwoSignInsAtOnce(b, 'recovery-code', recoveryCodes[0]!)).toEqual(['done', 'invalid_code']);
    expect((await b.get('/v1/mfa')).body.recovery_codes.remaining).toBe(9);
  });

  it('opens one session when the same right code is sent twice at once on one pending sign-in', async () => {
    const b = t.broker;
    const { secret, browser, flowId } = await waitingForSecondFactor(b, '198.51.100.65');
    const before = (await rowCounts(t.storage)).sessions;
    const answers = await Promise.all([0, 1].map(() => browser.post('/v1/sign-in/mfa', { flow_id: flowId, method: 'totp', code: appCode(b, secret) })));
    expect(answers.filter((a) => a.body.step === 'done')).toHaveLength(1);
    expect((await rowCounts(t.storage)).sessions).toBe(before + 1);
  });

  it("refuses a code for an expired enrolment, and another user's enrolment, which its owner can still confirm", async () => {
    const b = t.broker;
    await b.signUp('ada@example.test');
    const enrollment = await b.post('/v1/mfa/totp');
    b.clock.advance(601_000);
    // Past the enrolment's ten minutes the sign-in is past the step-up window too: a fresh password first, so the refusal is the enrolment's.
    const stepUp = await b.post('/v1/step-up');
    expect((await b.post('/v1/step-up/password', { flow_id: stepUp.body.flow_id, password: 'correct horse battery staple' })).status).toBe(200);
    expect((await b.post('/v1/mfa/totp/confirm', { enrollment_id: enrollment.body.enrollment_id, code: appCode(b, enrollment.body.secret) })).body.code).toBe('code_expired');

    const fresh = await b.post('/v1/mfa/totp');
    const mallory = b.browser({ ip: '198.51.100.66' });
    const signUp = await mallory.post('/v1/sign-up', { email: 'mallory@example.test', password: 'another horse battery staple' });
    await mallory.post('/v1/sign-up/verify', { flow_id: signUp.body.flow_id, code: await b.lastCode('mallory@example.test') });
    const stolen = await mallory.post('/v1/mfa/totp/confirm', { enrollment_id: fresh.body.enrollment_id, code: appCode(b, fresh.body.secret) });
    expect(stolen.body.code).toBe('code_expired');
    expect((await t.storage.query(`SELECT 1 FROM totp_factors`)).length).toBe(0);
    expect((await b.post('/v1/mfa/totp/confirm', { enrollment_id: fresh.body.enrollment_id, code: appCode(b, fresh.body.secret) })).status).toBe(201);
  });

  it('asks for the app when a password sign-in request captured before it was enrolled is replayed after', async () => {
    const b = t.broker;
    await b.signUp('ada@example.test', PASSWORD);
    const attacker = b.browser({ ip: '198.51.100.68' });
    // The request as it went over the wire before the app: it signed in with one factor then.
    const before = await passwordFirst(attacker);
    expect(before.body.step).toBe('done');
    await attacker.post('/v1/sign-out');
    await enrolApp(b);
    // The same bytes again, from the same browser (its cookies too) and from a fresh one.
    for (const browser of [attacker, b.browser({ ip: '198.51.100.69' })]) {
      const replayed = await passwordFirst(browser);
      expect(replayed.body).toMatchObject({ step: 'mfa', methods: ['totp', 'recovery-code'] });
      expect(replayed.setCookies.some((c) => c.startsWith('lk_session='))).toBe(false);
      expect((await browser.post('/v1/session/token')).status).toBe(401);
    }
  });

  it('asks for the app when a code mailed before it was enrolled is redeemed after', async () => {
    const b = t.broker;
    await b.signUp('ada@example.test');
    const browser = b.browser({ ip: '198.51.100.67' });
    const started = await browser.post('/v1/sign-in/email-code', { email: 'ada@example.test' });
    const code = await b.lastCode('ada@example.test');
    const enrollment = await b.post('/v1/mfa/totp');
    expect((await b.post('/v1/mfa/totp/confirm', { enrollment_id: enrollment.body.enrollment_id, code: appCode(b, enrollment.body.secret) })).status).toBe(201);
    const step = await browser.post('/v1/sign-in/email-code/verify', { flow_id: started.body.flow_id, code });
    expect(step.body).toMatchObject({ step: 'mfa', methods: ['totp', 'recovery-code'] });
    expect(step.setCookies.some((c) => c.startsWith('lk_session='))).toBe(false);
  });
});
