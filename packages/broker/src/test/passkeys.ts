import type { BrokerConfigInput } from '../config.js';
import type { Storage } from '../storage/storage.js';
import { testBroker, type TestBroker } from './harness.js';
import { SoftAuthenticator, type AssertionForgery, type RegistrationForgery } from './soft-authenticator.js';

/** Sign-in methods with passkeys offered (RP ID: the app's host, app.test). */
export const PASSKEY_METHODS = ['password', 'email-code', 'passkey'] as const;

/** A test broker that offers passkeys. */
export function passkeyBroker(storage: Storage, overrides: Parameters<typeof testBroker>[1] = {}): TestBroker {
  const signIn: BrokerConfigInput['signIn'] = { methods: [...PASSKEY_METHODS], ...overrides.signIn };
  return testBroker(storage, { ...overrides, signIn });
}

type Browser = Pick<TestBroker, 'post'>;

/** Starts a passkey-first sign-up and redeems the mailed code: the registration step. */
export async function passkeySignUpStep(b: TestBroker, email: string, browser: Browser = b, extra: { name?: string; return_to?: string } = {}) {
  const started = await browser.post('/v1/sign-up', { email, ...extra });
  if (started.status !== 202) throw new Error(`sign-up failed: ${JSON.stringify(started.body)}`);
  const step = await browser.post('/v1/sign-up/verify', { flow_id: started.body.flow_id, code: await b.lastCode(email) });
  if (step.status !== 200) throw new Error(`verify failed: ${JSON.stringify(step.body)}`);
  return step.body;
}

/** A whole passkey-first sign-up in `browser`: the account, its passkey, and the session (`done`). */
export async function signUpWithPasskey(b: TestBroker, authenticator: SoftAuthenticator, email: string, browser: Browser = b) {
  const step = await passkeySignUpStep(b, email, browser);
  const done = await browser.post('/v1/sign-up/passkey', { flow_id: step.flow_id, credential: authenticator.create(step.options) });
  if (done.status !== 201) throw new Error(`passkey sign-up failed: ${JSON.stringify(done.body)}`);
  return done.body;
}

/** A discoverable sign-in: the options, the (possibly forged) assertion, the answer. */
export async function signInWithPasskey(browser: Browser, authenticator: SoftAuthenticator, forgery: AssertionForgery = {}) {
  const step = await browser.post('/v1/passkeys/sign-in/options', {});
  if (step.status !== 200) throw new Error(`options failed: ${JSON.stringify(step.body)}`);
  return browser.post('/v1/passkeys/sign-in/verify', { flow_id: step.body.flow_id, credential: authenticator.get(step.body.options, forgery) });
}

/** The signed-in browser adds a passkey: the options, the (possibly forged) credential, the answer. */
export async function addPasskey(browser: Browser, authenticator: SoftAuthenticator, forgery: RegistrationForgery = {}, name?: string) {
  const step = await browser.post('/v1/passkeys/options');
  if (step.status !== 200) throw new Error(`options failed: ${JSON.stringify(step.body)}`);
  return browser.post('/v1/passkeys', { flow_id: step.body.flow_id, credential: authenticator.create(step.body.options, forgery), ...(name ? { name } : {}) });
}

export { SoftAuthenticator };
