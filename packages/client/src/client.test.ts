import { describe, expect, it, vi } from 'vitest';
import { createClient, LatchkeyError, signInWithPassword, connect, getSession } from './index.js';
import type { DoneStep } from './wire/auth.js';

type Call = { method: string; url: string; body: unknown; credentials: RequestCredentials | undefined; contentType: string | null };

/** A fetch that records calls and answers from a script, like the broker would. */
function fakeFetch(answers: Array<(call: Call) => Response>) {
  const calls: Call[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    const call = { method: init?.method ?? 'GET', url: String(input), body: init?.body ? JSON.parse(String(init.body)) : undefined, credentials: init?.credentials, contentType: headers.get('content-type') };
    calls.push(call);
    const answer = answers.shift();
    if (!answer) throw new Error(`unexpected call ${call.method} ${call.url}`);
    return answer(call);
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, calls };
}

const json = (body: unknown, status = 200) => () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const problem = (code: string, status: number) => () =>
  new Response(JSON.stringify({ type: `urn:latchkey:problem:${code}`, code, title: 'A title', status }), { status, headers: { 'content-type': 'application/problem+json' } });

const user = { id: 'usr_1', email: 'ada@example.com', email_verified: true, name: null, created_at: '2026-11-24T00:00:00Z' };
const session = { id: 'ses_1', amr: ['pwd'], created_at: '2026-11-24T00:00:00Z', expires_at: '2026-12-24T00:00:00Z' };
const done: DoneStep = { step: 'done', user, session, return_to: null };

describe('client calls', () => {
  it('posts JSON with credentials to the broker path', async () => {
    const { fetch, calls } = fakeFetch([json(done)]);
    await signInWithPassword(connect({ url: 'https://auth.test/', fetch }), { email: 'ada@example.com', password: 'pw' });
    expect(calls[0]).toEqual({ method: 'POST', url: 'https://auth.test/v1/sign-in/password', body: { email: 'ada@example.com', password: 'pw' }, credentials: 'include', contentType: 'application/json' });
  });

  it('turns a problem+json answer into a LatchkeyError with its code', async () => {
    const { fetch } = fakeFetch([problem('invalid_credentials', 401)]);
    const error = await signInWithPassword(connect({ url: 'https://auth.test', fetch }), { email: 'a@b.c', password: 'x' }).catch((e) => e);
    expect(error).toBeInstanceOf(LatchkeyError);
    expect(error).toMatchObject({ name: 'LatchkeyError', code: 'invalid_credentials', status: 401, message: 'A title' });
    expect(error.problem.type).toBe('urn:latchkey:problem:invalid_credentials');
  });

  it('reports a proxy error page as unexpected_response without its text', async () => {
    const { fetch } = fakeFetch([() => new Response('<html>Bad gateway: secret upstream 10.0.0.7</html>', { status: 502 })]);
    const error = await signInWithPassword(connect({ url: 'https://auth.test', fetch }), { email: 'a@b.c', password: 'x' }).catch((e) => e);
    expect(error).toMatchObject({ code: 'unexpected_response', status: 502 });
    expect(error.message).not.toMatch(/10\.0\.0\.7/);
  });

  it('reports an unreachable broker as network_error', async () => {
    const fetch = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof globalThis.fetch;
    await expect(getSession(connect({ url: 'https://auth.test', fetch }))).rejects.toMatchObject({ code: 'network_error', status: 0 });
  });

  it('lets an abort through as an AbortError', async () => {
    const controller = new AbortController();
    const fetch = ((_: unknown, init?: RequestInit) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))))) as typeof globalThis.fetch;
    const pending = getSession(connect({ url: 'https://auth.test', fetch }), { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('reads a 401 on GET /v1/session as nobody signed in', async () => {
    const { fetch } = fakeFetch([problem('unauthenticated', 401)]);
    await expect(getSession(connect({ url: 'https://auth.test', fetch }))).resolves.toBeNull();
  });
});

describe('session store', () => {
  it('starts loading, then follows refresh, sign-in and sign-out', async () => {
    const { fetch, calls } = fakeFetch([problem('unauthenticated', 401), json(done), () => new Response(null, { status: 204 })]);
    const client = createClient({ url: 'https://auth.test', fetch });
    const seen: string[] = [];
    client.session.subscribe((s) => seen.push(s.status));
    await client.session.refresh();
    await client.signInWithPassword({ email: 'ada@example.com', password: 'pw' });
    expect(client.session.state).toMatchObject({ status: 'signed-in', user: { id: 'usr_1' } });
    await client.signOut();
    expect(seen).toEqual(['loading', 'signed-out', 'signed-in', 'signed-out']);
    expect(calls.map((c) => `${c.method} ${new URL(c.url).pathname}`)).toEqual(['GET /v1/session', 'POST /v1/sign-in/password', 'POST /v1/sign-out']);
  });

  it('asks the broker once when several elements refresh at the same time', async () => {
    const { fetch, calls } = fakeFetch([json({ user, session })]);
    const client = createClient({ url: 'https://auth.test', fetch });
    await Promise.all([client.session.refresh(), client.session.refresh(), client.session.refresh()]);
    expect(calls).toHaveLength(1);
    expect(client.session.state.status).toBe('signed-in');
  });

  it('reuses a token until shortly before it expires, and shares one request between callers', async () => {
    let now = Date.parse('2026-11-24T12:00:00Z');
    const expires = new Date(now + 300_000).toISOString();
    const { fetch, calls } = fakeFetch([json({ token: 't1', expires_at: expires }), json({ token: 't2', expires_at: new Date(now + 600_000).toISOString() })]);
    const { createSessionStore } = await import('./session-store.js');
    const store = createSessionStore(connect({ url: 'https://auth.test', fetch }), () => now);
    store.set(done);
    expect(await Promise.all([store.getToken(), store.getToken()])).toEqual(['t1', 't1']);
    now += 200_000;
    expect(await store.getToken()).toBe('t1');
    now += 75_000; // 25 s before expiry: inside the early-refresh margin
    expect(await store.getToken()).toBe('t2');
    expect(calls).toHaveLength(2);
  });

  it('becomes signed out when the broker refuses a token', async () => {
    const { fetch } = fakeFetch([problem('unauthenticated', 401)]);
    const client = createClient({ url: 'https://auth.test', fetch });
    client.session.set(done);
    await expect(client.session.getToken()).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(client.session.state.status).toBe('signed-out');
  });

  it('drops a cached token when someone else signs in', async () => {
    const { fetch } = fakeFetch([json({ token: 'ada', expires_at: new Date(Date.now() + 300_000).toISOString() }), json({ token: 'bob', expires_at: new Date(Date.now() + 300_000).toISOString() })]);
    const client = createClient({ url: 'https://auth.test', fetch });
    client.session.set(done);
    expect(await client.session.getToken()).toBe('ada');
    client.session.set({ ...done, user: { ...user, id: 'usr_2' }, session: { ...session, id: 'ses_2' } });
    expect(await client.session.getToken()).toBe('bob');
  });
});
