import { describe, expect, it } from 'vitest';
import { rowCounts, storageKinds, useTestBroker, type StorageKind, type TestBroker } from '../../test/harness.js';
import { addPasskey, PASSKEY_METHODS, signInWithPasskey, SoftAuthenticator } from '../../test/passkeys.js';

const PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'a brand new battery staple';
const ADA = 'ada@example.com';
const MALLORY = 'mallory@example.com';
const FIREFOX_ON_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const REMOVE = '/v1/password-reset/passkeys/remove';

type Browser = Pick<TestBroker, 'post'>;

/** A reset of `email`'s password in `browser`, from the mailed code to the answer. */
async function resetPassword(b: TestBroker, email: string, browser: Browser = b) {
  // Mail still leaving (a passkey's notice) must not land after the code, which `lastCode` reads as the newest.
  await b.deps.mail.settled();
  const started = await browser.post('/v1/password-reset', { email });
  const finished = await browser.post('/v1/password-reset/finish', { flow_id: started.body.flow_id, code: await b.lastCode(email), password: NEW_PASSWORD });
  expect(finished.status).toBe(200);
  return finished.body;
}

const ids = (passkeys: Array<{ id: string }>) => passkeys.map((p) => p.id);

describe.each(storageKinds)('a passkey added through a stolen session, and the review after a reset, on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind, undefined, { signIn: { methods: [...PASSKEY_METHODS] } });

  /** Ada: a password and a passkey of her own, signed in in the broker's main browser. */
  async function ada() {
    const b = t.broker;
    await b.signUp(ADA, PASSWORD);
    const laptop = new SoftAuthenticator();
    const own = (await addPasskey(b, laptop)).body;
    // Her passkey's notice has landed: mail sent later reads as newer (PostgreSQL may store two in flight in either order).
    await b.deps.mail.settled();
    return { b, laptop, own };
  }

  it('a copied session cookie adds a passkey: the owner is mailed, resets, sees both, removes the stranger’s, which then no longer signs in', async () => {
    const { b, laptop, own } = await ada();

    // A minute later, the stranger replays Ada's session cookie from their own browser, address and User-Agent.
    b.clock.advance(60_000);
    const stranger = b.browser({ ip: '198.51.100.7' });
    stranger.cookies.set('lk_session', b.cookies.get('lk_session')!);
    const fromFirefox = { post: (path: string, json?: unknown) => stranger.post(path, json, { headers: { 'user-agent': FIREFOX_ON_LINUX } }) };
    const strangersKey = new SoftAuthenticator({ synced: true });
    const planted = await addPasskey(fromFirefox, strangersKey, {}, 'Ada’s phone');
    expect(planted.status).toBe(201);

    // The owner hears of it at once, with the stranger's device and address.
    const [notice] = await b.outbox(ADA);
    expect(notice!.subject).toBe('A passkey was added to your account');
    expect(notice!.text).toContain('Device:  Firefox on Linux');
    expect(notice!.text).toContain('Address: 198.51.100.7');
    expect(notice!.text).toContain('When:    2026-11-24 12:01 UTC');

    // The reset revokes every session (the copied cookie too) and lists both passkeys.
    const answer = await resetPassword(b, ADA);
    expect(answer).toEqual({
      step: 'password',
      email: ADA,
      methods: [...PASSKEY_METHODS],
      notice: 'password-reset',
      review: { flow_id: expect.stringMatching(/^flw_/), expires_at: new Date(b.clock.now().getTime() + 15 * 60_000).toISOString(), passkeys: [own, planted.body] },
    });
    expect((await stranger.get('/v1/passkeys')).status).toBe(401);

    // No session needed: the review removes the stranger's passkey.
    const removed = await b.post(REMOVE, { flow_id: answer.review.flow_id, passkey_ids: [planted.body.id] });
    expect(removed.status).toBe(200);
    expect(removed.headers.get('cache-control')).toBe('no-store');
    expect(removed.body).toEqual({ flow_id: answer.review.flow_id, expires_at: answer.review.expires_at, passkeys: [own], removed: [planted.body.id] });

    expect((await signInWithPasskey(stranger, strangersKey)).body.code).toBe('passkey_rejected');
    expect(await signInWithPasskey(b.browser(), laptop)).toMatchObject({ status: 200, body: { step: 'done', user: { email: ADA } } });
  });

  it('refuses the review from another browser, and without the binding cookie, removing nothing', async () => {
    const { b } = await ada();
    const answer = await resetPassword(b, ADA);
    const before = await rowCounts(t.storage);
    const elsewhere = b.browser({ ip: '198.51.100.7' });
    await elsewhere.post('/v1/passkeys/sign-in/options', {}); // it has a binding cookie of its own
    for (const attempt of [
      elsewhere.post(REMOVE, { flow_id: answer.review.flow_id, passkey_ids: ids(answer.review.passkeys) }),
      b.post(REMOVE, { flow_id: answer.review.flow_id, passkey_ids: ids(answer.review.passkeys) }, { cookie: null }),
    ]) {
      const refused = await attempt;
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ code: 'code_expired', type: 'urn:latchkey:problem:code_expired' });
      expect(refused.body).not.toHaveProperty('passkeys');
    }
    expect((await rowCounts(t.storage)).passkeys).toBe(before.passkeys);
  });

  it('refuses the review after fifteen minutes, and a flow id of another kind', async () => {
    const { b } = await ada();
    const started = await b.post('/v1/password-reset', { email: ADA });
    const answer = (await b.post('/v1/password-reset/finish', { flow_id: started.body.flow_id, code: await b.lastCode(ADA), password: NEW_PASSWORD })).body;
    const passkeys = ids(answer.review.passkeys);
    // The reset's own (used) code flow, and a live passkey ceremony of this browser, are no reviews.
    const ceremony = (await b.post('/v1/passkeys/sign-in/options', {})).body;
    for (const flowId of [started.body.flow_id, ceremony.flow_id, 'flw_madeUp0000000000000000']) {
      expect((await b.post(REMOVE, { flow_id: flowId, passkey_ids: passkeys })).body.code).toBe('code_expired');
    }
    b.clock.advance(15 * 60_000);
    const late = await b.post(REMOVE, { flow_id: answer.review.flow_id, passkey_ids: passkeys });
    expect(late.status).toBe(400);
    expect(late.body.code).toBe('code_expired');
    expect((await rowCounts(t.storage)).passkeys).toBe(1);
  });

  it('fifty parallel removals of one passkey: one deletes it, the rest answer that it is gone, none fails', async () => {
    const { b, own } = await ada();
    const second = (await addPasskey(b, new SoftAuthenticator())).body;
    const answer = await resetPassword(b, ADA);
    const answers = await Promise.all(Array.from({ length: 50 }, () => b.post(REMOVE, { flow_id: answer.review.flow_id, passkey_ids: [second.id] })));
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
    expect(answers.filter((a) => a.body.removed.length === 1)).toHaveLength(1);
    expect(answers.flatMap((a) => a.body.removed)).toEqual([second.id]);
    expect(ids((await t.storage.query<{ id: string }>(`SELECT id FROM passkeys ORDER BY created_at`)))).toEqual([own.id]);
  });

  it("does nothing to another account's passkey, answering as for an id that never was", async () => {
    const { b, own } = await ada();
    // Mallory has an account of her own, with a passkey, and a review of her own after a reset.
    const mallory = b.browser({ ip: '198.51.100.66' });
    const signedUp = await mallory.post('/v1/sign-up', { email: MALLORY, password: PASSWORD });
    await mallory.post('/v1/sign-up/verify', { flow_id: signedUp.body.flow_id, code: await b.lastCode(MALLORY) });
    await addPasskey(mallory, new SoftAuthenticator());
    const mallorysReview = (await resetPassword(b, MALLORY, mallory)).review;

    const adasReview = (await resetPassword(b, ADA)).review;
    const before = await t.storage.query(`SELECT id, user_id FROM passkeys ORDER BY id`);
    // Ada's passkey id in Mallory's review, and a made-up id in Ada's: the same answer, nothing removed.
    const foreign = await mallory.post(REMOVE, { flow_id: mallorysReview.flow_id, passkey_ids: [own.id] });
    const madeUp = await mallory.post(REMOVE, { flow_id: mallorysReview.flow_id, passkey_ids: ['pk_doesNotExist000000000'] });
    expect(foreign.status).toBe(200);
    expect(foreign.body).toEqual(madeUp.body);
    expect(foreign.body).toEqual({ ...mallorysReview, removed: [] });
    expect(await t.storage.query(`SELECT id, user_id FROM passkeys ORDER BY id`)).toEqual(before);
    // Ada's own review still has it.
    expect(ids(adasReview.passkeys)).toEqual([own.id]);
  });

  it('answers a reset of an account without passkeys exactly as before: no review, no review flow', async () => {
    const b = t.broker;
    await b.signUp(ADA, PASSWORD);
    expect(await resetPassword(b, ADA)).toEqual({ step: 'password', email: ADA, methods: [...PASSKEY_METHODS], notice: 'password-reset' });
    expect(await t.storage.query(`SELECT id FROM flows WHERE kind = 'passkey-review'`)).toEqual([]);
  });

  it('lets the owner remove every listed passkey: the new password is still a way in; a passkey added after the reset is not the review’s', async () => {
    const { b, own } = await ada();
    const second = (await addPasskey(b, new SoftAuthenticator())).body;
    const review = (await resetPassword(b, ADA)).review;
    await b.post('/v1/sign-in/password', { email: ADA, password: NEW_PASSWORD });
    const later = (await addPasskey(b, new SoftAuthenticator())).body;
    const removed = await b.post(REMOVE, { flow_id: review.flow_id, passkey_ids: [own.id, second.id, later.id] });
    expect(removed.body).toEqual({ ...review, passkeys: [], removed: [own.id, second.id].sort() });
    expect(ids((await b.get('/v1/passkeys')).body.passkeys)).toEqual([later.id]);
    expect((await b.browser().post('/v1/sign-in/password', { email: ADA, password: NEW_PASSWORD })).status).toBe(200);
  });

  it('takes the reset routes’ guards and checks its input: a foreign Origin, a malformed id', async () => {
    const { b } = await ada();
    const review = (await resetPassword(b, ADA)).review;
    const foreignOrigin = await b.post(REMOVE, { flow_id: review.flow_id, passkey_ids: ids(review.passkeys) }, { headers: { origin: 'https://evil.test' } });
    expect(foreignOrigin.status).toBe(403);
    expect(foreignOrigin.body.code).toBe('forbidden_origin');
    for (const body of [{ flow_id: review.flow_id, passkey_ids: [] }, { flow_id: review.flow_id, passkey_ids: ["pk_x' OR 1=1"] }, { flow_id: review.flow_id }]) {
      const bad = await b.post(REMOVE, body);
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('invalid_request');
    }
    expect((await rowCounts(t.storage)).passkeys).toBe(1);
  });
});
