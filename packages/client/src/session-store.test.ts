import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connect, createSessionStore, LatchkeyError, type SessionState } from './index.js';
import { ada, bob, doneFor, fakeBroker, held, json, problem, sessionOf, uniqueBrokerUrl } from './testing/fake-broker.js';

const NOW = Date.parse('2026-11-24T12:00:00.000Z');
const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
const tokenAnswer = (token: string, lifetimeSeconds = 300) => () => Response.json({ token, expires_at: inSeconds(lifetimeSeconds) });

/** A store on its own broker URL, with its fake broker. */
function setup(script: Parameters<typeof fakeBroker>[1] = {}) {
  const url = uniqueBrokerUrl();
  const broker = fakeBroker(url, script);
  const store = createSessionStore(connect({ url, fetch: broker.fetch }));
  const seen: SessionState[] = [];
  store.subscribe((state) => seen.push(state));
  return { url, broker, store, seen, statuses: () => seen.map((s) => s.status) };
}

beforeEach(() => {
  // Only Date is faked: timers, streams and BroadcastChannel keep running for real.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => vi.useRealTimers());

describe('session state', () => {
  it('says loading until the broker has answered, and tells a new subscriber at once', async () => {
    const { store, statuses } = setup({ 'GET /v1/session': json({ user: ada, session: sessionOf('ses_1') }) });
    expect(store.state).toEqual({ status: 'loading' });
    expect(statuses()).toEqual(['loading']);
    await expect(store.refresh()).resolves.toMatchObject({ status: 'signed-in', user: { id: 'usr_ada' }, session: { id: 'ses_1' } });
    expect(statuses()).toEqual(['loading', 'signed-in']);
  });

  it('becomes signed out when the broker has no session for this browser', async () => {
    const { store, statuses } = setup({ 'GET /v1/session': problem('unauthenticated', 401) });
    await store.refresh();
    expect(store.state).toEqual({ status: 'signed-out' });
    expect(statuses()).toEqual(['loading', 'signed-out']);
  });

  it('stops telling a listener once it unsubscribed', () => {
    const { store } = setup();
    const listener = vi.fn();
    const unsubscribe = store.subscribe(listener);
    unsubscribe();
    store.set(doneFor(ada, 'ses_1'));
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('rejects and says so in an error state when the broker cannot be reached, then loads again on retry', async () => {
    const url = uniqueBrokerUrl();
    let up = false;
    const store = createSessionStore(
      connect({ url, fetch: (input, init) => (up ? Promise.resolve(Response.json({ user: null })) : Promise.reject(new TypeError('Failed to fetch'))) }),
    );
    const seen: string[] = [];
    store.subscribe((state) => seen.push(state.status));
    await expect(store.refresh()).rejects.toMatchObject({ code: 'network_error' });
    expect(store.state).toMatchObject({ status: 'error', error: { code: 'network_error' } });
    up = true;
    await expect(store.refresh()).resolves.toEqual({ status: 'signed-out' });
    expect(seen).toEqual(['loading', 'error', 'loading', 'signed-out']);
  });

  it('keeps a sign-in that finished while a failing refresh was on its way', async () => {
    const url = uniqueBrokerUrl();
    let fail!: (error: unknown) => void;
    const store = createSessionStore(connect({ url, fetch: () => new Promise((_, reject) => (fail = reject)) }));
    const refreshing = store.refresh();
    store.set(doneFor(ada, 'ses_1'));
    fail(new TypeError('Failed to fetch'));
    await expect(refreshing).rejects.toMatchObject({ code: 'network_error' });
    expect(store.state.status).toBe('signed-in');
  });

  it('asks the broker once when several elements refresh at the same time', async () => {
    const { store, broker } = setup({ 'GET /v1/session': json({ user: ada, session: sessionOf('ses_1') }) });
    const states = await Promise.all([store.refresh(), store.refresh(), store.refresh()]);
    expect(broker.routes()).toEqual(['GET /v1/session']);
    expect(states.map((s) => s.status)).toEqual(['signed-in', 'signed-in', 'signed-in']);
  });

  it('lets one element stop waiting for a shared refresh without failing the others', async () => {
    const answer = held();
    const { store } = setup({ 'GET /v1/session': answer.answer });
    const controller = new AbortController();
    const leaving = store.refresh({ signal: controller.signal });
    const staying = store.refresh();
    controller.abort();
    await expect(leaving).rejects.toMatchObject({ name: 'AbortError' });
    answer.release(json({ user: ada, session: sessionOf('ses_1') }));
    await expect(staying).resolves.toMatchObject({ status: 'signed-in' });
  });

  it('does not let a slow page-load refresh undo a sign-in that finished first', async () => {
    const answer = held();
    const { store } = setup({ 'GET /v1/session': answer.answer });
    const refreshing = store.refresh();
    store.set(doneFor(ada, 'ses_1'));
    answer.release(problem('unauthenticated', 401)); // read before the session cookie existed
    await refreshing;
    expect(store.state).toMatchObject({ status: 'signed-in', session: { id: 'ses_1' } });
  });
});

describe('session tokens', () => {
  it('reuses a token until 30 s before it expires, then fetches a new one', async () => {
    const { store, broker } = setup({ 'POST /v1/session/token': [tokenAnswer('t1', 300), tokenAnswer('t2', 300)] });
    store.set(doneFor(ada, 'ses_1'));
    expect(await store.getToken()).toBe('t1');
    vi.setSystemTime(NOW + 269_000); // 31 s left
    expect(await store.getToken()).toBe('t1');
    vi.setSystemTime(NOW + 271_000); // 29 s left
    expect(await store.getToken()).toBe('t2');
    expect(broker.routes()).toEqual(['POST /v1/session/token', 'POST /v1/session/token']);
  });

  it('does not keep a token past its life when the browser clock runs behind the broker', async () => {
    // The broker's clock is 10 minutes ahead of this browser's.
    const { store, broker } = setup({
      'POST /v1/session/token': [() => Response.json({ token: 't1', expires_at: new Date(NOW + 900_000).toISOString() }), tokenAnswer('t2')],
    });
    store.set(doneFor(ada, 'ses_1'));
    expect(await store.getToken()).toBe('t1');
    vi.setSystemTime(NOW + 271_000); // the token really has 29 s left, whatever expires_at says here
    expect(await store.getToken()).toBe('t2');
    expect(broker.seen).toHaveLength(2);
  });

  it('sends one token request for callers that ask at the same time', async () => {
    const answer = held();
    const { store, broker } = setup({ 'POST /v1/session/token': answer.answer });
    store.set(doneFor(ada, 'ses_1'));
    const asking = [store.getToken(), store.getToken(), store.getToken()];
    answer.release(tokenAnswer('t1'));
    expect(await Promise.all(asking)).toEqual(['t1', 't1', 't1']);
    expect(broker.seen).toHaveLength(1);
  });

  it('forgets the token at sign-out, so the next caller cannot use it', async () => {
    const { store, broker } = setup({ 'POST /v1/session/token': [tokenAnswer('ada-token'), problem('unauthenticated', 401)] });
    store.set(doneFor(ada, 'ses_1'));
    expect(await store.getToken()).toBe('ada-token');
    store.set(null);
    await expect(store.getToken()).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(broker.seen).toHaveLength(2);
  });

  it("never hands one user's token to the next user who signs in", async () => {
    const { store } = setup({ 'POST /v1/session/token': [tokenAnswer('ada-token'), tokenAnswer('bob-token')] });
    store.set(doneFor(ada, 'ses_ada'));
    expect(await store.getToken()).toBe('ada-token');
    store.set(doneFor(bob, 'ses_bob'));
    expect(await store.getToken()).toBe('bob-token');
  });

  it("does not give the next user a token that was still on its way for the previous one", async () => {
    const adaAnswer = held();
    const { store, broker } = setup({ 'POST /v1/session/token': [adaAnswer.answer, tokenAnswer('bob-token')] });
    store.set(doneFor(ada, 'ses_ada'));
    const forAda = store.getToken();
    store.set(doneFor(bob, 'ses_bob'));
    const forBob = store.getToken();
    adaAnswer.release(tokenAnswer('ada-token'));
    expect(await forAda).toBe('ada-token');
    expect(await forBob).toBe('bob-token');
    expect(await store.getToken()).toBe('bob-token');
    expect(broker.seen).toHaveLength(2);
  });

  it('signs out when the broker refuses a token (session revoked or expired)', async () => {
    const { store, statuses } = setup({ 'POST /v1/session/token': problem('unauthenticated', 401) });
    store.set(doneFor(ada, 'ses_1'));
    const error = await store.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LatchkeyError);
    expect(error).toMatchObject({ code: 'unauthenticated', status: 401 });
    expect(store.state).toEqual({ status: 'signed-out' });
    expect(statuses()).toEqual(['loading', 'signed-in', 'signed-out']);
  });

  it('stays signed in when the token request fails for another reason', async () => {
    const { store } = setup({ 'POST /v1/session/token': problem('rate_limited', 429) });
    store.set(doneFor(ada, 'ses_1'));
    await expect(store.getToken()).rejects.toMatchObject({ code: 'rate_limited' });
    expect(store.state.status).toBe('signed-in');
  });

  it('does not sign out a new session because an old session was refused', async () => {
    const oldAnswer = held();
    const { store } = setup({ 'POST /v1/session/token': oldAnswer.answer });
    store.set(doneFor(ada, 'ses_old'));
    const old = store.getToken();
    store.set(doneFor(ada, 'ses_new'));
    oldAnswer.release(problem('unauthenticated', 401));
    await expect(old).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(store.state).toMatchObject({ status: 'signed-in', session: { id: 'ses_new' } });
  });
});

describe('other tabs', () => {
  /** Two stores of the same broker, as two tabs would have. */
  function twoTabs() {
    const url = uniqueBrokerUrl();
    const tab = () => createSessionStore(connect({ url, fetch: fakeBroker(url).fetch }));
    return { first: tab(), second: tab(), url };
  }
  const until = (store: ReturnType<typeof createSessionStore>, status: SessionState['status']) =>
    vi.waitFor(() => expect(store.state.status).toBe(status), { timeout: 1000, interval: 5 });

  it('signs out every tab when one tab signs out', async () => {
    const { first, second } = twoTabs();
    first.set(doneFor(ada, 'ses_1'));
    await until(second, 'signed-in');
    first.set(null);
    await until(second, 'signed-out');
  });

  it('signs out the other tabs when the broker refuses this tab a token', async () => {
    const url = uniqueBrokerUrl();
    const first = createSessionStore(connect({ url, fetch: fakeBroker(url, { 'POST /v1/session/token': problem('unauthenticated', 401) }).fetch }));
    const second = createSessionStore(connect({ url, fetch: fakeBroker(url).fetch }));
    second.set(doneFor(ada, 'ses_1'));
    await until(first, 'signed-in');
    await first.getToken().catch(() => {});
    await until(second, 'signed-out');
  });

  it('leaves tabs of another broker alone, and ignores messages that are not session states', async () => {
    const { first, second, url } = twoTabs();
    const secondSaw: SessionState[] = [];
    second.subscribe((state) => secondSaw.push(state));
    const elsewhere = createSessionStore(connect({ url: uniqueBrokerUrl(), fetch: fakeBroker(url).fetch }));
    elsewhere.set(doneFor(bob, 'ses_bob'));
    const forger = new BroadcastChannel(`latchkey:${url}`);
    forger.postMessage({ status: 'signed-in', user: 'admin' });
    forger.postMessage('signed-out');
    first.set(doneFor(ada, 'ses_1')); // delivered after the forged messages
    await until(second, 'signed-in');
    expect(secondSaw).toEqual([{ status: 'loading' }, expect.objectContaining({ status: 'signed-in', user: ada })]);
    expect(elsewhere.state).toMatchObject({ user: { id: 'usr_bob' } });
    forger.close();
  });
});
