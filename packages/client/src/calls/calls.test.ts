import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  connect,
  createClient,
  finishEmailCodeSignIn,
  finishPasswordReset,
  finishSignUp,
  getSession,
  getSessionToken,
  identify,
  LatchkeyError,
  resendEmailCode,
  signInWithPassword,
  signOut,
  startEmailCodeSignIn,
  startPasswordReset,
  startSignUp,
  startPasskeySignIn,
  finishPasskeySignIn,
  restartPasskeySignUp,
  finishPasskeySignUp,
  startAddPasskey,
  addPasskey,
  listPasskeys,
  renamePasskey,
  deletePasskey,
  removePasskeysAfterReset,
  listConnectedAccounts,
  connectAccount,
  disconnectAccount,
  getPublicConfig,
  startSocialSignIn,
  resumeSignIn,
  type Connection,
  type IdpErrorStep,
  type SsoRedirectStep,
  type PasskeyRegistrationStep,
  type PasskeyStep,
  type EmailCodeStep,
  type LatchkeyClient,
} from '../index.js';
import { ada, codeStepFor, doneFor, fakeBroker, json, noContent, passwordStepFor, problem, sessionOf, uniqueBrokerUrl } from '../testing/fake-broker.js';

const codeStep = (purpose: EmailCodeStep['purpose']) => codeStepFor(ada.email, purpose);
const passwordStep = passwordStepFor(ada.email);
const done = doneFor(ada, 'ses_1');
const passkeyStep: PasskeyStep = { step: 'passkey', flow_id: 'flw_p', options: { challenge: 'Y2hhbGxlbmdl', allowCredentials: [], userVerification: 'required', timeout: 300000 }, expires_at: '2026-11-24T12:05:00.000Z' };
const registrationStep: PasskeyRegistrationStep = {
  step: 'passkey-registration',
  flow_id: 'flw_r',
  options: { rp: { name: 'app.test', id: 'app.test' }, user: { id: 'dXNyXzE', name: ada.email, displayName: 'Ada' }, challenge: 'Y2hhbGxlbmdl', pubKeyCredParams: [{ alg: -7, type: 'public-key' }] },
  expires_at: '2026-11-24T12:05:00.000Z',
};
const assertion = { id: 'Y3JlZA', rawId: 'Y3JlZA', type: 'public-key', response: { clientDataJSON: 'e30', authenticatorData: 'AA', signature: 'AA', userHandle: 'dXNyXzE' }, clientExtensionResults: {} };
const ssoStep: SsoRedirectStep = { step: 'sso-redirect', url: 'https://devhub.test/login/oauth/authorize?state=s1', to: { kind: 'social', name: 'DevHub', icon: 'github' } };
const idpError: IdpErrorStep = { step: 'idp-error', reason: 'access_denied', to: { kind: 'social', name: 'DevHub', icon: 'github' }, return_to: null };
const attestation = { id: 'Y3JlZA', rawId: 'Y3JlZA', type: 'public-key', response: { clientDataJSON: 'e30', attestationObject: 'oA' }, clientExtensionResults: {} };

interface Case {
  call: keyof Omit<LatchkeyClient, 'connection' | 'session'>;
  fn: (conn: Connection, body: never) => Promise<unknown>;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: object;
  status: number;
  answer?: unknown;
}

