import { afterEach, describe, expect, it } from 'vitest';
import { browserSupportsWebAuthn, browserSupportsWebAuthnAutofill, startAuthentication, startRegistration, WebAuthnAbortService } from '@simplewebauthn/browser';
import {
  addPasskey,
  deletePasskey,
  LatchkeyError,
  listPasskeys,
  PASSKEY_NAME_MAX_LENGTH,
  renamePasskey,
  startAddPasskey,
  type LatchkeyClient,
  type PasskeyAssertionJSON,
  type PasskeyRegistrationJSON,
  type PasskeyRegistrationStep,
  type SignInMethod,
  type Step,
} from '@latchkey/client';
import { installFakeAuthenticator, FakeBroker, type FakeAuthenticator } from '@latchkey/testing';

// The two fakes element tests and stories run passkeys on: the browser's WebAuthn
// (fake-authenticator.ts) answering @simplewebauthn/browser exactly as it reads a
// browser, and the broker's passkey routes (fake-broker.ts) checking what comes back.

const ADA = 'ada@example.com';
const PASSWORD = 'correct horse battery staple';
/** Passkeys are on only where the broker's methods list them. */
const PASSKEYS = { methods: ['password', 'email-code', 'passkey'] as SignInMethod[] };
let authenticator: FakeAuthenticator | undefined;

afterEach(() => {
  authenticator?.uninstall();
  authenticator = undefined;
});

const register = (step: PasskeyRegistrationStep) => startRegistration({ optionsJSON: step.options as never }) as Promise<PasskeyRegistrationJSON>;
const authenticate = (options: object) => startAuthentication({ optionsJSON: options as never }) as Promise<PasskeyAssertionJSON>;

async function failure(promise: Promise<unknown>): Promise<LatchkeyError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LatchkeyError);
  return error as LatchkeyError;
}

async function signInWithPasskey(client: LatchkeyClient): Promise<Step> {
  const step = await client.startPasskeySignIn({});
  const credential = await authenticate(step.options);
  return client.finishPasskeySignIn({ flow_id: step.flow_id, credential });
}

