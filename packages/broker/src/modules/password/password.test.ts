import { describe, expect, it } from 'vitest';
import { rowCounts, storageKinds, testBroker, type StorageKind, useTestBroker } from '../../test/harness.js';

describe.each(storageKinds)('password sign-up, sign-in and reset on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind);

  it('creates the account only when the mailed code is confirmed, then signs in', async () => {
    const started = await t.broker.post('/v1/sign-up', { email: ' Ada@Example.COM ', password: 'correct horse battery staple', name: 'Ada' });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ step: 'email-code', email: 'ada@example.com', purpose: 'sign-up' });
    expect((await rowCounts(t.storage)).users).toBe(0);

    const done = await t.broker.post('/v1/sign-up/verify', { flow_id: started.body.flow_id, code: await t.broker.lastCode('ada@example.com') });
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({ step: 'done', user: { email: 'ada@example.com', email_verified: true, name: 'Ada' }, session: { amr: ['pwd'] }, return_to: null });
    expect(done.setCookies[0]).toMatch(/^lk_session=[\w-]{43}; Max-Age=2592000; Path=\/; HttpOnly; SameSite=Lax$/);

    const session = await t.broker.get('/v1/session');
    expect(session.status).toBe(200);
    expect(session.body.user.id).toBe(done.body.user.id);
  });

  it('answers identify the same way for every address', async () => {
    await t.broker.signUp('known@example.com');
    const known = await t.broker.post('/v1/sign-in/identify', { email: 'known@example.com' });
    const unknown = await t.broker.post('/v1/sign-in/identify', { email: 'unknown@example.com' });
    expect(known.status).toBe(200);
    expect({ ...known.body, email: 'x' }).toEqual({ ...unknown.body, email: 'x' });
    expect(known.body).toEqual({ step: 'password', email: 'known@example.com', methods: ['password', 'email-code'] });
  });

  it('signs in with the password and echoes an allowlisted return_to', async () => {
    await t.broker.signUp('ada@example.com');
    t.broker.cookies.clear();
    const done = await t.broker.post('/v1/sign-in/password', { email: 'ADA@example.com', password: 'correct horse battery staple', return_to: 'http://app.test/notes?x=1' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ step: 'done', session: { amr: ['pwd'] }, return_to: 'http://app.test/notes?x=1' });
    expect((await t.broker.get('/v1/session')).body.user.email).toBe('ada@example.com');
  });

  it('resets the password by mailed code and signs the account out everywhere', async () => {
    await t.broker.signUp('ada@example.com');
    const oldCookie = t.broker.cookieHeader();
    // The reset runs in another browser, which has no session of this account.
    const laptop = t.broker.browser({ ip: '198.51.100.7' });
    const started = await laptop.post('/v1/password-reset', { email: 'ada@example.com' });
    expect(started.status).toBe(202);
    const finished = await laptop.post('/v1/password-reset/finish', {
      flow_id: started.body.flow_id,
      code: await t.broker.lastCode('ada@example.com'),
      password: 'a brand new passphrase',
    });
    expect(finished.status).toBe(200);
    expect(finished.body).toEqual({ step: 'password', email: 'ada@example.com', methods: ['password', 'email-code'], notice: 'password-reset' });

    expect((await t.broker.get('/v1/session', { cookie: oldCookie })).body.user).toBeNull();
    expect((await t.broker.post('/v1/sign-in/password', { email: 'ada@example.com', password: 'correct horse battery staple' }, { cookie: null })).status).toBe(401);
    expect((await t.broker.post('/v1/sign-in/password', { email: 'ada@example.com', password: 'a brand new passphrase' }, { cookie: null })).status).toBe(200);
  });

  it('refuses a new password made of the name given at sign-up', async () => {
    const refused = await t.broker.post('/v1/sign-up', { email: 'zed@example.com', password: 'Quixotebloom2024', name: 'Ada Quixotebloom' });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'weak_password', errors: [{ path: 'password', reason: 'personal' }] });
    // Without the name it is a fine password.
    expect((await t.broker.post('/v1/sign-up', { email: 'zed@example.com', password: 'Quixotebloom2024' })).status).toBe(202);
  });

  it("refuses the account's name as the new password once the code is right, and the code still sets a better one", async () => {
    const started = await t.broker.post('/v1/sign-up', { email: 'ada@example.com', password: 'correct horse battery staple', name: 'Ada Quixotebloom' });
    await t.broker.post('/v1/sign-up/verify', { flow_id: started.body.flow_id, code: await t.broker.lastCode('ada@example.com') });
    const laptop = t.broker.browser({ ip: '198.51.100.7' });
    const reset = await laptop.post('/v1/password-reset', { email: 'ada@example.com' });
    const code = await t.broker.lastCode('ada@example.com');
    const named = await laptop.post('/v1/password-reset/finish', { flow_id: reset.body.flow_id, code, password: 'Quixotebloom2024' });
    expect(named.status).toBe(400);
    expect(named.body).toMatchObject({ code: 'weak_password', errors: [{ path: 'password', reason: 'personal' }] });
    const finished = await laptop.post('/v1/password-reset/finish', { flow_id: reset.body.flow_id, code, password: 'a brand new passphrase' });
    expect(finished.status).toBe(200);
    expect((await laptop.post('/v1/sign-in/password', { email: 'ada@example.com', password: 'Quixotebloom2024' })).status).toBe(401);
  });

  it("refuses the configured service's name", async () => {
    const broker = testBroker(t.storage, { passwords: { contextWords: ['harborline'] } });
    const refused = await broker.post('/v1/sign-up', { email: 'zed@example.com', password: 'Harborline2024' });
    expect(refused.body).toMatchObject({ code: 'weak_password', errors: [{ path: 'password', reason: 'personal' }] });
    expect((await broker.post('/v1/sign-up', { email: 'zed@example.com', password: 'Latchkey-2024-harbor' })).status).toBe(202);
    await broker.deps.mail.settled();
  });
});