// Paths and statuses as documented on the wire types.
const cases: Case[] = [
  { call: 'identify', fn: identify, method: 'POST', path: '/v1/sign-in/identify', body: { email: ada.email, return_to: 'https://app.test/home' }, status: 200, answer: passwordStep },
  { call: 'signInWithPassword', fn: signInWithPassword, method: 'POST', path: '/v1/sign-in/password', body: { email: ada.email, password: 'correct horse' }, status: 200, answer: done },
  { call: 'startEmailCodeSignIn', fn: startEmailCodeSignIn, method: 'POST', path: '/v1/sign-in/email-code', body: { email: ada.email }, status: 202, answer: codeStep('sign-in') },
  { call: 'finishEmailCodeSignIn', fn: finishEmailCodeSignIn, method: 'POST', path: '/v1/sign-in/email-code/verify', body: { flow_id: 'flw_1', code: '123456' }, status: 200, answer: done },
  { call: 'resendEmailCode', fn: resendEmailCode, method: 'POST', path: '/v1/email-code/resend', body: { flow_id: 'flw_1' }, status: 202, answer: codeStep('sign-in') },
  { call: 'startSignUp', fn: startSignUp, method: 'POST', path: '/v1/sign-up', body: { email: ada.email, password: 'correct horse', name: 'Ada' }, status: 202, answer: codeStep('sign-up') },
  { call: 'finishSignUp', fn: finishSignUp, method: 'POST', path: '/v1/sign-up/verify', body: { flow_id: 'flw_1', code: '123456' }, status: 201, answer: done },
  { call: 'startPasswordReset', fn: startPasswordReset, method: 'POST', path: '/v1/password-reset', body: { email: ada.email }, status: 202, answer: codeStep('password-reset') },
  { call: 'finishPasswordReset', fn: finishPasswordReset, method: 'POST', path: '/v1/password-reset/finish', body: { flow_id: 'flw_1', code: '123456', password: 'new horse battery' }, status: 200, answer: { ...passwordStep, notice: 'password-reset' } },
  { call: 'getSession', fn: getSession, method: 'GET', path: '/v1/session', status: 200, answer: { user: ada, session: sessionOf('ses_1') } },
  { call: 'getSessionToken', fn: getSessionToken, method: 'POST', path: '/v1/session/token', status: 200, answer: { token: 'eyJ.token.sig', expires_at: '2026-11-24T12:05:00.000Z' } },
  { call: 'signOut', fn: signOut, method: 'POST', path: '/v1/sign-out', status: 204 },
  { call: 'startPasskeySignIn', fn: startPasskeySignIn, method: 'POST', path: '/v1/passkeys/sign-in/options', body: { return_to: 'https://app.test/home' }, status: 200, answer: passkeyStep },
  { call: 'finishPasskeySignIn', fn: finishPasskeySignIn, method: 'POST', path: '/v1/passkeys/sign-in/verify', body: { flow_id: 'flw_p', credential: assertion }, status: 200, answer: done },
  { call: 'restartPasskeySignUp', fn: restartPasskeySignUp, method: 'POST', path: '/v1/sign-up/passkey/options', body: { flow_id: 'flw_r' }, status: 200, answer: registrationStep },
  { call: 'finishPasskeySignUp', fn: finishPasskeySignUp, method: 'POST', path: '/v1/sign-up/passkey', body: { flow_id: 'flw_r', credential: attestation }, status: 201, answer: done },
  { call: 'getPublicConfig', fn: getPublicConfig, method: 'GET', path: '/v1/config', status: 200, answer: { sign_in_methods: ['password'], social: [{ id: 'devhub', name: 'DevHub', icon: 'github' }] } },
  { call: 'startSocialSignIn', fn: startSocialSignIn, method: 'POST', path: '/v1/sign-in/social', body: { provider: 'devhub', resume_url: 'https://app.test/sign-in', return_to: 'https://app.test/home' }, status: 200, answer: ssoStep },
  { call: 'resumeSignIn', fn: resumeSignIn, method: 'GET', path: '/v1/sign-in/flow', status: 200, answer: done },
];

