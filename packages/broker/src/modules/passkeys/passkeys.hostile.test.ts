import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { ProblemError } from '../../http/problem.js';
import { rowCounts, storageKinds, type StorageKind, type TestBroker, useTestBroker } from '../../test/harness.js';
import { addPasskey, PASSKEY_METHODS, passkeySignUpStep, signUpWithPasskey, SoftAuthenticator } from '../../test/passkeys.js';
import { encodeCbor, type AssertionForgery, type RegistrationForgery, type SoftAlgorithm } from '../../test/soft-authenticator.js';
import type { Browser } from '../sign-in/browser.js';
import { recordingCounterRegressions } from './ceremony.js';
import { startPasskeySecondFactor } from './sign-in.js';
import { verifyPasskeyAssertion } from './verify.js';

type Answer = Awaited<ReturnType<TestBroker['post']>>;
type Client = ReturnType<TestBroker['browser']>;

/** The page that frames the broker's in an attack from a cross-origin iframe. */
const FOREIGN_TOP_ORIGIN = 'https://evil.example';
/**
 * Extension outputs `{"x": +Infinity}` with the float as half precision (f9 7c00): a parser
 * that measures the outputs by encoding them again counts them 2 bytes longer than they are.
 */
const HALF_FLOAT_EXTENSIONS = Uint8Array.from([0xa1, 0x61, 0x78, 0xf9, 0x7c, 0x00]);
/** Every key type with each algorithm of another (the broker offers EdDSA, ES256 and RS256). */
const MISMATCHED_KEYS: Array<[string, SoftAlgorithm, number]> = [
  ['an EC2 key that claims RS256', 'ES256', -257],
  ['an EC2 key that claims EdDSA', 'ES256', -8],
  ['an OKP key that claims ES256', 'EdDSA', -7],
  ['an OKP key that claims RS256', 'EdDSA', -257],
  ['an RSA key that claims ES256', 'RS256', -7],
  ['an RSA key that claims EdDSA', 'RS256', -8],
];

