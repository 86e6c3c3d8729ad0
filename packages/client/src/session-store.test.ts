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

describe('the organization of each tab', () => {
  /** A tab's sessionStorage: a plain map, readable by the test. */
  function tabStorage(initial: Record<string, string> = {}) {
    const items = new Map(Object.entries(initial));
    return { items, getItem: (key: string) => items.get(key) ?? null, setItem: (key: string, value: string) => void items.set(key, String(value)) };
  }
  const orgAnswer = (orgId: string | null, token: string, lifetimeSeconds = 300) => () =>
    Response.json({
      organization: orgId === null ? null : { id: orgId, name: orgId, slug: orgId, role: 'member', permissions: ['org:read'], policy: { unmet: [] }, created_at: '2026-11-24T12:00:00.000Z' },
      token: { token, expires_at: inSeconds(lifetimeSeconds) },
    });
  /** A store on a tab of its own (its own sessionStorage) against a scripted broker. */
  function tab(url: string, script: Parameters<typeof fakeBroker>[1] = {}, storage = tabStorage()) {
    const broker = fakeBroker(url, script);
    const store = createSessionStore(connect({ url, fetch: broker.fetch }), { tabStorage: storage });
    return { broker, store, storage };
  }

  it('switches with POST /v1/session/org, serves the token it minted, keeps the choice in this tab and tells subscribers', async () => {
    const url = uniqueBrokerUrl();
    const { broker, store, storage } = tab(url, { 'POST /v1/session/org': orgAnswer('org_acme', 'acme-token') });
    store.set(doneFor(ada, 'ses_1'));
    const seen: Array<string | null | undefined> = [];
    store.subscribe(() => seen.push(store.organization));
    expect(store.organization).toBeUndefined();
    const answer = await store.switchOrganization('org_acme');
    expect(answer.organization).toMatchObject({ id: 'org_acme' });
    expect(broker.seen.at(-1)).toMatchObject({ method: 'POST', path: '/v1/session/org', body: { org_id: 'org_acme' }, credentials: 'include' });
    expect(store.organization).toBe('org_acme');
    expect(seen).toEqual([undefined, 'org_acme']);
    expect(await store.getToken()).toBe('acme-token');
    expect(broker.routes()).toEqual(['POST /v1/session/org']);
    expect(JSON.parse(storage.items.get(`latchkey:org:${url}`)!)).toEqual({ org: 'org_acme', user: 'usr_ada' });
  });

  it("asks ?org= for the tab's organization once the switch's token is due, and ?org=personal for the personal account", async () => {
    const { broker, store } = tab(uniqueBrokerUrl(), {
      'POST /v1/session/org': [orgAnswer('org_acme', 'acme-1'), orgAnswer(null, 'personal-1')],
      'POST /v1/session/token?org=org_acme': tokenAnswer('acme-2'),
      'POST /v1/session/token?org=personal': tokenAnswer('personal-2'),
    });
    store.set(doneFor(ada, 'ses_1'));
    await store.switchOrganization('org_acme');
    vi.setSystemTime(NOW + 271_000);
    expect(await store.getToken()).toBe('acme-2');
    await store.switchOrganization(null);
    expect(store.organization).toBeNull();
    expect(await store.getToken()).toBe('personal-1');
    vi.setSystemTime(NOW + 542_000);
    expect(await store.getToken()).toBe('personal-2');
    expect(broker.seen.at(-2)!.body).toEqual({ org_id: null });
  });

  it('keeps the choice across a reload of the tab, and asks the session’s own organization where the tab chose none', async () => {
    const url = uniqueBrokerUrl();
    const storage = tabStorage();
    const first = tab(url, { 'POST /v1/session/org': orgAnswer('org_acme', 'acme-1'), 'POST /v1/session/token': tokenAnswer('default') }, storage);
    first.store.set(doneFor(ada, 'ses_1'));
    // Before any switch: no ?org=, the session's own organization.
    expect(await first.store.getToken()).toBe('default');
    await first.store.switchOrganization('org_acme');
    const reloaded = tab(url, { 'POST /v1/session/token?org=org_acme': tokenAnswer('acme-2') }, storage);
    reloaded.store.set(doneFor(ada, 'ses_1'));
    expect(reloaded.store.organization).toBe('org_acme');
    expect(await reloaded.store.getToken()).toBe('acme-2');
  });

  it('lets two tabs of one session work in two organizations, each with its own token', async () => {
    const url = uniqueBrokerUrl();
    const one = tab(url, { 'POST /v1/session/org': orgAnswer('org_acme', 'acme-1'), 'POST /v1/session/token?org=org_acme': tokenAnswer('acme-2') });
    const two = tab(url, { 'POST /v1/session/org': orgAnswer('org_globex', 'globex-1'), 'POST /v1/session/token?org=org_globex': tokenAnswer('globex-2') });
    one.store.set(doneFor(ada, 'ses_1'));
    await vi.waitFor(() => expect(two.store.state.status).toBe('signed-in'), { timeout: 1000, interval: 5 });
    await one.store.switchOrganization('org_acme');
    await two.store.switchOrganization('org_globex');
    expect([one.store.organization, two.store.organization]).toEqual(['org_acme', 'org_globex']);
    expect([await one.store.getToken(), await two.store.getToken()]).toEqual(['acme-1', 'globex-1']);
    vi.setSystemTime(NOW + 271_000);
    expect([await one.store.getToken(), await two.store.getToken()]).toEqual(['acme-2', 'globex-2']);
    expect(one.broker.routes()).not.toContain('POST /v1/session/token?org=org_globex');
    expect(two.broker.routes()).not.toContain('POST /v1/session/token?org=org_acme');
  });

  it("does not change this tab's organization when another tab signs in or out", async () => {
    const url = uniqueBrokerUrl();
    const one = tab(url);
    const two = tab(url, { 'POST /v1/session/org': orgAnswer('org_globex', 'globex-1') });
    two.store.set(doneFor(ada, 'ses_1'));
    await two.store.switchOrganization('org_globex');
    const saw: Array<string | null | undefined> = [];
    two.store.subscribe((state) => saw.push(`${state.status}:${two.store.organization}`));
    one.store.set(null);
    await vi.waitFor(() => expect(two.store.state.status).toBe('signed-out'), { timeout: 1000, interval: 5 });
    one.store.set(doneFor(ada, 'ses_2'));
    await vi.waitFor(() => expect(two.store.state.status).toBe('signed-in'), { timeout: 1000, interval: 5 });
    expect(two.store.organization).toBe('org_globex');
    expect(one.store.organization).toBeUndefined();
    expect(saw).toEqual(['signed-in:org_globex', 'signed-out:org_globex', 'signed-in:org_globex']);
  });

  it('never hands out the old organization’s token once a switch has started, not even to a getToken() already waiting', async () => {
    const url = uniqueBrokerUrl();
    const oldToken = held();
    const switched = held();
    const { store } = tab(url, { 'POST /v1/session/token?org=org_acme': oldToken.answer, 'POST /v1/session/org': switched.answer }, tabStorage({ [`latchkey:org:${url}`]: JSON.stringify({ org: 'org_acme', user: 'usr_ada' }) }));
    store.set(doneFor(ada, 'ses_1'));
    const waiting = store.getToken();
    const switching = store.switchOrganization('org_globex');
    const later = store.getToken();
    oldToken.release(tokenAnswer('acme-token')); // arrives while the switch is on its way
    await new Promise((resolve) => setTimeout(resolve, 10));
    switched.release(orgAnswer('org_globex', 'globex-token'));
    await switching;
    expect(await waiting).toBe('globex-token');
    expect(await later).toBe('globex-token');
    expect(await store.getToken()).toBe('globex-token');
  });

  it('drops a cached token of the organization left as the switch starts', async () => {
    const switched = held();
    const { store, broker } = tab(uniqueBrokerUrl(), { 'POST /v1/session/org': [orgAnswer('org_acme', 'acme-token'), switched.answer] });
    store.set(doneFor(ada, 'ses_1'));
    await store.switchOrganization('org_acme');
    expect(await store.getToken()).toBe('acme-token');
    const switching = store.switchOrganization('org_globex');
    const asked = store.getToken();
    switched.release(orgAnswer('org_globex', 'globex-token'));
    await switching;
    expect(await asked).toBe('globex-token');
    expect(broker.routes()).toEqual(['POST /v1/session/org', 'POST /v1/session/org']);
  });

  it('lets the later of two switches win whatever order their answers come in', async () => {
    const first = held();
    const second = held();
    const { store } = tab(uniqueBrokerUrl(), { 'POST /v1/session/org': [first.answer, second.answer] });
    store.set(doneFor(ada, 'ses_1'));
    const toAcme = store.switchOrganization('org_acme');
    const toGlobex = store.switchOrganization('org_globex');
    const asked = store.getToken();
    second.release(orgAnswer('org_globex', 'globex-token'));
    await toGlobex;
    first.release(orgAnswer('org_acme', 'acme-token'));
    await toAcme;
    expect(store.organization).toBe('org_globex');
    expect(await asked).toBe('globex-token');
    expect(await store.getToken()).toBe('globex-token');
  });

  it("stays in its organization when a switch is refused, with the broker's requirement, and asks that organization's token again", async () => {
    const url = uniqueBrokerUrl();
    const { store, broker } = tab(url, {
      'POST /v1/session/org': [orgAnswer('org_acme', 'acme-1'), problem('org_policy_unmet', 403, { requirement: 'mfa-enroll', org_id: 'org_globex' })],
      'POST /v1/session/token?org=org_acme': tokenAnswer('acme-2'),
    });
    store.set(doneFor(ada, 'ses_1'));
    await store.switchOrganization('org_acme');
    const refused = await store.switchOrganization('org_globex').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(LatchkeyError);
    expect(refused).toMatchObject({ code: 'org_policy_unmet', status: 403, problem: { requirement: 'mfa-enroll', org_id: 'org_globex' } });
    expect(store.organization).toBe('org_acme');
    expect(store.state.status).toBe('signed-in');
    expect(await store.getToken()).toBe('acme-2');
    expect(broker.routes().at(-1)).toBe('POST /v1/session/token?org=org_acme');
  });

  it('sends break_glass only when an owner asks for it', async () => {
    const { store, broker } = tab(uniqueBrokerUrl(), { 'POST /v1/session/org': [orgAnswer('org_acme', 't1'), orgAnswer('org_acme', 't2')] });
    store.set(doneFor(ada, 'ses_1'));
    await store.switchOrganization('org_acme', { breakGlass: true });
    await store.switchOrganization('org_acme');
    expect(broker.seen.map((r) => r.body)).toEqual([{ org_id: 'org_acme', break_glass: true }, { org_id: 'org_acme' }]);
  });

  it('does not apply a choice another user made in this tab', async () => {
    const url = uniqueBrokerUrl();
    const { store, broker } = tab(url, { 'POST /v1/session/token': tokenAnswer('ada-default') }, tabStorage({ [`latchkey:org:${url}`]: JSON.stringify({ org: 'org_bobs', user: 'usr_bob' }) }));
    store.set(doneFor(ada, 'ses_1'));
    expect(store.organization).toBeUndefined();
    expect(await store.getToken()).toBe('ada-default');
    expect(broker.routes()).toEqual(['POST /v1/session/token']);
  });

  it('works on without storage when the tab refuses it, and ignores what is stored there that is not a choice', async () => {
    const url = uniqueBrokerUrl();
    const refusing = { getItem: () => { throw new DOMException('denied', 'SecurityError'); }, setItem: () => { throw new DOMException('full', 'QuotaExceededError'); } };
    const { store } = tab(url, { 'POST /v1/session/org': orgAnswer('org_acme', 'acme-token') }, refusing as never);
    store.set(doneFor(ada, 'ses_1'));
    await store.switchOrganization('org_acme');
    expect(store.organization).toBe('org_acme');
    expect(await store.getToken()).toBe('acme-token');
    for (const junk of ['not json', '{"org": 42, "user": null}', '"org_acme"', 'null']) {
      const other = tab(url, {}, tabStorage({ [`latchkey:org:${url}`]: junk }));
      expect(other.store.organization).toBeUndefined();
    }
  });

  it('signs out when the broker answers a switch with 401', async () => {
    const { store } = tab(uniqueBrokerUrl(), { 'POST /v1/session/org': problem('unauthenticated', 401) });
    store.set(doneFor(ada, 'ses_1'));
    await expect(store.switchOrganization('org_acme')).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(store.state.status).toBe('signed-out');
    expect(store.organization).toBeUndefined();
  });
});