/** Runs one case through `invoke` against a broker mounted under `/auth`, and checks what went over the wire. */
async function runCase(c: Case, invoke: (url: string, fetch: typeof globalThis.fetch) => Promise<unknown>) {
  const mount = `${uniqueBrokerUrl()}/auth`;
  const answer = c.answer === undefined ? noContent() : json(c.answer, c.status);
  const broker = fakeBroker(mount, { [`${c.method} ${c.path}`]: answer });
  const result = await invoke(`${mount}/`, broker.fetch);
  expect(broker.seen).toHaveLength(1);
  const [seen] = broker.seen;
  expect(seen).toMatchObject({ method: c.method, url: `${mount}${c.path}`, credentials: 'include', body: c.body });
  // JSON bodies say so; body-less calls send no content-type at all.
  expect(seen?.contentType).toBe(c.body ? 'application/json' : null);
  expect(result).toEqual(c.answer);
}

describe('each broker call', () => {
  // Plain tuples: `%s` prints the names unquoted.
  const named = cases.map((c) => [c.call, c.method, c.path, c.status, c] as const);

  it.each(named)('%s sends %s %s with the session cookie and reads its %i answer', async (_call, _method, _path, _status, c) => {
    await runCase(c, (url, fetch) => (c.body ? c.fn(connect({ url, fetch }), c.body as never) : (c.fn as (conn: Connection) => Promise<unknown>)(connect({ url, fetch }))));
  });

  it.each(named)('client.%s goes to the same endpoint', async (_call, _method, _path, _status, c) => {
    await runCase(c, (url, fetch) => {
      const client = createClient({ url, fetch }) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
      return c.body ? client[c.call]!(c.body) : client[c.call]!();
    });
  });

  it('answers null, not an error, when the broker says nobody is signed in', async () => {
    const url = uniqueBrokerUrl();
    const broker = fakeBroker(url, { 'GET /v1/session': json({ user: null }) });
    await expect(getSession(connect({ url, fetch: broker.fetch }))).resolves.toBeNull();
  });

  it("reads an older broker's 401 as signed out too", async () => {
    const url = uniqueBrokerUrl();
    const broker = fakeBroker(url, { 'GET /v1/session': problem('unauthenticated', 401) });
    await expect(getSession(connect({ url, fetch: broker.fetch }))).resolves.toBeNull();
  });

  it('asks for a token for another configured audience when told to', async () => {
    const url = uniqueBrokerUrl();
    const token = { token: 'eyJ.token.sig', expires_at: '2026-11-24T12:05:00.000Z' };
    const broker = fakeBroker(url, { 'POST /v1/session/token?audience=https%3A%2F%2Fapi.example.com%2Fv1%3Fx%3D1': json(token) });
    await expect(getSessionToken(connect({ url, fetch: broker.fetch }), { audience: 'https://api.example.com/v1?x=1' })).resolves.toEqual(token);
    expect(broker.routes()).toEqual(['POST /v1/session/token?audience=https%3A%2F%2Fapi.example.com%2Fv1%3Fx%3D1']);
  });

  it("asks for a token in an organization (?org=, 'personal' for null) beside an audience", async () => {
    const url = uniqueBrokerUrl();
    const token = { token: 'eyJ.token.sig', expires_at: '2026-11-24T12:05:00.000Z' };
    const broker = fakeBroker(url, {
      'POST /v1/session/token?org=org_a%2Fb': json(token),
      'POST /v1/session/token?org=personal': json(token),
      'POST /v1/session/token?audience=urn%3Aapi&org=org_acme': json(token),
    });
    const conn = connect({ url, fetch: broker.fetch });
    await getSessionToken(conn, { org: 'org_a/b' });
    await getSessionToken(conn, { org: null });
    await getSessionToken(conn, { audience: 'urn:api', org: 'org_acme' });
    await getSessionToken(conn, { org: undefined }).catch(() => {});
    expect(broker.routes()).toEqual(['POST /v1/session/token?org=org_a%2Fb', 'POST /v1/session/token?org=personal', 'POST /v1/session/token?audience=urn%3Aapi&org=org_acme', 'POST /v1/session/token']);
  });

  it('still throws when the session cannot be read for another reason', async () => {
    const url = uniqueBrokerUrl();
    const broker = fakeBroker(url, { 'GET /v1/session': problem('rate_limited', 429) });
    await expect(getSession(connect({ url, fetch: broker.fetch }))).rejects.toMatchObject({ code: 'rate_limited', status: 429 });
  });

  it('cannot mint a token without a session', async () => {
    const url = uniqueBrokerUrl();
    const broker = fakeBroker(url, { 'POST /v1/session/token': problem('unauthenticated', 401) });
    const error = await getSessionToken(connect({ url, fetch: broker.fetch })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LatchkeyError);
    expect(error).toMatchObject({ code: 'unauthenticated', status: 401 });
  });
});

