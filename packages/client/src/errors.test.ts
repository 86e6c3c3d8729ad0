import { afterEach, describe, expect, it, vi } from 'vitest';
import { connect, createClient, finishEmailCodeSignIn, getSession, identify, LatchkeyError, signInWithPassword, signOut, type LatchkeyErrorCode } from './index.js';
import { fakeBroker, json, problem, uniqueBrokerUrl, type Answer } from './testing/fake-broker.js';

const credentials = { email: 'ada@example.com', password: 'correct horse' };

/** Signs in against a broker that answers with `answer`, and returns what was thrown. */
async function failureOf(answer: Answer): Promise<LatchkeyError> {
  const url = uniqueBrokerUrl();
  const broker = fakeBroker(url, { 'POST /v1/sign-in/password': answer });
  const error: unknown = await signInWithPassword(connect({ url, fetch: broker.fetch }), credentials).then(
    () => expect.fail('the call succeeded'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LatchkeyError);
  return error as LatchkeyError;
}

describe('what a caller sees when a call fails', () => {
  it('gets the broker problem code, status, title and body of a problem+json answer', async () => {
    const error = await failureOf(problem('invalid_credentials', 401));
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('LatchkeyError');
    expect(error.code).toBe('invalid_credentials');
    expect(error.status).toBe(401);
    expect(error.message).toBe('Title of invalid_credentials');
    expect(error.problem).toEqual({ type: 'urn:latchkey:problem:invalid_credentials', code: 'invalid_credentials', title: 'Title of invalid_credentials', status: 401 });
  });

  it('keeps the field errors of a weak password and the request id of a 500', async () => {
    const weak = await failureOf(problem('weak_password', 400, { errors: [{ path: 'password', message: 'too common' }] }));
    expect(weak.problem?.errors).toEqual([{ path: 'password', message: 'too common' }]);
    const crash = await failureOf(problem('internal_error', 500, { request_id: 'req_42' }));
    expect(crash).toMatchObject({ code: 'internal_error', status: 500, problem: { request_id: 'req_42' } });
  });

  it('keeps how long the broker asked to wait, in seconds or as a date, and nothing when it did not say', async () => {
    const limited = (retryAfter: string) => () =>
      new Response(JSON.stringify({ type: 'urn:latchkey:problem:rate_limited', code: 'rate_limited', title: 'Too many', status: 429 }), {
        status: 429,
        headers: { 'content-type': 'application/problem+json', 'retry-after': retryAfter },
      });
    expect((await failureOf(limited('900'))).retryAfterSeconds).toBe(900);
    const inTwoMinutes = new Date(Date.now() + 120_000).toUTCString();
    expect((await failureOf(limited(inTwoMinutes))).retryAfterSeconds).toBeGreaterThanOrEqual(119);
    expect((await failureOf(limited(inTwoMinutes))).retryAfterSeconds).toBeLessThanOrEqual(120);
    expect((await failureOf(limited('soon'))).retryAfterSeconds).toBeUndefined();
    expect((await failureOf(problem('rate_limited', 429))).retryAfterSeconds).toBeUndefined();
  });

  it('sees a proxy 502 page as unexpected_response, without any of its text', async () => {
    const error = await failureOf(() => new Response('<html>Bad gateway: upstream 10.0.0.7:8787 refused</html>', { status: 502, headers: { 'content-type': 'text/html' } }));
    expect(error).toMatchObject({ code: 'unexpected_response', status: 502, problem: undefined });
    expect(error.message).not.toMatch(/10\.0\.0\.7|gateway|html/i);
  });

  it('does not mistake a JSON error of some other server for a broker problem', async () => {
    const error = await failureOf(json({ code: 'invalid_credentials', status: 401, title: 'from a load balancer' }, 401));
    expect(error).toMatchObject({ code: 'unexpected_response', status: 401, problem: undefined });
    expect(error.message).not.toContain('load balancer');
  });

  it('sees a problem code this client does not know as unexpected_response, so `code` stays a closed set', async () => {
    const error = await failureOf(() =>
      Response.json({ type: 'urn:latchkey:problem:passkey_required', code: 'passkey_required', title: 'Use your passkey', status: 403 }, { status: 403 }),
    );
    const known: LatchkeyErrorCode = error.code;
    expect(known).toBe('unexpected_response');
    expect(error.status).toBe(403);
  });

  it('sees a 200 that is not JSON (a captive portal page) as unexpected_response', async () => {
    const error = await failureOf(() => new Response('<html>Sign in to the hotel Wi-Fi</html>', { status: 200 }));
    expect(error).toMatchObject({ code: 'unexpected_response', status: 200 });
  });

  it('sees an empty answer where a step was due as unexpected_response', async () => {
    const error = await failureOf(() => new Response(null, { status: 204 }));
    expect(error).toMatchObject({ code: 'unexpected_response', status: 204 });
  });

  it('gets network_error with status 0 and the fetch failure as cause when the broker is unreachable', async () => {
    const offline = new TypeError('Failed to fetch');
    const conn = connect({ url: uniqueBrokerUrl(), fetch: () => Promise.reject(offline) });
    const error = await getSession(conn).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LatchkeyError);
    expect(error).toMatchObject({ code: 'network_error', status: 0, problem: undefined });
    expect((error as LatchkeyError).cause).toBe(offline);
  });

  it('gets the AbortError itself, not a LatchkeyError, when it aborts a call in flight', async () => {
    const controller = new AbortController();
    const conn = connect({
      url: uniqueBrokerUrl(),
      fetch: (_input, init) => new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason))),
    });
    const pending = getSession(conn, { signal: controller.signal });
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBe(controller.signal.reason);
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(error).not.toBeInstanceOf(LatchkeyError);
  });

  it('gets its own abort reason back when it aborts while the answer is still arriving', async () => {
    const controller = new AbortController();
    const reason = new DOMException('The user left the page', 'AbortError');
    const conn = connect({
      url: uniqueBrokerUrl(),
      // Headers arrived; the body is still streaming when the abort lands.
      fetch: async (_input, init) =>
        new Response(
          new ReadableStream({
            start(stream) {
              stream.enqueue(new TextEncoder().encode('{"user":'));
              init?.signal?.addEventListener('abort', () => stream.error(init.signal?.reason));
            },
          }),
          { status: 200, headers: { 'content-type': 'application/json' } },
        ),
    });
    const pending = getSession(conn, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 0));
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('gets the tries a flow has left with a wrong code', async () => {
    const url = uniqueBrokerUrl();
    const broker = fakeBroker(url, { 'POST /v1/sign-in/email-code/verify': problem('invalid_code', 400, { attempts_left: 2 }) });
    const error = await finishEmailCodeSignIn(connect({ url, fetch: broker.fetch }), { flow_id: 'flw_1', code: '000000' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_code', status: 400, problem: { attempts_left: 2 } });
  });

  it('gets unsupported_step, with a message that says to update, for a step of a newer broker', async () => {
    const error = await failureOf(json({ step: 'consent', scopes: ['profile'] }));
    expect(error).toMatchObject({ name: 'LatchkeyError', code: 'unsupported_step', status: 200, problem: undefined });
    expect(error.message).toBe('This sign-in step ("consent") needs a newer version of Latchkey');
  });

  it('treats a 204 from sign-out as success', async () => {
    const url = uniqueBrokerUrl();
    const broker = fakeBroker(url, { 'POST /v1/sign-out': () => new Response(null, { status: 204 }) });
    await expect(signOut(connect({ url, fetch: broker.fetch }))).resolves.toBeUndefined();
  });
});

describe('a missing or wrong broker configuration', () => {
  afterEach(() => vi.unstubAllGlobals());

  it.each([
    ['no URL at all', ''],
    ['a bare host, which fetch would send to the page itself', 'auth.example.com'],
    ['a URL that does not parse', 'https://'],
    ['a scheme no broker speaks', 'ftp://auth.example.com'],
  ])('is not_configured when createClient gets %s', (_what, url) => {
    let error: unknown;
    try {
      createClient({ url });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LatchkeyError);
    expect(error).toMatchObject({ code: 'not_configured', status: 0, problem: undefined });
  });

  it('rejects a call on such a connection with not_configured, before anything is sent', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>();
    const error = await identify(connect({ url: 'auth.example.com', fetch }), { email: 'ada@example.com' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'not_configured' });
    expect((error as LatchkeyError).message).toBe('The broker URL "auth.example.com" is not a valid URL');
    expect(fetch).not.toHaveBeenCalled();
  });

  it("accepts a path, for a broker mounted under the page's own origin", async () => {
    vi.stubGlobal('document', { baseURI: 'https://app.example.com/account/' });
    const fetch = vi.fn<typeof globalThis.fetch>(async () => Response.json({ step: 'password', email: 'ada@example.com', methods: ['password'] }));
    const client = createClient({ url: '/auth', fetch });
    await expect(client.identify({ email: 'ada@example.com' })).resolves.toMatchObject({ step: 'password' });
    expect(fetch).toHaveBeenCalledWith('/auth/v1/sign-in/identify', expect.anything());
  });
});
