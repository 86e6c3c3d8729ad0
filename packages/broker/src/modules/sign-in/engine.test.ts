import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProblemError } from '../../http/problem.js';
import { findOpenFlow, findUserById } from '../../storage/queries/index.js';
import { rowCounts, storageKinds, testBroker, type StorageKind, useTestBroker } from '../../test/harness.js';
import { advanceSignIn, REQUIREMENTS, type PendingSignIn, type Requirement } from './complete.js';

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
    expect(done.body).toMatchObject({ step: 'done', session: { amr: ['otp'] } });
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

  describe('with a requirement after the first factor', () => {
    const asked: Array<{ amr: string[] }> = [];
    const anotherStep: Requirement = async (_deps, _user, pending) => {
      asked.push({ amr: pending.data.amr });
      if (pending.data.amr.includes('hwk')) return undefined;
      return { step: 'passkey', flow_id: pending.id, options: { challenge: 'c2Vjb25kLWZhY3Rvcg' }, expires_at: pending.expiresAt.toISOString() };
    };
    beforeEach(() => void REQUIREMENTS.push(anotherStep));
    afterEach(() => void REQUIREMENTS.splice(REQUIREMENTS.indexOf(anotherStep), 1));

    it('stores the pending sign-in bound to this browser, sets no session cookie, and opens the session once, when the requirement is met', async () => {
      const started = await t.broker.post('/v1/sign-in/email-code', { email: 'ada@example.com' });
      const waiting = await t.broker.post('/v1/sign-in/email-code/verify', { flow_id: started.body.flow_id, code: await t.broker.lastCode('ada@example.com') });
      expect(waiting.body).toMatchObject({ step: 'passkey' });
      expect(waiting.setCookies).toEqual([]);
      const sessions = (await rowCounts(t.storage)).sessions;
      const [stored] = await t.storage.query<{ id: string; user_id: string; data: unknown; consumed_at: Date | null; binding_hash: string }>(
        `SELECT id, user_id, data, consumed_at, binding_hash FROM flows WHERE kind = 'sign-in'`,
      );
      const browser = { bindingHash: createHash('sha256').update(t.broker.cookies.get('lk_flow')!).digest('base64url'), ip: undefined, userAgent: null, devices: [] };
      expect(stored).toEqual({ id: waiting.body.flow_id, user_id: expect.any(String), data: { amr: ['otp'], return_to: null }, consumed_at: null, binding_hash: browser.bindingHash });

      // The next factor passed (here: said so by hand); fifty advances race, one opens the session.
      const user = (await findUserById(t.storage, stored!.user_id))!;
      const pending = (await findOpenFlow<PendingSignIn>(t.storage, { id: stored!.id, kind: 'sign-in', bindingHash: browser.bindingHash, now: t.broker.clock.now() }))!;
      const advance = () => t.storage.transaction((tx) => advanceSignIn(tx, t.broker.deps, browser, user, pending, ['hwk', 'user']));
      const outcomes = await Promise.allSettled(Array.from({ length: 50 }, advance));
      const done = outcomes.filter((o) => o.status === 'fulfilled');
      expect(done).toHaveLength(1);
      // The session carries both factors: the code's and the one this step proved.
      expect(done[0]!.value).toMatchObject({ step: { step: 'done', user: { id: user.id }, session: { amr: ['otp', 'hwk', 'user'] } }, session: { secret: expect.any(String) } });
      const opened = (done[0]!.value as { step: { session: { id: string } } }).step.session.id;
      expect((await t.storage.query<{ amr: string[] }>(`SELECT amr FROM sessions WHERE id = $1`, [opened]))[0]!.amr).toEqual(['otp', 'hwk', 'user']);
      expect(outcomes.filter((o) => o.status === 'rejected' && (o.reason as ProblemError).code === 'code_expired')).toHaveLength(49);
      expect((await rowCounts(t.storage)).sessions).toBe(sessions + 1);
      // Another browser never finds it.
      expect(await findOpenFlow(t.storage, { id: stored!.id, kind: 'sign-in', bindingHash: 'another-browser', now: t.broker.clock.now() })).toBeUndefined();
    });
  });

  it('binds with an HttpOnly cookie, __Host- and Secure over https', async () => {
    const started = await t.broker.post('/v1/sign-in/email-code', { email: 'ada@example.com' });
    expect(started.setCookies[0]).toMatch(/^lk_flow=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
    const https = testBroker(t.storage, { publicUrl: 'https://localhost:8787' });
    const secure = await https.post('/v1/sign-in/email-code', { email: 'ada@example.com' });
    expect(secure.setCookies[0]).toMatch(/^__Host-lk_flow=[\w-]{43}; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
  });
});