describe('step answers', () => {
  const stepCases = cases.filter((c) => typeof c.answer === 'object' && c.answer !== null && 'step' in c.answer);
  const named = stepCases.map((c) => [c.call, c] as const);

  /** Runs one case against a broker that answers `body` with the case's status. */
  async function answerWith(c: Case, body: unknown) {
    const url = uniqueBrokerUrl();
    const broker = fakeBroker(url, { [`${c.method} ${c.path}`]: json(body, c.status) });
    return c.fn(connect({ url, fetch: broker.fetch }), c.body as never).catch((e: unknown) => e);
  }

  it.each(named)('%s refuses a step of a newer protocol with unsupported_step, so no caller meets a variant it cannot show', async (_call, c) => {
    const error = await answerWith(c, { step: 'consent', scopes: ['profile'] });
    expect(error).toBeInstanceOf(LatchkeyError);
    expect(error).toMatchObject({ code: 'unsupported_step', status: c.status, problem: undefined });
    expect((error as LatchkeyError).message).toMatch(/needs a newer version of Latchkey/);
  });

  it.each(named)('%s sees an answer without a step as unexpected_response', async (_call, c) => {
    await expect(answerWith(c, { flow_id: 'flw_1' })).resolves.toMatchObject({ code: 'unexpected_response', status: c.status });
  });

  it('lets identify answer an email-code step, for brokers that mail a code first', async () => {
    const c = cases.find((x) => x.call === 'identify')!;
    const step = codeStepFor(ada.email, 'sign-in', { methods: ['email-code', 'password'] });
    await expect(answerWith(c, step)).resolves.toEqual(step);
  });

  it('lets a password sign-in answer a step other than done (a second factor, say)', async () => {
    const c = cases.find((x) => x.call === 'signInWithPassword')!;
    const step = codeStepFor(ada.email, 'sign-in');
    await expect(answerWith(c, step)).resolves.toEqual(step);
  });

  it('lets the resumed flow answer an IdP error, a redirect or another requirement', async () => {
    const c = cases.find((x) => x.call === 'resumeSignIn')!;
    for (const step of [idpError, ssoStep, codeStep('sign-in')]) await expect(answerWith(c, step)).resolves.toEqual(step);
  });

  it('says no_flow when this browser has no flow to resume', async () => {
    const url = uniqueBrokerUrl();
    const broker = fakeBroker(url, { 'GET /v1/sign-in/flow': problem('no_flow', 404) });
    await expect(resumeSignIn(connect({ url, fetch: broker.fetch }))).rejects.toMatchObject({ code: 'no_flow', status: 404 });
  });

  it('refuses a social start that answers anything but a redirect', async () => {
    const c = cases.find((x) => x.call === 'startSocialSignIn')!;
    await expect(answerWith(c, done)).resolves.toMatchObject({ code: 'unexpected_response' });
  });

  it('signs the session store in when the resumed flow is done', async () => {
    const url = uniqueBrokerUrl();
    const broker = fakeBroker(url, { 'GET /v1/sign-in/flow': json(done) });
    const client = createClient({ url, fetch: broker.fetch });
    await client.resumeSignIn();
    expect(client.session.state).toMatchObject({ status: 'signed-in', user: { email: ada.email } });
  });

  it.each(['startEmailCodeSignIn', 'resendEmailCode', 'startPasswordReset'] as const)('%s, which only ever mails a code, refuses any other known step', async (call) => {
    const c = cases.find((x) => x.call === call)!;
    await expect(answerWith(c, done)).resolves.toMatchObject({ code: 'unexpected_response' });
  });
});