describe.each(storageKinds)('passkeys against hostile input on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind, undefined, { signIn: { methods: [...PASSKEY_METHODS] } });
  let ada: SoftAuthenticator;
  let adaId: string;
  let warn: MockInstance<typeof console.warn>;

  beforeEach(async () => {
    warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    ada = new SoftAuthenticator();
    adaId = (await signUpWithPasskey(t.broker, ada, 'ada@example.com')).user.id;
  });
  afterEach(() => warn.mockRestore());

  /** Everything a refused ceremony must leave as it was. */
  async function snapshot() {
    return {
      counts: await rowCounts(t.storage),
      passkeys: await t.storage.query(`SELECT id, user_id, credential_id, counter, backed_up, last_used_at, counter_regressions FROM passkeys ORDER BY id`),
      flows: await t.storage.query(`SELECT id, kind, attempts, consumed_at, expires_at FROM flows ORDER BY id`),
    };
  }

  /**
   * Sends a request, expects the problem, checks that nothing was written and no
   * cookie set, and (for a refused ceremony) that the log says why.
   */
  async function refused(request: () => Promise<Answer>, status: number, code: string, logged?: RegExp) {
    const before = await snapshot();
    warn.mockClear();
    const response = await request();
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.body).toMatchObject({ type: `urn:latchkey:problem:${code}`, code, status });
    expect(response.setCookies).toEqual([]);
    expect(await snapshot()).toEqual(before);
    if (logged) expect(warn.mock.calls.map((call) => String(call[0])).join('\n')).toMatch(logged);
    return response.body;
  }

  const signInOptions = async (browser: Client) => {
    const step = await browser.post('/v1/passkeys/sign-in/options', {});
    expect(step.status).toBe(200);
    return step.body;
  };
  const finishSignIn = (browser: Client, flowId: string, credential: unknown) => browser.post('/v1/passkeys/sign-in/verify', { flow_id: flowId, credential });

  it('refuses a replayed assertion: each challenge is good for one sign-in', async () => {
    const browser = t.broker.browser();
    const step = await signInOptions(browser);
    const assertion = ada.get(step.options);
    expect((await finishSignIn(browser, step.flow_id, assertion)).status).toBe(200);
    await refused(() => finishSignIn(browser, step.flow_id, assertion), 400, 'passkey_rejected', /already finished/);
    // Nor does it answer a fresh ceremony: its signature covers the old challenge.
    const fresh = await signInOptions(browser);
    await refused(() => finishSignIn(browser, fresh.flow_id, assertion), 400, 'passkey_rejected', /challenge/);
  });

  it('refuses an expired challenge', async () => {
    const browser = t.broker.browser();
    const step = await signInOptions(browser);
    t.broker.clock.advance(5 * 60_000);
    await refused(() => finishSignIn(browser, step.flow_id, ada.get(step.options)), 400, 'passkey_rejected', /expired/);
  });

  it('refuses a challenge issued to another browser, which can still finish it', async () => {
    const victim = t.broker.browser();
    const attacker = t.broker.browser({ ip: '198.51.100.66' });
    const step = await signInOptions(victim);
    const assertion = ada.get(step.options);
    await refused(() => finishSignIn(attacker, step.flow_id, assertion), 400, 'passkey_rejected', /another browser/);
    expect((await finishSignIn(victim, step.flow_id, assertion)).status).toBe(200);
  });

  it("refuses a registration finished outside the browser that started it, even with the user's session cookie", async () => {
    const options = await t.broker.post('/v1/passkeys/options');
    const session = `lk_session=${t.broker.cookies.get('lk_session')}`;
    const credential = new SoftAuthenticator().create(options.body.options);
    await refused(() => t.broker.call('POST', '/v1/passkeys', { json: { flow_id: options.body.flow_id, credential }, cookie: session }), 400, 'passkey_rejected', /another browser/);
    expect((await t.broker.post('/v1/passkeys', { flow_id: options.body.flow_id, credential })).status).toBe(201);
  });

  it('refuses to finish or renew a pending sign-up from another browser', async () => {
    const owner = t.broker.browser();
    const attacker = t.broker.browser({ ip: '198.51.100.66' });
    const step = await passkeySignUpStep(t.broker, 'bo@example.com', owner);
    const credential = new SoftAuthenticator().create(step.options);
    await refused(() => attacker.post('/v1/sign-up/passkey', { flow_id: step.flow_id, credential }), 400, 'passkey_rejected', /another browser/);
    await refused(() => attacker.post('/v1/sign-up/passkey/options', { flow_id: step.flow_id }), 400, 'code_expired');
    expect((await owner.post('/v1/sign-up/passkey', { flow_id: step.flow_id, credential })).status).toBe(201);
  });

  it('refuses an assertion or a registration made on another origin (a phishing page)', async () => {
    const browser = t.broker.browser();
    const step = await signInOptions(browser);
    await refused(() => finishSignIn(browser, step.flow_id, ada.get(step.options, { origin: 'https://app.test.evil.example' })), 400, 'passkey_rejected', /origin/);
    const options = await t.broker.post('/v1/passkeys/options');
    const credential = new SoftAuthenticator({ origin: 'https://evil.example' }).create(options.body.options);
    await refused(() => t.broker.post('/v1/passkeys', { flow_id: options.body.flow_id, credential }), 400, 'passkey_rejected', /origin/);
  });

  /** A discoverable sign-in by Ada's authenticator, forged: the request to send. */
  const forgedSignIn = async (forgery: AssertionForgery) => {
    const browser = t.broker.browser();
    const step = await signInOptions(browser);
    return () => finishSignIn(browser, step.flow_id, ada.get(step.options, forgery));
  };
  /** Ada, signed in, adds a passkey forged by `authenticator`: the request to send. */
  const forgedAdd = async (forgery: RegistrationForgery, authenticator = new SoftAuthenticator()) => {
    const options = await t.broker.post('/v1/passkeys/options');
    const credential = authenticator.create(options.body.options, forgery);
    return () => t.broker.post('/v1/passkeys', { flow_id: options.body.flow_id, credential });
  };
  /** A passkey-first sign-up, its address proven, finished with a forged passkey: the request to send. */
  const forgedSignUp = async (forgery: RegistrationForgery) => {
    const browser = t.broker.browser({ ip: '198.51.100.7' });
    const step = await passkeySignUpStep(t.broker, 'bo@example.com', browser);
    const credential = new SoftAuthenticator().create(step.options, forgery);
    return () => browser.post('/v1/sign-up/passkey', { flow_id: step.flow_id, credential });
  };

  it('refuses a sign-in from a cross-origin iframe (crossOrigin true)', async () => {
    await refused(await forgedSignIn({ clientData: { crossOrigin: true } }), 400, 'passkey_rejected', /sign-in refused: .*crossOrigin/);
  });

  it('refuses a passkey added from a cross-origin iframe (crossOrigin true)', async () => {
    await refused(await forgedAdd({ clientData: { crossOrigin: true } }), 400, 'passkey_rejected', /registration refused: .*crossOrigin/);
  });

  it('refuses a passkey-first sign-up finished from a cross-origin iframe (crossOrigin true)', async () => {
    await refused(await forgedSignUp({ clientData: { crossOrigin: true } }), 400, 'passkey_rejected', /sign-up refused: .*crossOrigin/);
  });

  it('refuses a passkey second factor from a cross-origin iframe (crossOrigin true)', async () => {
    const browser: Browser = { bindingHash: 'second-factor-browser', ip: undefined, userAgent: null, devices: [] };
    const deps = t.broker.deps;
    const step = await deps.storage.transaction((tx) => startPasskeySecondFactor(tx, deps, browser, adaId));
    const assertion = ada.get(step.options, { clientData: { crossOrigin: true } });
    const before = await snapshot();
    await expect(
      recordingCounterRegressions(deps, () => deps.storage.transaction((tx) => verifyPasskeyAssertion(tx, deps, browser, adaId, { id: step.flow_id, kind: 'passkey-second-factor' }, assertion as never))),
    ).rejects.toMatchObject({ code: 'passkey_rejected' });
    expect(await snapshot()).toEqual(before);
    expect(warn.mock.calls.join('\n')).toMatch(/second factor refused: .*crossOrigin/);
  });

  it('refuses client data whose crossOrigin is not a boolean', async () => {
    await refused(await forgedSignIn({ clientData: { crossOrigin: 'true' } }), 400, 'passkey_rejected', /crossOrigin/);
    await refused(await forgedAdd({ clientData: { crossOrigin: 1 } }), 400, 'passkey_rejected', /crossOrigin/);
  });

  it('refuses a sign-in that names a foreign top origin', async () => {
    await refused(await forgedSignIn({ clientData: { topOrigin: FOREIGN_TOP_ORIGIN } }), 400, 'passkey_rejected', /sign-in refused: .*topOrigin/);
  });

  it('refuses a passkey added under a foreign top origin', async () => {
    await refused(await forgedAdd({ clientData: { topOrigin: FOREIGN_TOP_ORIGIN } }), 400, 'passkey_rejected', /registration refused: .*topOrigin/);
  });

  it('refuses a passkey-first sign-up finished under a foreign top origin', async () => {
    await refused(await forgedSignUp({ clientData: { topOrigin: FOREIGN_TOP_ORIGIN } }), 400, 'passkey_rejected', /sign-up refused: .*topOrigin/);
  });

  it.each(MISMATCHED_KEYS)('refuses to register %s', async (_, algorithm, alg) => {
    await refused(await forgedAdd({ coseKey: { alg } }, new SoftAuthenticator({ algorithm })), 400, 'passkey_rejected', /registration refused: .*kty \d+ .*alg -?\d+/);
  });

  it.each([
    ['an ES256 key on P-384', 'ES256', 2],
    ["an ES256 key on Ed25519's curve", 'ES256', 6],
    ['an EdDSA key on X25519', 'EdDSA', 4],
  ] as Array<[string, SoftAlgorithm, number]>)('refuses to register %s (the curve is not the algorithm’s)', async (_, algorithm, crv) => {
    await refused(await forgedAdd({ coseKey: { crv } }, new SoftAuthenticator({ algorithm })), 400, 'passkey_rejected', /registration refused: .*crv/);
  });

  it('refuses to register an EC2 key whose point is not on its curve', async () => {
    await refused(await forgedAdd({ coseKey: { offCurve: true } }), 400, 'passkey_rejected', /registration refused: .*not a valid/);
  });

  it('refuses a credential id longer than 1023 bytes', async () => {
    // 1024 bytes are 1366 base64url characters: within the request schema's limit, over WebAuthn §7.1's.
    await refused(await forgedAdd({ credentialIdLength: 1024 }), 400, 'passkey_rejected', /registration refused: .*credential id is 1024 bytes/);
  });

  it('refuses an attestation object with bytes after its CBOR map', async () => {
    const second = encodeCbor(new Map([['fmt', 'packed']]));
    await refused(await forgedAdd({ attestationObjectTrailer: second }), 400, 'passkey_rejected', /registration refused: .*attestation object/);
    await refused(await forgedSignUp({ attestationObjectTrailer: Uint8Array.of(0) }), 400, 'passkey_rejected', /sign-up refused: .*attestation object/);
  });

  it('refuses a registration whose authenticator data has bytes after its last field', async () => {
    await refused(await forgedAdd({ authDataTrailer: Uint8Array.of(0, 0) }), 400, 'passkey_rejected', /registration refused: .*authenticator data/i);
  });

  it('refuses a registration whose trailing bytes a re-encoding parser would count as its extensions', async () => {
    await refused(await forgedAdd({ authDataExtensions: HALF_FLOAT_EXTENSIONS, authDataTrailer: Uint8Array.of(0, 0) }), 400, 'passkey_rejected', /registration refused: .*authenticator data/);
  });

  it('refuses an assertion whose authenticator data has bytes after its last field', async () => {
    await refused(await forgedSignIn({ authDataTrailer: Uint8Array.of(0, 0) }), 400, 'passkey_rejected', /sign-in refused: .*authenticator data/i);
  });

  it('refuses an assertion whose trailing bytes a re-encoding parser would count as its extensions', async () => {
    await refused(await forgedSignIn({ authDataExtensions: HALF_FLOAT_EXTENSIONS, authDataTrailer: Uint8Array.of(0, 0) }), 400, 'passkey_rejected', /sign-in refused: .*authenticator data/);
  });

  it('refuses an assertion whose authenticator data carries attested credential data (AT set)', async () => {
    await refused(await forgedSignIn({ attestedCredentialData: true }), 400, 'passkey_rejected', /sign-in refused: .*AT/);
  });

  it('refuses extension flags that do not match the bytes: ED without extensions, extensions without ED, extensions that are no map', async () => {
    const text = encodeCbor('credProtect');
    const extensions = encodeCbor(new Map([['credProtect', 2]]));
    for (const forgery of [{ flags: { ed: true } }, { flags: { ed: false }, authDataExtensions: extensions }, { authDataExtensions: text }]) {
      await refused(await forgedSignIn(forgery), 400, 'passkey_rejected', /sign-in refused/);
      await refused(await forgedAdd(forgery), 400, 'passkey_rejected', /registration refused/);
    }
  });

  it('refuses an authenticator answer for another RP ID', async () => {
    const browser = t.broker.browser();
    const step = await signInOptions(browser);
    await refused(() => finishSignIn(browser, step.flow_id, ada.get(step.options, { rpId: 'evil.example' })), 400, 'passkey_rejected', /RP ID/);
    const options = await t.broker.post('/v1/passkeys/options');
    const credential = new SoftAuthenticator().create(options.body.options, { rpId: 'evil.example' });
    await refused(() => t.broker.post('/v1/passkeys', { flow_id: options.body.flow_id, credential }), 400, 'passkey_rejected', /RP ID/);
  });

  it('refuses an answer without user verification or presence where they are required', async () => {
    const browser = t.broker.browser();
    const step = await signInOptions(browser);
    await refused(() => finishSignIn(browser, step.flow_id, ada.get(step.options, { flags: { uv: false } })), 400, 'passkey_rejected', /verification required/i);
    await refused(() => finishSignIn(browser, step.flow_id, ada.get(step.options, { flags: { up: false, uv: false } })), 400, 'passkey_rejected', /not present/);
    const options = await t.broker.post('/v1/passkeys/options');
    const credential = new SoftAuthenticator().create(options.body.options, { flags: { uv: false } });
    await refused(() => t.broker.post('/v1/passkeys', { flow_id: options.body.flow_id, credential }), 400, 'passkey_rejected', /verification was required/i);
  });

  it('refuses an assertion of the wrong ceremony type', async () => {
    const browser = t.broker.browser();
    const step = await signInOptions(browser);
    await refused(() => finishSignIn(browser, step.flow_id, ada.get(step.options, { type: 'webauthn.create' })), 400, 'passkey_rejected', /type/);
  });

  it('refuses a signature that does not verify', async () => {
    const browser = t.broker.browser();
    const step = await signInOptions(browser);
    await refused(() => finishSignIn(browser, step.flow_id, ada.get(step.options, { badSignature: true, counter: 7 })), 400, 'passkey_rejected', /signature/);
  });

  it('refuses an unknown credential id', async () => {
    const browser = t.broker.browser();
    const step = await signInOptions(browser);
    await refused(() => finishSignIn(browser, step.flow_id, ada.get(step.options, { claimId: 'bm90LWEtcmVnaXN0ZXJlZC1jcmVkZW50aWFs' })), 400, 'passkey_rejected', /not registered/);
  });

  it("refuses a user handle that is not the credential's account, and a discoverable answer without one", async () => {
    const browser = t.broker.browser();
    const step = await signInOptions(browser);
    const otherHandle = Buffer.from('usr_someoneElse0000000000').toString('base64url');
    await refused(() => finishSignIn(browser, step.flow_id, ada.get(step.options, { userHandle: otherHandle })), 400, 'passkey_rejected', /user handle/);
    await refused(() => finishSignIn(browser, step.flow_id, ada.get(step.options, { userHandle: null })), 400, 'passkey_rejected', /without its user handle/);
  });

  it('refuses and records a signed counter that does not move forward (a cloned authenticator)', async () => {
    const browser = t.broker.browser();
    const first = await signInOptions(browser);
    expect((await finishSignIn(browser, first.flow_id, ada.get(first.options, { counter: 5 }))).status).toBe(200);

    for (const [counter, recorded] of [[5, 1], [3, 2], [0, 3]] as const) {
      const step = await signInOptions(browser);
      const before = await snapshot();
      warn.mockClear();
      const answer = await finishSignIn(browser, step.flow_id, ada.get(step.options, { counter }));
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('passkey_rejected');
      expect(warn.mock.calls.join('\n')).toMatch(new RegExp(`counter regression .*: ${counter} after 5`));
      const [passkey] = await t.storage.query<{ counter_regressions: number; last_counter_regression_at: Date }>(`SELECT counter_regressions, last_counter_regression_at FROM passkeys`);
      expect(passkey).toEqual({ counter_regressions: recorded, last_counter_regression_at: t.broker.clock.now() });
      // Recorded, and nothing else: no session, the counter where it was, the flow still open.
      const after = await snapshot();
      expect({ ...after, passkeys: after.passkeys.map((p) => ({ ...p, counter_regressions: 0 })) }).toEqual({ ...before, passkeys: before.passkeys.map((p) => ({ ...p, counter_regressions: 0 })) });
    }
    // A forged signature with a low counter proves nothing about the authenticator: not recorded.
    const step = await signInOptions(browser);
    await refused(() => finishSignIn(browser, step.flow_id, ada.get(step.options, { counter: 1, badSignature: true })), 400, 'passkey_rejected', /signature/);
    // The genuine authenticator, moving on, still signs in.
    const next = await signInOptions(browser);
    expect((await finishSignIn(browser, next.flow_id, ada.get(next.options, { counter: 6 }))).status).toBe(200);
  });

  it('lets only one of two parallel assertions carrying the same counter through', async () => {
    const one = t.broker.browser();
    const two = t.broker.browser({ ip: '198.51.100.2' });
    const [a, b] = [await signInOptions(one), await signInOptions(two)];
    const answers = await Promise.all([finishSignIn(one, a.flow_id, ada.get(a.options, { counter: 9 })), finishSignIn(two, b.flow_id, ada.get(b.options, { counter: 9 }))]);
    expect(answers.map((x) => x.status).sort()).toEqual([200, 400]);
    const [passkey] = await t.storage.query<{ counter: number; counter_regressions: number }>(`SELECT counter, counter_regressions FROM passkeys`);
    expect(passkey).toEqual({ counter: 9, counter_regressions: 1 });
  });

  it("refuses another account's credential as a second factor, and a ceremony opened for another account", async () => {
    const bob = new SoftAuthenticator();
    const bobsBrowser = t.broker.browser({ ip: '198.51.100.9' });
    const bobId = (await signUpWithPasskey(t.broker, bob, 'bo@example.com', bobsBrowser)).user.id;
    const browser: Browser = { bindingHash: 'second-factor-browser', ip: undefined, userAgent: null, devices: [] };
    const deps = t.broker.deps;
    const secondFactor = async (userId: string, assert: (options: Parameters<SoftAuthenticator['get']>[0]) => ReturnType<SoftAuthenticator['get']>, openedFor = userId) => {
      const step = await deps.storage.transaction((tx) => startPasskeySecondFactor(tx, deps, browser, openedFor));
      return { step, run: () => recordingCounterRegressions(deps, () => deps.storage.transaction((tx) => verifyPasskeyAssertion(tx, deps, browser, userId, { id: step.flow_id, kind: 'passkey-second-factor' }, assert(step.options) as never))) };
    };

    // A second factor lists only the user's own credentials.
    const bobs = await secondFactor(bobId, (o) => bob.get(o));
    expect(bobs.step.options.allowCredentials).toEqual([{ id: bob.credentials[0]!.id, type: 'public-key', transports: ['usb'] }]);

    const withAdas = await secondFactor(bobId, (o) => ada.get(o, { credential: ada.credentials[0] }));
    let before = await snapshot();
    await expect(withAdas.run()).rejects.toThrow(ProblemError);
    expect(await snapshot()).toEqual(before);
    expect(warn.mock.calls.join('\n')).toMatch(/second factor refused: the credential is another account's/);

    const openedForAda = await secondFactor(bobId, (o) => bob.get(o, { credential: bob.credentials[0] }), adaId);
    before = await snapshot();
    await expect(openedForAda.run()).rejects.toMatchObject({ code: 'passkey_rejected' });
    expect(await snapshot()).toEqual(before);
    expect(warn.mock.calls.join('\n')).toMatch(/opened for another account/);

    // Bob's own passkey passes, once.
    await expect(bobs.run()).resolves.toMatchObject({ factor: { method: 'passkey', synced: false }, passkey: { userId: bobId } });
    await expect(bobs.run()).rejects.toMatchObject({ code: 'passkey_rejected' });
  });

  it('refuses a registration ceremony opened by another account signed in on the same browser', async () => {
    const options = await t.broker.post('/v1/passkeys/options');
    await t.broker.post('/v1/sign-out');
    await signUpWithPasskey(t.broker, new SoftAuthenticator(), 'mallory@example.com');
    const credential = new SoftAuthenticator().create(options.body.options);
    await refused(() => t.broker.post('/v1/passkeys', { flow_id: options.body.flow_id, credential }), 400, 'passkey_rejected', /opened by another account/);
  });

  it("refuses to register another account's credential, without saying whose it is", async () => {
    const mallory = t.broker.browser({ ip: '198.51.100.66' });
    await signUpWithPasskey(t.broker, new SoftAuthenticator(), 'mallory@example.com', mallory);
    const options = await mallory.post('/v1/passkeys/options');
    const stolen = ada.create(options.body.options, { reuse: ada.credentials[0] });
    await refused(() => mallory.post('/v1/passkeys', { flow_id: options.body.flow_id, credential: stolen }), 400, 'passkey_rejected', /registered to another account/);
    // Nor can a sign-up claim it.
    const step = await passkeySignUpStep(t.broker, 'eve@example.com', mallory);
    await refused(() => mallory.post('/v1/sign-up/passkey', { flow_id: step.flow_id, credential: ada.create(step.options, { reuse: ada.credentials[0] }) }), 400, 'passkey_rejected', /registered to another account/);
  });

  it('refuses malformed credentials as bad input, and well-formed garbage as a failed ceremony, never with a 500', async () => {
    const browser = t.broker.browser();
    const step = await signInOptions(browser);
    const good = ada.get(step.options);
    const send = (credential: unknown, extra: object = {}) => () => browser.post('/v1/passkeys/sign-in/verify', { flow_id: step.flow_id, credential, ...extra });
    const paths = async (credential: unknown, extra: object = {}) =>
      ((await refused(send(credential, extra), 400, 'invalid_request')).errors as Array<{ path: string }>).map((e) => e.path);

    expect(await paths(undefined)).toEqual(['credential']);
    expect(await paths('a string')).toEqual(['credential']);
    expect(await paths({ ...good, id: 'not base64url!' })).toEqual(['credential.id']);
    expect(await paths({ ...good, type: 'password' })).toEqual(['credential.type']);
    expect(await paths({ ...good, response: { ...good.response, signature: 42 } })).toEqual(['credential.response.signature']);
    expect(await paths({ ...good, response: { clientDataJSON: good.response.clientDataJSON } })).toEqual(['credential.response.authenticatorData', 'credential.response.signature']);
    expect(await paths(good, { admin: true })).toEqual(['(body)']);

    const garbage = Buffer.from('not json at all').toString('base64url');
    await refused(send({ ...good, response: { ...good.response, clientDataJSON: garbage } }), 400, 'passkey_rejected');
    await refused(send({ ...good, response: { ...good.response, authenticatorData: 'AAAA' } }), 400, 'passkey_rejected');
    await refused(send({ ...good, rawId: 'AAAA' }), 400, 'passkey_rejected', /base64url/);

    const options = await t.broker.post('/v1/passkeys/options');
    const registration = new SoftAuthenticator().create(options.body.options);
    const register = (credential: unknown) => () => t.broker.post('/v1/passkeys', { flow_id: options.body.flow_id, credential });
    await refused(register({ ...registration, response: { ...registration.response, attestationObject: Buffer.from([0xa1, 0x63, 0x66]).toString('base64url') } }), 400, 'passkey_rejected');
    await refused(register({ ...registration, response: { ...registration.response, attestationObject: 'AAAAAAAA' } }), 400, 'passkey_rejected');
    await refused(register({ ...registration, response: { ...registration.response, transports: 'usb' } }), 400, 'invalid_request');
    // The credential still registers once the browser sends it whole.
    expect((await register(registration)()).status).toBe(201);
  });

  it('refuses oversized attestations and assertions: over a field limit 400, over the body limit 413', async () => {
    const browser = t.broker.browser();
    const step = await signInOptions(browser);
    const good = ada.get(step.options);
    const long = (n: number) => 'A'.repeat(n);
    const assertion = (response: object) => () => finishSignIn(browser, step.flow_id, { ...good, response: { ...good.response, ...response } });
    const errors = async (request: () => Promise<Answer>) => ((await refused(request, 400, 'invalid_request')).errors as Array<{ path: string }>).map((e) => e.path);
    expect(await errors(assertion({ signature: long(1025) }))).toEqual(['credential.response.signature']);
    expect(await errors(assertion({ userHandle: long(89) }))).toEqual(['credential.response.userHandle']);
    expect(await errors(assertion({ authenticatorData: long(4097) }))).toEqual(['credential.response.authenticatorData']);
    expect(await errors(() => finishSignIn(browser, step.flow_id, { ...good, id: long(1367), rawId: long(1367) }))).toEqual(['credential.id', 'credential.rawId']);

    const options = await t.broker.post('/v1/passkeys/options');
    const registration = new SoftAuthenticator().create(options.body.options);
    const register = (response: object) => () => t.broker.post('/v1/passkeys', { flow_id: options.body.flow_id, credential: { ...registration, response: { ...registration.response, ...response } } });
    expect(await errors(register({ attestationObject: long(12_001) }))).toEqual(['credential.response.attestationObject']);
    expect(await errors(register({ clientDataJSON: long(4097) }))).toEqual(['credential.response.clientDataJSON']);
    await refused(register({ attestationObject: long(17_000) }), 413, 'payload_too_large');
    await refused(assertion({ signature: long(17_000) }), 413, 'payload_too_large');
  });

  /** Fifty requests at once; the answers' statuses. */
  const parallel = (request: () => Promise<Answer>) => Promise.all(Array.from({ length: 50 }, request));

  it('finishes one sign-in once when fifty requests race with it', async () => {
    const browser = t.broker.browser();
    const step = await signInOptions(browser);
    const body = { flow_id: step.flow_id, credential: ada.get(step.options) };
    const sessions = (await rowCounts(t.storage)).sessions;
    const answers = await parallel(() => browser.post('/v1/passkeys/sign-in/verify', body));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 400 && a.body.code === 'passkey_rejected')).toHaveLength(49);
    expect((await rowCounts(t.storage)).sessions).toBe(sessions + 1);
    expect((await t.storage.query(`SELECT counter, counter_regressions FROM passkeys`))[0]).toEqual({ counter: 1, counter_regressions: 0 });
  });

  it('makes one account from a passkey-first sign-up when fifty finishes race', async () => {
    const browser = t.broker.browser();
    const step = await passkeySignUpStep(t.broker, 'bo@example.com', browser);
    const body = { flow_id: step.flow_id, credential: new SoftAuthenticator().create(step.options) };
    const before = await rowCounts(t.storage);
    const answers = await parallel(() => browser.post('/v1/sign-up/passkey', body));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 400 && a.body.code === 'passkey_rejected')).toHaveLength(49);
    const after = await rowCounts(t.storage);
    expect([after.users, after.passkeys, after.sessions]).toEqual([before.users + 1, before.passkeys + 1, before.sessions + 1]);
  });

  it('adds one passkey when fifty finishes of one registration race', async () => {
    const options = await t.broker.post('/v1/passkeys/options');
    const body = { flow_id: options.body.flow_id, credential: new SoftAuthenticator().create(options.body.options) };
    const answers = await parallel(() => t.broker.post('/v1/passkeys', body));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 400 && a.body.code === 'passkey_rejected')).toHaveLength(49);
    expect((await t.broker.get('/v1/passkeys')).body.passkeys).toHaveLength(2);
  });

  it('adds a credential once when two of its registration ceremonies race, and leaves the losing ceremony open', async () => {
    const [a, b] = [(await t.broker.post('/v1/passkeys/options')).body, (await t.broker.post('/v1/passkeys/options')).body];
    const key = new SoftAuthenticator();
    const first = key.create(a.options);
    const again = key.create(b.options, { reuse: key.credentials[0] });
    const passkeys = (await rowCounts(t.storage)).passkeys;
    const answers = await Promise.all([t.broker.post('/v1/passkeys', { flow_id: a.flow_id, credential: first }), t.broker.post('/v1/passkeys', { flow_id: b.flow_id, credential: again })]);
    expect(answers.map((x) => x.status).sort()).toEqual([201, 409]);
    expect(answers.find((x) => x.status === 409)!.body.code).toBe('passkey_exists');
    expect((await rowCounts(t.storage)).passkeys).toBe(passkeys + 1);
    const loser = answers[0]!.status === 409 ? a : b;
    expect(await t.storage.query(`SELECT id FROM flows WHERE id IN ($1, $2) AND consumed_at IS NULL`, [a.flow_id, b.flow_id])).toEqual([{ id: loser.flow_id }]);
  });

  it('never lets two parallel deletes remove both of the last two passkeys', async () => {
    for (let round = 0; round < 3; round++) {
      const added = (await addPasskey(t.broker, new SoftAuthenticator())).body;
      const others = (await t.broker.get('/v1/passkeys')).body.passkeys.filter((p: { id: string }) => p.id !== added.id);
      expect(others).toHaveLength(1);
      const answers = await Promise.all([added.id, others[0].id].map((id) => t.broker.call('DELETE', `/v1/passkeys/${id}`)));
      expect(answers.map((a) => a.status).sort()).toEqual([204, 409]);
      expect(answers.find((a) => a.status === 409)!.body.code).toBe('last_sign_in_method');
      expect((await t.broker.get('/v1/passkeys')).body.passkeys).toHaveLength(1);
    }
  });
});
