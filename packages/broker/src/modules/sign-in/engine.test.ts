import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ProblemError } from '../../http/problem.js';
import { findOpenFlow, findUserByEmail, findUserById } from '../../storage/queries/index.js';
import { createPostgresStorage } from '../../storage/postgres.js';
import type { Storage } from '../../storage/storage.js';
import { rowCounts, storageKinds, testBroker, type StorageKind, type TestBroker, useTestBroker } from '../../test/harness.js';
import type { Browser } from './browser.js';
import { advanceSignIn, completeFirstFactor, type PendingSignIn, type Requirement } from './complete.js';
import type { Factor } from './factors.js';

/** The schema a PostgreSQL test storage lives in, to open another pool on it. */
const schemaOf = async (storage: Storage) => (await storage.query<{ schema: string }>(`SELECT current_schema() AS schema`))[0]!.schema;

describe.each(storageKinds)('the sign-in engine on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind, async (b) => {
    await b.signUp('ada@example.com');
    b.cookies.clear();
  });

  it('answers identify from the configuration: with email codes first, the code is mailed at once, and only to an account', async () => {
    const codeFirst = testBroker(t.storage, { signIn: { methods: ['email-code', 'password'] } });
    const mails = await codeFirst.outboxCount();
    const known = await codeFirst.post('/v1/sign-in/identify', { email: 'ada@example.com' });
    const unknown = await codeFirst.post('/v1/sign-in/identify', { email: 'nobody@example.com' });
    expect(known.status).toBe(unknown.status);
    expect(known.body).toMatchObject({ step: 'email-code', purpose: 'sign-in', methods: ['email-code', 'password'], attempts_left: 5 });
    expect(Object.keys(unknown.body).sort()).toEqual(Object.keys(known.body).sort());
    expect(await codeFirst.outboxCount()).toBe(mails + 1);
    const done = await codeFirst.post('/v1/sign-in/email-code/verify', { flow_id: known.body.flow_id, code: await codeFirst.lastCode('ada@example.com') });
    expect(done.body).toMatchObject({ step: 'done', session: { amr: ['email'], factors: [{ method: 'email_code' }], aal: 1 } });
  });

  it('refuses a password where the configuration offers none', async () => {
    const codeOnly = testBroker(t.storage, { signIn: { methods: ['email-code'] } });
    const answer = await codeOnly.post('/v1/sign-in/password', { email: 'ada@example.com', password: 'correct horse battery staple' });
    expect(answer.status).toBe(400);
    expect(answer.setCookies).toEqual([]);
  });

  it('opens the session with done when nothing more is required after the first factor, and stores no pending sign-in', async () => {
    const started = await t.broker.post('/v1/sign-in/email-code', { email: 'ada@example.com' });
    // A step that is not done sets no session cookie: only the browser binding.
    expect(started.setCookies.map((c) => c.split('=')[0])).toEqual(['lk_flow']);
    const done = await t.broker.post('/v1/sign-in/email-code/verify', { flow_id: started.body.flow_id, code: await t.broker.lastCode('ada@example.com') });
    expect(done.body.step).toBe('done');
    expect(done.setCookies.map((c) => c.split('=')[0])).toEqual(['lk_session', 'lk_device']);
    // Neither the sign-up's first factor (its password) nor this one (the code) left a pending sign-in to use again.
    expect(await t.storage.query(`SELECT id FROM flows WHERE kind = 'sign-in'`)).toEqual([]);
  });

  /** The browser of `b` as the engine sees it (its binding cookie's hash), for calling the engine directly. */
  const browserOf = (b: TestBroker): Browser => ({
    bindingHash: createHash('sha256').update(b.cookies.get('lk_flow')!).digest('base64url'),
    ip: undefined,
    userAgent: null,
    devices: [],
  });
  const ada = async () => (await findUserByEmail(t.storage, 'ada@example.com'))!;
  /** A requirement that asks for a passkey until the sign-in has proven one. */
  const passkeyStep: Requirement = async (_tx, _deps, _user, pending) =>
    pending.data.factors.some((f) => f.method === 'passkey')
      ? undefined
      : { step: 'passkey', flow_id: pending.id, options: { challenge: 'c2Vjb25kLWZhY3Rvcg' }, expires_at: pending.expiresAt.toISOString() };

  describe('with a requirement after the first factor', () => {
    it('stores the pending sign-in bound to this browser, sets no session cookie, and opens the session once, when the requirement is met', async () => {
      const b = testBroker(t.storage, { requirements: [passkeyStep] });
      const started = await b.post('/v1/sign-in/email-code', { email: 'ada@example.com' });
      const waiting = await b.post('/v1/sign-in/email-code/verify', { flow_id: started.body.flow_id, code: await b.lastCode('ada@example.com') });
      expect(waiting.body).toMatchObject({ step: 'passkey' });
      expect(waiting.setCookies).toEqual([]);
      const sessions = (await rowCounts(t.storage)).sessions;
      const [stored] = await t.storage.query<{ id: string; user_id: string; data: unknown; consumed_at: Date | null; binding_hash: string }>(
        `SELECT id, user_id, data, consumed_at, binding_hash FROM flows WHERE kind = 'sign-in'`,
      );
      const browser = browserOf(b);
      const codeAt = b.clock.now().toISOString();
      expect(stored).toEqual({
        id: waiting.body.flow_id,
        user_id: expect.any(String),
        data: { factors: [{ method: 'email_code', at: codeAt }], return_to: null },
        consumed_at: null,
        binding_hash: browser.bindingHash,
      });

      // The next factor passed (here: said so by hand); fifty advances race, one opens the session.
      b.clock.advance(1000);
      const passkeyAt = b.clock.now().toISOString();
      const user = (await findUserById(t.storage, stored!.user_id))!;
      const pending = (await findOpenFlow<PendingSignIn>(t.storage, { id: stored!.id, kind: 'sign-in', bindingHash: browser.bindingHash, now: b.clock.now() }))!;
      const advance = () => t.storage.transaction((tx) => advanceSignIn(tx, b.deps, browser, user, pending, { method: 'passkey', at: passkeyAt, synced: false }));
      const outcomes = await Promise.allSettled(Array.from({ length: 50 }, advance));
      const done = outcomes.filter((o) => o.status === 'fulfilled');
      expect(done).toHaveLength(1);
      // The session carries both factors: the code's and the one this step proved.
      const factors = [{ method: 'email_code', at: codeAt }, { method: 'passkey', at: passkeyAt, synced: false }];
      expect(done[0]!.value).toMatchObject({
        step: { step: 'done', user: { id: user.id }, session: { amr: ['email', 'hwk', 'user', 'mfa'], factors, aal: 2, org_id: null } },
        session: { secret: expect.any(String) },
      });
      const opened = (done[0]!.value as { step: { session: { id: string } } }).step.session.id;
      expect(await t.storage.query(`SELECT amr, factors, org_id FROM sessions WHERE id = $1`, [opened])).toEqual([{ amr: ['email', 'hwk', 'user', 'mfa'], factors, org_id: null }]);
      expect(outcomes.filter((o) => o.status === 'rejected' && (o.reason as ProblemError).code === 'code_expired')).toHaveLength(49);
      expect((await rowCounts(t.storage)).sessions).toBe(sessions + 1);
      // Another browser never finds it.
      expect(await findOpenFlow(t.storage, { id: stored!.id, kind: 'sign-in', bindingHash: 'another-browser', now: b.clock.now() })).toBeUndefined();
    });

    it('asks only the broker’s own requirements: another broker on the same database opens the session at once', async () => {
      const asking = testBroker(t.storage, { requirements: [passkeyStep] });
      const plain = testBroker(t.storage);
      const signIn = (b: TestBroker) => b.post('/v1/sign-in/password', { email: 'ada@example.com', password: 'correct horse battery staple' });
      expect((await signIn(asking)).body).toMatchObject({ step: 'passkey' });
      expect((await signIn(plain)).body).toMatchObject({ step: 'done', session: { amr: ['pwd'], factors: [{ method: 'pwd' }], aal: 1 } });
    });

    it('finishes two requirements in a row, each met by its own step, in a session carrying every factor', async () => {
      /** A second requirement, asked once the passkey is in: a TOTP code. */
      const otpStep: Requirement = async (_tx, _deps, user, pending) =>
        pending.data.factors.some((f) => f.method === 'otp') ? undefined : { step: 'email-code', purpose: 'sign-in', flow_id: pending.id, email: user.email, methods: [], attempts_left: 5, expires_at: pending.expiresAt.toISOString(), resend_after: pending.expiresAt.toISOString() };
      const b = testBroker(t.storage, { requirements: [passkeyStep, otpStep] });
      const first = await b.post('/v1/sign-in/password', { email: 'ada@example.com', password: 'correct horse battery staple' });
      expect(first.body).toMatchObject({ step: 'passkey' });
      const browser = browserOf(b);
      const user = await ada();
      /** One step passing, as its route would run it: the pending sign-in read again for this browser, then the engine. */
      const pass = (factor: Factor) =>
        t.storage.transaction(async (tx) => {
          const pending = await findOpenFlow<PendingSignIn>(tx, { id: first.body.flow_id, kind: 'sign-in', bindingHash: browser.bindingHash, now: b.clock.now() });
          if (!pending) throw new Error('the pending sign-in is gone');
          return advanceSignIn(tx, b.deps, browser, user, pending, factor);
        });
      const at = b.clock.now().toISOString();
      const afterPasskey = await pass({ method: 'passkey', at, synced: true });
      // The passkey's proof is kept: the next requirement is asked, not the passkey again.
      expect(afterPasskey).toEqual({ step: expect.objectContaining({ step: 'email-code', flow_id: first.body.flow_id }) });
      const done = await pass({ method: 'otp', at });
      expect(done.step).toMatchObject({
        step: 'done',
        session: {
          amr: ['pwd', 'swk', 'user', 'otp', 'mfa'],
          factors: [{ method: 'pwd', at }, { method: 'passkey', at, synced: true }, { method: 'otp', at }],
          aal: 2,
        },
      });
      expect(await t.storage.query(`SELECT id FROM flows WHERE kind = 'sign-in' AND consumed_at IS NULL`)).toEqual([]);
    });

    it('keeps nothing a step proved for another browser, or once the pending sign-in expired', async () => {
      const b = testBroker(t.storage, { requirements: [passkeyStep, async (_tx, _deps, _user, pending) => (pending.data.factors.length < 3 ? { step: 'password', email: 'ada@example.com', methods: [] } : undefined)] });
      const first = await b.post('/v1/sign-in/password', { email: 'ada@example.com', password: 'correct horse battery staple' });
      const user = await ada();
      const pending = (await findOpenFlow<PendingSignIn>(t.storage, { id: first.body.flow_id, kind: 'sign-in', bindingHash: browserOf(b).bindingHash, now: b.clock.now() }))!;
      const passkey: Factor = { method: 'passkey', at: b.clock.now().toISOString() };
      const stranger = { ...browserOf(b), bindingHash: 'another-browser' };
      await expect(t.storage.transaction((tx) => advanceSignIn(tx, b.deps, stranger, user, pending, passkey))).rejects.toMatchObject({ code: 'code_expired' });
      b.clock.advance(11 * 60_000);
      await expect(t.storage.transaction((tx) => advanceSignIn(tx, b.deps, browserOf(b), user, pending, passkey))).rejects.toMatchObject({ code: 'code_expired' });
      expect(await t.storage.query(`SELECT data FROM flows WHERE id = $1`, [first.body.flow_id])).toEqual([{ data: pending.data }]);
    });
  });

  it('runs a requirement in the caller’s transaction: it reads through it, with one connection to the database', async () => {
    // One connection in all: on PGlite there is only one, and the transaction holds its lock;
    // on PostgreSQL a pool of one, so a read through another connection would wait forever.
    const single = kind === 'pglite' ? t.storage : await createPostgresStorage({ connectionString: process.env.TEST_DATABASE_URL!, schema: await schemaOf(t.storage), max: 1 });
    try {
      const seen: string[] = [];
      const readsTheUser: Requirement = async (tx, _deps, user) => {
        seen.push((await findUserById(tx, user.id))!.email);
        return undefined;
      };
      const b = testBroker(single, { requirements: [readsTheUser] });
      const signIn = b.post('/v1/sign-in/password', { email: 'ada@example.com', password: 'correct horse battery staple' });
      const answer = await Promise.race([signIn, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the sign-in waits for a second connection')), 5000))]);
      expect(answer.body).toMatchObject({ step: 'done' });
      expect(seen).toEqual(['ada@example.com']);
    } finally {
      if (single !== t.storage) await single.close();
    }
  });

  it('opens a session in the organization a redirected factor came through, and its token says so', async () => {
    await t.broker.post('/v1/sign-in/email-code', { email: 'ada@example.com' });
    const user = await ada();
    const at = t.broker.clock.now().toISOString();
    const outcome = await t.storage.transaction((tx) =>
      completeFirstFactor(tx, t.broker.deps, browserOf(t.broker), user, { method: 'oidc', at, connection: 'con_acme', org: 'org_acme' }, null),
    );
    expect(outcome.step).toMatchObject({ step: 'done', session: { amr: ['fed'], factors: [{ method: 'oidc', at, connection: 'con_acme', org: 'org_acme' }], aal: 1, org_id: 'org_acme' } });
    t.broker.cookies.set('lk_session', outcome.session!.secret);
    const { body } = await t.broker.post('/v1/session/token');
    const claims = JSON.parse(Buffer.from(body.token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ sub: user.id, amr: ['fed'], aal: 1, org_id: 'org_acme', org_role: null });
    const session = await t.broker.get('/v1/session');
    expect(session.body.session).toMatchObject({ org_id: 'org_acme', aal: 1 });
  });

  it('opens a social sign-in in no organization', async () => {
    await t.broker.post('/v1/sign-in/email-code', { email: 'ada@example.com' });
    const user = await ada();
    const outcome = await t.storage.transaction((tx) =>
      completeFirstFactor(tx, t.broker.deps, browserOf(t.broker), user, { method: 'oauth', at: t.broker.clock.now().toISOString(), provider: 'github' }, null),
    );
    expect(outcome.step).toMatchObject({ step: 'done', session: { amr: ['fed'], factors: [{ method: 'oauth', provider: 'github' }], org_id: null } });
  });

  it('binds with an HttpOnly cookie, __Host- and Secure over https', async () => {
    const started = await t.broker.post('/v1/sign-in/email-code', { email: 'ada@example.com' });
    expect(started.setCookies[0]).toMatch(/^lk_flow=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
    const https = testBroker(t.storage, { publicUrl: 'https://localhost:8787' });
    const secure = await https.post('/v1/sign-in/email-code', { email: 'ada@example.com' });
    expect(secure.setCookies[0]).toMatch(/^__Host-lk_flow=[\w-]{43}; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
  });
});