describe('connect', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('drops trailing slashes so paths join cleanly', () => {
    expect(connect({ url: 'https://auth.example.com///' }).url).toBe('https://auth.example.com');
    expect(connect({ url: new URL('https://example.com/auth/') }).url).toBe('https://example.com/auth');
  });

  it('uses the page fetch when given none, called as a plain function', async () => {
    const pageFetch = vi.fn(function (this: unknown) {
      // Browsers throw "Illegal invocation" when fetch runs with another `this`.
      if (this !== undefined && this !== globalThis) throw new TypeError('Illegal invocation');
      return Promise.resolve(Response.json(passwordStep));
    });
    vi.stubGlobal('fetch', pageFetch);
    await expect(identify(connect({ url: 'https://auth.example.com' }), { email: ada.email })).resolves.toEqual(passwordStep);
    expect(pageFetch).toHaveBeenCalledWith('https://auth.example.com/v1/sign-in/identify', expect.objectContaining({ credentials: 'include' }));
  });

  it('accepts window.fetch itself, which browsers refuse to call as a method of another object', async () => {
    const windowFetch = function (this: unknown) {
      if (this !== undefined && this !== globalThis) return Promise.reject(new TypeError('Illegal invocation'));
      return Promise.resolve(Response.json(passwordStep));
    } as unknown as typeof fetch;
    await expect(identify(connect({ url: 'https://auth.example.com', fetch: windowFetch }), { email: ada.email })).resolves.toEqual(passwordStep);
  });
});

describe('passkey management (standalone calls, with client.connection)', () => {
  const passkey = { id: 'pk_1/x', name: 'Work laptop', created_at: '2026-11-24T12:00:00.000Z', last_used_at: null, device_type: 'multi-device', backed_up: true, transports: ['internal'], aaguid: '00000000-0000-0000-0000-000000000000' };

  it('adds, lists, renames and deletes through their endpoints, with the session cookie, the id escaped', async () => {
    const url = uniqueBrokerUrl();
    const broker = fakeBroker(url, {
      'POST /v1/passkeys/options': json(registrationStep),
      'POST /v1/passkeys': json(passkey, 201),
      'GET /v1/passkeys': json({ passkeys: [passkey] }),
      'PATCH /v1/passkeys/pk_1%2Fx': json({ ...passkey, name: 'Home' }),
      'DELETE /v1/passkeys/pk_1%2Fx': noContent(),
    });
    const conn = connect({ url, fetch: broker.fetch });
    await expect(startAddPasskey(conn)).resolves.toEqual(registrationStep);
    await expect(addPasskey(conn, { flow_id: 'flw_r', credential: attestation as never })).resolves.toEqual(passkey);
    await expect(listPasskeys(conn)).resolves.toEqual({ passkeys: [passkey] });
    await expect(renamePasskey(conn, 'pk_1/x', { name: 'Home' })).resolves.toMatchObject({ name: 'Home' });
    await expect(deletePasskey(conn, 'pk_1/x')).resolves.toBeUndefined();
    expect(broker.routes()).toEqual(['POST /v1/passkeys/options', 'POST /v1/passkeys', 'GET /v1/passkeys', 'PATCH /v1/passkeys/pk_1%2Fx', 'DELETE /v1/passkeys/pk_1%2Fx']);
    expect(broker.seen.every((s) => s.credentials === 'include')).toBe(true);
  });

  it('reads the refusal to delete the last way in as last_sign_in_method', async () => {
    const url = uniqueBrokerUrl();
    const broker = fakeBroker(url, { 'DELETE /v1/passkeys/pk_1': problem('last_sign_in_method', 409) });
    await expect(deletePasskey(connect({ url, fetch: broker.fetch }), 'pk_1')).rejects.toMatchObject({ code: 'last_sign_in_method', status: 409 });
  });

  it('removes passkeys after a reset with the review handle, no session needed, and reads an expired review as code_expired', async () => {
    const url = uniqueBrokerUrl();
    const removal = { flow_id: 'flw_v', expires_at: '2026-11-24T12:15:00.000Z', passkeys: [], removed: ['pk_1/x'] };
    const broker = fakeBroker(url, {
      'POST /v1/password-reset/passkeys/remove': [json(removal), problem('code_expired', 400)],
    });
    const conn = connect({ url, fetch: broker.fetch });
    await expect(removePasskeysAfterReset(conn, { flow_id: 'flw_v', passkey_ids: ['pk_1/x'] })).resolves.toEqual(removal);
    await expect(removePasskeysAfterReset(conn, { flow_id: 'flw_v', passkey_ids: ['pk_1/x'] })).rejects.toMatchObject({ code: 'code_expired', status: 400 });
    expect(broker.seen[0]).toMatchObject({ method: 'POST', path: '/v1/password-reset/passkeys/remove', body: { flow_id: 'flw_v', passkey_ids: ['pk_1/x'] }, credentials: 'include' });
  });
});

