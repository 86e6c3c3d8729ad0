import { describe, expect, it } from 'vitest';
import { storageKinds, testBroker, type StorageKind, type TestBroker, useTestBroker } from '../../test/harness.js';

const OWNER_PASSWORD = 'correct horse battery staple';

describe.each(storageKinds)('attempts and lockout on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind, async (b) => {
    await b.signUp('ada@example.com', OWNER_PASSWORD);
    b.cookies.clear();
  });
  type Browser = ReturnType<TestBroker['browser']>;
  const guess = (browser: Browser, i: number) =>
    browser.post('/v1/sign-in/password', { email: 'ada@example.com', password: `guess number ${i}` });

  /** Wrong passwords from `browser` until it is locked out, waiting out each backoff; returns how many were compared. */
  async function lockOut(browser: Browser) {
    let compared = 0;
    for (let i = 0; i < 30; i++) {
      const answer = await guess(browser, i);
      if (answer.status === 401) compared++;
      else if (Number(answer.headers.get('retry-after')) <= 60) t.broker.clock.advance(Number(answer.headers.get('retry-after')) * 1000);
      else return { compared, last: answer };
    }
    throw new Error('never locked out');
  }

  it('backs off after a few wrong passwords from one address, telling how long to wait', async () => {
    const stranger = t.broker.browser({ ip: '198.51.100.7' });
    for (let i = 0; i < 3; i++) expect((await guess(stranger, i)).status).toBe(401);
    const early = await guess(stranger, 3);
    expect(early.status).toBe(429);
    expect(early.body.code).toBe('rate_limited');
    expect(early.headers.get('retry-after')).toBe('1');
    t.broker.clock.advance(1000);
    expect((await guess(stranger, 4)).status).toBe(401);
    expect((await guess(stranger, 5)).headers.get('retry-after')).toBe('2');
  });

  it("never lets a stranger's wrong passwords block the owner's password, code sign-in or reset from another address", async () => {
    const stranger = t.broker.browser({ ip: '198.51.100.7' });
    const { compared, last } = await lockOut(stranger);
    expect(compared).toBe(10);
    expect(last.status).toBe(429);
    expect((await stranger.post('/v1/sign-in/password', { email: 'ada@example.com', password: OWNER_PASSWORD })).status).toBe(429);

    const owner = t.broker.browser({ ip: '203.0.113.99' });
    const signedIn = await owner.post('/v1/sign-in/password', { email: 'ada@example.com', password: OWNER_PASSWORD });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.step).toBe('done');

    const code = await owner.post('/v1/sign-in/email-code', { email: 'ada@example.com' });
    expect(code.status).toBe(202);
    expect((await owner.post('/v1/sign-in/email-code/verify', { flow_id: code.body.flow_id, code: await t.broker.lastCode('ada@example.com') })).status).toBe(200);

    const reset = await owner.post('/v1/password-reset', { email: 'ada@example.com' });
    expect(reset.status).toBe(202);
  });

  it('counts only failures: the owner signing in again and again is never limited', async () => {
    const owner = t.broker.browser({ ip: '203.0.113.99' });
    for (let i = 0; i < 25; i++) {
      expect((await owner.post('/v1/sign-in/password', { email: 'ada@example.com', password: OWNER_PASSWORD })).status).toBe(200);
    }
  });

  it('limits failures per account from many addresses more loosely, and then the code still signs the owner in', async () => {
    // Without backoff, so the hundred failures fit in one window of the per-address budget.
    const broker = testBroker(t.storage, { rateLimits: { passwordPerAccountAndIp: { limit: 10, windowSeconds: 900 } } });
    let compared = 0;
    for (let n = 0; n < 10; n++) compared += (await lockOut(broker.browser({ ip: `198.51.100.${n + 1}` }))).compared;
    expect(compared).toBe(100);
    expect((await lockOut(broker.browser({ ip: '198.51.100.200' }))).compared).toBe(0);
    const owner = broker.browser({ ip: '203.0.113.99' });
    expect((await owner.post('/v1/sign-in/password', { email: 'ada@example.com', password: OWNER_PASSWORD })).status).toBe(429);
    const code = await owner.post('/v1/sign-in/email-code', { email: 'ada@example.com' });
    expect((await owner.post('/v1/sign-in/email-code/verify', { flow_id: code.body.flow_id, code: await broker.lastCode('ada@example.com') })).status).toBe(200);
  });

  it('compares at most the free attempts of fifty parallel wrong passwords from one address', async () => {
    const stranger = t.broker.browser({ ip: '198.51.100.7' });
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => guess(stranger, i)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(47);
  });

  it('stops slow code guessing with a budget per account across all its flows', async () => {
    const stranger = t.broker.browser({ ip: '198.51.100.7' });
    let wrong = 0;
    let refusedWith: { status: number; body: { code: string } } | undefined;
    // Each flow takes five wrong codes; the stranger keeps opening new ones (an hour apart, within the mail budget).
    for (let flow = 0; flow < 10 && !refusedWith; flow++) {
      t.broker.clock.advance(3_600_000);
      const started = await stranger.post('/v1/sign-in/email-code', { email: 'ada@example.com' });
      for (let i = 0; i < 5; i++) {
        const answer = await stranger.post('/v1/sign-in/email-code/verify', { flow_id: started.body.flow_id, code: String(100000 + flow * 10 + i) });
        if (answer.status === 429) {
          refusedWith = answer;
          break;
        }
        wrong++;
      }
    }
    expect(wrong).toBe(30);
    expect(refusedWith?.body.code).toBe('rate_limited');
    // The password still signs the owner in: a stranger never locks the owner out of every way in.
    const owner = t.broker.browser({ ip: '203.0.113.99' });
    expect((await owner.post('/v1/sign-in/password', { email: 'ada@example.com', password: OWNER_PASSWORD })).status).toBe(200);
  });

  it('caps mail to one address on a budget of its own', async () => {
    t.broker.clock.advance(15 * 60_000); // past the window of the sign-up's own mail
    const stranger = t.broker.browser({ ip: '198.51.100.7' });
    const statuses = [];
    for (let i = 0; i < 11; i++) statuses.push((await stranger.post('/v1/password-reset', { email: 'ada@example.com' })).status);
    expect(statuses.slice(0, 10).every((s) => s === 202)).toBe(true);
    expect(statuses[10]).toBe(429);
    // The password budget is untouched by it.
    expect((await t.broker.browser().post('/v1/sign-in/password', { email: 'ada@example.com', password: OWNER_PASSWORD })).status).toBe(200);
  });
});
