import { describe, expect, it } from 'vitest';
import { storageKinds, testBroker, type StorageKind, useTestBroker } from '../../test/harness.js';

describe.each(storageKinds)('the sign-in engine on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind, async (b) => {
    await b.signUp('ada@example.com');
    b.cookies.clear();
  });

  it('answers identify from the configuration: with email codes first, the code is mailed at once, and only to an account', async () => {
    const codeFirst = testBroker(t.storage, { signIn: { methods: ['email-code', 'password'] } });
    const mails = await codeFirst.outboxCount();
    const known = await codeFirst.post('/v1/sign-in/identify', { email: 'ada@example.com' });
    const unknown = await codeFirst.post('/v1/sign-in/identify', { email: 'nobody@example.com' });
    expect(known.status).toBe(unknown.status);
    expect(known.body).toMatchObject({ step: 'email-code', purpose: 'sign-in', methods: ['email-code', 'password'], attempts_left: 5 });
    expect(Object.keys(unknown.body).sort()).toEqual(Object.keys(known.body).sort());
    expect(await codeFirst.outboxCount()).toBe(mails + 1);
    const done = await codeFirst.post('/v1/sign-in/email-code/verify', { flow_id: known.body.flow_id, code: await codeFirst.lastCode('ada@example.com') });
    expect(done.body).toMatchObject({ step: 'done', session: { amr: ['otp'] } });
  });

  it('refuses a password where the configuration offers none', async () => {
    const codeOnly = testBroker(t.storage, { signIn: { methods: ['email-code'] } });
    const answer = await codeOnly.post('/v1/sign-in/password', { email: 'ada@example.com', password: 'correct horse battery staple' });
    expect(answer.status).toBe(400);
    expect(answer.setCookies).toEqual([]);
  });

  it('records the first factor as a pending sign-in bound to this browser, and opens the session only with done', async () => {
    const started = await t.broker.post('/v1/sign-in/email-code', { email: 'ada@example.com' });
    // A step that is not done sets no session cookie: only the browser binding.
    expect(started.setCookies.map((c) => c.split('=')[0])).toEqual(['lk_flow']);
    const done = await t.broker.post('/v1/sign-in/email-code/verify', { flow_id: started.body.flow_id, code: await t.broker.lastCode('ada@example.com') });
    expect(done.body.step).toBe('done');
    expect(done.setCookies.map((c) => c.split('=')[0])).toEqual(['lk_session']);
    const pending = await t.storage.query<{ kind: string; user_id: string; data: unknown; consumed_at: Date | null }>(
      `SELECT kind, user_id, data, consumed_at FROM flows WHERE kind = 'sign-in'`,
    );
    // The sign-up's (its password) and this one's (the code), each used once.
    expect(pending).toHaveLength(2);
    expect(pending).toEqual(
      expect.arrayContaining([
        { kind: 'sign-in', user_id: done.body.user.id, data: { amr: ['pwd'], return_to: null }, consumed_at: expect.any(Date) },
        { kind: 'sign-in', user_id: done.body.user.id, data: { amr: ['otp'], return_to: null }, consumed_at: expect.any(Date) },
      ]),
    );
  });

  it('binds with an HttpOnly cookie, __Host- and Secure over https', async () => {
    const started = await t.broker.post('/v1/sign-in/email-code', { email: 'ada@example.com' });
    expect(started.setCookies[0]).toMatch(/^lk_flow=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
    const https = testBroker(t.storage, { publicUrl: 'https://localhost:8787' });
    const secure = await https.post('/v1/sign-in/email-code', { email: 'ada@example.com' });
    expect(secure.setCookies[0]).toMatch(/^__Host-lk_flow=[\w-]{43}; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
  });
});