describe('the fake authenticator', () => {
  it('answers startRegistration and startAuthentication as a browser does: ids, transports, attachment, user handle', async () => {
    authenticator = installFakeAuthenticator();
    expect(browserSupportsWebAuthn()).toBe(true);
    expect(await browserSupportsWebAuthnAutofill()).toBe(true);
    const broker = new FakeBroker({ ...PASSKEYS, accounts: { [ADA]: PASSWORD }, signedInAs: ADA });
    const step = await startAddPasskey(broker.client().connection);
    const created = await register(step);
    expect(created.id).toBe(authenticator.credentials[0]!.id);
    expect(created.rawId).toBe(created.id);
    expect(created.type).toBe('public-key');
    expect(created.authenticatorAttachment).toBe('platform');
    expect(created.response.transports).toEqual(['hybrid', 'internal']);
    expect(created.response.publicKeyAlgorithm).toBe(-7);
    expect(created.response.publicKey).toMatch(/^[\w-]+$/);
    expect(created.response.authenticatorData).toMatch(/^[\w-]+$/);
    // The user handle it keeps is the account's, from the options.
    expect(authenticator.credentials[0]!.userHandle).toBe(step.options.user.id);
    const clientData = JSON.parse(atob(created.response.clientDataJSON.replace(/-/g, '+').replace(/_/g, '/')));
    expect(clientData).toMatchObject({ type: 'webauthn.create', challenge: step.options.challenge, origin: location.origin });

    const asserted = await authenticate({ challenge: 'AAAA', rpId: location.hostname, allowCredentials: [] });
    expect(asserted.id).toBe(created.id);
    expect(asserted.response.userHandle).toBe(step.options.user.id);
    expect(authenticator.ceremonies.map((c) => c.kind)).toEqual(['create', 'get']);
  });

  it('cancel: NotAllowedError at once; timeout: NotAllowedError once the timeout has passed', async () => {
    authenticator = installFakeAuthenticator({ outcome: 'cancel' });
    const options = { challenge: 'AAAA', rpId: location.hostname, timeout: 300 };
    const started = performance.now();
    await expect(authenticate(options)).rejects.toMatchObject({ name: 'NotAllowedError' });
    expect(performance.now() - started).toBeLessThan(200);
    authenticator.outcome = 'timeout';
    const again = performance.now();
    await expect(authenticate(options)).rejects.toMatchObject({ name: 'NotAllowedError' });
    expect(performance.now() - again).toBeGreaterThanOrEqual(290);
  });

  it('next() scripts single ceremonies, then the standing outcome applies again', async () => {
    const broker = new FakeBroker({ ...PASSKEYS, accounts: { [ADA]: PASSWORD }, signedInAs: ADA });
    authenticator = installFakeAuthenticator().next('cancel');
    const conn = broker.client().connection;
    await expect(register(await startAddPasskey(conn))).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(register(await startAddPasskey(conn))).resolves.toMatchObject({ type: 'public-key' });
    expect(authenticator.ceremonies.map((c) => c.outcome)).toEqual(['cancel', 'succeed']);
  });

  it('never: the ceremony runs until the page aborts it', async () => {
    authenticator = installFakeAuthenticator({ outcome: 'never' });
    let settled = false;
    const pending = authenticate({ challenge: 'AAAA', rpId: location.hostname }).finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(settled).toBe(false);
    WebAuthnAbortService.cancelCeremony();
    await expect(pending).rejects.toMatchObject({ code: 'ERROR_CEREMONY_ABORTED' });
  });

  it('already-registered: InvalidStateError on create, as when the authenticator holds an excluded credential', async () => {
    const broker = new FakeBroker({ ...PASSKEYS, accounts: { [ADA]: PASSWORD }, signedInAs: ADA });
    authenticator = installFakeAuthenticator({ outcome: 'already-registered' });
    await expect(register(await startAddPasskey(broker.client().connection))).rejects.toMatchObject({ name: 'InvalidStateError', code: 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED' });
  });

  it('unsupported: no PublicKeyCredential; uninstall gives the browser its own WebAuthn back', async () => {
    const original = globalThis.PublicKeyCredential;
    authenticator = installFakeAuthenticator({ outcome: 'unsupported' });
    expect(globalThis.PublicKeyCredential).toBeUndefined();
    expect(browserSupportsWebAuthn()).toBe(false);
    await expect(authenticate({ challenge: 'AAAA' })).rejects.toThrow('WebAuthn is not supported in this browser');
    authenticator.outcome = 'succeed';
    expect(browserSupportsWebAuthn()).toBe(true);
    authenticator.uninstall();
    expect(globalThis.PublicKeyCredential).toBe(original);
    expect(Object.getOwnPropertyNames(navigator.credentials)).toEqual([]);
  });

  it('autofill: a conditional request waits until the user picks a suggestion', async () => {
    const broker = new FakeBroker({ ...PASSKEYS, accounts: { [ADA]: PASSWORD }, passkeys: { [ADA]: [{ name: 'Laptop' }] } });
    authenticator = installFakeAuthenticator({ credentials: broker.credentialsFor(ADA) });
    const input = document.createElement('input');
    input.autocomplete = 'username webauthn';
    document.body.append(input);
    try {
      const client = broker.client();
      const step = await client.startPasskeySignIn({});
      let settled = false;
      const pending = (startAuthentication({ optionsJSON: step.options as never, useBrowserAutofill: true }) as Promise<PasskeyAssertionJSON>).finally(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(settled).toBe(false);
      expect(authenticator.ceremonies[0]!.mediation).toBe('conditional');
      authenticator.pickAutofill();
      const credential = await pending;
      await expect(client.finishPasskeySignIn({ flow_id: step.flow_id, credential })).resolves.toMatchObject({ step: 'done' });
    } finally {
      input.remove();
    }
  });
});

describe('the fake broker: passkey sign-in', () => {
  const seeded = () =>
    new FakeBroker({
      ...PASSKEYS,
      accounts: { [ADA]: PASSWORD, 'bo@example.com': PASSWORD },
      passkeys: { [ADA]: [{ name: 'Phone', synced: true }], 'bo@example.com': [{ name: 'Security key', synced: false }] },
      clock: () => Date.parse('2026-11-30T09:00:00Z'),
    });

  it('options: a fresh challenge, no allow list, user verification required, the page host as RP ID', async () => {
    const client = seeded().client();
    const [a, b] = [await client.startPasskeySignIn({}), await client.startPasskeySignIn({})];
    expect(a.step).toBe('passkey');
    expect(a.options).toMatchObject({ allowCredentials: [], userVerification: 'required', rpId: location.hostname });
    expect(a.options.challenge).not.toBe(b.options.challenge);
    expect(a.flow_id).not.toBe(b.flow_id);
  });

  it('signs in with a synced passkey (amr swk) and a device-bound one (amr hwk), and stamps its last use', async () => {
    const broker = seeded();
    authenticator = installFakeAuthenticator({ credentials: broker.credentialsFor(ADA) });
    const done = await signInWithPasskey(broker.client());
    expect(done).toMatchObject({ step: 'done', user: { email: ADA }, session: { amr: ['swk', 'user'] } });
    expect(broker.users.get(ADA)!.passkeys[0]!.last_used_at).toBe('2026-11-30T09:00:00.000Z');

    authenticator = installFakeAuthenticator({ credentials: broker.credentialsFor('bo@example.com') });
    await expect(signInWithPasskey(broker.client())).resolves.toMatchObject({ user: { email: 'bo@example.com' }, session: { amr: ['hwk', 'user'] } });
  });

  it('refuses a passkey it does not know, or one whose user handle is not its account’s, with passkey_rejected', async () => {
    const broker = seeded();
    authenticator = installFakeAuthenticator({ credentials: [{ id: 'AAAAAAAAAAAAAAAAAAAAAA', userHandle: broker.users.get(ADA)!.handle }] });
    expect((await failure(signInWithPasskey(broker.client()))).code).toBe('passkey_rejected');

    const [ada] = broker.credentialsFor(ADA);
    authenticator = installFakeAuthenticator({ credentials: [{ ...ada!, userHandle: broker.users.get('bo@example.com')!.handle }] });
    expect((await failure(signInWithPasskey(broker.client()))).code).toBe('passkey_rejected');
  });

  it('takes each challenge once: a replayed assertion, an unknown flow, or an assertion for another challenge is passkey_rejected', async () => {
    const broker = seeded();
    authenticator = installFakeAuthenticator({ credentials: broker.credentialsFor(ADA) });
    const client = broker.client();
    const step = await client.startPasskeySignIn({});
    const credential = await authenticate(step.options);
    const other = await client.startPasskeySignIn({});
    // Signed for another challenge: refused, and that flow stays open (a refused answer consumes nothing).
    expect((await failure(client.finishPasskeySignIn({ flow_id: other.flow_id, credential }))).code).toBe('passkey_rejected');
    await expect(client.finishPasskeySignIn({ flow_id: other.flow_id, credential: await authenticate(other.options) })).resolves.toMatchObject({ step: 'done' });
    await client.finishPasskeySignIn({ flow_id: step.flow_id, credential });
    expect((await failure(client.finishPasskeySignIn({ flow_id: step.flow_id, credential }))).code).toBe('passkey_rejected');
    expect((await failure(client.finishPasskeySignIn({ flow_id: 'flw_nope', credential }))).code).toBe('passkey_rejected');
  });

  it('refuses every passkey route, and a sign-up without a password, with invalid_request while passkeys are not among the methods', async () => {
    const broker = new FakeBroker({ accounts: { [ADA]: PASSWORD }, signedInAs: ADA });
    const client = broker.client();
    expect((await failure(client.startPasskeySignIn({}))).code).toBe('invalid_request');
    expect((await failure(startAddPasskey(client.connection))).code).toBe('invalid_request');
    expect((await failure(client.startSignUp({ email: 'cy@example.com' }))).code).toBe('invalid_request');
    expect((await failure(listPasskeys(client.connection))).code).toBe('invalid_request');
  });
});

describe('the fake broker: passkey-first sign-up', () => {
  it('email code, then a passkey: the account is made with it and no password, and signs in with it', async () => {
    const broker = new FakeBroker(PASSKEYS);
    authenticator = installFakeAuthenticator({ synced: false });
    const client = broker.client();
    const code = await client.startSignUp({ email: 'cy@example.com', name: 'Cy' });
    expect(code).toMatchObject({ step: 'email-code', purpose: 'sign-up' });
    if (code.step !== 'email-code') throw new Error('expected a code step');
    const registration = await client.finishSignUp({ flow_id: code.flow_id, code: broker.lastCode('cy@example.com') });
    if (registration.step !== 'passkey-registration') throw new Error(`expected passkey-registration, got ${registration.step}`);
    expect(registration.options.user).toMatchObject({ name: 'cy@example.com', displayName: 'Cy' });
    expect(registration.options.user.id).toMatch(/^[\w-]{43}$/);
    expect(registration.options.excludeCredentials).toEqual([]);
    expect(broker.users.has('cy@example.com')).toBe(false);

    // The dialog is closed once; the flow asks again with a fresh challenge.
    authenticator.next('cancel');
    await expect(register(registration)).rejects.toMatchObject({ name: 'NotAllowedError' });
    const again = await client.restartPasskeySignUp({ flow_id: registration.flow_id });
    expect(again.options.challenge).not.toBe(registration.options.challenge);
    expect(again.flow_id).not.toBe(registration.flow_id);
    expect(again.options.user.id).toBe(registration.options.user.id);
    const credential = await register(again);
    const done = await client.finishPasskeySignUp({ flow_id: again.flow_id, credential, name: 'My laptop' });
    expect(done).toMatchObject({ step: 'done', user: { email: 'cy@example.com' }, session: { amr: ['hwk', 'user'] } });
    const account = broker.users.get('cy@example.com')!;
    expect(account.password).toBeNull();
    expect(account.passkeys.map((p) => [p.name, p.device_type, p.backed_up])).toEqual([['My laptop', 'single-device', false]]);

    await client.signOut();
    await expect(signInWithPasskey(client)).resolves.toMatchObject({ step: 'done', user: { email: 'cy@example.com' } });
    expect((await failure(client.signInWithPassword({ email: 'cy@example.com', password: '' }))).code).toBe('invalid_credentials');
  });

  it('refuses a credential made for an earlier ceremony of the sign-up, and a finished one (a restart of it is code_expired: start again)', async () => {
    const broker = new FakeBroker(PASSKEYS);
    authenticator = installFakeAuthenticator();
    const client = broker.client();
    const code = await client.startSignUp({ email: 'cy@example.com' });
    if (code.step !== 'email-code') throw new Error('expected a code step');
    const first = (await client.finishSignUp({ flow_id: code.flow_id, code: broker.lastCode('cy@example.com') })) as PasskeyRegistrationStep;
    const stale = await register(first);
    const fresh = await client.restartPasskeySignUp({ flow_id: first.flow_id });
    expect((await failure(client.finishPasskeySignUp({ flow_id: fresh.flow_id, credential: stale }))).code).toBe('passkey_rejected');
    const credential = await register(fresh);
    await client.finishPasskeySignUp({ flow_id: fresh.flow_id, credential });
    expect((await failure(client.finishPasskeySignUp({ flow_id: first.flow_id, credential }))).code).toBe('passkey_rejected');
    expect((await failure(client.finishPasskeySignUp({ flow_id: fresh.flow_id, credential }))).code).toBe('passkey_rejected');
    expect((await failure(client.restartPasskeySignUp({ flow_id: fresh.flow_id }))).code).toBe('code_expired');
  });

  it('with a password, sign-up is as before: verify makes the account and answers done', async () => {
    const broker = new FakeBroker();
    const client = broker.client();
    const code = await client.startSignUp({ email: 'cy@example.com', password: PASSWORD });
    if (code.step !== 'email-code') throw new Error('expected a code step');
    await expect(client.finishSignUp({ flow_id: code.flow_id, code: broker.lastCode('cy@example.com') })).resolves.toMatchObject({ step: 'done', session: { amr: ['pwd'] } });
  });
});

describe("the fake broker: the signed-in user's passkeys", () => {
  const when = () => Date.parse('2026-11-30T09:00:00Z');

  it('adds one (201 Passkey, named), lists, renames and deletes it', async () => {
    const broker = new FakeBroker({ ...PASSKEYS, accounts: { [ADA]: PASSWORD }, signedInAs: ADA, clock: when });
    authenticator = installFakeAuthenticator();
    const conn = broker.client().connection;
    const step = await startAddPasskey(conn);
    expect(step.options.user.id).toBe(broker.users.get(ADA)!.handle);
    const added = await addPasskey(conn, { flow_id: step.flow_id, credential: await register(step), name: '  Work laptop ' });
    expect(added).toMatchObject({ name: 'Work laptop', created_at: '2026-11-30T09:00:00.000Z', last_used_at: null, device_type: 'multi-device', backed_up: true, transports: ['hybrid', 'internal'] });
    expect(added.aaguid).toBe('00000000-0000-0000-0000-000000000000');
    expect(added).not.toHaveProperty('credentialId');
    expect(await listPasskeys(conn)).toEqual({ passkeys: [added] });
    await expect(renamePasskey(conn, added.id, { name: 'Old laptop' })).resolves.toMatchObject({ id: added.id, name: 'Old laptop' });
    await deletePasskey(conn, added.id);
    expect(await listPasskeys(conn)).toEqual({ passkeys: [] });
  });

  it('names a passkey "Passkey" when none is given, and refuses an empty or a too long name (past PASSKEY_NAME_MAX_LENGTH, as the broker) at the name field', async () => {
    const broker = new FakeBroker({ ...PASSKEYS, accounts: { [ADA]: PASSWORD }, signedInAs: ADA });
    authenticator = installFakeAuthenticator();
    const conn = broker.client().connection;
    const step = await startAddPasskey(conn);
    const added = await addPasskey(conn, { flow_id: step.flow_id, credential: await register(step) });
    expect(added.name).toBe('Passkey');
    for (const name of ['   ', 'x'.repeat(PASSKEY_NAME_MAX_LENGTH + 1)]) {
      const error = await failure(renamePasskey(conn, added.id, { name }));
      expect(error.code).toBe('invalid_request');
      expect(error.problem?.errors?.[0]?.path).toBe('name');
    }
    const longest = 'x'.repeat(PASSKEY_NAME_MAX_LENGTH);
    await expect(renamePasskey(conn, added.id, { name: longest })).resolves.toMatchObject({ name: longest });
  });

  it('lists the account’s passkeys in excludeCredentials, and refuses the same credential twice with passkey_exists', async () => {
    const broker = new FakeBroker({ ...PASSKEYS, accounts: { [ADA]: PASSWORD }, signedInAs: ADA, passkeys: { [ADA]: [{ name: 'Phone' }] } });
    const [held] = broker.credentialsFor(ADA);
    authenticator = installFakeAuthenticator({ credentials: [held!] });
    const conn = broker.client().connection;
    const step = await startAddPasskey(conn);
    expect(step.options.excludeCredentials).toEqual([{ id: held!.id, type: 'public-key', transports: ['hybrid', 'internal'] }]);
    // The authenticator that holds one refuses to make another (InvalidStateError)…
    await expect(register(step)).rejects.toMatchObject({ name: 'InvalidStateError' });
    // …and the broker refuses a credential it already has, should one get through.
    authenticator = installFakeAuthenticator();
    const first = await startAddPasskey(conn);
    const credential = await register(first);
    await addPasskey(conn, { flow_id: first.flow_id, credential });
    const second = await startAddPasskey(conn);
    const replay = { ...credential, response: { ...credential.response } };
    // Client data for the second challenge, so only the credential id is the problem.
    replay.response.clientDataJSON = btoa(JSON.stringify({ type: 'webauthn.create', challenge: second.options.challenge, origin: location.origin })).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    expect((await failure(addPasskey(conn, { flow_id: second.flow_id, credential: replay }))).code).toBe('passkey_exists');
  });

  it("refuses a credential another account has (passkey_rejected), without saying whose", async () => {
    const broker = new FakeBroker({ ...PASSKEYS, accounts: { [ADA]: PASSWORD, 'bo@example.com': PASSWORD }, signedInAs: 'bo@example.com', passkeys: { [ADA]: [{ name: 'Phone' }] } });
    authenticator = installFakeAuthenticator();
    const conn = broker.client().connection;
    const step = await startAddPasskey(conn);
    const credential = await register(step);
    const adas = broker.credentialsFor(ADA)[0]!.id;
    const stolen = { ...credential, id: adas, rawId: adas };
    expect((await failure(addPasskey(conn, { flow_id: step.flow_id, credential: stolen }))).code).toBe('passkey_rejected');
    // The refusal consumed nothing: the real credential still goes in on the same ceremony.
    await expect(addPasskey(conn, { flow_id: step.flow_id, credential })).resolves.toMatchObject({ name: 'Passkey' });
  });

  it('refuses to delete the only passkey of an account without a password (last_sign_in_method), and allows it once there is another', async () => {
    const broker = new FakeBroker({ ...PASSKEYS, accounts: { 'cy@example.com': null }, signedInAs: 'cy@example.com', passkeys: { 'cy@example.com': [{ name: 'Phone' }] } });
    const conn = broker.client().connection;
    const [only] = (await listPasskeys(conn)).passkeys;
    const refused = await failure(deletePasskey(conn, only!.id));
    expect([refused.code, refused.status]).toEqual(['last_sign_in_method', 409]);
    authenticator = installFakeAuthenticator();
    const step = await startAddPasskey(conn);
    await addPasskey(conn, { flow_id: step.flow_id, credential: await register(step) });
    await deletePasskey(conn, only!.id);
    expect((await listPasskeys(conn)).passkeys.map((p) => p.name)).toEqual(['Passkey']);
  });

  it("answers another account's passkey as not_found, and everything as unauthenticated when signed out", async () => {
    const broker = new FakeBroker({
      ...PASSKEYS,
      accounts: { [ADA]: PASSWORD, 'bo@example.com': PASSWORD },
      signedInAs: ADA,
      passkeys: { 'bo@example.com': [{ name: 'Bo’s phone' }] },
    });
    const client = broker.client();
    const bos = 'pk_1';
    expect((await failure(renamePasskey(client.connection, bos, { name: 'mine now' }))).code).toBe('not_found');
    expect((await failure(deletePasskey(client.connection, bos))).code).toBe('not_found');
    expect(broker.users.get('bo@example.com')!.passkeys.map((p) => p.name)).toEqual(['Bo’s phone']);
    await client.signOut();
    for (const call of [listPasskeys(client.connection), startAddPasskey(client.connection), deletePasskey(client.connection, bos)]) {
      const error = await failure(call);
      expect([error.code, error.status]).toEqual(['unauthenticated', 401]);
    }
  });

  it("refuses a passkey flow started for another account's session", async () => {
    const broker = new FakeBroker({ ...PASSKEYS, accounts: { [ADA]: PASSWORD, 'bo@example.com': PASSWORD }, signedInAs: ADA });
    authenticator = installFakeAuthenticator();
    const client = broker.client();
    const step = await startAddPasskey(client.connection);
    const credential = await register(step);
    await client.signOut();
    await client.signInWithPassword({ email: 'bo@example.com', password: PASSWORD });
    expect((await failure(addPasskey(client.connection, { flow_id: step.flow_id, credential }))).code).toBe('passkey_rejected');
  });
});

describe('the fake broker: methods', () => {
  it("lists 'passkey' among the methods only when configured, as the broker does", async () => {
    const plain = await new FakeBroker().client().identify({ email: ADA });
    expect(plain).toMatchObject({ step: 'password', methods: ['password', 'email-code'] });
    const withPasskeys = await new FakeBroker({ methods: ['password', 'passkey', 'email-code'] }).client().identify({ email: ADA });
    expect(withPasskeys).toMatchObject({ step: 'password', methods: ['password', 'passkey', 'email-code'] });
  });
});
