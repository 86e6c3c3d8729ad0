import { describe, expect, it } from 'vitest';
import { rowCounts, storageKinds, testBroker, type StorageKind, useTestBroker } from '../../test/harness.js';

describe.each(storageKinds)('password module against hostile input on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind);

  /** Sends a request, expects the problem, and checks nothing was written. */
  async function refused(request: Promise<{ status: number; body: any; headers: Headers; setCookies: string[] }>, status: number, code: string) {
    const before = await rowCounts(t.storage);
    const response = await request;
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.body).toMatchObject({ type: `urn:latchkey:problem:${code}`, code, status });
    expect(response.body.title).toEqual(expect.any(String));
    expect(response.setCookies).toEqual([]);
    expect(await rowCounts(t.storage)).toEqual(before);
    return response.body;
  }

  it('refuses a body that is not JSON', async () => {
    await refused(t.broker.call('POST', '/v1/sign-up', { body: '{"email": ', headers: { 'content-type': 'application/json' } }), 400, 'malformed_json');
  });

  it('refuses a body that is not declared as JSON', async () => {
    await refused(t.broker.call('POST', '/v1/sign-up', { body: 'email=a@b.c', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'unsupported_media_type');
  });

  it('refuses an oversized body before parsing it', async () => {
    await refused(t.broker.post('/v1/sign-up', { email: 'a@example.com', password: 'x'.repeat(20_000) }), 413, 'payload_too_large');
  });

  it('refuses an oversized body that does not declare its length', async () => {
    const before = await rowCounts(t.storage);
    const chunk = new TextEncoder().encode('x'.repeat(8192));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 4) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await t.broker.app.request('/v1/sign-up', { method: 'POST', body, duplex: 'half', headers: { origin: 'http://app.test', 'content-type': 'application/json' } } as RequestInit);
    expect(response.status).toBe(413);
    expect((await response.json()).code).toBe('payload_too_large');
    expect(await rowCounts(t.storage)).toEqual(before);
  });

  it('names the missing and malformed fields', async () => {
    const body = await refused(t.broker.post('/v1/sign-up', { email: 'not-an-email' }), 400, 'invalid_request');
    expect(body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['email', 'password']);
  });

  it('refuses overlong fields with a 400, not a 500', async () => {
    await refused(t.broker.post('/v1/sign-up', { email: `${'a'.repeat(250)}@example.com`, password: 'correct horse battery' }), 400, 'invalid_request');
    await refused(t.broker.post('/v1/sign-in/password', { email: 'a@example.com', password: 'p'.repeat(257) }), 400, 'invalid_request');
    await refused(t.broker.post('/v1/sign-up', { email: 'a@example.com', password: 'correct horse battery', name: 'n'.repeat(201) }), 400, 'invalid_request');
  });

  it('refuses unknown fields rather than ignoring them', async () => {
    await refused(t.broker.post('/v1/sign-in/password', { email: 'a@example.com', password: 'whatever1', admin: true }), 400, 'invalid_request');
  });

  it('refuses a short, common, patterned or personal password at sign-up, saying which', async () => {
    const reasons = [];
    for (const password of ['short', 'password123', 'Passw0rd!', 'aaaaaaaa', 'latchkey2024', 'grace.hopper!', 'Hopper1906']) {
      const body = await refused(t.broker.post('/v1/sign-up', { email: 'grace.hopper@example.com', password }), 400, 'weak_password');
      reasons.push(body.errors.map((e: { path: string; reason: string }) => `${e.path}:${e.reason}`).join());
    }
    expect(reasons).toEqual(['password:too_short', 'password:common', 'password:common', 'password:pattern', 'password:personal', 'password:personal', 'password:personal']);
  });

  it("gives a stranger's reset no way to learn an account's name: it is judged only once the code is right", async () => {
    const started = await t.broker.post('/v1/sign-up', { email: 'ada@example.com', password: 'correct horse battery staple', name: 'Ada Quixotebloom' });
    expect((await t.broker.post('/v1/sign-up/verify', { flow_id: started.body.flow_id, code: await t.broker.lastCode('ada@example.com') })).status).toBe(201);
    const stranger = t.broker.browser({ ip: '198.51.100.7' });
    const known = await stranger.post('/v1/password-reset', { email: 'ada@example.com' });
    const unknown = await stranger.post('/v1/password-reset', { email: 'nobody@example.com' });
    const guess = (await t.broker.lastCode('ada@example.com')) === '000000' ? '111111' : '000000';
    // Her name in the new password with a guessed code: the answer any good password gets, for her address as for none.
    const named = await refused(stranger.post('/v1/password-reset/finish', { flow_id: known.body.flow_id, code: guess, password: 'Quixotebloom2024' }), 400, 'invalid_code');
    const nobody = await refused(stranger.post('/v1/password-reset/finish', { flow_id: unknown.body.flow_id, code: guess, password: 'Quixotebloom2024' }), 400, 'invalid_code');
    expect(nobody).toEqual(named);
    const strong = await refused(stranger.post('/v1/password-reset/finish', { flow_id: known.body.flow_id, code: guess, password: 'a brand new passphrase' }), 400, 'invalid_code');
    expect(Object.keys(strong).sort()).toEqual(Object.keys(named).sort());
  });

  it('gives a wrong password and an unknown account the very same answer', async () => {
    await t.broker.signUp('ada@example.com');
    t.broker.cookies.clear();
    const wrong = await refused(t.broker.post('/v1/sign-in/password', { email: 'ada@example.com', password: 'not the password' }), 401, 'invalid_credentials');
    const unknown = await refused(t.broker.post('/v1/sign-in/password', { email: 'nobody@example.com', password: 'not the password' }), 401, 'invalid_credentials');
    expect(unknown).toEqual(wrong);
  });

  it('answers a sign-up for a taken address like any other, mailing the owner a notice instead of a code', async () => {
    await t.broker.signUp('ada@example.com');
    const stranger = t.broker.browser({ ip: '198.51.100.7' });
    const fresh = await stranger.post('/v1/sign-up', { email: 'new@example.com', password: 'correct horse battery staple' });
    const taken = await stranger.post('/v1/sign-up', { email: 'ada@example.com', password: 'another good passphrase' });
    expect(taken.status).toBe(fresh.status);
    expect(Object.keys(taken.body).sort()).toEqual(Object.keys(fresh.body).sort());
    const [notice] = await t.broker.outbox('ada@example.com');
    expect(notice!.subject).toBe('Someone tried to sign up with your email address');
    expect(notice!.text).not.toMatch(/\b\d{6}\b/);
    // No code exists for that flow, so no guess can take over the account.
    const guess = await stranger.post('/v1/sign-up/verify', { flow_id: taken.body.flow_id, code: '123456' });
    expect(guess.body.code).toBe('invalid_code');
    expect((await rowCounts(t.storage)).users).toBe(1);
  });

  it('voids the second of two sign-ups for one address once the first is confirmed', async () => {
    const first = await t.broker.post('/v1/sign-up', { email: 'ada@example.com', password: 'correct horse battery staple' });
    const firstCode = await t.broker.lastCode('ada@example.com');
    const other = t.broker.browser({ ip: '198.51.100.7' });
    const second = await other.post('/v1/sign-up', { email: 'ada@example.com', password: 'someone elses passphrase' });
    const secondCode = await t.broker.lastCode('ada@example.com');
    expect((await t.broker.post('/v1/sign-up/verify', { flow_id: first.body.flow_id, code: firstCode })).status).toBe(201);
    await refused(other.post('/v1/sign-up/verify', { flow_id: second.body.flow_id, code: secondCode }), 400, 'code_expired');
  });

  it('refuses a password reset code from a sign-in flow', async () => {
    await t.broker.signUp('ada@example.com');
    const signIn = await t.broker.post('/v1/sign-in/email-code', { email: 'ada@example.com' });
    const code = await t.broker.lastCode('ada@example.com');
    await refused(t.broker.post('/v1/password-reset/finish', { flow_id: signIn.body.flow_id, code, password: 'a brand new passphrase' }), 400, 'code_expired');
    // The sign-in flow itself is untouched: its code still signs in.
    expect((await t.broker.post('/v1/sign-in/email-code/verify', { flow_id: signIn.body.flow_id, code })).status).toBe(200);
  });

  it('refuses a code in a browser other than the one that started the flow', async () => {
    await t.broker.signUp('ada@example.com');
    const reset = await t.broker.post('/v1/password-reset', { email: 'ada@example.com' });
    const code = await t.broker.lastCode('ada@example.com');
    const attacker = t.broker.browser({ ip: '198.51.100.7' });
    await refused(attacker.post('/v1/password-reset/finish', { flow_id: reset.body.flow_id, code, password: 'the attackers passphrase' }), 400, 'code_expired');
    // Not even a wrong attempt was counted against the owner's flow.
    expect((await t.broker.post('/v1/password-reset/finish', { flow_id: reset.body.flow_id, code, password: 'the owners new passphrase' })).status).toBe(200);
  });

  it('mails nothing for a reset of an unknown address yet answers the same', async () => {
    await t.broker.signUp('ada@example.com');
    const mails = await t.broker.outboxCount();
    const known = await t.broker.post('/v1/password-reset', { email: 'ada@example.com' });
    const unknown = await t.broker.post('/v1/password-reset', { email: 'nobody@example.com' });
    expect(unknown.status).toBe(known.status);
    expect(Object.keys(unknown.body).sort()).toEqual(Object.keys(known.body).sort());
    expect(await t.broker.outboxCount()).toBe(mails + 1);
  });
});
