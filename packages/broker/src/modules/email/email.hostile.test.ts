import { describe, expect, it } from 'vitest';
import { rowCounts, storageKinds, testBroker, type StorageKind, useTestBroker } from '../../test/harness.js';

describe.each(storageKinds)('mailed codes against hostile input on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind, async (b) => {
    await b.signUp('ada@example.com');
    b.cookies.clear();
  });

  async function startSignIn() {
    const started = await t.broker.post('/v1/sign-in/email-code', { email: 'ada@example.com' });
    expect(started.status).toBe(202);
    return { flowId: started.body.flow_id as string, code: await t.broker.lastCode('ada@example.com') };
  }
  const wrong = (code: string) => (code === '000000' ? '111111' : '000000');
  const verify = (flowId: string, code: string) => t.broker.post('/v1/sign-in/email-code/verify', { flow_id: flowId, code });

  it('signs in with the mailed code (amr email, never TOTP’s otp)', async () => {
    const { flowId, code } = await startSignIn();
    const done = await verify(flowId, code);
    expect(done.status).toBe(200);
    expect(done.body.session.amr).toEqual(['email']);
  });

  it('refuses a wrong code, and after five the right one too', async () => {
    const { flowId, code } = await startSignIn();
    for (let i = 1; i <= 4; i++) expect((await verify(flowId, wrong(code))).body.code).toBe('invalid_code');
    expect((await verify(flowId, wrong(code))).body.code).toBe('too_many_attempts');
    const before = await rowCounts(t.storage);
    const late = await verify(flowId, code);
    expect(late.status).toBe(400);
    expect(late.body.code).toBe('too_many_attempts');
    expect(await rowCounts(t.storage)).toEqual(before);
  });

  it('compares at most five of fifty parallel wrong codes, and refuses the right code after them', async () => {
    const { flowId, code } = await startSignIn();
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => verify(flowId, String(100000 + i) === code ? '999999' : String(100000 + i))));
    expect(answers.every((a) => a.status === 400 || a.status === 429)).toBe(true);
    expect(answers.filter((a) => a.body.code === 'invalid_code').length).toBeLessThanOrEqual(4);
    const [flow] = await t.storage.query<{ attempts: number }>(`SELECT attempts FROM flows WHERE id = $1`, [flowId]);
    expect(flow?.attempts).toBe(5);
    const late = await verify(flowId, code);
    expect(late.body.code).toBe('too_many_attempts');
    expect((await rowCounts(t.storage)).sessions).toBe(1); // the sign-up's only
  });

  it('refuses a code that was already used', async () => {
    const { flowId, code } = await startSignIn();
    expect((await verify(flowId, code)).status).toBe(200);
    const again = await verify(flowId, code);
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('code_expired');
  });

  it('accepts a code only once even when two requests race with it', async () => {
    const { flowId, code } = await startSignIn();
    const results = await Promise.all([verify(flowId, code), verify(flowId, code), verify(flowId, code)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400, 400]);
    expect((await rowCounts(t.storage)).sessions).toBe(2); // the sign-up's and the one winner's
  });

  it('refuses an expired code', async () => {
    const { flowId, code } = await startSignIn();
    t.broker.clock.advance(10 * 60_000 + 1);
    const late = await verify(flowId, code);
    expect(late.status).toBe(400);
    expect(late.body.code).toBe('code_expired');
    expect(late.setCookies).toEqual([]);
  });

  it('refuses a code for a flow that does not exist', async () => {
    expect((await verify('flw_made-up', '123456')).body.code).toBe('code_expired');
  });

  it('refuses a code that is not six digits as bad input', async () => {
    const { flowId } = await startSignIn();
    const response = await verify(flowId, '12345a');
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('invalid_request');
  });

  it('answers a code request for an unknown address like a known one, and mails nothing', async () => {
    const mails = await t.broker.outboxCount();
    const unknown = await t.broker.post('/v1/sign-in/email-code', { email: 'nobody@example.com' });
    expect(unknown.status).toBe(202);
    expect(Object.keys(unknown.body).sort()).toEqual(['attempts_left', 'email', 'expires_at', 'flow_id', 'methods', 'purpose', 'resend_after', 'step']);
    expect(await t.broker.outboxCount()).toBe(mails);
    expect((await verify(unknown.body.flow_id, '123456')).body.code).toBe('invalid_code');
  });

  it('refuses to resend before resend_after, then sends a code that replaces the old one', async () => {
    const { flowId, code } = await startSignIn();
    const early = await t.broker.post('/v1/email-code/resend', { flow_id: flowId });
    expect(early.status).toBe(429);
    expect(early.body.code).toBe('rate_limited');
    expect(Number(early.headers.get('retry-after'))).toBeGreaterThan(0);

    t.broker.clock.advance(31_000);
    const resent = await t.broker.post('/v1/email-code/resend', { flow_id: flowId });
    expect(resent.status).toBe(202);
    const fresh = await t.broker.lastCode('ada@example.com');
    if (fresh !== code) expect((await verify(flowId, code)).body.code).toBe('invalid_code');
    expect((await verify(flowId, fresh)).status).toBe(200);
  });

  it('does not reset the wrong-code count when a new code is sent', async () => {
    const { flowId, code } = await startSignIn();
    for (let i = 0; i < 4; i++) await verify(flowId, wrong(code));
    t.broker.clock.advance(31_000);
    await t.broker.post('/v1/email-code/resend', { flow_id: flowId });
    const fresh = await t.broker.lastCode('ada@example.com');
    expect((await verify(flowId, wrong(fresh))).body.code).toBe('too_many_attempts');
  });

  it('limits how many codes one address can be sent', async () => {
    let last = 0;
    for (let i = 0; i < 12; i++) last = (await t.broker.post('/v1/sign-in/email-code', { email: 'ada@example.com' })).status;
    expect(last).toBe(429);
  });

  it('keeps the code out of every mail subject, which lock screens and notification previews show', async () => {
    // The setup's sign-up mailed a code; a sign-in, a resend and a reset mail three more.
    const { flowId } = await startSignIn();
    t.broker.clock.advance(31_000);
    expect((await t.broker.post('/v1/email-code/resend', { flow_id: flowId })).status).toBe(202);
    expect((await t.broker.post('/v1/password-reset', { email: 'ada@example.com' })).status).toBe(202);
    const mails = await t.broker.outbox('ada@example.com');
    expect(mails.map((m) => m.subject).sort()).toEqual(['Confirm your email address', 'Reset your password', 'Your sign-in code', 'Your sign-in code']);
    for (const mail of mails) {
      const code = /^ {4}(\d{6})$/m.exec(mail.text)?.[1];
      expect(code, mail.text).toBeDefined();
      expect(mail.subject).not.toContain(code);
      expect(mail.subject).not.toMatch(/\d/);
    }
  });

  it('hides the outbox outside dev mode', async () => {
    const prod = testBroker(t.storage, { dev: false, secret: 's'.repeat(32), mailer: { send: async () => {} } });
    const response = await prod.get('/dev/outbox');
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('not_found');
  });
});
