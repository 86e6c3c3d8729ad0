import { describe, expect, it } from 'vitest';
import { createClient, type SessionState } from './index.js';
import { ada, bob, codeStepFor, doneFor, fakeBroker, json, noContent, problem, uniqueBrokerUrl } from './testing/fake-broker.js';

function setup(script: Parameters<typeof fakeBroker>[1]) {
  const url = uniqueBrokerUrl();
  const broker = fakeBroker(url, script);
  const client = createClient({ url, fetch: broker.fetch });
  const seen: SessionState['status'][] = [];
  client.session.subscribe((state) => seen.push(state.status));
  return { client, broker, seen };
}

const resetDone = (email: string) => json({ step: 'password', email, methods: ['password', 'email-code'], notice: 'password-reset' });

describe('createClient keeps client.session current', () => {
  it('follows a page load, a password sign-in and a sign-out', async () => {
    const { client, broker, seen } = setup({
      'GET /v1/session': problem('unauthenticated', 401),
      'POST /v1/sign-in/password': json(doneFor(ada, 'ses_1')),
      'POST /v1/sign-out': noContent(),
    });
    await client.session.refresh();
    await client.signInWithPassword({ email: ada.email, password: 'correct horse' });
    expect(client.session.state).toMatchObject({ status: 'signed-in', user: { id: 'usr_ada' }, session: { id: 'ses_1' } });
    await client.signOut();
    expect(seen).toEqual(['loading', 'signed-out', 'signed-in', 'signed-out']);
    expect(broker.routes()).toEqual(['GET /v1/session', 'POST /v1/sign-in/password', 'POST /v1/sign-out']);
  });

  it('signs in after an email code and after a verified sign-up', async () => {
    const { client, seen } = setup({
      'POST /v1/sign-in/email-code/verify': json(doneFor(ada, 'ses_code')),
      'POST /v1/sign-up/verify': json(doneFor(bob, 'ses_new'), 201),
    });
    await client.finishEmailCodeSignIn({ flow_id: 'flw_1', code: '123456' });
    expect(client.session.state).toMatchObject({ status: 'signed-in', session: { id: 'ses_code' } });
    await client.finishSignUp({ flow_id: 'flw_2', code: '654321' });
    expect(client.session.state).toMatchObject({ status: 'signed-in', user: { id: 'usr_bob' }, session: { id: 'ses_new' } });
    expect(seen).toEqual(['loading', 'signed-in', 'signed-in']);
  });

  // Which call ends a flow is the broker's choice; the store follows whichever answers `done`.
  it.each([
    ['identify', 'POST /v1/sign-in/identify', { email: ada.email }],
    ['signInWithPassword', 'POST /v1/sign-in/password', { email: ada.email, password: 'correct horse' }],
    ['finishEmailCodeSignIn', 'POST /v1/sign-in/email-code/verify', { flow_id: 'flw_1', code: '123456' }],
    ['startSignUp', 'POST /v1/sign-up', { email: ada.email, password: 'correct horse' }],
    ['finishSignUp', 'POST /v1/sign-up/verify', { flow_id: 'flw_1', code: '123456' }],
    ['finishPasswordReset', 'POST /v1/password-reset/finish', { flow_id: 'flw_1', code: '123456', password: 'new horse battery' }],
  ] as const)('signs in when %s answers done', async (call, route, body) => {
    const { client } = setup({ [route]: json(doneFor(ada, 'ses_any')) });
    client.session.set(null);
    await (client[call] as (body: object) => Promise<unknown>)(body);
    expect(client.session.state).toMatchObject({ status: 'signed-in', session: { id: 'ses_any' } });
  });

  it('stays signed out while the broker asks for another step after the password', async () => {
    const { client, seen } = setup({ 'POST /v1/sign-in/password': json(codeStepFor(ada.email, 'sign-in')) });
    client.session.set(null);
    await expect(client.signInWithPassword({ email: ada.email, password: 'correct horse' })).resolves.toMatchObject({ step: 'email-code' });
    expect(seen).toEqual(['loading', 'signed-out']);
  });

  it('stays as it was when a sign-in is refused', async () => {
    const { client, seen } = setup({ 'POST /v1/sign-in/password': problem('invalid_credentials', 401) });
    client.session.set(null);
    await expect(client.signInWithPassword({ email: ada.email, password: 'wrong' })).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(seen).toEqual(['loading', 'signed-out']);
  });

  it('stays signed in when sign-out could not reach the broker', async () => {
    const { client } = setup({});
    client.session.set(doneFor(ada, 'ses_1'));
    await expect(client.signOut()).rejects.toMatchObject({ code: 'not_found' });
    expect(client.session.state.status).toBe('signed-in');
  });

  it('signs out after resetting the password of the signed-in account, whose sessions the broker revoked', async () => {
    const { client } = setup({ 'POST /v1/password-reset/finish': resetDone(ada.email) });
    client.session.set(doneFor({ ...ada, email: 'Ada@Example.com' }, 'ses_1'));
    await client.finishPasswordReset({ flow_id: 'flw_1', code: '123456', password: 'new horse battery' });
    expect(client.session.state.status).toBe('signed-out');
  });

  it("stays signed in after resetting some other account's password", async () => {
    const { client } = setup({ 'POST /v1/password-reset/finish': resetDone(bob.email) });
    client.session.set(doneFor(ada, 'ses_1'));
    await client.finishPasswordReset({ flow_id: 'flw_1', code: '123456', password: 'new horse battery' });
    expect(client.session.state).toMatchObject({ status: 'signed-in', user: { id: 'usr_ada' } });
  });

  it('uses one connection for its calls and its store', async () => {
    const { client, broker } = setup({ 'POST /v1/session/token': json({ token: 't1', expires_at: new Date(Date.now() + 300_000).toISOString() }) });
    expect(client.connection.url).toMatch(/^https:\/\/auth-\d+\.test$/);
    await expect(client.session.getToken()).resolves.toBe('t1');
    expect(broker.seen[0]?.url).toBe(`${client.connection.url}/v1/session/token`);
  });
});