describe('connected accounts (standalone calls, with client.connection)', () => {
  const devhub = { id: 'devhub', name: 'DevHub', icon: 'github' } as const;
  const account = { id: 'idn_1/x', provider: devhub, email: 'ada@devhub.test', created_at: '2026-11-24T12:00:00.000Z' };
  const redirect = { step: 'sso-redirect', url: 'https://idp.test/authorize?state=s', to: { kind: 'social', name: 'DevHub', icon: 'github' } } as const;

  it('lists, connects and disconnects through their endpoints, with the session cookie, the id escaped', async () => {
    const url = uniqueBrokerUrl();
    const broker = fakeBroker(url, {
      'GET /v1/identities': json({ accounts: [account], available: [] }),
      'POST /v1/identities/connect': json(redirect),
      'DELETE /v1/identities/idn_1%2Fx': noContent(),
    });
    const conn = connect({ url, fetch: broker.fetch });
    await expect(listConnectedAccounts(conn)).resolves.toEqual({ accounts: [account], available: [] });
    await expect(connectAccount(conn, { provider: 'devhub', resume_url: 'https://app.test/account' })).resolves.toEqual(redirect);
    await expect(disconnectAccount(conn, 'idn_1/x')).resolves.toBeUndefined();
    expect(broker.routes()).toEqual(['GET /v1/identities', 'POST /v1/identities/connect', 'DELETE /v1/identities/idn_1%2Fx']);
    expect(broker.seen[1]).toMatchObject({ body: { provider: 'devhub', resume_url: 'https://app.test/account' } });
    expect(broker.seen.every((s) => s.credentials === 'include')).toBe(true);
  });

  it('reads the refusal to disconnect the last way in as last_way_in', async () => {
    const url = uniqueBrokerUrl();
    const broker = fakeBroker(url, { 'DELETE /v1/identities/idn_1': problem('last_way_in', 409) });
    await expect(disconnectAccount(connect({ url, fetch: broker.fetch }), 'idn_1')).rejects.toMatchObject({ code: 'last_way_in', status: 409 });
  });

  it('refuses a connect answer that is not a redirect', async () => {
    const url = uniqueBrokerUrl();
    const broker = fakeBroker(url, { 'POST /v1/identities/connect': json(done) });
    await expect(connectAccount(connect({ url, fetch: broker.fetch }), { provider: 'devhub' })).rejects.toMatchObject({ code: 'unexpected_response' });
  });
});
