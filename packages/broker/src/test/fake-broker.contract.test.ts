import { createClient, LatchkeyError, type LatchkeyClient, type SignInMethod } from '@latchkey/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeBroker } from '../../../../stories/fakes/fake-broker.js';
import { APP_ORIGIN, BROKER_URL, openTestStorage, testBroker } from './harness.js';

/**
 * One contract, two brokers: the in-memory `FakeBroker` that element tests and
 * stories run on, and the real broker in-process on PGlite. Every scenario is
 * written once against `LatchkeyClient`; where the two disagree, the fake is
 * wrong (the broker is the truth).
 */

const PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'a brand new battery staple';
const ALICE = 'alice@example.com';
const STRANGER = 'nobody@example.com';

interface Setup {
  /** Accounts that exist before the scenario starts (all with PASSWORD). */
  accounts?: string[];
  methods?: SignInMethod[];
}

interface Subject {
  client: LatchkeyClient;
  /** The newest code mailed to `email`, read as each broker's own tests read it. */
  lastCode(email: string): Promise<string>;
  /** Moves the broker's clock on (the fake reads Date, the broker its hand-moved test clock). */
  advance(ms: number): void;
  close(): Promise<void>;
}

type Kind = 'fake' | 'real';

async function makeSubject(kind: Kind, setup: Setup = {}): Promise<Subject> {
  const methods = setup.methods ?? ['password', 'email-code'];
  if (kind === 'fake') {
    const fake = new FakeBroker({ accounts: Object.fromEntries((setup.accounts ?? []).map((email) => [email, PASSWORD])), methods });
    return {
      client: fake.client(),
      lastCode: async (email) => fake.lastCode(email),
      advance(ms) {
        vi.useFakeTimers({ toFake: ['Date'] });
        vi.setSystemTime(Date.now() + ms);
      },
      close: async () => void vi.useRealTimers(),
    };
  }

  const storage = await openTestStorage('pglite');
  const broker = testBroker(storage, { signIn: { methods } });
  // Accounts are made by another browser (the harness's own jar), so the client starts signed out.
  for (const email of setup.accounts ?? []) await broker.signUp(email, PASSWORD);

  // The client's fetch, answered by the app in-process as a browser on APP_ORIGIN would be.
  const cookies = new Map<string, string>();
  const env = { incoming: { socket: { remoteAddress: '203.0.113.10' } } };
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers = new Headers(init?.headers);
    headers.set('origin', APP_ORIGIN);
    if (cookies.size) headers.set('cookie', [...cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await broker.app.request(`${url.pathname}${url.search}`, { method: init?.method ?? 'GET', headers, body: init?.body ?? null, signal: init?.signal ?? null }, env);
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      if (/max-age=0/i.test(line) || value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
    return response;
  };

  return {
    client: createClient({ url: BROKER_URL, fetch }),
    lastCode: (email) => broker.lastCode(email),
    advance: (ms) => broker.clock.advance(ms),
    async close() {
      await broker.deps.mail.settled();
      await storage.drop();
    },
  };
}

/** The problem a call rejected with: a LatchkeyError carrying the broker's problem. */
async function rejection(promise: Promise<unknown>): Promise<LatchkeyError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LatchkeyError);
  return error as LatchkeyError;
}

const keys = (value: object) => Object.keys(value).sort();
const isoDate = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
const EMAIL_CODE_KEYS = ['attempts_left', 'email', 'expires_at', 'flow_id', 'methods', 'purpose', 'resend_after', 'step'];
const DONE_KEYS = ['return_to', 'session', 'step', 'user'];

function expectDone(step: unknown, email: string, amr: string[]) {
  expect(keys(step as object)).toEqual(DONE_KEYS);
  expect(step).toMatchObject({
    step: 'done',
    return_to: null,
    user: { id: expect.any(String), email, email_verified: true, name: null, created_at: isoDate },
    session: { id: expect.any(String), amr, created_at: isoDate, expires_at: isoDate },
  });
}

/** Six digits that are not `code`. */
const wrong = (code: string) => (code === '000000' ? '111111' : '000000');

describe.each<Kind>(['fake', 'real'])('LatchkeyClient contract: %s broker', (kind) => {
  let subject: Subject | undefined;
  const open = async (setup?: Setup) => (subject = await makeSubject(kind, setup));
  afterEach(async () => {
    await subject?.close();
    subject = undefined;
  });

  it('identify answers a password step with the configured methods, the same for an unknown address', async () => {
    const { client } = await open({ accounts: [ALICE], methods: ['password'] });
    const known = await client.identify({ email: ALICE });
    const unknown = await client.identify({ email: STRANGER });
    expect(known).toEqual({ step: 'password', email: ALICE, methods: ['password'] });
    expect(unknown).toEqual({ step: 'password', email: STRANGER, methods: ['password'] });
  });

  it('identify lists every configured method, first one first', async () => {
    const { client } = await open({ accounts: [ALICE] });
    expect(await client.identify({ email: ALICE })).toEqual({ step: 'password', email: ALICE, methods: ['password', 'email-code'] });
    expect(await client.identify({ email: STRANGER })).toEqual({ step: 'password', email: STRANGER, methods: ['password', 'email-code'] });
  });

  it('password sign-in answers done and the session store is signed in', async () => {
    const { client } = await open({ accounts: [ALICE] });
    const step = await client.signInWithPassword({ email: ALICE, password: PASSWORD });
    expectDone(step, ALICE, ['pwd']);
    expect(client.session.state).toMatchObject({ status: 'signed-in', user: { email: ALICE } });
    expect(await client.getSession()).toMatchObject({ user: { email: ALICE }, session: { amr: ['pwd'] } });
  });

  it('a wrong password and an unknown account are both invalid_credentials', async () => {
    const { client } = await open({ accounts: [ALICE] });
    const wrongPassword = await rejection(client.signInWithPassword({ email: ALICE, password: 'not the right password' }));
    const unknownAccount = await rejection(client.signInWithPassword({ email: STRANGER, password: PASSWORD }));
    for (const error of [wrongPassword, unknownAccount]) {
      expect(error.code).toBe('invalid_credentials');
      expect(error.status).toBe(401);
      expect(error.problem).toMatchObject({ code: 'invalid_credentials', type: 'urn:latchkey:problem:invalid_credentials', status: 401 });
    }
    expect(await client.getSession()).toBeNull();
  });

  it('email-code sign-in: code step with attempts_left, a wrong code is invalid_code with attempts_left, the right code is done', async () => {
    const { client, lastCode } = await open({ accounts: [ALICE] });
    const started = await client.startEmailCodeSignIn({ email: ALICE });
    expect(keys(started)).toEqual(EMAIL_CODE_KEYS);
    expect(started).toMatchObject({
      step: 'email-code',
      flow_id: expect.any(String),
      email: ALICE,
      purpose: 'sign-in',
      methods: ['password', 'email-code'],
      expires_at: isoDate,
      resend_after: isoDate,
      attempts_left: 5,
    });

    const code = await lastCode(ALICE);
    expect(code).toMatch(/^\d{6}$/);
    const refused = await rejection(client.finishEmailCodeSignIn({ flow_id: started.flow_id, code: wrong(code) }));
    expect(refused.code).toBe('invalid_code');
    expect(refused.status).toBe(400);
    expect(refused.problem).toMatchObject({ code: 'invalid_code', attempts_left: 4 });

    const done = await client.finishEmailCodeSignIn({ flow_id: started.flow_id, code });
    expectDone(done, ALICE, ['otp']);
    expect(client.session.state).toMatchObject({ status: 'signed-in', user: { email: ALICE } });
  });

  it('sign-up answers an email-code step; verifying the code answers done', async () => {
    const { client, lastCode } = await open();
    const started = await client.startSignUp({ email: ALICE, password: PASSWORD });
    expect(started.step).toBe('email-code');
    expect(keys(started)).toEqual(EMAIL_CODE_KEYS);
    expect(started).toMatchObject({ step: 'email-code', email: ALICE, purpose: 'sign-up', methods: [], attempts_left: 5 });

    const flowId = (started as { flow_id: string }).flow_id;
    const done = await client.finishSignUp({ flow_id: flowId, code: await lastCode(ALICE) });
    expectDone(done, ALICE, ['pwd']);
    expect(client.session.state).toMatchObject({ status: 'signed-in', user: { email: ALICE } });
  });

  it('password reset: email-code step, then finish answers a password step with notice password-reset', async () => {
    const { client, lastCode } = await open({ accounts: [ALICE] });
    const started = await client.startPasswordReset({ email: ALICE });
    expect(keys(started)).toEqual(EMAIL_CODE_KEYS);
    expect(started).toMatchObject({ step: 'email-code', email: ALICE, purpose: 'password-reset', methods: [], attempts_left: 5 });

    const finished = await client.finishPasswordReset({ flow_id: started.flow_id, code: await lastCode(ALICE), password: NEW_PASSWORD });
    expect(finished).toEqual({ step: 'password', email: ALICE, methods: ['password', 'email-code'], notice: 'password-reset' });

    const oldPassword = await rejection(client.signInWithPassword({ email: ALICE, password: PASSWORD }));
    expect(oldPassword.code).toBe('invalid_credentials');
    expectDone(await client.signInWithPassword({ email: ALICE, password: NEW_PASSWORD }), ALICE, ['pwd']);
  });

  it('getSession answers null when signed out', async () => {
    const { client } = await open({ accounts: [ALICE] });
    expect(await client.getSession()).toBeNull();
    expect(await client.session.refresh()).toEqual({ status: 'signed-out' });
  });

  it('sign out: getSession answers null and the store is signed out', async () => {
    const { client } = await open({ accounts: [ALICE] });
    await client.signInWithPassword({ email: ALICE, password: PASSWORD });
    expect(await client.getSession()).not.toBeNull();
    await client.signOut();
    expect(client.session.state).toEqual({ status: 'signed-out' });
    expect(await client.getSession()).toBeNull();
  });

  it('sign-up with a weak password is weak_password, with the problem at the password field', async () => {
    const { client } = await open();
    const error = await rejection(client.startSignUp({ email: ALICE, password: 'short' }));
    expect(error.code).toBe('weak_password');
    expect(error.status).toBe(400);
    expect(error.problem).toMatchObject({ code: 'weak_password', errors: [{ path: 'password', message: expect.any(String) }] });
  });

  it('a weak new password at reset finish is weak_password and does not burn the code', async () => {
    const { client, lastCode } = await open({ accounts: [ALICE] });
    const started = await client.startPasswordReset({ email: ALICE });
    const code = await lastCode(ALICE);
    const error = await rejection(client.finishPasswordReset({ flow_id: started.flow_id, code, password: 'short' }));
    expect(error.code).toBe('weak_password');
    expect(error.problem).toMatchObject({ code: 'weak_password', errors: [{ path: 'password', message: expect.any(String) }] });
    expect(await client.finishPasswordReset({ flow_id: started.flow_id, code, password: NEW_PASSWORD })).toMatchObject({ step: 'password', notice: 'password-reset' });
  });

  it('resend: refused with rate_limited before resend_after; then a fresh code for the same flow, attempts kept', async () => {
    const { client, lastCode, advance } = await open({ accounts: [ALICE] });
    const started = await client.startEmailCodeSignIn({ email: ALICE });
    const first = await lastCode(ALICE);
    await rejection(client.finishEmailCodeSignIn({ flow_id: started.flow_id, code: wrong(first) }));

    const early = await rejection(client.resendEmailCode({ flow_id: started.flow_id }));
    expect(early.code).toBe('rate_limited');
    expect(early.status).toBe(429);

    // Both wait 30 s between resends (the broker's default `codes.resendAfterSeconds`).
    advance(31_000);
    const resent = await client.resendEmailCode({ flow_id: started.flow_id });
    expect(keys(resent)).toEqual(EMAIL_CODE_KEYS);
    expect(resent).toMatchObject({ step: 'email-code', flow_id: started.flow_id, email: ALICE, purpose: 'sign-in', attempts_left: 4 });
    expect(Date.parse(resent.resend_after)).toBeGreaterThan(Date.parse(started.resend_after));
    // A fresh code that differs by chance from the old one shows the old one is refused.
    const second = await lastCode(ALICE);
    if (second !== first) {
      const old = await rejection(client.finishEmailCodeSignIn({ flow_id: started.flow_id, code: first }));
      expect(old.code).toBe('invalid_code');
    }
    expectDone(await client.finishEmailCodeSignIn({ flow_id: started.flow_id, code: second }), ALICE, ['otp']);
  });

  it('identify on an email-code first broker answers the email-code step (a code is mailed to an account)', async () => {
    const { client, lastCode } = await open({ accounts: [ALICE], methods: ['email-code', 'password'] });
    const step = await client.identify({ email: ALICE });
    expect(keys(step)).toEqual(EMAIL_CODE_KEYS);
    expect(step).toMatchObject({ step: 'email-code', email: ALICE, purpose: 'sign-in', methods: ['email-code', 'password'], attempts_left: 5 });
    const unknown = await client.identify({ email: STRANGER });
    expect(keys(unknown)).toEqual(EMAIL_CODE_KEYS);
    expect(unknown).toMatchObject({ step: 'email-code', email: STRANGER, purpose: 'sign-in', methods: ['email-code', 'password'], attempts_left: 5 });
    expectDone(await client.finishEmailCodeSignIn({ flow_id: (step as { flow_id: string }).flow_id, code: await lastCode(ALICE) }), ALICE, ['otp']);
  });
});
